"""Faults: failing fits, non-finite and degenerate scores, parallel backends, persistence.

Every search-level fault is run for the random and the Bayesian strategy, both
sequentially (``batch_size=None``) and in batches of 3. The estimator is a
cheap dummy whose score is a known function of its parameters; the data are
never looked at.
"""

import pickle
import subprocess
import sys
import textwrap
import warnings

import joblib
import numpy as np
import pytest
from sklearn.base import BaseEstimator
from sklearn.datasets import load_iris
from sklearn.exceptions import FitFailedWarning
from sklearn.linear_model import LogisticRegression

from skscale import BayesianOptimizer, Categorical, Continuous, Integer, ScaledSearchCV
from skscale.gp import GaussianProcess

X = np.zeros((8, 1))
Y = np.zeros(8)
# Two fixed splits: no splitter overhead, and a candidate fails on both or on none.
CV = [(np.arange(4), np.arange(4, 8)), (np.arange(4, 8), np.arange(4))]
SPACE = {"x": Continuous(0.0, 1.0), "n": Integer(1, 6)}
N_ITER = 8
FAIL_ABOVE = 0.6  # x beyond this fails (or scores badly); the optimum is x = 0.2, n = 3

COMBOS = [
    pytest.param("random", None, id="random-sequential"),
    pytest.param("random", 3, id="random-batched"),
    pytest.param("bayesian", None, id="bayesian-sequential"),
    pytest.param("bayesian", 3, id="bayesian-batched"),
]


class Faulty(BaseEstimator):
    """Score ``-scale * ((x - 0.2)**2 + (n - 3)**2 / 25)``, unless ``mode`` breaks it.

    ``mode``: "ok"; "raise" (fit raises for x > FAIL_ABOVE); "raise_all";
    "nan" (NaN score for x > FAIL_ABOVE, else -inf for n >= 5); "inf" (+inf for
    x > FAIL_ABOVE); "tie" (every score 1.0).
    """

    def __init__(self, x=0.5, n=3, mode="ok", scale=1.0):
        self.x, self.n, self.mode, self.scale = x, n, mode, scale

    def fit(self, X, y=None):
        if self.mode == "raise_all" or (self.mode == "raise" and self.x > FAIL_ABOVE):
            raise ValueError("diverged")
        return self

    def score(self, X, y=None):
        if self.mode == "tie":
            return 1.0
        if self.mode == "nan" and self.x > FAIL_ABOVE:
            return np.nan
        if self.mode == "nan" and self.n >= 5:
            return -np.inf
        if self.mode == "inf" and self.x > FAIL_ABOVE:
            return np.inf
        return -self.scale * ((self.x - 0.2) ** 2 + (self.n - 3) ** 2 / 25)


def faulty_search(strategy, batch_size, **kwargs):
    options = dict(
        estimator=Faulty(),
        param_distributions=SPACE,
        strategy=strategy,
        batch_size=batch_size,
        n_iter=N_ITER,
        cv=CV,
        random_state=0,
    )
    options.update(kwargs)
    return ScaledSearchCV(**options)


def fit_quietly(search):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        search.fit(X, Y)
    return search, caught


def model_fallbacks(caught):
    """Warnings saying the Gaussian process could not be used."""
    return [w for w in caught if "could not be fitted" in str(w.message)]


def candidate_keys(params):
    return [(round(p["x"], 12), p["n"]) for p in params]


# -- failing fits -------------------------------------------------------------


@pytest.mark.parametrize("strategy, batch_size", COMBOS)
def test_failing_fits_keep_the_other_results(strategy, batch_size):
    search, caught = fit_quietly(
        faulty_search(strategy, batch_size, estimator=Faulty(mode="raise"))
    )
    params = search.cv_results_["params"]
    scores = search.cv_results_["mean_test_score"]
    # Every evaluated candidate is a row, whatever the strategy and batch size.
    assert len(params) == N_ITER
    # A candidate failed exactly when its x is in the failing region.
    failing_rows = np.array([p["x"] > FAIL_ABOVE for p in params])
    np.testing.assert_array_equal(np.isnan(scores), failing_rows)
    assert failing_rows.any()  # the fault did happen
    assert any(issubclass(w.category, FitFailedWarning) for w in caught)
    # The best is a non-failing candidate with a finite score.
    assert search.best_params_["x"] <= FAIL_ABOVE
    assert np.isfinite(search.best_score_) and search.best_score_ == np.nanmax(scores)
    assert search.best_estimator_.x == search.best_params_["x"]
    ranks = search.cv_results_["rank_test_score"]
    assert ranks[failing_rows].min() > ranks[~failing_rows].max()  # failures rank last


