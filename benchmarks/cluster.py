"""Simulated-cluster benchmark: wall time to reach random search's mean best at N = 64.

    python benchmarks/cluster.py                   # R = 10, cost 1 s: about 45 minutes
    python benchmarks/cluster.py --bayes-jobs 3    # three Bayesian searches at a time
    python benchmarks/cluster.py --report-only     # table and figure from stored runs

Design (issue 11, item 4):

- **Workers.** Each evaluation is a synthetic task's score plus ``cost``
  seconds of ``time.sleep`` in the estimator's ``fit``
  (``tasks/cluster.py``). The real ``ScaledSearchCV(..., n_jobs=W)`` runs
  under ``joblib.parallel_backend("threading", n_jobs=W)``; sleeping frees
  the GIL, so W threads stand for W cluster workers, while the strategy's
  proposals run in the main thread at their real cost. With the tasks'
  2-fold CV, a batch of B candidates is 2B fits: B = W / 2 fills the workers.
- **Methods.** For (B, W) in (4, 8), (8, 16), (16, 32): ``random-wW``, one
  round of 64 candidates (128 fits, 128 / W waves of ``cost``),
  ``bayesian-bB-wW``, ``strategy="bayesian", batch_size=B`` (64 / B rounds,
  the default batch rule GP-UCB-PE), and ``bayesian-bB-wW-believer``, the
  same with the kriging believer, the batch rule GP-UCB-PE replaced.
  Random search's candidates do not depend on W, only its time does.
- **Clock.** A result is known to the search when its round ends: the
  search is a ``ScaledSearchCV`` subclass that stamps, per round, the wall
  time (from the start of ``fit``) at which its candidates were proposed and
  at which its evaluation ended, and the CPU time of the main thread spent
  since the previous round ended (telling the results, fitting the model,
  proposing: the search's own overhead). Wall time to reach a target is read
  on the mean best-so-far against wall time curve (step ``GRID_STEP``), as
  the main suite reads evaluations-to-match on evaluations.
- **Contention.** Proposals are CPU-bound and the shared machine may be
  busy; then their wall time exceeds their CPU time. Each run therefore also
  stores an *idle-machine* clock in which every round's overhead counts its
  CPU time instead of its wall time (the sleeping evaluations count their
  wall time as measured). The report gives both.
- **Scheduling.** Bayesian searches run one at a time by default
  (``--bayes-jobs``) so that their proposals do not compete with each
  other; they mostly sleep too, so a few at a time barely do (the stored
  runs of the default batch rule ran three at a time). Random searches,
  which only sleep, run beside them (``--random-jobs`` processes, default 3).
- **Cost.** ``--cost`` (default 1 s) is the duration of one fit. Real
  cluster jobs take minutes, so 1 s overstates the weight of the proposals
  (0.1 to 1 s each) against the evaluations: a conservative setting for the
  Bayesian search that keeps the benchmark within about half an hour.

Runs are stored as one gzip'd JSON Lines file per task and method under
``results/cluster/runs/`` (``storage.py``; resumed and merged like the main
suite's) and summarised in ``results/cluster/cluster.md`` and ``cluster.png``.
"""

import os
import sys

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import argparse  # noqa: E402
import time  # noqa: E402
import traceback  # noqa: E402
import warnings  # noqa: E402
from concurrent.futures import ProcessPoolExecutor, as_completed  # noqa: E402
from pathlib import Path  # noqa: E402

import joblib  # noqa: E402

from benchmarks import cluster_report, storage  # noqa: E402
from benchmarks.tasks.cluster import cluster_tasks  # noqa: E402
from skscale import ScaledSearchCV  # noqa: E402

OUT = Path(__file__).resolve().parent / "results" / "cluster"
BUDGET = 64
CONFIGS = [(4, 8), (8, 16), (16, 32)]  # (batch size B, workers W)


def method_names(configs=CONFIGS):
    """Method name -> (strategy, batch size, workers, batch rule) per config.

    Random search, Bayesian search with its default batch rule (GP-UCB-PE)
    and with the kriging believer (``-believer``, the rule it replaced).
    """
    methods = {}
    for batch, workers in configs:
        methods[f"random-w{workers}"] = ("random", None, workers, None)
        methods[f"bayesian-b{batch}-w{workers}"] = ("bayesian", batch, workers, None)
        methods[f"bayesian-b{batch}-w{workers}-believer"] = (
            "bayesian", batch, workers, "believer")
    return methods


class TimedSearchCV(ScaledSearchCV):
    """``ScaledSearchCV`` that stamps each round's proposal and end times.

    After ``fit``, ``rounds_`` holds one dict per round: ``size``
    (candidates), ``proposed`` and ``done`` (wall seconds since ``fit``
    started, when the strategy's ``ask`` returned and when the round's
    evaluation returned) and ``overhead_cpu`` (CPU seconds of the main
    thread from the end of the previous round, or the start of ``fit``, to
    ``proposed``).
    """

    batch_rule = None  # set on an instance: the Bayesian strategy's batch rule, if not its default

    def fit(self, X, y=None, **params):
        self.rounds_ = []
        self._t0, self._cpu0 = time.perf_counter(), time.thread_time()
        try:
            return super().fit(X, y, **params)
        finally:
            del self._t0, self._cpu0

    def _strategy_options(self):
        options = super()._strategy_options()
        return options if self.batch_rule is None else {**options, "batch_rule": self.batch_rule}

    def _make_strategy(self, earlier):
        space, strategy = super()._make_strategy(earlier)
        ask = strategy.ask

        def timed_ask(n):
            candidates = ask(n)
            self.rounds_.append({
                "size": len(candidates),
                "proposed": time.perf_counter() - self._t0,
                "overhead_cpu": time.thread_time() - self._cpu0,
            })
            return candidates

        strategy.ask = timed_ask  # instance attribute: this search's strategy only
        return space, strategy

    def _evaluate_round(self, *args, **kwargs):
        results = super()._evaluate_round(*args, **kwargs)
        self.rounds_[-1]["done"] = time.perf_counter() - self._t0
        self._cpu0 = time.thread_time()  # the next round's overhead starts here
        return results


