"""Gaussian process regression with warped inputs and MAP hyperparameters.

Model (in standardised target units, see below)::

    y_i = f(x_i) + eps_i,        eps_i ~ N(0, noise_var)
    f   ~ GP(mean, k(w(x), w(x'))),   k = Matern 5/2 ARD (or 3/2: ``kernel``)

where ``w`` applies a Kumaraswamy CDF to each warped input column and is
the identity on the others.  Targets are standardised inside ``fit``
(``(y - y_mean) / y_std``; ``y_std = 1`` for constant targets) and
predictions are returned in the original units.  The model just fits the
targets it is given; maximisation only enters through the acquisition.

Variables and shapes
--------------------
n, d, m, k : int
    Numbers of observations, input dimensions, query points, pending points.
X : (n, d) float64 in [0, 1]
    Observed inputs.
y : (n,) float64
    Observed targets (finite).
warp_mask : (d,) bool
    Which input columns are warped (numeric ones).
groups : (d,) int
    Which length scale each input column uses, ``0 .. g - 1`` (default: one
    per column, ``g = d``); the one-hot columns of a categorical parameter
    can share one.
p : int
    Length of the hyperparameter vector, ``g + 3 + 2 * n_warped``.
theta : (p,) float64
    Hyperparameter vector, laid out as
    ``[log lengthscales (g), log signal_var, log noise_var, mean,
    log warp_a (n_warped), log warp_b (n_warped)]``,
    all in standardised target units.
Xq : (m, d) float64 in [0, 1]
    Query points.
mean, var : (m,) float64
    Posterior mean and variance of the latent ``f`` (no noise added).
dmean, dvar : (m, d) float64
    Their gradients w.r.t. ``Xq``.

Priors (independent normals on the entries of ``theta``)
--------------------------------------------------------
log lengthscale_j ~ N(log(0.5 sqrt(d)), 1), bounded to [0.01, 20]
log signal_var    ~ N(0, 1),                bounded to [0.01, 100]
log noise_var     ~ N(log 1e-2, 2**2),      bounded to [1e-6, 1]
mean              ~ N(0, 1),                bounded to [-10, 10]
log a, log b      ~ N(0, 0.5**2),           bounded to [0.25, 4]
"""

import contextlib
import copy
import functools
import warnings
from dataclasses import dataclass

import numpy as np
from scipy.linalg import lapack
from scipy.optimize import minimize

from .kernel import kernel_by_name, scaled_sq_dist
from .warping import (
    WARP_LOWER,
    WARP_PRIOR_SCALE,
    WARP_UPPER,
    kumaraswamy_cdf,
    kumaraswamy_grad_input,
    kumaraswamy_grad_params,
)

LENGTHSCALE_BOUNDS = (0.01, 20.0)
LENGTHSCALE_PRIOR_SCALE = 1.0
SIGNAL_VAR_BOUNDS = (1e-2, 1e2)
SIGNAL_VAR_PRIOR_SCALE = 1.0
NOISE_VAR_BOUNDS = (1e-6, 1.0)
NOISE_VAR_PRIOR_CENTER = 1e-2
NOISE_VAR_PRIOR_SCALE = 2.0
MEAN_BOUNDS = (-10.0, 10.0)
MEAN_PRIOR_SCALE = 1.0
JITTERS = (0.0,) + tuple(10.0 ** np.arange(-10, -1))
"""Relative jitters tried in turn (times the mean diagonal) by Cholesky."""
VAR_FLOOR = 1e-12
"""Posterior variances are floored at ``VAR_FLOOR * signal_var``."""
_FIT_FTOL = 1e-6  # relative; leaves < 1e-2 nats on the table, saves ~half the evals
_FAILED = 1e25  # objective value reported to L-BFGS-B at unusable points
_BLAS_CONTROLLER = []  # lazily created threadpoolctl controller (or None)


