"""The simulated-cluster benchmark's summary (``cluster.md``) and figure (``cluster.png``).

Each stored run holds its scores in evaluation order, its round sizes and,
per round, the wall time at which the round's results were known
(``known_at``) and the same on the idle-machine clock (``known_at_idle``,
overheads at their CPU time). A run's best-so-far against wall time is a
step function of those times; curves are averaged over replications on a
grid of ``GRID_STEP`` seconds, where every replication has a result.
"""

import datetime

import numpy as np
from scipy.stats import mannwhitneyu

from .metrics import evals_to_match
from .report import _fmt, _table, machine, versions

GRID_STEP = 0.01  # seconds
TARGET_RATIO = 0.35  # of random search's wall time, from the issue
TARGET_CONFIG = (8, 16)  # the (B, W) the issue's target is about
CLOCKS = {"wall": "known_at", "idle": "known_at_idle"}
COLOURS = {(4, 8): "tab:green", (8, 16): "tab:blue", (16, 32): "tab:purple"}


def best_at(run, grid, clock="known_at"):
    """Best score known at each time of ``grid`` (NaN before the first round ends)."""
    ends = np.cumsum(run["round_sizes"])
    scores = np.where(np.isfinite(run["scores"]), run["scores"], -np.inf)
    best = np.maximum.accumulate(scores)[ends - 1]  # best after each round
    best = np.where(np.isinf(best), np.nan, best)
    index = np.searchsorted(run[clock], grid + 1e-12, side="right") - 1
    return np.where(index >= 0, best[np.clip(index, 0, None)], np.nan)


def mean_curve(runs, grid, clock="known_at"):
    """Mean best-so-far over runs, NaN until every run has a result."""
    curves = np.array([best_at(r, grid, clock) for r in runs])
    return np.where(np.isnan(curves).any(axis=0), np.nan, curves.mean(axis=0))


def time_to_reach(curve, grid, target):
    """First time of ``grid`` at which ``curve`` reaches ``target`` (NaN if never)."""
    reached = np.flatnonzero(curve >= target - 1e-12)
    return float(grid[reached[0]]) if reached.size else np.nan


def final_best(run):
    scores = np.asarray(run["scores"], dtype=float)
    return float(np.nanmax(scores)) if np.isfinite(scores).any() else np.nan


def config_row(random_runs, bayes_runs):
    """Figures of merit of one task and (B, W).

    Parameters
    ----------
    random_runs, bayes_runs : list of dict
        Stored runs of ``random-wW`` and ``bayesian-bB-wW``.

    Returns
    -------
    row : dict
        ``target`` (random search's mean best over its whole budget); per clock (``wall``,
        ``idle``): ``random_s`` and ``random_std`` (its wall time for N),
        ``reach_s`` (when Bayesian search's mean best-so-far reaches the
        target), ``ratio``; ``per_run`` (each Bayesian run's own time to reach
        the target, NaN if never), ``evals`` (evaluations for Bayesian's mean
        best-so-far to reach the target, None if never), ``bayes_s``
        (mean duration of a Bayesian search), ``proposal_wall`` and
        ``proposal_cpu`` (mean seconds per model-based round, first round
        excluded), and the replication counts.
    """
    target = float(np.mean([final_best(r) for r in random_runs]))
    row = {"target": target, "R_random": len(random_runs), "R_bayes": len(bayes_runs)}
    for name, clock in CLOCKS.items():
        random_end = np.array([r[clock][-1] for r in random_runs])
        horizon = max(max(r[clock][-1] for r in bayes_runs), random_end.max())
        grid = np.arange(0.0, horizon + GRID_STEP, GRID_STEP)
        reach = time_to_reach(mean_curve(bayes_runs, grid, clock), grid, target)
        row[name] = {
            "random_s": float(random_end.mean()), "random_std": float(random_end.std()),
            "reach_s": reach, "ratio": reach / random_end.mean(), "grid": grid,
            "per_run": np.array([time_to_reach(best_at(r, grid, clock), grid, target)
                                 for r in bayes_runs]),
        }
    by_eval = np.mean([np.fmax.accumulate(np.nan_to_num(r["scores"], nan=-np.inf))
                       for r in bayes_runs], axis=0)
    row["evals"] = evals_to_match(-by_eval, -target)
    row["bayes_s"] = float(np.mean([r["known_at"][-1] for r in bayes_runs]))
    # Per model-based round: the first round is an initial design, not a proposal.
    later = [r for r in bayes_runs if len(r["round_sizes"]) > 1]
    row["proposal_wall"] = (float(np.mean([np.mean(r["proposal_seconds"][1:]) for r in later]))
                            if later else np.nan)
    row["proposal_cpu"] = (float(np.mean([np.mean(r["overhead_cpu"][1:]) for r in later]))
                           if later else np.nan)
    return row


