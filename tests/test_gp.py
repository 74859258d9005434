"""Tests of the numerical core: warping, kernel, GP, log EI and optimiser."""

import warnings

import numpy as np
import pytest

from skscale.gp import (
    GaussianProcess,
    LogExpectedImprovement,
    expected_improvement,
    kumaraswamy_cdf,
    kumaraswamy_grad_input,
    kumaraswamy_grad_params,
    log_expected_improvement,
    matern52,
    matern52_grad_input,
    matern52_grad_params,
    maximize_acquisition,
    negative_log_posterior,
)
from skscale.gp import model as gp_model
from skscale.gp.model import _Layout


def _central_diff(f, x, h=1e-6):
    """Central finite-difference gradient of a scalar function."""
    g = np.empty_like(x)
    for i in range(x.size):
        e = np.zeros_like(x)
        e[i] = h
        g[i] = (f(x + e) - f(x - e)) / (2 * h)
    return g


def _toy(n, d, seed=0, noise=0.0):
    rng = np.random.default_rng(seed)
    X = rng.random((n, d))
    y = np.sin(3 * X[:, 0]) + np.cos(2 * X[:, -1]) * X[:, 0]
    return X, y + noise * rng.standard_normal(n)


# warping ---------------------------------------------------------------


def test_warp_identity_bounds_and_monotone():
    u = np.linspace(0, 1, 101)[:, None]
    assert np.allclose(kumaraswamy_cdf(u, [1.0], [1.0]), u, atol=1e-8)
    w = kumaraswamy_cdf(u, [0.25], [4.0])
    assert np.all(np.diff(w[:, 0]) >= 0) and w.min() >= 0 and w.max() <= 1


def test_warp_derivatives_match_finite_differences():
    rng = np.random.default_rng(0)
    u = rng.uniform(0.01, 0.99, (20, 3))
    a, b = np.array([0.3, 1.0, 3.0]), np.array([2.5, 0.4, 1.0])
    _, da, db = kumaraswamy_grad_params(u, a, b)
    _, du = kumaraswamy_grad_input(u, a, b)
    h = 1e-6
    fd_a = (kumaraswamy_cdf(u, a + h, b) - kumaraswamy_cdf(u, a - h, b)) / (2 * h)
    fd_b = (kumaraswamy_cdf(u, a, b + h) - kumaraswamy_cdf(u, a, b - h)) / (2 * h)
    fd_u = (kumaraswamy_cdf(u + h, a, b) - kumaraswamy_cdf(u - h, a, b)) / (2 * h)
    for an, fd in [(da, fd_a), (db, fd_b), (du, fd_u)]:
        np.testing.assert_allclose(an, fd, rtol=1e-5, atol=1e-7)
    # finite at the boundary of the cube
    edge = np.array([[0.0, 1.0, 0.0]])
    assert all(np.all(np.isfinite(g)) for g in kumaraswamy_grad_params(edge, a, b))
    assert np.all(np.isfinite(kumaraswamy_grad_input(edge, a, b)[1]))


# kernel ----------------------------------------------------------------


def test_kernel_values_and_zero_distance():
    Z = np.array([[0.2, 0.4], [0.2, 0.4], [0.9, 0.1]])
    ls = np.array([0.3, 0.7])
    K = matern52(Z, Z, ls, 2.0)
    assert np.allclose(np.diag(K), 2.0) and np.isclose(K[0, 1], 2.0)
    r = np.sqrt((((Z[0] - Z[2]) / ls) ** 2).sum())
    expected = 2.0 * (1 + np.sqrt(5) * r + 5 / 3 * r**2) * np.exp(-np.sqrt(5) * r)
    assert np.isclose(K[0, 2], expected)
    _, dl, ds = matern52_grad_params(Z, ls, 2.0)
    _, dx = matern52_grad_input(Z, Z, ls, 2.0)
    assert np.all(np.isfinite(dl)) and np.all(np.isfinite(dx))
    assert np.allclose(dx[0, 1], 0.0)


