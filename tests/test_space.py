"""The search space: resolving param_distributions, sampling, grids, encoding."""

import numpy as np
import pytest
from scipy import stats
from sklearn.base import BaseEstimator
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC

from skscale import Categorical, Continuous, Integer, SearchSpace


def test_lists_and_scipy_distributions_resolve_to_ranges():
    space = SearchSpace(
        {
            "a": stats.loguniform(1e-3, 1e2),
            "b": stats.uniform(2, 3),
            "c": stats.randint(1, 10),
            "d": ["x", "y"],
            "e": Continuous(0.9, 0.999),
        }
    )
    dims = space.subspaces[0].dims
    assert dims["a"] == Continuous(1e-3, 1e2, "log")
    assert dims["b"] == Continuous(2.0, 5.0, "linear")
    assert dims["c"] == Integer(1, 9, "linear")
    assert dims["d"] == Categorical(["x", "y"])
    assert dims["e"].scaling == "reverse_log"
    assert "reverse_log" in repr(space)


def test_other_distributions_kept_for_random_only():
    space = SearchSpace({"a": stats.norm(0, 1), "b": stats.loguniform(1, 10, loc=5)})
    assert space.subspaces[0].unbounded() == ["a", "b"]
    with pytest.raises(ValueError, match=r"strategy='grid' needs bounded.*'a'"):
        space.require_bounds("grid")
    candidates = space.sample(5, np.random.RandomState(0))
    assert len(candidates) == 5 and all(6 <= c["b"] <= 15 for c in candidates)


def test_sample_is_deterministic_and_within_bounds():
    space = SearchSpace({"C": Continuous(1e-3, 1e3), "k": Integer(1, 50), "m": ["a", "b"]})
    first = space.sample(50, np.random.RandomState(7))
    assert first == space.sample(50, np.random.RandomState(7))
    for c in first:
        assert 1e-3 <= c["C"] <= 1e3 and 1 <= c["k"] <= 50 and c["m"] in ("a", "b")
        assert isinstance(c["k"], int)


def test_finite_space_sampled_without_replacement():
    space = SearchSpace([{"a": [1, 2, 3]}, {"b": ["x", "y"]}])
    candidates = space.sample(5, np.random.RandomState(0))
    assert sorted(map(str, candidates)) == sorted(
        map(str, [{"a": 1}, {"a": 2}, {"a": 3}, {"b": "x"}, {"b": "y"}])
    )
    with pytest.warns(UserWarning, match="only 5 candidates"):
        assert len(space.sample(9, np.random.RandomState(0))) == 5


def test_subspaces_picked_uniformly():
    space = SearchSpace([{"a": Continuous(0, 1)}, {"b": Continuous(0, 1)}])
    candidates = space.sample(2000, np.random.RandomState(0))
    share = np.mean(["a" in c for c in candidates])
    assert 0.45 < share < 0.55


@pytest.mark.parametrize(
    "space",
    [
        {
            "C": stats.loguniform(1e-3, 1e3),
            "tol": stats.uniform(1e-4, 1e-2),
            "degree": stats.randint(1, 5),
            "kernel": ["rbf", "linear"],
            "coef0": [1.0, 0.1, 10.0],  # an ordinal, drawn in the order given
        },
        [
            {"C": stats.loguniform(1e-3, 1e3), "kernel": ["rbf"]},
            {"C": stats.uniform(0.1, 10), "kernel": ["poly"], "degree": stats.randint(2, 5)},
        ],
    ],
    ids=["one dict", "list of dicts"],
)
def test_random_draws_are_scikit_learns(space):
    """With scipy distributions and lists, the candidates are those of
    scikit-learn's ParameterSampler (RandomizedSearchCV) for the same seed."""
    from sklearn.model_selection import ParameterSampler

    for seed in range(3):
        ours = SearchSpace(space).sample(30, np.random.RandomState(seed))
        assert ours == list(ParameterSampler(space, 30, random_state=seed))


def test_grid_budget_rule_and_explicit_points():
    space = SearchSpace({"C": Continuous(1e-2, 1e2), "g": Continuous(1e-3, 1e1), "k": ["a", "b"]})
    auto = space.grid(budget=50)
    assert len(auto) == 2 * 5 * 5  # 5 points per numeric range keep it within 50
    assert sorted({c["C"] for c in auto}) == pytest.approx([1e-2, 1e-1, 1, 10, 100])
    assert len(space.grid(budget=50, grid_points=3)) == 2 * 3 * 3
    assert len(space.grid(budget=50, grid_points={"C": 4})) == 2 * 4 * 6  # 6 = floor(50/8)
    assert len(space.grid(budget=1)) == 2 * 2 * 2  # at least two points per range


