"""The Bayesian strategy: proposals, batches, failures, sub-spaces, determinism."""

import pickle
import warnings

import numpy as np
import pytest
from sklearn.base import BaseEstimator
from sklearn.svm import SVC

from skscale import BayesianOptimizer, Categorical, Continuous, Integer, ScaledSearchCV
from skscale.strategies.bayesian import Warping, initial_design_size

X_DUMMY = np.zeros((8, 1))
Y_DUMMY = np.zeros(8)


class Objective(BaseEstimator):
    """A dummy estimator whose score is minus a known function of its parameters."""

    def __init__(self, x=1.0, y=1.0, kind="a", fail_above=np.inf):
        self.x, self.y, self.kind, self.fail_above = x, y, kind, fail_above

    def fit(self, X, y=None):
        if self.x > self.fail_above:
            raise ValueError("diverged")
        return self

    def score(self, X, y=None):
        # Optimum at x = 1e-2, y = 0.3 (kind "a"); kind "b" is 0.5 worse.
        value = (np.log10(self.x) + 2) ** 2 + 4 * (self.y - 0.3) ** 2
        return -value - (0.5 if self.kind == "b" else 0.0)


def objective_search(**kwargs):
    options = dict(
        estimator=Objective(),
        param_distributions={"x": Continuous(1e-5, 1e1), "y": Continuous(0.0, 1.0)},
        n_iter=15,
        cv=[(np.arange(4), np.arange(4, 8))],
        random_state=0,
    )
    options.update(kwargs)
    return ScaledSearchCV(**options)


def test_default_strategy_is_bayesian():
    assert ScaledSearchCV(SVC(), {"C": [1]}).strategy == "bayesian"


def test_bayesian_beats_random_on_a_smooth_function_over_seeds():
    def best(strategy, seed):
        search = objective_search(strategy=strategy, n_iter=20, random_state=seed)
        return search.fit(X_DUMMY, Y_DUMMY).best_score_

    seeds = range(6)
    bayes = np.array([best("bayesian", s) for s in seeds])
    rand = np.array([best("random", s) for s in seeds])
    # Regret is minus the best score (the optimum is 0).
    assert np.mean(-bayes) < 0.5 * np.mean(-rand)
    assert np.sum(bayes > rand) >= 5


def _optimizer(space, **engine):
    """A BayesianOptimizer (budget 30, seed 0) whose strategy has ``engine``'s switches."""
    from skscale.strategies import bayesian

    opt = BayesianOptimizer(space, n_iter=30, random_state=0)
    opt._strategy = bayesian.BayesianStrategy(opt.space, 30, np.random.RandomState(0), **engine)
    return opt


def _batches(opt, n_batches, size=4):
    """Ask ``n_batches`` batches of ``size`` and tell each its scores (best
    at x = 0.1, n = 1)."""
    batches = []
    for _ in range(n_batches):
        batch = opt.ask(size)
        opt.tell(batch, [-abs(np.log10(p["x"]) + 1) - p["n"] / 10 for p in batch])
        batches.append(batch)
    return batches


def test_batches_are_distinct_and_avoid_known_points():
    opt = BayesianOptimizer({"x": Continuous(1e-3, 1.0), "n": Integer(1, 6)}, random_state=0)
    _batches(opt, 3)
    batch = opt.ask(4)
    seen = [p for p, _ in opt.history]
    keys = [(round(p["x"], 12), p["n"]) for p in batch + seen]
    assert len(set(keys)) == len(keys) == 16


def test_ucb_pe_batches_are_distinct_deterministic_and_start_as_the_believer():
    space = {"x": Continuous(1e-3, 1.0), "n": Integer(1, 6)}
    pe = _batches(_optimizer(space, batch_rule="ucb_pe"), 4)
    assert pe == _batches(_optimizer(space, batch_rule="ucb_pe"), 4)
    keys = [(round(p["x"], 12), p["n"]) for batch in pe for p in batch]
    assert len(set(keys)) == len(keys) == 16
    believer = _batches(_optimizer(space, batch_rule="believer"), 4)
    # The design (first batch) and each batch's first member (expected
    # improvement, nothing pending) are the same under both rules until the
    # rules' other members were told.
    assert pe[0] == believer[0] and pe[1][0] == believer[1][0]
    assert pe[1][1:] != believer[1][1:]


