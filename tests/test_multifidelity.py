"""ScaledSearchCV with a resource: layout, best at max resource, errors, determinism."""

import pickle

import numpy as np
import pytest
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.linear_model import SGDClassifier
from sklearn.model_selection import KFold
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC

from skscale import Continuous, Integer, ScaledSearchCV

X_DUMMY = np.zeros((30, 1))
Y_DUMMY = np.arange(30) % 2


class Toy(BaseEstimator):
    """Score is minus a bowl in log10(x), a little lower for a smaller budget.

    With ``trap`` the low-budget scores prefer large x instead (they mislead).
    """

    def __init__(self, x=1.0, budget=27, trap=False, interrupt_at=None, fail_above=np.inf):
        self.x, self.budget, self.trap = x, budget, trap
        self.interrupt_at = interrupt_at
        self.fail_above = fail_above

    def fit(self, X, y=None):
        if self.interrupt_at is not None and self.budget >= self.interrupt_at:
            raise KeyboardInterrupt  # as Ctrl-C would
        if self.x > self.fail_above:
            raise ValueError("x too large")
        self.n_fit_ = len(X)
        return self

    def score(self, X, y=None):
        centre = 0.5 if self.trap and self.budget < 27 else -2
        return -((np.log10(self.x) - centre) ** 2) - 1.0 / self.budget


class SizeProbe(ClassifierMixin, BaseEstimator):
    """Its score encodes the training size (thousands) and the test size (units)."""

    def __init__(self, c=1.0):
        self.c = c

    def fit(self, X, y):
        self.n_train_ = len(X)
        self.classes_ = np.unique(y)
        return self

    def score(self, X, y=None, sample_weight=None):
        return 1000.0 * self.n_train_ + len(X)


def toy_search(**kwargs):
    options = dict(
        estimator=Toy(),
        param_distributions={"x": Continuous(1e-5, 1e1)},
        strategy="random",
        n_iter=10,
        cv=KFold(3),
        random_state=0,
        resource="budget",
    )
    options.update(kwargs)
    return ScaledSearchCV(**options)


@pytest.mark.parametrize("strategy", ["random", "bayesian", "grid"])
@pytest.mark.parametrize("schedule", ["hyperband", "successive_halving", "adaptive"])
def test_results_layout_and_best_at_max_resource(strategy, schedule):
    search = toy_search(strategy=strategy, schedule=schedule).fit(X_DUMMY)
    results = search.cv_results_
    n = len(results["params"])
    assert search.resource_levels_ == [1, 3, 9, 27]
    assert n == search.n_candidates_ > 10
    for key in ("n_resources", "iter", "bracket"):
        assert len(results[key]) == n
    # The resource is set in every candidate's parameters.
    budgets = [p["budget"] for p in results["params"]]
    np.testing.assert_array_equal(budgets, results["n_resources"])
    # One row per (configuration, resource).
    pairs = {(p["x"], p["budget"]) for p in results["params"]}
    assert len(pairs) == n
    # The budget: about n_iter full evaluations of resource in all.
    assert results["n_resources"].sum() <= 10 * 27
    full = results["n_resources"] == 27
    assert results["n_resources"][search.best_index_] == 27
    assert search.best_params_["budget"] == 27 and search.best_estimator_.budget == 27
    assert search.best_score_ == results["mean_test_score"][full].max()
    # Every full-resource row ranks before every other row.
    assert results["rank_test_score"][full].max() < results["rank_test_score"][~full].min()
    assert results["rank_test_score"][search.best_index_] == 1
    # The Bayesian model's warping is exposed as without a resource.
    assert hasattr(search, "warping_") == (strategy == "bayesian")


def test_a_low_resource_row_that_scores_best_is_not_chosen():
    # With trap=True the low-budget scores peak elsewhere and beat every
    # full-budget score: the best must still be a full-resource row.
    search = toy_search(estimator=Toy(trap=True), n_iter=20).fit(X_DUMMY)
    results = search.cv_results_
    top = np.argmax(results["mean_test_score"])
    assert results["n_resources"][top] < 27
    assert results["n_resources"][search.best_index_] == 27
    assert results["rank_test_score"][top] > 1


