"""Figures of fitted searches: convergence, evaluations, learned warping.

Three figures that answer the usual questions about a tuning job:

- :func:`plot_convergence`: how fast does the best score improve, for one
  search, several, or averaged over replications of each strategy?
- :func:`plot_evaluations`: where did each search evaluate two chosen
  hyperparameters, drawn on their scaled axes and coloured by score?
- :func:`plot_warping`: which warping of each numeric range did the Bayesian
  model learn, next to the three fixed scalings?
- :func:`plot_resources`: at which resource level did each evaluation of a
  multi-fidelity search run (in ``skscale.plot_fidelity``)?

matplotlib is imported inside the functions, so ``import skscale`` works
without it; install it with ``pip install skscale[plot]``.
"""

import math
import numbers
import warnings

import numpy as np
from sklearn.exceptions import NotFittedError

from . import scaling as scalings
from .plot_fidelity import plot_resources
from .ranges import Categorical, Continuous, Ordinal, _NumericRange
from .space import SearchSpace
from .strategies.bayesian import Warping

__all__ = ["plot_convergence", "plot_evaluations", "plot_resources", "plot_warping"]

_BANDS = ("std", "quantiles", None)


def _pyplot():
    try:
        import matplotlib.pyplot as plt
    except ImportError as error:
        raise ImportError(
            "skscale.plot needs matplotlib, which is not installed. Install it with "
            "`pip install skscale[plot]` (or `pip install matplotlib`)."
        ) from error
    return plt


# -- reading fitted searches ------------------------------------------------


def _is_results(obj):
    return isinstance(obj, dict) and "params" in obj


def _results_of(obj, where):
    """The ``cv_results_`` dict of a fitted search, or the dict itself."""
    if _is_results(obj):
        return obj
    if isinstance(obj, dict):
        raise TypeError(
            f"{where} is a dict without a 'params' key; expected a fitted search or its "
            "cv_results_ dict."
        )
    results = getattr(obj, "cv_results_", None)
    if results is not None:
        return results
    if hasattr(obj, "fit"):
        raise NotFittedError(
            f"{where} ({type(obj).__name__}) is not fitted; call fit before plotting it."
        )
    raise TypeError(
        f"{where} must be a fitted search or its cv_results_ dict, got {type(obj).__name__}."
    )


def _metric_key(results, search, metric, where):
    """The ``mean_test_*`` key to plot, checked against what ``results`` holds."""
    names = sorted(k[len("mean_test_") :] for k in results if k.startswith("mean_test_"))
    if not names:
        raise ValueError(f"{where} has no 'mean_test_*' scores in its cv_results_.")
    if metric is not None:
        if not isinstance(metric, str):
            raise TypeError(f"metric must be a str, got {type(metric).__name__} {metric!r}.")
        name = metric.removeprefix("mean_test_")
        if name not in names:
            raise ValueError(
                f"metric={metric!r} is not a score of {where}; its scores are: {', '.join(names)}."
            )
        return f"mean_test_{name}"
    if "score" in names:
        return "mean_test_score"
    refit = getattr(search, "refit", None)
    if isinstance(refit, str) and refit in names:
        return f"mean_test_{refit}"
    if len(names) == 1:
        return f"mean_test_{names[0]}"
    raise ValueError(
        f"{where} has several scores ({', '.join(names)}) and no refit metric to "
        "choose from; pass metric=<name>."
    )


def _scores(results, key):
    # Failed fits score NaN (or a numeric error_score); infinities are failures too.
    scores = np.asarray(results[key], dtype=np.float64)
    return np.where(np.isfinite(scores), scores, np.nan)


def _metric_label(key):
    name = key.removeprefix("mean_test_")
    return "score" if name == "score" else name


def _default_name(search, index):
    strategy = getattr(search, "strategy", None)
    return str(strategy) if isinstance(strategy, str) else f"search {index + 1}"


def _check_labels(labels, n, argument):
    if labels is None:
        return None
    if isinstance(labels, str) or not hasattr(labels, "__len__"):
        raise TypeError(f"{argument} must be a list of str, one per search, got {labels!r}.")
    if len(labels) != n:
        raise ValueError(f"{argument} has {len(labels)} entries for {n} searches.")
    return [str(label) for label in labels]