def single_threaded_blas():
    """Context manager limiting BLAS to one thread, if threadpoolctl exists.

    The matrices here are small (n up to a few hundred): threaded BLAS
    gains nothing on them and slows down badly when the cores are busy
    (e.g. with cross-validation running in parallel).  Without
    threadpoolctl installed this is a no-op.
    """
    if not _BLAS_CONTROLLER:
        try:
            from threadpoolctl import ThreadpoolController

            _BLAS_CONTROLLER.append(ThreadpoolController())
        except Exception:  # missing or broken: run with the default threads
            _BLAS_CONTROLLER.append(None)
    ctrl = _BLAS_CONTROLLER[0]
    if ctrl is None:
        return contextlib.nullcontext()
    return ctrl.limit(limits=1, user_api="blas")


def single_threaded(method):
    """Run ``method`` under :func:`single_threaded_blas`."""

    @functools.wraps(method)
    def wrapper(*args, **kwargs):
        with single_threaded_blas():
            return method(*args, **kwargs)

    return wrapper


@dataclass
class GPParams:
    """Fitted hyperparameters, in standardised target units.

    Attributes
    ----------
    lengthscales : ndarray, shape (d,)
        ARD length scales in the warped unit cube.
    signal_var : float
        Kernel signal variance.
    noise_var : float
        Observation noise variance.
    mean : float
        Constant prior mean.
    warp_a, warp_b : ndarray, shape (d,)
        Kumaraswamy shapes; exactly 1 on unwarped dimensions.
    """

    lengthscales: np.ndarray
    signal_var: float
    noise_var: float
    mean: float
    warp_a: np.ndarray
    warp_b: np.ndarray


class _Layout:
    """Where each hyperparameter lives in ``theta``, with bounds and priors."""

    def __init__(self, warp_mask, kernel="matern52", groups=None):
        self.kernel_from_r2 = kernel_by_name(kernel)
        self.warp_mask = np.asarray(warp_mask, dtype=bool).reshape(-1)
        self.d = d = self.warp_mask.size
        self.groups = np.arange(d) if groups is None else np.asarray(groups, np.intp).reshape(-1)
        self.g = g = int(self.groups.max()) + 1 if d else 0
        if self.groups.shape != (d,) or (
            d and not np.array_equal(np.unique(self.groups), np.arange(g))
        ):
            raise ValueError(f"groups must number the {d} columns' length scales 0 .. g - 1")
        self.warp_idx = np.flatnonzero(self.warp_mask)
        nw = self.warp_idx.size
        self.p = g + 3 + 2 * nw
        log_l = np.log(LENGTHSCALE_BOUNDS)
        centre_l = np.clip(np.log(0.5 * np.sqrt(max(d, 1))), *log_l)
        log_w = np.log([WARP_LOWER, WARP_UPPER])
        rows = (
            [(log_l, centre_l, LENGTHSCALE_PRIOR_SCALE)] * g
            + [(np.log(SIGNAL_VAR_BOUNDS), 0.0, SIGNAL_VAR_PRIOR_SCALE)]
            + [(np.log(NOISE_VAR_BOUNDS), np.log(NOISE_VAR_PRIOR_CENTER), NOISE_VAR_PRIOR_SCALE)]
            + [(MEAN_BOUNDS, 0.0, MEAN_PRIOR_SCALE)]
            + [(log_w, 0.0, WARP_PRIOR_SCALE)] * (2 * nw)
        )
        self.bounds = np.array([r[0] for r in rows], dtype=np.float64)
        self.prior_mean = np.array([r[1] for r in rows], dtype=np.float64)
        self.prior_scale = np.array([r[2] for r in rows], dtype=np.float64)

    def clip(self, theta):
        return np.clip(theta, self.bounds[:, 0], self.bounds[:, 1])

    def default(self):
        """Identity warp, prior-centre length scales, unit signal."""
        return self.prior_mean.copy()

    def sample(self, rng):
        z = rng.standard_normal(self.p)
        return self.clip(self.prior_mean + self.prior_scale * z)

    def unpack(self, theta):
        d, g, nw = self.d, self.g, self.warp_idx.size
        a = np.ones(d)
        b = np.ones(d)
        a[self.warp_idx] = np.exp(theta[g + 3 : g + 3 + nw])
        b[self.warp_idx] = np.exp(theta[g + 3 + nw :])
        return GPParams(
            lengthscales=np.exp(theta[:g])[self.groups],
            signal_var=float(np.exp(theta[g])),
            noise_var=float(np.exp(theta[g + 1])),
            mean=float(theta[g + 2]),
            warp_a=a,
            warp_b=b,
        )


