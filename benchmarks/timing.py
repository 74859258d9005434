"""Cost measurements: proposal overhead of the model-based optimisers, and
wall time of whole searches with one and two joblib workers.

Proposal overhead is the time from an observation being told to the next
candidate being ready: ``tell`` of one result plus ``ask`` of one
candidate. Both calls are timed together because optimisers split the work
differently (scikit-optimize refits its model in ``tell``, skscale in
``ask``). Scores are the cheap Hartmann-6 function, so the measure is the
optimiser's own cost, with no model training in it.

Past ``OTHERS_MAX_SIZE`` observations only skscale is measured (a
scikit-optimize GP refit at 2,000 observations takes minutes). Since
skscale refits its hyperparameters only now and then past 200
observations, its slowest timed proposal (a refit) is reported beside the
median. ``batch_overhead`` times one ``ask`` of a whole batch.
"""

import time
import warnings

import numpy as np

from .methods import METHODS, optuna_space, run_one, skopt_space
from .tasks.synthetic import PROBLEMS

OVERHEAD_PROBLEM = "hartmann-6d"  # 6 numeric dimensions: log, reverse-log, integer, linear
WARMUP = 10  # proposals that may come from an initial design (skopt and optuna use 10)
OTHERS_MAX_SIZE = 300  # larger sizes: skscale only
SLOWEST = " (slowest of the repeats)"  # suffix of the row of slowest skscale proposals


def _random_history(n, seed):
    """``n`` random parameter dicts of the overhead problem and their scores."""
    from skscale import SearchSpace

    space = SearchSpace(PROBLEMS[OVERHEAD_PROBLEM].space())
    params = space.sample(n, np.random.RandomState(seed))
    scores = [-PROBLEMS[OVERHEAD_PROBLEM].value(p) for p in params]
    return params, scores


class _Skscale:
    name = "skscale BayesianOptimizer"

    @staticmethod
    def missing():
        import skscale

        return None if hasattr(skscale, "BayesianOptimizer") else "no skscale.BayesianOptimizer"

    def __init__(self, seed):
        from skscale import BayesianOptimizer

        self.opt = BayesianOptimizer(
            PROBLEMS[OVERHEAD_PROBLEM].space(), n_iter=10, random_state=seed
        )

    def tell(self, params, scores):
        self.opt.tell(params, scores)

    def ask(self):
        return self.opt.ask(1)[0]


class _Skopt:
    name = "skopt Optimizer (GP)"
    missing = staticmethod(METHODS["skopt-bayes"].missing)

    def __init__(self, seed):
        from skopt import Optimizer

        self.dims = skopt_space(PROBLEMS[OVERHEAD_PROBLEM].space())
        self.opt = Optimizer(list(self.dims.values()), random_state=seed)

    def tell(self, params, scores):
        points = [[p[name] for name in self.dims] for p in params]
        self.opt.tell(points, [-s for s in scores])  # skopt minimises

    def ask(self):
        return dict(zip(self.dims, self.opt.ask(), strict=True))


class _Optuna:
    name = "optuna TPESampler"
    missing = staticmethod(METHODS["optuna-tpe"].missing)

    def __init__(self, seed):
        import optuna

        optuna.logging.set_verbosity(optuna.logging.WARNING)
        self.dists = optuna_space(PROBLEMS[OVERHEAD_PROBLEM].space())
        self.study = optuna.create_study(
            direction="maximize", sampler=optuna.samplers.TPESampler(seed=seed)
        )
        self.trial = None

    def tell(self, params, scores):
        import optuna

        if self.trial is not None:  # the result of the candidate last asked for
            self.study.tell(self.trial, scores[0])
            self.trial = None
            return
        self.study.add_trials([
            optuna.trial.create_trial(params=p, distributions=self.dists, value=s)
            for p, s in zip(params, scores, strict=True)
        ])

    def ask(self):
        self.trial = self.study.ask(self.dists)
        return self.trial.params