def test_ucb_pe_members_explore_where_the_optimum_may_be(monkeypatch):
    from skscale.strategies import bayesian

    picked = []
    explore = bayesian.BayesianStrategy._explore_relevant

    def spy(strategy, i, gp, pending):
        found = explore(strategy, i, gp, pending)
        mean, var = gp.predict(found[0][None, :])
        X_mean, X_var = gp.predict(strategy._models[i].X)
        picked.append((mean[0] + 0.5 * np.sqrt(var[0]), X_mean - 0.5 * np.sqrt(X_var)))
        return found

    monkeypatch.setattr(bayesian.BayesianStrategy, "_explore_relevant", spy)
    _batches(_optimizer({"x": Continuous(1e-3, 1.0), "n": Integer(1, 6)}, batch_rule="ucb_pe"), 3)
    assert len(picked) == 3 * 2  # members 2-4 of the batches after the design
    # Each lies where its upper bound reaches the best lower bound at the results.
    assert all(upper >= lower.max() - 1e-9 for upper, lower in picked)


@pytest.mark.parametrize("warp_from", [0, 2])
def test_warping_is_learned_once_the_model_has_warp_from_designs(warp_from):
    opt = _optimizer({"x": Continuous(1e-3, 1.0), "n": Integer(1, 6)}, warp_from=warp_from)
    strategy = opt._strategy
    design = strategy._n_initial
    n_params = []  # hyperparameters of the model after each batch of 2
    for _ in range(design):
        _batches(opt, 1, size=2)
        n_params.append((len(opt.history), strategy._fit(0).hyperparameter_vector_.size))
    # Two columns: two length scales, signal, noise, mean, then a and b per column.
    for n, size in n_params:
        assert size == (9 if n >= warp_from * design else 5)
    assert any(size == 5 for _, size in n_params) == (warp_from > 0)


@pytest.mark.parametrize("rule, n_lengthscales", [("per_column", 4), ("shared", 2)])
def test_categorical_lengthscale_ties_a_categoricals_columns(rule, n_lengthscales):
    space = {"x": Continuous(1e-3, 1.0), "n": Categorical(["a", "b", "c"])}
    opt = _optimizer(space, categorical_lengthscale=rule)
    for _ in range(3):
        batch = opt.ask(2)
        opt.tell(batch, [-abs(np.log10(p["x"]) + 1) - (p["n"] == "c") for p in batch])
    gp = opt._strategy._fit(0)
    # The three one-hot columns of n (names sorted: n first), own or one shared length
    # scale, then x (warped: a and b).
    assert gp.hyperparameter_vector_.size == n_lengthscales + 3 + 2
    assert (len(set(gp.params_.lengthscales[:3])) == 1) == (rule == "shared")


@pytest.mark.parametrize(
    "switch, value, message",
    [
        ("batch_rule", "kb", "batch_rule must be one of"),
        ("categorical_lengthscale", "hamming", "categorical_lengthscale must be one of"),
        *[("warp_from", v, "warp_from must be a number >= 0") for v in (-1, True, "2")],
        *[
            ("quantised_margin", v, "quantised_margin must be >= 0")
            for v in (-0.1, "0.1", None, True)
        ],
    ],
)
def test_engine_switches_are_validated(switch, value, message):
    from skscale.space import SearchSpace
    from skscale.strategies.bayesian import BayesianStrategy

    with pytest.raises(ValueError, match=message):
        BayesianStrategy(
            SearchSpace({"x": Continuous(0.0, 1.0)}),
            10,
            np.random.RandomState(0),
            **{switch: value},
        )


def test_batched_search_runs_rounds_of_batch_size(capsys):
    search = objective_search(batch_size=4, n_iter=12, verbose=1)
    search.fit(X_DUMMY, Y_DUMMY)
    assert len(search.cv_results_["params"]) == 12
    out = capsys.readouterr().out
    assert "[skscale] 4/12" in out and "[skscale] 8/12" in out


def test_finite_space_never_repeats_and_stops_when_exhausted():
    space = {"x": Categorical([1e-3, 1e-2, 1e-1]), "y": Integer(0, 1, "linear")}
    search = objective_search(param_distributions=space, n_iter=10)
    with pytest.warns(UserWarning, match="exhausted after 6 candidates"):
        search.fit(X_DUMMY, Y_DUMMY)
    params = [tuple(p.values()) for p in search.cv_results_["params"]]
    assert len(params) == len(set(params)) == 6
    assert search.best_params_ == {"x": 1e-2, "y": 0}


