"""The methods compared: skscale's strategies, the scaling ablation and the peers.

Every method is a function ``(task, n_iter, seed, n_jobs=1) -> dict`` with

- ``scores``: the cross-validated score of each evaluation, in evaluation
  order (NaN for a failed one);
- ``params``: the matching parameter dicts (for the scatter figure);
- ``warping`` (skscale Bayesian only, when the search exposes ``warping_``):
  ``{name: [a, b]}``, the learned Kumaraswamy parameters.

``seed`` is the ``random_state`` of every method, peers included. Each peer
gets the best scaling it supports: log where the task's range is log; the
reverse-log ranges fall back to uniform, since no peer has that scaling.
"""

import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from skscale import Categorical, Continuous, Ordinal, ScaledSearchCV

from .tasks import TASKS, linearized, resolved


def _bayesian_missing():
    from skscale.strategies import STRATEGIES

    if "bayesian" not in STRATEGIES:
        return "skscale has no 'bayesian' strategy yet"
    return None


def _module_missing(module):
    def check():
        try:
            __import__(module)
        except ImportError:
            return f"{module} is not installed (pip install -e .[bench])"
        return None

    return check


def _plain(value):
    """A JSON-friendly copy of one parameter value (numpy scalars unwrapped)."""
    return value.item() if isinstance(value, np.generic) else value


def _from_cv_results(results):
    return {
        "scores": [float(s) for s in results["mean_test_score"]],
        "params": [{k: _plain(v) for k, v in p.items()} for p in results["params"]],
    }


# ------------------------------------------------------------------ skscale


def _fit_search(search_class, task, space, seed, n_jobs, **options):
    """Fit one search on ``task`` with the settings every method shares."""
    X, y = task.load_data()
    return search_class(
        task.make_estimator(), space, scoring=task.scoring, cv=task.cv, n_jobs=n_jobs,
        refit=False, random_state=seed, **options,
    ).fit(X, y)


def as_categorical(space):
    """The same space with every list of values (plain or ``Ordinal``) an
    unordered ``Categorical``: how skscale read numeric lists before
    ``Ordinal`` existed."""
    out = {}
    for name, value in space.items():
        rng = resolved(name, value)
        out[name] = Categorical(rng.values) if isinstance(rng, Ordinal) else value
    return out


class _EngineSearchCV(ScaledSearchCV):
    """ScaledSearchCV whose strategy also gets ``engine`` options (the Bayesian
    strategy's ablation switches, which are not public search parameters)."""

    engine = {}

    def _strategy_options(self):
        return {**super()._strategy_options(), **self.engine}


def _engine_search(engine):
    """A search class whose strategy gets ``engine``; ScaledSearchCV if none."""
    if not engine:
        return ScaledSearchCV
    return type("EngineSearchCV", (_EngineSearchCV,), {"engine": dict(engine)})


def _skscale(task, n_iter, seed, n_jobs=1, *, strategy, linear=False, categorical=False,
             batch_size=None, engine=None):
    space = linearized(task.space) if linear else task.space
    space = as_categorical(space) if categorical else space
    search = _fit_search(_engine_search(engine), task, space, seed, n_jobs, strategy=strategy,
                         n_iter=n_iter, batch_size=batch_size)
    result = _from_cv_results(search.cv_results_)
    if hasattr(search, "warping_"):
        result["warping"] = {k: [float(a), float(b)] for k, (a, b) in search.warping_.items()}
    return result


# -------------------------------------------------------------------- peers


def sklearn_space(space):
    """scipy distributions for ``RandomizedSearchCV``: loguniform where log."""
    from scipy.stats import loguniform, randint, uniform

    out = {}
    for name, r in space.items():
        r = resolved(name, r)
        if isinstance(r, (Categorical, Ordinal)):
            out[name] = list(r.values)
        elif isinstance(r, Continuous):
            log = r.scaling == "log"
            out[name] = loguniform(r.low, r.high) if log else uniform(r.low, r.high - r.low)
        else:  # scipy has no log-uniform integer distribution
            out[name] = randint(r.low, r.high + 1)
    return out


def _sklearn_random(task, n_iter, seed, n_jobs=1):
    from sklearn.model_selection import RandomizedSearchCV

    search = _fit_search(RandomizedSearchCV, task, sklearn_space(task.space), seed, n_jobs,
                         n_iter=n_iter)
    return _from_cv_results(search.cv_results_)


def skopt_space(space):
    """scikit-optimize dimensions: log-uniform prior where log, integers included."""
    from skopt import space as sk

    out = {}
    for name, r in space.items():
        r = resolved(name, r)
        if isinstance(r, (Categorical, Ordinal)):  # a list, as a skopt user passes it
            out[name] = sk.Categorical(list(r.values))
            continue
        prior = "log-uniform" if r.scaling == "log" else "uniform"
        kind = sk.Real if isinstance(r, Continuous) else sk.Integer
        out[name] = kind(r.low, r.high, prior=prior)
    return out