def test_promotions_follow_the_bracket():
    search = toy_search(schedule="successive_halving", n_iter=4).fit(X_DUMMY)
    results = search.cv_results_
    first = results["bracket"] == 0
    for rung in range(1, 4):
        below = results["iter"] == rung - 1
        here = (results["iter"] == rung) & first
        scores_below = results["mean_test_score"][below & first]
        xs_below = [p["x"] for p, b in zip(results["params"], below & first, strict=True) if b]
        kept = sorted(np.argsort(-scores_below)[: here.sum()])
        assert {xs_below[i] for i in kept} == {
            p["x"] for p, h in zip(results["params"], here, strict=True) if h
        }


def test_hyperband_has_brackets_that_start_at_every_level():
    results = toy_search(n_iter=30).fit(X_DUMMY).cv_results_
    starts = {
        int(results["n_resources"][(results["bracket"] == b) & (results["iter"] == 0)][0])
        for b in np.unique(results["bracket"])
    }
    assert starts == {1, 3, 9, 27}


def test_same_random_state_same_search():
    a = toy_search(strategy="bayesian").fit(X_DUMMY).cv_results_
    b = toy_search(strategy="bayesian").fit(X_DUMMY).cv_results_
    assert a["params"] == b["params"]
    np.testing.assert_array_equal(a["n_resources"], b["n_resources"])


def test_pipeline_parameter_and_explicit_levels(iris):
    X, y = iris
    pipe = make_pipeline(StandardScaler(), SGDClassifier(max_iter=5, tol=None, random_state=0))
    search = ScaledSearchCV(
        pipe,
        {"sgdclassifier__alpha": Continuous(1e-6, 1.0)},
        strategy="random",
        n_iter=4,
        cv=3,
        random_state=0,
        resource="sgdclassifier__max_iter",
        min_resource=2,
        max_resource=18,
    ).fit(X, y)
    assert search.resource_levels_ == [2, 6, 18]
    assert search.best_estimator_[-1].max_iter == 18
    assert search.score(X, y) > 0.5


def test_n_samples_subsamples_training_folds_and_keeps_test_folds(iris):
    X, y = iris
    search = ScaledSearchCV(
        SizeProbe(),
        {"c": Continuous(0.1, 10.0)},
        strategy="random",
        n_iter=6,
        cv=3,
        random_state=0,
        resource="n_samples",
        refit=False,
    ).fit(X, y)
    results = search.cv_results_
    assert search.resource_levels_ == [33, 100]  # folds of 100: min 20 samples, 5 per class
    for i, level in enumerate(results["n_resources"]):
        for k in range(3):
            score = results[f"split{k}_test_score"][i]
            assert score // 1000 == level  # training folds cut to the level
            assert score % 1000 == 50  # test folds whole


def test_n_samples_subsets_are_nested_stratified_and_deterministic(iris):
    from skscale.resource import resolve_resource
    from skscale.space import SearchSpace

    X, y = iris
    search = ScaledSearchCV(SVC(), {"C": Continuous(0.1, 10.0)}, cv=3, resource="n_samples")
    space = SearchSpace(search.param_distributions)
    a = resolve_resource(search, space, X, y, None, np.random.RandomState(0))
    b = resolve_resource(search, space, X, y, None, np.random.RandomState(0))
    small = list(a.cv(33).split())
    large = list(a.cv(100).split())
    for (train_s, test_s), (train_l, test_l), (train_b, _) in zip(
        small, large, b.cv(33).split(), strict=True
    ):
        assert set(train_s) <= set(train_l) and np.array_equal(test_s, test_l)
        np.testing.assert_array_equal(train_s, train_b)
        assert np.bincount(y[train_s]).min() >= 10  # 33 samples, 3 classes, in proportion


