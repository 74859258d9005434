"""The multi-fidelity benchmark's summary (``multifidelity.md``) and figure.

Every number comes from the stored rows of each run: its score, its cost
(resource trained, in full-resource evaluations) and whether it was
evaluated at the maximum resource. Only full-resource rows count as
results, as for ``best_params_``.
"""

import datetime

import numpy as np

from .metrics import rank_test
from .report import _fmt, _fmt_interval, _table, machine, versions

GRID_STEP = 0.25  # full-resource evaluations
BOOTSTRAP = 1000  # resamples of the runs for the interval of the cost to reach the target
MAIN = "bayesian-hyperband"  # the method the targets are about
BASELINE = "random-full"
TARGET_RATIO = 0.33  # of the baseline's cost, from the issue
MISLEADING = 0.3  # tasks whose rank correlation is below this mislead at low resource
COLOURS = {
    "random-full": "tab:gray", "bayesian-full": "tab:blue", "random-hyperband": "tab:olive",
    "bayesian-hyperband": "tab:red", "bayesian-sh": "tab:orange",
    "sklearn-halving": "tab:green", "bayesian-hyperband-joint": "tab:purple",
    "optuna-hyperband": "tab:brown", "bayesian-adaptive": "tab:cyan",
    "random-adaptive": "tab:pink",
}
ADAPTIVE = "bayesian-adaptive"
ADAPTIVE_PEERS = ("bayesian-hyperband", "bayesian-full")


def best_curve(run, grid):
    """Best full-resource score reached by each cost of ``grid`` (NaN before the first)."""
    spent = np.cumsum(run["cost"])
    scores = np.where(run["full"], run["scores"], np.nan)
    scores = np.where(np.isfinite(scores), scores, -np.inf)
    best = np.maximum.accumulate(scores)
    best = np.where(np.isinf(best), np.nan, best)
    index = np.searchsorted(spent, grid + 1e-9, side="right") - 1
    return np.where(index >= 0, best[np.clip(index, 0, None)], np.nan)


def mean_curve(runs, grid):
    """Mean over runs, only where every run has a full-resource result."""
    curves = np.array([best_curve(r, grid) for r in runs])
    mean = curves.mean(axis=0)
    return np.where(np.isnan(curves).any(axis=0), np.nan, mean)


def cost_to_reach(mean, grid, target):
    """Smallest cost at which the mean curve reaches ``target`` (NaN if never)."""
    reached = np.flatnonzero(mean >= target - 1e-12)
    return float(grid[reached[0]]) if len(reached) else np.nan


def reach_interval(curves, grid, target, n_boot=BOOTSTRAP, seed=0, baseline=None):
    """Bootstrap interval (10th and 90th percentiles) of the cost to reach ``target``.

    The runs are resampled with replacement and the cost read on each
    resample's mean curve as for the point value; a resample that never
    reaches the target counts as infinite. With ``baseline`` (the final
    bests whose mean is the target), each resample draws those too and reads
    the cost against their resample's mean: the target is an estimate as
    well, and where a curve runs close to it, its own noise decides.
    """
    rng = np.random.default_rng(seed)
    reach = np.empty(n_boot)
    for b in range(n_boot):
        sample = curves[rng.integers(0, len(curves), len(curves))]
        mean = np.where(np.isnan(sample).any(axis=0), np.nan, sample.mean(axis=0))
        if baseline is not None:
            target = float(np.mean(baseline[rng.integers(0, len(baseline), len(baseline))]))
        cost = cost_to_reach(mean, grid, target)
        reach[b] = cost if np.isfinite(cost) else np.inf
    return tuple(np.percentile(reach, [10, 90], method="nearest"))


def final_bests(runs):
    out = []
    for r in runs:
        full = [s for s, f in zip(r["scores"], r["full"], strict=True) if f and np.isfinite(s)]
        out.append(max(full) if full else np.nan)
    return np.array(out)


