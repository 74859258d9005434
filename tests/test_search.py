"""ScaledSearchCV with the random and grid strategies on real estimators."""

import pickle
import warnings

import joblib
import numpy as np
import pandas as pd
import pytest
from scipy import stats
from sklearn.base import clone
from sklearn.compose import ColumnTransformer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV, KFold
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler
from sklearn.svm import SVC

from skscale import Categorical, Continuous, Integer, ScaledSearchCV

SVC_SPACE = {"C": Continuous(1e-2, 1e3), "gamma": Continuous(1e-4, 1e1)}


def svc_search(**kwargs):
    options = dict(strategy="random", n_iter=6, cv=3, random_state=0)
    options.update(kwargs)
    return ScaledSearchCV(SVC(), SVC_SPACE, **options)


def test_random_search_fitted_attributes(iris):
    X, y = iris
    search = svc_search().fit(X, y)
    assert len(search.cv_results_["params"]) == search.n_candidates_ == 6
    assert search.best_score_ == search.cv_results_["mean_test_score"][search.best_index_]
    assert search.best_params_ == search.cv_results_["params"][search.best_index_]
    assert search.best_estimator_.C == search.best_params_["C"]
    assert search.score(X, y) > 0.9
    assert search.predict(X).shape == y.shape
    np.testing.assert_array_equal(search.classes_, [0, 1, 2])
    assert search.n_features_in_ == 4
    assert search.search_space_.subspaces[0].dims["C"].scaling == "log"
    for params in search.cv_results_["params"]:
        assert 1e-2 <= params["C"] <= 1e3 and 1e-4 <= params["gamma"] <= 1e1


def test_random_candidates_independent_of_n_jobs(iris):
    X, y = iris
    one = svc_search(n_jobs=1).fit(X, y).cv_results_["params"]
    two = svc_search(n_jobs=2).fit(X, y).cv_results_["params"]
    assert one == two
    other_seed = svc_search(random_state=1).fit(X, y).cv_results_["params"]
    assert other_seed != one


def test_grid_is_the_cartesian_product_on_scaled_axes(iris):
    X, y = iris
    search = svc_search(strategy="grid", grid_points=3).fit(X, y)
    params = search.cv_results_["params"]
    assert len(params) == 9
    assert sorted({p["C"] for p in params}) == pytest.approx([1e-2, np.sqrt(10), 1e3])


def test_grid_matches_sklearn_gridsearch_on_lists(iris):
    X, y = iris
    grid = {"C": [0.1, 1.0, 10.0], "kernel": ["rbf", "linear"]}
    ours = ScaledSearchCV(SVC(), grid, strategy="grid", cv=3).fit(X, y)
    theirs = GridSearchCV(SVC(), grid, cv=3).fit(X, y)
    assert sorted(map(str, ours.cv_results_["params"])) == sorted(
        map(str, theirs.cv_results_["params"])
    )
    assert ours.best_score_ == pytest.approx(theirs.best_score_)


def test_pipeline_and_column_transformer_parameters():
    rng = np.random.RandomState(0)
    X = pd.DataFrame({"num": rng.normal(size=120), "cat": rng.choice(["a", "b", "c"], 120)})
    y = (X["num"] + (X["cat"] == "a") > 0.5).astype(int)
    pipe = Pipeline(
        [
            (
                "prep",
                ColumnTransformer(
                    [
                        ("num", StandardScaler(), ["num"]),
                        ("cat", OneHotEncoder(handle_unknown="ignore"), ["cat"]),
                    ]
                ),
            ),
            ("clf", LogisticRegression()),
        ]
    )
    search = ScaledSearchCV(
        pipe,
        {
            "clf__C": Continuous(1e-3, 1e3),
            "prep__num__with_mean": [True, False],
            "prep__cat__drop": [None, "first"],
        },
        strategy="random",
        n_iter=5,
        cv=3,
        random_state=0,
    ).fit(X, y)
    assert search.best_score_ > 0.8
    assert list(search.feature_names_in_) == ["num", "cat"]


def test_swapping_estimators_in_a_pipeline(iris):
    X, y = iris
    pipe = Pipeline([("scale", StandardScaler()), ("clf", SVC())])
    space = [
        {"clf": [SVC()], "clf__C": Continuous(1e-2, 1e2)},
        {"clf": [LogisticRegression(max_iter=500)], "clf__C": Continuous(1e-2, 1e2)},
    ]
    search = ScaledSearchCV(pipe, space, strategy="random", n_iter=6, cv=3, random_state=0)
    search.fit(X, y)
    kinds = {type(p["clf"]).__name__ for p in search.cv_results_["params"]}
    assert kinds == {"SVC", "LogisticRegression"}


def test_scipy_distributions_and_lists(iris):
    X, y = iris
    search = ScaledSearchCV(
        SVC(),
        {
            "C": stats.loguniform(1e-2, 1e2),
            "kernel": ["rbf", "linear"],
            "degree": stats.randint(1, 4),
        },
        strategy="grid",
        grid_points=2,
        cv=3,
    ).fit(X, y)
    assert len(search.cv_results_["params"]) == 2 * 2 * 2


def test_integer_parameters_are_ints(cancer):
    from sklearn.tree import DecisionTreeClassifier

    X, y = cancer
    search = ScaledSearchCV(
        DecisionTreeClassifier(random_state=0),
        {"max_depth": Integer(1, 20), "min_samples_leaf": Integer(1, 50, "log")},
        strategy="random",
        n_iter=8,
        cv=3,
        random_state=0,
    ).fit(X, y)
    for params in search.cv_results_["params"]:
        assert all(isinstance(v, int) for v in params.values())