def _as_list(searches):
    if isinstance(searches, (list, tuple)):
        return list(searches)
    return [searches]


# -- plot_convergence -------------------------------------------------------


def _best_so_far(scores):
    """Running maximum that skips NaN (NaN only before the first success)."""
    return np.fmax.accumulate(scores) if len(scores) else scores


def _convergence_groups(searches, labels, metric):
    """``[(label, curves, replicated)]`` plus the metric key used."""
    keys = []

    def curve(obj, where):
        results = _results_of(obj, where)
        key = _metric_key(results, None if _is_results(obj) else obj, metric, where)
        keys.append(key)
        scores = _scores(results, key)
        if len(scores) == 0:
            raise ValueError(f"{where} has no evaluated candidate.")
        return _best_so_far(scores)

    if isinstance(searches, dict) and not _is_results(searches):
        if labels is not None:
            raise ValueError(
                "labels must be None when searches is a dict: its keys are the labels."
            )
        if not searches:
            raise ValueError("searches is an empty dict; give label -> list of searches.")
        groups = []
        for label, runs in searches.items():
            runs = _as_list(runs)
            if not runs:
                raise ValueError(f"searches[{label!r}] is an empty list of searches.")
            curves = [curve(run, f"searches[{label!r}][{i}]") for i, run in enumerate(runs)]
            groups.append((str(label), curves, True))
        return groups, keys[0]

    items = _as_list(searches)
    if not items:
        raise ValueError("searches is empty; give at least one fitted search.")
    names = _check_labels(labels, len(items), "labels")
    if names is None:
        names = [_default_name(obj, i) for i, obj in enumerate(items)]
        if len(set(names)) < len(names):
            names = [f"{name} #{i + 1}" for i, name in enumerate(names)]
    single = not isinstance(searches, (list, tuple))
    curves = [
        curve(obj, "searches" if single else f"searches[{i}]") for i, obj in enumerate(items)
    ]
    return [(name, [c], False) for name, c in zip(names, curves, strict=True)], keys[0]


def _within_unit_interval(groups):
    """Whether every score drawn lies in [0, 1], as accuracy, balanced accuracy and AUC do."""
    values = np.concatenate([c for _, curves, _ in groups for c in curves])
    values = values[np.isfinite(values)]
    return values.size > 0 and values.min() >= 0.0 and values.max() <= 1.0


def _keep_within_unit_interval(ax):
    # Autoscaling pads the data by a margin (a wide one around a flat line), which
    # can run past 1.0, a value such scores never take.
    low, high = ax.get_ylim()
    ax.set_ylim(max(low, 0.0), min(high, 1.0))


def _summarise(curves, band):
    """Centre line and band (or None) of replicated best-so-far curves."""
    length = min(len(c) for c in curves)
    stack = np.vstack([c[:length] for c in curves])
    # Steps where every run has only failed so far are all-NaN: leave them as gaps.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        if band == "quantiles":
            centre = np.nanmedian(stack, axis=0)
            low, high = np.nanpercentile(stack, [25, 75], axis=0)
            return centre, (low, high)
        centre = np.nanmean(stack, axis=0)
        if band == "std":
            spread = np.nanstd(stack, axis=0)
            return centre, (centre - spread, centre + spread)
    return centre, None