def task_rows(by_method, full_budget):
    """Per method: final best, cost, time, cost to reach the baseline's mean best."""
    grid = np.arange(GRID_STEP, full_budget + GRID_STEP / 2, GRID_STEP)
    baseline = final_bests(by_method[BASELINE].values())
    target = float(np.mean(baseline))
    rows = {}
    for method, runs in by_method.items():
        runs = [runs[s] for s in sorted(runs)]
        if not runs:
            continue
        mean = mean_curve(runs, grid)
        finals = final_bests(runs)
        curves = np.array([best_curve(r, grid) for r in runs])
        rows[method] = {
            "n": len(runs), "curve": mean, "curves": curves,
            "final_mean": float(np.mean(finals)), "final_std": float(np.std(finals)),
            "finals": finals,
            "cost": float(np.mean([np.sum(r["cost"]) for r in runs])),
            "seconds": float(np.mean([r["seconds"] for r in runs])),
            "cpu": float(np.mean([r["cpu_seconds"] for r in runs])),
            "reach": cost_to_reach(mean, grid, target),
            "reach_interval": reach_interval(curves, grid, target, baseline=baseline),
        }
    return grid, target, rows


def _at(grid, curve, cost):
    index = np.searchsorted(grid, cost + 1e-9, side="right") - 1
    return curve[index] if index >= 0 else np.nan


def verdicts(task, tables, probes):
    """The issue's three targets on one task, as text."""
    grid, target, rows = tables[task]
    main, lines = rows.get(MAIN), []
    if main is None or BASELINE not in rows:
        return lines
    base = rows[BASELINE]["cost"]
    ratio = main["reach"] / base
    ok = np.isfinite(ratio) and ratio <= TARGET_RATIO
    lines.append(f"reaches random@64's mean best at {_fmt(ratio, '.2f')}x its cost "
                 f"(target <= {TARGET_RATIO}): {'met' if ok else 'MISSED'}")
    if "sklearn-halving" in rows:
        halving = rows["sklearn-halving"]
        mine = _at(grid, main["curve"], halving["cost"])
        ok = np.isfinite(mine) and mine >= halving["final_mean"]
        lines.append(f"mean best at HalvingRandomSearchCV's cost ({halving['cost']:.1f}): "
                     f"{_fmt(mine, '.4f')} vs {_fmt(halving['final_mean'], '.4f')}: "
                     f"{'met' if ok else 'MISSED'}")
    if "optuna-hyperband" in rows:
        optuna = rows["optuna-hyperband"]
        mine = _at(grid, main["curve"], optuna["cost"])
        lines.append(f"mean best at optuna-with-pruner's cost ({optuna['cost']:.1f}): "
                     f"{_fmt(mine, '.4f')} vs {_fmt(optuna['final_mean'], '.4f')}: "
                     f"{'higher' if mine >= optuna['final_mean'] else 'lower'}")
    rho = probes.get(task, {}).get("spearman", np.nan)
    if rho < MISLEADING and "bayesian-full" in rows:
        full = rows["bayesian-full"]["reach"]
        for method in dict.fromkeys((MAIN, ADAPTIVE)):
            if method not in rows:
                continue
            reach = rows[method]["reach"]
            ok = np.isfinite(reach) and (not np.isfinite(full) or reach <= 1.2 * full)
            lines.append(f"misleading task (Spearman {rho:.2f}): {method}'s cost to reach "
                         f"{_fmt(reach, '.2f')} {_fmt_interval(*rows[method]['reach_interval'])} "
                         f"vs full-fidelity Bayesian {_fmt(full, '.2f')} "
                         f"{_fmt_interval(*rows['bayesian-full']['reach_interval'])} "
                         f"(target <= 1.2x): {'met' if ok else 'MISSED'}")
    return lines