def tables(runs, configs, rule=""):
    """``{task: {(B, W): config_row}}`` for every task and config with runs of both.

    ``rule`` is the Bayesian methods' suffix: "" for the default batch rule,
    ``"-believer"`` for the kriging believer.
    """
    out = {}
    for task, by_method in runs.items():
        for batch, workers in configs:
            random_runs = list(by_method.get(f"random-w{workers}", {}).values())
            bayes_runs = list(by_method.get(f"bayesian-b{batch}-w{workers}{rule}", {}).values())
            if random_runs and bayes_runs:
                out.setdefault(task, {})[batch, workers] = config_row(random_runs, bayes_runs)
    return out


def _met(ratio):
    return "met" if np.isfinite(ratio) and ratio <= TARGET_RATIO else "MISSED"


def _spread(per_run):
    """'k/R; median (quartiles)' of per-run times, a run that never reaches counting as
    infinitely slow ("never"), so the median is not flattered by leaving it out."""
    times = np.where(np.isfinite(per_run), per_run, np.inf)
    q1, median, q3 = (("never" if np.isinf(q) else f"{q:.1f}")
                      for q in np.percentile(times, [25, 50, 75], method="inverted_cdf"))
    return f"{np.isfinite(per_run).sum()}/{per_run.size}; {median} ({q1} to {q3})"