def _cholesky(K):
    """Lower Cholesky factor of ``K``, adding growing jitter if needed.

    Returns the factor and the absolute jitter added to the diagonal;
    raises ``numpy.linalg.LinAlgError`` if even the largest jitter fails.
    """
    if not np.all(np.isfinite(K)):
        raise np.linalg.LinAlgError("kernel matrix is not finite")
    scale = max(float(np.mean(np.diag(K))), 1e-300)
    diag = np.diag_indices_from(K)
    for rel in JITTERS:
        Kj = K.copy()
        Kj[diag] += rel * scale
        c, info = lapack.dpotrf(Kj, lower=1, clean=1, overwrite_a=1)
        if info == 0:
            return c, rel * scale
    raise np.linalg.LinAlgError("kernel matrix is not positive definite")


def _warp_inputs(X, layout, a, b):
    """Warped inputs and, for warped columns, dw/da and dw/db."""
    Z = X.copy()
    if layout.warp_idx.size == 0:
        return Z, None, None
    w, dwa, dwb = kumaraswamy_grad_params(X[:, layout.warp_idx], a, b)
    Z[:, layout.warp_idx] = w
    return Z, dwa, dwb


def _nlp(theta, X, y, layout):
    """Negative log posterior and its gradient (see ``negative_log_posterior``)."""
    g, nw, n = layout.g, layout.warp_idx.size, X.shape[0]
    ls = np.exp(theta[:g])[layout.groups]
    s2, noise, m = np.exp(theta[g]), np.exp(theta[g + 1]), theta[g + 2]
    a, b = np.exp(theta[g + 3 : g + 3 + nw]), np.exp(theta[g + 3 + nw :])
    Z, dwa, dwb = _warp_inputs(X, layout, a, b)
    Kf, G = layout.kernel_from_r2(scaled_sq_dist(Z, Z, ls, same=True), s2)
    K = Kf.copy()
    K[np.diag_indices(n)] += noise
    L, _ = _cholesky(K)
    r = y - m
    alpha = lapack.dpotrs(L, r, lower=1)[0]
    Kinv, info = lapack.dpotri(L, lower=1)  # lower triangle; upper stays 0
    if info != 0:
        raise np.linalg.LinAlgError("inverse from Cholesky failed")
    lml = -0.5 * r @ alpha - np.log(np.diag(L)).sum() - 0.5 * n * np.log(2 * np.pi)

    # dL/dt = 0.5 tr(W dK/dt) with W = alpha alpha^T - K^{-1}
    W = np.multiply.outer(alpha, alpha)
    W -= Kinv
    W -= Kinv.T
    W[np.diag_indices(n)] += np.diag(Kinv)
    M = W * G  # dK/dt = G * d(r^2)/dt for every input-side parameter t
    rs = M.sum(1)
    A = Z / ls
    MA = M @ A
    grad = np.empty(layout.p)
    by_column = -2.0 * (rs @ (A * A) - (A * MA).sum(0))
    grad[:g] = np.bincount(layout.groups, weights=by_column, minlength=g)
    grad[g] = 0.5 * np.sum(W * Kf)
    grad[g + 1] = 0.5 * noise * np.trace(W)
    grad[g + 2] = alpha.sum()
    if nw:
        # chain rule through the warped inputs: dL/dZ, then dZ/dlog(a), dZ/dlog(b)
        dL_dZ = (2.0 / ls) * (rs[:, None] * A - MA)
        dL_dw = dL_dZ[:, layout.warp_idx]
        grad[g + 3 : g + 3 + nw] = a * (dL_dw * dwa).sum(0)
        grad[g + 3 + nw :] = b * (dL_dw * dwb).sum(0)

    dev = (theta - layout.prior_mean) / layout.prior_scale
    log_prior = -0.5 * dev @ dev
    grad -= dev / layout.prior_scale
    return -(lml + log_prior), -grad