def test_refit_uses_all_data_and_multimetric(iris):
    X, y = iris
    search = ScaledSearchCV(
        SVC(),
        {"C": Continuous(0.1, 100.0), "gamma": Continuous(1e-3, 1.0)},
        strategy="random",
        n_iter=6,
        cv=3,
        random_state=0,
        resource="n_samples",
        scoring=["accuracy", "balanced_accuracy"],
        refit="balanced_accuracy",
    ).fit(X, y)
    results = search.cv_results_
    full = results["n_resources"] == 100
    for metric in ("accuracy", "balanced_accuracy"):
        ranks = results[f"rank_test_{metric}"]
        assert ranks[full].max() < ranks[~full].min()
    assert search.best_index_ == np.argmin(results["rank_test_balanced_accuracy"])
    assert full[search.best_index_]
    assert search.best_estimator_.support_vectors_.shape[0] > 0
    assert search.score(X, y) > 0.8


def test_stop_criteria_look_at_full_resource_rows():
    # Low-budget rows reach -1/3 - ... but only full-budget rows (-1/27 at best)
    # can meet a target above -0.3.
    search = toy_search(n_iter=60, target_score=-0.3).fit(X_DUMMY)
    assert search.stop_reason_ == "target_score"
    assert search.cv_results_["n_resources"][-1] == 27


def test_ctrl_c_keeps_the_rows_so_far():
    search = toy_search(estimator=Toy(interrupt_at=9), schedule="successive_halving")
    with pytest.warns(UserWarning) as caught:
        search.fit(X_DUMMY)
    messages = " ".join(str(w.message) for w in caught)
    assert "Interrupted after" in messages and "before any evaluation at max_resource" in messages
    assert search.stop_reason_ == "interrupted"
    assert set(search.cv_results_["n_resources"]) == {1, 3}
    assert search.best_params_["budget"] == 3


def test_verbose_and_callbacks(capsys, task_recorder):
    search = toy_search(verbose=1, n_iter=3).fit(X_DUMMY)
    out = capsys.readouterr().out
    # One progress line per round; a successive-halving rung is one round at least.
    assert out.count("[skscale]") >= len(
        set(zip(search.cv_results_["bracket"], search.cv_results_["iter"], strict=True))
    )
    if not hasattr(ScaledSearchCV, "set_callbacks"):
        return

    recorder = task_recorder()
    for strategy in ("random", "bayesian"):
        fitted = toy_search(strategy=strategy, n_iter=3)
        fitted.set_callbacks(recorder)
        fitted.fit(X_DUMMY)
    names = [name for name, _ in recorder.begun]
    assert names.count("search") == 2 and names.count("round") > 4


def test_failed_rounds_are_rows_with_their_resource():
    search = toy_search(estimator=Toy(fail_above=1e-2), strategy="bayesian", n_iter=6)
    with pytest.warns(Warning):
        search.fit(X_DUMMY)
    results = search.cv_results_
    failed = np.isnan(results["mean_test_score"])
    assert failed.any() and len(results["n_resources"]) == len(results["params"])
    assert results["n_resources"][search.best_index_] == 27
    assert not failed[search.best_index_]


def test_joint_model_variant_proposes_plain_configurations(monkeypatch):
    from skscale.strategies import multifidelity

    monkeypatch.setattr(multifidelity.MultiFidelityStrategy, "model", "joint")
    search = toy_search(strategy="bayesian", n_iter=12).fit(X_DUMMY)
    assert all(set(p) == {"x", "budget"} for p in search.cv_results_["params"])
    # The bowl's centre (x = 0.01) is found from the levels' results.
    assert abs(np.log10(search.best_params_["x"]) + 2) < 0.5


