"""Multi-fidelity benchmark: cost to reach full-fidelity random search's mean best.

    nice python benchmarks/multifidelity.py                    # R = 10, about 30 CPU-minutes
    python benchmarks/multifidelity.py --report-only           # tables and figure from stored runs

Cost is counted in resource units trained (sum over rows of ``n_resources``
times folds), in units of one full-resource evaluation (``max_resource``
times folds), which machine load does not change; wall and CPU time are kept
beside it. Full-fidelity searches get N = 64 evaluations, multi-fidelity
ones a budget of 24 full evaluations (``n_iter=24``), enough to see whether
they reach the target at 0.33 x 64 = 21. Runs are stored compactly in
``results/multifidelity/runs/<task>/<method>.jsonl.gz`` and resumed.
"""

import os
import sys

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import argparse  # noqa: E402
import json  # noqa: E402
import time  # noqa: E402
import traceback  # noqa: E402
import warnings  # noqa: E402
from concurrent.futures import ProcessPoolExecutor, as_completed  # noqa: E402
from contextlib import contextmanager  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

from benchmarks import mf_report, storage  # noqa: E402
from benchmarks.methods import sklearn_space  # noqa: E402
from benchmarks.tasks.multifidelity import MF_TASKS  # noqa: E402
from skscale import ScaledSearchCV  # noqa: E402
from skscale.space import SearchSpace  # noqa: E402

OUT = Path(__file__).resolve().parent / "results" / "multifidelity"
FULL_BUDGET = 64  # evaluations of the full-fidelity searches
MF_BUDGET = 24  # full-evaluation equivalents of the multi-fidelity searches
FACTOR = 3
PROBE_CONFIGS = 24  # random configurations scored at the lowest and highest level


def _fold_count(task):
    return task.cv.get_n_splits()


def _record(rows_scores, rows_cost, rows_full):
    return {
        "scores": [float(s) for s in rows_scores],
        "cost": [float(c) for c in rows_cost],
        "full": [bool(f) for f in rows_full],
    }


def _full_fidelity(task, seed, strategy):
    X, y = task.load_data()
    search = ScaledSearchCV(
        task.make_estimator(), task.space, strategy=strategy, n_iter=FULL_BUDGET, cv=task.cv,
        scoring=task.scoring, refit=False, random_state=seed,
    ).fit(X, y)
    n = len(search.cv_results_["params"])
    return _record(search.cv_results_["mean_test_score"], [1.0] * n, [True] * n)


def _multi_fidelity(task, seed, strategy, schedule, n_levels=4):
    """A search with the task's resource over ``n_levels`` levels up to its
    maximum (the task's own levels are four: fewer start higher)."""
    X, y = task.load_data()
    min_resource = task.min_resource * FACTOR ** (4 - n_levels)
    search = ScaledSearchCV(
        task.make_estimator(), task.space, strategy=strategy, n_iter=MF_BUDGET, cv=task.cv,
        scoring=task.scoring, refit=False, random_state=seed, resource=task.resource,
        min_resource=min_resource, max_resource=task.max_resource,
        reduction_factor=FACTOR, schedule=schedule,
    ).fit(X, y)
    results = search.cv_results_
    levels = np.asarray(results["n_resources"], dtype=float)
    return _record(results["mean_test_score"], levels / task.max_resource,
                   levels == task.max_resource)


@contextmanager
def _switched(target, **values):
    """Attributes of ``target`` (a module or a class) set to ``values`` for one run."""
    saved = {name: getattr(target, name) for name in values}
    for name, value in values.items():
        setattr(target, name, value)
    try:
        yield
    finally:
        for name, value in saved.items():
            setattr(target, name, value)


def _with_switches(run, **switches):
    """``run`` with class switches of ``MultiFidelityStrategy`` set."""
    def wrapped(task, seed):
        from skscale.strategies.multifidelity import MultiFidelityStrategy

        with _switched(MultiFidelityStrategy, **switches):
            return run(task, seed)
    return wrapped


