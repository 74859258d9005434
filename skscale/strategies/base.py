"""The interface every search strategy implements: ask for candidates, tell scores.

The search loop (``ScaledSearchCV._run_search``) repeatedly asks a strategy
for up to ``n`` candidates, evaluates them with scikit-learn's machinery and
tells the strategy their scores. Scores are to be maximised; a failed
candidate is told as NaN.
"""

import math
from abc import ABC, abstractmethod

import numpy as np

from ..warm_start import select_rows


class Strategy(ABC):
    """Base class of search strategies.

    Parameters
    ----------
    space : SearchSpace
        The resolved search space.
    n_iter : int
        The evaluation budget the search was given.
    random_state : RandomState
        The generator of this fit, resolved once by the search.
    **options
        Strategy-specific options (see each strategy).

    Attributes
    ----------
    sequential : bool
        False when every candidate can be asked for at once (no feedback
        used), so the search submits them together for maximal parallelism.
    n_candidates : int
        How many candidates the strategy plans to propose in all.
    """

    sequential = False

    def __init__(self, space, n_iter, random_state, **options):
        self.space = space
        self.n_iter = n_iter
        self.random_state = random_state
        self.n_candidates = n_iter

    @abstractmethod
    def ask(self, n):
        """Up to ``n`` new candidates (dicts); fewer or none when exhausted."""

    def tell(self, candidates, scores):  # noqa: B027 (optional: planned strategies ignore scores)
        """Record the scores (to maximise; NaN for failures) of asked candidates."""

    def fitted_attributes(self):
        """Attributes (name to value) the fitted search exposes for this strategy."""
        return {}

    def n_rounds(self, round_size):
        """Rounds of evaluation the search makes when it asks ``round_size`` at a time."""
        return math.ceil(self.n_candidates / round_size)

    def round_options(self):
        """Keyword arguments of ``evaluate_candidates`` for the candidates asked last."""
        return {}

    def judged(self, results):
        """Mask of the ``cv_results_`` rows that stop criteria look at (all here)."""
        return np.ones(len(results["params"]), dtype=bool)

    def select_warm_rows(self, results):
        """The rows of earlier ``cv_results_`` this strategy can start from."""
        return select_rows(results, self.space)


class PlannedStrategy(Strategy):
    """A strategy whose candidates are all known up front (``_plan``)."""

    def __init__(self, space, n_iter, random_state, **options):
        super().__init__(space, n_iter, random_state)
        self._pending = self._plan(**options)
        self.n_candidates = len(self._pending)
        self._asked = False

    @abstractmethod
    def _plan(self, **options):
        """The list of every candidate, in the order they are proposed."""

    def ask(self, n):
        self._asked = True
        batch, self._pending = self._pending[:n], self._pending[n:]
        return batch

    def tell(self, candidates, scores):
        # Candidates told before the first ask (a warm start) were evaluated
        # already: they are not planned again. Later tells are this plan's own
        # results, and repeated random draws still queued must stay.
        if self._asked:
            return
        before = len(self._pending)
        self._pending = [c for c in self._pending if c not in candidates]
        self.n_candidates -= before - len(self._pending)
