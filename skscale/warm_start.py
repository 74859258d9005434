"""Warm start: earlier evaluations carried into a new search's ``cv_results_``.

The rows of an earlier search that fall inside the new search space are told
to the strategy before it proposes anything, and are shown first in the new
``cv_results_``, flagged ``warm_start=True``; they are not evaluated again.
"""

import warnings
from collections.abc import Mapping

import numpy as np


def earlier_results(warm_start, current):
    """The ``cv_results_`` a ``warm_start`` argument refers to, or None.

    Parameters
    ----------
    warm_start : bool, fitted search or dict
        ``True`` means the results of ``current``'s previous fit.
    current : ScaledSearchCV
        The search being fitted.
    """
    if warm_start is None or warm_start is False:
        return None
    if warm_start is True:
        if not hasattr(current, "cv_results_"):
            return None  # first fit: nothing to continue from
        return current.cv_results_
    if isinstance(warm_start, Mapping):
        results = warm_start
    elif hasattr(warm_start, "cv_results_"):
        results = warm_start.cv_results_
    else:
        raise TypeError(
            "warm_start must be a bool, a fitted search (with cv_results_) or a "
            f"cv_results_ dict; got {type(warm_start).__name__}."
        )
    if "params" not in results or not any(k.startswith("mean_test_") for k in results):
        raise ValueError(
            "warm_start must hold cv_results_ with 'params' and 'mean_test_*' keys; "
            f"got keys {sorted(results)[:6]}."
        )
    return results


def select_rows(results, space):
    """Rows of earlier ``cv_results_`` whose parameters fit in ``space``.

    Returns
    -------
    rows : dict
        The same keys, restricted to the kept rows (lists and arrays).
    """
    params = list(results["params"])
    keep = [i for i, p in enumerate(params) if any(s.contains(p) for s in space.subspaces)]
    if len(keep) < len(params):
        warnings.warn(
            f"warm_start: {len(params) - len(keep)} of {len(params)} earlier candidates "
            "fall outside param_distributions and are dropped.",
            UserWarning,
            stacklevel=5,  # the caller of fit
        )
    rows = {k: np.asarray(v)[keep] for k, v in results.items() if k != "params"}
    rows["params"] = [params[i] for i in keep]
    return rows


def merge_results(earlier, new):
    """Earlier rows first, then this search's; ranks are left to the caller."""
    n_old, n_new = len(earlier["params"]), len(new["params"])
    merged = {}
    for key, values in new.items():
        if key == "params" or key.startswith(("param_", "rank_")):
            continue
        old = earlier.get(key)
        if old is None:
            old = np.full(n_old, np.nan)
        merged[key] = np.concatenate([np.asarray(old, dtype=np.asarray(values).dtype), values])
    params = list(earlier["params"]) + list(new["params"])
    merged.update(param_columns(params))
    merged["params"] = params
    merged["warm_start"] = np.r_[np.ones(n_old, dtype=bool), np.zeros(n_new, dtype=bool)]
    return merged


def param_columns(params):
    """The ``param_<name>`` columns of ``cv_results_`` for a list of candidates.

    Built here rather than with scikit-learn's private helper, which exists only
    from scikit-learn 1.5.1 on. Each column is a masked array, masked where a
    candidate lacks the parameter (sub-spaces may name different parameters).

    Parameters
    ----------
    params : list of dict
        One dict of parameter values per candidate.

    Returns
    -------
    columns : dict
        ``"param_<name>"`` to a masked array of length ``len(params)``.
    """
    columns = {}
    for name in dict.fromkeys(name for candidate in params for name in candidate):
        rows = [i for i, candidate in enumerate(params) if name in candidate]
        values = [params[i][name] for i in rows]
        column = np.ma.masked_all(len(params), dtype=_column_dtype(values))
        for i, value in zip(rows, values, strict=True):
            column[i] = value  # assigning unmasks the entry
        columns[f"param_{name}"] = column
    return columns


def _column_dtype(values):
    """Numbers and booleans keep their dtype; strings, sequences and objects are object."""
    try:
        with warnings.catch_warnings():
            # numpy < 1.24 only warns when the values are sequences of unequal lengths
            warnings.simplefilter("error")
            array = np.asarray(values)
    except (ValueError, Warning):
        return np.dtype(object)
    # Strings would be cut to the longest one seen; sequences would add a dimension.
    return array.dtype if array.dtype.kind != "U" and array.ndim == 1 else np.dtype(object)