def _bayesian_hyperband(task, seed, **switches):
    """Bayesian Hyperband with class switches of ``MultiFidelityStrategy`` set
    for this run (``model="joint"``: the model learns from every level, the
    resource an input; ``pending_rung=False``: the bracket's configurations
    are not pending for the model, the behaviour before they were)."""
    run = _with_switches(lambda t, s: _multi_fidelity(t, s, "bayesian", "hyperband"), **switches)
    return run(task, seed)


def _ei_full(run):
    """``run`` with ``exploit_full=False``: a bracket that starts at the maximum
    takes expected-improvement proposals, as every Bayesian multi-fidelity
    search did before exploitation there became the default (the variants
    measured then keep their stored runs that way)."""
    return _with_switches(run, exploit_full=False)


def _warp_from_0(run):
    """``run`` with the level models learning their warping from their first
    results (``warp_from=0``), as every Bayesian multi-fidelity search did
    before ``warp_from=2`` became the default (the variants measured then keep
    their stored runs that way)."""
    return _with_switches(run, warp_from=0)


def _alternate(task, seed, strategy="bayesian", schedule="hyperband"):
    """Hyperband whose cycles after the first run their brackets in the other order."""
    from skscale import fidelity

    with _switched(fidelity, ALTERNATE_CYCLES=True):
        return _multi_fidelity(task, seed, strategy, schedule)


def _adaptive(task, seed, strategy="bayesian", screened=False, skip_first_full=False,
              calibration_size=6, design_calibration=True):
    """The adaptive schedule with its switches set (the library's defaults unless told).

    ``screened=True`` screens Hyperband's first rung and sends
    ``calibration_size`` of it to the maximum, instead of scoring that many
    fresh configurations at both levels; ``skip_first_full`` leaves the
    full-resource bracket out of the first Hyperband cycle after a trusted
    calibration; ``design_calibration=False`` draws the calibration's
    configurations at random, then from the model of the level under test.
    """
    from skscale import fidelity
    from skscale.strategies.multifidelity import MultiFidelityStrategy

    with (
        _switched(fidelity, SCREENED_CALIBRATION=screened, SKIP_FIRST_FULL=skip_first_full),
        _switched(MultiFidelityStrategy, calibration_size=calibration_size,
                  design_calibration=design_calibration),
    ):
        return _multi_fidelity(task, seed, strategy, "adaptive")


def _halving(task, seed):
    """sklearn's HalvingRandomSearchCV with the same levels and factor.

    Its ``n_candidates`` is set so that it spends the multi-fidelity budget:
    one bracket of n at the lowest of four levels costs 4 n / 27 full
    evaluations, so n = 27 * 24 / 4 = 162. For ``n_samples`` its resource
    counts all the samples (it subsamples the test folds too); its levels are
    the same fractions of the data, and cost is counted in training samples.
    """
    from sklearn.experimental import enable_halving_search_cv  # noqa: F401
    from sklearn.model_selection import HalvingRandomSearchCV

    X, y = task.load_data()
    n_levels = 4
    n_candidates = int(round(FACTOR ** (n_levels - 1) * MF_BUDGET / n_levels))
    if task.resource == "n_samples":
        # The same fractions of the data: 1/27, 1/9, 1/3, 1 (of all samples).
        max_resources = len(y)
        min_resources = int(len(y) / FACTOR ** (n_levels - 1))
        train_fraction = task.max_resource / len(y)
    else:
        max_resources, min_resources, train_fraction = task.max_resource, task.min_resource, 1.0
    search = HalvingRandomSearchCV(
        task.make_estimator(), sklearn_space(task.space), n_candidates=n_candidates,
        resource=task.resource, min_resources=min_resources, max_resources=max_resources,
        factor=FACTOR, cv=task.cv, scoring=task.scoring, refit=False, random_state=seed,
    ).fit(X, y)
    results = search.cv_results_
    levels = np.asarray(results["n_resources"], dtype=float)
    last = results["iter"] == results["iter"].max()
    return _record(results["mean_test_score"], levels * train_fraction / task.max_resource, last)


