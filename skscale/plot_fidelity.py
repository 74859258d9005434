"""The figure of a multi-fidelity search: which resource each evaluation ran at.

Exposed as :func:`skscale.plot.plot_resources`.
"""

import numpy as np


def plot_resources(search, *, ax=None, metric=None, cmap="viridis"):
    """Resource level of every evaluation of a multi-fidelity search, in order.

    Each dot is one row of ``cv_results_`` (one configuration at one
    resource), placed by evaluation order and resource level (log axis) and
    coloured by score; the brackets are shaded in turn and the best
    full-resource row is starred. It shows how much of the search ran cheaply
    and how far the best configurations were promoted.

    Parameters
    ----------
    search : ScaledSearchCV or dict
        A search fitted with a ``resource``, or its ``cv_results_``.
    ax : matplotlib Axes, default=None
        Where to draw; a new figure when None.
    metric : str, default=None
        The score colouring the dots (default: the search's refit metric).
    cmap : str, default="viridis"

    Returns
    -------
    ax : matplotlib Axes

    Examples
    --------
    >>> from skscale.plot import plot_resources
    >>> ax = plot_resources(search)  # doctest: +SKIP
    """
    # skscale.plot imports this module: its helpers are imported here, not above.
    from .plot import _metric_key, _pyplot, _results_of, _scores

    plt = _pyplot()
    results = _results_of(search, "search")
    if "n_resources" not in results:
        raise ValueError(
            "search has no 'n_resources' in its cv_results_: plot_resources draws a "
            "search fitted with a resource (ScaledSearchCV(resource=...))."
        )
    key = _metric_key(results, search if not isinstance(search, dict) else None, metric, "search")
    scores = _scores(results, key)
    levels = np.asarray(results["n_resources"], dtype=np.float64)
    order = np.arange(1, len(levels) + 1)
    if ax is None:
        _, ax = plt.subplots(figsize=(7.0, 3.6), layout="constrained")
    if "bracket" in results:
        brackets = np.asarray(results["bracket"])
        for i, b in enumerate(np.unique(brackets[brackets >= 0])):
            rows = order[brackets == b]
            if i % 2:
                ax.axvspan(rows.min() - 0.5, rows.max() + 0.5, color="0.92", zorder=0)
    finite = np.isfinite(scores)
    dots = ax.scatter(order[finite], levels[finite], c=scores[finite], cmap=cmap, s=18, zorder=2)
    if (~finite).any():
        ax.scatter(
            order[~finite], levels[~finite], marker="x", color="C3", s=18, label="failed", zorder=2
        )
    top = levels.max()
    full = finite & (levels == top)
    if full.any():
        best = np.flatnonzero(full)[np.argmax(scores[full])]
        ax.scatter(
            [order[best]],
            [levels[best]],
            marker="*",
            s=220,
            color="C3",
            edgecolor="k",
            zorder=3,
            label="best at max resource",
        )
    ax.set_yscale("log")
    ticks = np.unique(levels)
    ax.set_yticks(ticks, [f"{t:g}" for t in ticks])
    ax.minorticks_off()
    ax.set_xlabel("evaluation (row of cv_results_)")
    ax.set_ylabel("resource (n_resources)")
    ax.figure.colorbar(dots, ax=ax, label=key.removeprefix("mean_test_"))
    ax.legend(loc="lower right", fontsize=8)
    return ax
