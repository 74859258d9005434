"""Transforms of the observed scores before the Gaussian process sees them.

Cross-validated scores are often skewed (a few very bad configurations, a
crowd near the top), which a stationary GP with Gaussian noise models
poorly. A monotone transform of the targets keeps their order, hence the
maximiser, and makes them look more Gaussian.

Variables and shapes
--------------------
y : (n,) float64
    Observed scores (to maximise); NaN or infinite for failed candidates.
z : (n,) float64
    Finite transformed targets, same order as ``y`` (non-decreasing map).
"""

import numpy as np
from scipy.special import ndtri
from scipy.stats import rankdata, yeojohnson

SCORE_TRANSFORMS = (None, "rank", "power")


def fill_failed(y):
    """Replace non-finite scores by the worst finite one (0 if none is finite).

    Parameters
    ----------
    y : array_like, shape (n,)

    Returns
    -------
    ndarray, shape (n,)
        A finite copy: failures rank last, tied with the worst success.
    """
    y = np.array(y, dtype=np.float64).reshape(-1)
    finite = np.isfinite(y)
    y[~finite] = y[finite].min() if finite.any() else 0.0
    return y


def rank_transform(y):
    """Gaussian-quantile (copula) transform ``Phi^-1((rank - 0.5) / n)``.

    Ties get their average rank, so equal scores map to equal targets.

    Parameters
    ----------
    y : array_like, shape (n,)
        Finite scores.

    Returns
    -------
    ndarray, shape (n,)
        Values within about ``[-Phi^-1(1 - 0.5/n), Phi^-1(1 - 0.5/n)]``;
        all zeros for constant scores.
    """
    y = np.asarray(y, dtype=np.float64).reshape(-1)
    if y.size == 0:
        return y.copy()
    return ndtri((rankdata(y, method="average") - 0.5) / y.size)


def power_transform(y):
    """Yeo-Johnson power transform of the standardised scores, standardised again.

    The exponent is the maximum-likelihood one (``scipy.stats.yeojohnson``).
    Standardising first makes the result independent of the scores' scale
    and location.

    Parameters
    ----------
    y : array_like, shape (n,)
        Finite scores.

    Returns
    -------
    ndarray, shape (n,)
        Mean 0 and standard deviation 1; all zeros for constant scores.
    """
    y = np.asarray(y, dtype=np.float64).reshape(-1)
    std = y.std() if y.size else 0.0
    # Constant up to rounding, relative to the scores' magnitude (not 1: tiny scales vary).
    if y.size < 2 or not std > 1e-12 * np.abs(y).max():
        return np.zeros_like(y)
    z = yeojohnson((y - y.mean()) / std)[0]
    z_std = z.std()
    if not (np.all(np.isfinite(z)) and z_std > 0):  # a degenerate exponent: keep the order
        return (y - y.mean()) / std
    return (z - z.mean()) / z_std


def transform_scores(y, method):
    """Failed scores filled as the worst finite one, then ``method`` applied.

    Parameters
    ----------
    y : array_like, shape (n,)
        Scores, NaN or infinite for failures.
    method : {None, "rank", "power"}
        None returns the filled scores unchanged.

    Returns
    -------
    ndarray, shape (n,)
        Finite targets, a non-decreasing function of the filled scores.
    """
    if method not in SCORE_TRANSFORMS:
        raise ValueError(f"score_transform must be one of {SCORE_TRANSFORMS}, got {method!r}.")
    y = fill_failed(y)
    if method == "rank":
        return rank_transform(y)
    if method == "power":
        return power_transform(y)
    return y