def _optuna_pruned(task, seed):
    """optuna's TPE sampler with its Hyperband pruner, on the same levels.

    Each trial is scored by cross-validation at the levels in turn (a fresh
    fit per level, as skscale's and scikit-learn's halving searches do, so
    cost is counted the same way) and reported to the pruner after each
    one; a pruned trial stops there. Trials run until the multi-fidelity
    budget is spent. For ``n_samples`` each training fold is subsampled to a
    fixed random prefix of the level's size; test folds stay whole.
    """
    import optuna
    from sklearn.base import clone

    from benchmarks.methods import optuna_space
    from skscale.fidelity import resource_levels

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    X, y = task.load_data()
    levels = resource_levels(task.min_resource, task.max_resource, FACTOR)
    rng = np.random.RandomState(seed)
    splits = [(rng.permutation(train), test) for train, test in task.cv.split(X, y)]
    study = optuna.create_study(
        direction="maximize", sampler=optuna.samplers.TPESampler(seed=seed),
        pruner=optuna.pruners.HyperbandPruner(
            min_resource=levels[0], max_resource=levels[-1], reduction_factor=FACTOR),
    )
    distributions = optuna_space(task.space)
    scores, cost, full, spent = [], [], [], 0.0
    while spent < MF_BUDGET:
        trial = study.ask(distributions)
        for level in levels:
            fold_scores = []
            for train, test in splits:
                est = clone(task.make_estimator()).set_params(**trial.params)
                if task.resource == "n_samples":
                    train = train[:level]
                else:
                    est.set_params(**{task.resource: level})
                est.fit(X[train], y[train])
                fold_scores.append(est.score(X[test], y[test]))
            score = float(np.mean(fold_scores))
            scores.append(score)
            cost.append(level / task.max_resource)
            full.append(level == levels[-1])
            spent += level / task.max_resource
            trial.report(score, level)
            if trial.should_prune():
                study.tell(trial, state=optuna.trial.TrialState.PRUNED)
                break
        else:
            study.tell(trial, score)
    return _record(scores, cost, full)


