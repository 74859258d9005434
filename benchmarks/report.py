"""``summary.md``: the methods x tasks tables, the timings and the context of a run."""

import datetime
import os
import platform
from importlib import metadata

import numpy as np

from .metrics import BOOTSTRAP, HEAD_TO_HEAD, checkpoints

# The engine with each of its components turned off in turn, and skscale
# 0.1's engine: the ablation table.
ABLATION = {
    "skscale-bayesian-no-power": "power transform of the scores",
    "skscale-bayesian-no-discrete": "discrete coordinate search",
    "skscale-bayesian-no-warping": "learned input warping",
    "skscale-bayesian-no-stall": "stall escape",
    "skscale-bayesian-no-margin": "exploration margin on quantised scores",
    "skscale-bayesian-v1": "all of engine v2 (= skscale 0.1's engine)",
}
_OTHER_WAY = {"better": "worse", "worse": "better"}
# Batch sizes compared with the sequential search (issue 11's targets).
BATCHES = {
    "skscale-bayesian-b4": 4,
    "skscale-bayesian-b8": 8,
    "skscale-bayesian-b4-believer": 4,
    "skscale-bayesian-b8-believer": 8,
}
PACKAGES = ["skscale", "scikit-learn", "numpy", "scipy", "scikit-optimize", "optuna",
            "optuna-integration", "matplotlib"]


def machine():
    """One line: platform, CPU count, Python."""
    return (f"{platform.platform()}, {os.cpu_count()} CPUs, "
            f"Python {platform.python_version()}")


def versions():
    """``name version`` for every package the benchmark touches."""
    out = []
    for name in PACKAGES:
        try:
            out.append(f"{name} {metadata.version(name)}")
        except metadata.PackageNotFoundError:
            out.append(f"{name} (not installed)")
    return ", ".join(out)


def _table(header, rows):
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def _fmt(value, spec=".3g"):
    return "–" if value is None or not np.isfinite(value) else format(value, spec)


def _final(row, synthetic):
    spec = ".3g" if synthetic else ".4f"
    return f"{_fmt(row['final_mean'], spec)} ± {_fmt(row['final_std'], '.2g')}"


def _replications_line(replications):
    if not replications:
        return "none"
    if len(replications) == 1:
        return str(replications[0])
    return f"{replications[0]} to {replications[-1]}, see the table below"


def _head_to_head(tables, others, n_iter):
    """Lines of the section comparing HEAD_TO_HEAD's final regrets with each method's."""

    def cell(task, row):
        found = row["head_to_head"]
        if found is None:
            return "–"
        verdict, p, mean_verdict = found
        text = f"{verdict}, p={_fmt(p, '.2g')}"
        return text if mean_verdict == verdict else f"{text} (mean: {mean_verdict})"

    def count(method):
        found = [tables[t][method]["head_to_head"] for t in tables if method in tables[t]]
        found = [v[:2] for v in found if v is not None]
        sure = [w for w, p in found if p < 0.05]
        better = sum(w == "better" for w, _ in found)
        worse = sum(w == "worse" for w, _ in found)
        return f"{better} / {worse} ({sure.count('better')} / {sure.count('worse')})"

    return [
        f"## {HEAD_TO_HEAD} against each method at N = {n_iter}",
        "",
        f"Per task: do {HEAD_TO_HEAD}'s replications tend to end with a lower (better) or "
        "higher (worse) regret than the method's (the probability that one of its "
        "replications ends lower than one of the method's, ties counted half, above or "
        "below 0.5), and the two-sided Mann–Whitney U p-value of that difference. Where the "
        "mean final regrets compare the other way (a few replications far off), the cell "
        "says so. Last column: tasks better / worse (of those, with p < 0.05). Over "
        "10 tasks, one p < 0.05 in either direction is likely by chance alone.",
        "",
        _matrix(tables, others, cell, ("better / worse (p < 0.05)", count)),
    ]


def _has_discrete(task):
    """Whether a task has integer, ordinal or categorical parameters."""
    from skscale import SearchSpace

    return any(sub.discrete_options() for sub in SearchSpace(task.space).subspaces)