def _pairs_section(tables, pairs):
    """Head-to-head final bests of two methods per task, with Mann-Whitney p-values."""
    lines = []
    for a, b, title in pairs:
        rows, wins = [], 0
        for task, (_, _, by_method) in tables.items():
            if a not in by_method or b not in by_method:
                continue
            ra, rb = by_method[a], by_method[b]
            wins += ra["final_mean"] > rb["final_mean"]
            rows.append([task, _fmt(ra["final_mean"], ".4f"), _fmt(rb["final_mean"], ".4f"),
                         _fmt(rank_test(ra["finals"], rb["finals"]), ".2f"),
                         _fmt(ra["cost"], ".1f"), _fmt(rb["cost"], ".1f")])
        if rows:
            lines += [f"## {title}", "",
                      _table(["task", f"{a} final", f"{b} final", "Mann-Whitney p",
                              f"{a} cost", f"{b} cost"], rows),
                      "", f"{a} has the higher mean on {wins} of {len(rows)} tasks.", ""]
    return lines


def adaptive_outcome(run):
    """Which levels an adaptive run kept, read from its rows' costs.

    Returns 0 when it kept the lowest level (a bracket starts there after the
    first calibration), 1 when it kept only the second (after the second
    level's test, more rows below the maximum), 2 when it fell back to the
    full resource (below the maximum, only that test's rows). A calibration
    is a run of rows at one level, then a run at the maximum; the second
    level's test rescores the calibration's configurations at that level
    (a retest), or, in runs made before retests, is a calibration of its own.
    A split calibration (``split_calibration``) is two such pairs of runs.
    """
    cost = np.asarray(run["cost"])
    starts = np.flatnonzero(np.r_[True, cost[1:] != cost[:-1]])
    runs_of = [cost[i] for i in starts]  # the level of each run of equal rows
    split = len(runs_of) > 3 and runs_of[1] == runs_of[3] == 1 and runs_of[2] == runs_of[0]
    end = 4 if split else 2  # the run after the first calibration
    if len(runs_of) <= end:
        return 2
    if runs_of[end] == runs_of[0]:
        return 0
    tested = np.sum(cost[: starts[end]] < 1)  # the calibration's rows below the maximum
    return 1 if np.sum(cost[starts[end] :] < 1) > tested else 2


def _outcome_line(method, runs):
    counts = np.bincount([adaptive_outcome(r) for r in runs.values()], minlength=3)
    return (f"{method}: kept the lowest level in {counts[0]} of {sum(counts)} runs, only "
            f"the second in {counts[1]}, fell back to the full resource in {counts[2]}")


def _equal_cost_section(tables, probes, method, peers):
    """``method`` against ``peers`` per task: cost to reach the target, and each
    one's best per run at ``method``'s mean cost spent (Mann-Whitney p-values)."""
    header, rows = ["task (rho)", "cost", f"{method}: reach", "best at that cost"], []
    for peer in peers:
        header += [f"{peer}: reach", "best at that cost", "p"]
    for task, (grid, _, by_method) in tables.items():
        if method not in by_method or not all(p in by_method for p in peers):
            continue
        mine = by_method[method]
        index = np.searchsorted(grid, mine["cost"] + 1e-9, side="right") - 1
        cost = grid[index]
        rho = probes.get(task, {}).get("spearman", np.nan)
        row = [f"{task} ({_fmt(rho, '.2f')})", _fmt(cost, ".2f"), _fmt(mine["reach"], ".2f"),
               _fmt(np.mean(mine["curves"][:, index]), ".4f")]
        for peer in peers:
            theirs = by_method[peer]
            row += [_fmt(theirs["reach"], ".2f"), _fmt(np.mean(theirs["curves"][:, index]), ".4f"),
                    _fmt(rank_test(mine["curves"][:, index], theirs["curves"][:, index]), ".2f")]
        rows.append(row)
    if not rows:
        return []
    return [f"## {method} against {', '.join(peers)} at equal cost", "",
            f"Best = mean over runs of the best full-resource score once {method}'s mean cost "
            f"(grid step {GRID_STEP}) is spent; p = Mann-Whitney between {method}'s runs and "
            "the peer's at that cost; reach = cost to reach the target (random@64's mean best).",
            "", _table(header, rows), ""]


