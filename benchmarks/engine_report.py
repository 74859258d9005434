"""Issue 10's first engine switches against skscale 0.1's engine, from stored runs.

    python benchmarks/engine_report.py                  # prints the markdown
    python benchmarks/engine_report.py --out results/engine_v2/engine_v2.md

The switches (score transform, EI threshold) were measured one at a time
on the 0.1 engine, before the engine-v2 defaults were chosen; their runs
live in ``results/engine_v2/runs`` (they are not methods of the main
summary), the 0.1 engine's (``skscale-bayesian-v1``) and random search's in
``results/runs``. Every method of a task is restricted to the seeds of the
0.1 engine's runs (the protocol's R: 20 on real tasks, 50 on synthetic
ones). Columns per method: evaluations to match random search's mean best
at N (as a fraction of N), mean best at N (regret for synthetic tasks,
score for real ones) and the two-sided Mann-Whitney p-value against the 0.1
engine.
"""

import argparse
import os
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from benchmarks import storage  # noqa: E402
from benchmarks.methods import BASELINE  # noqa: E402
from benchmarks.metrics import group, optimum_of, rank_test, regret_curves, task_table  # noqa: E402
from benchmarks.tasks import TASKS  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results"
RERUN = "skscale-bayesian-v1"  # the baseline: skscale 0.1's engine
VARIANTS = [
    "skscale-bayesian-rank-postmean",
    "skscale-bayesian-rank",
    "skscale-bayesian-postmean",
    "skscale-bayesian-power",
    "skscale-bayesian-power-postmean",
]


def _fmt(value, spec=".3g"):
    return "-" if value is None or not np.isfinite(value) else format(value, spec)


def compare(runs_dirs, n_iter=64):
    """Per task and method: R, to-match fraction, mean best at N, p-value."""
    methods = {BASELINE, RERUN, *VARIANTS}
    runs = [r for d in runs_dirs for r in storage.load_runs(d, n_iter, TASKS, methods=methods)]
    by_task = group(runs)
    reference = storage.load_reference(RESULTS / "reference.json")
    out = {}
    for name, by_method in by_task.items():
        present = [m for m in VARIANTS if m in by_method]
        if not present or BASELINE not in by_method:
            continue
        if RERUN not in by_method:
            continue
        seeds = {r["seed"] for r in by_method[RERUN]}
        runs = {m: sorted((r for r in rs if r["seed"] in seeds), key=lambda r: r["seed"])
                for m, rs in by_method.items()}
        optimum = optimum_of(TASKS[name], reference)
        table = task_table(TASKS[name], runs, optimum, n_iter)
        final = {m: regret_curves(rs, optimum)[:, -1] for m, rs in runs.items()}
        out[name] = {
            m: {
                "R": table[m]["R"],
                "to_match": None if table[m]["to_match"] is None
                else table[m]["to_match"] / n_iter,
                "final_mean": table[m]["final_mean"],
                "p_rerun": rank_test(final[RERUN], final[m]),
            }
            for m in runs
        }
    return out


def markdown(results):
    methods = [RERUN, *VARIANTS]
    methods = [m for m in methods if any(m in rows for rows in results.values())]
    lines = ["## Engine v2 switches (issue 10, items 1-2)", ""]
    lines += ["Evaluations to match random search's mean best at N, as a fraction of N "
              "(lower is better; - = never); R: replications per method.", ""]
    lines += ["| task | R | " + " | ".join(methods) + " |",
              "|---|---|" + "---|" * len(methods)]
    for task, rows in results.items():
        low, high = min(row["R"] for row in rows.values()), max(row["R"] for row in rows.values())
        r = low if low == high else f"{low}-{high}"
        cells = [_fmt(rows[m]["to_match"], ".2f") if m in rows else "" for m in methods]
        lines.append(f"| {task} | {r} | " + " | ".join(cells) + " |")
    medians = []
    for m in methods:
        values = [rows[m]["to_match"] for rows in results.values() if m in rows]
        values = [np.inf if v is None else v for v in values]
        medians.append(_fmt(float(np.median(values)), ".2f") if values else "")
    lines.append("| **median** | | " + " | ".join(medians) + " |")
    lines += ["", "Mean best at N (regret for synthetic tasks, lower is better; score for "
              "real ones, higher is better), with the Mann-Whitney p-value against "
              f"`{RERUN}`; + / - : better / worse mean than `{RERUN}`.", ""]
    lines += ["| task | " + " | ".join(methods) + " |", "|---|" + "---|" * len(methods)]
    for task, rows in results.items():
        cells = []
        for m in methods:
            if m not in rows:
                cells.append("")
                continue
            row = rows[m]
            p = [] if m == RERUN else [_fmt(row["p_rerun"], ".2g")]
            sign = ""
            if m != RERUN and RERUN in rows and row["final_mean"] != rows[RERUN]["final_mean"]:
                higher = row["final_mean"] > rows[RERUN]["final_mean"]
                synthetic = TASKS[task].optimum is not None  # a regret: lower is better
                sign = " +" if higher != synthetic else " -"
            cells.append(_fmt(row["final_mean"], ".6g") + sign
                         + (f" (p {' / '.join(p)})" if p else ""))
        lines.append(f"| {task} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, help="write the markdown here")
    args = parser.parse_args(argv)
    text = markdown(compare([RESULTS / "runs", RESULTS / "engine_v2" / "runs"]))
    if args.out:
        args.out.write_text(text)
    print(text)


if __name__ == "__main__":
    main()