def _skopt(task, n_iter, seed, n_jobs=1):
    from skopt import BayesSearchCV

    search = _fit_search(BayesSearchCV, task, skopt_space(task.space), seed, n_jobs,
                         n_iter=n_iter)
    return _from_cv_results(search.cv_results_)


def optuna_space(space):
    """optuna distributions: ``log=True`` where log, integers included."""
    from optuna import distributions as od

    out = {}
    for name, r in space.items():
        r = resolved(name, r)
        if isinstance(r, (Categorical, Ordinal)):  # a list, as an optuna user passes it
            out[name] = od.CategoricalDistribution(list(r.values))
            continue
        kind = od.FloatDistribution if isinstance(r, Continuous) else od.IntDistribution
        out[name] = kind(r.low, r.high, log=r.scaling == "log")
    return out


def _optuna(task, n_iter, seed, n_jobs=1):
    import optuna
    from optuna_integration import OptunaSearchCV

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    search = _fit_search(OptunaSearchCV, task, optuna_space(task.space), seed, n_jobs,
                         n_trials=n_iter)
    trials = search.study_.trials  # in evaluation order; value None when failed
    return {
        "scores": [float("nan") if t.value is None else float(t.value) for t in trials],
        "params": [{k: _plain(v) for k, v in t.params.items()} for t in trials],
    }


# ----------------------------------------------------------------- registry


@dataclass(frozen=True)
class Method:
    """A registered method.

    Parameters
    ----------
    run : callable
        ``(task, n_iter, seed, n_jobs=1) -> dict`` (see the module docstring).
    label : str
        One line for the summary: what exactly runs.
    missing : callable
        Returns None when the method can run here, else the reason it cannot.
    in_full : bool
        Whether the full run includes it by default (``--methods all`` adds
        the others).
    """

    run: Callable
    label: str
    missing: Callable = lambda: None
    in_full: bool = True


# The engine options that give skscale 0.1's Bayesian engine (the defaults
# before issue 10); the switches below are measured against it.
_V1 = dict(
    score_transform=None, threshold="observed", discrete_search=False, escape_stalls=False,
    quantised_margin=0.0,
)


def _v1(**changes):
    """skscale 0.1's engine with ``changes``."""
    return {**_V1, **changes}


def _partial(strategy, **options):
    def run(task, n_iter, seed, n_jobs=1):
        return _skscale(task, n_iter, seed, n_jobs, strategy=strategy, **options)

    return run


