"""Run the benchmark and regenerate its summary and figures.

    python benchmarks/run.py            # full protocol: results/ (about an hour on 2 cores)
    python benchmarks/run.py --quick    # a few minutes: results/quick/

Every (task, method, seed) search is one job; jobs run in parallel worker
processes, each search with n_jobs=1. A job whose JSON file already exists
is skipped, so an interrupted run resumes where it stopped, and runs copied
in from elsewhere are merged. See benchmarks/README.md.
"""

import os
import sys

# One BLAS thread per worker process: the parallelism is across searches.
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import argparse  # noqa: E402
import json  # noqa: E402
import math  # noqa: E402
import multiprocessing  # noqa: E402
import time  # noqa: E402
import traceback  # noqa: E402
from concurrent.futures import ProcessPoolExecutor, as_completed  # noqa: E402
from pathlib import Path  # noqa: E402

from benchmarks import plots, report, storage, timing  # noqa: E402
from benchmarks.methods import METHODS, run_one  # noqa: E402
from benchmarks.metrics import group, optimum_of, task_table  # noqa: E402
from benchmarks.tasks import TASKS  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results"
REFERENCE = RESULTS / "reference.json"
MODES = {  # replications per suite, budget, output folder, proposal-overhead sizes,
    # (observations, batch size) of the batch-proposal timing.
    # The protocol: R = 50 where a task is cheap (synthetic), at least 20 otherwise.
    # Overhead past timing.OTHERS_MAX_SIZE observations: skscale only.
    "full": dict(replications={"synthetic": 50, "real": 20}, budget=64, out=RESULTS,
                 overhead=[10, 20, 50, 100, 200, 300, 500, 1000, 2000], batch=(1000, 32)),
    "quick": dict(replications={"synthetic": 3, "real": 3}, budget=16, out=RESULTS / "quick",
                  overhead=[10, 20, 50, 100], batch=(100, 8)),
}
# What each figure shows: the task and the methods it compares.
REPLICATIONS_TASK = "hartmann-6d"
SCATTER = ("svc-breast_cancer", "C", "gamma")
WARPING_TASK = "mlp_sgd-wine"
WALLTIME_TASK = "mlp_sgd-wine"
RANDOM_VS_BAYES = ["skscale-random", "skscale-bayesian"]


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true",
                        help="few replications and a small budget (minutes)")
    parser.add_argument("--tasks", nargs="+", choices=sorted(TASKS), metavar="TASK",
                        help=f"default: all ({', '.join(TASKS)})")
    parser.add_argument("--methods", nargs="+", choices=["all", *sorted(METHODS)],
                        metavar="METHOD",
                        help=f"methods to run, or 'all'; default: all when --quick, else "
                        f"{', '.join(m for m, v in METHODS.items() if v.in_full)}. The summary "
                        "covers every method with stored runs.")
    parser.add_argument("--replications", type=int,
                        help="seeds 0..R-1 for every task (default: full 50 synthetic and "
                        "20 real, quick 3)")
    parser.add_argument("--budget", type=int, help="evaluations per search N (full 64, quick 16)")
    parser.add_argument("--jobs", type=int, default=2, help="parallel worker processes")
    parser.add_argument("--out", type=Path, help="results folder (full: results/, "
                        "quick: results/quick/)")
    parser.add_argument("--skip-timing", action="store_true",
                        help="do not measure proposal overhead and n_jobs wall time; "
                        "reuse the stored timing.json if there is one")
    parser.add_argument("--report-only", action="store_true",
                        help="run no search; rebuild summary and figures from stored runs")
    return parser.parse_args(argv)


def run_jobs(jobs, runs_dir, n_workers):
    """Run the (task, method, n_iter, seed) jobs, saving each result as it lands."""
    if not jobs:
        return 0
    failures, start = 0, time.perf_counter()
    with ProcessPoolExecutor(max_workers=n_workers) as pool:
        futures = {pool.submit(run_one, *job): job for job in jobs}
        try:
            for done, future in enumerate(as_completed(futures), start=1):
                task, method, _, seed = futures[future]
                try:
                    record = future.result()
                except Exception:  # one broken search must not cost the others
                    failures += 1
                    print(f"FAILED {task} {method} seed {seed}:\n{traceback.format_exc()}")
                    continue
                storage.append_run(runs_dir, record)
                elapsed = time.perf_counter() - start
                eta = elapsed / done * (len(jobs) - done)
                print(f"[{done}/{len(jobs)}] {task} {method} seed {seed}: "
                      f"{record['seconds']:.1f} s  (elapsed {elapsed / 60:.1f} min, "
                      f"left ~{eta / 60:.1f} min)", flush=True)
        except KeyboardInterrupt:
            # Stop the searches in flight too, rather than wait for them.
            for child in multiprocessing.active_children():
                child.terminate()
            pool.shutdown(wait=False, cancel_futures=True)
            print("Interrupted: finished runs are saved; run the same command to resume.")
            raise
    return failures


