"""Maximise an acquisition function over the unit cube.

Strategy: score caller-supplied feasible candidates in one vectorised
call, polish the best few jointly with L-BFGS-B over the continuous
dimensions, snap the polished points back onto the feasible set with the
caller's projection, re-score them, and return the best point that is not
excluded. When the caller names the discrete parameters, the best few
points then get a coordinate search over them: each discrete parameter in
turn takes every valid value (the others fixed) and keeps the best, then
the continuous columns are polished again. Rounding a relaxed optimum
misses optima of integer and categorical parameters that this finds.

Variables and shapes
--------------------
m, d, k, s : int
    Numbers of candidates, dimensions, excluded points, polish starts.
candidates : (m, d) float64 in [0, 1]
    Feasible random points (the caller knows how to sample integer and
    one-hot categorical columns).
values : (m,) float64
    Acquisition values (larger is better; non-finite ones count as -inf).
polish_mask : (d,) bool
    Dimensions moved by the polish; the others stay at the start's value.
exclude : (k, d) float64
    Points that must not be returned (already evaluated or pending).
discrete : list of (slice, (n_values, width) float64)
    The columns of each discrete parameter and their valid values.
starts : (s, d) float64
    The best ``s <= n_polish`` distinct candidates, polished together.
"""

import numpy as np
from scipy.optimize import minimize

from .model import single_threaded

EXCLUDE_TOL = 1e-9
"""Max-abs distance under which a point counts as an excluded one."""
_POLISH_MAXITER = 30
_POLISH_FTOL = 1e-6  # relative; log EI differences below this do not matter
_CHUNK = 32  # rows per block in the vectorised exclusion check (usually 1 block)
_N_SWEEPS = 3  # passes of the discrete coordinate search (it usually settles in 1-2)


def _scores(acquisition, X):
    return _finite(acquisition(X))


def _finite(values):
    """Acquisition values as a flat array, non-finite ones -inf."""
    values = np.asarray(values, dtype=np.float64).reshape(-1)
    return np.where(np.isfinite(values), values, -np.inf)


def _top_distinct(candidates, values, n, rng):
    """Indices of up to ``n`` distinct candidates, best first (random ties)."""
    perm = rng.permutation(values.size)
    order = perm[np.argsort(-values[perm], kind="stable")]
    _, first = np.unique(candidates[order], axis=0, return_index=True)
    return order, order[np.sort(first)[:n]]


def _polish(acquisition, starts, free):
    """Jointly run L-BFGS-B from each start over the ``free`` columns.

    The objective is the sum of the starts' acquisitions, which is
    separable, so one optimiser run polishes every start at once.
    """
    s, nf = starts.shape[0], int(free.sum())

    def assemble(z):
        X = starts.copy()
        X[:, free] = z.reshape(s, nf)
        return X

    has_grad = [True]  # until the acquisition rejects return_grad

    def fun(z):
        X = assemble(z)
        if has_grad[0]:
            try:
                v, g = acquisition(X, return_grad=True)
            except TypeError:
                has_grad[0] = False
        if not has_grad[0]:
            # no analytic gradient: forward differences over the free columns
            v = _scores(acquisition, X)
            g = _forward_diff(acquisition, X, v, free)
        v = np.asarray(v, dtype=np.float64)
        g = np.asarray(g, dtype=np.float64)[:, free].ravel()
        if not (np.all(np.isfinite(v)) and np.all(np.isfinite(g))):
            return 1e300, np.zeros_like(z)
        return -float(np.sum(v)), -g

    res = minimize(
        fun,
        starts[:, free].ravel(),
        jac=True,
        method="L-BFGS-B",
        bounds=[(0.0, 1.0)] * (s * nf),
        options={"maxiter": _POLISH_MAXITER, "ftol": _POLISH_FTOL},
    )
    return assemble(np.clip(res.x, 0.0, 1.0))


