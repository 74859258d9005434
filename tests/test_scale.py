"""Cost at scale: incremental Cholesky updates, the refit schedule, the
hyperparameter fit on a subset, and proposals unchanged below the threshold."""

import warnings

import joblib
import numpy as np
import pytest
from test_bayesian import X_DUMMY, Y_DUMMY, Objective, objective_search

from skscale import BayesianOptimizer, Categorical, Continuous, Integer
from skscale.gp import GaussianProcess
from skscale.gp.kernel import matern52_from_r2, scaled_sq_dist
from skscale.gp.model import _cholesky
from skscale.strategies import bayesian

MIXED_SPACE = {
    "lr": Continuous(1e-4, 1.0, scaling="log"),
    "depth": Integer(1, 12),
    "drop": Continuous(0.0, 0.9),
    "kind": Categorical(["a", "b", "c"]),
}


def mixed_score(p):
    return -(
        (np.log10(p["lr"]) + 2) ** 2
        + 0.1 * (p["depth"] - 7) ** 2
        + 3 * (p["drop"] - 0.25) ** 2
        + {"a": 0.4, "b": 0.0, "c": 0.9}[p["kind"]]
    )


def mixed_proposals(batch, n=64, seed=3):
    opt = BayesianOptimizer(MIXED_SPACE, n_iter=n, random_state=seed)
    out = []
    while len(out) < n:
        asked = opt.ask(batch)
        opt.tell(asked, [mixed_score(p) for p in asked])
        out.extend(asked)
    return [(p["lr"], p["depth"], p["drop"], p["kind"]) for p in out]


@pytest.mark.parametrize("batch", [1, 4], ids=["sequential", "batch4"])
def test_proposals_below_the_threshold_never_use_the_scale_features(batch, monkeypatch):
    """The main benchmark (N = 64) ran before these features: below the
    threshold a search must compute exactly as that code did. Checked
    platform-independently: the new code paths are never entered, and the
    proposals equal those of a run with the features switched off."""
    assert 64 < bayesian.SCALE_FROM
    original_condition_on = GaussianProcess.condition_on

    def condition_on(self, X_pending, incremental=False):
        assert not incremental, "incremental conditioning below the threshold"
        return original_condition_on(self, X_pending)

    def never(*args, **kwargs):
        raise AssertionError("a scale feature ran below the threshold")

    original_maximize = bayesian.maximize_acquisition

    def maximize_acquisition(*args, repolish_all=True, **kwargs):
        assert repolish_all, "a partial re-polish below the threshold"
        return original_maximize(*args, **kwargs)

    monkeypatch.setattr(bayesian, "maximize_acquisition", maximize_acquisition)
    monkeypatch.setattr(GaussianProcess, "condition_on", condition_on)
    monkeypatch.setattr(GaussianProcess, "update", never)
    monkeypatch.setattr(bayesian.BayesianStrategy, "_fit_rows", never)
    monkeypatch.setattr(GaussianProcess, "pool", never)
    with_threshold = mixed_proposals(batch)
    monkeypatch.setattr(bayesian, "SCALE_FROM", np.inf)
    monkeypatch.setattr(bayesian, "SUBSET_FROM", np.inf)
    assert mixed_proposals(batch) == with_threshold


# -- the Gaussian process ----------------------------------------------------