def test_kernel_gradients_match_finite_differences():
    rng = np.random.default_rng(1)
    Z, Z2 = rng.random((6, 3)), rng.random((4, 3))
    log_l, log_s2 = np.log([0.3, 0.8, 1.5]), np.log(1.7)
    _, dl, ds = matern52_grad_params(Z, np.exp(log_l), np.exp(log_s2))
    for j in range(3):
        fd = _central_diff(
            lambda t, j=j: matern52(
                Z, Z, np.exp(np.r_[log_l[:j], t, log_l[j + 1 :]]), np.exp(log_s2)
            )[2, 4],
            np.array([log_l[j]]),
        )
        assert np.isclose(dl[j, 2, 4], fd[0], rtol=1e-6, atol=1e-9)
    fd_s = _central_diff(
        lambda t: matern52(Z, Z, np.exp(log_l), np.exp(t[0]))[1, 3], np.array([log_s2])
    )
    assert np.isclose(ds[1, 3], fd_s[0], rtol=1e-6)
    _, dx = matern52_grad_input(Z2, Z, np.exp(log_l), 1.3)
    fd_x = _central_diff(lambda x: matern52(x[None], Z, np.exp(log_l), 1.3)[0, 5], Z2[2])
    np.testing.assert_allclose(dx[2, 5], fd_x, rtol=1e-6, atol=1e-9)


# marginal likelihood ---------------------------------------------------


@pytest.mark.parametrize("mask", [[True, True], [False, False], [True, False, True]])
def test_negative_log_posterior_gradient(mask):
    mask = np.array(mask)
    X, y = _toy(15, mask.size, seed=3, noise=0.1)
    y = (y - y.mean()) / y.std()
    layout = _Layout(mask)
    rng = np.random.default_rng(4)
    for _ in range(3):
        theta = layout.sample(rng)
        value, grad = negative_log_posterior(theta, X, y, mask)
        assert np.isfinite(value)
        fd = _central_diff(lambda t: negative_log_posterior(t, X, y, mask)[0], theta)
        np.testing.assert_allclose(grad, fd, rtol=1e-4, atol=1e-5)


def test_shared_lengthscales_gradient_and_layout():
    # A numeric column, then a categorical's three one-hot columns sharing one length scale.
    mask, groups = np.array([True, False, False, False]), np.array([0, 1, 1, 1])
    rng = np.random.default_rng(5)
    X = np.column_stack([rng.random(15), np.eye(3)[rng.integers(0, 3, 15)]])
    y = np.sin(4 * X[:, 0]) + X[:, 1:] @ [0.0, 1.0, -1.0]
    y = (y - y.mean()) / y.std()
    layout = _Layout(mask, groups=groups)
    assert layout.p == 2 + 3 + 2  # two length scales, signal, noise, mean, one warping
    for _ in range(3):
        theta = layout.sample(rng)
        value, grad = negative_log_posterior(theta, X, y, mask, groups=groups)
        fd = _central_diff(
            lambda t: negative_log_posterior(t, X, y, mask, groups=groups)[0], theta
        )
        np.testing.assert_allclose(grad, fd, rtol=1e-4, atol=1e-5)
        # The likelihood is that of one length scale per column, the shared one repeated
        # (the values differ by the priors of the repeated entries only).
        per_column = np.concatenate([theta[:2][groups], theta[2:]])
        dev = (theta[1] - layout.prior_mean[1]) / layout.prior_scale[1]  # two more of these
        assert value == pytest.approx(negative_log_posterior(per_column, X, y, mask)[0] - dev**2)
    gp = GaussianProcess(mask, random_state=0, lengthscale_groups=groups).fit(X, y)
    ls = gp.params_.lengthscales
    assert gp.hyperparameter_vector_.size == 7 and ls[1] == ls[2] == ls[3]
    with pytest.raises(ValueError, match="groups must number"):
        GaussianProcess(mask, lengthscale_groups=[0, 2, 2, 2])


def test_matern32_values_and_likelihood_gradient():
    from skscale.gp.kernel import matern32_from_r2

    K, G = matern32_from_r2(np.array([[0.0, 1.0]]), 2.0)
    s3 = np.sqrt(3.0)
    np.testing.assert_allclose(K, [[2.0, 2.0 * (1 + s3) * np.exp(-s3)]])
    np.testing.assert_allclose(G, [[-3.0, -3.0 * np.exp(-s3)]])
    mask = np.array([True, False])
    X, y = _toy(15, 2, seed=3, noise=0.1)
    y = (y - y.mean()) / y.std()
    theta = _Layout(mask).sample(np.random.default_rng(4))
    value, grad = negative_log_posterior(theta, X, y, mask, kernel="matern32")
    assert value != negative_log_posterior(theta, X, y, mask)[0]
    fd = _central_diff(
        lambda t: negative_log_posterior(t, X, y, mask, kernel="matern32")[0], theta
    )
    np.testing.assert_allclose(grad, fd, rtol=1e-4, atol=1e-5)
    with pytest.raises(ValueError, match="kernel must be one of"):
        GaussianProcess(mask, kernel="rbf")