METHODS = {
    "skscale-random": Method(_partial("random"), "ScaledSearchCV(strategy='random')"),
    "skscale-bayesian": Method(
        _partial("bayesian"), "ScaledSearchCV(strategy='bayesian'), sequential",
        _bayesian_missing,
    ),
    "skscale-bayesian-b4": Method(
        _partial("bayesian", batch_size=4), "ScaledSearchCV(strategy='bayesian', batch_size=4)",
        _bayesian_missing,
    ),
    "skscale-bayesian-b8": Method(
        _partial("bayesian", batch_size=8), "ScaledSearchCV(strategy='bayesian', batch_size=8)",
        _bayesian_missing,
    ),
    # The batch rule before GP-UCB-PE (see the user guide).
    "skscale-bayesian-b4-believer": Method(
        _partial("bayesian", batch_size=4, engine=dict(batch_rule="believer")),
        "skscale bayesian, batch_size=4, the members after each batch's first by the "
        "kriging believer (the batch rule before GP-UCB-PE)",
        _bayesian_missing,
    ),
    "skscale-bayesian-b8-believer": Method(
        _partial("bayesian", batch_size=8, engine=dict(batch_rule="believer")),
        "skscale bayesian, batch_size=8, the members after each batch's first by the "
        "kriging believer (the batch rule before GP-UCB-PE)",
        _bayesian_missing,
    ),
    # The ablation of the engine-v2 defaults (power transform of the scores,
    # discrete coordinate search, learned warping, stall escape): each turned
    # off in turn, and all of v2's changes off (the engine of skscale 0.1).
    "skscale-bayesian-no-power": Method(
        _partial("bayesian", engine=dict(score_transform=None)),
        "skscale bayesian without the power transform of the scores", _bayesian_missing,
    ),
    "skscale-bayesian-no-discrete": Method(
        _partial("bayesian", engine=dict(discrete_search=False)),
        "skscale bayesian without the discrete coordinate search (rounding only)",
        _bayesian_missing,
    ),
    "skscale-bayesian-no-warping": Method(
        _partial("bayesian", engine=dict(warping=False)),
        "skscale bayesian without the learned input warping", _bayesian_missing,
    ),
    "skscale-bayesian-no-stall": Method(
        _partial("bayesian", engine=dict(escape_stalls=False)),
        "skscale bayesian without the stall escape (proposals may stay next to known points)",
        _bayesian_missing,
    ),
    "skscale-bayesian-no-margin": Method(
        _partial("bayesian", engine=dict(quantised_margin=0.0)),
        "skscale bayesian without the exploration margin on quantised scores (expected "
        "improvement over the best target even when the better scores tie)",
        _bayesian_missing,
    ),
    # Switches measured (summary, user guide) but not the default.
    "skscale-bayesian-warp-from-2": Method(
        _partial("bayesian", engine=dict(warp_from=2)),
        "skscale bayesian learning the warping only once the model has twice the initial "
        "design's observations (before: no warping)",
        _bayesian_missing, in_full=False,
    ),
    "skscale-bayesian-shared-categorical": Method(
        _partial("bayesian", engine=dict(categorical_lengthscale="shared")),
        "skscale bayesian with one length scale per categorical parameter, shared by its "
        "one-hot columns, instead of one per column",
        _bayesian_missing, in_full=False,
    ),
    "skscale-bayesian-matern32": Method(
        _partial("bayesian", engine=dict(kernel="matern32")),
        "skscale bayesian with the Matern 3/2 kernel instead of 5/2",
        _bayesian_missing, in_full=False,
    ),
    "skscale-bayesian-v1": Method(
        _partial("bayesian", engine=_V1),
        "the engine of skscale 0.1 (no score transform, no discrete search)", _bayesian_missing,
    ),
    # Issue 10's first switches, one at a time and together (measured with
    # v1's engine otherwise; results/engine_v2/engine_v2.md).
    "skscale-bayesian-rank": Method(
        _partial("bayesian", engine=_v1(score_transform="rank")),
        "skscale bayesian, rank (Gaussian-quantile) transform of the scores",
        _bayesian_missing, in_full=False,
    ),
    "skscale-bayesian-power": Method(
        _partial("bayesian", engine=_v1(score_transform="power")),
        "skscale bayesian, Yeo-Johnson transform of the scores",
        _bayesian_missing, in_full=False,
    ),
    "skscale-bayesian-postmean": Method(
        _partial("bayesian", engine=_v1(threshold="posterior_mean")),
        "skscale bayesian, EI threshold = max posterior mean at observed points",
        _bayesian_missing, in_full=False,
    ),
    "skscale-bayesian-rank-postmean": Method(
        _partial("bayesian", engine=_v1(score_transform="rank", threshold="posterior_mean")),
        "skscale bayesian, rank transform + posterior-mean EI threshold",
        _bayesian_missing, in_full=False,
    ),
    "skscale-bayesian-power-postmean": Method(
        _partial("bayesian", engine=_v1(score_transform="power", threshold="posterior_mean")),
        "skscale bayesian, Yeo-Johnson transform + posterior-mean EI threshold",
        _bayesian_missing, in_full=False,
    ),
    "skscale-random-linear": Method(
        _partial("random", linear=True), "skscale random, every range forced to linear",
    ),
    "skscale-bayesian-linear": Method(
        _partial("bayesian", linear=True), "skscale bayesian, every range forced to linear",
        _bayesian_missing,
    ),
    # Numeric lists read as unordered choices (one-hot), as before Ordinal:
    # the ablation of benchmarks/ordinal.py.
    "skscale-bayesian-categorical": Method(
        _partial("bayesian", categorical=True),
        "skscale bayesian, numeric lists as Categorical (one-hot)",
        _bayesian_missing, in_full=False,
    ),
    "sklearn-random": Method(
        _sklearn_random, "sklearn RandomizedSearchCV, scipy loguniform/uniform/randint",
    ),
    # About 100 s of CPU per 64-evaluation search, nearly all of it refitting
    # the GP (3 restarts) for every proposal: 200 searches would take ~3 h on
    # two cores. Left out of the default full run; quick runs include it.
    "skopt-bayes": Method(
        _skopt, "skopt BayesSearchCV (GP, defaults), log-uniform priors",
        _module_missing("skopt"), in_full=False,
    ),
    "optuna-tpe": Method(
        _optuna, "optuna-integration OptunaSearchCV (TPE), log=True",
        _module_missing("optuna_integration"),
    ),
}

BASELINE = "skscale-random"  # what normalized scores and evaluations-to-match refer to


def run_one(task_name, method_name, n_iter, seed, n_jobs=1):
    """Run one (task, method, seed) search; the unit of work of the runner.

    Returns
    -------
    record : dict
        The method's result plus the identifying fields, ``seconds`` (wall
        time of the whole search) and ``cpu_seconds`` (CPU time of this
        process: close to the wall time of an unloaded machine when
        ``n_jobs=1``, so it stays meaningful when other work shares the cores).
    """
    task, method = TASKS[task_name], METHODS[method_name]
    with warnings.catch_warnings():
        # Convergence, experimental-API and duplicate-point warnings of the
        # peers would drown the progress lines; the scores tell the story.
        warnings.simplefilter("ignore")
        start, cpu_start = time.perf_counter(), time.process_time()
        result = method.run(task, n_iter, seed, n_jobs)
        seconds, cpu = time.perf_counter() - start, time.process_time() - cpu_start
    return {
        "task": task_name, "method": method_name, "n_iter": n_iter, "seed": seed,
        "n_jobs": n_jobs, "seconds": seconds, "cpu_seconds": cpu,
        "task_fingerprint": task.fingerprint, **result,
    }
