"""PNG figures of the benchmark (matplotlib, Agg backend).

Every function takes runs grouped as ``{task: {method: [run, ...]}}`` (see
``metrics.group``), draws one figure, saves it and returns its path, or
None when the runs it needs are missing. Curves show regret (lower is
better) on a log axis; when some drawn regret is exactly zero (every
replication found the reference), the axis turns symmetric-log, linear
below the smallest positive value, so zero has a place at the bottom.
"""

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib import ticker  # noqa: E402

from .metrics import regret_curves  # noqa: E402

STYLE = {  # method -> (colour, line style); ablations share their method's colour
    "skscale-random": ("tab:blue", "-"),
    "skscale-bayesian": ("tab:red", "-"),
    "skscale-bayesian-b4": ("tab:purple", "-"),
    "skscale-bayesian-b8": ("tab:purple", "--"),
    "skscale-random-linear": ("tab:blue", ":"),
    "skscale-bayesian-linear": ("tab:red", ":"),
    "sklearn-random": ("tab:cyan", "--"),
    "skopt-bayes": ("tab:green", "--"),
    "optuna-tpe": ("tab:orange", "--"),
}
MAIN = [m for m in STYLE if not m.endswith("-linear")]


def _grid(n_panels, ncols=5, size=(3.2, 2.6)):
    ncols = min(ncols, n_panels)
    nrows = -(-n_panels // ncols)
    fig, axes = plt.subplots(
        nrows, ncols, figsize=(size[0] * ncols, size[1] * nrows + 0.6), squeeze=False
    )
    for ax in axes.flat[n_panels:]:
        ax.set_visible(False)
    return fig, axes.flat


def _save(fig, path, legend_from=None):
    """Save, with the legend of ``legend_from`` (an axes) in a row under the panels."""
    if legend_from is None:
        fig.tight_layout()
    else:
        handles, labels = legend_from.get_legend_handles_labels()
        fig.legend(handles, labels, loc="lower center", ncol=min(len(labels), 6), fontsize=8,
                   frameon=False)
        fig.tight_layout(rect=(0, 0.5 / fig.get_figheight(), 1, 1))
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def _mean_band(ax, regret, method):
    """Mean regret with a band of one standard error of that mean; returns the mean."""
    n = np.arange(1, regret.shape[1] + 1)
    mean = np.nanmean(regret, axis=0)
    sem = np.nanstd(regret, axis=0) / np.sqrt(len(regret))
    colour, style = STYLE.get(method, ("black", "-"))
    ax.plot(n, mean, color=colour, ls=style, lw=1.5, label=method)
    ax.fill_between(n, np.maximum(mean - sem, 0), mean + sem, color=colour, alpha=0.15)
    return mean


def _regret_axes(ax, title, drawn):
    """Log y axis; symmetric-log down to 0 when ``drawn`` (arrays) holds a zero."""
    drawn = np.concatenate([np.ravel(d) for d in drawn]) if drawn else np.array([])
    finite = drawn[np.isfinite(drawn)]
    positive = finite[finite > 0]
    if positive.size and not np.any(finite == 0):
        ax.set_yscale("log")
        # Plain numbers; minor ticks labelled only when the panel spans under a decade.
        ax.yaxis.set_minor_formatter(ticker.LogFormatter(labelOnlyBase=False))
    else:
        floor = 10 ** np.floor(np.log10(positive.min())) if positive.size else 1e-6
        ax.set_yscale("symlog", linthresh=floor, linscale=0.5)
        ax.set_ylim(bottom=0)
    ax.yaxis.set_major_formatter(ticker.FuncFormatter(lambda v, _: f"{v:g}"))
    ax.xaxis.set_major_locator(ticker.MaxNLocator(integer=True))
    ax.set_title(title, fontsize=9)
    ax.set_xlabel("evaluations", fontsize=8)
    ax.tick_params(which="both", labelsize=7)


def mean_curves(grouped, optima, path, methods=MAIN):
    """Mean best-so-far regret per task, with standard-error bands."""
    tasks = [t for t in grouped if any(m in grouped[t] for m in methods)]
    if not tasks:
        return None
    fig, axes = _grid(len(tasks))
    for ax, task in zip(axes, tasks, strict=False):
        drawn = [_mean_band(ax, regret_curves(grouped[task][m], optima[task]), m)
                 for m in methods if m in grouped[task]]
        _regret_axes(ax, task, drawn)
    axes[0].set_ylabel("regret (mean ± s.e.)", fontsize=8)
    return _save(fig, path, legend_from=axes[0])


def single_replications(grouped, optimum, task, path, methods, n_lines=5):
    """A few individual replications next to the mean over all of them."""
    available = [m for m in methods if m in grouped.get(task, {})]
    if not available:
        return None
    fig, axes = plt.subplots(1, len(available), figsize=(4.5 * len(available), 3.4),
                             sharey=True, squeeze=False)
    for ax, method in zip(axes[0], available, strict=True):
        regret = regret_curves(grouped[task][method], optimum)
        n = np.arange(1, regret.shape[1] + 1)
        colour = STYLE.get(method, ("black",))[0]
        for row in regret[:n_lines]:
            ax.plot(n, row, color=colour, lw=0.9, alpha=0.8)
        mean = np.nanmean(regret, axis=0)
        ax.plot(n, mean, color="black", lw=2, label=f"mean of {len(regret)}")
        _regret_axes(ax, f"{method}: {min(n_lines, len(regret))} replications",
                     [regret[:n_lines], mean])
        ax.legend(fontsize=8)
    axes[0][0].set_ylabel(f"{task} regret", fontsize=8)
    return _save(fig, path)


def scatter(grouped, task, x, y, space, path, methods, seed=0):
    """Two log-scaled parameters of one replication per method, coloured by score."""
    runs = {
        m: next((r for r in grouped.get(task, {}).get(m, []) if r["seed"] == seed), None)
        for m in methods
    }
    runs = {m: r for m, r in runs.items() if r is not None}
    if not runs:
        return None
    scores = np.concatenate([r["scores"] for r in runs.values()])
    # Spend the colours on the better half: the poor candidates all look alike.
    vmin, vmax = np.nanpercentile(scores, 50), np.nanmax(scores)
    fig, axes = plt.subplots(1, len(runs), figsize=(4.4 * len(runs) + 1, 4), squeeze=False,
                             sharex=True, sharey=True, layout="constrained")
    for ax, (method, run) in zip(axes[0], runs.items(), strict=True):
        xs = [p[x] for p in run["params"]]
        ys = [p[y] for p in run["params"]]
        points = ax.scatter(xs, ys, c=run["scores"], cmap="viridis", vmin=vmin, vmax=vmax,
                            s=24, edgecolors="k", linewidths=0.3)
        # Limits a little beyond the ranges, so points on a bound stay whole.
        ax.set(xscale="log", yscale="log", xlabel=x,
               xlim=(space[x].low / 2, space[x].high * 2),
               ylim=(space[y].low / 2, space[y].high * 2))
        ax.set_title(f"{method}\n{task}, seed {seed}, {len(xs)} evaluations", fontsize=9)
    axes[0][0].set_ylabel(y)
    fig.colorbar(points, ax=list(axes[0]), label="CV score (colours: better half)", extend="min")
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def scaling(grouped, optima, path, pairs):
    """Right scaling (solid) against every range linear (dotted), per task."""
    tasks = [t for t in grouped if any(m in grouped[t] for pair in pairs for m in pair)]
    if not tasks:
        return None
    fig, axes = _grid(len(tasks))
    for ax, task in zip(axes, tasks, strict=False):
        drawn = [_mean_band(ax, regret_curves(grouped[task][m], optima[task]), m)
                 for pair in pairs for m in pair if m in grouped[task]]
        _regret_axes(ax, task, drawn)
    axes[0].set_ylabel("regret (mean ± s.e.)", fontsize=8)
    return _save(fig, path, legend_from=axes[0])


def _kumaraswamy(u, a, b):
    return 1 - (1 - u**a) ** b


def warping(grouped, task, space, path, methods):
    """Fixed scalings as maps of [0, 1], then the warpings learned on ``task``.

    The fixed maps take a value's position in its range on a linear scale to
    its position under log (range 1e-3..1) or reverse-log (range 0..0.999)
    scaling. Learned warps apply on top of the method's own scaling: with
    every range forced linear, a learned warp that bends like the log map
    has found the log scaling by itself.
    """
    learned = {m: [r["warping"] for r in grouped.get(task, {}).get(m, []) if r.get("warping")]
               for m in methods}
    learned = {m: w for m, w in learned.items() if w}
    if not learned:
        return None
    t = np.linspace(0, 1, 201)
    fig, axes = plt.subplots(1, 1 + len(learned), figsize=(4 * (1 + len(learned)), 3.8),
                             squeeze=False)
    ax = axes[0][0]
    ax.plot(t, t, color="grey", label="linear")
    ax.plot(t, np.log1p(t * 999) / np.log(1000), color="tab:blue", label="log, 1e-3..1")
    ax.plot(t, -np.log1p(-0.999 * t) / -np.log(1e-3), color="tab:orange",
            label="reverse log, 0..0.999")
    ax.set(title="fixed scalings", xlabel="position on a linear scale", ylabel="searched position")
    ax.legend(fontsize=8, loc="lower right")
    colours = {name: f"C{i}" for i, name in enumerate(space)}
    for ax, (method, warps) in zip(axes[0][1:], learned.items(), strict=True):
        ax.plot(t, t, color="grey", ls=":", lw=1)
        for w in warps:
            for name, (a, b) in w.items():
                ax.plot(t, _kumaraswamy(t, a, b), color=colours.get(name, "k"), lw=0.8,
                        alpha=0.5)
        for name in sorted({n for w in warps for n in w}):
            scaling = getattr(space.get(name), "scaling", "?")
            label = f"{name} (task's scaling: {scaling})"
            ax.plot([], [], color=colours.get(name, "k"), label=label)
        ax.set_title(f"learned by {method}\n{task}, {len(warps)} replications", fontsize=9)
        ax.set_xlabel("unit position under the method's scaling")
    return _save(fig, path, legend_from=axes[0][-1])


def overhead(results, path):
    """Seconds per proposal against the number of observations, log-log."""
    curves = {k: v for k, v in results.items() if isinstance(v, dict) and v}
    if not curves:
        return None
    fig, ax = plt.subplots(figsize=(5, 3.8))
    for name, by_n in curves.items():
        n = sorted(by_n, key=int)
        ax.plot([int(k) for k in n], [by_n[k] for k in n], marker="o", label=name)
    ax.set(xscale="log", yscale="log", xlabel="observations told",
           ylabel="seconds per proposal (tell + ask)", title="proposal overhead, 6 dimensions")
    ax.legend(fontsize=8)
    return _save(fig, path)