def plot_convergence(searches, *, ax=None, labels=None, band="std", show_runs=False, metric=None):
    """Plot the best score found so far against the number of evaluations.

    Parameters
    ----------
    searches : search, dict, list or dict of lists
        What to draw:

        - a fitted search (``cv_results_`` in evaluation order, as
          :class:`~skscale.ScaledSearchCV` records it) or its ``cv_results_``
          dict: one curve;
        - a list of those: one curve each;
        - a dict mapping a label to a list of fitted searches, replications of
          one setting (different ``random_state``): their average curve with
          a band showing how much single runs vary.
    ax : matplotlib Axes, default=None
        Where to draw; a new figure when None.
    labels : list of str, default=None
        Legend label of each search of a list. By default the search's
        ``strategy``. Not allowed with a dict, whose keys are the labels.
    band : {"std", "quantiles"} or None, default="std"
        For replications: ``"std"`` draws the mean with a band of one
        standard deviation either side; ``"quantiles"`` draws the median with
        the band from the 25th to the 75th percentile; None draws the mean
        alone.
    show_runs : bool, default=False
        For replications: also draw each single run as a thin line, to show
        how much tuning curves vary from run to run.
    metric : str, default=None
        Which score to plot with several metrics (``"accuracy"`` or
        ``"mean_test_accuracy"``). By default ``mean_test_score``, or the
        metric named by the search's ``refit``.

    Returns
    -------
    ax : matplotlib Axes

    Notes
    -----
    Failed candidates (NaN scores) count as evaluations but never lower the
    best score so far; the curve starts at the first success. When every
    score drawn lies in [0, 1], as accuracies do, the y axis stays within
    [0, 1] and the bands are clipped to it. Replications of different
    lengths are cut to the shortest, with a warning.

    Examples
    --------
    >>> from skscale.plot import plot_convergence
    >>> runs = {  # doctest: +SKIP
    ...     strategy: [
    ...         ScaledSearchCV(model, space, strategy=strategy, random_state=seed).fit(X, y)
    ...         for seed in range(10)
    ...     ]
    ...     for strategy in ("random", "bayesian")
    ... }
    >>> ax = plot_convergence(runs, band="quantiles", show_runs=True)  # doctest: +SKIP
    """
    if band not in _BANDS:
        raise ValueError(f"band must be 'std', 'quantiles' or None, got {band!r}.")
    groups, key = _convergence_groups(searches, labels, metric)
    plt = _pyplot()
    from matplotlib.ticker import MaxNLocator

    if ax is None:
        _, ax = plt.subplots(figsize=(6.4, 4.2), layout="constrained")

    bounded = _within_unit_interval(groups)
    replicated = False
    for label, curves, is_replication in groups:
        if not is_replication:
            x = np.arange(1, len(curves[0]) + 1)
            ax.plot(x, curves[0], drawstyle="steps-post", label=label)
            continue
        replicated = True
        if len({len(c) for c in curves}) > 1:
            warnings.warn(
                f"The searches of {label!r} have different numbers of evaluations; "
                f"their curves are cut to the shortest ({min(map(len, curves))}).",
                UserWarning,
                stacklevel=2,
            )
        centre, spread = _summarise(curves, band)
        if bounded and spread is not None:
            # mean + std of runs near 1.0 overshoots it; no run does.
            spread = tuple(np.clip(edge, 0.0, 1.0) for edge in spread)
        x = np.arange(1, len(centre) + 1)
        (line,) = ax.plot(
            x,
            centre,
            drawstyle="steps-post",
            lw=2,
            zorder=3,
            label=f"{label} ({len(curves)} runs)",
        )
        colour = line.get_color()
        if spread is not None:
            ax.fill_between(x, *spread, step="post", color=colour, alpha=0.2, lw=0, zorder=2)
        if show_runs:
            for run in curves:
                ax.plot(
                    np.arange(1, len(run) + 1),
                    run,
                    drawstyle="steps-post",
                    color=colour,
                    lw=0.7,
                    alpha=0.45,
                    zorder=1,
                )

    ax.set_xlabel("Number of evaluations")
    ax.set_ylabel(f"Best {_metric_label(key)} so far")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.grid(True, alpha=0.3)
    if bounded:
        _keep_within_unit_interval(ax)
    if replicated or len(groups) > 1 or labels is not None:
        title = None
        if replicated:
            title = {
                "std": "mean ± 1 std",
                "quantiles": "median, 25–75 %",
                None: "mean",
            }[band]
        ax.legend(title=title, loc="lower right")
    return ax


# -- plot_evaluations -------------------------------------------------------


def _reverse_log_forward(values):
    # Distance to 1 in decades; values at or above 1 are clipped (the range ends below 1).
    gap = np.clip(1.0 - np.asarray(values, dtype=np.float64), 1e-300, None)
    return -np.log10(gap)


def _reverse_log_inverse(scaled):
    return 1.0 - 10.0 ** (-np.asarray(scaled, dtype=np.float64))


