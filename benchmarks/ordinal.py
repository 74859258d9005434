"""Numeric lists as ordered values against unordered choices (issue 10, item 4).

    python benchmarks/ordinal.py                  # R = 20 at N = 32 and 64: a few CPU-minutes
    python benchmarks/ordinal.py --report-only    # rewrite results/ordinal.md from stored runs

On GridSearchCV-style grids of plain lists, the Bayesian strategy reads the
numeric lists as ``Ordinal`` (one column on the detected scale) or, as
before, as ``Categorical`` (one-hot columns). Two grids: the real task
``logreg_grid-wine`` (126 candidates) and, as a check on a second model,
``svc_grid-breast_cancer`` (225 candidates, half-decade grids of ``C`` and
``gamma``), which is defined here only and is not part of the main suite.
Each whole grid is evaluated once, so the optimum is exact and regrets are
true regrets. Runs are kept apart from the main benchmark's storage, in one
small compressed file (``results/ordinal_runs.json.gz``); the tables go to
``results/ordinal.md``.
"""

import os
import sys

# One BLAS thread per worker process: the parallelism is across searches.
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import argparse  # noqa: E402
import gzip  # noqa: E402
import json  # noqa: E402
import warnings  # noqa: E402
from concurrent.futures import ProcessPoolExecutor  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
from sklearn.svm import SVC  # noqa: E402

from benchmarks.methods import METHODS, as_categorical, run_one, sklearn_space  # noqa: E402
from benchmarks.metrics import evals_to_match, rank_test, regret_curves  # noqa: E402
from benchmarks.tasks import TASKS  # noqa: E402
from benchmarks.tasks.real import _classification  # noqa: E402
from skscale import SearchSpace  # noqa: E402

SVC_GRID = _classification(
    "svc_grid-breast_cancer", "breast_cancer", SVC,
    {  # half-decade grids, 15 x 15
        "C": [1e-3, 3e-3, 1e-2, 3e-2, 0.1, 0.3, 1, 3, 10, 30, 100, 300, 1e3, 3e3, 1e4],
        "gamma": [1e-6, 3e-6, 1e-5, 3e-5, 1e-4, 3e-4, 1e-3, 3e-3, 1e-2, 3e-2, 0.1, 0.3, 1, 3, 10],
    },
)
# Registered for this script's searches only; worker processes see it too
# (forked after this line, or importing this module again).
TASKS.setdefault(SVC_GRID.name, SVC_GRID)
MEASURED = ["logreg_grid-wine", SVC_GRID.name]
ORDINAL, CATEGORICAL = "skscale-bayesian", "skscale-bayesian-categorical"
BASELINE = "skscale-random"
DEFAULT_METHODS = [BASELINE, ORDINAL, CATEGORICAL, "optuna-tpe"]
RESULTS = Path(__file__).resolve().parent / "results"


def grid_scores(task):
    """Scores of every candidate of the task's grid (GridSearchCV on the lists)."""
    from sklearn.model_selection import GridSearchCV

    X, y = task.load_data()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # saga's convergence warnings
        search = GridSearchCV(
            task.make_estimator(), sklearn_space(task.space), scoring=task.scoring,
            cv=task.cv, refit=False,
        ).fit(X, y)
    return search.cv_results_["mean_test_score"]


def _job(args):
    task, method, n_iter, seed = args
    record = run_one(task, method, n_iter, seed)
    keys = ("task", "method", "n_iter", "seed", "scores", "cpu_seconds")
    return {k: record[k] for k in keys}


def run(tasks, methods, budgets, replications, jobs):
    todo = [(t, m, n, s) for t in tasks for n in budgets for m in methods
            for s in range(replications)]
    with ProcessPoolExecutor(jobs) as pool:
        return list(pool.map(_job, todo))


