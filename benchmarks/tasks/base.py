"""What a benchmark task is: an estimator, a search space, data and fixed splits."""

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from skscale import Continuous, Integer, Ordinal, SearchSpace


@dataclass(frozen=True)
class Task:
    """One tuning problem, posed identically to every method.

    Parameters
    ----------
    name : str
        Short identifier, used in file names and tables.
    suite : {"synthetic", "real"}
        Synthetic tasks have a known optimum (regret is exact); real ones are
        measured against the best score any method has seen
        (``results/reference.json``).
    make_estimator : callable
        Returns a fresh, unfitted estimator.
    space : dict
        Parameter name -> skscale ``Continuous``, ``Integer``, ``Ordinal`` or
        ``Categorical``, each numeric range carrying the scaling a
        knowledgeable user would choose, or a plain list of values as written
        for ``GridSearchCV``. Every method translates this one description
        into its own format (see ``methods.py``).
    load_data : callable
        Returns ``(X, y)``: what the search is fitted on.
    cv : cross-validation splitter
        Deterministic, so every method and seed sees the same folds.
    scoring : str or None
        Scorer name, or None for the estimator's ``score``.
    optimum : float or None
        Best attainable score when known; None for real tasks.
    """

    name: str
    suite: str
    make_estimator: Callable
    space: dict
    load_data: Callable
    cv: object
    scoring: str | None = None
    optimum: float | None = None

    @property
    def fingerprint(self):
        """Estimator and space as text: stored runs of an older definition are stale."""
        return " ".join(f"{self.make_estimator()!r} {self.space!r}".split())


def linearized(space):
    """The same space with every numeric range forced to linear scaling.

    This is the scaling ablation: same bounds, same choices, no log or
    reverse-log stretching.
    """
    out = {}
    for name, rng in space.items():
        rng = resolved(name, rng)
        if isinstance(rng, Ordinal):
            rng = Ordinal(rng.values, scaling="linear")
        elif isinstance(rng, Continuous):
            rng = Continuous(rng.low, rng.high, scaling="linear")
        elif isinstance(rng, Integer):
            rng = Integer(rng.low, rng.high, scaling="linear")
        out[name] = rng
    return out


def resolved(name, value):
    """What skscale makes of one entry of a task's space (a plain list becomes
    an ``Ordinal`` or a ``Categorical``)."""
    return SearchSpace({name: value}).subspaces[0].dims[name]


# The benchmark computes unit positions itself rather than through skscale's
# ``to_unit``, so that a scaling bug in the library cannot also bend the
# yardstick it is measured with.
_SCALED = {
    "linear": lambda x: x,
    "log": np.log,
    "reverse_log": lambda x: -np.log1p(-x),
}


def unit_position(rng, value):
    """Position of ``value`` in ``rng`` on [0, 1], uniform under its scaling.

    Parameters
    ----------
    rng : skscale.Continuous or skscale.Integer
    value : float

    Returns
    -------
    u : float
        0 at ``rng.low``, 1 at ``rng.high``.
    """
    f = _SCALED[rng.scaling]
    lo, hi = f(float(rng.low)), f(float(rng.high))
    return float((f(float(value)) - lo) / (hi - lo))
