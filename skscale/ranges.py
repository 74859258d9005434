"""Range objects: the values one hyperparameter may take.

``Continuous`` and ``Integer`` map values to the unit interval through their
scaling (``to_unit``) and back (``from_unit``); sampling is uniform on that
interval. ``Categorical`` holds a list of choices. Every range validates its
own arguments when it is built and has ``rvs`` like a frozen scipy
distribution, so it also works inside scikit-learn's ``RandomizedSearchCV``.
"""

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
        if not 0 <= low < high < 1:
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


class Categorical(_Range):
    """A finite list of choices, tried without order.

    Parameters
    ----------
    values : sequence
        The choices: strings, numbers, ``None``, booleans, estimators... They
        are returned unchanged. Must not be empty.

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

    def _key(self):
        return tuple(self.values)

    def __repr__(self):
        return f"Categorical({self.values!r})"

    def __len__(self):
        return len(self.values)

    def __contains__(self, value):
        return any(value is v or _safe_equal(value, v) for v in self.values)

    def index(self, value):
        """Position of ``value`` among the choices.

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
        indices = rng.randint(len(self.values), size=size)
        if size is None:
            return self.values[indices]
        out = np.empty(np.shape(indices), dtype=object)
        for position, i in np.ndenumerate(indices):
            out[position] = self.values[i]
        return out

    def grid(self, n_points=None):
        """All the choices.

        Parameters
        ----------
        n_points : int, default=None
            Ignored: every choice is part of a grid.

        Returns
        -------
        values : list
        """
        return list(self.values)


def _safe_equal(a, b):
    """``a == b`` as a bool, False where the comparison is not a plain truth."""
    # True == 1 in Python, but as choices they differ.
    if isinstance(a, bool) != isinstance(b, bool):
        return False
    try:
        return bool(a == b)
    except (TypeError, ValueError):
        return False