def _format_near_one(value, _position=None):
    # Enough decimals that 0.999 does not print as 1.0.
    gap = 1.0 - value
    if gap <= 0:
        return "1"
    decimals = max(0, math.ceil(-math.log10(gap) - 1e-9))
    return f"{value:.{decimals}f}" if decimals else f"{value:.0f}"


def _padded_limits(dim):
    """Axis limits: the range plus a small margin in its scaled coordinate."""
    low, high = scalings.forward(dim.scaling, [dim.low, dim.high])
    pad = 0.04 * (high - low)
    return tuple(float(v) for v in scalings.inverse(dim.scaling, [low - pad, high + pad]))


def _reverse_log_ticks(dim, limits):
    """Ticks at 0, 0.9, 0.99, ... inside the limits, with minor ticks between."""
    first = math.floor(-math.log10(1.0 - dim.low))
    last = math.ceil(-math.log10(1.0 - dim.high))
    major, minor = [], []
    for k in range(first, last + 1):
        major.append(1.0 - 10.0**-k)
        minor.extend(1.0 - m * 10.0 ** -(k + 1) for m in range(2, 10))
    inside = [v for v in major if limits[0] <= v <= limits[1]]
    if len(inside) < 2:
        # A range narrower than a decade: ticks evenly spaced in the scaled coordinate.
        return [float(v) for v in dim.from_unit(np.linspace(0, 1, 5))], [], "{:.3g}".format
    minor = [v for v in minor if limits[0] <= v <= limits[1]]
    return inside, minor, _format_near_one


def _set_axis(ax, which, name, dim, values):
    """Scale, limits, ticks and label of one axis; returns the plotted coordinates."""
    from matplotlib.ticker import FixedLocator, FuncFormatter

    axis = ax.xaxis if which == "x" else ax.yaxis
    set_scale = ax.set_xscale if which == "x" else ax.set_yscale
    set_limits = ax.set_xlim if which == "x" else ax.set_ylim
    set_label = ax.set_xlabel if which == "x" else ax.set_ylabel

    if dim is None and not all(_is_number(v) for v in values):
        dim = Categorical(list(dict.fromkeys(values)))
    if isinstance(dim, Categorical):
        # Choices are unordered: one evenly spaced position each.
        positions = np.array([dim.index(v) for v in values], dtype=np.float64)
        axis.set_major_locator(FixedLocator(range(len(dim))))
        axis.set_major_formatter(FuncFormatter(lambda v, _: _choice_label(dim, v)))
        set_limits(-0.5, len(dim) - 0.5)
        set_label(name)
        return positions

    coords = np.array([float(v) for v in values], dtype=np.float64)
    if dim is None:
        set_label(name)
        return coords
    limits = _padded_limits(dim)
    if dim.scaling == "log":
        set_scale("log")
        set_label(f"{name} (log scale)")
    elif dim.scaling == "reverse_log":
        set_scale("function", functions=(_reverse_log_forward, _reverse_log_inverse))
        major, minor, formatter = _reverse_log_ticks(dim, limits)
        axis.set_major_locator(FixedLocator(major))
        axis.set_minor_locator(FixedLocator(minor))
        axis.set_major_formatter(FuncFormatter(lambda v, _: formatter(v)))
        set_label(f"{name} (reverse log scale)")
    else:
        set_label(name)
    set_limits(*limits)
    return coords


def _is_number(value):
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def _choice_label(dim, position):
    index = int(round(position))
    return str(dim.values[index]) if 0 <= index < len(dim) else ""


def _dimension(search, name):
    """The range of ``name`` in a search's ``search_space_`` (None if unknown)."""
    space = getattr(search, "search_space_", None)
    if not isinstance(space, SearchSpace):
        return None
    for sub in space.subspaces:
        if name in sub.dims:
            dim = sub.dims[name]
            if isinstance(dim, Ordinal) and len(dim) == 1:
                return None  # a fixed value: no range to draw
            return dim if isinstance(dim, (_NumericRange, Ordinal, Categorical)) else None
    return None


