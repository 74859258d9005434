"""Matern 5/2 kernel with automatic relevance determination (ARD).

    k(z, z') = s2 * (1 + sqrt(5) r + 5/3 r**2) * exp(-sqrt(5) r)
    r**2     = sum_j ((z_j - z'_j) / l_j) ** 2

Variables and shapes
--------------------
Z1 : (m, d) float64
    First argument (rows are points, usually warped inputs in [0, 1]).
Z2 : (n, d) float64
    Second argument.
lengthscales : (d,) float64 > 0
    One length scale ``l_j`` per input dimension.
signal_var : float
    Signal variance ``s2 = k(z, z)``.
K : (m, n) float64
    Kernel matrix ``K[i, k] = k(Z1[i], Z2[k])``.
G : (m, n) float64
    ``dk / d(r**2)``, which is finite at ``r = 0`` (no NaN there).

All the gradients here are built from ``G``, since for any parameter t
``dk/dt = G * d(r**2)/dt``; the squared distance is smooth even where
``r = 0``.
"""

import numpy as np

SQRT5 = np.sqrt(5.0)
SQRT3 = np.sqrt(3.0)


def scaled_sq_dist(Z1, Z2, lengthscales, same=False):
    """Squared scaled Euclidean distances between two sets of points.

    Parameters
    ----------
    Z1 : ndarray, shape (m, d)
        First set of points.
    Z2 : ndarray, shape (n, d)
        Second set of points.
    lengthscales : ndarray, shape (d,)
        Positive length scales.
    same : bool, default False
        If True, ``Z1`` and ``Z2`` are the same set and the diagonal is
        set to exactly zero (removes rounding from the expansion).

    Returns
    -------
    r2 : ndarray, shape (m, n)
        Non-negative squared distances.
    """
    A = Z1 / lengthscales
    B = Z2 / lengthscales
    r2 = (A * A).sum(1)[:, None] + (B * B).sum(1)[None, :] - 2.0 * (A @ B.T)
    np.maximum(r2, 0.0, out=r2)
    if same:
        np.fill_diagonal(r2, 0.0)
    return r2


def matern52_from_r2(r2, signal_var):
    """Kernel values and ``dk/d(r**2)`` from squared distances.

    Parameters
    ----------
    r2 : ndarray, shape (m, n)
        Squared scaled distances (non-negative).
    signal_var : float
        Signal variance.

    Returns
    -------
    K : ndarray, shape (m, n)
        Kernel values.
    G : ndarray, shape (m, n)
        ``dk/d(r**2) = -5/6 s2 (1 + sqrt5 r) exp(-sqrt5 r)``.
    """
    # in-place arithmetic: these are the hot n x n loops of the likelihood
    t = np.sqrt(r2)
    t *= SQRT5
    e = np.exp(-t)
    e *= signal_var
    t += 1.0
    G = t * e
    K = r2 * (5.0 / 3.0)
    K += t
    K *= e
    G *= -5.0 / 6.0
    return K, G


def matern32_from_r2(r2, signal_var):
    """Matern 3/2 kernel values and ``dk/d(r**2)`` from squared distances.

    ``k = s2 (1 + sqrt3 r) exp(-sqrt3 r)``, rougher than Matern 5/2 (once
    differentiable); ``dk/d(r**2) = -3/2 s2 exp(-sqrt3 r)``, finite at 0.
    Same arguments and returns as :func:`matern52_from_r2`.
    """
    t = np.sqrt(r2) * SQRT3
    e = np.exp(-t) * signal_var
    return (1.0 + t) * e, -1.5 * e


KERNELS = {"matern52": matern52_from_r2, "matern32": matern32_from_r2}
"""Kernel name to its ``(K, G)`` function of squared distances."""


def kernel_by_name(name):
    """The ``(K, G)`` function of squared distances of kernel ``name``.

    Raises
    ------
    ValueError
        If ``name`` is not a key of :data:`KERNELS`.
    """
    if name not in KERNELS:
        raise ValueError(f"kernel must be one of {sorted(KERNELS)}, got {name!r}.")
    return KERNELS[name]


def matern52(Z1, Z2, lengthscales, signal_var):
    """Matern 5/2 ARD kernel matrix.

    Parameters
    ----------
    Z1 : ndarray, shape (m, d)
        First set of points.
    Z2 : ndarray, shape (n, d)
        Second set of points.
    lengthscales : ndarray, shape (d,)
        Positive length scales.
    signal_var : float
        Signal variance.

    Returns
    -------
    K : ndarray, shape (m, n)
        Kernel matrix.
    """
    r2 = scaled_sq_dist(Z1, Z2, lengthscales)
    return matern52_from_r2(r2, signal_var)[0]


def matern52_grad_params(Z, lengthscales, signal_var):
    """Kernel matrix of ``Z`` with itself and its hyperparameter gradients.

    Parameters
    ----------
    Z : ndarray, shape (n, d)
        Points.
    lengthscales : ndarray, shape (d,)
        Positive length scales.
    signal_var : float
        Signal variance.

    Returns
    -------
    K : ndarray, shape (n, n)
        Kernel matrix.
    dK_dlog_l : ndarray, shape (d, n, n)
        ``dK / d log(l_j)`` for each dimension j.
    dK_dlog_s2 : ndarray, shape (n, n)
        ``dK / d log(s2)``, equal to ``K``.

    Notes
    -----
    This materialises a (d, n, n) array and is meant for tests and small
    problems; the likelihood uses contracted forms of the same quantities.
    """
    r2 = scaled_sq_dist(Z, Z, lengthscales, same=True)
    K, G = matern52_from_r2(r2, signal_var)
    A = Z / lengthscales
    diff2 = (A[:, None, :] - A[None, :, :]) ** 2
    dK_dlog_l = np.moveaxis(-2.0 * G[:, :, None] * diff2, 2, 0)
    return K, dK_dlog_l, K.copy()


def matern52_grad_input(Z1, Z2, lengthscales, signal_var):
    """Kernel matrix and its gradient w.r.t. the first argument.

    Parameters
    ----------
    Z1 : ndarray, shape (m, d)
        Points at which the gradient is taken.
    Z2 : ndarray, shape (n, d)
        Fixed points.
    lengthscales : ndarray, shape (d,)
        Positive length scales.
    signal_var : float
        Signal variance.

    Returns
    -------
    K : ndarray, shape (m, n)
        Kernel matrix.
    dK : ndarray, shape (m, n, d)
        ``dK[i, k, j] = d k(Z1[i], Z2[k]) / d Z1[i, j]``.
    """
    r2 = scaled_sq_dist(Z1, Z2, lengthscales)
    K, G = matern52_from_r2(r2, signal_var)
    diff = (Z1[:, None, :] - Z2[None, :, :]) / lengthscales**2
    return K, 2.0 * G[:, :, None] * diff
