"""Synthetic tasks: known test functions dressed as hyperparameter searches.

Each test function is defined on the unit cube. A task names one realistic
hyperparameter per coordinate (learning rate, momentum, depth...) and the
coordinate is the hyperparameter's position in its range *under the scaling
the task declares*: a method that searches log-scaled ranges uniformly in
log space sees the function as designed, one that searches them linearly
sees it squeezed into a corner. Categorical parameters add a fixed offset
per choice (0 for the best one).

A dummy estimator (``SyntheticEstimator``) carries the hyperparameters;
``fit`` does nothing and ``score`` returns minus the function value, so
``ScaledSearchCV.fit`` and every peer run their real code path. The optimum
is known, so results are reported as regret.
"""

from dataclasses import dataclass
from functools import partial

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.model_selection import KFold

from skscale import Categorical, Continuous, Integer

from .base import Task, unit_position

# ---------------------------------------------------------------- test functions
# Each takes u, a (d,) array in [0, 1], and returns the value to minimise.


def branin(u):
    """Branin on [-5, 10] x [0, 15]; three global minima of 0.397887."""
    x1, x2 = -5 + 15 * u[0], 15 * u[1]
    b, c, t = 5.1 / (4 * np.pi**2), 5 / np.pi, 1 / (8 * np.pi)
    return (x2 - b * x1**2 + c * x1 - 6) ** 2 + 10 * (1 - t) * np.cos(x1) + 10


_H_ALPHA = np.array([1.0, 1.2, 3.0, 3.2])
_H_A = np.array([
    [10, 3, 17, 3.5, 1.7, 8],
    [0.05, 10, 17, 0.1, 8, 14],
    [3, 3.5, 1.7, 10, 17, 8],
    [17, 8, 0.05, 10, 0.1, 14],
])
_H_P = 1e-4 * np.array([
    [1312, 1696, 5569, 124, 8283, 5886],
    [2329, 4135, 8307, 3736, 1004, 9991],
    [2348, 1451, 3522, 2883, 3047, 6650],
    [4047, 8828, 8732, 5743, 1091, 381],
])


def hartmann6(u):
    """Hartmann 6-D on [0, 1]^6; minimum -3.32237 near (0.20, 0.15, 0.48, 0.28, 0.31, 0.66)."""
    return -float(_H_ALPHA @ np.exp(-np.sum(_H_A * (u - _H_P) ** 2, axis=1)))


def levy(u):
    """Levy on [-10, 10]^d; minimum 0 at x = 1, i.e. u = 0.55."""
    w = 1 + (-10 + 20 * np.asarray(u) - 1) / 4
    middle = (w[:-1] - 1) ** 2 * (1 + 10 * np.sin(np.pi * w[:-1] + 1) ** 2)
    last = (w[-1] - 1) ** 2 * (1 + np.sin(2 * np.pi * w[-1]) ** 2)
    return float(np.sin(np.pi * w[0]) ** 2 + middle.sum() + last)


def log_rosenbrock(u):
    """log(1 + Rosenbrock) on [-2, 2]^d; minimum 0 at x = 1, i.e. u = 0.75.

    The log keeps the curved valley but tames values of several thousand,
    so averages over replications are not dominated by the worst points.
    """
    x = -2 + 4 * np.asarray(u)
    return float(np.log1p(np.sum(100 * (x[1:] - x[:-1] ** 2) ** 2 + (x[:-1] - 1) ** 2)))


# ------------------------------------------------------------------- problems


@dataclass(frozen=True)
class Problem:
    """A test function with named, ranged coordinates.

    Parameters
    ----------
    function : callable
        ``u -> value`` on the unit cube, minimised.
    numeric : dict
        Name -> skscale range; the i-th entry gives coordinate ``u[i]``.
    offsets : dict
        Categorical name -> {choice: value added to the function}.
    minimum : float
        Smallest attainable value.
    """

    function: object
    numeric: dict
    offsets: dict
    minimum: float

    def value(self, params):
        """The function value at a dict of hyperparameter values."""
        u = np.array([unit_position(r, params[n]) for n, r in self.numeric.items()])
        return float(self.function(u)) + sum(
            table[params[name]] for name, table in self.offsets.items()
        )

    def space(self):
        """Search space: the numeric ranges and one Categorical per offset table."""
        return {
            **self.numeric,
            **{name: Categorical(list(table)) for name, table in self.offsets.items()},
        }