def _check_name(argument, name, params, where):
    if not isinstance(name, str):
        raise TypeError(f"{argument} must be a parameter name (str), got {name!r}.")
    known = sorted({n for p in params for n in p})
    if name not in known:
        raise ValueError(
            f"{argument}={name!r} is not a parameter of {where}; its parameters are: "
            f"{', '.join(known)}."
        )


def _check_axes(axes, n, argument):
    from matplotlib.axes import Axes

    if isinstance(axes, Axes):
        axes = [axes]
    axes = list(np.ravel(np.asarray(axes, dtype=object)))
    if len(axes) != n or not all(isinstance(a, Axes) for a in axes):
        raise ValueError(f"{argument} must hold {n} matplotlib Axes, got {len(axes)} items.")
    return axes


def plot_evaluations(searches, x, y, *, axes=None, titles=None, cmap="viridis", metric=None):
    """Scatter the evaluations of two hyperparameters, coloured by score.

    One panel per search, side by side, with shared colour limits and one
    colorbar: compare where a random search and a Bayesian search spent
    their evaluations. Each axis follows its range's scaling (for a list of
    numbers, the scaling detected in ``search_space_``): a log axis for
    log ranges, and for reverse-log ranges an axis spaced by
    ``log(1 - value)`` whose ticks read 0.9, 0.99, 0.999.

    Parameters
    ----------
    searches : search or list of searches
        Fitted searches (their ``search_space_`` gives the scaling of each
        axis), or ``cv_results_`` dicts (drawn on linear axes).
    x, y : str
        Names of the two hyperparameters, as in ``param_distributions``.
    axes : Axes or list of Axes, default=None
        One per search; a new figure when None.
    titles : list of str, default=None
        Title of each panel. By default the search's strategy and its number
        of evaluations.
    cmap : str or Colormap, default="viridis"
        Colour map of the scores (higher scores at the bright end).
    metric : str, default=None
        Score to colour by with several metrics, as in
        :func:`plot_convergence`.

    Returns
    -------
    fig : matplotlib Figure

    Notes
    -----
    Failed candidates are drawn as grey crosses, the best one of each panel
    as a red star. With sub-spaces, candidates of sub-spaces without ``x`` or
    ``y`` are left out. Categorical parameters take one position per choice.

    Examples
    --------
    >>> from skscale.plot import plot_evaluations
    >>> fig = plot_evaluations([random_search, bayes_search], "C", "gamma")  # doctest: +SKIP
    """
    items = _as_list(searches)
    if not items:
        raise ValueError("searches is empty; give at least one fitted search.")
    if x == y:
        raise ValueError(f"x and y must name two different parameters, got {x!r} twice.")
    titles = _check_labels(titles, len(items), "titles")

    panels, keys = [], []
    for i, obj in enumerate(items):
        where = "searches" if len(items) == 1 else f"searches[{i}]"
        results = _results_of(obj, where)
        search = None if _is_results(obj) else obj
        params = list(results["params"])
        _check_name("x", x, params, where)
        _check_name("y", y, params, where)
        key = _metric_key(results, search, metric, where)
        keys.append(key)
        scores = _scores(results, key)
        keep = [j for j, p in enumerate(params) if x in p and y in p]
        panels.append((search, [params[j] for j in keep], scores[keep], len(params)))

    finite = np.concatenate([s[np.isfinite(s)] for *_, s, _n in panels])
    vmin, vmax = (float(finite.min()), float(finite.max())) if finite.size else (None, None)
    key = keys[0]

    plt = _pyplot()
    if axes is None:
        n = len(items)
        fig, grid = plt.subplots(
            1, n, figsize=(4.3 * n + 1.3, 4.0), layout="constrained", squeeze=False
        )
        axes = list(grid[0])
    else:
        axes = _check_axes(axes, len(items), "axes")
        fig = axes[0].figure

    mappable = None
    for i, (ax, (search, params, scores, n_total)) in enumerate(zip(axes, panels, strict=True)):
        xs = _set_axis(ax, "x", x, _dimension(search, x), [p[x] for p in params])
        ys = _set_axis(ax, "y", y, _dimension(search, y), [p[y] for p in params])
        ok = np.isfinite(scores)
        collection = ax.scatter(
            xs[ok],
            ys[ok],
            c=scores[ok],
            cmap=cmap,
            vmin=vmin,
            vmax=vmax,
            s=36,
            edgecolors="black",
            linewidths=0.3,
            zorder=2,
        )
        if ok.any():
            mappable = collection
        if (~ok).any():
            ax.scatter(xs[~ok], ys[~ok], marker="x", color="0.5", s=30, zorder=2, label="failed")
        if ok.any():
            best = np.flatnonzero(ok)[np.argmax(scores[ok])]
            ax.scatter(
                xs[best],
                ys[best],
                marker="*",
                s=260,
                facecolors="none",
                edgecolors="red",
                linewidths=1.5,
                zorder=3,
                label="best",
            )
            ax.legend(loc="best", fontsize="small", framealpha=0.8)
        if titles is not None:
            ax.set_title(titles[i])
        else:
            ax.set_title(f"{_default_name(search, i)} search, {n_total} evaluations")
        ax.grid(True, alpha=0.25, which="major")
    if mappable is not None:
        fig.colorbar(mappable, ax=axes, label=f"Mean test {_metric_label(key)}", shrink=0.9)
    return fig