@pytest.mark.parametrize("strategy, batch_size", COMBOS)
def test_error_score_number_is_the_score_of_failed_fits(strategy, batch_size):
    search, _ = fit_quietly(
        faulty_search(strategy, batch_size, estimator=Faulty(mode="raise"), error_score=-7.0)
    )
    scores = search.cv_results_["mean_test_score"]
    params = search.cv_results_["params"]
    assert len(params) == N_ITER
    for p, s in zip(params, scores, strict=True):
        assert (s == -7.0) == (p["x"] > FAIL_ABOVE)
    assert (scores == -7.0).sum() >= 1
    assert np.all(np.isfinite(scores))
    assert search.best_params_["x"] <= FAIL_ABOVE


@pytest.mark.parametrize("strategy, batch_size", COMBOS)
def test_error_score_raise_propagates(strategy, batch_size):
    search = faulty_search(
        strategy, batch_size, estimator=Faulty(mode="raise"), error_score="raise"
    )
    with pytest.raises(ValueError, match="diverged"):
        search.fit(X, Y)


@pytest.mark.parametrize("strategy, batch_size", COMBOS)
def test_every_candidate_failing_raises(strategy, batch_size):
    search = faulty_search(strategy, batch_size, estimator=Faulty(mode="raise_all"))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(ValueError, match=r"All the \d+ fits failed"):
            search.fit(X, Y)
    assert not hasattr(search, "best_estimator_")


# -- non-finite scores ----------------------------------------------------------


@pytest.mark.parametrize("strategy, batch_size", COMBOS)
def test_nan_and_minus_inf_scores_are_never_best(strategy, batch_size):
    search, caught = fit_quietly(faulty_search(strategy, batch_size, estimator=Faulty(mode="nan")))
    scores = search.cv_results_["mean_test_score"]
    assert len(scores) == N_ITER
    assert np.isnan(scores).any() and np.isneginf(scores).any()  # the faults did happen
    assert np.isfinite(search.best_score_)
    assert search.best_score_ == scores[np.isfinite(scores)].max()
    assert search.best_params_["x"] <= FAIL_ABOVE and search.best_params_["n"] < 5
    assert not model_fallbacks(caught)


@pytest.mark.parametrize("strategy, batch_size", COMBOS)
def test_plus_inf_scores_are_never_best(strategy, batch_size):
    search, _ = fit_quietly(faulty_search(strategy, batch_size, estimator=Faulty(mode="inf")))
    scores = search.cv_results_["mean_test_score"]
    assert len(scores) == N_ITER and np.isposinf(scores).any()
    assert np.isfinite(search.best_score_)
    assert search.best_params_["x"] <= FAIL_ABOVE


# -- degenerate scores: extreme scales, ties, duplicates ----------------------------


@pytest.mark.parametrize("scale", [1e-12, 1e12])
@pytest.mark.parametrize("strategy, batch_size", COMBOS)
def test_extreme_score_scales(strategy, batch_size, scale):
    search, caught = fit_quietly(
        faulty_search(strategy, batch_size, estimator=Faulty(scale=scale))
    )
    params = search.cv_results_["params"]
    scores = search.cv_results_["mean_test_score"]
    assert len(params) == N_ITER and np.all(np.isfinite(scores))
    assert len(set(candidate_keys(params))) == N_ITER  # proposals stay distinct
    assert not model_fallbacks(caught)
    assert search.best_score_ == scores.max()
    # The search is invariant to the scale of the scores: same ranking as at scale 1.
    reference = faulty_search(strategy, batch_size).fit(X, Y)
    if strategy == "random":
        assert params == reference.cv_results_["params"]
        np.testing.assert_array_equal(
            search.cv_results_["rank_test_score"], reference.cv_results_["rank_test_score"]
        )
    else:
        assert search.best_score_ / scale == pytest.approx(reference.best_score_, abs=0.02)