def idle_clock(rounds):
    """Round end times with each round's overhead counted at its CPU time.

    The evaluation part of a round (``done - proposed``) is kept as measured.
    """
    clock, out = 0.0, []
    for r in rounds:
        clock += r["overhead_cpu"] + (r["done"] - r["proposed"])
        out.append(clock)
    return out


def run_one(task_name, method, seed, cost=1.0, n_iter=BUDGET, configs=CONFIGS):
    """One timed search on the simulated cluster.

    Returns
    -------
    record : dict
        ``scores`` (per candidate, in evaluation order), ``round_sizes``,
        ``known_at`` (wall seconds since ``fit`` started at which each round's
        results were known), ``known_at_idle`` (the same with overheads at
        their CPU time, see ``idle_clock``), ``proposal_seconds`` and
        ``overhead_cpu`` (per round), plus ``batch_size``, ``workers``,
        ``cost``, ``seconds`` (whole search) and the identifying fields.
    """
    strategy, batch, workers, batch_rule = method_names(configs)[method]
    task = cluster_tasks(cost)[task_name]
    X, y = task.load_data()
    search = TimedSearchCV(
        task.make_estimator(), task.space, strategy=strategy, n_iter=n_iter,
        batch_size=batch, cv=task.cv, scoring=task.scoring, n_jobs=workers, refit=False,
        random_state=seed,
    )
    search.batch_rule = batch_rule
    with warnings.catch_warnings(), joblib.parallel_backend("threading", n_jobs=workers):
        warnings.simplefilter("ignore")
        start, cpu_start = time.perf_counter(), time.process_time()
        search.fit(X, y)
        seconds, cpu = time.perf_counter() - start, time.process_time() - cpu_start
    rounds, previous = search.rounds_, 0.0
    proposal = []
    for r in rounds:
        proposal.append(r["proposed"] - previous)
        previous = r["done"]
    return {
        "task": task_name, "method": method, "n_iter": n_iter, "seed": seed,
        "batch_size": batch, "workers": workers, "cost": cost,
        "seconds": seconds, "cpu_seconds": cpu, "task_fingerprint": task.fingerprint,
        "scores": [float(s) for s in search.cv_results_["mean_test_score"]],
        "round_sizes": [r["size"] for r in rounds],
        "known_at": [r["done"] for r in rounds],
        "known_at_idle": idle_clock(rounds),
        "proposal_seconds": proposal,
        "overhead_cpu": [r["overhead_cpu"] for r in rounds],
    }


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    tasks = sorted(cluster_tasks(0.0))
    parser.add_argument("--tasks", nargs="+", choices=tasks, metavar="TASK")
    parser.add_argument("--methods", nargs="+", choices=sorted(method_names()),
                        metavar="METHOD")
    parser.add_argument("--replications", type=int, default=10)
    parser.add_argument("--cost", type=float, default=1.0, help="seconds per fit")
    parser.add_argument("--budget", type=int, default=BUDGET)
    parser.add_argument("--bayes-jobs", type=int, default=1,
                        help="Bayesian searches at a time (their proposals use CPU)")
    parser.add_argument("--random-jobs", type=int, default=3,
                        help="random searches at a time (they only sleep)")
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--report-only", action="store_true")
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    tasks = cluster_tasks(args.cost)
    names = args.tasks or sorted(tasks)
    methods = args.methods or list(method_names())
    runs_dir = args.out / "runs"
    if not args.report_only:
        stored = {(t, m): storage.read_runs(runs_dir, t, m, tasks[t].fingerprint, args.budget)
                  for t in names for m in methods}
        jobs = [(t, m, s) for s in range(args.replications) for t in names for m in methods
                if s not in stored[(t, m)]]
        print(f"{len(jobs)} searches to run (cost {args.cost} s per fit).", flush=True)
        start = time.perf_counter()
        with ProcessPoolExecutor(args.bayes_jobs) as bayes, \
                ProcessPoolExecutor(args.random_jobs) as random:
            futures = {
                (random if m.startswith("random") else bayes).submit(
                    run_one, t, m, s, args.cost, args.budget): (t, m, s)
                for t, m, s in jobs
            }
            for done, future in enumerate(as_completed(futures), start=1):
                job = futures[future]
                try:
                    record = future.result()
                except Exception:
                    print(f"FAILED {job}:\n{traceback.format_exc()}", flush=True)
                    continue
                storage.append_run(runs_dir, record)
                elapsed = time.perf_counter() - start
                print(f"[{done}/{len(jobs)}] {job[0]} {job[1]} seed {job[2]}: "
                      f"{record['seconds']:.1f} s, proposals {sum(record['proposal_seconds']):.1f}"
                      f" s wall / {sum(record['overhead_cpu']):.1f} s CPU "
                      f"(elapsed {elapsed / 60:.1f} min)", flush=True)
    runs = {t: {m: storage.read_runs(runs_dir, t, m, tasks[t].fingerprint, args.budget)
                for m in method_names()} for t in tasks}
    path = cluster_report.write(args.out, runs, tasks, CONFIGS, args.cost, args.budget)
    print(f"Wrote {path}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