def test_encode_decode_round_trip_and_one_hot():
    sub = SearchSpace(
        {"C": Continuous(1e-2, 1e2), "n": Integer(1, 30), "k": ["a", "b", "c"], "fixed": [7]}
    ).subspaces[0]
    assert sub.modelled == ["C", "k", "n"] and sub.n_columns == 5
    np.testing.assert_array_equal(sub.warp_mask, [True, False, False, False, True])
    params = {"C": 1.0, "n": 4, "k": "c", "fixed": 7}
    u = sub.encode(params)
    np.testing.assert_allclose(u[:4], [0.5, 0, 0, 1])
    decoded = sub.decode(u)
    assert decoded["k"] == "c" and decoded["n"] == 4 and decoded["fixed"] == 7
    assert decoded["C"] == pytest.approx(1.0)


def test_project_snaps_integers_and_one_hot():
    sub = SearchSpace({"n": Integer(1, 5, "linear"), "k": ["a", "b"]}).subspaces[0]
    U = sub.project([[0.2, 0.7, 0.33], [0.9, 0.1, 1.2]])
    np.testing.assert_array_equal(U[:, :2], [[0, 1], [1, 0]])
    for u in U[:, 2]:
        assert sub.dims["n"].to_unit(sub.dims["n"].from_unit(u)) == u
    points = sub.random_points(100, np.random.RandomState(0))
    assert np.all(points[:, :2].sum(axis=1) == 1)


def test_contains():
    sub = SearchSpace({"C": Continuous(1, 10), "k": ["a"]}).subspaces[0]
    assert sub.contains({"C": 5.0, "k": "a"})
    assert not sub.contains({"C": 50.0, "k": "a"})
    assert not sub.contains({"C": 5.0})


def test_names_checked_against_estimator_with_swappable_steps():
    pipe = Pipeline([("scale", StandardScaler()), ("clf", LogisticRegression())])
    space = SearchSpace({"clf": [SVC()], "clf__gamma": [1.0], "scale__with_mean": [True]})
    space.check_names(pipe)
    with pytest.raises(ValueError, match=r"'nope', which is not a parameter of Pipeline"):
        SearchSpace({"nope": [1]}).check_names(pipe)


class TolerantEstimator(BaseEstimator):
    """Lists one parameter, but its set_params accepts any name (as some
    third-party estimators do)."""

    def __init__(self, alpha=1.0):
        self.alpha = alpha

    def set_params(self, **params):
        for name, value in params.items():
            setattr(self, name, value)
        return self


def test_names_the_estimator_accepts_are_allowed():
    SearchSpace({"beta": Continuous(1, 10)}).check_names(TolerantEstimator())
    with pytest.raises(ValueError, match=r"'beta', which is not a parameter of Logistic"):
        SearchSpace({"beta": Continuous(1, 10)}).check_names(LogisticRegression())


def test_empty_dict_is_one_default_candidate():
    space = SearchSpace({})
    assert space.size == 1 and space.is_finite
    assert space.grid(10) == [{}]


def test_discrete_options_list_every_valid_encoding():
    space = SearchSpace(
        {
            "c": Continuous(0.1, 1.0),
            "k": Integer(1, 4),
            "wide": Integer(1, 10_000, scaling="log"),
            "o": [0.01, 1, 0.1],
            "cat": Categorical(["a", "b", "c"]),
            "fixed": ["only"],
        }
    ).subspaces[0]
    found = space.discrete_options(limit=16)
    names = [n for n in space.modelled if not isinstance(space.dims[n], Continuous)]
    assert len(found) == len(names) == 4
    by_name = dict(zip(names, found, strict=True))
    cols, values = by_name["cat"]
    assert cols == slice(space.column("cat"), space.column("cat") + 3)
    np.testing.assert_array_equal(values, np.eye(3))
    # Every value of a narrow integer range, at its encoded position.
    _, values = by_name["k"]
    np.testing.assert_allclose(values[:, 0], space.dims["k"].to_unit(np.arange(1, 5)))
    # A wide one: ``limit`` values at most, both ends included.
    _, values = by_name["wide"]
    ends = space.dims["wide"].to_unit(np.array([1, 10_000]))
    assert len(values) <= 16
    np.testing.assert_allclose([values.min(), values.max()], ends)
    # Ordinal: its values' positions on the log axis, in order.
    _, values = by_name["o"]
    np.testing.assert_allclose(values[:, 0], [0.0, 0.5, 1.0])
