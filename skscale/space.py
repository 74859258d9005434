"""The search space: ``param_distributions`` resolved into range objects.

A ``SearchSpace`` is a list of ``Subspace`` objects, one per dict (sklearn
allows a list of dicts). Each subspace maps parameter names (sorted) to a
range object, or to a user distribution with ``rvs`` that only random search
can use. Model-based strategies see a subspace as the unit cube through
``encode``/``decode``:

- a ``Continuous``, ``Integer`` or ``Ordinal`` range is one column, its
  ``to_unit`` value (an ``Ordinal`` snaps to its values' positions);
- a ``Categorical`` with k > 1 choices is k one-hot columns;
- a parameter with a single value is passed through and takes no column.

A plain list of at least two distinct, finite numbers becomes an ``Ordinal``
(ordered values on the scale ``"auto"`` detects); any other list a
``Categorical``.
"""

import itertools
import math
import numbers
import warnings

import numpy as np
from sklearn.base import clone
from sklearn.utils.random import sample_without_replacement

from .ranges import (
    Categorical,
    Continuous,
    Integer,
    Ordinal,
    _Choices,
    _NumericRange,
    _Range,
)

DISCRETE_OPTIONS_LIMIT = 128  # values of a wide integer range tried by discrete searches


def _from_scipy(dist):
    """The range equivalent to a frozen scipy distribution, or None."""
    name = getattr(getattr(dist, "dist", None), "name", None)
    if name not in ("uniform", "loguniform", "reciprocal", "randint"):
        return None
    low, high = (float(b) for b in dist.support())
    if name == "uniform":
        return Continuous(low, high, "linear")
    if name == "randint":
        return Integer(int(low), int(high), "linear") if high > low else None
    # Log-uniform only when it is not shifted by loc: its median is then the
    # geometric mean of the bounds.
    if low > 0 and math.isclose(dist.median(), math.sqrt(low * high), rel_tol=1e-9):
        return Continuous(low, high, "log")
    return None


def _as_dimension(where, name, value):
    """Resolve one value of ``param_distributions`` into a range or a sampler.

    The messages for lists contain scikit-learn's ``ParameterGrid`` wording,
    which code ported from ``GridSearchCV`` may match on.
    """
    if isinstance(value, _Range):
        return value
    if hasattr(value, "rvs"):
        return _from_scipy(value) or value
    if isinstance(value, (str, bytes)) or not hasattr(value, "__iter__"):
        raise TypeError(
            f"{where} must be a range (Continuous, Integer, Ordinal, Categorical), a list "
            "of choices or a distribution with an rvs method. Parameter grid for "
            f"parameter {name!r} needs to be a list or a numpy array, but got {value!r} "
            f"(of type {type(value).__name__}) instead. Single values need to be "
            f"wrapped in a list with one element. For example: [{value!r}]."
        )
    if isinstance(value, np.ndarray) and value.ndim != 1:
        raise ValueError(
            f"{where} must be one-dimensional: a list of choices. Got an array of "
            f"shape {value.shape}."
        )
    values = list(value)
    if not values:
        raise ValueError(
            f"{where} is an empty list; give at least one choice. (Parameter grid for "
            f"parameter {name!r} need to be a non-empty sequence, got: {value})"
        )
    return _as_choices(values)


def _as_choices(values):
    """An ``Ordinal`` when a list of choices is at least two values that an
    ``Ordinal`` accepts (distinct finite reals, not bools); else a ``Categorical``.

    ``Ordinal`` itself is the one judge of what it accepts.
    """
    if len(values) >= 2:
        try:
            return Ordinal(values)
        except (TypeError, ValueError):
            pass
    return Categorical(values)


