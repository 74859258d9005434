"""``BayesianOptimizer``: ask/tell Bayesian optimisation for anything to tune.

``ScaledSearchCV(strategy="bayesian")`` drives the same strategy with
scikit-learn's cross-validation; this class lets you drive it yourself, for
objectives that are not scikit-learn estimators.
"""

import numbers

import numpy as np
from sklearn.utils import check_random_state

from .space import SearchSpace
from .strategies.bayesian import BayesianStrategy


def _check_count(value, name):
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an int >= 1, got {type(value).__name__} {value!r}.")
    if value < 1:
        raise ValueError(f"{name} must be an int >= 1, got {value!r}.")
    return int(value)


class BayesianOptimizer:
    """Ask for candidates, evaluate them your way, tell the scores.

    Parameters
    ----------
    param_distributions : dict or list of dict
        Parameter names mapped to range objects or lists of choices, as for
        :class:`~skscale.ScaledSearchCV`.
    n_iter : int, default=50
        The budget you plan to spend; it sets the size of the initial
        space-filling design. Asking for more is allowed.
    random_state : int, RandomState instance or None, default=None
        Seed of every random choice.

    Attributes
    ----------
    space : SearchSpace
        The resolved search space.
    history : list of tuple
        Every ``(params, score)`` told, in order.

    Examples
    --------
    >>> from skscale import BayesianOptimizer, Continuous
    >>> opt = BayesianOptimizer({"x": Continuous(-2.0, 2.0)}, n_iter=12, random_state=0)
    >>> for _ in range(12):
    ...     [params] = opt.ask()
    ...     opt.tell([params], [-(params["x"] - 0.5) ** 2])
    >>> abs(opt.best_params_["x"] - 0.5) < 0.1
    True
    """

    def __init__(self, param_distributions, *, n_iter=50, random_state=None):
        self.space = SearchSpace(param_distributions)
        if not any(sub.dims for sub in self.space.subspaces):
            raise ValueError("param_distributions is empty; name at least one parameter.")
        n_iter = _check_count(n_iter, "n_iter")
        self._strategy = BayesianStrategy(self.space, n_iter, check_random_state(random_state))
        self.history = []

    def ask(self, n=1):
        """Propose ``n`` distinct candidates (fewer if a finite space runs out).

        Candidates asked for and not yet told count as pending: later
        proposals keep away from them.

        Parameters
        ----------
        n : int, default=1
            Number of candidates.

        Returns
        -------
        candidates : list of dict
        """
        return self._strategy.ask(_check_count(n, "n"))

    def tell(self, candidates, scores):
        """Record scores (higher is better) of evaluated candidates.

        Parameters
        ----------
        candidates : list of dict
            Candidates, from ``ask`` or evaluated elsewhere (points outside
            the space are ignored by the model).
        scores : sequence of float
            One score per candidate; NaN or infinite marks a failure.
        """
        candidates = list(candidates)
        scores = np.asarray(scores, dtype=np.float64).reshape(-1)
        if len(scores) != len(candidates):
            raise ValueError(
                f"scores must have one value per candidate: got {len(scores)} scores "
                f"for {len(candidates)} candidates."
            )
        self._strategy.tell(candidates, scores)
        self.history.extend(zip(candidates, scores.tolist(), strict=True))

    def _best(self):
        finite = [(s, p) for p, s in self.history if np.isfinite(s)]
        if not finite:
            raise AttributeError("no finite score has been told yet")
        return max(finite, key=lambda pair: pair[0])

    @property
    def best_params_(self):
        """Parameters of the best score told so far."""
        return self._best()[1]

    @property
    def best_score_(self):
        """Best finite score told so far."""
        return self._best()[0]

    @property
    def warping_(self):
        """The learned warping of each numeric parameter (see ``ScaledSearchCV``)."""
        return self._strategy.fitted_attributes()["warping_"]