OPTIMIZERS = [_Skscale, _Skopt, _Optuna]


def proposal_overhead(sizes, repeats=3, seed=0):
    """Seconds per proposal against the number of observations, per optimiser.

    For each size n, an optimiser first gathers n - 1 observations (not
    timed): its own first ``WARMUP`` proposals, so that its initial design is
    used up and the timed proposals come from its model, then random points.
    Then, ``repeats`` times, it is told one more observation and
    asked for the next candidate, which is scored for the following round;
    the median of those timings is kept.

    Sizes above ``OTHERS_MAX_SIZE`` are measured for skscale only.

    Returns
    -------
    overhead : dict
        Optimiser name -> {n: seconds}, or -> reason string when unavailable;
        also skscale's name + ``SLOWEST`` -> {n: slowest of the repeats}.
    """
    problem = PROBLEMS[OVERHEAD_PROBLEM]
    out = {}
    for kind in OPTIMIZERS:
        reason = kind.missing()
        if reason:
            out[kind.name] = reason
            continue
        out[kind.name] = {}
        slowest = {}
        for n in sizes:
            if kind is not _Skscale and n > OTHERS_MAX_SIZE:
                continue
            opt = kind(seed)
            params, scores = _told(opt, n - 1, seed)
            candidate, score = params[-1], scores[-1]
            times = []
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                for _ in range(repeats):
                    start = time.perf_counter()
                    opt.tell([candidate], [score])
                    candidate = opt.ask()
                    times.append(time.perf_counter() - start)
                    score = -problem.value(candidate)
            out[kind.name][n] = float(np.median(times))
            slowest[n] = float(np.max(times))
        if kind is _Skscale:
            out[kind.name + SLOWEST] = slowest
    return out


def _told(opt, n, seed):
    """Tell ``opt`` ``n`` observations: its own first ``WARMUP`` proposals
    (so that its initial design is used up), then random points; return the
    parameters and scores of one more random point (untold)."""
    problem = PROBLEMS[OVERHEAD_PROBLEM]
    warm = min(n, WARMUP)
    params, scores = _random_history(n - warm + 1, seed)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for _ in range(warm):
            candidate = opt.ask()
            opt.tell([candidate], [-problem.value(candidate)])
        if len(params) > 1:
            opt.tell(params[:-1], scores[:-1])
    return params[-1:], scores[-1:]


def batch_overhead(n, batch, seed=0):
    """Seconds skscale takes for one ``ask(batch)`` after ``n`` observations.

    The observations are told as in :func:`proposal_overhead`; the time
    includes the model fit at ``n`` observations.

    Returns
    -------
    result : dict
        ``{"n": n, "batch": batch, "seconds": wall, "cpu_seconds": cpu}``
        (the CPU time of this process tells how much of the wall time other
        processes took), or ``{"skipped": reason}``.
    """
    reason = _Skscale.missing()
    if reason:
        return {"skipped": reason}
    opt = _Skscale(seed)
    _told(opt, n, seed)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        start, cpu = time.perf_counter(), time.process_time()
        opt.opt.ask(batch)
        seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    return {"n": n, "batch": batch, "seconds": seconds, "cpu_seconds": cpu}


def walltime(task_name, methods, n_iter, n_jobs_list=(1, 2), seed=0):
    """Wall time of one whole search per method and joblib worker count.

    Returns
    -------
    seconds : dict
        Method name -> {n_jobs: seconds}.
    """
    methods = [m for m in methods if not METHODS[m].missing()]
    if methods:
        # Untimed: start joblib's workers and import the model's modules in them.
        run_one(task_name, methods[0], 2, seed, n_jobs=max(n_jobs_list))
    return {
        m: {j: run_one(task_name, m, n_iter, seed, n_jobs=j)["seconds"] for j in n_jobs_list}
        for m in methods
    }