class Subspace:
    """One dict of ``param_distributions``, resolved.

    Parameters
    ----------
    dims : dict
        Parameter name to range object or distribution with ``rvs``.
    samplers : dict, optional
        Parameter name to the scipy distribution a range of ``dims`` was
        made from: random search draws from it as given, so that its
        candidates are those of scikit-learn's ``ParameterSampler``.

    Attributes
    ----------
    dims : dict
        The same, with names sorted.
    samplers : dict
        The same (empty when None was given).
    modelled : list of str
        Names of the parameters that take columns in the unit cube.
    n_columns : int
        Width of the encoded unit cube.
    warp_mask : ndarray of bool, shape (n_columns,)
        True on numeric columns (the ones a model may warp).
    column_parameter : ndarray of int, shape (n_columns,)
        Index in ``modelled`` of the parameter each column encodes (the
        one-hot columns of a categorical share it).
    """

    def __init__(self, dims, samplers=None):
        self.dims = dict(sorted(dims.items()))
        self.samplers = dict(samplers or {})
        self.modelled = [
            n for n, d in self.dims.items() if not (isinstance(d, _Choices) and len(d) == 1)
        ]
        self._columns = {}
        start = 0
        for name in self.modelled:
            dim = self.dims[name]
            width = len(dim) if isinstance(dim, Categorical) else 1
            self._columns[name] = slice(start, start + width)
            start += width
        self.n_columns = start
        self.column_parameter = np.repeat(
            np.arange(len(self.modelled)),
            [self._columns[n].stop - self._columns[n].start for n in self.modelled],
        )
        self.warp_mask = np.zeros(self.n_columns, dtype=bool)
        for name in self.modelled:
            if isinstance(self.dims[name], (_NumericRange, Ordinal)):
                self.warp_mask[self._columns[name]] = True

    def __repr__(self):
        return repr(self.dims)

    def __eq__(self, other):
        return isinstance(other, Subspace) and self.dims == other.dims

    __hash__ = None

    @property
    def is_finite(self):
        """True when every parameter is a list of values (Categorical or Ordinal)."""
        return all(isinstance(d, _Choices) for d in self.dims.values())

    @property
    def size(self):
        """Number of distinct candidates (``math.inf`` unless finite)."""
        if not self.is_finite:
            return math.inf
        return math.prod(len(d) for d in self.dims.values())

    def unbounded(self):
        """Names of parameters given as distributions without known bounds."""
        return [n for n, d in self.dims.items() if not isinstance(d, _Range)]

    def sample(self, rng):
        """One candidate drawn from each parameter's distribution."""
        return {
            name: self.samplers.get(name, dim).rvs(random_state=rng)
            for name, dim in self.dims.items()
        }

    def grid(self, points):
        """The Cartesian product of each parameter's grid values.

        Parameters
        ----------
        points : dict
            Number of grid points for each numeric parameter.
        """
        names = list(self.dims)
        axes = [self.dims[n].grid(points.get(n)) for n in names]
        return [dict(zip(names, combo, strict=True)) for combo in itertools.product(*axes)]

    def contains(self, params):
        """True when ``params`` has exactly these names, each value in range."""
        if set(params) != set(self.dims):
            return False
        return all(params[n] in d for n, d in self.dims.items() if isinstance(d, _Range))

    # -- the unit-cube view used by model-based strategies -----------------

    def column(self, name):
        """Index of the first unit-cube column of a modelled parameter."""
        return self._columns[name].start

    def encode(self, params):
        """Candidate dict to a point of the unit cube, shape (n_columns,)."""
        u = np.zeros(self.n_columns)
        for name in self.modelled:
            dim, cols = self.dims[name], self._columns[name]
            if isinstance(dim, Categorical):
                u[cols.start + dim.index(params[name])] = 1.0
            elif isinstance(dim, Ordinal):
                u[cols] = dim.snap(dim.to_unit(params[name]))
            else:
                u[cols] = dim.to_unit(params[name])
        return u

    def decode(self, u):
        """Point of the unit cube to a candidate dict (rounds and takes argmax)."""
        params = {}
        for name, dim in self.dims.items():
            if name not in self._columns:
                params[name] = dim.values[0]
            elif isinstance(dim, Categorical):
                params[name] = dim.values[int(np.argmax(u[self._columns[name]]))]
            else:
                params[name] = dim.from_unit(u[self._columns[name]][0])
        return params

    def project(self, U):
        """Snap points of the cube, shape (m, n_columns), to valid candidates.

        Integers and ordinal values move to the nearest valid value's
        position and categorical columns become one-hot, so a model never
        sees a point between two valid candidates.
        """
        U = np.array(U, dtype=np.float64, ndmin=2)
        for name in self.modelled:
            dim, cols = self.dims[name], self._columns[name]
            if isinstance(dim, Categorical):
                block = np.zeros((len(U), len(dim)))
                block[np.arange(len(U)), np.argmax(U[:, cols], axis=1)] = 1.0
                U[:, cols] = block
            elif isinstance(dim, Integer):
                U[:, cols.start] = dim.to_unit(dim.from_unit(U[:, cols.start]))
            elif isinstance(dim, Ordinal):
                U[:, cols.start] = dim.snap(U[:, cols.start])
            else:
                U[:, cols.start] = np.clip(U[:, cols.start], 0.0, 1.0)
        return U

    def discrete_options(self, limit=DISCRETE_OPTIONS_LIMIT):
        """The valid encodings of each discrete parameter, for searches that
        change one parameter at a time.

        Parameters
        ----------
        limit : int
            An integer range with more values offers this many, evenly
            spaced on its scaled axis (ends included).

        Returns
        -------
        options : list of (slice, ndarray of shape (n_values, width))
            One entry per modelled ``Integer``, ``Ordinal`` or
            ``Categorical`` parameter: its columns and every valid value of
            those columns (one-hot rows for a categorical).
        """
        options = []
        for name in self.modelled:
            dim, cols = self.dims[name], self._columns[name]
            if isinstance(dim, Categorical):
                values = np.eye(len(dim))
            elif isinstance(dim, Ordinal):
                values = np.unique(dim.snap(dim.to_unit([float(v) for v in dim.values])))[:, None]
            elif isinstance(dim, Integer):
                n_values = dim.high - dim.low + 1
                ints = (
                    np.arange(dim.low, dim.high + 1)
                    if n_values <= limit
                    else np.unique(dim.from_unit(np.linspace(0.0, 1.0, limit)))
                )
                values = np.unique(dim.to_unit(ints))[:, None]
            else:
                continue
            options.append((cols, values))
        return options

    def from_uniform(self, v):
        """Candidate from one uniform number per modelled parameter, shape (len(modelled),).

        Numeric ranges use their scaled map; categorical and ordinal ones
        split [0, 1] into equal shares, one per value, so the design visits
        the values evenly; used to lay out space-filling initial designs.
        """
        params = {}
        for name, dim in self.dims.items():
            if name not in self._columns:
                params[name] = dim.values[0]
        for name, value in zip(self.modelled, v, strict=True):
            dim = self.dims[name]
            if isinstance(dim, Categorical):
                params[name] = dim.values[min(int(value * len(dim)), len(dim) - 1)]
            elif isinstance(dim, Ordinal):
                params[name] = dim.from_unit(dim.from_share(value))
            else:
                params[name] = dim.from_unit(value)
        return dict(sorted(params.items()))

    def enumerate_points(self, limit):
        """Every valid point of the cube, shape (size, n_columns), if there are
        at most ``limit`` and no parameter is continuous; else None."""
        if any(isinstance(self.dims[n], Continuous) for n in self.modelled):
            return None
        axes = []
        for name in self.modelled:
            dim = self.dims[name]
            axes.append(dim.values if isinstance(dim, _Choices) else range(dim.low, dim.high + 1))
        if math.prod(len(a) for a in axes) > limit:
            return None
        combos = itertools.product(*axes)
        return np.array([self.encode(dict(zip(self.modelled, c, strict=True))) for c in combos])

    def random_points(self, n, rng):
        """``n`` valid points of the cube drawn uniformly, shape (n, n_columns).

        Ordinal columns draw each value with the same probability, however
        unevenly the values are spread on their axis.
        """
        U = rng.uniform(size=(n, self.n_columns))
        for name in self.modelled:
            dim = self.dims[name]
            if isinstance(dim, Ordinal):
                col = self.column(name)
                U[:, col] = dim.from_share(U[:, col])
        return self.project(U)