# -- plot_warping -----------------------------------------------------------


def _as_warping(value, where):
    if isinstance(value, Warping):
        return value
    if isinstance(value, (tuple, list)) and len(value) == 2 and all(map(_is_number, value)):
        a, b = (float(v) for v in value)
        if a > 0 and b > 0 and math.isfinite(a) and math.isfinite(b):
            return Warping(a, b)
        raise ValueError(f"{where} must have positive finite (a, b), got {value!r}.")
    raise TypeError(f"{where} must be a Warping or an (a, b) pair, got {value!r}.")


def _warpings_of(warping, search_space):
    """``(list of dicts, search space or None)`` from whatever was passed."""
    if isinstance(warping, dict):
        found = [warping]
    elif isinstance(warping, (list, tuple)):
        found = list(warping)
        if not found:
            raise ValueError("warping is an empty list; give one dict per sub-space.")
    elif hasattr(warping, "warping_"):
        found = warping.warping_
        found = [found] if isinstance(found, dict) else list(found)
        if search_space is None:
            search_space = getattr(warping, "search_space_", None) or getattr(
                warping, "space", None
            )
    elif hasattr(warping, "cv_results_"):
        strategy = getattr(warping, "strategy", None)
        raise ValueError(
            f"warping: this search (strategy={strategy!r}) learned no warping; only "
            "strategy='bayesian' does. Random and grid search apply no warping, which "
            "is why the scaling of each range matters most for them."
        )
    elif hasattr(warping, "fit"):
        raise NotFittedError(
            f"warping: the {type(warping).__name__} is not fitted; call fit before plotting "
            "its warping."
        )
    else:
        raise TypeError(
            "warping must be a fitted Bayesian search, a dict of parameter name to "
            f"Warping, or a list of such dicts; got {type(warping).__name__}."
        )
    for i, entry in enumerate(found):
        if not isinstance(entry, dict):
            raise TypeError(
                f"warping[{i}] must be a dict of parameter name to Warping, got "
                f"{type(entry).__name__}."
            )
    if search_space is not None:
        if not isinstance(search_space, SearchSpace):
            raise TypeError(
                f"search_space must be a SearchSpace, got {type(search_space).__name__}."
            )
        if len(search_space.subspaces) != len(found):
            raise ValueError(
                f"search_space has {len(search_space.subspaces)} sub-spaces but warping "
                f"has {len(found)} dicts."
            )
    return found, search_space


def _draw_fixed_scalings(ax):
    """The value-to-unit maps of the three scalings, on representative ranges."""
    linear = np.linspace(0.0, 1.0, 401)
    references = [
        ("linear", None),
        ("log on [0.001, 1]", Continuous(1e-3, 1.0, "log")),
        ("reverse log on [0, 0.999]", Continuous(0.0, 0.999, "reverse_log")),
    ]
    for label, dim in references:
        if dim is None:
            unit = linear
        else:
            unit = dim.to_unit(dim.low + linear * (dim.high - dim.low))
        ax.plot(linear, unit, lw=2, label=label)
    ax.set_title("Fixed scalings")
    ax.set_xlabel("linear position in the range")
    ax.set_ylabel("searched position u")
    _legend_below(ax)


