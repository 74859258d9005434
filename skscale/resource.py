"""The resource of a multi-fidelity search: what is cut down, and by how much.

A resource is either ``"n_samples"`` (each training fold is subsampled; test
folds stay whole, so scores at every level are comparable) or an integer
estimator parameter (``"n_estimators"``, ``"max_iter"``, ``"clf__max_iter"``)
set in every candidate's parameters. :func:`resolve_resource` checks the
search's arguments against the estimator and the data, and returns a
:class:`Resource` that knows the levels and how to evaluate at each.
"""

import math
import numbers

import numpy as np
from sklearn.base import is_classifier
from sklearn.model_selection import check_cv

from .fidelity import resource_levels

# "auto" min_resource: at most this many halvings below max_resource, so a
# search has four levels (27x apart with the default factor 3).
AUTO_DEPTH = 3
# "auto" min_resource for n_samples: at least this many training samples,
# and at least this many per class for a classifier.
MIN_SAMPLES = 20
MIN_SAMPLES_PER_CLASS = 5


def _check_bound(value, name):
    if isinstance(value, str) and value == "auto":
        return None
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be 'auto' or an int >= 1, got {value!r}.")
    if value < 1:
        raise ValueError(f"{name} must be 'auto' or an int >= 1, got {value!r}.")
    return int(value)


def fixed_splits(cv, X, y, groups):
    """The splits of ``cv``, checked to be the same on every call.

    A multi-fidelity search compares a configuration's scores across levels
    and rounds, which only means something on the same folds.
    """
    first = list(cv.split(X, y, groups))
    second = list(cv.split(X, y, groups))
    same = len(first) == len(second) and all(
        np.array_equal(a[0], b[0]) and np.array_equal(a[1], b[1])
        for a, b in zip(first, second, strict=True)
    )
    if not same:
        raise ValueError(
            "cv must give the same splits on every call for a search with a resource: "
            "scores at different resource levels are compared fold by fold. Use an int, "
            "a splitter with shuffle=False, or one with a fixed random_state."
        )
    return first


class SubsampledCV:
    """Fixed cross-validation splits with each training fold cut to ``n`` samples.

    The samples kept are a prefix of one fixed order per fold, so a smaller
    level's training set is part of every larger one's, and the same
    ``random_state`` gives the same subsets. For a classifier the order
    interleaves the classes, so every prefix keeps the class proportions.

    Parameters
    ----------
    orders : list of ndarray
        Per fold, the training indices in the order they are kept.
    tests : list of ndarray
        Per fold, the test indices (never cut).
    n : int
        Training samples kept per fold.
    """

    def __init__(self, orders, tests, n):
        self.orders = orders
        self.tests = tests
        self.n = n

    def split(self, X=None, y=None, groups=None):
        for order, test in zip(self.orders, self.tests, strict=True):
            yield order[: self.n], test

    def get_n_splits(self, X=None, y=None, groups=None):
        return len(self.tests)


def _stratified_order(train, y, rng):
    """``train`` shuffled so that every prefix holds each class in proportion."""
    labels = np.asarray(y)[train]
    _, codes = np.unique(labels, return_inverse=True)
    # Position of each sample within its class, as a fraction of the class:
    # sorting on it deals the classes out like cards.
    key = np.empty(len(train))
    for c in np.unique(codes):
        members = np.flatnonzero(codes == c)
        members = members[rng.permutation(len(members))]
        key[members] = (np.arange(len(members)) + rng.uniform(size=len(members))) / len(members)
    return np.asarray(train)[np.argsort(key, kind="stable")]


class Resource:
    """Resolved resource: its levels and how a candidate is evaluated at each.

    Attributes
    ----------
    name : str
        ``"n_samples"`` or the estimator parameter.
    levels : list of int
        Increasing resource levels, the last one ``max_resource``.
    """

    def __init__(self, name, levels, sample_orders=None, tests=None):
        self.name = name
        self.levels = levels
        self._orders = sample_orders
        self._tests = tests

    @property
    def max_resource(self):
        return self.levels[-1]

    def candidate(self, config, level):
        """Parameters to evaluate ``config`` at resource ``level``."""
        if self.name == "n_samples":
            return dict(config)
        return {**config, self.name: level}

    def config(self, params):
        """The configuration of a candidate: its parameters without the resource."""
        return {k: v for k, v in params.items() if k != self.name}

    def cv(self, level):
        """The ``cv`` to evaluate at ``level``; None means the search's own."""
        if self.name != "n_samples":
            return None
        return SubsampledCV(self._orders, self._tests, level)