def _forward_diff(acquisition, X, values, free, h=1e-7):
    """Forward-difference gradient, one batched call per free column."""
    g = np.zeros_like(X)
    for j in np.flatnonzero(free):
        Xh = X.copy()
        # step inwards at the upper bound so points stay in the cube
        step = np.where(X[:, j] + h <= 1.0, h, -h)
        Xh[:, j] += step
        g[:, j] = (_scores(acquisition, Xh) - values) / step
    return g


def _excluded(points, exclude, tol=EXCLUDE_TOL):
    """Which rows of ``points`` lie within ``tol`` of a row of ``exclude``."""
    if exclude is None or exclude.size == 0:
        return np.zeros(len(points), dtype=bool)
    dist = np.abs(points[:, None, :] - exclude[None, :, :]).max(axis=2, initial=0.0)
    return dist.min(axis=1) <= tol


def _discrete_search(acquisition, X, discrete, exclude, tol=EXCLUDE_TOL):
    """Coordinate search of the discrete parameters from each row of ``X``.

    Each parameter in turn is set to each of its valid values (the other
    columns fixed); a row moves to the best value that is not excluded.
    Passes repeat until no row moves.
    """
    X = X.copy()
    s, d = X.shape
    current = _scores(acquisition, X)
    current[_excluded(X, exclude, tol)] = -np.inf
    for _ in range(_N_SWEEPS):
        moved = False
        for cols, values in discrete:
            n = len(values)
            trial = np.repeat(X, n, axis=0)
            trial[:, cols] = np.tile(values, (s, 1))
            v = _scores(acquisition, trial)
            v[_excluded(trial, exclude, tol)] = -np.inf
            v = v.reshape(s, n)
            j = np.argmax(v, axis=1)
            best = v[np.arange(s), j]
            better = best > current
            if better.any():
                X[better] = trial.reshape(s, n, d)[better, j[better]]
                current[better] = best[better]
                moved = True
        if not moved:
            break
    return X


def first_allowed(points, exclude, tol=EXCLUDE_TOL):
    """Index of the first row of ``points`` not within ``tol`` (max-abs) of a
    row of ``exclude``, or None. Checked a block of rows at a time, so that a
    long ranking whose first rows qualify costs one block."""
    if exclude is None or exclude.size == 0:
        return 0 if len(points) else None
    for lo in range(0, len(points), _CHUNK):
        ok = np.flatnonzero(~_excluded(points[lo : lo + _CHUNK], exclude, tol))
        if ok.size:
            return lo + int(ok[0])
    return None