@pytest.mark.parametrize("strategy, batch_size", COMBOS)
def test_all_scores_tied(strategy, batch_size):
    search, caught = fit_quietly(faulty_search(strategy, batch_size, estimator=Faulty(mode="tie")))
    params = search.cv_results_["params"]
    assert len(params) == N_ITER
    assert len(set(candidate_keys(params))) == N_ITER
    assert not model_fallbacks(caught)
    np.testing.assert_array_equal(search.cv_results_["rank_test_score"], np.ones(N_ITER))
    assert search.best_index_ == 0 and search.best_score_ == 1.0


def test_flat_finite_space_is_exhausted_without_repeats():
    space = {"x": Categorical([0.1, 0.2, 0.3]), "n": Integer(2, 3)}
    search = faulty_search("bayesian", 2, param_distributions=space, estimator=Faulty(mode="tie"))
    with pytest.warns(UserWarning, match="exhausted after 6 candidates"):
        search.fit(X, Y)
    assert len(set(candidate_keys(search.cv_results_["params"]))) == 6


def test_duplicated_observations_do_not_crash_the_model():
    opt = BayesianOptimizer(SPACE, n_iter=10, random_state=0)
    point = {"n": 3, "x": 0.5}
    # The same point told again and again, flat then contradictory.
    opt.tell([point] * 4, [1.0] * 4)
    opt.tell([point] * 4, [0.0, 1.0, 0.0, 1.0])
    opt.tell([{"n": 2, "x": 0.1}, {"n": 5, "x": 0.9}], [1.0, 1.0])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        batch = opt.ask(3) + opt.ask(3)
    assert not model_fallbacks(caught)
    keys = candidate_keys(batch)
    assert len(set(keys)) == 6 and (0.5, 3) not in keys
    assert all(p["x"] in SPACE["x"] and p["n"] in SPACE["n"] for p in batch)


def test_gp_on_duplicated_inputs_and_constant_targets():
    X_dup = np.array([[0.5, 0.5]] * 5 + [[0.1, 0.9]] * 3)
    gp = GaussianProcess(np.array([True, True]), random_state=0).fit(X_dup, np.full(8, 3.0))
    mean, var = gp.predict(np.array([[0.5, 0.5], [0.9, 0.1]]))
    np.testing.assert_allclose(mean, 3.0, atol=1e-3)
    assert np.all(np.isfinite(var)) and np.all(var > 0)


# -- determinism across n_jobs and joblib backends ------------------------------------


@pytest.mark.parametrize("strategy, batch_size", COMBOS)
def test_same_seed_same_candidates_across_jobs_and_backends(strategy, batch_size):
    def candidates(n_jobs, backend=None):
        search = faulty_search(strategy, batch_size, n_jobs=n_jobs, n_iter=6)
        if backend is None:
            return search.fit(X, Y).cv_results_["params"]
        with joblib.parallel_backend(backend, n_jobs=n_jobs):
            return search.fit(X, Y).cv_results_["params"]

    reference = candidates(1)
    assert len(reference) == 6
    assert candidates(2) == reference
    assert candidates(2, "loky") == reference
    assert candidates(2, "threading") == reference
    other_seed = faulty_search(strategy, batch_size, n_iter=6, random_state=1).fit(X, Y)
    assert other_seed.cv_results_["params"] != reference


# -- batches of a random search ---------------------------------------------------------


def test_batched_random_search_evaluates_n_iter_candidates():
    space = {"n": Integer(1, 3)}
    one_round = faulty_search("random", None, param_distributions=space, n_iter=10)
    one_round.fit(X, Y)
    assert len(one_round.cv_results_["params"]) == 10
    batched = faulty_search("random", 3, param_distributions=space, n_iter=10)
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)  # no "exhausted" warning
        batched.fit(X, Y)
    assert batched.cv_results_["params"] == one_round.cv_results_["params"]


# -- persistence --------------------------------------------------------------------

IRIS_X, IRIS_Y = load_iris(return_X_y=True)
IRIS_X, IRIS_Y = IRIS_X[::2], IRIS_Y[::2]
PERSISTED = {
    "random": dict(strategy="random"),
    "grid": dict(strategy="grid", grid_points=3),
    "bayesian": dict(strategy="bayesian"),
    "bayesian-batched": dict(strategy="bayesian", batch_size=3),
}