def negative_log_posterior(theta, X, y, warp_mask, kernel="matern52", groups=None):
    """Negative log marginal likelihood minus log prior, with gradient.

    Parameters
    ----------
    theta : ndarray, shape (p,)
        Hyperparameter vector (layout in the module docstring).
    X : ndarray, shape (n, d)
        Inputs in [0, 1].
    y : ndarray, shape (n,)
        Targets, in the units the hyperparameters refer to (``fit`` passes
        standardised targets).
    warp_mask : ndarray, shape (d,)
        Which input columns are warped.
    kernel : {"matern52", "matern32"}, default "matern52"
    groups : ndarray of int, shape (d,), optional
        The length scale of each column (default: one per column).

    Returns
    -------
    value : float
        ``-(log p(y | X, theta) + log p(theta))`` (priors up to a constant).
    grad : ndarray, shape (p,)
        Its gradient w.r.t. ``theta``.

    Raises
    ------
    numpy.linalg.LinAlgError
        If the kernel matrix cannot be factorised even with jitter.
    """
    X = np.asarray(X, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    theta = np.asarray(theta, dtype=np.float64)
    with np.errstate(over="ignore", under="ignore"):
        return _nlp(theta, X, y, _Layout(warp_mask, kernel, groups))


def _rng(random_state):
    """A Generator: fresh per fit for None/int (deterministic), else shared."""
    if random_state is None or isinstance(random_state, (int, np.integer)):
        return np.random.default_rng(0 if random_state is None else int(random_state))
    if isinstance(random_state, np.random.Generator):
        return random_state
    if isinstance(random_state, np.random.RandomState):
        return np.random.default_rng(random_state.randint(2**31 - 1))
    raise TypeError(f"unsupported random_state: {random_state!r}")


class GaussianProcess:
    """Gaussian process with Kumaraswamy input warping and MAP hyperparameters.

    Parameters
    ----------
    warp_mask : array_like of bool, shape (d,)
        Which input columns to warp (numeric ones; not one-hot columns).
    random_state : None, int, numpy.random.Generator or RandomState
        Seeds the random restarts of the hyperparameter search.  None or an
        int gives the same restarts at every fit (None means seed 0); a
        Generator is drawn from (and advanced) at each fit.
    n_restarts : int, default 2
        Random draws from the priors used as extra starting points when
        fitting without a warm start.
    max_iter : int, default 200
        L-BFGS-B iteration cap per start.
    kernel : {"matern52", "matern32"}, default "matern52"
        Matern 5/2 (twice differentiable functions) or the rougher 3/2.
    lengthscale_groups : array_like of int, shape (d,), optional
        Which length scale each column uses, numbered ``0 .. g - 1``
        (default: one per column). Columns of a group share one, as the
        one-hot columns of a categorical parameter can.

    Attributes
    ----------
    params_ : GPParams
        Fitted hyperparameters (standardised target units).
    hyperparameter_vector_ : ndarray, shape (p,)
        The fitted ``theta``; pass it as ``warm_start`` to the next ``fit``.
    X_train_ : ndarray, shape (n, d)
        Training inputs (including pending points after ``condition_on``).
    y_mean_, y_std_ : float
        Target standardisation constants.
    """

    def __init__(
        self,
        warp_mask,
        random_state=None,
        n_restarts=2,
        max_iter=200,
        kernel="matern52",
        lengthscale_groups=None,
    ):
        self.warp_mask = np.asarray(warp_mask, dtype=bool).reshape(-1)
        self.random_state = random_state
        self.n_restarts = n_restarts
        self.max_iter = max_iter
        self.kernel = kernel
        self.lengthscale_groups = lengthscale_groups
        self._layout = _Layout(self.warp_mask, kernel, lengthscale_groups)

    # fitting ---------------------------------------------------------

    @single_threaded
    def fit(self, X, y, warm_start=None, fit_rows=None):
        """Fit the hyperparameters (MAP) and condition on the data.

        Parameters
        ----------
        X : array_like, shape (n, d)
            Inputs in [0, 1], ``n >= 1``.
        y : array_like, shape (n,)
            Finite targets, any scale.
        warm_start : ndarray, shape (p,), optional
            A previous ``hyperparameter_vector_``.  If given (and of the
            right length) it is the only start; otherwise the default
            hyperparameters and ``n_restarts`` prior draws are used.
        fit_rows : array_like of int, optional
            Indices of the rows the hyperparameters are fitted on (default:
            all). The model is then conditioned on every row; a subset
            bounds the cost of the fit on large data.

        Returns
        -------
        self : GaussianProcess

        Raises
        ------
        numpy.linalg.LinAlgError
            If even the default hyperparameters cannot be factorised.
        """
        X, y = self._check_data(X, y)
        ys = self._standardise(y)
        if fit_rows is None:
            theta = self._optimize(X, ys, warm_start)
        else:
            rows = np.asarray(fit_rows).reshape(-1)
            if (
                rows.size == 0
                or rows.dtype.kind not in "iu"
                or not (np.all(rows >= 0) and np.all(rows < len(y)))
            ):
                raise ValueError(
                    f"fit_rows must be a non-empty array of row indices in [0, {len(y)}), "
                    f"got {fit_rows!r}"
                )
            theta = self._optimize(X[rows], ys[rows], warm_start)
        try:
            self._set_state(theta, X, ys)
        except np.linalg.LinAlgError:
            warnings.warn(
                "GP fit unusable; using default hyperparameters", RuntimeWarning, stacklevel=3
            )
            self._set_state(self._layout.default(), X, ys)
        return self

    @single_threaded
    def update(self, X, y):
        """Condition on new data at the current hyperparameters (no fit).

        The cheap step between two fits: targets are standardised anew,
        ``theta`` is kept. When the first rows of ``X`` are the current
        training inputs, the Cholesky factor is extended by a block update
        (``O(n**2 k)`` for ``k`` new rows) instead of being recomputed
        (``O(n**3)``).

        Parameters
        ----------
        X : array_like, shape (n, d)
            Inputs in [0, 1], ``n >= 1``.
        y : array_like, shape (n,)
            Finite targets, any scale (all of them may have changed).

        Returns
        -------
        self : GaussianProcess

        Raises
        ------
        numpy.linalg.LinAlgError
            If the kernel matrix cannot be factorised at these
            hyperparameters even with jitter.
        """
        X, y = self._check_data(X, y)
        self._set_rows(X, self._standardise(y))
        return self

    def _standardise(self, y):
        """Set ``y_mean_`` and ``y_std_`` from ``y``; return the standardised targets."""
        self.y_mean_ = float(np.mean(y))
        std = float(np.std(y))
        # near-constant targets: keep unit scale so the model sees ~zeros
        self.y_std_ = std if std > 1e-10 * abs(self.y_mean_) and std > 0 else 1.0
        return (y - self.y_mean_) / self.y_std_

    def _check_data(self, X, y):
        X = np.asarray(X, dtype=np.float64)
        y = np.asarray(y, dtype=np.float64).reshape(-1)
        if X.ndim != 2 or X.shape[1] != self._layout.d:
            raise ValueError(f"X must have shape (n, {self._layout.d})")
        if X.shape[0] != y.size or y.size == 0:
            raise ValueError("X and y must hold the same, non-zero, number of rows")
        if not (np.all(np.isfinite(X)) and np.all(np.isfinite(y))):
            raise ValueError("X and y must be finite")
        return X, y

    def _cold_starts(self):
        lay = self._layout
        rng = _rng(self.random_state)
        return [lay.default()] + [lay.sample(rng) for _ in range(self.n_restarts)]

    def _optimize(self, X, ys, warm_start):
        """MAP ``theta``: warm start alone if usable, else the cold starts."""
        lay = self._layout
        theta = None
        if warm_start is not None:
            warm = np.asarray(warm_start, dtype=np.float64).reshape(-1)
            if warm.size == lay.p and np.all(np.isfinite(warm)):
                theta = self._minimize_from([lay.clip(warm)], X, ys)
        if theta is None:  # no warm start, or it failed
            theta = self._minimize_from(self._cold_starts(), X, ys)
        if theta is None:
            warnings.warn(
                "GP hyperparameter fit failed from every start; using default hyperparameters",
                RuntimeWarning,
                stacklevel=4,
            )
            theta = lay.default()
        return theta

    def _minimize_from(self, starts, X, ys):
        """Best L-BFGS-B result over ``starts``, or None if all fail."""
        lay = self._layout

        def fun(theta):
            try:
                f, g = _nlp(theta, X, ys, lay)
            except np.linalg.LinAlgError:
                return _FAILED, np.zeros_like(theta)
            if not (np.isfinite(f) and np.all(np.isfinite(g))):
                return _FAILED, np.zeros_like(theta)
            return f, g

        best_theta, best_f = None, _FAILED
        options = {"maxiter": self.max_iter, "ftol": _FIT_FTOL}
        with np.errstate(over="ignore", under="ignore"):
            for x0 in starts:
                try:
                    res = minimize(
                        fun, x0, jac=True, method="L-BFGS-B", bounds=lay.bounds, options=options
                    )
                except (ValueError, FloatingPointError):
                    continue
                if res.fun < best_f:
                    best_theta, best_f = lay.clip(res.x), res.fun
        return best_theta

    def _set_state(self, theta, X, ys, factor=None):
        """Store ``theta`` and the data, and factorise the kernel matrix
        (unless ``factor``, a ``(L, jitter)`` pair for these data, is given)."""
        lay = self._layout
        params = lay.unpack(theta)
        Z = self._apply_warp(X, params)
        if factor is None:
            K = self._layout.kernel_from_r2(
                scaled_sq_dist(Z, Z, params.lengthscales, same=True), params.signal_var
            )[0]
            K[np.diag_indices_from(K)] += params.noise_var
            factor = _cholesky(K)
        L, jitter = factor
        self.hyperparameter_vector_ = np.array(theta, dtype=np.float64)
        self.params_ = params
        self.X_train_, self._ys, self._Z, self._L, self._jitter = X, ys, Z, L, jitter
        self._alpha = lapack.dpotrs(L, ys - params.mean, lower=1)[0]
        self._state = object()  # identifies this posterior (see PosteriorPool)

    def _set_rows(self, X, ys):
        """``_set_state`` at the current ``theta``, extending the factor
        when ``X`` starts with the current training inputs."""
        n = self.X_train_.shape[0]
        factor = None
        if X.shape[0] >= n and np.array_equal(X[:n], self.X_train_):
            factor = self._extended_factor(self._apply_warp(X[n:], self.params_))
        self._set_state(self.hyperparameter_vector_, X, ys, factor)

    def _extended_factor(self, Z_new):
        """``(L, jitter)`` of the kernel matrix with warped rows ``Z_new``
        appended, by a block update of the current factor; None if the
        update is not positive definite (then refactorise from scratch).

        With ``K = [[K11, K12], [K21, K22]]`` and ``K11 = L11 L11^T``:
        ``L21 = (L11^{-1} K12)^T`` and ``L22 = chol(K22 - L21 L21^T)``.
        The same absolute jitter as the current factor is added to the new
        diagonal, so the result factorises the matrix a full
        factorisation would (up to rounding).
        """
        L, jitter = self._L, self._jitter
        n, k = L.shape[0], Z_new.shape[0]
        if k == 0:
            return L, jitter
        P = self.params_
        K12 = self._layout.kernel_from_r2(
            scaled_sq_dist(self._Z, Z_new, P.lengthscales), P.signal_var
        )[0]
        K22 = self._layout.kernel_from_r2(
            scaled_sq_dist(Z_new, Z_new, P.lengthscales, same=True), P.signal_var
        )[0]
        K22[np.diag_indices(k)] += P.noise_var + jitter
        B, info = lapack.dtrtrs(L, K12, lower=1)
        if info != 0 or not np.all(np.isfinite(B)):
            return None
        C, info = lapack.dpotrf(K22 - B.T @ B, lower=1, clean=1, overwrite_a=1)
        if info != 0:
            return None
        out = np.zeros((n + k, n + k), order="F")  # LAPACK's order: no copy per solve
        out[:n, :n] = L
        out[n:, :n] = B.T
        out[n:, n:] = C
        return out, jitter

    # prediction ------------------------------------------------------

    def _apply_warp(self, U, params):
        Z = np.array(U, dtype=np.float64)
        idx = self._layout.warp_idx
        if idx.size:
            Z[:, idx] = kumaraswamy_cdf(U[:, idx], params.warp_a[idx], params.warp_b[idx])
        return Z

    def warp(self, u):
        """Apply the fitted input warping.

        Parameters
        ----------
        u : array_like, shape (m, d)
            Points in [0, 1]^d.

        Returns
        -------
        ndarray, shape (m, d)
            Warped points (identity on unwarped columns).
        """
        return self._apply_warp(np.atleast_2d(np.asarray(u, dtype=np.float64)), self.params_)

    @single_threaded
    def predict(self, Xq, return_grad=False):
        """Posterior of the latent function, in the original target units.

        Parameters
        ----------
        Xq : array_like, shape (m, d)
            Query points in [0, 1]^d.
        return_grad : bool, default False
            Also return gradients w.r.t. ``Xq``.

        Returns
        -------
        mean : ndarray, shape (m,)
            Posterior mean.
        var : ndarray, shape (m,)
            Posterior variance of ``f`` (noise excluded), strictly positive.
        dmean, dvar : ndarray, shape (m, d)
            Gradients of ``mean`` and ``var``; only if ``return_grad``.
        """
        P = self.params_
        U = np.atleast_2d(np.asarray(Xq, dtype=np.float64))
        idx = self._layout.warp_idx
        Zq = U.copy()
        if idx.size:
            Zq[:, idx], dw = kumaraswamy_grad_input(U[:, idx], P.warp_a[idx], P.warp_b[idx])
        r2 = scaled_sq_dist(Zq, self._Z, P.lengthscales)
        Kx, G = self._layout.kernel_from_r2(r2, P.signal_var)
        mean = P.mean + Kx @ self._alpha
        # raw LAPACK triangular solves: the scipy wrapper overhead matters in polishing
        A = lapack.dtrtrs(self._L, Kx.T, lower=1)[0]
        var = P.signal_var - np.einsum("ij,ij->j", A, A)
        floor = VAR_FLOOR * P.signal_var
        clipped = var < floor
        var = np.maximum(var, floor)
        s = self.y_std_
        if not return_grad:
            return self.y_mean_ + s * mean, s * s * var
        V = lapack.dtrtrs(self._L, A, lower=1, trans=1)[0].T
        inv_l2 = 2.0 / P.lengthscales**2
        # d k(z, z_k)/dz = 2 G (z - z_k) / l^2, contracted with alpha and V
        Ga = G * self._alpha
        dmean = inv_l2 * (Zq * Ga.sum(1)[:, None] - Ga @ self._Z)
        GV = G * V
        dvar = -2.0 * inv_l2 * (Zq * GV.sum(1)[:, None] - GV @ self._Z)
        dvar[clipped] = 0.0
        if idx.size:  # chain rule through the warping
            dmean[:, idx] *= dw
            dvar[:, idx] *= dw
        return self.y_mean_ + s * mean, s * s * var, s * dmean, s * s * dvar

    @single_threaded
    def pool(self, Xq):
        """The posterior at fixed query points, kept for cheap updates.

        Parameters
        ----------
        Xq : array_like, shape (m, d)
            Query points in [0, 1]^d.

        Returns
        -------
        PosteriorPool
            Its :meth:`~PosteriorPool.posterior` gives mean and variance at
            ``Xq`` under this model or under a copy that
            :meth:`condition_on` extended from it with ``incremental=True``,
            in ``O(n k m)`` for ``k`` pending points instead of the
            ``O(n**2 m)`` of :meth:`predict`.
        """
        return PosteriorPool(self, Xq)

    @single_threaded
    def condition_on(self, X_pending, incremental=False):
        """Kriging believer: add pending points at their posterior mean.

        Parameters
        ----------
        X_pending : array_like, shape (k, d)
            Points being evaluated elsewhere.
        incremental : bool, default False
            Extend the Cholesky factor by a block update (``O(n**2 k)``)
            instead of refactorising the whole kernel matrix
            (``O((n + k)**3)``). Equal up to rounding, not bit for bit.

        Returns
        -------
        GaussianProcess
            A new model with the same hyperparameters (no refit) whose data
            include the pending points with targets equal to the current
            posterior mean; ``self`` is unchanged.
        """
        Xp = np.atleast_2d(np.asarray(X_pending, dtype=np.float64))
        new = copy.copy(self)
        if Xp.size == 0:
            return new
        mean = (self.predict(Xp)[0] - self.y_mean_) / self.y_std_
        X = np.vstack([self.X_train_, Xp])
        ys = np.concatenate([self._ys, mean])
        new._extends = None
        if not incremental:
            new._set_state(self.hyperparameter_vector_, X, ys)
            return new
        new._set_rows(X, ys)
        n = len(self._ys)
        if np.array_equal(new._L[:n, :n], self._L):
            new._extends = self._state  # the factor was extended, not recomputed
        return new


class PosteriorPool:
    """A model's posterior at fixed query points (see ``GaussianProcess.pool``).

    A copy that conditions on pending points at their posterior mean (the
    kriging believer) has the same posterior mean everywhere; only the
    variance shrinks, by the squared new rows of ``L^{-1} k(X, Xq)``.
    """

    def __init__(self, gp, Xq):
        self.X = np.atleast_2d(np.asarray(Xq, dtype=np.float64))
        P = gp.params_
        self._state = gp._state
        self._Z = gp._apply_warp(self.X, P)
        Kx = gp._layout.kernel_from_r2(
            scaled_sq_dist(self._Z, gp._Z, P.lengthscales), P.signal_var
        )[0]
        self._A = lapack.dtrtrs(gp._L, Kx.T, lower=1)[0]
        self._var = P.signal_var - np.einsum("ij,ij->j", self._A, self._A)
        self._floor = VAR_FLOOR * P.signal_var
        self._mean = gp.y_mean_ + gp.y_std_ * (P.mean + Kx @ gp._alpha)
        self._scale = gp.y_std_**2

    def serves(self, gp):
        """Whether ``gp`` is the pool's model, in the same state, or a copy
        that ``condition_on`` extended from it."""
        return gp._state is self._state or getattr(gp, "_extends", None) is self._state

    @single_threaded
    def posterior(self, gp):
        """Mean and variance at the pool's points under ``gp``, in target units.

        Cheap when the pool :meth:`serves` ``gp``; otherwise ``gp.predict``.
        """
        if not self.serves(gp):
            return gp.predict(self.X)
        var = self._var
        n = self._A.shape[0]
        if gp._state is not self._state:
            P = gp.params_
            K_new = gp._layout.kernel_from_r2(
                scaled_sq_dist(gp._Z[n:], self._Z, P.lengthscales), P.signal_var
            )[0]
            rows = lapack.dtrtrs(gp._L[n:, n:], K_new - gp._L[n:, :n] @ self._A, lower=1)[0]
            var = var - np.einsum("ij,ij->j", rows, rows)
        return self._mean, self._scale * np.maximum(var, self._floor)