def test_joint_model_measures_improvement_over_the_best_full_resource_target():
    from skscale import SearchSpace
    from skscale.strategies.multifidelity import RESOURCE_COLUMN, _JointModel

    space = SearchSpace({"x": Continuous(0.0, 1.0)})
    model = _JointModel(space, [3, 9, 27], 10, np.random.RandomState(0))
    configs = [{"x": x, RESOURCE_COLUMN: r} for x, r in [(0.1, 3), (0.5, 3), (0.2, 27), (0.8, 27)]]
    model.tell(configs, [0.99, 0.5, 0.7, 0.6])
    targets = model._targets()[0]
    # The transformed 0.7 (best at 27), not the lower level's 0.99.
    assert model._incumbent() == pytest.approx(np.sort(targets)[-2])
    candidates = model._candidates(0)
    assert np.allclose(candidates[:, model._columns[0]], model._models[0].X[2, 0])


def test_bracket_configurations_are_pending_for_the_model(monkeypatch):
    """Fresh configurations asked one at a time see the bracket's earlier ones
    (without a result at the model's level) as pending, not as absent."""
    from skscale.strategies import bayesian

    added = []
    original = bayesian.BayesianStrategy.add_pending

    def spy(strategy, candidates):
        added.append(list(candidates))
        return original(strategy, candidates)

    monkeypatch.setattr(bayesian.BayesianStrategy, "add_pending", spy)
    search = toy_search(strategy="bayesian", n_iter=12).fit(X_DUMMY)
    assert any(added)  # some model proposed next to pending configurations
    results = search.cv_results_
    first = [p["x"] for p, it in zip(results["params"], results["iter"], strict=True) if it == 0]
    assert len(set(first)) == len(first)
    assert results["n_resources"][search.best_index_] == 27
    assert abs(np.log10(search.best_params_["x"]) + 2) < 0.5


def test_brackets_at_the_maximum_exploit_the_model_except_the_adaptive_fallback(monkeypatch):
    """Hyperband's bracket that starts at the maximum evaluates the model's best
    predictions; the plain search after an adaptive schedule trusted no level
    keeps expected improvement."""
    from skscale.strategies import bayesian

    calls = []
    original = bayesian.BayesianStrategy.exploit

    def spy(strategy, n, spacing):
        picked = original(strategy, n, spacing)
        calls.append((picked, strategy))
        return picked

    monkeypatch.setattr(bayesian.BayesianStrategy, "exploit", spy)
    search = toy_search(strategy="bayesian", n_iter=24).fit(X_DUMMY)
    results = search.cv_results_
    at_max = [
        p["x"]
        for p, r, it in zip(
            results["params"], results["n_resources"], results["iter"], strict=True
        )
        if r == 27 and it == 0
    ]
    assert calls and at_max
    first_picks = [picked[0]["x"] for picked, _ in calls]
    assert set(at_max) <= set(first_picks) | {p["x"] for picked, _ in calls for p in picked}
    for picked, strategy in calls:  # best predicted first, spaced from the known points
        gp = strategy._fit(0)
        units = np.array([strategy._models[0].subspace.encode(p) for p in picked])
        means = gp.predict(units)[0]
        assert np.all(np.diff(means) <= 1e-12)
        known = strategy._models[0].X
        for k, u in enumerate(units):
            others = np.vstack([known, units[:k]])
            assert np.abs(others - u).max(axis=1).min() >= 0.05
    calls.clear()
    trapped = toy_search(
        estimator=Toy(trap=True), schedule="adaptive", strategy="bayesian", n_iter=24
    ).fit(X_DUMMY)
    assert all(rho < 0.5 for rho in trapped.rank_correlations_.values())
    assert (trapped.cv_results_["n_resources"] == 27).sum() > 6  # the plain search ran
    assert not calls  # and proposed by expected improvement


def test_exploit_needs_a_model():
    from skscale.space import SearchSpace
    from skscale.strategies.bayesian import BayesianStrategy

    strategy = BayesianStrategy(
        SearchSpace({"x": Continuous(0.0, 1.0)}), 10, np.random.RandomState(0)
    )
    assert strategy.exploit(3, 0.05) == []
    strategy.tell([{"x": 0.2}, {"x": 0.8}, {"x": 0.5}], [0.0, 1.0, 0.6])
    picked = strategy.exploit(3, 0.1)
    assert len(picked) == 3 and picked[0]["x"] > 0.6