def table(runs, optimum, n_iter, methods):
    """Markdown rows for one budget: best score, regret, evaluations to match, p."""
    by_method = {m: [r for r in runs if r["method"] == m and r["n_iter"] == n_iter]
                 for m in methods}
    curves = {m: regret_curves(rs, optimum) for m, rs in by_method.items() if rs}
    target = np.mean(curves[BASELINE], axis=0)[-1]
    lines = [
        f"| method | mean best score at N={n_iter} (std) | mean regret | "
        f"evaluations to reach random's mean best | p vs ordinal (Mann-Whitney) | CPU s/run |",
        "|---|---|---|---|---|---|",
    ]
    for method, regret in curves.items():
        final = optimum - regret[:, -1]
        hits = evals_to_match(np.mean(regret, axis=0), target)
        match = "never" if hits is None else f"{hits} ({hits / n_iter:.2f} x N)"
        p = "" if method == ORDINAL else f"{rank_test(curves[ORDINAL][:, -1], regret[:, -1]):.3g}"
        cpu = np.mean([r["cpu_seconds"] for r in by_method[method]])
        lines.append(
            f"| {method} | {final.mean():.4f} ({final.std():.4f}) | {regret[:, -1].mean():.4f} "
            f"| {match} | {p} | {cpu:.1f} |"
        )
    return "\n".join(lines)


def write_report(path, runs, grid_scores_, methods):
    replications = max(r["seed"] for r in runs) + 1
    sections = [
        "# Numeric lists: ordered values (Ordinal) against unordered choices (Categorical)",
        "",
        "Grids of plain lists as written for GridSearchCV, searched by:",
        "",
        f"- `{ORDINAL}`: the lists as given; skscale reads each numeric list as an "
        "`Ordinal` on the detected scale (one column each), other lists as `Categorical`.",
        f"- `{CATEGORICAL}`: the numeric lists wrapped in `Categorical` (the behaviour "
        "before `Ordinal`): one-hot columns.",
        f"- `{BASELINE}`: random search, without replacement over the grid (as "
        "RandomizedSearchCV on lists).",
        "- `optuna-tpe`: OptunaSearchCV with the lists as `CategoricalDistribution`, "
        "for reference.",
        "",
        f"R = {replications} seeds per method, task and budget (`random_state = seed`). "
        "Each whole grid was evaluated once: regret is measured from its exact optimum. "
        "p: two-sided Mann-Whitney U test of the final regrets against the ordinal "
        "variant. Command: `nice python benchmarks/ordinal.py` "
        "(runs in `results/ordinal_runs.json.gz`).",
    ]
    for name, scores in grid_scores_.items():
        task, scores = TASKS[name], np.asarray(scores)
        optimum = float(np.max(scores))
        task_runs = [r for r in runs if r["task"] == name]
        space = SearchSpace(task.space).subspaces[0]
        sections += [
            "", f"## {name}", "",
            f"`{task.make_estimator()!r}`, 5-fold CV accuracy on the standardised 80 % "
            "split, over",
            "", "```python",
            "{" + ", ".join(f"{k!r}: {v!r}" for k, v in task.space.items()) + "}",
            "```", "",
            f"skscale reads it as `{space!r}`: {space.n_columns} model columns, against "
            f"{SearchSpace(as_categorical(task.space)).subspaces[0].n_columns} one-hot.",
            "",
            f"{len(scores)} candidates: best {optimum:.4f}, second "
            f"{np.sort(scores)[-2]:.4f}, median {np.median(scores):.4f}.",
        ]
        for n_iter in sorted({r["n_iter"] for r in task_runs}):
            sections += ["", f"### N = {n_iter}", "",
                         table(task_runs, optimum, n_iter, methods)]
    path.write_text("\n".join(sections) + "\n")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--replications", type=int, default=20)
    parser.add_argument("--budgets", type=int, nargs="+", default=[32, 64])
    parser.add_argument("--methods", nargs="+", default=DEFAULT_METHODS, choices=sorted(METHODS))
    parser.add_argument("--tasks", nargs="+", default=MEASURED, choices=MEASURED)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--report-only", action="store_true")
    args = parser.parse_args(argv)
    store = RESULTS / "ordinal_runs.json.gz"
    if args.report_only:
        stored = json.loads(gzip.decompress(store.read_bytes()))
    else:
        stored = {
            "grid_scores": {t: [float(s) for s in grid_scores(TASKS[t])] for t in args.tasks},
            "runs": run(args.tasks, args.methods, args.budgets, args.replications, args.jobs),
        }
        store.write_bytes(gzip.compress(json.dumps(stored).encode()))
    methods = [m for m in args.methods if any(r["method"] == m for r in stored["runs"])]
    write_report(RESULTS / "ordinal.md", stored["runs"], stored["grid_scores"], methods)
    print((RESULTS / "ordinal.md").read_text())


if __name__ == "__main__":
    main()