def test_failed_candidates_keep_results_and_steer_away():
    search = objective_search(estimator=Objective(fail_above=1.0), n_iter=20)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        search.fit(X_DUMMY, Y_DUMMY)
    scores = search.cv_results_["mean_test_score"]
    params = search.cv_results_["params"]
    # With one split, a failing candidate is a round whose every fit failed:
    # it is still a row, scored error_score (NaN).
    assert len(scores) == 20
    failed = np.isnan(scores)
    np.testing.assert_array_equal(failed, [p["x"] > 1.0 for p in params])
    assert np.isfinite(search.best_score_)
    # The region x > 1 is a sixth of the log range: once the model knows it
    # fails, few proposals go there.
    assert 1 <= failed.sum() <= 4


def test_same_seed_same_candidates_whatever_n_jobs():
    one = objective_search(n_jobs=1, batch_size=2).fit(X_DUMMY, Y_DUMMY)
    two = objective_search(n_jobs=2, batch_size=2).fit(X_DUMMY, Y_DUMMY)
    assert one.cv_results_["params"] == two.cv_results_["params"]


def test_subspaces_each_get_a_model():
    space = [
        {"kind": ["a"], "x": Continuous(1e-5, 1e1)},
        {"kind": ["b"], "x": Continuous(1e-5, 1e1), "y": Continuous(0.0, 1.0)},
    ]
    search = objective_search(param_distributions=space, n_iter=16).fit(X_DUMMY, Y_DUMMY)
    kinds = [p["kind"] for p in search.cv_results_["params"]]
    assert {"a", "b"} <= set(kinds)
    assert kinds.count("a") > kinds.count("b")  # "a" is better by 0.5
    assert isinstance(search.warping_, list) and set(search.warping_[1]) == {"x", "y"}
    assert search.best_params_["kind"] == "a"


def test_subspace_batches_stay_distinct_and_explore_each_subspace():
    # "a" leaves y at 1.0 (best score -1.96); "b" reaches -0.5 at y = 0.3.
    space = [
        {"kind": ["a"], "x": Continuous(1e-5, 1e1)},
        {"kind": ["b"], "x": Continuous(1e-5, 1e1), "y": Continuous(0.0, 1.0)},
    ]
    search = objective_search(param_distributions=space, n_iter=24, batch_size=4)
    search.fit(X_DUMMY, Y_DUMMY)
    params = search.cv_results_["params"]
    assert len({tuple(sorted(p.items())) for p in params}) == 24
    kinds = [p["kind"] for p in params]
    assert min(kinds.count("a"), kinds.count("b")) >= 6
    assert search.best_params_["kind"] == "b" and search.best_score_ > -1.0


def test_warping_exposed_and_pickles():
    search = objective_search().fit(X_DUMMY, Y_DUMMY)
    assert set(search.warping_) == {"x", "y"}
    warp = search.warping_["x"]
    assert isinstance(warp, Warping) and 0.25 <= warp.a <= 4 and 0.25 <= warp.b <= 4
    assert warp(0.0) == pytest.approx(0.0, abs=1e-6) and warp(1.0) == pytest.approx(1.0)
    again = pickle.loads(pickle.dumps(search))
    assert again.warping_ == search.warping_
    assert again.best_params_ == search.best_params_


def test_model_failure_falls_back_to_random(monkeypatch):
    from skscale.gp import GaussianProcess

    def broken(self, X, y, warm_start=None):
        raise np.linalg.LinAlgError("not positive definite")

    monkeypatch.setattr(GaussianProcess, "fit", broken)
    with pytest.warns(RuntimeWarning, match="could not be fitted"):
        search = objective_search(n_iter=8).fit(X_DUMMY, Y_DUMMY)
    assert len(search.cv_results_["params"]) == 8


def test_single_values_pass_through_unmodelled():
    space = {"x": Continuous(1e-5, 1e1), "y": [0.3], "kind": ["a"]}
    search = objective_search(param_distributions=space, n_iter=8).fit(X_DUMMY, Y_DUMMY)
    assert all(p["y"] == 0.3 and p["kind"] == "a" for p in search.cv_results_["params"])
    assert set(search.warping_) == {"x"}


def test_initial_design_rule():
    assert initial_design_size(2, 64) == 4
    assert initial_design_size(10, 64) == 12
    assert initial_design_size(10, 8) == 4
    assert initial_design_size(1, 2) == 3


