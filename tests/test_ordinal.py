"""Ordered numeric choices: the Ordinal range and what plain numeric lists become."""

import pickle
import warnings

import numpy as np
import pytest
from sklearn.datasets import load_iris
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV, RandomizedSearchCV, StratifiedKFold

from skscale import Categorical, Continuous, Integer, Ordinal, ScaledSearchCV, SearchSpace

# -- the range itself --------------------------------------------------------


@pytest.mark.parametrize(
    "values, expected",
    [
        ([0.001, 0.01, 0.1, 1, 10], "log"),
        ([1, 10], "linear"),  # exactly one decade, as for Continuous(1, 10)
        ([1, 2, 5, 11], "log"),
        ([0, 1, 10, 100], "linear"),  # never log when 0 is a value
        ([0.9, 0.99, 0.999], "reverse_log"),
        ([0.001, 0.5, 0.999], "linear"),  # both rules hold
        ([-1, 0, 1], "linear"),
        ([3], "linear"),
    ],
)
def test_auto_scaling_is_the_continuous_rule_on_min_and_max(values, expected):
    dim = Ordinal(values)
    assert dim.scaling == expected
    assert repr(dim) == f"Ordinal({values!r}, scaling={expected!r})"
    assert (dim.low, dim.high) == (min(values), max(values))


def test_explicit_scaling_checked_and_spellings_accepted():
    assert Ordinal([1, 100], "linear").scaling == "linear"
    assert Ordinal([0.9, 0.99], "ReverseLogarithmic").scaling == "reverse_log"
    assert Ordinal([0.5], "reverse_log").scaling == "reverse_log"
    with pytest.raises(ValueError, match="scaling='log' needs low > 0"):
        Ordinal([0, 1, 10], "log")
    with pytest.raises(ValueError, match="reverse_log.*needs 0 <= low < high < 1"):
        Ordinal([0.5, 1.5], "reverse_log")
    with pytest.raises(ValueError, match="scaling must be one of"):
        Ordinal([1, 2], "cubic")


@pytest.mark.parametrize(
    "values, error, match",
    [
        ([], ValueError, "must not be empty"),
        ("abc", TypeError, "must be a list of numbers"),
        (5, TypeError, "must be a list of numbers"),
        ([1, "a"], TypeError, "real numbers.*str 'a'.*Categorical"),
        ([1, None], TypeError, "real numbers.*NoneType"),
        ([True, 2], TypeError, "not bool.*bool True"),
        ([np.bool_(False), 2], TypeError, "not bool"),
        ([1, float("nan")], ValueError, "must be finite"),
        ([1, float("inf")], ValueError, "must be finite"),
        ([1, 10**400], ValueError, "must be finite"),
        ([1, 2, 1.0], ValueError, "must be distinct"),
        (np.ones((2, 2)), ValueError, "one-dimensional"),
    ],
)
def test_bad_values_rejected_at_construction(values, error, match):
    with pytest.raises(error, match=match):
        Ordinal(values)


def test_positions_on_the_scaled_axis_and_nearest_value():
    dim = Ordinal([10, 0.001, 0.01, 0.1, 1])  # unsorted: kept as given
    assert dim.values == [10, 0.001, 0.01, 0.1, 1]
    np.testing.assert_allclose(dim.to_unit(dim.values), [1, 0, 0.25, 0.5, 0.75])
    assert dim.from_unit(0.0) == 0.001 and dim.from_unit(1.0) == 10
    assert dim.from_unit(0.6) == 0.1 and dim.from_unit(0.65) == 1
    assert dim.from_unit(-3.0) == 0.001 and dim.from_unit(7.0) == 10
    assert list(dim.from_unit([0.2, 0.9])) == [0.01, 10]
    np.testing.assert_allclose(dim.snap([0.1, 0.4, 0.9]), [0.0, 0.5, 1.0])
    # Linear scaling: nearest in value, not in log.
    linear = Ordinal([1, 2, 10], "linear")
    assert linear.from_unit(linear.to_unit(5.0)) == 2
    assert linear.from_unit(linear.to_unit(6.5)) == 10


