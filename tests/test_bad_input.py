"""Bad input fails early with a message that names the parameter and what is allowed."""

import numpy as np
import pytest
from sklearn.svm import SVC

from skscale import BayesianOptimizer, Categorical, Continuous, Integer, ScaledSearchCV

X = np.random.RandomState(0).normal(size=(30, 2))
y = np.arange(30) % 2


@pytest.mark.parametrize(
    "build, error, message",
    [
        (lambda: Continuous(1.0, 1.0), ValueError, r"low must be less than high"),
        (lambda: Continuous(2.0, 1.0), ValueError, r"low must be less than high.*low=2.0"),
        (lambda: Continuous(np.nan, 1.0), ValueError, r"low must be finite"),
        (lambda: Continuous(0.0, np.inf), ValueError, r"high must be finite"),
        (lambda: Continuous("0", 1.0), TypeError, r"low must be a real number, got str"),
        (lambda: Continuous(0.0, None), TypeError, r"high must be a real number"),
        (lambda: Continuous(True, 2.0), TypeError, r"low must be a real number, got bool"),
        (lambda: Continuous(0.0, 1.0, "log"), ValueError, r"scaling='log' needs low > 0"),
        (lambda: Continuous(-1.0, 1.0, "log"), ValueError, r"scaling='log' needs low > 0"),
        (lambda: Integer(0, 10, "log"), ValueError, r"Integer: scaling='log' needs low > 0"),
        (lambda: Continuous(0.5, 1.0, "reverse_log"), ValueError, r"0 <= low < high < 1"),
        (lambda: Continuous(-0.5, 0.9, "reverse_log"), ValueError, r"0 <= low < high < 1"),
        (lambda: Integer(0, 5, "reverse_log"), ValueError, r"for Continuous ranges only"),
        (lambda: Continuous(0.0, 1.0, "cubic"), ValueError, r"scaling must be one of"),
        (lambda: Continuous(0.0, 1.0, 2), TypeError, r"scaling must be a str"),
        (lambda: Integer(0.5, 10), ValueError, r"Integer: bounds must be integers"),
        (lambda: Categorical([]), ValueError, r"Categorical: values must not be empty"),
        (lambda: Categorical("abc"), TypeError, r"Categorical: values must be a list"),
        (lambda: Categorical(3), TypeError, r"Categorical: values must be a list"),
    ],
)
def test_range_rejects(build, error, message):
    with pytest.raises(error, match=message):
        build()


def search(**kwargs):
    options = dict(
        estimator=SVC(),
        param_distributions={"C": Continuous(1e-2, 1e2)},
        strategy="random",
        n_iter=2,
        cv=2,
    )
    options.update(kwargs)
    return ScaledSearchCV(**options)