@pytest.mark.parametrize("model", ["level", "joint"])
def test_level_models_measure_improvement_without_the_quantised_margin(monkeypatch, model):
    """The multi-fidelity benchmark measured the margin on quantised scores
    as harmful there: the level models propose without it."""
    from skscale.strategies import bayesian, multifidelity

    margins = []
    original = bayesian.BayesianStrategy._margin

    def spy(strategy):
        margins.append(strategy.quantised_margin)
        return original(strategy)

    monkeypatch.setattr(bayesian.BayesianStrategy, "_margin", spy)
    monkeypatch.setattr(multifidelity.MultiFidelityStrategy, "model", model)
    toy_search(strategy="bayesian", n_iter=12).fit(X_DUMMY)
    assert margins and set(margins) == {0.0}
    assert bayesian.BayesianStrategy.__init__.__kwdefaults__["quantised_margin"] == 0.1


def test_warm_start_continues_a_multifidelity_search():
    search = toy_search(strategy="bayesian", n_iter=6).fit(X_DUMMY)
    n_first = len(search.cv_results_["params"])
    search.set_params(warm_start=True).fit(X_DUMMY)
    results = search.cv_results_
    assert results["warm_start"][:n_first].all() and not results["warm_start"][n_first:].any()
    assert results["n_resources"][search.best_index_] == 27
    assert len(results["n_resources"]) == len(results["params"])


def test_pickles_after_fit():
    search = toy_search().fit(X_DUMMY)
    again = pickle.loads(pickle.dumps(search))
    assert again.best_params_ == search.best_params_
    assert again.resource_levels_ == search.resource_levels_


def test_integer_space_with_bayesian():
    search = toy_search(
        param_distributions={"x": Integer(1, 1000)}, strategy="bayesian", n_iter=8
    ).fit(X_DUMMY)
    assert search.best_params_["budget"] == 27


# -------------------------------------------------------------------- errors


@pytest.mark.parametrize(
    "options, error, match",
    [
        (
            dict(param_distributions={"x": Continuous(1e-5, 1e1), "budget": [1, 2]}),
            ValueError,
            "resource='budget' is also searched",
        ),
        (dict(resource="budgett"), ValueError, "resource='budgett' is neither 'n_samples' nor"),
        (
            dict(param_distributions={"trap": [True, False]}, resource="x"),
            ValueError,
            "resource='x' must be an integer parameter",
        ),
        (dict(resource="trap"), ValueError, "resource='trap' must be an integer parameter"),
        (dict(min_resource=10, max_resource=5), ValueError, "min_resource=10 is more than"),
        (dict(min_resource=10, max_resource=20), ValueError, "too close"),
        (dict(min_resource=0), ValueError, "min_resource"),
        (dict(max_resource=2.5), ValueError, "max_resource"),
        (dict(reduction_factor=1), ValueError, "reduction_factor"),
        (dict(schedule="bohb"), ValueError, "schedule"),
        (dict(resource=3), ValueError, "resource"),
        (dict(cv=KFold(3, shuffle=True)), ValueError, "cv must give the same splits"),
    ],
)
def test_errors_name_the_parameter(options, error, match):
    with pytest.raises(error, match=match):
        toy_search(**options).fit(X_DUMMY, Y_DUMMY)


def test_dataset_too_small_for_n_samples_levels():
    with pytest.raises(ValueError, match="too small for resource='n_samples'"):
        ScaledSearchCV(
            SizeProbe(),
            {"c": Continuous(0.1, 10.0)},
            strategy="random",
            cv=3,
            resource="n_samples",
        ).fit(X_DUMMY, Y_DUMMY)


def test_max_resource_above_fold_size_for_n_samples(iris):
    X, y = iris
    with pytest.raises(ValueError, match="max_resource=500 is more than the smallest"):
        ScaledSearchCV(
            SVC(),
            {"C": Continuous(0.1, 10.0)},
            cv=3,
            resource="n_samples",
            max_resource=500,
        ).fit(X, y)