def test_values_come_back_as_given():
    values = [np.float64(0.5), 2, np.int64(7), 1.5]
    dim = Ordinal(values)
    for u in np.linspace(0, 1, 11):
        back = dim.from_unit(u)
        assert any(back is v for v in values)
    draws = dim.rvs(size=50, random_state=0)
    assert all(any(d is v for v in values) for d in draws)
    assert type(dim.from_unit(dim.to_unit(2))) is int


def test_rvs_is_uniform_over_values_whatever_their_spacing():
    dim = Ordinal([1, 2, 3, 1000])  # log: 1..3 crowd the start of the axis
    draws = dim.rvs(size=40_000, random_state=0)
    counts = np.array([np.sum(draws == v) for v in dim.values])
    assert np.all(np.abs(counts / len(draws) - 0.25) < 0.01)
    assert dim.rvs(random_state=3) == dim.rvs(random_state=3)
    # The draw of a list in scikit-learn: values[randint(len)].
    rng = np.random.RandomState(5)
    assert dim.rvs(random_state=np.random.RandomState(5)) == dim.values[rng.randint(4)]


def test_equality_hash_pickle_membership():
    dim = Ordinal([0.1, 1, 10])
    assert dim == Ordinal([0.1, 1, 10])
    assert hash(dim) == hash(Ordinal([0.1, 1, 10]))
    assert dim != Ordinal([0.1, 1, 10], "linear")
    assert dim != Categorical([0.1, 1, 10])
    assert dim != Ordinal([1, 10, 0.1])  # another grid order
    copy = pickle.loads(pickle.dumps(dim))
    assert copy == dim and copy.from_unit(0.5) == 1
    assert 1 in dim and np.float64(10.0) in dim and 1.0 in dim
    assert 5 not in dim and True not in Ordinal([0, 1]) and "1" not in dim
    assert len(dim) == 3 and dim.grid(7) == [0.1, 1, 10] and dim.index(10) == 2


# -- what plain lists become --------------------------------------------------


@pytest.mark.parametrize(
    "value, expected",
    [
        ([0.001, 0.01, 0.1, 1, 10], Ordinal([0.001, 0.01, 0.1, 1, 10], "log")),
        ((1, 2, 3), Ordinal([1, 2, 3], "linear")),
        ([0, 0.5, 1], Ordinal([0, 0.5, 1], "linear")),  # ints and floats mixed
        (np.array([0.9, 0.99, 0.999]), Ordinal([0.9, 0.99, 0.999], "reverse_log")),
        (np.arange(1, 5), Ordinal([1, 2, 3, 4])),
        (["a", "b"], Categorical(["a", "b"])),
        ([None, 1, 2], Categorical([None, 1, 2])),
        ([True, False], Categorical([True, False])),
        ([1, True], Categorical([1, True])),
        ([1, "2"], Categorical([1, "2"])),
        ([1.0, float("nan")], Categorical([1.0, float("nan")])),
        ([1, 1, 2], Categorical([1, 1, 2])),  # repeated values: kept as they are
        ([5], Categorical([5])),  # a fixed value
    ],
)
def test_which_lists_become_ordinal(value, expected):
    dim = SearchSpace({"p": value}).subspaces[0].dims["p"]
    assert type(dim) is type(expected)
    if isinstance(expected, Ordinal):
        assert dim == expected
    else:
        assert repr(dim) == repr(expected)


def test_explicit_categorical_stays_categorical():
    sub = SearchSpace({"C": Categorical([0.1, 1, 10])}).subspaces[0]
    assert isinstance(sub.dims["C"], Categorical) and sub.n_columns == 3


def test_search_space_shows_what_was_detected():
    space = SearchSpace({"C": [0.01, 0.1, 1, 10, 100], "kernel": ["rbf", "linear"]})
    assert repr(space) == (
        "SearchSpace({'C': Ordinal([0.01, 0.1, 1, 10, 100], scaling='log'), "
        "'kernel': Categorical(['rbf', 'linear'])})"
    )


# -- the unit-cube view -------------------------------------------------------


def _mixed_subspace():
    return SearchSpace(
        {
            "C": [100, 0.01, 1],  # log, given unsorted
            "k": ["a", "b"],
            "n": Integer(1, 5, "linear"),
            "x": Continuous(0.0, 1.0),
            "fixed": [3],
        }
    ).subspaces[0]