@pytest.mark.parametrize(
    "kwargs, error, message",
    [
        (dict(strategy="hyperband"), ValueError, r"'strategy' parameter .* must be a str among"),
        (dict(strategy=None), TypeError, r"'strategy' parameter"),
        (dict(n_iter=0), ValueError, r"'n_iter' parameter .* range \[1, inf\)"),
        (dict(n_iter=2.5), TypeError, r"'n_iter' parameter .* must be an int"),
        (dict(param_distributions="C"), TypeError, r"'param_distributions' parameter"),
        (dict(param_distributions=[]), ValueError, r"param_distributions is an empty list"),
        (
            dict(param_distributions=[{"C": [1]}, 3]),
            TypeError,
            r"param_distributions\[1\] must be a dict",
        ),
        (
            dict(param_distributions={"C": []}),
            ValueError,
            r"param_distributions\['C'\] is an empty list",
        ),
        (
            dict(param_distributions={"C": "rbf"}),
            TypeError,
            r"param_distributions\['C'\] must be a range",
        ),
        (
            dict(param_distributions={"C": 1.0}),
            TypeError,
            r"wrapped in a list with one element. For example: \[1.0\]",
        ),
        (dict(param_distributions={1: [1.0]}), TypeError, r"keys must be parameter names"),
        (
            dict(param_distributions={"Cee": [1.0]}),
            ValueError,
            r"'Cee', which is not a parameter of SVC",
        ),
        (dict(batch_size=0), ValueError, r"'batch_size' parameter"),
        (dict(grid_points=0), ValueError, r"'grid_points' parameter"),
        (dict(grid_points={"C": 0}), ValueError, r"grid_points\['C'\] must be an int >= 1"),
        (dict(random_state="seed"), ValueError, r"'random_state' parameter"),
        (dict(max_time=0), ValueError, r"'max_time' parameter .* range \(0.0, inf\)"),
        (dict(max_time=-5.0), ValueError, r"'max_time' parameter"),
        (dict(max_time="1h"), TypeError, r"'max_time' parameter"),
        (dict(patience=0), ValueError, r"'patience' parameter .* range \[1, inf\)"),
        (dict(patience=2.5), TypeError, r"'patience' parameter"),
        (dict(target_score="high"), TypeError, r"'target_score' parameter"),
        (dict(warm_start="yes"), TypeError, r"'warm_start' parameter"),
        (dict(warm_start=3), TypeError, r"'warm_start' parameter"),
        (dict(warm_start={"params": []}), ValueError, r"warm_start must hold cv_results_"),
        (dict(warm_start={"mean_test_score": [1.0]}), ValueError, r"warm_start must hold"),
        (dict(warm_start=SVC()), TypeError, r"warm_start must be a bool, a fitted search"),
        (
            dict(strategy="grid", param_distributions={"C": Continuous(1e-2, 1e2)}, n_iter=0),
            ValueError,
            r"'n_iter' parameter",
        ),
        (dict(param_distributions=({"C": [1.0]},)), TypeError, r"'param_distributions' parameter"),
        (dict(param_distributions={"C": None}), TypeError, r"param_distributions\['C'\] must be"),
        (dict(param_distributions={"C": object()}), TypeError, r"param_distributions\['C'\]"),
        (
            dict(param_distributions={"C": np.ones((3, 2))}),
            ValueError,
            r"param_distributions\['C'\] must be one-dimensional.*shape \(3, 2\)",
        ),
        (dict(param_distributions=None), ValueError, r"param_distributions is required"),
        (
            dict(param_grid={"C": [1.0]}),
            ValueError,
            r"param_distributions or its alias param_grid, not both",
        ),
        (dict(param_grid="C"), TypeError, r"'param_grid' parameter"),
        (dict(batch_size="all"), ValueError, r"'batch_size' parameter .* \{'auto'\}"),
        (
            dict(param_distributions=[{"C": [1.0]}, {"gamma": []}]),
            ValueError,
            r"param_distributions\[1\]\['gamma'\] is an empty list",
        ),
        (dict(param_distributions={"svc__C": [1.0]}), ValueError, r"'svc__C', which is not"),
        (dict(scoring="not-a-metric"), ValueError, r"'scoring' parameter"),
        (dict(n_jobs="all"), TypeError, r"'n_jobs' parameter"),
    ],
)
def test_search_rejects_at_fit(kwargs, error, message):
    estimator = search(**kwargs)  # __init__ only stores the arguments
    with pytest.raises(error, match=message):
        estimator.fit(X, y)


@pytest.mark.parametrize(
    "call, error, message",
    [
        (
            lambda: BayesianOptimizer({"x": Continuous(0, 1)}, n_iter=0),
            ValueError,
            r"n_iter must be an int >= 1",
        ),
        (
            lambda: BayesianOptimizer({"x": Continuous(0, 1)}, n_iter="10"),
            TypeError,
            r"n_iter must be an int >= 1, got str",
        ),
        (lambda: BayesianOptimizer({}), ValueError, r"param_distributions is empty"),
        (lambda: BayesianOptimizer("x"), TypeError, r"param_distributions must be a dict"),
        (
            lambda: BayesianOptimizer({"x": Continuous(0, 1)}).ask(0),
            ValueError,
            r"n must be an int >= 1",
        ),
        (
            lambda: BayesianOptimizer({"x": stats_norm()}),
            ValueError,
            r"strategy='bayesian' needs bounded",
        ),
    ],
)
def test_optimizer_rejects(call, error, message):
    with pytest.raises(error, match=message):
        call()


def stats_norm():
    from scipy import stats

    return stats.norm()


def test_bad_inputs_are_many():
    # The issue asks for at least 40 bad inputs across the public API.
    n_cases = sum(
        len(next(m.args[1] for m in t.pytestmark if m.name == "parametrize"))
        for t in (test_range_rejects, test_search_rejects_at_fit, test_optimizer_rejects)
    )
    assert n_cases >= 40


def test_grid_needs_bounded_distributions():
    from scipy import stats

    with pytest.raises(ValueError, match=r"strategy='grid' needs bounded .*'C'"):
        search(strategy="grid", param_distributions={"C": stats.expon()}).fit(X, y)