def resolve_resource(search, space, X, y, groups, random_state):
    """Check a search's resource arguments and resolve its levels.

    Parameters
    ----------
    search : ScaledSearchCV
        Its ``resource``, ``min_resource``, ``max_resource``,
        ``reduction_factor``, ``estimator``, ``cv`` and ``random_state``.
    space : SearchSpace
    X, y, groups
        The data of ``fit``.
    random_state : RandomState
        The search's generator (orders the subsamples of ``"n_samples"``).

    Returns
    -------
    resource : Resource
    """
    name = search.resource
    factor = search.reduction_factor
    low = _check_bound(search.min_resource, "min_resource")
    high = _check_bound(search.max_resource, "max_resource")
    searched = {n for sub in space.subspaces for n in sub.dims}
    if name in searched:
        raise ValueError(
            f"resource={name!r} is also searched in param_distributions; the search sets "
            "the resource itself. Remove it from param_distributions, or set resource=None."
        )
    cv = check_cv(search.cv, y, classifier=is_classifier(search.estimator))
    splits = fixed_splits(cv, X, y, groups)
    orders = tests = None
    if name == "n_samples":
        smallest_fold = min(len(train) for train, _ in splits)
        if high is None:
            high = smallest_fold
        elif high > smallest_fold:
            raise ValueError(
                f"max_resource={high} is more than the smallest training fold "
                f"({smallest_fold} samples) for resource='n_samples'."
            )
        floor = MIN_SAMPLES
        if is_classifier(search.estimator) and y is not None:
            floor = max(floor, MIN_SAMPLES_PER_CLASS * len(np.unique(y)))
        rng = np.random.RandomState(random_state.randint(2**31 - 1))
        if is_classifier(search.estimator) and y is not None:
            orders = [_stratified_order(train, y, rng) for train, _ in splits]
        else:
            orders = [np.asarray(train)[rng.permutation(len(train))] for train, _ in splits]
        tests = [test for _, test in splits]
    else:
        params = search.estimator.get_params(deep=True)
        if name not in params:
            raise ValueError(
                f"resource={name!r} is neither 'n_samples' nor a parameter of "
                f"{type(search.estimator).__name__}. Valid parameters are: "
                f"{', '.join(sorted(params))}."
            )
        value = params[name]
        is_int = isinstance(value, numbers.Integral) and not isinstance(value, bool)
        if not is_int and not (value is None and high is not None):
            raise ValueError(
                f"resource={name!r} must be an integer parameter, but the estimator's "
                f"{name} is {value!r}. Set it to the full resource, or give max_resource."
            )
        if high is None:
            high = int(value)
            if high < 1:
                raise ValueError(
                    f"resource={name!r}: the estimator's {name} is {value}, not >= 1."
                )
        floor = 1
    auto_low = low is None
    if auto_low:
        low = max(floor, high / factor**AUTO_DEPTH)
    if low > high:
        if auto_low and name == "n_samples":
            raise ValueError(
                f"The training folds ({high} samples) are too small for "
                f"resource='n_samples': min_resource='auto' needs at least {low:g} "
                "samples (20, and 5 per class for a classifier). Give a smaller "
                "min_resource, more data, or use resource=None."
            )
        raise ValueError(f"min_resource={low:g} is more than max_resource={high}.")
    levels = resource_levels(low, high, factor)
    if len(levels) < 2:
        what = (
            f"the training folds ({high} samples) are too small for resource='n_samples'"
            if name == "n_samples" and search.max_resource == "auto"
            else f"min_resource={low:g} and max_resource={high} are too close"
        )
        raise ValueError(
            f"{what}: with reduction_factor={factor} there is a single resource level "
            f"(max_resource must be at least min_resource * reduction_factor = "
            f"{math.ceil(low * factor)}). Lower min_resource, or use resource=None."
        )
    return Resource(name, levels, orders, tests)