EI_FULL = " (measured with expected-improvement proposals at the maximum: exploit_full=False)"
METHODS = {
    "random-full": (lambda t, s: _full_fidelity(t, s, "random"),
                    f"ScaledSearchCV(strategy='random', n_iter={FULL_BUDGET})"),
    "bayesian-full": (lambda t, s: _full_fidelity(t, s, "bayesian"),
                      f"ScaledSearchCV(strategy='bayesian', n_iter={FULL_BUDGET})"),
    "random-hyperband": (lambda t, s: _multi_fidelity(t, s, "random", "hyperband"),
                         f"random, resource, schedule='hyperband', n_iter={MF_BUDGET}"),
    "bayesian-hyperband": (lambda t, s: _multi_fidelity(t, s, "bayesian", "hyperband"),
                           f"bayesian, resource, schedule='hyperband', n_iter={MF_BUDGET}"),
    "bayesian-adaptive": (lambda t, s: _adaptive(t, s),
                          f"bayesian, resource, schedule='adaptive', n_iter={MF_BUDGET}"),
    "bayesian-adaptive-ei-full": (
        _ei_full(lambda t, s: _adaptive(t, s)),
        "as bayesian-adaptive, but Hyperband's brackets that start at the maximum take "
        "expected-improvement proposals (the default before exploit_full)"),
    "random-adaptive": (lambda t, s: _adaptive(t, s, "random"),
                        f"random, resource, schedule='adaptive', n_iter={MF_BUDGET}"),
    "bayesian-adaptive-model-calibration": (
        lambda t, s: _adaptive(t, s, design_calibration=False),
        "as bayesian-adaptive, but the calibration's configurations are random draws, then "
        "proposals of the model of the level under test (the earlier default; runs not stored)"),
    "bayesian-adaptive-screened": (lambda t, s: _adaptive(t, s, screened=True),
                                   "as bayesian-adaptive, but each calibration screens "
                                   "Hyperband's first rung from its level and sends the best 3 "
                                   "and 3 spread over the rest of the ranking to the maximum "
                                   "(not re-run since calibration configurations are "
                                   "spread; earlier runs in commit a7b704a)"),
    "bayesian-adaptive-skip-full": (
        lambda t, s: _adaptive(t, s, skip_first_full=True),
        "as bayesian-adaptive, the first Hyperband cycle after a trusted calibration "
        "without its bracket of fresh full-resource evaluations (not re-run since "
        "calibration configurations are spread; earlier runs in commit a7b704a)"),
    "bayesian-sh": (lambda t, s: _multi_fidelity(t, s, "bayesian", "successive_halving"),
                    f"bayesian, resource, schedule='successive_halving', n_iter={MF_BUDGET}"),
    "bayesian-hyperband-3levels": (
        _ei_full(lambda t, s: _multi_fidelity(t, s, "bayesian", "hyperband", n_levels=3)),
        "as bayesian-hyperband, over three levels (the lowest max_resource / 9)" + EI_FULL),
    "bayesian-hyperband-3levels-exploit": (
        lambda t, s: _multi_fidelity(t, s, "bayesian", "hyperband", n_levels=3),
        "as bayesian-hyperband (its full-resource brackets exploiting the model), over three "
        "levels (the lowest max_resource / 9)"),
    "bayesian-sh-3levels": (
        lambda t, s: _multi_fidelity(t, s, "bayesian", "successive_halving", n_levels=3),
        "as bayesian-sh, over three levels (the lowest max_resource / 9)"),
    "bayesian-hyperband-joint": (_ei_full(lambda t, s: _bayesian_hyperband(t, s, model="joint")),
                                 "as bayesian-hyperband, but the model learns from every "
                                 "level with the resource as an input" + EI_FULL),
    "bayesian-hyperband-no-pending": (_ei_full(lambda t, s: _bayesian_hyperband(
                                          t, s, pending_rung=False)),
                                      "as bayesian-hyperband, but the "
                                      "model does not count the bracket's configurations "
                                      "without a result at its level as pending (fresh ones "
                                      "come from the same data, close together)" + EI_FULL),
    "bayesian-hyperband-2designs": (
        _ei_full(lambda t, s: _bayesian_hyperband(t, s, designs_per_model=2)),
        "as bayesian-hyperband, but a level's model proposes only once the level has twice "
        "the initial design's number of results" + EI_FULL),
    "bayesian-hyperband-3designs": (
        _ei_full(lambda t, s: _bayesian_hyperband(t, s, designs_per_model=3)),
        "as bayesian-hyperband, with three times the initial design's number of results"
        + EI_FULL),
    "bayesian-hyperband-ei-full": (
        _ei_full(lambda t, s: _multi_fidelity(t, s, "bayesian", "hyperband")),
        "as bayesian-hyperband, but the brackets that start at the maximum take "
        "expected-improvement proposals instead of the model's best predictions (the default "
        "before exploit_full)"),
    "bayesian-hyperband-random-third": (
        lambda t, s: _bayesian_hyperband(t, s, random_every=3),
        "as bayesian-hyperband, but every third fresh configuration of a bracket below the "
        "maximum is a random draw (BOHB's random fraction)"),
    "bayesian-hyperband-ucbpe": (
        lambda t, s: _bayesian_hyperband(t, s, batch_rule="ucb_pe"),
        "as bayesian-hyperband, but the level models choose a bracket's configurations "
        "beside pending ones by GP-UCB-PE (the plain search's batch rule) instead of the "
        "kriging believer"),
    "bayesian-hyperband-warp-from-0": (
        lambda t, s: _bayesian_hyperband(t, s, warp_from=0),
        "as bayesian-hyperband, but the level models learn their warping from their first "
        "results (the default before warp_from=2)"),
    "bayesian-adaptive-warp-from-0": (
        _warp_from_0(lambda t, s: _adaptive(t, s)),
        "as bayesian-adaptive, but the level models learn their warping from their first "
        "results (the default before warp_from=2)"),
    "bayesian-adaptive-2designs": (
        _with_switches(lambda t, s: _adaptive(t, s), designs_per_model=2),
        "as bayesian-adaptive, but a level's model proposes only once the level has twice "
        "the initial design's number of results (the calibration's results at the maximum "
        "then do not make that level's model propose the first bracket's configurations)"),
    "bayesian-adaptive-split-calibration": (
        _with_switches(lambda t, s: _adaptive(t, s), split_calibration=True),
        "as bayesian-adaptive, but the first calibration scores only the initial design's "
        "number of Sobol configurations first, the rest of its 6 then proposed by the "
        "maximum's model fitted on their full-resource results (judged together); no split "
        "where the design already has 6 (hgb-max_iter, 4 ranges: runs not stored)"),
    "bayesian-hyperband-alternate": (
        _ei_full(lambda t, s: _alternate(t, s)),
        "as bayesian-hyperband, the cycles after the first running their brackets from "
        "the full-resource one down" + EI_FULL),
    "bayesian-adaptive-alternate": (
        _ei_full(lambda t, s: _alternate(t, s, schedule="adaptive")),
        "as bayesian-adaptive, the Hyperband cycles after the first running their brackets "
        "from the full-resource one down" + EI_FULL),
    "optuna-hyperband": (_optuna_pruned, "optuna TPE sampler + HyperbandPruner, same levels "
                         "and factor, trials until the same budget is spent"),
    "sklearn-halving": (_halving, "sklearn HalvingRandomSearchCV, same levels and factor, "
                        "162 candidates (same budget)"),
}