def test_optimizer_rejects_bad_input():
    with pytest.raises(ValueError, match="n_iter must be an int >= 1"):
        BayesianOptimizer({"x": Continuous(0, 1)}, n_iter=0)
    opt = BayesianOptimizer({"x": Continuous(0, 1)})
    with pytest.raises(TypeError, match="n must be an int >= 1"):
        opt.ask(1.5)
    with pytest.raises(ValueError, match="one value per candidate"):
        opt.tell(opt.ask(2), [1.0])


@pytest.mark.parametrize(
    "n_jobs, backend, expected",
    [
        (1, None, 1),
        (4, None, 2),  # 4 workers, 2 folds: 2 candidates per round
        (3, None, 1),
        (None, ("threading", 6), 3),  # n_jobs from the active joblib backend
    ],
)
def test_auto_batch_size_fills_the_workers(n_jobs, backend, expected):
    import joblib
    from sklearn.model_selection import KFold

    search = objective_search(batch_size="auto", n_jobs=n_jobs, cv=KFold(2), n_iter=6)
    if backend is None:
        search.fit(X_DUMMY, Y_DUMMY)
    else:
        with joblib.parallel_backend(backend[0], n_jobs=backend[1]):
            search.fit(X_DUMMY, Y_DUMMY)
    assert search.batch_size_ == expected
    # The rounds have that size: the same candidates as an explicit batch_size.
    explicit = objective_search(batch_size=expected, cv=KFold(2), n_iter=6).fit(X_DUMMY, Y_DUMMY)
    assert search.cv_results_["params"] == explicit.cv_results_["params"]


def test_auto_batch_size_keeps_random_search_in_one_round():
    search = objective_search(strategy="random", batch_size="auto", n_jobs=4).fit(X_DUMMY, Y_DUMMY)
    assert search.batch_size_ is None and len(search.cv_results_["params"]) == 15


def spy_incumbents(monkeypatch):
    """A list that collects every threshold expected improvement is measured against."""
    from skscale.strategies import bayesian

    seen = []
    original = bayesian.LogExpectedImprovement

    def spy(gp, incumbent):
        seen.append(incumbent)
        return original(gp, incumbent)

    monkeypatch.setattr(bayesian, "LogExpectedImprovement", spy)
    return seen


def test_batch_members_measure_improvement_against_believed_scores(monkeypatch):
    seen = spy_incumbents(monkeypatch)
    space = {"x": Continuous(0.0, 1.0), "y": Continuous(0.0, 1.0)}
    opt = _optimizer(space, batch_rule="believer")
    grid = [{"x": a, "y": b} for a in (0.1, 0.3, 0.7, 0.9) for b in (0.1, 0.3, 0.7, 0.9)]
    # The optimum (0.5, 0.5) lies between the observations: the first member's
    # posterior mean there beats every observed score.
    opt.tell(grid, [-((p["x"] - 0.5) ** 2) - (p["y"] - 0.5) ** 2 for p in grid])
    first, second = opt.ask(2)
    assert len(seen) == 2
    assert seen[1] > seen[0]  # the incumbent rose to the believed score


def test_added_pending_points_are_believed_until_told(monkeypatch):
    space = {"x": Continuous(0.0, 1.0), "y": Continuous(0.0, 1.0)}
    grid = [{"x": a, "y": b} for a in (0.1, 0.3, 0.7, 0.9) for b in (0.1, 0.3, 0.7, 0.9)]
    scores = [-((p["x"] - 0.5) ** 2) - (p["y"] - 0.5) ** 2 for p in grid]

    def strategy():
        opt = BayesianOptimizer(space, n_iter=20, random_state=0)
        opt.tell(grid, scores)
        return opt._strategy

    (alone,) = strategy().ask(1)
    other = strategy()
    other.add_pending([alone, {"x": 2.0, "y": 0.5}, grid[0]])  # outside and known: ignored
    assert len(other._pending) == 1
    conditioned = []
    from skscale.gp import GaussianProcess

    original = GaussianProcess.condition_on

    def spy(gp, X_pending, **kwargs):
        conditioned.append(np.array(X_pending))
        return original(gp, X_pending, **kwargs)

    monkeypatch.setattr(GaussianProcess, "condition_on", spy)
    (apart,) = other.ask(1)
    assert apart != alone
    assert len(conditioned) == 1 and conditioned[0].shape == (1, 2)  # the model believed it
    other.tell([alone, apart], [0.0, 0.0])
    assert other._pending == []