# Integer ranges are chosen so the optimum falls exactly on an integer
# (num_leaves 5, max_depth 12, n_units 128): the known minimum stays attainable.
PROBLEMS = {
    "branin-2d": Problem(
        branin,
        {
            "C": Continuous(1e-2, 1e4, scaling="log"),
            "gamma": Continuous(1e-5, 1.0, scaling="log"),
        },
        {},
        0.397887357729739,
    ),
    "hartmann-6d": Problem(
        hartmann6,
        {
            "learning_rate": Continuous(1e-5, 1e-1, scaling="log"),
            "num_leaves": Integer(2, 22, scaling="linear"),
            "momentum": Continuous(0.5, 0.999, scaling="reverse_log"),
            "weight_decay": Continuous(1e-8, 1e-2, scaling="log"),
            "dropout": Continuous(0.0, 0.5, scaling="linear"),
            "beta2": Continuous(0.9, 0.9999, scaling="reverse_log"),
        },
        {},
        -3.32236801141551,
    ),
    "levy-6d": Problem(
        levy,
        {
            "learning_rate": Continuous(1e-4, 1.0, scaling="log"),
            "max_depth": Integer(1, 21, scaling="linear"),
            "subsample": Continuous(0.1, 1.0, scaling="linear"),
            "reg_lambda": Continuous(1e-6, 1e2, scaling="log"),
            "beta1": Continuous(0.0, 0.999, scaling="reverse_log"),
        },
        {"booster": {"gbtree": 0.0, "dart": 2.0, "gblinear": 8.0}},
        0.0,
    ),
    "rosenbrock-5d": Problem(
        log_rosenbrock,
        {
            "learning_rate": Continuous(1e-5, 1.0, scaling="log"),
            "momentum": Continuous(0.0, 0.9999, scaling="reverse_log"),
            "n_units": Integer(2, 512, scaling="log"),
            "weight_decay": Continuous(1e-7, 1e-1, scaling="log"),
        },
        {"activation": {"relu": 0.0, "tanh": 0.5, "logistic": 1.5}},
        0.0,
    ),
}


class SyntheticEstimator(BaseEstimator):
    """A stand-in estimator whose score is minus a known test function.

    Parameters
    ----------
    problem : str
        Key of ``PROBLEMS``.
    **hyperparams
        The problem's hyperparameters. The parameter set depends on the
        problem, hence ``**`` and the ``get_params`` override.
    """

    def __init__(self, problem="branin-2d", **hyperparams):
        self.problem = problem
        for name, value in hyperparams.items():
            setattr(self, name, value)

    def get_params(self, deep=True):
        names = PROBLEMS[self.problem].space()
        return {"problem": self.problem, **{n: getattr(self, n, None) for n in names}}

    def fit(self, X, y=None):
        """Learn nothing."""
        return self

    def score(self, X, y=None):
        """Minus the test function at the current hyperparameters."""
        params = self.get_params()
        return -PROBLEMS[self.problem].value(params)


# Four identical rows and two folds: each candidate costs two trivial fits.
_X, _Y = np.zeros((4, 1)), np.array([0, 1, 0, 1])


def _data():
    return _X, _Y


def synthetic_tasks():
    """The synthetic tasks, by name."""
    return {
        name: Task(
            name=name,
            suite="synthetic",
            make_estimator=partial(SyntheticEstimator, problem=name),
            space=problem.space(),
            load_data=_data,
            cv=KFold(n_splits=2),
            optimum=-problem.minimum,
        )
        for name, problem in PROBLEMS.items()
    }