def test_init_only_stores():
    search = ScaledSearchCV(Toy(), {"x": [1, 2]}, resource="nonsense", min_resource=-3)
    assert search.get_params()["resource"] == "nonsense"
    assert search.get_params()["min_resource"] == -3


# ---------------------------------------------------------------------- plot


def test_plot_resources_draws_every_row_and_stars_the_best():
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from skscale.plot import plot_resources

    search = toy_search().fit(X_DUMMY)
    ax = plot_resources(search)
    dots, star = ax.collections[-2], ax.collections[-1]
    n = len(search.cv_results_["params"])
    assert len(dots.get_offsets()) == n
    np.testing.assert_array_equal(star.get_offsets()[0], [search.best_index_ + 1, 27])
    assert ax.get_yscale() == "log"
    with pytest.raises(ValueError, match="fitted with a resource"):
        plot_resources(toy_search(resource=None, n_iter=3).fit(X_DUMMY))
    plt.close("all")


def test_classes_too_many_for_auto_n_samples_levels():
    from sklearn.datasets import load_digits
    from sklearn.svm import SVC

    X, y = load_digits(return_X_y=True)
    # 30 samples of 10 classes: folds of 20, but the auto minimum wants 5 per class.
    search = ScaledSearchCV(SVC(), {"C": Continuous(0.1, 10.0)}, cv=3, resource="n_samples")
    with pytest.raises(ValueError, match=r"\(20 samples\) are too small.*at least 50 samples"):
        search.fit(X[:30], y[:30])


def _calibration_pairs(results, bracket):
    """Scores at the low and at the full level of what one calibration bracket sent up."""
    rows = results["bracket"] == bracket
    low = {p["x"]: m for p, m, i, r in zip(*_columns(results), rows, strict=True) if r and i == 0}
    high = {p["x"]: m for p, m, i, r in zip(*_columns(results), rows, strict=True) if r and i == 1}
    assert set(high) <= set(low)  # the configurations it sends up were screened first
    return [low[x] for x in high], list(high.values()), len(low)


def _columns(results):
    return results["params"], results["mean_test_score"], results["iter"]


@pytest.mark.parametrize("strategy", ["random", "bayesian"])
def test_adaptive_schedule_keeps_hyperband_when_low_levels_rank_well(strategy):
    search = toy_search(schedule="adaptive", strategy=strategy, n_iter=24).fit(X_DUMMY)
    results = search.cv_results_
    # Bracket 0 calibrates the lowest level: 6 configurations at 1, then at 27.
    low, high, n_screened = _calibration_pairs(results, 0)
    assert (n_screened, len(high)) == (6, 6)
    assert set(results["n_resources"][results["bracket"] == 0]) == {1, 27}
    assert search.rank_correlations_ == {1: pytest.approx(1.0)}
    # Then Hyperband's brackets, from every level, within the budget.
    starts = {
        int(results["n_resources"][(results["bracket"] == b) & (results["iter"] == 0)][0])
        for b in np.unique(results["bracket"])[1:]
    }
    assert starts == {1, 3, 9, 27}
    assert results["n_resources"].sum() <= 24 * 27
    assert len(results["params"]) == search.n_candidates_
    assert results["n_resources"][search.best_index_] == 27


def test_screened_calibration_sends_the_best_and_a_spread_of_the_rest(monkeypatch):
    from skscale import fidelity

    monkeypatch.setattr(fidelity, "SCREENED_CALIBRATION", True)
    results = toy_search(schedule="adaptive", n_iter=24).fit(X_DUMMY).cv_results_
    low, high, n_screened = _calibration_pairs(results, 0)
    assert (n_screened, len(high)) == (27, 6)
    screened = results["mean_test_score"][(results["bracket"] == 0) & (results["iter"] == 0)]
    # The low level's best 3 first, then 3 from the rest of its ranking, its worst last.
    assert low[:3] == sorted(screened, reverse=True)[:3]
    assert low[-1] == screened.min()