def fitted_gp(n=40, d=3, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.random((n + 10, d))
    y = np.sin(3 * X @ np.arange(1.0, d + 1)) + 0.05 * rng.standard_normal(n + 10)
    gp = GaussianProcess(np.array([True, True, False][:d]), max_iter=30).fit(X[:n], y[:n])
    return gp, X, y


def full_factor(gp, X):
    """Cholesky factor of the kernel matrix of ``X`` at ``gp``'s hyperparameters."""
    P = gp.params_
    Z = gp.warp(X)
    K = matern52_from_r2(scaled_sq_dist(Z, Z, P.lengthscales, same=True), P.signal_var)[0]
    K[np.diag_indices_from(K)] += P.noise_var
    return _cholesky(K)[0]


def test_block_update_of_the_factor_matches_a_full_factorisation():
    gp, X, y = fitted_gp()
    theta = gp.hyperparameter_vector_.copy()
    gp.update(X, y)  # 10 new rows appended
    np.testing.assert_array_equal(gp.hyperparameter_vector_, theta)
    assert gp._L.shape == (50, 50)
    np.testing.assert_allclose(gp._L, full_factor(gp, X), rtol=1e-8, atol=1e-10)
    # The same posterior as a model given all the data at the same theta.
    ref = GaussianProcess(gp.warp_mask)
    ref._standardise(y)
    ref._set_state(theta, X, (y - ref.y_mean_) / ref.y_std_)
    Xq = np.random.default_rng(1).random((20, 3))
    for got, want in zip(gp.predict(Xq, True), ref.predict(Xq, True), strict=True):
        np.testing.assert_allclose(got, want, rtol=1e-7, atol=1e-10)


def test_update_refactorises_when_the_data_are_not_an_extension():
    gp, X, y = fitted_gp()
    order = np.random.default_rng(2).permutation(len(y))
    gp.update(X[order], y[order])
    np.testing.assert_allclose(gp._L, full_factor(gp, X[order]), rtol=1e-12, atol=1e-14)


def test_update_restandardises_changed_targets():
    gp, X, y = fitted_gp()
    gp.update(X[:40], 10.0 + 3.0 * y[:40])
    assert gp.y_mean_ == pytest.approx(np.mean(10 + 3 * y[:40]))
    assert gp.y_std_ == pytest.approx(3 * np.std(y[:40]))
    # At the training points the posterior mean follows the new targets.
    np.testing.assert_allclose(gp.predict(X[:40])[0], 10 + 3 * y[:40], atol=0.5)


def test_incremental_conditioning_matches_the_full_one():
    gp, X, _ = fitted_gp()
    pending = X[40:45]
    full = gp.condition_on(pending)
    fast = gp.condition_on(pending, incremental=True)
    np.testing.assert_allclose(fast._L, full._L, rtol=1e-8, atol=1e-10)
    Xq = np.random.default_rng(3).random((30, 3))
    for got, want in zip(fast.predict(Xq, True), full.predict(Xq, True), strict=True):
        np.testing.assert_allclose(got, want, rtol=1e-7, atol=1e-10)
    # Kriging believer: the pending points sit at the old posterior mean.
    np.testing.assert_allclose(fast.predict(pending)[0], gp.predict(pending)[0], atol=1e-6)
    assert gp._L.shape == (40, 40)  # the original is unchanged


def test_pool_gives_the_posterior_of_the_model_and_of_its_conditioned_copies():
    gp, X, _ = fitted_gp()
    Xq = np.random.default_rng(4).random((25, 3))
    pool = gp.pool(Xq)
    for got, want in zip(pool.posterior(gp), gp.predict(Xq), strict=True):
        np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-12)
    for k in (1, 4):
        copy = gp.condition_on(X[40 : 40 + k], incremental=True)
        assert pool.serves(copy)
        mean, var = pool.posterior(copy)
        want_mean, want_var = copy.predict(Xq)
        np.testing.assert_allclose(mean, want_mean, rtol=1e-7, atol=1e-9)
        np.testing.assert_allclose(var, want_var, rtol=1e-7, atol=1e-10)
        assert np.all(var <= gp.predict(Xq)[1] + 1e-12)  # pending points only shrink it
    # Once the model is updated, the pool no longer serves it: plain predict.
    gp.update(X, np.sin(X.sum(1)))
    assert not pool.serves(gp)
    for got, want in zip(pool.posterior(gp), gp.predict(Xq), strict=True):
        np.testing.assert_array_equal(got, want)


def test_failed_block_update_falls_back_to_a_full_factorisation(monkeypatch):
    gp, X, y = fitted_gp()
    assert gp._extended_factor(np.full((1, 3), np.nan)) is None
    monkeypatch.setattr(GaussianProcess, "_extended_factor", lambda self, Z: None)
    gp.update(X, y)
    np.testing.assert_allclose(gp._L, full_factor(gp, X), rtol=1e-12, atol=1e-14)
    new = gp.condition_on(X[:3] + 0.01, incremental=True)
    np.testing.assert_array_equal(new._L, full_factor(gp, np.vstack([X, X[:3] + 0.01])))


def test_fit_rows_fits_on_a_subset_and_conditions_on_everything():
    _, X, y = fitted_gp()
    rows = np.arange(0, 50, 2)
    gp = GaussianProcess([True, True, False], max_iter=30).fit(X, y, fit_rows=rows)
    alone = GaussianProcess([True, True, False], max_iter=30)
    alone._standardise(y)
    theta = alone._optimize(X[rows], (y[rows] - alone.y_mean_) / alone.y_std_, None)
    np.testing.assert_allclose(gp.hyperparameter_vector_, theta)
    assert gp.X_train_.shape == (50, 3)


@pytest.mark.parametrize("rows", [[], [0.5, 1.0], [0, 50], [-1]])
def test_fit_rows_must_be_row_indices(rows):
    _, X, y = fitted_gp()
    with pytest.raises(ValueError, match="fit_rows must be"):
        GaussianProcess([True, True, False]).fit(X, y, fit_rows=np.array(rows))


# -- the strategy --------------------------------------------------------------


@pytest.fixture
def small_thresholds(monkeypatch):
    """Scale features from 12 observations, subset fits from 24 (of 10 rows)."""
    monkeypatch.setattr(bayesian, "SCALE_FROM", 12)
    monkeypatch.setattr(bayesian, "SUBSET_FROM", 24)
    monkeypatch.setattr(bayesian, "SUBSET_SIZE", 10)


class FitSpy:
    """Records the fits (observations, fit rows) and updates of the models."""

    def __init__(self, monkeypatch):
        self.fits, self.updates = [], []
        fit, update = GaussianProcess.fit, GaussianProcess.update

        def spy_fit(gp, X, y, warm_start=None, fit_rows=None):
            self.fits.append((len(y), None if fit_rows is None else np.array(fit_rows)))
            return fit(gp, X, y, warm_start, fit_rows)

        def spy_update(gp, X, y):
            self.updates.append(len(y))
            return update(gp, X, y)

        monkeypatch.setattr(GaussianProcess, "fit", spy_fit)
        monkeypatch.setattr(GaussianProcess, "update", spy_update)


