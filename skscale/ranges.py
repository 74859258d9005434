"""Range objects: the values one hyperparameter may take.

``Continuous`` and ``Integer`` map values to the unit interval through their
scaling (``to_unit``) and back (``from_unit``); sampling is uniform on that
interval. ``Categorical`` holds a list of choices; ``Ordinal`` a list of
numbers placed on a scaled axis. Every range validates its
own arguments when it is built and has ``rvs`` like a frozen scipy
distribution, so it also works inside scikit-learn's ``RandomizedSearchCV``.
"""

import math
import numbers

import numpy as np
from sklearn.utils import check_random_state

from . import scaling as scalings


def _check_bound(value, name, owner):
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(
            f"{owner}: {name} must be a real number, got {type(value).__name__} {value!r}."
        )
    if not np.isfinite(value):
        raise ValueError(f"{owner}: {name} must be finite, got {value!r}.")
    return value


def _check_scaling(scaling, low, high, *, integer, owner):
    name = scalings.normalize_scaling(scaling)
    if name == "auto":
        return scalings.resolve_auto(low, high, integer=integer)
    if name == "log" and low <= 0:
        raise ValueError(
            f"{owner}: scaling='log' needs low > 0, got low={low!r}. Use a small "
            "positive low instead (e.g. 1e-8 rather than 0), which is nearly "
            "equivalent."
        )
    if name == "reverse_log":
        if integer:
            raise ValueError(
                f"{owner}: scaling='reverse_log' is for Continuous ranges only; "
                "use 'linear' or 'log' for integers."
            )
        if not 0 <= low <= high < 1:  # low == high: an Ordinal of one value
            raise ValueError(
                f"{owner}: scaling='reverse_log' needs 0 <= low < high < 1, got "
                f"low={low!r}, high={high!r}."
            )
    return name


class _Range:
    """Shared behaviour: equality by value, repr, sampling."""

    def _key(self):
        raise NotImplementedError

    def __eq__(self, other):
        return type(self) is type(other) and self._key() == other._key()

    def __hash__(self):
        try:
            return hash((type(self).__name__, self._key()))
        except TypeError:  # unhashable categorical choices
            return hash(type(self).__name__)

    def rvs(self, size=None, random_state=None):
        """Draw values at random: uniformly in the scaled space for numeric
        ranges, every choice equally likely for a ``Categorical``.

        Parameters
        ----------
        size : int or tuple of int, default=None
            Shape of the draw; ``None`` returns a single value.
        random_state : int, RandomState instance or None, default=None
            Seed or generator, as in scikit-learn.

        Returns
        -------
        value : scalar or ndarray
        """
        rng = check_random_state(random_state)
        return self._draw(rng, size)


class _NumericRange(_Range):
    """A numeric range with a scaling; subclasses fix the value type."""

    _integer = False

    def __init__(self, low, high, scaling="auto"):
        owner = type(self).__name__
        low = _check_bound(low, "low", owner)
        high = _check_bound(high, "high", owner)
        if not low < high:
            raise ValueError(
                f"{owner}: low must be less than high, got low={low!r}, high={high!r}."
            )
        self.low, self.high = self._convert(low), self._convert(high)
        self.scaling = _check_scaling(
            scaling, self.low, self.high, integer=self._integer, owner=owner
        )
        lo, hi = self._scaled_bounds()
        if not np.isfinite(hi - lo):
            raise ValueError(
                f"{owner}: the range from low={low!r} to high={high!r} is too wide to "
                "represent in float64; narrow it or use scaling='log'."
            )

    def _key(self):
        return (self.low, self.high, self.scaling)

    def __repr__(self):
        return f"{type(self).__name__}({self.low!r}, {self.high!r}, scaling={self.scaling!r})"

    def __contains__(self, value):
        try:
            return bool(self.low <= value <= self.high)
        except TypeError:
            return False

    def _scaled_bounds(self):
        """Scaled coordinates of the ends of the unit interval."""
        return scalings.forward(self.scaling, [self.low, self.high])

    def to_unit(self, values):
        """Map values to [0, 1]: monotone, 0 at ``low`` and 1 at ``high``.

        Parameters
        ----------
        values : float or array-like of float

        Returns
        -------
        u : float or ndarray
            Values outside the range map outside [0, 1].
        """
        lo, hi = self._scaled_bounds()
        return (scalings.forward(self.scaling, values) - lo) / (hi - lo)

    def _decode(self, u):
        lo, hi = self._scaled_bounds()
        u = np.clip(np.asarray(u, dtype=np.float64), 0.0, 1.0)
        return scalings.inverse(self.scaling, lo + u * (hi - lo))

    def _draw(self, rng, size):
        return self.from_unit(rng.uniform(size=size))