def _legend_below(ax):
    # Below the panel: inside, it would hide one curve or another whatever their shape.
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.2), fontsize="small", frameon=False)


def _range_note(dim):
    if dim is None:
        return "u (unit position after scaling)"
    scaling = dim.scaling.replace("_", "-")
    return f"u: {scaling} position in [{dim.low:g}, {dim.high:g}]"


def plot_warping(warping, *, axes=None, search_space=None):
    """Plot the warping the Bayesian model learned for each numeric range.

    The first panel draws the three fixed scalings as maps of the unit
    interval: the position a value gets in the searched interval against its
    position on a linear axis, for a log range [0.001, 1] and a reverse-log
    range [0, 0.999]. Each following panel draws, for one numeric
    hyperparameter, the learned warping ``w(u)`` of its scaled position
    ``u`` next to the identity. Warping applies on top of the scaling and
    can take far more shapes than the three fixed maps: where ``w`` is
    steep the model stretches the range and tells nearby values apart;
    where it is flat, it treats them as alike.

    Parameters
    ----------
    warping : search, dict or list of dict
        A fitted ``ScaledSearchCV(strategy="bayesian")`` or a
        :class:`~skscale.BayesianOptimizer` (their ``warping_``), or that
        attribute itself: a dict of parameter name to
        :class:`~skscale.strategies.bayesian.Warping` (or ``(a, b)`` pairs),
        or a list of such dicts, one per sub-space.
    axes : list of Axes, default=None
        One for the reference panel, then one per numeric parameter; a new
        figure when None.
    search_space : SearchSpace, default=None
        Used to label each panel with its range and scaling. Taken from the
        search when one is passed.

    Returns
    -------
    fig : matplotlib Figure

    Examples
    --------
    >>> from skscale.plot import plot_warping
    >>> from skscale.strategies.bayesian import Warping
    >>> fig = plot_warping({"C": Warping(0.5, 2.0)})  # doctest: +SKIP
    """
    found, search_space = _warpings_of(warping, search_space)
    entries = []
    for i, mapping in enumerate(found):
        for name, value in mapping.items():
            where = f"warping[{name!r}]" if len(found) == 1 else f"warping[{i}][{name!r}]"
            dim = None
            if search_space is not None:
                dim = search_space.subspaces[i].dims.get(name)
                dim = dim if isinstance(dim, (_NumericRange, Ordinal)) else None
            title = str(name) if len(found) == 1 else f"{name} (sub-space {i})"
            entries.append((title, _as_warping(value, where), dim))
    if not entries:
        raise ValueError("warping has no numeric parameter to draw (the dicts are empty).")

    plt = _pyplot()
    n = len(entries) + 1
    if axes is None:
        ncols = min(n, 4)
        nrows = math.ceil(n / ncols)
        fig, grid = plt.subplots(
            nrows, ncols, figsize=(3.4 * ncols, 4.0 * nrows), layout="constrained", squeeze=False
        )
        grid = list(grid.ravel())
        for extra in grid[n:]:
            extra.remove()
        axes = grid[:n]
    else:
        axes = _check_axes(axes, n, "axes")
        fig = axes[0].figure

    _draw_fixed_scalings(axes[0])
    u = np.linspace(0.0, 1.0, 401)
    for ax, (title, warp, dim) in zip(axes[1:], entries, strict=True):
        ax.plot(u, warp(u), lw=2, color="C3", label=f"learned: a={warp.a:.2g}, b={warp.b:.2g}")
        # Drawn over the learned curve, so it stays visible when the two coincide.
        ax.plot(u, u, ls="--", lw=1, color="0.4", label="identity")
        ax.set_title(title)
        ax.set_xlabel(_range_note(dim))
        ax.set_ylabel("warped position w(u)")
        _legend_below(ax)
    for ax in axes:
        ax.set_xlim(0, 1)
        ax.set_ylim(0, 1)
        ax.set_aspect("equal")
        ax.grid(True, alpha=0.3)
    return fig