def test_ordinal_is_one_warped_column():
    sub = _mixed_subspace()
    assert sub.modelled == ["C", "k", "n", "x"] and sub.n_columns == 5
    np.testing.assert_array_equal(sub.warp_mask, [True, False, False, True, True])
    u = sub.encode({"C": 1, "k": "b", "n": 3, "x": 0.25, "fixed": 3})
    np.testing.assert_allclose(u, [0.5, 0, 1, 0.5, 0.25])


def test_encode_decode_project_round_trip_returns_the_values():
    sub = _mixed_subspace()
    for c in (100, 0.01, 1):
        params = {"C": c, "k": "a", "n": 1, "x": 0.5, "fixed": 3}
        back = sub.decode(sub.encode(params))
        assert back["C"] is c and back["fixed"] == 3
    U = sub.project([[0.3, 1, 0, 0.5, 0.5], [0.74, 0, 1, 0.5, 0.5], [0.76, 0, 1, 0.5, 0.5]])
    np.testing.assert_allclose(U[:, 0], [0.5, 0.5, 1.0])
    assert [sub.decode(u)["C"] for u in U] == [1, 1, 100]
    # Projection is idempotent: a model never sees a point between two values.
    np.testing.assert_array_equal(sub.project(U), U)


def test_random_points_and_initial_design_visit_values_evenly():
    sub = SearchSpace({"C": [1, 2, 3, 1000]}).subspaces[0]
    points = sub.random_points(8000, np.random.RandomState(0))
    positions = sub.dims["C"].to_unit([1, 2, 3, 1000])
    shares = [np.mean(np.isclose(points[:, 0], p)) for p in positions]
    np.testing.assert_allclose(shares, 0.25, atol=0.02)
    design = [sub.from_uniform([v])["C"] for v in (0.1, 0.3, 0.6, 0.9)]
    assert design == [1, 2, 3, 1000]


def test_enumerate_points_includes_ordinal_columns():
    sub = SearchSpace(
        {"C": [0.1, 1, 10], "n": Integer(1, 2, "linear"), "k": ["a", "b"]}
    ).subspaces[0]
    points = sub.enumerate_points(100)
    assert points.shape == (12, sub.n_columns)
    assert len({tuple(p) for p in points}) == 12
    np.testing.assert_allclose(sorted(set(points[:, sub.column("C")])), [0, 0.5, 1])


def test_finite_space_size_grid_and_contains():
    space = SearchSpace({"C": [0.1, 1, 10], "k": ["a", "b"]})
    assert space.is_finite and space.size == 6
    assert len(space.grid(budget=1)) == 6
    sub = space.subspaces[0]
    assert sub.contains({"C": 1.0, "k": "a"}) and not sub.contains({"C": 2, "k": "a"})


# -- searches -----------------------------------------------------------------

X, y = load_iris(return_X_y=True)
CV = StratifiedKFold(3, shuffle=True, random_state=0)
GRID = {"C": [0.01, 0.1, 1, 10, 100], "tol": [1e-4, 1e-2], "fit_intercept": [True, False]}


def _cv_params(search):
    return [{k: (type(v), v) for k, v in p.items()} for p in search.cv_results_["params"]]


@pytest.fixture(autouse=True)
def _quiet():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        yield


def test_grid_strategy_matches_gridsearchcv_on_numeric_lists():
    grid = dict(GRID, C=[10, 0.01, 1, np.float64(0.1)])  # unsorted, with a numpy float
    est = LogisticRegression(max_iter=200)
    ours = ScaledSearchCV(est, param_grid=grid, strategy="grid", cv=CV).fit(X, y)
    theirs = GridSearchCV(est, grid, cv=CV).fit(X, y)
    assert _cv_params(ours) == _cv_params(theirs)
    np.testing.assert_allclose(
        ours.cv_results_["mean_test_score"], theirs.cv_results_["mean_test_score"]
    )
    assert ours.best_params_ == theirs.best_params_
    assert isinstance(ours.search_space_.subspaces[0].dims["C"], Ordinal)


