"""Stop criteria, Ctrl-C, warm start and scikit-learn callbacks."""

import time

import numpy as np
import pytest
from sklearn.base import BaseEstimator
from sklearn.model_selection import GridSearchCV

from skscale import Continuous, ScaledSearchCV
from skscale.warm_start import param_columns

X_DUMMY = np.zeros((8, 1))
ONE_SPLIT = [(np.arange(4), np.arange(4, 8))]


class Quadratic(BaseEstimator):
    """Score is minus a bowl in log10(x); optional delay and interrupt."""

    def __init__(self, x=1.0, delay=0.0, interrupt_above=np.inf):
        self.x, self.delay, self.interrupt_above = x, delay, interrupt_above

    def fit(self, X, y=None):
        if self.x > self.interrupt_above:
            raise KeyboardInterrupt
        time.sleep(self.delay)
        return self

    def score(self, X, y=None):
        return -((np.log10(self.x) + 2) ** 2)


def search(**kwargs):
    options = dict(
        estimator=Quadratic(),
        param_distributions={"x": Continuous(1e-5, 1e1)},
        strategy="bayesian",
        n_iter=12,
        cv=ONE_SPLIT,
        random_state=0,
    )
    options.update(kwargs)
    return ScaledSearchCV(**options)


def test_budget_spent_is_the_default_stop_reason():
    fitted = search().fit(X_DUMMY)
    assert fitted.stop_reason_ == "n_iter" and fitted.n_candidates_ == 12


def test_target_score_stops_early_and_still_refits():
    fitted = search(target_score=-0.5, n_iter=30).fit(X_DUMMY)
    assert fitted.stop_reason_ == "target_score"
    assert fitted.best_score_ >= -0.5 and len(fitted.cv_results_["params"]) < 30
    assert fitted.best_estimator_.x == fitted.best_params_["x"]


def test_patience_stops_after_evaluations_without_improvement():
    fitted = search(patience=3, n_iter=40).fit(X_DUMMY)
    assert fitted.stop_reason_ == "patience"
    scores = fitted.cv_results_["mean_test_score"]
    assert len(scores) < 40
    # The last 3 evaluations improved on the best before them by at most the
    # documented margin: 0.1% of the gap between that best and the median.
    before = scores[:-3]
    margin = 1e-3 * (before.max() - np.median(before))
    assert scores[-3:].max() <= before.max() + margin


def test_max_time_checked_between_rounds():
    fitted = search(estimator=Quadratic(delay=0.05), max_time=0.3, n_iter=50).fit(X_DUMMY)
    assert fitted.stop_reason_ == "max_time"
    assert 3 <= len(fitted.cv_results_["params"]) < 50


def test_random_search_in_rounds_honours_stop_criteria():
    fitted = search(strategy="random", batch_size=4, target_score=-1.0, n_iter=40)
    fitted.fit(X_DUMMY)
    assert fitted.stop_reason_ == "target_score"
    assert len(fitted.cv_results_["params"]) % 4 == 0


def test_ctrl_c_keeps_finished_rounds_and_refits():
    # Candidates above x = 1 raise KeyboardInterrupt during fit, as Ctrl-C would.
    fitted = search(
        estimator=Quadratic(interrupt_above=1.0), strategy="random", batch_size=2, n_iter=40
    )
    with pytest.warns(UserWarning, match="Interrupted after"):
        fitted.fit(X_DUMMY)
    assert fitted.stop_reason_ == "interrupted"
    assert 2 <= len(fitted.cv_results_["params"]) < 40
    assert all(p["x"] <= 1.0 for p in fitted.cv_results_["params"])
    assert hasattr(fitted, "best_estimator_") and fitted.best_params_["x"] <= 1.0


def test_ctrl_c_before_any_result_is_raised():
    with pytest.raises(KeyboardInterrupt):
        search(estimator=Quadratic(interrupt_above=0.0)).fit(X_DUMMY)


def test_warm_start_from_a_fitted_search():
    first = search(n_iter=8).fit(X_DUMMY)
    second = search(n_iter=4, warm_start=first).fit(X_DUMMY)
    results = second.cv_results_
    assert len(results["params"]) == 12 and second.n_candidates_ == 4
    np.testing.assert_array_equal(results["warm_start"], [True] * 8 + [False] * 4)
    assert results["params"][:8] == first.cv_results_["params"]
    assert second.best_score_ >= first.best_score_
    assert results["rank_test_score"].min() == 1
    assert isinstance(results["param_x"], np.ma.MaskedArray)


class Knobs(BaseEstimator):
    """Parameters of several kinds; the score is ``level``."""

    def __init__(self, kind="a", level=0, size=1.0, shape=(1,)):
        self.kind, self.level, self.size, self.shape = kind, level, size, shape

    def fit(self, X, y=None):
        return self

    def score(self, X, y=None):
        return float(self.level)