def figure(tables, path, full_budget):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    names = list(tables)
    fig, axes = plt.subplots(1, len(names), figsize=(3.6 * len(names), 3.2), squeeze=False)
    for ax, task in zip(axes[0], names, strict=True):
        grid, target, rows = tables[task]
        for method, row in rows.items():
            ax.plot(grid, row["curve"], color=COLOURS.get(method), label=method,
                    lw=2 if method == MAIN else 1.2)
        ax.axhline(target, color="k", ls=":", lw=1)
        ax.axvline(TARGET_RATIO * full_budget, color="k", ls="--", lw=0.6)
        ax.set_xscale("log")
        ax.set_xlim(0.5, full_budget)
        finite = np.concatenate([r["curve"][np.isfinite(r["curve"])] for r in rows.values()])
        if finite.size:  # the first few evaluations would squash the interesting part
            low, high = np.percentile(finite, 10), max(finite.max(), target)
            ax.set_ylim(low, high + 0.05 * (high - low))
        ax.set_title(task, fontsize=9)
        ax.set_xlabel("cost (full-resource evaluations)")
    axes[0][0].set_ylabel("mean best CV accuracy")
    handles, labels = axes[0][0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="lower center", ncol=len(labels), fontsize=8,
               bbox_to_anchor=(0.5, -0.02))
    fig.tight_layout(rect=(0, 0.08, 1, 1))
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def write(out, runs, probes, tasks, methods, full_budget, mf_budget):
    """Write ``multifidelity.md`` and ``multifidelity.png`` in ``out``; return the summary path."""
    tables = {t: task_rows(by_method, full_budget) for t, by_method in runs.items()
              if by_method.get(BASELINE)}
    if not tables:
        raise SystemExit(f"No stored runs of {BASELINE} in {out}: nothing to report.")
    lines = [
        "# Multi-fidelity benchmark",
        "",
        f"Generated {datetime.date.today()} by `python benchmarks/multifidelity.py`; "
        f"{machine()}; {versions()}.",
        "",
        f"Full-fidelity searches: N = {full_budget} evaluations. Multi-fidelity searches: "
        f"`n_iter={mf_budget}`, a budget of {mf_budget} full-resource evaluations. Cost = "
        "resource trained (sum over rows of `n_resources` x folds) in units of one "
        "full-resource evaluation; 64 is what full-fidelity random search spends. Results "
        "are full-resource rows only. The target is full-fidelity random search's mean best "
        f"after {full_budget}; cost to reach it is read on the mean best-so-far curve "
        f"(step {GRID_STEP}); its 80% interval is the 10th to 90th percentile of that cost "
        f"over {BOOTSTRAP} bootstrap resamples of the runs and of full-fidelity random "
        "search's (whose mean is the target; never: more than 10% of the resamples never "
        "reach it). Mean ± std over the replications (seeds 0..R-1).",
        "",
        "Methods:",
        "",
        *[f"- `{name}`: {label}" for name, (_, label) in methods.items()],
        "",
        "Rank correlation: Spearman's rho between the scores of "
        "24 random configurations at the lowest and at the highest resource; below "
        f"{MISLEADING} the task is one where low-resource scores mislead.",
        "",
        _table(
            ["task", "resource", "levels", "Spearman rho", "target (random@64 mean best)"],
            [[t, tasks[t].resource, f"{tasks[t].min_resource}..{tasks[t].max_resource}",
              _fmt(probes.get(t, {}).get("spearman", np.nan), ".2f"),
              _fmt(tables[t][1], ".4f")] for t in tables],
        ),
        "",
    ]
    for task, (_, _, rows) in tables.items():
        lines += [f"## {task}", ""]
        outcomes = [_outcome_line(m, runs[task][m]) for m in rows if "adaptive" in m]
        base = rows[BASELINE]["cost"]
        table_rows = []
        for method, row in rows.items():
            table_rows.append([
                method, str(row["n"]),
                f"{_fmt(row['final_mean'], '.4f')} ± {_fmt(row['final_std'], '.4f')}",
                _fmt(row["cost"], ".1f"),
                _fmt(row["reach"], ".2f"), _fmt_interval(*row["reach_interval"]),
                _fmt(row["reach"] / base, ".2f"),
                _fmt(row["seconds"], ".1f"), _fmt(row["cpu"], ".1f"),
            ])
        lines += [
            _table(["method", "R", "final best", "cost spent", "cost to reach target",
                    "80% interval", "x random@64", "wall s", "CPU s"], table_rows),
            "",
            *[f"- {v}" for v in verdicts(task, tables, probes)],
            *[f"- {line}" for line in outcomes],
            "",
        ]
    lines += _equal_cost_section(tables, probes, ADAPTIVE, ADAPTIVE_PEERS)
    lines += _pairs_section(tables, [
        ("bayesian-adaptive", "bayesian-hyperband", "Adaptive schedule against Hyperband "
         "(both Bayesian, same budget)"),
        ("random-adaptive", "random-hyperband", "Adaptive schedule against Hyperband "
         "(both random, same budget)"),
        ("bayesian-hyperband", "bayesian-hyperband-warp-from-0", "Level models: warping "
         "learned from twice the initial design's results (the default) against from the "
         "first results (Hyperband)"),
        ("bayesian-adaptive", "bayesian-adaptive-warp-from-0", "Level models: warping "
         "learned from twice the initial design's results (the default) against from the "
         "first results (adaptive schedule)"),
        ("bayesian-adaptive-screened", "bayesian-adaptive-warp-from-0", "Adaptive schedule: "
         "calibration screening Hyperband's first rung against 6 fresh configurations (both "
         "Bayesian, warp_from=0)"),
        ("bayesian-adaptive-skip-full", "bayesian-adaptive-warp-from-0", "Adaptive schedule: "
         "the first Hyperband cycle after a trusted calibration without its full-resource "
         "bracket, against with it (both Bayesian, warp_from=0)"),
        ("bayesian-adaptive-split-calibration", "bayesian-adaptive", "Adaptive schedule: "
         "the first calibration split into the initial design and proposals of the maximum's "
         "model, against 6 space-filling configurations (both Bayesian)"),
        ("bayesian-hyperband-warp-from-0", "bayesian-sh", "Default schedule: Hyperband against "
         "successive halving (both Bayesian, warp_from=0)"),
        ("bayesian-hyperband", "random-hyperband", "Bayesian (BOHB-style) against random "
         "configurations (both Hyperband)"),
        ("bayesian-hyperband-joint", "bayesian-hyperband-ei-full", "Bayesian model: every "
         "level with the resource as an input, against the highest level with enough results "
         "(both exploit_full=False, warp_from=0)"),
        ("bayesian-hyperband-alternate", "bayesian-hyperband-ei-full", "Bracket order: "
         "Hyperband's cycles after the first from the full-resource bracket down, against "
         "every cycle from the lowest level up (both Bayesian, exploit_full=False, "
         "warp_from=0)"),
        ("bayesian-adaptive-alternate", "bayesian-adaptive-ei-full", "Bracket order in the "
         "adaptive schedule's Hyperband: cycles after the first from the full-resource bracket "
         "down, against every cycle from the lowest level up (both Bayesian, "
         "exploit_full=False, warp_from=0)"),
        ("bayesian-hyperband", "sklearn-halving", "Bayesian Hyperband against "
         "HalvingRandomSearchCV (same budget)"),
        ("bayesian-hyperband", "optuna-hyperband", "Bayesian Hyperband against optuna's TPE "
         "with its Hyperband pruner (same budget)"),
    ])
    lines += ["![best-so-far vs cost](multifidelity.png)", ""]
    summary = out / "multifidelity.md"
    out.mkdir(parents=True, exist_ok=True)
    figure(tables, out / "multifidelity.png", full_budget)
    summary.write_text("\n".join(lines))
    return summary