def run_sequential(n, seed=0):
    opt = BayesianOptimizer(MIXED_SPACE, n_iter=8, random_state=seed)
    for _ in range(n):
        [p] = opt.ask()
        opt.tell([p], [mixed_score(p)])
    return opt


def test_refit_schedule_refits_on_growth_and_updates_in_between(small_thresholds, monkeypatch):
    spy = FitSpy(monkeypatch)
    run_sequential(40)
    refits = [n for n, _ in spy.fits]
    # Every observation count below 12 gets a fit; then one per 15% growth.
    assert refits[0] <= 5  # after the initial design
    assert refits[: refits.index(11) + 1] == list(range(refits[0], 12))
    expected, last = [], 11
    for n in range(12, 40):
        if n >= 1.15 * last:
            expected.append(n)
            last = n
    assert refits[refits.index(11) + 1 :] == expected
    assert spy.updates == [n for n in range(12, 40) if n not in expected]


def test_subset_fit_keeps_the_best_half(small_thresholds, monkeypatch):
    spy = FitSpy(monkeypatch)
    opt = run_sequential(40)
    subset_fits = [(n, rows) for n, rows in spy.fits if rows is not None]
    assert subset_fits and all(n >= 24 for n, _ in subset_fits)
    assert all(n < 24 for n, rows in spy.fits if rows is None)
    n, rows = subset_fits[-1]
    scores = np.array([s for _, s in opt.history[:n]])
    assert len(rows) == 10 == len(np.unique(rows))
    assert set(np.argsort(-scores, kind="stable")[:5]) <= set(rows)


def test_scale_features_keep_determinism_and_distinct_proposals(small_thresholds):
    one = objective_search(n_jobs=1, batch_size=4, n_iter=40).fit(X_DUMMY, Y_DUMMY)
    two = objective_search(n_jobs=2, batch_size=4, n_iter=40).fit(X_DUMMY, Y_DUMMY)
    with joblib.parallel_backend("threading", n_jobs=2):
        threads = objective_search(batch_size=4, n_iter=40).fit(X_DUMMY, Y_DUMMY)
    assert one.cv_results_["params"] == two.cv_results_["params"]
    assert one.cv_results_["params"] == threads.cv_results_["params"]
    keys = [(p["x"], p["y"]) for p in one.cv_results_["params"]]
    assert len(set(keys)) == 40


@pytest.mark.parametrize("batch_rule", ["believer", "ucb_pe"])
def test_batch_members_share_candidates_at_scale(batch_rule, small_thresholds, monkeypatch):
    drawn, explored = [], []
    candidates = bayesian.BayesianStrategy._candidates
    explore = bayesian.BayesianStrategy._explore_relevant

    def spy_candidates(strategy, i):
        drawn.append(sum(len(m.y) for m in strategy._models))
        return candidates(strategy, i)

    def spy_explore(strategy, i, gp, pending):
        found = explore(strategy, i, gp, pending)
        explored.append((len(strategy._models[i].y), found is not None))
        return found

    monkeypatch.setattr(bayesian.BayesianStrategy, "_candidates", spy_candidates)
    monkeypatch.setattr(bayesian.BayesianStrategy, "_explore_relevant", spy_explore)
    opt = BayesianOptimizer(MIXED_SPACE, n_iter=40, random_state=0)
    opt._strategy = bayesian.BayesianStrategy(
        opt.space, 40, np.random.RandomState(0), batch_rule=batch_rule
    )
    while len(opt.history) < 40:
        asked = opt.ask(4)
        assert len({tuple(p.values()) for p in asked}) == 4
        opt.tell(asked, [mixed_score(p) for p in asked])
    below = [n for n in drawn if n < bayesian.SCALE_FROM]
    above = [n for n in drawn if n >= bayesian.SCALE_FROM]
    # Below the threshold each member draws its own; above, one draw per batch.
    assert below and len(below) == 4 * len(set(below)) and above == sorted(set(above))
    assert len(above) == len(range(12, 40, 4))
    # GP-UCB-PE chooses the 3 members after each batch's first, never falling
    # back to the believer at scale; the believer never explores.
    assert all(found for n, found in explored if n >= bayesian.SCALE_FROM)
    at_scale = sum(n >= bayesian.SCALE_FROM for n, _ in explored)
    assert at_scale == (3 * len(above) if batch_rule == "ucb_pe" else 0)


def test_scale_features_steer_away_from_failures(small_thresholds):
    search = objective_search(estimator=Objective(fail_above=1.0), n_iter=40, batch_size=4)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        search.fit(X_DUMMY, Y_DUMMY)
    failed = np.isnan(search.cv_results_["mean_test_score"])
    assert 1 <= failed.sum() <= 6
    assert np.isfinite(search.best_score_)
    # The late proposals (past both thresholds) concentrate near the optimum.
    assert search.best_score_ > -0.05