def _ablation(tables, tasks, n_iter):
    """Lines of the ablation section: evaluations to match per task, with the
    p-value of the final results against the defaults where p < 0.05."""
    rows = []
    for method, component in {HEAD_TO_HEAD: "nothing (the defaults)", **ABLATION}.items():
        cells, ratios, draws = [], [], []
        for task in tables:
            row = tables[task].get(method)
            if row is None:
                same = method == "skscale-bayesian-no-discrete" and not _has_discrete(tasks[task])
                cells.append("= defaults" if same else "–")
                if same and HEAD_TO_HEAD in tables[task]:
                    ratios.append((tables[task][HEAD_TO_HEAD]["to_match"] or np.inf) / n_iter)
                    draws.append(tables[task][HEAD_TO_HEAD].get("to_match_draws"))
                continue
            ratios.append((row["to_match"] or np.inf) / n_iter)
            draws.append(row.get("to_match_draws"))
            cell = "–" if row["to_match"] is None else f"{row['to_match'] / n_iter:.2f}"
            found = row.get("head_to_head") if method != HEAD_TO_HEAD else None
            if found is not None and found[1] < 0.05:
                # found is the defaults' verdict against this method: turn it round
                word, mean_word = (_OTHER_WAY.get(found[i], "tie") for i in (0, 2))
                mean = "" if mean_word == word else f"; mean {mean_word}"
                cell += f" ({word}, p={_fmt(found[1], '.2g')}{mean})"
            cells.append(cell)
        median = _fmt(np.median(ratios) if ratios else None, ".2f")
        worst = _fmt(max(ratios) if ratios else None, ".2f")
        rows.append([method, component, *cells, median, _median_interval(draws, n_iter), worst])
    return [
        "## Ablation of the Bayesian engine",
        "",
        f"Evaluations to match random search's mean at N = {n_iter} (as n/N, lower is better) "
        "for the defaults and for the engine with one component turned off. In brackets, "
        "where the final results differ from the defaults' at p < 0.05 (two-sided "
        "Mann–Whitney U): whether the ablated engine's replications tend to end better or "
        "worse (and how the means compare where they say otherwise). The discrete "
        "search does nothing on a task without a discrete parameter (= defaults there). "
        f"80% interval: the 10th to 90th percentile of the median over {BOOTSTRAP} bootstrap "
        "resamples of each task's replications (the method's and random search's).",
        "",
        _table(["method", "turned off", *tables, "median", "80% interval", "worst"], rows),
    ]


def _median_interval(draws, n_iter):
    """10th-90th percentile of the median over tasks of bootstrap draws of
    evaluations to match (as n/N), or "–" without draws."""
    if not draws or any(d is None for d in draws):
        return "–"
    medians = np.median(np.vstack(draws) / n_iter, axis=0)
    return _fmt_interval(*np.percentile(medians, [10, 90], method="nearest"))


def _fmt_interval(low, high):
    """``[low, high]`` with two decimals; "never" for an infinite bound."""
    if not np.isfinite(low):
        return "never"
    return f"[{_fmt(low, '.2f')}, {_fmt(high, '.2f') if np.isfinite(high) else 'never'}]"


def _batches(tables, n_iter):
    """Lines of the batch section: evaluations to match per task for the
    sequential search and each batch size, and their ratio."""
    found = [m for m in BATCHES if any(m in t for t in tables.values())]
    if not found:
        return []
    common = [t for t in tables if HEAD_TO_HEAD in tables[t]
              and all(m in tables[t] for m in found)]

    def ratio(task, method):
        return (tables[task][method]["to_match"] or np.inf) / n_iter

    def draws(method):
        found_draws = [tables[t][method].get("to_match_draws") for t in common]
        return None if any(d is None for d in found_draws) else found_draws

    def ratio_interval(method):
        # Draws of methods with the same R come from the same generator seed, so
        # they resample the same random-search seeds: ratio by ratio, they pair up.
        mine, sequential = draws(method), draws(HEAD_TO_HEAD)
        if not (mine and sequential):
            return "–"
        with np.errstate(invalid="ignore"):
            ratios = np.median(np.vstack(mine), 0) / np.median(np.vstack(sequential), 0)
        ratios = np.where(np.isnan(ratios), np.inf, ratios)
        return _fmt_interval(*np.percentile(ratios, [10, 90], method="nearest"))

    rows, medians = [], {}
    for method in [HEAD_TO_HEAD, *found]:
        ratios = [ratio(t, method) for t in common]
        medians[method] = np.median(ratios) if ratios else None
        cells = [_fmt(r, ".2f") for r in ratios]
        rows.append([method, *cells, _fmt(medians[method], ".2f"),
                     _median_interval(draws(method), n_iter)])
    for method in found:
        per_task = [ratio(t, method) / ratio(t, HEAD_TO_HEAD) for t in common]
        rows.append([f"{method} / sequential", *[_fmt(r, ".2f") for r in per_task],
                     _fmt(medians[method] / medians[HEAD_TO_HEAD]
                          if medians[HEAD_TO_HEAD] else None, ".2f"),
                     ratio_interval(method)])
    return [
        "## Batches: evaluations to match random search, against the sequential search",
        "",
        f"Evaluations to match random search's mean at N = {n_iter} (as n/N) for the "
        f"sequential search ({HEAD_TO_HEAD}) and for batches of B candidates per round "
        "(the model learns from nothing inside a round): the default batch rule "
        "(GP-UCB-PE) and the kriging believer it replaced (`-believer`). The last rows "
        "divide each batch method's figure by the sequential one; their median column is "
        "the ratio of the medians (issue 11's targets: at most 1.10 for B = 4, 1.25 for "
        "B = 8). "
        f"80% interval: the 10th to 90th percentile over {BOOTSTRAP} bootstrap resamples "
        "of each task's replications (the method's, the sequential search's and random "
        "search's) of the median, or of the ratio of the medians.",
        "",
        _table(["method", *common, "median", "80% interval"], rows),
    ]