# posterior -------------------------------------------------------------


def test_posterior_interpolates_noise_free_data():
    X, y = _toy(25, 2, seed=5)
    gp = GaussianProcess([True, True], random_state=0).fit(X, y)
    mean, var = gp.predict(X)
    np.testing.assert_allclose(mean, y, atol=2e-2 * y.std())
    assert np.all(var > 0) and np.all(var < 1e-2 * y.var())
    assert gp.params_.noise_var < 1e-2


def test_predict_gradients_match_finite_differences():
    X, y = _toy(20, 3, seed=6, noise=0.05)
    gp = GaussianProcess([True, False, True], random_state=0).fit(X, y)
    assert not np.allclose(gp.params_.warp_a[[0, 2]], 1.0)  # chain rule exercised
    Xq = np.random.default_rng(7).uniform(0.05, 0.95, (4, 3))
    mean, var, dmean, dvar = gp.predict(Xq, return_grad=True)
    np.testing.assert_allclose(gp.predict(Xq)[0], mean)
    for i in range(4):
        fd_m = _central_diff(lambda x: gp.predict(x[None])[0][0], Xq[i])
        fd_v = _central_diff(lambda x: gp.predict(x[None])[1][0], Xq[i])
        np.testing.assert_allclose(dmean[i], fd_m, rtol=1e-4, atol=1e-6)
        np.testing.assert_allclose(dvar[i], fd_v, rtol=1e-4, atol=1e-7)


def test_warping_recovers_known_distortion():
    u = np.linspace(0, 1, 40)[:, None]
    y = np.sin(2 * np.pi * u[:, 0] ** 0.3)
    gp = GaussianProcess([True], random_state=0).fit(u, y)
    assert gp.warp([[0.1]])[0, 0] > 0.3  # true warp gives 0.1**0.3 = 0.50
    y_plain = np.sin(2 * np.pi * u[:, 0])
    gp = GaussianProcess([True], random_state=0).fit(u, y_plain)
    grid = np.linspace(0, 1, 21)[:, None]
    assert np.max(np.abs(gp.warp(grid) - grid)) < 0.15


def test_unwarped_dimensions_keep_identity():
    X, y = _toy(20, 3, seed=8)
    gp = GaussianProcess([False, True, False]).fit(X, y)
    p = gp.params_
    assert np.all(p.warp_a[[0, 2]] == 1.0) and np.all(p.warp_b[[0, 2]] == 1.0)
    np.testing.assert_array_equal(gp.warp(X)[:, [0, 2]], X[:, [0, 2]])
    assert p.lengthscales.shape == (3,) and p.signal_var > 0 and p.noise_var > 0


def test_condition_on_pending_points():
    X, y = _toy(15, 2, seed=9, noise=0.05)
    gp = GaussianProcess([True, True], random_state=0).fit(X, y)
    pending = np.array([[0.5, 0.5], [0.9, 0.05]])
    m0, v0 = gp.predict(pending)
    gp2 = gp.condition_on(pending)
    m1, v1 = gp2.predict(pending)
    np.testing.assert_allclose(m1, m0, atol=1e-8 * (1 + abs(y).max()))
    noise = gp.params_.noise_var * gp.y_std_**2
    assert np.all(v1 < v0) and np.all(v1 <= 1.01 * noise)
    np.testing.assert_array_equal(gp2.hyperparameter_vector_, gp.hyperparameter_vector_)
    assert gp.X_train_.shape[0] == 15 and gp2.X_train_.shape[0] == 17
    np.testing.assert_array_equal(gp.predict(pending)[1], v0)


def test_warm_start_reproduces_fit():
    X, y = _toy(30, 2, seed=10, noise=0.02)
    gp = GaussianProcess([True, False], random_state=0).fit(X[:29], y[:29])
    gp2 = GaussianProcess([True, False]).fit(X, y, warm_start=gp.hyperparameter_vector_)
    assert gp2.hyperparameter_vector_.shape == gp.hyperparameter_vector_.shape
    # a vector of the wrong length is ignored (cold start) rather than fatal
    GaussianProcess([True, False]).fit(X, y, warm_start=np.zeros(3))


# guards ----------------------------------------------------------------