@pytest.mark.parametrize("strategy", ["random", "bayesian"])
def test_adaptive_schedule_drops_levels_that_mislead(strategy):
    # With trap=True every level below 27 prefers large x, the full level small x.
    search = toy_search(
        estimator=Toy(trap=True), schedule="adaptive", strategy=strategy, n_iter=24
    ).fit(X_DUMMY)
    results = search.cv_results_
    rho = search.rank_correlations_
    assert rho[1] < 0.5
    low, high, _ = _calibration_pairs(results, 0)
    assert len(low) == 6
    # The next level is judged on the same configurations, rescored at level 3
    # (their full-resource scores are known): no new full-resource evaluation.
    rows = list(zip(results["params"], results["bracket"], results["iter"], strict=True))
    sent_up = [p["x"] for p, b, it in rows if b == 0 and it == 1]
    assert [p["x"] for p, b, _ in rows if b == 1] == sent_up
    assert set(results["n_resources"][results["bracket"] == 1]) == {3}
    assert 3 in rho
    # No bracket starts at the lowest level after the calibration.
    later = results["bracket"] > 0
    assert 1 not in set(results["n_resources"][later])
    if rho.get(3, 1.0) < 0.5:  # both tested levels dropped: full resource only
        assert set(results["n_resources"][results["bracket"] > 1]) == {27}
    # The budget is kept and the search counts the evaluations it made.
    assert results["n_resources"].sum() <= 24 * 27
    assert len(results["params"]) == search.n_candidates_
    # More full-resource evaluations than Hyperband makes in the same budget.
    hyperband = toy_search(estimator=Toy(trap=True), strategy=strategy, n_iter=24).fit(X_DUMMY)
    n_full = (results["n_resources"] == 27).sum()
    assert n_full > 1.5 * (hyperband.cv_results_["n_resources"] == 27).sum()
    assert (
        abs(np.log10(search.best_params_["x"]) + 2)
        < abs(np.log10(hyperband.best_params_["x"]) + 2) + 0.5
    )


def test_split_calibration_asks_the_maximums_model_for_the_rest(monkeypatch):
    from scipy.stats import spearmanr

    from skscale.strategies import multifidelity

    strategy = multifidelity.MultiFidelityStrategy
    monkeypatch.setattr(strategy, "split_calibration", True)
    asked = []  # (bracket, lowest level the model may learn from) per model ask
    model = strategy._model

    def recording_model(self, n_min, lowest=None):
        asked.append((self._brackets[0].index, lowest))
        return model(self, n_min, lowest)

    monkeypatch.setattr(strategy, "_model", recording_model)
    search = toy_search(
        estimator=Toy(trap=True), schedule="adaptive", strategy="bayesian", n_iter=24
    ).fit(X_DUMMY)
    results = search.cv_results_
    # The initial design's 3 configurations at level 1 and at 27, then 3 more.
    pairs = [_calibration_pairs(results, b) for b in (0, 1)]
    assert [len(high) for _, high, _ in pairs] == [3, 3]
    assert set(results["n_resources"][results["bracket"] <= 1]) == {1, 27}
    # The second bracket's come from the model of the maximum (index 3) only.
    assert (0, None) not in asked and (1, 3) in asked
    # Judged once, on the 6 pairs together; the next level retests all 6.
    low = pairs[0][0] + pairs[1][0]
    high = pairs[0][1] + pairs[1][1]
    assert search.rank_correlations_[1] == pytest.approx(spearmanr(low, high)[0])
    assert search.rank_correlations_[1] < 0.5
    rows = list(zip(results["params"], results["bracket"], results["iter"], strict=True))
    sent_up = [p["x"] for p, b, it in rows if b <= 1 and it == 1]
    assert [p["x"] for p, b, _ in rows if b == 2] == sent_up
    assert set(results["n_resources"][results["bracket"] == 2]) == {3}
    assert results["n_resources"].sum() <= 24 * 27
    assert len(results["params"]) == search.n_candidates_