class Continuous(_NumericRange):
    """A range of real values.

    Parameters
    ----------
    low, high : float
        Finite bounds with ``low < high``; both are included.
    scaling : {"auto", "linear", "log", "reverse_log"}, default="auto"
        How values are spread when searched (the cloud spellings ``"Linear"``,
        ``"Logarithmic"``, ``"ReverseLogarithmic"``, ``"Auto"`` work too):

        - ``"linear"``: uniform in the value.
        - ``"log"``: uniform in ``log(value)``; needs ``low > 0``. For values
          spanning orders of magnitude (C, gamma, alpha, learning rate).
        - ``"reverse_log"``: uniform in ``log(1 - value)``; needs
          ``0 <= low < high < 1``. For values close to 1 (momentum, beta).
        - ``"auto"``: log when ``low > 0`` and ``high / low > 10``; reverse log
          when ``0 <= low < high < 1`` and ``(1 - low) / (1 - high) > 10``;
          linear when neither rule holds, or both do. Never log when ``low`` is
          0. It is resolved at construction: the ``scaling`` attribute (and the
          repr) shows the result.

    Attributes
    ----------
    low, high : float
    scaling : str
        The resolved scaling: ``"linear"``, ``"log"`` or ``"reverse_log"``.

    Examples
    --------
    >>> from skscale import Continuous
    >>> Continuous(1e-4, 1.0)
    Continuous(0.0001, 1.0, scaling='log')
    >>> Continuous(0.9, 0.999)
    Continuous(0.9, 0.999, scaling='reverse_log')
    """

    @staticmethod
    def _convert(value):
        return float(value)

    def from_unit(self, u):
        """Map points of [0, 1] back to values (inverse of ``to_unit``).

        Parameters
        ----------
        u : float or array-like of float
            Clipped to [0, 1].

        Returns
        -------
        values : float or ndarray of float
            Exactly ``low`` at 0 and ``high`` at 1.
        """
        u = np.asarray(u, dtype=np.float64)
        values = np.clip(self._decode(u), self.low, self.high)
        values = np.where(u <= 0, self.low, np.where(u >= 1, self.high, values))
        return float(values) if values.ndim == 0 else values

    def grid(self, n_points):
        """Values evenly spaced in the scaled space, ends included.

        Parameters
        ----------
        n_points : int
            Number of values; 1 gives the middle of the scaled range.

        Returns
        -------
        values : list of float
            Rounded to 12 significant digits, so a log grid shows 1.0 rather
            than 1.0000000000000009.
        """
        u = np.linspace(0, 1, n_points) if n_points > 1 else np.array([0.5])
        values = np.atleast_1d(self.from_unit(u))
        return [float(np.clip(float(f"{v:.12g}"), self.low, self.high)) for v in values]


class Integer(_NumericRange):
    """A range of integers.

    Parameters
    ----------
    low, high : int
        Integral bounds with ``low < high``; both are included.
    scaling : {"auto", "linear", "log"}, default="auto"
        As for :class:`Continuous`, except that ``"reverse_log"`` is not
        allowed and ``"auto"`` only chooses between log and linear.

    Notes
    -----
    Each integer ``k`` owns the cell from ``k - 0.5`` to ``k + 0.5`` in the
    scaled space, so every integer of the range is reachable, the ends with a
    full cell, and sampling is uniform in the scaled space. ``to_unit(k)`` is
    the scaled position of ``k`` itself, inside its cell; ``from_unit`` rounds
    to the nearest valid integer, and gives ``low`` at 0 and ``high`` at 1.

    Examples
    --------
    >>> from skscale import Integer
    >>> Integer(1, 1000)
    Integer(1, 1000, scaling='log')
    """

    _integer = True

    @staticmethod
    def _convert(value):
        if isinstance(value, numbers.Integral):
            return int(value)
        if not float(value).is_integer():
            raise ValueError(f"Integer: bounds must be integers, got {value!r}.")
        return int(value)

    def _scaled_bounds(self):
        return scalings.forward(self.scaling, [self.low - 0.5, self.high + 0.5])

    def from_unit(self, u):
        """Map points of [0, 1] to the nearest valid integers.

        Parameters
        ----------
        u : float or array-like of float
            Clipped to [0, 1].

        Returns
        -------
        values : int or ndarray of int64
        """
        values = np.clip(np.rint(self._decode(u)), self.low, self.high).astype(np.int64)
        return int(values) if values.ndim == 0 else values

    def grid(self, n_points):
        """Distinct integers evenly spaced in the scaled space, ends included.

        Parameters
        ----------
        n_points : int
            Number of grid points before rounding; fewer integers come back
            when several round to the same value.

        Returns
        -------
        values : list of int
        """
        lo, hi = scalings.forward(self.scaling, [self.low, self.high])
        scaled = np.linspace(lo, hi, n_points) if n_points > 1 else [(lo + hi) / 2]
        values = np.rint(scalings.inverse(self.scaling, scaled))
        return [int(v) for v in np.unique(np.clip(values, self.low, self.high))]