def test_warm_start_param_columns_are_built_as_scikit_learn_builds_them():
    # Sub-spaces naming different parameters: masks where a candidate lacks one.
    grid = [
        {"kind": ["a"], "size": [0.5, 2.0], "shape": [(1, 2), (3, 4)]},
        {"kind": ["bb"], "level": [1, 2], "size": [1.0]},
    ]
    theirs = GridSearchCV(Knobs(), grid, cv=ONE_SPLIT).fit(X_DUMMY).cv_results_
    ours = param_columns(theirs["params"])
    assert set(ours) == {key for key in theirs if key.startswith("param_")}
    for key, column in ours.items():
        assert isinstance(column, np.ma.MaskedArray) and column.dtype == theirs[key].dtype, key
        np.testing.assert_array_equal(column.mask, np.ma.getmaskarray(theirs[key]), err_msg=key)
        assert column.compressed().tolist() == theirs[key].compressed().tolist(), key
    assert ours["param_size"].dtype == np.float64 and ours["param_level"].dtype == np.int64
    assert ours["param_kind"].dtype == object and ours["param_shape"].dtype == object


def test_warm_start_informs_the_model_from_the_first_proposal():
    first = search(n_iter=10).fit(X_DUMMY)
    cold = search(n_iter=1, random_state=5).fit(X_DUMMY)
    warm = search(n_iter=1, random_state=5, warm_start=first.cv_results_).fit(X_DUMMY)
    # Cold starts with a space-filling point; warm proposes near the known optimum.
    new_warm = warm.cv_results_["params"][-1]["x"]
    assert abs(np.log10(new_warm) + 2) < abs(np.log10(cold.best_params_["x"]) + 2) + 0.5
    assert abs(np.log10(new_warm) + 2) < 1.0


def test_continue_own_search_in_one_call():
    fitted = search(n_iter=6).fit(X_DUMMY)
    first_params = list(fitted.cv_results_["params"])
    fitted.set_params(warm_start=True, n_iter=5).fit(X_DUMMY)
    assert len(fitted.cv_results_["params"]) == 11
    assert fitted.cv_results_["params"][:6] == first_params
    new = fitted.cv_results_["params"][6:]
    assert all(p not in first_params for p in new)


def test_continue_random_search_draws_new_candidates():
    fitted = search(strategy="random", n_iter=5).fit(X_DUMMY)
    fitted.set_params(warm_start=True).fit(X_DUMMY)
    xs = [p["x"] for p in fitted.cv_results_["params"]]
    assert len(xs) == 10 and len(set(xs)) == 10


def test_warm_start_drops_points_outside_new_ranges():
    first = search(n_iter=8).fit(X_DUMMY)
    narrow = {"x": Continuous(1e-3, 1e-1)}
    inside = sum(1e-3 <= p["x"] <= 1e-1 for p in first.cv_results_["params"])
    with pytest.warns(UserWarning, match=rf"{8 - inside} of 8 earlier candidates fall outside"):
        second = search(param_distributions=narrow, n_iter=3, warm_start=first).fit(X_DUMMY)
    assert len(second.cv_results_["params"]) == inside + 3


def test_grid_warm_start_skips_evaluated_points():
    grid = search(strategy="grid", grid_points=3).fit(X_DUMMY)
    finer = search(strategy="grid", grid_points=5, warm_start=grid).fit(X_DUMMY)
    # The 3-point log grid is part of the 5-point one: only 2 points are new.
    assert finer.n_candidates_ == 2 and len(finer.cv_results_["params"]) == 5
    with pytest.raises(ValueError, match="Nothing left to evaluate"):
        search(strategy="grid", grid_points=3, warm_start=grid).fit(X_DUMMY)


@pytest.mark.parametrize(
    "warm_start, error, message",
    [
        ("yes", TypeError, r"'warm_start' parameter"),
        ({"params": []}, ValueError, r"warm_start must hold cv_results_"),
    ],
)
def test_bad_warm_start(warm_start, error, message):
    with pytest.raises(error, match=message):
        search(warm_start=warm_start).fit(X_DUMMY)


needs_callbacks = pytest.mark.skipif(
    not hasattr(ScaledSearchCV, "set_callbacks"),
    reason="scikit-learn < 1.9 has no estimator callbacks (set_callbacks)",
)


@needs_callbacks
def test_sklearn_callbacks_see_search_and_rounds(task_recorder):
    recorder = task_recorder()
    fitted = search(n_iter=4, batch_size=2)
    fitted.set_callbacks(recorder)
    fitted.fit(X_DUMMY)
    names = [name for name, _ in recorder.begun]
    assert names.count("round") == 2 and names.count("search") == 1
    parents = {parent for name, parent in recorder.begun if name == "candidate-split-evaluation"}
    assert parents == {"round"}


@needs_callbacks
@pytest.mark.parametrize("strategy", ["random", "grid"])
def test_one_round_search_has_sklearns_task_tree(strategy, task_recorder):
    from sklearn.model_selection import GridSearchCV, RandomizedSearchCV

    ours, theirs = task_recorder(), task_recorder()
    fitted = search(strategy=strategy, n_iter=4, param_distributions={"x": [0.1, 0.2, 0.3, 0.4]})
    fitted.set_callbacks(ours).fit(X_DUMMY)
    sklearn_class = GridSearchCV if strategy == "grid" else RandomizedSearchCV
    reference = sklearn_class(
        fitted.estimator,
        {"x": [0.1, 0.2, 0.3, 0.4]},
        cv=fitted.cv,
        **({"n_iter": 4, "random_state": 0} if strategy == "random" else {}),
    )
    reference.set_callbacks(theirs).fit(X_DUMMY)
    assert "round" not in [name for name, _ in ours.begun]
    assert sorted(ours.begun, key=str) == sorted(theirs.begun, key=str)
