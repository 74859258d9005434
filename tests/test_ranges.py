"""Range objects: scaling maps, the auto rule, sampling, equality, pickling."""

import pickle

import numpy as np
import pytest
from scipy import stats
from sklearn.model_selection import RandomizedSearchCV
from sklearn.svm import SVC

from skscale import Categorical, Continuous, Integer


@pytest.mark.parametrize(
    "low, high, expected",
    [
        (1e-4, 1.0, "log"),
        (1.0, 10.0, "linear"),  # exactly one decade: not more than 10
        (1.0, 10.1, "log"),
        (0.0, 1000.0, "linear"),  # never log when low is 0
        (0.9, 0.999, "reverse_log"),
        (0.0, 0.99, "reverse_log"),
        (1e-3, 0.999, "linear"),  # both rules hold
        (0.1, 0.5, "linear"),
        (-5.0, 5.0, "linear"),
    ],
)
def test_auto_rule_continuous(low, high, expected):
    assert Continuous(low, high).scaling == expected
    assert f"scaling={expected!r}" in repr(Continuous(low, high))


def test_auto_rule_integer_never_reverse_log():
    assert Integer(1, 1000).scaling == "log"
    assert Integer(0, 1000).scaling == "linear"
    assert Integer(1, 5).scaling == "linear"


@pytest.mark.parametrize(
    "spelling, name",
    [
        ("Linear", "linear"),
        ("Logarithmic", "log"),
        ("LOG", "log"),
        ("ReverseLogarithmic", "reverse_log"),
        ("reverse-log", "reverse_log"),
        ("reverselogarithmic", "reverse_log"),
    ],
)
def test_cloud_spellings(spelling, name):
    assert Continuous(0.5, 0.9, scaling=spelling).scaling == name


def test_auto_spelling():
    assert Continuous(1e-3, 1.0, scaling="Auto").scaling == "log"


RANGES = [
    Continuous(-3.0, 7.0, "linear"),
    Continuous(1e-5, 1e2, "log"),
    Continuous(0.5, 0.9999, "reverse_log"),
    Continuous(0.0, 0.999, "reverse_log"),
]


@pytest.mark.parametrize("rng_", RANGES, ids=repr)
def test_continuous_round_trip_monotone_exact_ends(rng_):
    u = np.linspace(0, 1, 1001)
    values = rng_.from_unit(u)
    assert values[0] == rng_.low and values[-1] == rng_.high
    assert np.all(np.diff(values) > 0)
    np.testing.assert_allclose(rng_.to_unit(values), u, atol=1e-9)
    assert rng_.to_unit(rng_.low) == pytest.approx(0) and rng_.to_unit(rng_.high) == 1
    assert isinstance(rng_.from_unit(0.3), float)


def test_continuous_from_unit_clips_outside():
    r = Continuous(1e-3, 1.0, "log")
    assert r.from_unit(-0.5) == 1e-3 and r.from_unit(2.0) == 1.0


def test_reverse_log_crowds_toward_one():
    grid = Continuous(0.0, 0.999, "reverse_log").grid(4)
    np.testing.assert_allclose(grid, [0.0, 0.9, 0.99, 0.999], atol=1e-12)


def test_log_grid_is_geometric():
    np.testing.assert_allclose(Continuous(1e-3, 1e3, "log").grid(7), 10.0 ** np.arange(-3, 4))


@pytest.mark.parametrize("scaling", ["linear", "log"])
def test_integer_every_value_reachable_with_fair_probability(scaling):
    r = Integer(1, 8, scaling)
    draws = r.rvs(size=40_000, random_state=0)
    assert draws.dtype == np.int64
    counts = np.bincount(draws, minlength=9)[1:]
    assert counts.min() > 0
    # Expected frequency of k: the scaled width of its cell [k - 0.5, k + 0.5].
    f = np.log if scaling == "log" else (lambda x: x)
    edges = f(np.arange(0.5, 9.0))
    expected = np.diff(edges) / (edges[-1] - edges[0]) * len(draws)
    assert stats.chisquare(counts, expected).pvalue > 1e-3