def test_told_proposals_are_no_longer_pending():
    # Log and reverse-log ranges: the optimiser's point and the encoding of its
    # decoded values differ in the last bits, which once left proposals pending.
    space = {
        "lr": Continuous(1e-5, 1.0, scaling="log"),
        "beta": Continuous(0.5, 0.999, scaling="reverse_log"),
        "depth": Integer(1, 16),
        "kind": Categorical(["a", "b"]),
    }
    opt = BayesianOptimizer(space, n_iter=20, random_state=0)
    for _ in range(20):
        (params,) = opt.ask()
        opt.tell([params], [-((np.log10(params["lr"]) + 2) ** 2) - params["depth"] / 16])
        assert opt._strategy._pending == []


def test_stalled_needs_repeated_points_that_no_longer_improve():
    from skscale.strategies.bayesian import stalled

    X = np.array([[0.5, 0.5], [0.1, 0.1], [0.5, 0.5004], [0.5002, 0.5]])
    assert stalled(X, np.array([1.0, 0.0, 1.0, 0.9]))
    assert not stalled(X, np.array([1.0, 0.0, 1.0, 1.1]))  # the last one improved
    assert not stalled(X, np.array([1.0, 0.0, np.nan, 0.9]), n_last=3)  # 0.1 is no repeat
    X_far = np.vstack([X[:3], [[0.9, 0.9]]])
    assert not stalled(X_far, np.array([1.0, 0.0, 1.0, 0.9]))
    assert not stalled(X[:2], np.array([1.0, 0.0]))


def stalled_optimizer():
    space = {"x": Continuous(0.0, 1.0), "y": Continuous(0.0, 1.0)}
    grid = [{"x": a, "y": b} for a in (0.1, 0.4, 0.7, 1.0) for b in (0.1, 0.4, 0.7, 1.0)]
    # A bowl centred on a corner; the last two results repeat the best point.
    repeats = [{"x": 1.0, "y": 0.9998}, {"x": 0.9997, "y": 1.0}]
    params = grid + repeats
    opt = BayesianOptimizer(space, n_iter=30, random_state=0)
    opt.tell(params, [-((p["x"] - 1) ** 2) - (p["y"] - 1) ** 2 - 1e-3 for p in params])
    return opt, np.array([[p["x"], p["y"]] for p in params])


def test_a_stalled_search_keeps_away_from_known_points():
    from skscale.strategies.bayesian import STALL_SPACING

    opt, known = stalled_optimizer()
    (proposal,) = opt.ask()
    u = np.array([proposal["x"], proposal["y"]])
    assert np.abs(known - u).max(axis=1).min() > STALL_SPACING


def test_a_stalled_search_with_nothing_far_enough_still_proposes(monkeypatch):
    from skscale.strategies import bayesian

    monkeypatch.setattr(bayesian, "STALL_SPACING", 2.0)  # every point is too close
    opt, known = stalled_optimizer()
    assert bayesian.stalled(known, opt._strategy._models[0].y, tol=2.0)
    assert len(opt.ask()) == 1


def _incumbents_seen(monkeypatch, scores, **engine):
    """The thresholds expected improvement is measured against for one proposal."""
    seen = spy_incumbents(monkeypatch)
    grid = [{"x": a, "y": b} for a in (0.1, 0.3, 0.7, 0.9) for b in (0.1, 0.3, 0.7, 0.9)]
    opt = _optimizer({"x": Continuous(0.0, 1.0), "y": Continuous(0.0, 1.0)}, **engine)
    opt.tell(grid, scores(grid))
    opt.ask()
    return seen, max(opt._strategy._targets()[0])


def test_quantised_scores_measure_improvement_beyond_a_margin(monkeypatch):
    def smooth(grid):  # off-centre: no two points of the grid tie
        return [-((p["x"] - 0.45) ** 2) - 2 * (p["y"] - 0.52) ** 2 for p in grid]

    def quantised(grid):  # accuracy-like steps: the better half ties
        return [np.floor(20 * s) / 20 for s in smooth(grid)]

    seen, best = _incumbents_seen(monkeypatch, smooth)
    assert seen == [best]  # no ties: the best target itself
    seen, best = _incumbents_seen(monkeypatch, quantised)
    assert seen == [pytest.approx(best + 0.1)]
    seen, best = _incumbents_seen(monkeypatch, quantised, quantised_margin=0.0)
    assert seen == [best]