class SearchSpace:
    """The resolved ``param_distributions`` of a search.

    Parameters
    ----------
    param_distributions : dict or list of dict
        Parameter names mapped to range objects, lists of choices, or
        distributions with an ``rvs`` method. Frozen scipy ``uniform``,
        ``loguniform`` and ``randint`` distributions become the equivalent
        ``Continuous``/``Integer`` range. A list of dicts gives sub-spaces,
        each searched as its own space, as in scikit-learn.

    Attributes
    ----------
    subspaces : list of Subspace
    """

    def __init__(self, param_distributions):
        if isinstance(param_distributions, dict):
            dicts, labels = [param_distributions], ["param_distributions"]
        elif isinstance(param_distributions, (list, tuple)):
            dicts = list(param_distributions)
            labels = [f"param_distributions[{i}]" for i in range(len(dicts))]
        else:
            raise TypeError(
                "param_distributions must be a dict or a list of dicts, got "
                f"{type(param_distributions).__name__}."
            )
        if not dicts:
            raise ValueError("param_distributions is an empty list; give at least one dict.")
        self.subspaces = []
        for label, d in zip(labels, dicts, strict=True):
            if not isinstance(d, dict):
                raise TypeError(
                    f"{label} must be a dict of parameter name to range, got {type(d).__name__}."
                )
            for name in d:
                if not isinstance(name, str):
                    raise TypeError(f"{label} keys must be parameter names (str), got {name!r}.")
            dims = {n: _as_dimension(f"{label}[{n!r}]", n, v) for n, v in d.items()}
            converted = {n: v for n, v in d.items() if hasattr(v, "rvs") and dims[n] is not v}
            self.subspaces.append(Subspace(dims, samplers=converted))

    def __repr__(self):
        inner = self.subspaces[0] if len(self.subspaces) == 1 else self.subspaces
        return f"SearchSpace({inner!r})"

    def __eq__(self, other):
        return isinstance(other, SearchSpace) and self.subspaces == other.subspaces

    __hash__ = None

    @property
    def is_finite(self):
        """True when every parameter of every sub-space is a list of values."""
        return all(s.is_finite for s in self.subspaces)

    @property
    def size(self):
        """Number of distinct candidates (``math.inf`` unless finite)."""
        return sum(s.size for s in self.subspaces)

    def check_names(self, estimator):
        """Raise ``ValueError`` for a name the estimator does not accept.

        Names listed by ``estimator.get_params(deep=True)`` pass, and so does
        a nested name (``a__b``) whose prefix is itself searched, since that
        parameter may swap in another estimator. Any other name is tried on a
        clone's ``set_params``: what the estimator itself accepts is allowed,
        what it rejects gets a message listing the valid names.

        Parameters
        ----------
        estimator : estimator object
            The estimator of the search.
        """
        valid_names = set(estimator.get_params(deep=True))
        for sub in self.subspaces:
            for name in sub.dims:
                parts = name.split("__")
                prefixes = {"__".join(parts[:i]) for i in range(1, len(parts))}
                if name in valid_names or prefixes & set(sub.dims):
                    continue
                try:
                    value = sub.sample(np.random.RandomState(0))[name]
                    clone(estimator).set_params(**{name: value})
                except (ValueError, TypeError, AttributeError, KeyError):
                    raise ValueError(
                        f"param_distributions names {name!r}, which is not a parameter "
                        f"of {type(estimator).__name__}. Valid parameters are: "
                        f"{', '.join(sorted(valid_names))}."
                    ) from None

    def require_bounds(self, strategy):
        """Raise ``ValueError`` when a parameter has no bounds a strategy needs.

        Parameters
        ----------
        strategy : str
            The strategy's name, used in the message.
        """
        for sub in self.subspaces:
            for name in sub.unbounded():
                raise ValueError(
                    f"strategy={strategy!r} needs bounded parameters, but "
                    f"param_distributions[{name!r}] is a distribution without known "
                    "bounds. Use Continuous, Integer, Ordinal or Categorical (or a scipy "
                    "uniform, loguniform or randint), or strategy='random'."
                )

    def sample(self, n, rng):
        """``n`` candidates at random, as scikit-learn's ``ParameterSampler``.

        A sub-space is picked uniformly for each candidate. When every
        parameter is a list of choices, the candidates are drawn without
        replacement (at most the size of the space, with a warning).

        Parameters
        ----------
        n : int
            Number of candidates.
        rng : RandomState
            The generator of the search.

        Returns
        -------
        candidates : list of dict
        """
        if self.is_finite:
            everything = [c for s in self.subspaces for c in s.grid({})]
            if n > len(everything):
                warnings.warn(
                    f"The space has only {len(everything)} candidates, fewer than "
                    f"n_iter={n}; running {len(everything)}.",
                    UserWarning,
                    stacklevel=8,  # the caller of fit
                )
                n = len(everything)
            return [
                everything[i]
                for i in sample_without_replacement(len(everything), n, random_state=rng)
            ]
        # A sub-space, then its values, candidate after candidate: the order of
        # scikit-learn's ParameterSampler, so the same seed gives its candidates.
        return [self.subspaces[rng.randint(len(self.subspaces))].sample(rng) for _ in range(n)]

    def grid(self, budget, grid_points=None):
        """The full grid of every sub-space.

        Parameters
        ----------
        budget : int
            Used when ``grid_points`` is None: each numeric range gets as many
            points as keep its sub-space's grid within ``budget /
            n_subspaces`` candidates (at least 2 each).
        grid_points : int or dict, default=None
            Points per numeric range: one number for all, or a dict by
            parameter name (unnamed ones use the budget rule).

        Returns
        -------
        candidates : list of dict
        """
        candidates = []
        share = budget / len(self.subspaces)
        for sub in self.subspaces:
            numeric = [n for n, d in sub.dims.items() if isinstance(d, _NumericRange)]
            if isinstance(grid_points, numbers.Integral):
                points = dict.fromkeys(numeric, int(grid_points))
            else:
                points = dict(grid_points or {})
                free = [n for n in numeric if n not in points]
                fixed_size = math.prod(
                    len(d) for d in sub.dims.values() if isinstance(d, _Choices)
                )
                fixed_size *= math.prod(points.get(n, 1) for n in numeric)
                per_range = (
                    max(2, int((share / fixed_size) ** (1 / len(free)) + 1e-9)) if free else 2
                )
                points.update(dict.fromkeys(free, per_range))
            candidates.extend(sub.grid(points))
        return candidates