def test_integer_round_trip_and_ends():
    r = Integer(2, 500, "log")
    assert r.from_unit(0.0) == 2 and r.from_unit(1.0) == 500
    ks = np.arange(2, 501)
    np.testing.assert_array_equal(r.from_unit(r.to_unit(ks)), ks)
    assert np.all(np.diff(r.to_unit(ks)) > 0)
    assert isinstance(r.from_unit(0.5), int)


def test_integer_grid_distinct_and_within():
    grid = Integer(1, 100, "log").grid(5)
    assert grid == sorted(set(grid)) and grid[0] == 1 and grid[-1] == 100
    assert Integer(1, 3, "linear").grid(10) == [1, 2, 3]


def test_continuous_log_sampling_is_uniform_in_log():
    r = Continuous(1e-4, 1e2, "log")
    draws = r.rvs(size=20_000, random_state=1)
    assert draws.min() >= 1e-4 and draws.max() <= 1e2
    u = (np.log(draws) - np.log(1e-4)) / (np.log(1e2) - np.log(1e-4))
    assert stats.kstest(u, "uniform").pvalue > 1e-3


def test_reverse_log_sampling_is_uniform_in_log_one_minus():
    r = Continuous(0.9, 0.9999, "reverse_log")
    draws = r.rvs(size=20_000, random_state=2)
    assert draws.min() >= 0.9 and draws.max() <= 0.9999
    u = (np.log(0.1) - np.log1p(-draws)) / (np.log(0.1) - np.log(1e-4))
    assert stats.kstest(u, "uniform").pvalue > 1e-3


def test_rvs_scalar_types_and_determinism():
    assert isinstance(Continuous(0, 1).rvs(random_state=0), float)
    assert isinstance(Integer(0, 10).rvs(random_state=0), int)
    assert Continuous(0, 1).rvs(random_state=3) == Continuous(0, 1).rvs(random_state=3)


def test_categorical_values_unchanged():
    svc = SVC()
    c = Categorical(["a", None, True, 3, svc])
    draws = c.rvs(size=200, random_state=0)
    assert {id(v) for v in draws} <= {id(v) for v in c.values}
    assert c.rvs(random_state=0) in c.values
    assert svc in c and None in c and 1 not in c  # True is not the choice 1
    assert c.index(True) == 2 and c.index(3) == 3


def test_categorical_sampling_uniform():
    draws = Categorical(["x", "y", "z"]).rvs(size=30_000, random_state=0)
    counts = [np.sum(draws == v) for v in "xyz"]
    assert stats.chisquare(counts).pvalue > 1e-3


def test_equality_hash_and_pickle():
    assert Continuous(1e-3, 1.0) == Continuous(1e-3, 1.0, "log")
    assert Continuous(1e-3, 1.0) != Continuous(1e-3, 1.0, "linear")
    assert Integer(1, 5) != Continuous(1, 5)
    assert Categorical([1, 2]) == Categorical((1, 2))
    assert len({Continuous(0, 1), Continuous(0, 1)}) == 1
    for r in [Continuous(1e-3, 1.0), Integer(1, 100), Categorical(["a", None])]:
        assert pickle.loads(pickle.dumps(r)) == r


def test_ranges_work_inside_sklearn_randomized_search():
    from sklearn.datasets import load_iris

    X, y = load_iris(return_X_y=True)
    search = RandomizedSearchCV(
        SVC(),
        {"C": Continuous(1e-2, 1e2), "kernel": Categorical(["rbf", "linear"])},
        n_iter=5,
        cv=3,
        random_state=0,
    ).fit(X, y)
    for params in search.cv_results_["params"]:
        assert 1e-2 <= params["C"] <= 1e2 and params["kernel"] in ("rbf", "linear")
