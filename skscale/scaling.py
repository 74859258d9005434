"""Scalings: how a numeric range is stretched before it is searched.

A scaling is a monotone increasing map ``forward`` from values to a scaled
coordinate, with its inverse. Ranges normalise the scaled coordinate to
[0, 1]; this module knows only the maps, the accepted spellings and the
``"auto"`` rule.
"""

import numpy as np

SCALINGS = ("linear", "log", "reverse_log")

# Spellings users bring from cloud tuners, compared after lower-casing and
# dropping "_", "-" and spaces.
_ALIASES = {
    "linear": "linear",
    "log": "log",
    "logarithmic": "log",
    "reverselog": "reverse_log",
    "reverselogarithmic": "reverse_log",
    "auto": "auto",
}

# A range qualifies for log (or reverse-log) under "auto" when it spans more
# than this ratio: one order of magnitude.
AUTO_RATIO = 10.0


def _reverse_log(x):
    # -log(1 - x): increasing in x, so every map here preserves order.
    return -np.log1p(-x)


def _reverse_log_inverse(y):
    return -np.expm1(-y)


_MAPS = {
    "linear": (lambda x: x, lambda y: y),
    "log": (np.log, np.exp),
    "reverse_log": (_reverse_log, _reverse_log_inverse),
}


def normalize_scaling(scaling):
    """Return the canonical name of a scaling spelling.

    Parameters
    ----------
    scaling : str
        ``"linear"``, ``"log"``, ``"reverse_log"`` or ``"auto"``, or the cloud
        tuner spellings ``"Linear"``, ``"Logarithmic"``,
        ``"ReverseLogarithmic"``, ``"Auto"`` (any case).

    Returns
    -------
    name : str
        One of ``"linear"``, ``"log"``, ``"reverse_log"``, ``"auto"``.
    """
    if not isinstance(scaling, str):
        raise TypeError(
            "scaling must be a str among 'linear', 'log', 'reverse_log', 'auto'; "
            f"got {type(scaling).__name__} {scaling!r}."
        )
    key = scaling.lower().replace("_", "").replace("-", "").replace(" ", "")
    if key not in _ALIASES:
        raise ValueError(
            "scaling must be one of 'linear', 'log', 'reverse_log', 'auto' "
            "(or 'Linear', 'Logarithmic', 'ReverseLogarithmic', 'Auto'); "
            f"got {scaling!r}."
        )
    return _ALIASES[key]


def resolve_auto(low, high, *, integer):
    """Pick the scaling that ``"auto"`` means for the range ``[low, high]``.

    Log when ``low > 0`` and ``high / low > 10``; reverse log when the range
    is continuous, ``0 <= low < high < 1`` and ``(1 - low) / (1 - high) > 10``;
    linear when neither holds or both do. Log is never chosen when ``low`` is 0.
    """
    log_fits = low > 0 and high / low > AUTO_RATIO
    reverse_fits = not integer and 0 <= low < high < 1 and (1 - low) / (1 - high) > AUTO_RATIO
    if log_fits and not reverse_fits:
        return "log"
    if reverse_fits and not log_fits:
        return "reverse_log"
    return "linear"


def forward(scaling, x):
    """Map values to the scaled coordinate (monotone increasing)."""
    return _MAPS[scaling][0](np.asarray(x, dtype=np.float64))


def inverse(scaling, y):
    """Map scaled coordinates back to values."""
    return _MAPS[scaling][1](np.asarray(y, dtype=np.float64))