def measure_timing(out, mode, methods, budget, skip):
    """Proposal overhead and the n_jobs = 1 / 2 wall time, stored in timing.json."""
    path = out / "timing.json"
    if skip:
        return json.loads(path.read_text()) if path.exists() else {}
    print("Measuring proposal overhead...", flush=True)
    result = {"overhead": timing.proposal_overhead(mode["overhead"])}
    print("Measuring one batch proposal of skscale...", flush=True)
    result["batch"] = timing.batch_overhead(*mode["batch"])
    print(f"Measuring wall time on {WALLTIME_TASK} with n_jobs = 1 and 2...", flush=True)
    result["walltime"] = [WALLTIME_TASK, timing.walltime(WALLTIME_TASK, methods, budget)]
    path.write_text(json.dumps(result, indent=1) + "\n")
    return result


def make_figures(out, grouped, optima):
    """Draw every figure; return the file names of those drawn."""
    drawn = [
        plots.mean_curves(grouped, optima, out / "curves.png"),
        plots.single_replications(grouped, optima.get(REPLICATIONS_TASK), REPLICATIONS_TASK,
                                  out / "replications.png", RANDOM_VS_BAYES),
        plots.scatter(grouped, *SCATTER, TASKS[SCATTER[0]].space, out / "scatter.png",
                      RANDOM_VS_BAYES),
        plots.scaling(grouped, optima, out / "scaling.png",
                      [("skscale-random", "skscale-random-linear"),
                       ("skscale-bayesian", "skscale-bayesian-linear")]),
        plots.warping(grouped, WARPING_TASK, TASKS[WARPING_TASK].space, out / "warping.png",
                      ["skscale-bayesian", "skscale-bayesian-linear"]),
    ]
    return [p.name for p in drawn if p is not None]


def main(argv=None):
    args = parse_args(argv)
    mode_name = "quick" if args.quick else "full"
    mode = MODES[mode_name]
    out = args.out or mode["out"]
    replications = {
        name: args.replications or mode["replications"][task.suite]
        for name, task in TASKS.items()
    }
    budget = args.budget or mode["budget"]
    tasks = {name: TASKS[name] for name in (args.tasks or TASKS)}
    if args.methods and "all" not in args.methods:
        selected = args.methods
    else:
        selected = [m for m, v in METHODS.items() if args.quick or args.methods or v.in_full]
    skipped = {m: reason for m in selected if (reason := METHODS[m].missing())}
    for method, reason in skipped.items():
        print(f"Skipping {method}: {reason}.")
    methods = [m for m in selected if m not in skipped]
    for method in METHODS:
        if method not in selected:
            print(f"Not running {method} (add it with --methods {method}, or --methods all).")
    runs_dir = out / "runs"
    out.mkdir(parents=True, exist_ok=True)

    start = time.perf_counter()
    failures = 0
    if not args.report_only:
        # Seed-major order: an interrupted run still has whole replications.
        stored = {(t, m): storage.read_runs(runs_dir, t, m, tasks[t].fingerprint, budget)
                  for t in tasks for m in methods}
        jobs = [(t, m, budget, seed) for seed in range(max(replications.values()))
                for t in tasks if seed < replications[t] for m in methods
                if seed not in stored[t, m]]
        total = sum(replications[t] for t in tasks) * len(methods)
        print(f"{mode_name}: {len(jobs)} of {total} searches to run "
              f"({total - len(jobs)} stored), {args.jobs} workers, N = {budget}.", flush=True)
        failures = run_jobs(jobs, runs_dir, args.jobs)

    # The summary covers every stored method, so runs made separately merge.
    runs = storage.load_runs(runs_dir, budget, tasks, methods=set(METHODS))
    runs = [r for r in runs if r["seed"] < replications[r["task"]]]
    reference, changes = storage.update_reference(REFERENCE, runs, tasks)
    for line in changes:
        print(f"Reference updated: {line}")
    grouped = group(runs)
    optima = {t: optimum_of(tasks[t], reference) for t in grouped}
    tables = {t: task_table(tasks[t], grouped[t], optima[t], budget) for t in tasks
              if t in grouped}

    timings = measure_timing(out, mode, methods, budget, args.skip_timing or args.report_only)
    figures = make_figures(out, grouped, optima)
    if plots.overhead(timings.get("overhead", {}), out / "overhead.png"):
        figures.append("overhead.png")
    summary = report.write_summary(
        out / "summary.md", tables=tables, tasks=tasks, methods=METHODS, n_iter=budget,
        info={
            "mode": mode_name, "skipped": skipped, "elapsed": time.perf_counter() - start,
            "reference": {t: e for t, e in reference.items() if t in tasks},
            "reference_changes": changes, "figures": figures,
            "overhead": timings.get("overhead"), "walltime": timings.get("walltime"),
            "batch": timings.get("batch"),
            "n_runs": len(runs), "wall": sum(r["seconds"] for r in runs),
            "cpu": sum(r.get("cpu_seconds", math.nan) for r in runs),
        },
    )
    print(f"Wrote {summary} and {len(figures)} figures in {out}.")
    if failures:
        print(f"{failures} searches failed (see above); rerun to retry them.")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
