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


# The first 64 proposals of the code before the scale features (commit
# a874dbc, this platform's BLAS), sequential and in batches of 4: the main
# benchmark (N = 64) was run with that code, so it must stay bit for bit.
MAIN_SEQUENTIAL = [
    (0.01727385279687818, 1, 0.4063912073712143, "c"),
    (0.0005439569685366256, 5, 0.781287347746944, "a"),
    (0.8871197648951721, 8, 0.5537235139579709, "c"),
    (0.002791903905887007, 2, 0.83557549637516, "a"),
    (0.003889572809337214, 2, 0.6551650473988633, "b"),
    (0.12358770300204265, 10, 0.8751846761562824, "b"),
    (0.00022348779131645135, 3, 0.18020661568377305, "a"),
    (0.07097190946280385, 1, 0.7032621145729961, "c"),
    (0.0005997693951889388, 10, 0.7478788551417673, "b"),
    (0.0001, 12, 0.7934680227508346, "a"),
    (0.0007007381180901044, 5, 0.7673496501245807, "b"),
    (0.0001, 5, 0.9, "b"),
    (0.0010135676284847728, 4, 0.9, "b"),
    (0.001382687726916254, 5, 0.6842129507291125, "b"),
    (0.0025718305236671003, 6, 0.4900790478923702, "b"),
    (0.004583196277085708, 7, 0.02581720620375075, "b"),
    (0.005052612570615608, 9, 0.0, "b"),
    (0.006562973016685851, 6, 0.0, "b"),
    (0.006235331829533893, 7, 0.0, "a"),
    (0.004038831855442519, 7, 0.0, "c"),
    (0.004422732751881171, 7, 0.0, "b"),
    (0.006451569875495959, 7, 0.40712541893863174, "b"),
    (0.00847479702649029, 7, 0.41297817607683096, "b"),
    (0.009195575509017149, 7, 0.29992932085431895, "b"),
    (0.01144299551461896, 7, 0.21950375767927002, "b"),
    (0.010182452206825891, 7, 0.2419872117515444, "b"),
    (0.014807777701027744, 6, 0.2932325918811409, "b"),
    (0.010184609529097503, 7, 0.24871821486122175, "b"),
    (0.011180829523881051, 7, 0.26323430997490477, "b"),
    (0.009935021174083257, 7, 0.24886167775735027, "b"),
    (0.009982340051341118, 7, 0.24996584739904798, "b"),
    (0.010001823613320747, 7, 0.2502760960594758, "b"),
    (0.01001551966570441, 7, 0.250468644338375, "b"),
    (0.010018663113512514, 7, 0.25056592942729744, "b"),
    (0.01926716667458381, 7, 0.39563709329745783, "a"),
    (1.0, 3, 0.0, "b"),
    (0.0100255246611825, 7, 0.2505742955559414, "b"),
    (0.010027230114523266, 7, 0.25063932164870184, "b"),
    (0.01002954867885011, 7, 0.2507110266608753, "b"),
    (0.010031400771667037, 7, 0.25076902967019027, "b"),
    (0.010032293927827955, 7, 0.25081405788811645, "b"),
    (0.010033174200525918, 7, 0.2508540180068475, "b"),
    (0.010032646173367469, 7, 0.25088769171191755, "b"),
    (0.010034811447112145, 7, 0.2509320690932218, "b"),
    (0.010034560279526513, 7, 0.2509551911361153, "b"),
    (0.01003497920625109, 7, 0.25098454561887246, "b"),
    (0.010035155140558043, 7, 0.2510123272165702, "b"),
    (0.010035231196224507, 7, 0.2510384986283248, "b"),
    (0.010034545317346086, 7, 0.25105571700905766, "b"),
    (0.010034973211168183, 7, 0.2510845832052512, "b"),
    (0.010035117283905198, 7, 0.2511139503460604, "b"),
    (0.010035357999894723, 7, 0.2511391206124008, "b"),
    (0.010035360421364388, 7, 0.25116453187122306, "b"),
    (0.010035229548188711, 7, 0.25118758851234485, "b"),
    (0.010035061025708348, 7, 0.251209585371644, "b"),
    (0.010035077500124253, 7, 0.25123291708039885, "b"),
    (0.01003487930694302, 7, 0.2512551414806623, "b"),
    (0.010034714451848437, 7, 0.25127486773010793, "b"),
    (0.010911113454092455, 8, 0.2864917181947664, "b"),
    (0.010030231788785917, 7, 0.25124807747803357, "b"),
    (0.020078958565865775, 7, 0.5959583971848672, "c"),
    (0.01001914943378258, 7, 0.2510973719951425, "b"),
    (0.010026919721560095, 7, 0.2512191234922413, "b"),
    (0.010025968416646863, 7, 0.25123185303320333, "b"),
]
MAIN_BATCHES_OF_4 = [
    (0.01727385279687818, 1, 0.4063912073712143, "c"),
    (0.0005439569685366256, 5, 0.781287347746944, "a"),
    (0.8871197648951721, 8, 0.5537235139579709, "c"),
    (0.002791903905887007, 2, 0.83557549637516, "a"),
    (0.003889572809337214, 2, 0.6551650473988633, "b"),
    (0.12358770300204265, 10, 0.8751846761562824, "b"),
    (0.00022348779131645135, 3, 0.18020661568377305, "a"),
    (0.07097190946280385, 1, 0.7032621145729961, "c"),
    (0.0005997693951889388, 10, 0.7478788551417673, "b"),
    (0.05540733900555574, 8, 0.73299533646179, "b"),
    (0.0014106587502445709, 5, 0.7546863813089413, "b"),
    (0.0001, 12, 0.7496778204858866, "a"),
    (0.48408915675644276, 7, 0.6436179864746434, "b"),
    (0.14641771841769574, 7, 0.6970556680986825, "b"),
    (0.1491338285482792, 7, 0.6912480802013818, "b"),
    (0.1511874204676036, 7, 0.6906899754529582, "b"),
    (0.017602981819941275, 7, 0.6479851237497689, "b"),
    (0.018782896172999587, 7, 0.6630945872970375, "b"),
    (0.01878314766885576, 7, 0.663094133146831, "b"),
    (0.018783295133799675, 7, 0.6630937557765525, "b"),
    (0.012592985967841462, 7, 0.15180914577559054, "b"),
    (0.012556297772857281, 7, 0.1997947422297411, "b"),
    (0.012552077678323795, 7, 0.200452764421357, "b"),
    (0.01255473316995345, 7, 0.2004755899934462, "b"),
    (0.012104186185775493, 6, 0.23427307593599006, "b"),
    (0.013149949040751372, 7, 0.16988223762228113, "a"),
    (0.008119535606823512, 7, 0.2316397869818813, "b"),
    (0.007181722561911449, 7, 0.14224074406985474, "c"),
    (0.009668414462841453, 8, 0.22655571505785668, "b"),
    (0.009999273373899862, 7, 0.24220329979649738, "b"),
    (0.009998706589672753, 7, 0.24212911894752676, "b"),
    (0.009998707952514977, 7, 0.24212875381749024, "b"),
    (0.009893881846771986, 7, 0.2265995968050267, "b"),
    (0.0099648542913967, 7, 0.24944270030321763, "b"),
    (0.009969002255392429, 7, 0.24586282381007094, "b"),
    (0.009968406193467031, 7, 0.24372378987567583, "b"),
    (0.009992815069839761, 7, 0.2540793184016821, "b"),
    (0.009990755642567609, 7, 0.2532084283878399, "b"),
    (0.00998942031646866, 7, 0.25267476115216325, "b"),
    (0.009988431245809302, 7, 0.2522960448651012, "b"),
    (0.010004951774656027, 7, 0.25168055966758546, "b"),
    (0.01000201437296237, 7, 0.25154803074337406, "b"),
    (0.01921419760136712, 12, 0.0, "a"),
    (0.009998531024569081, 7, 0.2514573690018745, "b"),
    (0.009975041343883289, 7, 0.2512905548560954, "b"),
    (0.009977482060595514, 7, 0.25122410675473067, "b"),
    (0.009979507611518841, 7, 0.2511593249722595, "b"),
    (0.00998248304467145, 7, 0.251108424548709, "b"),
    (0.010156617805127484, 7, 0.25152014129237593, "b"),
    (0.009881401752326402, 7, 0.25097305759487, "b"),
    (0.009898053216874883, 7, 0.25088862949434854, "b"),
    (0.01013840443341106, 7, 0.251325684029022, "b"),
    (0.009894613474207717, 7, 0.2507530870849772, "b"),
    (0.009910067316655715, 7, 0.25069222237649125, "b"),
    (0.010143207028009072, 7, 0.25113342741629424, "b"),
    (0.00991102600300109, 7, 0.2506550476559182, "b"),
    (0.01012851988939221, 7, 0.2508562522384399, "b"),
    (0.00992482245961404, 7, 0.2504978949595531, "b"),
    (0.33337013069992416, 3, 0.0, "a"),
    (0.010116793683306907, 7, 0.25076819930449107, "b"),
    (0.0001, 1, 0.9, "c"),
    (0.01009740157105503, 7, 0.2506237841376122, "b"),
    (0.009934742603101933, 7, 0.250437266941956, "b"),
    (0.010093280782033802, 7, 0.2505879617301064, "b"),
]


@pytest.mark.parametrize(
    "batch, expected", [(1, MAIN_SEQUENTIAL), (4, MAIN_BATCHES_OF_4)], ids=["sequential", "batch4"]
)
def test_proposals_below_the_threshold_are_those_of_the_previous_code(batch, expected):
    assert 64 < bayesian.SCALE_FROM
    assert mixed_proposals(batch) == expected


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