# Variants measured before warp_from=2 became the default: they keep
# warp_from=0, so that their stored runs reproduce, and the report compares
# them with bayesian-hyperband-warp-from-0 or bayesian-adaptive-warp-from-0.
MEASURED_WARP_FROM_0 = (
    "bayesian-adaptive-ei-full", "bayesian-adaptive-model-calibration",
    "bayesian-adaptive-screened", "bayesian-adaptive-skip-full", "bayesian-sh",
    "bayesian-hyperband-3levels", "bayesian-hyperband-3levels-exploit", "bayesian-sh-3levels",
    "bayesian-hyperband-joint", "bayesian-hyperband-no-pending", "bayesian-hyperband-2designs",
    "bayesian-hyperband-3designs", "bayesian-hyperband-ei-full", "bayesian-hyperband-random-third",
    "bayesian-hyperband-ucbpe", "bayesian-hyperband-alternate", "bayesian-adaptive-alternate",
)
WARP_FROM_0 = " (measured with the level models warping from their first results: warp_from=0)"
for _name in MEASURED_WARP_FROM_0:
    _run, _text = METHODS[_name]
    METHODS[_name] = (_warp_from_0(_run), _text + WARP_FROM_0)


def probe(task_name):
    """Spearman rank correlation of scores at the lowest and highest level.

    ``PROBE_CONFIGS`` random configurations (seed 0), each scored by
    cross-validation at ``min_resource`` and ``max_resource``. The
    subsample for ``n_samples`` is a fixed random prefix of each training
    fold, drawn here rather than by skscale.
    """
    from scipy.stats import spearmanr
    from sklearn.base import clone

    task = MF_TASKS[task_name]
    X, y = task.load_data()
    configs = SearchSpace(task.space).sample(PROBE_CONFIGS, np.random.RandomState(0))
    rng = np.random.RandomState(0)
    splits = [(rng.permutation(train), test) for train, test in task.cv.split(X, y)]
    scores = {}
    for level in (task.min_resource, task.max_resource):
        scores[level] = []
        for config in configs:
            fold_scores = []
            for train, test in splits:
                est = clone(task.make_estimator()).set_params(**config)
                if task.resource == "n_samples":
                    train = train[:level]
                else:
                    est.set_params(**{task.resource: level})
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    est.fit(X[train], y[train])
                fold_scores.append(est.score(X[test], y[test]))
            scores[level].append(float(np.mean(fold_scores)))
    rho = spearmanr(scores[task.min_resource], scores[task.max_resource])[0]
    return {"task": task_name, "spearman": float(rho), "fingerprint": task.fingerprint}


