"""Expected improvement for **maximisation**, computed in log space.

For a Gaussian posterior ``f(x) ~ N(mean, std**2)`` and the incumbent
value ``best`` (the largest value seen so far, in the same units), the
expected improvement is

    EI = E[max(f - best, 0)] = std * h(z),   z = (mean - best) / std,
    h(z) = z * Phi(z) + phi(z),

with Phi, phi the standard normal CDF and density.  Far from the
incumbent (z very negative) EI underflows to 0 in float64, which leaves
an optimiser no signal; ``log EI`` stays finite and ordered there.

Variables and shapes
--------------------
mean, std : (m,) float64, std > 0
    Posterior mean and standard deviation of the latent function.
var : (m,) float64 > 0
    Posterior variance, ``std**2``.
best : float
    Incumbent value to improve upon (maximisation).
z : (m,) float64
    Standardised improvement ``(mean - best) / std``.
dmean, dvar : (m, d) float64
    Gradients of ``mean`` and ``var`` w.r.t. the query points.
"""

import numpy as np
from scipy.special import erfcx, log_ndtr, ndtr

_LOG_SQRT_2PI = 0.5 * np.log(2.0 * np.pi)
_SQRT_PI_2 = np.sqrt(0.5 * np.pi)
_Z_DIRECT = -1.0  # above: direct formula has no cancellation
_Z_ASYMPTOTIC = -100.0  # below: asymptotic series is exact to float64


def log_h(z):
    """Stable ``log(z * Phi(z) + phi(z))``.

    Parameters
    ----------
    z : array_like, shape (m,)
        Standardised improvements.

    Returns
    -------
    ndarray, shape (m,)
        Finite for every finite ``z``; increasing in ``z``.
    """
    z = np.asarray(z, dtype=np.float64)
    shape = z.shape
    z = z.reshape(-1)
    out = np.empty_like(z)
    log_phi = -0.5 * z * z - _LOG_SQRT_2PI

    hi = z >= _Z_DIRECT
    zh = z[hi]
    out[hi] = np.log(zh * ndtr(zh) + np.exp(log_phi[hi]))

    # h = phi(z) * (1 + z * Phi(z) / phi(z)), Mills ratio via erfcx
    mid = (z < _Z_DIRECT) & (z >= _Z_ASYMPTOTIC)
    zm = z[mid]
    ratio = _SQRT_PI_2 * erfcx(-zm / np.sqrt(2.0))
    out[mid] = log_phi[mid] + np.log1p(zm * ratio)

    # h ~ phi(z) / z**2 * (1 - 3/z**2 + 15/z**4 - 105/z**6)
    lo = z < _Z_ASYMPTOTIC
    zl = z[lo]
    w = 1.0 / (zl * zl)
    series = w * (-3.0 + w * (15.0 - 105.0 * w))
    out[lo] = log_phi[lo] - np.log(zl * zl) + np.log1p(series)
    return out.reshape(shape)


def expected_improvement(mean, std, best):
    """Expected improvement over ``best`` for maximisation (plain scale).

    Parameters
    ----------
    mean, std : array_like, shape (m,)
        Posterior mean and standard deviation (``std > 0``).
    best : float
        Incumbent value.

    Returns
    -------
    ndarray, shape (m,)
        ``E[max(f - best, 0)]``; underflows to 0 far below ``best``.
    """
    mean = np.asarray(mean, dtype=np.float64)
    std = np.asarray(std, dtype=np.float64)
    z = (mean - best) / std
    return std * (z * ndtr(z) + np.exp(-0.5 * z * z - _LOG_SQRT_2PI))


def log_expected_improvement(mean, std, best, return_grad=False):
    """Logarithm of the expected improvement for maximisation.

    Parameters
    ----------
    mean, std : array_like, shape (m,)
        Posterior mean and standard deviation (``std > 0``).
    best : float
        Incumbent value.
    return_grad : bool, default False
        Also return the partial derivatives w.r.t. ``mean`` and ``std``.

    Returns
    -------
    log_ei : ndarray, shape (m,)
        ``log EI``, finite even where ``EI`` underflows.
    dmean : ndarray, shape (m,)
        ``d log EI / d mean = Phi(z) / EI``; only if ``return_grad``.
    dstd : ndarray, shape (m,)
        ``d log EI / d std = phi(z) / EI``; only if ``return_grad``.
    """
    mean = np.asarray(mean, dtype=np.float64)
    std = np.asarray(std, dtype=np.float64)
    z = (mean - best) / std
    lh = log_h(z)
    log_ei = np.log(std) + lh
    if not return_grad:
        return log_ei
    # ratios formed in log space: both stay finite as z -> -inf
    dmean = np.exp(log_ndtr(z) - lh) / std
    dstd = np.exp(-0.5 * z * z - _LOG_SQRT_2PI - lh) / std
    return log_ei, dmean, dstd


class LogExpectedImprovement:
    """Log EI acquisition of a fitted model, as a callable on points.

    Parameters
    ----------
    model : object
        Anything with ``predict(X, return_grad=False)`` returning
        ``(mean, var)`` and, with ``return_grad=True``,
        ``(mean, var, dmean, dvar)``, e.g. a fitted
        :class:`~skscale.gp.model.GaussianProcess`.
    best : float
        Incumbent value to improve upon, in the model's target units
        (maximisation).

    Notes
    -----
    The instance is a valid ``acquisition`` for
    :func:`~skscale.gp.optimize.maximize_acquisition`.
    """

    def __init__(self, model, best):
        self.model = model
        self.best = float(best)

    def __call__(self, X, return_grad=False):
        """Evaluate ``log EI`` at the rows of ``X``.

        Parameters
        ----------
        X : ndarray, shape (m, d)
            Query points in [0, 1]^d.
        return_grad : bool, default False
            Also return the gradient w.r.t. ``X``.

        Returns
        -------
        values : ndarray, shape (m,)
            ``log EI`` at each point.
        grads : ndarray, shape (m, d)
            ``d log EI / d X``; only if ``return_grad``.
        """
        if not return_grad:
            mean, var = self.model.predict(X)
            return log_expected_improvement(mean, np.sqrt(var), self.best)
        mean, var, dmean, dvar = self.model.predict(X, return_grad=True)
        std = np.sqrt(var)
        val, g_mean, g_std = log_expected_improvement(mean, std, self.best, return_grad=True)
        # d std / d x = d var / d x / (2 std)
        grad = g_mean[:, None] * dmean + (g_std / (2.0 * std))[:, None] * dvar
        return val, grad

    def at_pool(self, pool):
        """``log EI`` at the points of a :class:`~skscale.gp.model.PosteriorPool`.

        Parameters
        ----------
        pool : PosteriorPool
            Query points with their posterior kept by the model (or by the
            model this one was conditioned from).

        Returns
        -------
        values : ndarray, shape (m,)
            ``log EI`` at each of the pool's points.
        """
        mean, var = pool.posterior(self.model)
        return log_expected_improvement(mean, np.sqrt(var), self.best)