def figure(runs, table, tasks, configs, path):
    """Mean regret against wall time: rows = (B, W), columns = tasks; the
    believer's curve dashed beside the default batch rule's."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    names = list(table)
    fig, axes = plt.subplots(len(configs), len(names), figsize=(3.5 * len(names),
                             2.8 * len(configs)), squeeze=False, sharex="row")
    for i, (batch, workers) in enumerate(configs):
        for j, task in enumerate(names):
            ax, row = axes[i][j], table[task].get((batch, workers))
            if row is None:
                ax.set_visible(False)
                continue
            optimum = tasks[task].optimum
            grid = row["wall"]["grid"]
            colour = COLOURS.get((batch, workers), "tab:blue")
            for rule, style in (("-believer", "--"), ("", "-")):
                bayes = list(runs[task].get(f"bayesian-b{batch}-w{workers}{rule}", {}).values())
                if not bayes:
                    continue
                curves = np.array([best_at(r, grid) for r in bayes])
                complete = ~np.isnan(curves).any(axis=0)
                regret = np.maximum(optimum - curves[:, complete], 1e-6)
                mean = regret.mean(axis=0)
                t = grid[complete]
                if rule:
                    ax.plot(t, mean, color=colour, lw=1, ls=style, alpha=0.7,
                            label="kriging believer")
                    continue
                sem = regret.std(axis=0) / np.sqrt(len(regret))
                ax.plot(t, mean, color=colour, lw=1.6, label=f"bayesian B={batch}")
                ax.fill_between(t, np.maximum(mean - sem, 1e-6), mean + sem, color=colour,
                                alpha=0.2, lw=0)
            target = max(optimum - row["target"], 1e-6)
            ax.axhline(target, color="k", ls=":", lw=1, label="random's mean best at 64")
            ax.errorbar([row["wall"]["random_s"]], [target], xerr=[row["wall"]["random_std"]],
                        fmt="o", color="tab:gray", label="random search, mean time for 64 ± std")
            ax.axvline(TARGET_RATIO * row["wall"]["random_s"], color="k", ls="--", lw=0.7,
                       label=f"{TARGET_RATIO} x random's time")
            ax.set_yscale("log")
            ax.set_title(f"{task}, B={batch}, W={workers}", fontsize=9)
            if i == len(configs) - 1:
                ax.set_xlabel("wall time (s)")
            if j == 0:
                ax.set_ylabel("mean best regret")
    # One legend for all panels: they share their styles, and the curves fill the corners.
    handles = {}
    for ax in axes.flat:
        for handle, label in zip(*ax.get_legend_handles_labels(), strict=True):
            handles.setdefault(label, handle)
    fig.legend(list(handles.values()), list(handles), loc="lower center", ncol=len(handles),
               fontsize=8)
    fig.tight_layout(rect=(0, 0.04, 1, 1))
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return path


def write(out, runs, tasks, configs, cost, budget):
    """Write ``cluster.md`` and ``cluster.png`` in ``out``; return the summary's path.

    Parameters
    ----------
    out : Path
    runs : dict
        ``{task: {method: {seed: record}}}``.
    tasks : dict
        Task name -> Task (for the known optimum).
    configs : list of (int, int)
        The (B, W) pairs.
    cost : float
        Seconds per fit the runs were made with.
    budget : int
    """
    table = tables(runs, configs)
    if not table:
        raise SystemExit(f"No stored cluster runs in {out}: nothing to report.")
    replications = sorted({row[k] for t in table.values() for row in t.values()
                           for k in ("R_random", "R_bayes")})
    lines = [
        "# Simulated-cluster benchmark",
        "",
        f"Generated {datetime.date.today()} by `python benchmarks/cluster.py`; {machine()}; "
        f"{versions()}.",
        "",
        f"Each fit sleeps {cost:g} s (2-fold CV: 2 fits per candidate); W joblib threads stand "
        f"for W cluster workers. `random-wW`: `ScaledSearchCV(strategy='random', "
        f"n_iter={budget}, n_jobs=W)`, one round of {budget} candidates. `bayesian-bB-wW`: "
        f"`strategy='bayesian', batch_size=B`, {budget} candidates in rounds of B, the "
        "members after each round's first by the default batch rule, GP-UCB-PE; "
        "`bayesian-bB-wW-believer`: the same with the kriging believer, the rule GP-UCB-PE "
        "replaced (last section). "
        "Replications (seeds 0..R-1): "
        + ", ".join(map(str, replications)) + ". Target: random search's mean best after "
        f"{budget} evaluations. 'reaches at' is the first time (step {GRID_STEP} s) at which "
        "Bayesian search's mean best-so-far, against wall time since `fit` started, reaches "
        "the target; the ratio divides it by random search's mean wall time for "
        f"{budget} (issue 11 target: <= {TARGET_RATIO} for (B, W) = {TARGET_CONFIG}).",
        "",
        "Proposals share the machine's cores with other work (at least the other searches "
        "run beside them), which can inflate their wall time. The *idle* columns recount "
        "each round's overhead (telling results, fitting the model, proposing) at the CPU "
        "time the main thread spent on it, the evaluations at their measured wall time: an "
        "estimate of the same run on an otherwise idle machine.",
        "",
        f"## Wall time to reach random search's mean best at {budget}",
        "",
    ]
    rows = []
    for task, by_config in table.items():
        for (batch, workers), row in by_config.items():
            wall, idle = row["wall"], row["idle"]
            rows.append([
                task, f"{batch}, {workers}", f"{row['R_random']} / {row['R_bayes']}",
                f"{_fmt(wall['random_s'], '.2f')} ± {_fmt(wall['random_std'], '.2f')}",
                _fmt(wall["reach_s"], ".2f"), _fmt(wall["ratio"], ".2f"), _met(wall["ratio"]),
                _fmt(idle["ratio"], ".2f"),
                "–" if row["evals"] is None else str(row["evals"]),
            ])
    lines += [
        _table(["task", "B, W", "R (random / bayes)", "random: s for 64 (mean ± std)",
                "bayesian reaches at (s)", "ratio", f"<= {TARGET_RATIO}", "ratio, idle clock",
                "bayesian evaluations to reach"], rows),
        "",
        "## Spread and overhead",
        "",
        "Per Bayesian replication: how many reach the target on their own within the "
        f"{budget} evaluations, and the median (quartiles) of their own times to reach it, "
        "in seconds, a replication that never does counting as infinitely slow (never). "
        "Proposal: mean "
        "seconds of overhead per model-based round (the first round, an initial design, "
        "excluded), wall and main-thread CPU.",
        "",
    ]
    rows = []
    for task, by_config in table.items():
        for (batch, workers), row in by_config.items():
            rows.append([
                task, f"{batch}, {workers}", _fmt(optimum_regret(tasks[task], row), ".3g"),
                _spread(row["wall"]["per_run"]), _fmt(row["bayes_s"], ".1f"),
                f"{_fmt(row['proposal_wall'], '.2f')} / {_fmt(row['proposal_cpu'], '.2f')}",
            ])
    lines += [
        _table(["task", "B, W", "target regret", "bayesian runs reaching it; s (wall)",
                f"bayesian s for {budget}", "proposal s per round (wall / CPU)"], rows),
        "",
        "## Verdict",
        "",
    ]
    focus = {t: by_config[TARGET_CONFIG] for t, by_config in table.items()
             if TARGET_CONFIG in by_config}
    for clock in CLOCKS:
        met = [t for t, row in focus.items() if _met(row[clock]["ratio"]) == "met"]
        lines.append(
            f"- {clock} clock, (B, W) = {TARGET_CONFIG}: ratio <= {TARGET_RATIO} on "
            f"{len(met)} of {len(focus)} tasks"
            + (f" ({', '.join(met)})" if met else "")
            + f": target {'met' if focus and len(met) == len(focus) else 'MISSED'} "
            "(it asks for every synthetic task)."
        )
    if focus:
        batch, _ = TARGET_CONFIG
        row = next(iter(focus.values()))
        budget_s = TARGET_RATIO * row["wall"]["random_s"]
        round_s = np.mean([r["bayes_s"] / -(-budget // batch) for r in focus.values()])
        n_rounds = int(budget_s // round_s)
        evals = ", ".join("never" if r["evals"] is None else str(r["evals"])
                          for r in focus.values())
        lines.append(
            f"- What the target asks at {TARGET_CONFIG}: {TARGET_RATIO} x random search's "
            f"{row['wall']['random_s']:.1f} s is {budget_s:.1f} s, the time of {n_rounds} "
            f"Bayesian rounds (about {round_s:.2f} s each: one fit's {cost:g} s plus the "
            f"proposal), that is {n_rounds * batch} evaluations, the first round holding the "
            "initial design (d + 2 space-filling points, d the model's input columns); the "
            f"mean best-so-far of the Bayesian search reaches the target after {evals} "
            f"evaluations on {', '.join(focus)}."
        )
    lines += _rule_comparison(runs, tasks, table, tables(runs, configs, "-believer"), budget)
    lines += ["", "![mean best regret against wall time](cluster.png)", ""]
    out.mkdir(parents=True, exist_ok=True)
    figure(runs, table, tasks, configs, out / "cluster.png")
    path = out / "cluster.md"
    path.write_text("\n".join(lines))
    return path


def _rule_comparison(runs, tasks, table, believer, budget):
    """Lines of the section comparing the default batch rule with the believer."""
    rows = []
    for task, by_config in table.items():
        for (batch, workers), row in by_config.items():
            other = believer.get(task, {}).get((batch, workers))
            if other is None:
                continue
            # Regrets (lower is better): the optimum minus each run's final best.
            finals = [[tasks[task].optimum - final_best(r)
                       for r in runs[task][f"bayesian-b{batch}-w{workers}{rule}"].values()]
                      for rule in ("", "-believer")]
            p = mannwhitneyu(*finals).pvalue
            evals = ["–" if r["evals"] is None else str(r["evals"]) for r in (row, other)]
            rows.append([
                task, f"{batch}, {workers}",
                f"{_fmt(row['wall']['ratio'], '.2f')} / {_fmt(other['wall']['ratio'], '.2f')}",
                f"{_fmt(row['idle']['ratio'], '.2f')} / {_fmt(other['idle']['ratio'], '.2f')}",
                " / ".join(evals),
                f"{_fmt(np.mean(finals[0]), '.3g')} / {_fmt(np.mean(finals[1]), '.3g')}",
                _fmt(p, ".2g"),
                f"{_fmt(row['proposal_cpu'], '.2f')} / {_fmt(other['proposal_cpu'], '.2f')}",
            ])
    if not rows:
        return []
    return [
        "",
        "## Batch rules: GP-UCB-PE against the kriging believer",
        "",
        "Each cell: the default rule (GP-UCB-PE) / the believer, on the same seeds. Ratio: "
        "wall time to reach random search's mean best at "
        f"{budget}, over random search's time (as above). Final: mean regret of the best "
        f"after {budget} evaluations (lower is better), p: two-sided Mann-Whitney U on the "
        "replications' final regrets. Proposal: mean main-thread CPU seconds per "
        "model-based round.",
        "",
        _table(["task", "B, W", "ratio (wall)", "ratio (idle)", "evaluations to reach",
                f"final regret at {budget}", "p", "proposal CPU s per round"], rows),
    ]


def optimum_regret(task, row):
    """Regret of the target: the task's optimum minus random search's mean best."""
    return task.optimum - row["target"]