def run_one(task_name, method, seed):
    task = MF_TASKS[task_name]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        start, cpu_start = time.perf_counter(), time.process_time()
        record = METHODS[method][0](task, seed)
        seconds, cpu = time.perf_counter() - start, time.process_time() - cpu_start
    return {"task": task_name, "method": method, "seed": seed, "seconds": seconds,
            "cpu_seconds": cpu, "task_fingerprint": task.fingerprint, **record}


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tasks", nargs="+", choices=sorted(MF_TASKS), metavar="TASK")
    parser.add_argument("--methods", nargs="+", choices=sorted(METHODS), metavar="METHOD")
    parser.add_argument("--replications", type=int, default=10)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--report-only", action="store_true")
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    tasks = args.tasks or list(MF_TASKS)
    methods = args.methods or list(METHODS)
    runs_dir = args.out / "runs"
    probe_path = args.out / "rank_correlation.json"
    probes = json.loads(probe_path.read_text()) if probe_path.exists() else {}
    if not args.report_only:
        stored = {(t, m): storage.read_runs(runs_dir, t, m, MF_TASKS[t].fingerprint)
                  for t in tasks for m in methods}
        jobs = [(t, m, s) for s in range(args.replications) for t in tasks for m in methods
                if s not in stored[(t, m)]]
        missing_probes = [t for t in tasks
                          if probes.get(t, {}).get("fingerprint") != MF_TASKS[t].fingerprint]
        print(f"{len(jobs)} searches and {len(missing_probes)} probes to run, "
              f"{args.jobs} workers.", flush=True)
        start = time.perf_counter()
        with ProcessPoolExecutor(max_workers=args.jobs) as pool:
            futures = {pool.submit(probe, t): ("probe", t) for t in missing_probes}
            futures.update({pool.submit(run_one, *job): job for job in jobs})
            for done, future in enumerate(as_completed(futures), start=1):
                job = futures[future]
                try:
                    result = future.result()
                except Exception:
                    print(f"FAILED {job}:\n{traceback.format_exc()}", flush=True)
                    continue
                if job[0] == "probe":
                    probes[job[1]] = result
                    args.out.mkdir(parents=True, exist_ok=True)
                    probe_path.write_text(json.dumps(probes, indent=1, sort_keys=True) + "\n")
                    print(f"probe {job[1]}: spearman {result['spearman']:.2f}", flush=True)
                    continue
                storage.append_run(runs_dir, result)
                elapsed = time.perf_counter() - start
                print(f"[{done}/{len(futures)}] {job[0]} {job[1]} seed {job[2]}: "
                      f"{result['seconds']:.1f} s (elapsed {elapsed / 60:.1f} min)", flush=True)
    runs = {t: {m: storage.read_runs(runs_dir, t, m, MF_TASKS[t].fingerprint)
                for m in METHODS} for t in MF_TASKS}
    path = mf_report.write(args.out, runs, probes, MF_TASKS, METHODS, FULL_BUDGET, MF_BUDGET)
    print(f"Wrote {path}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