class _Choices(_Range):
    """A finite list of values, kept in the order given."""

    def _key(self):
        return tuple(self.values)

    def __len__(self):
        return len(self.values)

    def __contains__(self, value):
        return any(value is v or _safe_equal(value, v) for v in self.values)

    def index(self, value):
        """Position of ``value`` in ``values`` (the order given).

        Parameters
        ----------
        value : object
            A choice, compared by identity or equality (``True`` is not ``1``).

        Returns
        -------
        index : int

        Raises
        ------
        ValueError
            When ``value`` is not one of the choices.
        """
        for i, choice in enumerate(self.values):
            if value is choice or _safe_equal(value, choice):
                return i
        raise ValueError(f"{value!r} is not one of {self.values!r}.")

    def _draw(self, rng, size):
        # values[randint(len)], as scikit-learn's ParameterSampler draws from a list.
        indices = rng.randint(len(self.values), size=size)
        if size is None:
            return self.values[indices]
        return self._take(indices)

    def _take(self, indices):
        """The values at ``indices`` (an array), as an object array of that shape."""
        out = np.empty(np.shape(indices), dtype=object)
        for position, i in np.ndenumerate(indices):
            out[position] = self.values[i]
        return out

    def grid(self, n_points=None):
        """All the values, in the order given.

        Parameters
        ----------
        n_points : int, default=None
            Ignored: every value is part of a grid.

        Returns
        -------
        values : list
        """
        return list(self.values)


class Categorical(_Choices):
    """A finite list of choices, tried without order.

    Parameters
    ----------
    values : sequence
        The choices: strings, numbers, ``None``, booleans, estimators... They
        are returned unchanged. Must not be empty.

    See Also
    --------
    Ordinal : numeric choices that have an order.

    Examples
    --------
    >>> from skscale import Categorical
    >>> Categorical(["rbf", "poly"]).rvs(random_state=0)
    'rbf'
    """

    def __init__(self, values):
        if isinstance(values, (str, bytes)) or not hasattr(values, "__iter__"):
            raise TypeError(
                "Categorical: values must be a list of choices, got "
                f"{type(values).__name__} {values!r}."
            )
        values = list(values)
        if not values:
            raise ValueError("Categorical: values must not be empty.")
        self.values = values

    def __repr__(self):
        return f"Categorical({self.values!r})"


def is_real_number(value):
    """True for an int or float (numpy's too), False for a bool."""
    return isinstance(value, numbers.Real) and not isinstance(value, (bool, np.bool_))