@pytest.fixture(scope="module")
def fitted_searches():
    searches = {}
    for name, options in PERSISTED.items():
        searches[name] = ScaledSearchCV(
            LogisticRegression(solver="newton-cholesky"),
            {"C": Continuous(1e-3, 1e2), "fit_intercept": [True, False]},
            n_iter=6,
            cv=2,
            random_state=0,
            **options,
        ).fit(IRIS_X, IRIS_Y)
    return searches


def assert_same_search(again, search):
    np.testing.assert_array_equal(again.predict(IRIS_X), search.predict(IRIS_X))
    np.testing.assert_array_equal(again.predict_proba(IRIS_X), search.predict_proba(IRIS_X))
    assert again.best_params_ == search.best_params_
    assert again.cv_results_["params"] == search.cv_results_["params"]
    np.testing.assert_array_equal(
        again.cv_results_["mean_test_score"], search.cv_results_["mean_test_score"]
    )
    assert again.search_space_ == search.search_space_
    assert getattr(again, "warping_", None) == getattr(search, "warping_", None)


@pytest.mark.parametrize("name", list(PERSISTED))
def test_pickle_and_joblib_round_trips(fitted_searches, tmp_path, name):
    search = fitted_searches[name]
    assert_same_search(pickle.loads(pickle.dumps(search)), search)
    joblib.dump(search, tmp_path / "search.joblib", compress=3)
    assert_same_search(joblib.load(tmp_path / "search.joblib"), search)
    if name.startswith("bayesian"):
        assert set(search.warping_) == {"C"}


def test_reload_in_a_fresh_process(fitted_searches, tmp_path):
    np.save(tmp_path / "X.npy", IRIS_X)
    for name, search in fitted_searches.items():
        joblib.dump(search, tmp_path / f"{name}.joblib")
    code = textwrap.dedent(
        """
        import sys
        from pathlib import Path

        import joblib
        import numpy as np

        folder = Path(sys.argv[1])
        X = np.load(folder / "X.npy")
        for name in sys.argv[2:]:
            search = joblib.load(folder / f"{name}.joblib")
            np.save(folder / f"{name}.proba.npy", search.predict_proba(X))
            np.save(folder / f"{name}.pred.npy", search.predict(X))
        print("reloaded", len(sys.argv) - 2)
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path), *fitted_searches],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert f"reloaded {len(fitted_searches)}" in done.stdout
    for name, search in fitted_searches.items():
        np.testing.assert_array_equal(
            np.load(tmp_path / f"{name}.pred.npy"), search.predict(IRIS_X)
        )
        np.testing.assert_array_equal(
            np.load(tmp_path / f"{name}.proba.npy"), search.predict_proba(IRIS_X)
        )


def accuracy_and_error(estimator, X, y):
    """A callable multi-metric scorer: its names are known only once a fit succeeds."""
    accuracy = estimator.score(X, y)
    return {"accuracy": accuracy, "error": 1 - accuracy}


@pytest.mark.parametrize("strategy, batch_size", [*COMBOS, pytest.param("grid", 1, id="grid-1")])
def test_callable_multimetric_scorer_with_a_first_round_that_fails(strategy, batch_size):
    from sklearn.datasets import load_iris
    from sklearn.svm import SVC

    X_iris, y_iris = load_iris(return_X_y=True)
    # Negative C fails; grid order and the seed put failing candidates first.
    search = ScaledSearchCV(
        SVC(),
        {"C": [-2.0, -1.0, 1.0, 2.0]},
        strategy=strategy,
        batch_size=batch_size,
        n_iter=4,
        cv=3,
        scoring=accuracy_and_error,
        refit="accuracy",
        random_state=1,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        search.fit(X_iris, y_iris)
    results = search.cv_results_
    failed = np.array([p["C"] < 0 for p in results["params"]])
    assert len(failed) == 4 and failed.sum() == 2
    for metric in ("accuracy", "error"):
        np.testing.assert_array_equal(np.isnan(results[f"mean_test_{metric}"]), failed)
    assert search.best_params_["C"] > 0