@single_threaded
def maximize_acquisition(
    acquisition,
    candidates,
    *,
    n_polish=5,
    polish_mask=None,
    project=None,
    exclude=None,
    random_state=None,
    discrete=None,
    repolish_all=True,
    exclude_tol=EXCLUDE_TOL,
    values=None,
):
    """Find the (approximate) maximiser of an acquisition function.

    Parameters
    ----------
    acquisition : callable
        ``acquisition(X) -> values (m,)``; optionally also
        ``acquisition(X, return_grad=True) -> (values (m,), grads (m, d))``,
        used for the polish if available (finite differences otherwise).
    candidates : array_like, shape (m, d)
        Feasible points in [0, 1]^d to score; returned unprojected.
    n_polish : int, default 5
        Number of best distinct candidates polished by L-BFGS-B.
    polish_mask : array_like of bool, shape (d,), optional
        Dimensions the polish may move (default: all).
    project : callable, optional
        ``project(X (s, d)) -> (s, d)`` snapping polished points onto the
        feasible set (integer columns, one-hot groups); identity if None.
    exclude : array_like, shape (k, d), optional
        Points never to return: a result within ``exclude_tol`` (max-abs)
        of one of them is skipped in favour of the next best.
    random_state : None, int, numpy.random.Generator or RandomState
        Breaks ties between equal acquisition values (None means seed 0).
    discrete : list of (slice, ndarray), optional
        Each discrete parameter's columns and its valid values, shape
        ``(n_values, width)`` (one-hot rows for a categorical). If given,
        the ``n_polish`` best points also get a coordinate search over
        these parameters, then a polish of the remaining free columns.
    repolish_all : bool, default True
        Polish every point of the discrete search afterwards; if False,
        only those whose discrete values it changed (the others were
        already polished: cheaper, and the same unless that first polish
        stopped at its iteration limit).
    exclude_tol : float, default EXCLUDE_TOL
        How close to an excluded point a result may not be (the default
        only rules out the points themselves).
    values : array_like, shape (m,), optional
        The acquisition at ``candidates``, when the caller has it already.

    Returns
    -------
    (x, value) : tuple of ndarray, shape (d,), and float
        The best non-excluded point and its acquisition value.
    None
        If every candidate and polished point is excluded.
    """
    C = np.atleast_2d(np.asarray(candidates, dtype=np.float64))
    if C.shape[0] == 0:
        return None
    d = C.shape[1]
    if isinstance(random_state, np.random.RandomState):
        random_state = random_state.randint(2**31 - 1)
    rng = np.random.default_rng(0 if random_state is None else random_state)
    values = _scores(acquisition, C) if values is None else _finite(values)
    order, top = _top_distinct(C, values, max(int(n_polish), 0), rng)
    free = (
        np.ones(d, dtype=bool)
        if polish_mask is None
        else np.asarray(polish_mask, dtype=bool).reshape(d)
    )
    top = top[np.isfinite(values[top])]

    pool, pool_values = C[order], values[order]
    if top.size and free.any():
        polished = _polished(acquisition, C[top], free, project)
        pool, pool_values = _merged(acquisition, polished, pool, pool_values)

    ex = None if exclude is None else np.atleast_2d(np.asarray(exclude, dtype=np.float64))
    if discrete and n_polish > 0:
        pool, pool_values = _with_discrete_search(
            acquisition,
            pool,
            pool_values,
            n_polish,
            free,
            discrete,
            project,
            ex,
            repolish_all,
            exclude_tol,
        )
    i = first_allowed(pool, ex, exclude_tol)
    if i is None:
        return None
    return pool[i].copy(), float(pool_values[i])


def _with_discrete_search(
    acquisition,
    pool,
    pool_values,
    n,
    free,
    discrete,
    project,
    exclude,
    repolish_all=True,
    tol=EXCLUDE_TOL,
):
    """The pool plus the results of a discrete search from its ``n`` best
    distinct rows (each followed by a polish of the continuous columns, or
    only those it moved unless ``repolish_all``), sorted best first."""
    _, first = np.unique(pool, axis=0, return_index=True)
    starts = pool[np.sort(first)[:n]]
    found = [_discrete_search(acquisition, starts, discrete, exclude, tol)]
    continuous = free.copy()
    for cols, _ in discrete:
        continuous[cols] = False
    moved = found[0] if repolish_all else found[0][np.any(found[0] != starts, axis=1)]
    if continuous.any() and len(moved):
        found.append(_polished(acquisition, moved, continuous, project))
    return _merged(acquisition, np.vstack(found), pool, pool_values)


def _polished(acquisition, starts, free, project):
    """``starts`` polished over the ``free`` columns, snapped onto the
    feasible set by ``project`` (if any) and clipped to the cube."""
    polished = _polish(acquisition, starts, free)
    if project is not None:
        polished = np.asarray(project(polished), dtype=np.float64)
    return np.clip(polished, 0.0, 1.0)


def _merged(acquisition, found, pool, pool_values):
    """The pool with the scored ``found`` points added, sorted best first
    (stable: on ties the found points come first)."""
    pool = np.vstack([found, pool])
    pool_values = np.concatenate([_scores(acquisition, found), pool_values])
    rank = np.argsort(-pool_values, kind="stable")
    return pool[rank], pool_values[rank]