def test_adaptive_schedule_is_deterministic_and_reports_progress(capsys):
    a = toy_search(estimator=Toy(trap=True), schedule="adaptive", strategy="bayesian", verbose=1)
    a.fit(X_DUMMY)
    out = capsys.readouterr().out
    n = len(a.cv_results_["params"])
    # The planned count follows the new plan: the last line is n of n.
    assert f"{n}/{n} evaluated" in out
    b = toy_search(estimator=Toy(trap=True), schedule="adaptive", strategy="bayesian").fit(X_DUMMY)
    assert a.cv_results_["params"] == b.cv_results_["params"]
    assert a.rank_correlations_ == b.rank_correlations_


def test_adaptive_schedule_with_warm_start_and_a_stop_criterion():
    search = toy_search(schedule="adaptive", strategy="bayesian", n_iter=8).fit(X_DUMMY)
    n_first = len(search.cv_results_["params"])
    search.set_params(warm_start=True, n_iter=30, target_score=-0.3).fit(X_DUMMY)
    results = search.cv_results_
    assert results["warm_start"][:n_first].all()
    assert search.stop_reason_ == "target_score"
    assert results["n_resources"][-1] == 27 and search.best_params_["budget"] == 27


def test_adaptive_schedule_callbacks_stay_within_their_rounds(task_recorder):
    if not hasattr(ScaledSearchCV, "set_callbacks"):
        pytest.skip("scikit-learn without callbacks")
    recorder = task_recorder()
    search = toy_search(estimator=Toy(trap=True), schedule="adaptive", strategy="random")
    search.set_callbacks(recorder)
    search.fit(X_DUMMY)
    names = [name for name, _ in recorder.begun]
    assert names.count("search") == 1 and names.count("round") > 3


def test_bayesian_calibration_configurations_are_a_space_filling_design():
    # Along the (scaled) axis, the 6 calibration configurations fall in 6
    # different eighths: the first points of a scrambled Sobol sequence do,
    # random draws or a model's proposals seldom (one seed in five).
    for seed in range(3):
        search = toy_search(
            estimator=Toy(trap=True), schedule="adaptive", strategy="bayesian", n_iter=24
        )
        results = search.set_params(random_state=seed).fit(X_DUMMY).cv_results_
        first = (results["bracket"] == 0) & (results["iter"] == 0)
        x = np.array([p["x"] for p, keep in zip(results["params"], first, strict=True) if keep])
        eighths = np.floor((np.log10(x) + 5) / 6 * 8)
        assert len(x) == len(set(eighths)) == 6


def test_calibration_rung_configurations_are_pending_for_the_model(monkeypatch):
    # Asked one at a time, a model would propose the whole calibration rung
    # from the same data; its earlier configurations are pending instead
    # (when the calibration is not a fixed design).
    from skscale.strategies import bayesian, multifidelity

    monkeypatch.setattr(multifidelity.MultiFidelityStrategy, "design_calibration", False)

    seen = []  # (calibration bracket?, pending configurations given to the model)
    fresh = multifidelity.MultiFidelityStrategy._fresh
    add_pending = bayesian.BayesianStrategy.add_pending

    def recording_fresh(self, n, bracket):
        seen.append([bracket.calibration, 0])
        return fresh(self, n, bracket)

    def recording_pending(self, candidates):
        seen[-1][1] += len(candidates)
        return add_pending(self, candidates)

    monkeypatch.setattr(multifidelity.MultiFidelityStrategy, "_fresh", recording_fresh)
    monkeypatch.setattr(bayesian.BayesianStrategy, "add_pending", recording_pending)
    search = toy_search(
        estimator=Toy(trap=True), schedule="adaptive", strategy="bayesian", n_iter=24
    ).fit(X_DUMMY)
    assert any(calibration and n_pending for calibration, n_pending in seen)
    results = search.cv_results_
    # No two fresh configurations are the same (a retest rescores earlier ones).
    fresh = [
        p["x"]
        for p, it, b in zip(results["params"], results["iter"], results["bracket"], strict=True)
        if it == 0 and b != 1
    ]
    assert len(set(fresh)) == len(fresh)