def test_multimetric_refit_by_name_and_callable(iris):
    X, y = iris
    scoring = {"acc": "accuracy", "f1": "f1_macro"}
    search = svc_search(scoring=scoring, refit="f1").fit(X, y)
    assert search.best_index_ == np.argmin(search.cv_results_["rank_test_f1"])
    assert search.best_score_ == search.cv_results_["mean_test_f1"][search.best_index_]

    def lowest_fit_time(results):
        return int(np.argmin(results["mean_fit_time"]))

    search = svc_search(scoring=scoring, refit=lowest_fit_time).fit(X, y)
    assert search.best_index_ == lowest_fit_time(search.cv_results_)
    assert not hasattr(search, "best_score_")
    no_refit = svc_search(scoring=scoring, refit=False).fit(X, y)
    assert not hasattr(no_refit, "best_estimator_")


def test_clone_get_params_set_params():
    search = svc_search(n_iter=4, batch_size=2)
    params = search.get_params()
    assert params["strategy"] == "random" and params["n_iter"] == 4
    assert params["estimator__C"] == 1.0
    copy = clone(search)
    assert copy.get_params()["param_distributions"] == SVC_SPACE
    copy.set_params(n_iter=7, estimator__kernel="linear")
    assert copy.n_iter == 7 and copy.estimator.kernel == "linear" and search.n_iter == 4


@pytest.mark.parametrize("dumps, loads", [(pickle.dumps, pickle.loads), (None, None)])
def test_fitted_search_round_trips(iris, tmp_path, dumps, loads):
    X, y = iris
    search = svc_search().fit(X, y)
    if dumps is None:
        joblib.dump(search, tmp_path / "search.joblib")
        again = joblib.load(tmp_path / "search.joblib")
    else:
        again = loads(dumps(search))
    np.testing.assert_array_equal(again.predict(X), search.predict(X))
    assert again.best_params_ == search.best_params_
    assert again.search_space_ == search.search_space_


def test_failing_candidates_keep_the_rest(iris):
    X, y = iris
    # A negative C makes SVC fail: those candidates score NaN, the others stay.
    search = ScaledSearchCV(SVC(), {"C": [-1.0, 0.5, 1.0, 2.0]}, strategy="grid", cv=3)
    with pytest.warns(Warning):
        search.fit(X, y)
    scores = search.cv_results_["mean_test_score"]
    assert np.isnan(scores[0]) and np.all(np.isfinite(scores[1:]))
    assert search.best_params_["C"] != -1.0


def test_every_candidate_failing_raises(iris):
    X, y = iris
    search = ScaledSearchCV(SVC(), {"C": [-1.0, -2.0]}, strategy="grid", cv=3)
    with pytest.raises(ValueError, match="fits failed"):
        search.fit(X, y)


def test_verbose_prints_progress(iris, capsys):
    X, y = iris
    svc_search(verbose=1).fit(X, y)
    out = capsys.readouterr().out
    assert "[skscale] 6/6 evaluated | best" in out and "elapsed" in out
    # One round, as in scikit-learn: its "Fitting" line comes first.
    assert out.startswith("Fitting 3 folds for each of 6 candidates")


def test_verbose_one_is_one_line_per_round(iris, capsys):
    X, y = iris
    svc_search(strategy="bayesian", n_iter=5, verbose=1).fit(X, y)
    lines = capsys.readouterr().out.splitlines()
    assert [line.split(" |")[0] for line in lines] == [
        *(f"[skscale] {k}/5 evaluated" for k in range(1, 6)),
        "[skscale] done: 5 evaluated in " + lines[-1].split(" in ")[1].split(" |")[0],
    ]
    assert "(stopped by n_iter)" in lines[-1]
    svc_search(strategy="bayesian", n_iter=4, verbose=2).fit(X, y)
    out = capsys.readouterr().out
    assert out.count("Fitting 3 folds for each of 1 candidates") == 4


@pytest.mark.parametrize("strategy", ["random", "grid", "bayesian"])
def test_empty_space_evaluates_the_defaults_once(iris, strategy):
    X, y = iris
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # fewer candidates than n_iter
        search = ScaledSearchCV(SVC(C=0.5), {}, strategy=strategy, cv=3).fit(X, y)
    reference = GridSearchCV(SVC(C=0.5), {}, cv=3).fit(X, y)
    assert search.cv_results_["params"] == [{}] and search.best_params_ == {}
    assert search.best_score_ == reference.best_score_
    assert search.best_estimator_.C == 0.5


def test_param_grid_alias_as_in_grid_search_cv(iris):
    X, y = iris
    grid = {"C": [0.1, 1.0, 10.0]}
    ours = ScaledSearchCV(estimator=SVC(), param_grid=grid, strategy="grid", cv=3).fit(X, y)
    theirs = GridSearchCV(estimator=SVC(), param_grid=grid, cv=3).fit(X, y)
    assert ours.cv_results_["params"] == theirs.cv_results_["params"]
    np.testing.assert_allclose(
        ours.cv_results_["mean_test_score"], theirs.cv_results_["mean_test_score"]
    )
    assert ours.get_params()["param_grid"] is grid
    assert ours.get_params()["param_distributions"] is None
    assert clone(ours).param_grid == grid


def test_categorical_estimators_passed_unchanged(iris):
    X, y = iris
    scaler = StandardScaler()
    pipe = make_pipeline(StandardScaler(), SVC())
    search = ScaledSearchCV(
        pipe,
        {"standardscaler": Categorical([scaler, "passthrough"])},
        strategy="grid",
        cv=KFold(3),
    ).fit(X, y)
    assert search.cv_results_["params"][0]["standardscaler"] is scaler