def test_random_strategy_samples_all_list_space_without_replacement_like_sklearn():
    est = LogisticRegression(max_iter=200)
    ours = ScaledSearchCV(est, GRID, strategy="random", n_iter=12, cv=CV, random_state=3)
    theirs = RandomizedSearchCV(est, GRID, n_iter=12, cv=CV, random_state=3)
    ours.fit(X, y)
    theirs.fit(X, y)
    assert _cv_params(ours) == _cv_params(theirs)
    assert len({tuple(sorted(p.items())) for p in ours.cv_results_["params"]}) == 12


def test_random_strategy_with_a_distribution_draws_lists_like_sklearn():
    from scipy.stats import uniform

    space = {"C": [0.01, 0.1, 1, 10, 100], "tol": uniform(1e-4, 1e-2)}
    est = LogisticRegression(max_iter=200)
    ours = ScaledSearchCV(est, space, strategy="random", n_iter=6, cv=CV, random_state=0)
    theirs = RandomizedSearchCV(est, space, n_iter=6, cv=CV, random_state=0)
    ours, theirs = ours.fit(X, y).cv_results_["params"], theirs.fit(X, y).cv_results_["params"]
    assert [(type(p["C"]), p["C"]) for p in ours] == [(type(p["C"]), p["C"]) for p in theirs]
    assert [p["tol"] for p in ours] == pytest.approx([p["tol"] for p in theirs])


def test_bayesian_search_on_numeric_lists_returns_listed_values():
    grid = {"C": [1e-4, 1e-3, 1e-2, 0.1, 1, 10, 100], "tol": [1e-4, 1e-3, 1e-2]}
    search = ScaledSearchCV(
        LogisticRegression(max_iter=200),
        grid,
        strategy="bayesian",
        n_iter=10,
        cv=CV,
        random_state=0,
    ).fit(X, y)
    params = search.cv_results_["params"]
    assert len(params) == 10
    assert len({tuple(sorted(p.items())) for p in params}) == 10  # no candidate twice
    for p in params:
        assert any(p["C"] is v for v in grid["C"]) and any(p["tol"] is v for v in grid["tol"])
    assert set(search.warping_) == {"C", "tol"}  # ordinal columns are warped
    assert search.best_params_["C"] in grid["C"]
    assert search.best_score_ >= 0.9
    assert "Ordinal([0.0001, 0.001, 0.01, 0.1, 1, 10, 100], scaling='log')" in repr(
        search.search_space_
    )


def test_bayesian_search_exhausts_a_small_ordinal_grid():
    search = ScaledSearchCV(
        LogisticRegression(max_iter=200),
        {"C": [0.01, 0.1, 1, 10]},
        strategy="bayesian",
        n_iter=10,
        cv=CV,
        random_state=0,
    ).fit(X, y)
    assert sorted(p["C"] for p in search.cv_results_["params"]) == [0.01, 0.1, 1, 10]


def test_warm_start_keeps_rows_of_listed_values():
    est = LogisticRegression(max_iter=200)
    first = ScaledSearchCV(
        est, {"C": [0.01, 0.1, 1, 10]}, strategy="random", n_iter=2, cv=CV, random_state=0
    ).fit(X, y)
    second = ScaledSearchCV(
        est,
        {"C": [0.01, 0.1, 1, 10, 100]},
        strategy="bayesian",
        n_iter=5,
        cv=CV,
        random_state=0,
        warm_start=first,
    ).fit(X, y)
    warm = second.cv_results_["warm_start"]
    assert warm.sum() == 2
    evaluated = [p["C"] for p in second.cv_results_["params"]]
    assert len(set(evaluated)) == 5


def test_plot_evaluations_uses_the_detected_log_axis():
    pytest.importorskip("matplotlib")
    import matplotlib

    matplotlib.use("Agg")
    from skscale.plot import plot_evaluations

    search = ScaledSearchCV(
        LogisticRegression(max_iter=200),
        GRID,
        strategy="random",
        n_iter=6,
        cv=CV,
        random_state=0,
    ).fit(X, y)
    fig = plot_evaluations(search, "C", "tol")
    ax = fig.axes[0]
    assert ax.get_xscale() == "log" and ax.get_yscale() == "log"
    assert "log scale" in ax.get_xlabel()
    low, high = ax.get_xlim()
    assert low < 0.01 and high > 100
    import matplotlib.pyplot as plt

    plt.close(fig)