def _matrix(tables, methods, cell, summary=None):
    """Rows = methods, columns = tasks (+ an optional summary column)."""
    tasks = list(tables)
    header = ["method", *tasks] + ([summary[0]] if summary else [])
    rows = []
    for method in methods:
        cells = [cell(task, tables[task][method]) if method in tables[task] else "–"
                 for task in tasks]
        if summary:
            cells.append(summary[1](method))
        rows.append([method, *cells])
    return _table(header, rows)


def write_summary(path, *, tables, tasks, methods, n_iter, info):
    """Write ``summary.md``.

    Parameters
    ----------
    path : path-like
    tables : dict
        Task name -> ``metrics.task_table`` rows.
    tasks : dict
        Task name -> Task.
    methods : dict
        Method name -> Method: the registry; those with stored runs are shown.
    n_iter : int
        Budget N.
    info : dict
        ``skipped`` {method: reason}, ``reference`` {task: entry},
        ``reference_changes`` [str], ``overhead`` {optimiser: {n: s} or reason},
        ``walltime`` (task, {method: {n_jobs: s}}) or None, ``batch`` (the
        result of ``timing.batch_overhead``) or None, ``elapsed`` seconds,
        ``figures`` [file names], ``mode`` str, ``n_runs``, ``wall`` and ``cpu``: the
        number of searches summarised and their summed wall and CPU seconds.
    """
    shown = [m for m in methods if any(m in t for t in tables.values())]
    marks = checkpoints(n_iter)
    replications = sorted({row["R"] for t in tables.values() for row in t.values()})
    out = [
        "# skscale benchmark summary",
        "",
        f"- Date: {datetime.date.today().isoformat()}; mode: {info['mode']}; this invocation "
        f"took {info['elapsed'] / 60:.1f} min",
        f"- Searches summarised: {info['n_runs']}, {info['wall'] / 60:.1f} worker-minutes of "
        f"wall time, {info['cpu'] / 60:.1f} minutes of CPU (wall exceeds CPU when other "
        "work shares the cores)",
        f"- Machine: {machine()}",
        f"- Versions: {versions()}",
        f"- Budget N = {n_iter} evaluations per search; replications per (task, method): "
        f"{_replications_line(replications)} (seeds 0..R-1, the same random_state for "
        "every method)",
        "",
        "Methods:",
        *[f"- `{m}`: {methods[m].label}" for m in shown],
        *[f"- `{m}`: **skipped**, {reason}" for m, reason in info["skipped"].items()],
        *[f"- `{m}`: not run here (`--methods {m}` adds it; stored runs merge)"
          for m in methods if m not in shown and m not in info["skipped"]],
        "",
        f"## Best result after N = {n_iter} evaluations (mean ± std over replications)",
        "",
        "Synthetic tasks: regret to the known optimum (lower is better). Real tasks: "
        "cross-validated score (accuracy, or R² for elasticnet; higher is better).",
        "",
        _matrix(tables, shown, lambda t, r: _final(r, tasks[t].suite == "synthetic")),
    ]
    if any(HEAD_TO_HEAD in t for t in tables.values()):
        out += ["", *_head_to_head(tables, [m for m in shown if m != HEAD_TO_HEAD], n_iter)]
        out += ["", *_ablation(tables, tasks, n_iter)]
        batches = _batches(tables, n_iter)
        out += ["", *batches] if batches else []
    if len(replications) > 1:
        # Means over different numbers of seeds are equally unbiased, not equally precise.
        out += ["", "## Replications R per (task, method)", "",
                "Every mean and spread in this summary is over these seeds 0..R-1; a smaller "
                "R gives a less precise mean (its standard error is std / √R), not a biased "
                "one.", "",
                _matrix(tables, shown, lambda t, r: str(r["R"]))]

    def median_normalized(method):
        values = [tables[t][method]["normalized"].get(n_iter) for t in tables
                  if method in tables[t]]
        values = [v for v in values if v is not None and np.isfinite(v)]
        return _fmt(np.median(values) if values else None, ".0f")

    def median_match(method):
        ratios = [(tables[t][method]["to_match"] or np.inf) / n_iter for t in tables
                  if method in tables[t]]
        return _fmt(np.median(ratios) if ratios else None, ".2f")

    out += [
        "",
        f"## Normalized score at {' / '.join(map(str, marks))} evaluations",
        "",
        "Bayesmark-style, in regret terms: 100 × (1 − regret(method, n) / regret(skscale "
        "random, n)) on mean curves; 0 = skscale random search at the same budget, "
        "100 = the optimum, negative = worse than random (unbounded: on a task where random "
        "search gets within 0.001 of the reference, a method 0.01 off scores −900). Last "
        "column: median over tasks at N, which such outliers do not swamp.",
        "",
        _matrix(
            tables, shown,
            lambda t, r: " / ".join(_fmt(r["normalized"].get(n), ".0f") for n in marks),
            ("median", median_normalized),
        ),
        "",
        f"## Evaluations needed to match random search's mean at N = {n_iter}",
        "",
        "Smallest n at which the method's mean best-so-far reaches skscale random search's "
        "mean after N evaluations, as n/N (the design notes claim about 1/4 for Bayesian "
        "optimisation); – means never within N. Last column: median over tasks (never = ∞).",
        "",
        _matrix(
            tables, shown,
            lambda t, r: "–" if r["to_match"] is None else f"{r['to_match'] / n_iter:.2f}",
            ("median", median_match),
        ),
        "",
        "## Wall time per search (seconds, n_jobs = 1, mean over replications)",
        "",
        _matrix(tables, shown, lambda t, r: _fmt(r["seconds"], ".2f")),
    ]
    if info.get("walltime"):
        task, by_method = info["walltime"]
        # n_jobs keys are strings once timing.json has been read back.
        by_method = {m: {int(k): v for k, v in s.items()} for m, s in by_method.items()}
        rows = [[m, _fmt(s.get(1), ".2f"), _fmt(s.get(2), ".2f"),
                 _fmt(s[1] / s[2] if s.get(1) and s.get(2) else None, ".2f")]
                for m, s in by_method.items()]
        out += ["", f"## Wall time of one search on {task}, n_jobs = 1 and 2 (seed 0, N = "
                f"{n_iter})", "", _table(["method", "n_jobs=1 (s)", "n_jobs=2 (s)",
                                          "speed-up"], rows)]
    overhead = info.get("overhead") or {}
    sizes = sorted({int(n) for v in overhead.values() if isinstance(v, dict) for n in v})
    if overhead:
        rows = []
        for name, by_n in overhead.items():
            if isinstance(by_n, str):
                rows.append([name, f"skipped: {by_n}", *[""] * (len(sizes) - 1)])
            else:
                by_n = {int(k): v for k, v in by_n.items()}
                rows.append([name, *[_fmt(by_n.get(n), ".3g") for n in sizes]])
        out += ["", "## Proposal overhead (seconds per proposal, 6 dimensions)", "",
                "Time of telling one result and asking the next candidate, with n observations "
                "already told (cheap synthetic scores; no model training in it).", "",
                _table(["optimiser", *[f"n={n}" for n in sizes]], rows)]
        batch = info.get("batch") or {}
        if "seconds" in batch:
            out += ["", f"One skscale ask of a batch of {batch['batch']} after "
                    f"{batch['n']} observations (model fit included): "
                    f"{batch['seconds']:.3g} s ({_fmt(batch.get('cpu_seconds'))} CPU-seconds)."]
    reference = info.get("reference") or {}
    if reference:
        rows = [[t, f"{e['score']:.6g}", f"{e['method']}, seed {e['seed']}, N={e['n_iter']}"]
                for t, e in sorted(reference.items())]
        out += ["", "## Reference scores of the real tasks (results/reference.json)", "",
                _table(["task", "best score seen", "found by"], rows), ""]
        changes = info.get("reference_changes") or []
        out += (["Updated by this run:", *[f"- {c}" for c in changes]] if changes
                else ["Not changed by this run."])
    if info.get("figures"):
        out += ["", "## Figures", "", *[f"- [{f}]({f})" for f in info["figures"]]]
    path.write_text("\n".join(out) + "\n")
    return path