class Ordinal(_Choices):
    """A finite list of numbers, searched as ordered values on a scaled axis.

    A plain list of numbers in ``param_distributions``, as written for
    ``GridSearchCV`` (``{"C": [0.01, 0.1, 1, 10]}``), becomes an
    ``Ordinal``: random and grid search draw exactly these values, and the
    Bayesian strategy models them as one ordered dimension, so what it learns
    about 0.1 and 10 tells it about 1.

    Parameters
    ----------
    values : sequence of int or float
        Distinct, finite real numbers (numpy numbers too, not booleans). They
        are returned unchanged and kept in the order given (the order of a
        grid, as in scikit-learn); the scaled axis sorts them.
    scaling : {"auto", "linear", "log", "reverse_log"}, default="auto"
        The axis the values are placed on, as for :class:`Continuous` with
        ``low`` and ``high`` the smallest and largest value: ``"auto"`` gives
        log for ``[0.001, 0.01, 0.1, 1]``, reverse log for
        ``[0.9, 0.99, 0.999]`` and linear for ``[1, 2, 3]``.

    Attributes
    ----------
    values : list
        The values as given.
    low, high : float
        The smallest and largest value.
    scaling : str
        The resolved scaling: ``"linear"``, ``"log"`` or ``"reverse_log"``.

    Notes
    -----
    Each value sits at its scaled position ``to_unit(value)`` in [0, 1]
    (the smallest at 0, the largest at 1); ``from_unit`` returns the value
    nearest a position on that axis. ``rvs`` draws every value with the same
    probability, as scikit-learn draws from a list; the scaling only shapes
    the model of the Bayesian strategy (and plot axes).

    Examples
    --------
    >>> from skscale import Ordinal
    >>> Ordinal([0.001, 0.01, 0.1, 1, 10])
    Ordinal([0.001, 0.01, 0.1, 1, 10], scaling='log')
    >>> Ordinal([0.9, 0.99, 0.999]).scaling
    'reverse_log'
    """

    def __init__(self, values, scaling="auto"):
        if isinstance(values, (str, bytes)) or not hasattr(values, "__iter__"):
            raise TypeError(
                f"Ordinal: values must be a list of numbers, got {type(values).__name__} "
                f"{values!r}."
            )
        if isinstance(values, np.ndarray) and values.ndim != 1:
            raise ValueError(
                f"Ordinal: values must be one-dimensional, got an array of shape {values.shape}."
            )
        values = list(values)
        if not values:
            raise ValueError("Ordinal: values must not be empty.")
        for value in values:
            if not is_real_number(value):
                raise TypeError(
                    "Ordinal: values must be real numbers (int or float, not bool); got "
                    f"{type(value).__name__} {value!r}. Use Categorical for other choices."
                )
            try:
                finite = math.isfinite(value)
            except OverflowError:  # an int too large for a float
                finite = False
            if not finite:
                raise ValueError(f"Ordinal: values must be finite floats, got {value!r}.")
        numbers_ = np.array([float(v) for v in values])
        if len(np.unique(numbers_)) < len(values):
            raise ValueError(f"Ordinal: values must be distinct, got {values!r}.")
        self.values = values
        self.low, self.high = float(numbers_.min()), float(numbers_.max())
        self.scaling = _check_scaling(scaling, self.low, self.high, integer=False, owner="Ordinal")
        # The scaled axis: value indices sorted by value, and their positions.
        self._order = np.argsort(numbers_, kind="stable")
        self._rank = np.argsort(self._order)  # value index -> rank on the axis
        self._positions = self.to_unit(numbers_[self._order])

    def _key(self):
        return (tuple(self.values), self.scaling)

    def __repr__(self):
        return f"Ordinal({self.values!r}, scaling={self.scaling!r})"

    def __contains__(self, value):
        return is_real_number(value) and super().__contains__(value)

    def to_unit(self, values):
        """Scaled positions of numbers in [0, 1]: 0 at ``low``, 1 at ``high``.

        Parameters
        ----------
        values : float or array-like of float
            Any numbers; those outside ``[low, high]`` map outside [0, 1].
            With a single value, every position is 0.5.

        Returns
        -------
        u : float or ndarray
        """
        lo, hi = scalings.forward(self.scaling, [self.low, self.high])
        scaled = scalings.forward(self.scaling, values)
        if hi == lo:
            return np.full_like(scaled, 0.5)[()]
        return (scaled - lo) / (hi - lo)

    def _nearest(self, u):
        """Indices (into ``values``) of the values nearest positions ``u``."""
        u = np.asarray(u, dtype=np.float64)
        distance = np.abs(u[..., None] - self._positions)
        return self._order[np.argmin(distance, axis=-1)]

    def snap(self, u):
        """Positions of the values nearest positions ``u`` of [0, 1].

        Parameters
        ----------
        u : float or array-like of float

        Returns
        -------
        positions : float or ndarray
        """
        return self._positions[self._rank[self._nearest(u)]][()]

    def from_unit(self, u):
        """The values nearest positions of [0, 1] (inverse of ``to_unit``).

        Parameters
        ----------
        u : float or array-like of float

        Returns
        -------
        values : value or ndarray of object
            The values as given (ints stay ints).
        """
        indices = self._nearest(u)
        return self.values[int(indices)] if indices.ndim == 0 else self._take(indices)

    def from_share(self, v):
        """The value whose equal share of [0, 1] holds ``v``, smallest first.

        Every value gets the same share, whatever its position: used to
        spread space-filling designs and random candidates evenly over the
        values.

        Parameters
        ----------
        v : float or array-like of float in [0, 1]

        Returns
        -------
        positions : float or ndarray
            The positions (``to_unit``) of those values.
        """
        k = len(self.values)
        rank = np.clip((np.asarray(v, dtype=np.float64) * k).astype(np.int64), 0, k - 1)
        return self._positions[rank][()]


def _safe_equal(a, b):
    """``a == b`` as a bool, False where the comparison is not a plain truth."""
    # True == 1 in Python, but as choices they differ.
    if isinstance(a, bool) != isinstance(b, bool):
        return False
    try:
        return bool(a == b)
    except (TypeError, ValueError):
        return False