@pytest.mark.parametrize("n", [1, 2])
def test_tiny_data(n):
    X, y = _toy(n, 3, seed=11)
    gp = GaussianProcess([True, True, False]).fit(X, y)
    mean, var = gp.predict(np.random.default_rng(0).random((5, 3)))
    assert np.all(np.isfinite(mean)) and np.all(var > 0)


def test_constant_targets_and_duplicates():
    X = np.repeat(np.random.default_rng(12).random((4, 2)), 3, axis=0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        gp = GaussianProcess([True, True]).fit(X, np.full(12, 3.5))
        mean, var = gp.predict(np.random.default_rng(1).random((6, 2)))
    np.testing.assert_allclose(mean, 3.5, atol=1e-6)
    assert np.all(var > 0)
    y = np.sin(5 * X[:, 0]) + np.tile([0.0, 0.01, -0.01], 4)
    mean, var = GaussianProcess([True, True]).fit(X, y).predict(X)
    assert np.all(np.isfinite(mean)) and np.all(var > 0)


@pytest.mark.parametrize("scale", [1e-12, 1e12])
def test_scale_invariance(scale):
    X, y = _toy(20, 2, seed=13, noise=0.01)
    y = y + 2.0
    Xq = np.random.default_rng(2).random((10, 2))
    ref_m, ref_v = GaussianProcess([True, True], random_state=0).fit(X, y).predict(Xq)
    gp = GaussianProcess([True, True], random_state=0).fit(X, y * scale)
    mean, var = gp.predict(Xq)
    np.testing.assert_allclose(mean / scale, ref_m, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(var / scale**2, ref_v, rtol=1e-3, atol=1e-9)


def test_failed_fit_falls_back_to_defaults(monkeypatch):
    X, y = _toy(10, 2, seed=16)

    def broken(*args):
        raise np.linalg.LinAlgError("boom")

    monkeypatch.setattr(gp_model, "_nlp", broken)
    with pytest.warns(RuntimeWarning, match="default hyperparameters"):
        gp = GaussianProcess([True, False]).fit(X, y)
    np.testing.assert_array_equal(gp.hyperparameter_vector_, _Layout([True, False]).default())
    assert np.all(np.isfinite(gp.predict(X)[0]))

    monkeypatch.setattr(gp_model, "_cholesky", broken)
    with pytest.raises(np.linalg.LinAlgError), pytest.warns(RuntimeWarning):
        GaussianProcess([True, False]).fit(X, y)


@pytest.mark.parametrize(
    "random_state", [None, 3, np.random.default_rng(1), np.random.RandomState(2)]
)
def test_random_state_kinds(random_state):
    X, y = _toy(8, 2, seed=17)
    gp = GaussianProcess([True, True], random_state=random_state).fit(X, y)
    assert np.all(np.isfinite(gp.hyperparameter_vector_))


def test_bad_input_raises():
    gp = GaussianProcess([True, True])
    with pytest.raises(ValueError):
        gp.fit(np.zeros((3, 3)), np.zeros(3))
    with pytest.raises(ValueError):
        gp.fit(np.zeros((3, 2)), np.array([0.0, np.nan, 1.0]))


# acquisition -----------------------------------------------------------


def test_log_ei_stable_and_monotone():
    z = np.linspace(-50, 10, 6001)
    lei = log_expected_improvement(z, np.ones_like(z), 0.0)
    assert np.all(np.isfinite(lei)) and np.all(np.diff(lei) > 0)
    far = log_expected_improvement(np.array([-1e3, -1e6]), np.ones(2), 0.0)
    assert np.all(np.isfinite(far)) and far[0] > far[1]
    ok = z > -20
    np.testing.assert_allclose(
        lei[ok], np.log(expected_improvement(z[ok], np.ones(ok.sum()), 0.0)), rtol=1e-9
    )
    # scale: EI(mean, std) = std * EI((mean - best) / std, 1)
    np.testing.assert_allclose(
        log_expected_improvement(np.array([3.0]), np.array([2.0]), 5.0),
        np.log(2.0) + log_expected_improvement(np.array([-1.0]), np.ones(1), 0.0),
    )


def test_log_ei_gradient():
    mean = np.array([-60.0, -8.0, -0.5, 0.3, 4.0])
    std = np.array([1.0, 0.7, 2.0, 0.1, 1.5])
    _, dm, ds = log_expected_improvement(mean, std, 0.2, return_grad=True)
    # log EI is elementwise, so one central difference covers every entry
    h = 1e-6
    fd_m = (
        log_expected_improvement(mean + h, std, 0.2) - log_expected_improvement(mean - h, std, 0.2)
    ) / (2 * h)
    fd_s = (
        log_expected_improvement(mean, std + h, 0.2) - log_expected_improvement(mean, std - h, 0.2)
    ) / (2 * h)
    np.testing.assert_allclose(dm, fd_m, rtol=1e-5)
    np.testing.assert_allclose(ds, fd_s, rtol=1e-5)


def test_log_ei_acquisition_gradient_wrt_inputs():
    X, y = _toy(20, 2, seed=14, noise=0.05)
    gp = GaussianProcess([True, False], random_state=0).fit(X, y)
    acq = LogExpectedImprovement(gp, y.max())
    Xq = np.random.default_rng(3).uniform(0.05, 0.95, (3, 2))
    vals, grads = acq(Xq, return_grad=True)
    np.testing.assert_allclose(vals, acq(Xq))
    for i in range(3):
        fd = _central_diff(lambda x: acq(x[None])[0], Xq[i])
        np.testing.assert_allclose(grads[i], fd, rtol=1e-4, atol=1e-6)


# acquisition maximiser ------------------------------------------------


def _bump(X, return_grad=False):
    """Smooth function with its maximum 1 at (0.3, 0.7)."""
    c = np.array([0.3, 0.7])
    v = np.exp(-np.sum((X - c) ** 2, axis=1) / 0.1)
    if return_grad:
        return v, -2.0 * (X - c) / 0.1 * v[:, None]
    return v


def _bump_no_grad(X):
    return _bump(X)


@pytest.mark.parametrize("acq", [_bump, _bump_no_grad])
def test_maximize_finds_optimum(acq):
    cand = np.random.default_rng(0).random((200, 2))
    x, value = maximize_acquisition(acq, cand, random_state=0)
    np.testing.assert_allclose(x, [0.3, 0.7], atol=1e-3)
    assert value > 1 - 1e-5


def test_maximize_respects_polish_mask_and_project():
    cand = np.random.default_rng(1).random((100, 2))
    cand[:, 1] = np.round(cand[:, 1] * 4) / 4  # an "integer" column

    def project(X):
        X = X.copy()
        X[:, 1] = np.round(X[:, 1] * 4) / 4
        return X

    x, _ = maximize_acquisition(_bump, cand, polish_mask=[True, False])
    assert x[1] in cand[:, 1] and np.isclose(x[0], 0.3, atol=1e-3)
    x, _ = maximize_acquisition(_bump, cand, project=project)
    assert np.isclose(x[1], 0.75) and np.isclose(x[0], 0.3, atol=1e-3)


def test_maximize_exclude():
    cand = np.array([[0.3, 0.7], [0.5, 0.5], [0.9, 0.9]])
    x, value = maximize_acquisition(_bump, cand, n_polish=0, exclude=cand[:1])
    np.testing.assert_array_equal(x, cand[1])
    assert np.isclose(value, _bump(cand[1:2])[0])
    assert maximize_acquisition(_bump, cand, n_polish=0, exclude=cand) is None
    # polished points that land on an excluded optimum are skipped too
    x, _ = maximize_acquisition(_bump, cand[1:], exclude=[[0.3, 0.7]])
    assert np.abs(x - [0.3, 0.7]).max() > 1e-9


def test_end_to_end_proposal_improves():
    rng = np.random.default_rng(15)
    X = rng.random((12, 2))
    y = _bump(X)
    gp = GaussianProcess([True, True], random_state=0).fit(X, y)
    acq = LogExpectedImprovement(gp, y.max())
    x, value = maximize_acquisition(acq, rng.random((500, 2)), exclude=X)
    assert np.isfinite(value) and np.all((x >= 0) & (x <= 1))
    assert np.abs(X - x).max(axis=1).min() > 1e-9


def _mixed(X):
    """Continuous column 0 (best at 0.3) plus a 3-choice one-hot block (columns
    1-3, choice 2 best) plus an integer column 4 on 5 levels (best at 0.75)."""
    continuous = -((X[:, 0] - 0.3) ** 2)
    choice = X[:, 1:4] @ np.array([0.0, 0.5, 2.0])
    integer = -np.abs(X[:, 4] - 0.75)
    return continuous + choice + integer


MIXED_DISCRETE = [(slice(1, 4), np.eye(3)), (slice(4, 5), np.linspace(0, 1, 5)[:, None])]


def _mixed_candidates(n, seed):
    """Valid points that never use choice 2 nor the integer level 0.75."""
    rng = np.random.default_rng(seed)
    X = np.zeros((n, 5))
    X[:, 0] = rng.random(n)
    X[np.arange(n), 1 + rng.integers(0, 2, n)] = 1.0
    X[:, 4] = rng.choice([0.0, 0.25, 1.0], n)
    return X


def test_discrete_search_finds_values_the_candidates_lack():
    cand = _mixed_candidates(50, 0)
    mask = [True, False, False, False, False]
    x, _ = maximize_acquisition(_mixed, cand, polish_mask=mask, random_state=0)
    assert x[3] == 0 and x[4] != 0.75  # rounding-only search stays where the candidates are
    x, value = maximize_acquisition(
        _mixed, cand, polish_mask=mask, random_state=0, discrete=MIXED_DISCRETE
    )
    np.testing.assert_allclose(x, [0.3, 0, 0, 1, 0.75], atol=1e-3)
    assert value == pytest.approx(2.0, abs=1e-5)


def test_discrete_search_skips_excluded_points():
    cand = _mixed_candidates(50, 1)
    cand[:, 0] = 0.3  # no continuous freedom: the best point is exactly excluded
    best = np.array([0.3, 0, 0, 1, 0.75])
    x, value = maximize_acquisition(
        _mixed, cand, polish_mask=[False] * 5, exclude=best[None], discrete=MIXED_DISCRETE
    )
    # The next best: choice 2 at an integer level next to 0.75.
    assert x[3] == 1 and x[4] in (0.5, 1.0)
    assert value == pytest.approx(2.0 - 0.25)


@pytest.mark.parametrize("repolish_all", [True, False])
def test_discrete_search_repolishes_only_moved_points_when_asked(repolish_all, monkeypatch):
    """With ``repolish_all=False`` the polish after the discrete search only
    gets the points whose discrete values changed; the optimum is the same."""
    from skscale.gp import optimize

    polished = []
    original = optimize._polished

    def counting(acquisition, starts, free, project):
        polished.append(len(starts))
        return original(acquisition, starts, free, project)

    monkeypatch.setattr(optimize, "_polished", counting)
    cand = _mixed_candidates(50, 0)
    cand[:3] = [0.3, 0, 0, 1, 0.75]  # already optimal: the discrete search leaves it
    x, value = maximize_acquisition(
        _mixed,
        cand,
        polish_mask=[True, False, False, False, False],
        random_state=0,
        discrete=MIXED_DISCRETE,
        repolish_all=repolish_all,
    )
    np.testing.assert_allclose(x, [0.3, 0, 0, 1, 0.75], atol=1e-3)
    assert value == pytest.approx(2.0, abs=1e-5)
    first, *after = polished
    assert first == 5  # the n_polish best candidates
    if repolish_all:
        assert after == [5]
    else:
        assert sum(after) < 5  # the unmoved optimum is not polished again


def test_user_guide_prior_table_matches_the_model():
    # The user guide's table of priors once kept a warping scale the code had
    # left; each row is checked against the constants the model uses.
    from pathlib import Path

    from skscale.gp.warping import WARP_LOWER, WARP_PRIOR_SCALE, WARP_UPPER

    page = Path(__file__).parents[1] / "docs" / "user_guide" / "bayesian.rst"
    if not page.exists():
        pytest.skip("the docs are not part of this checkout")
    text = page.read_text(encoding="utf-8")

    def number(value):
        return f"{value:g}"

    low, high = gp_model.LENGTHSCALE_BOUNDS
    expected = [
        f"N(log(0.5 √d), {number(gp_model.LENGTHSCALE_PRIOR_SCALE)})",
        f"{number(low)} to {number(high)}",
        f"N(0, {number(gp_model.SIGNAL_VAR_PRIOR_SCALE)})",
        f"N(log {number(gp_model.NOISE_VAR_PRIOR_CENTER)}, "
        f"{number(gp_model.NOISE_VAR_PRIOR_SCALE)}²)",
        f"m ~ N(0, {number(gp_model.MEAN_PRIOR_SCALE)})",
        f"{number(gp_model.MEAN_BOUNDS[0])} to {number(gp_model.MEAN_BOUNDS[1])}",
        f"N(0, {number(WARP_PRIOR_SCALE)}²)",
        f"{number(WARP_LOWER)} to {number(WARP_UPPER)}",
    ]
    missing = [row for row in expected if row not in text]
    assert not missing, f"bayesian.rst's prior table disagrees with the model: {missing}"
