"""``ScaledSearchCV``: scikit-learn's search machinery driven by a strategy.

scikit-learn's ``BaseSearchCV`` owns cross-validation, joblib, scoring,
``cv_results_`` and refit. This module only adds ``_run_search``: the loop
that asks a strategy for candidates, evaluates them and tells it the scores.
"""

import contextlib
import numbers
import warnings
from collections import Counter

import numpy as np
from joblib import effective_n_jobs
from scipy.stats import rankdata
from sklearn.base import is_classifier
from sklearn.model_selection import check_cv
from sklearn.model_selection._search import BaseSearchCV
from sklearn.model_selection._validation import _insert_error_scores
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import HasMethods, Interval, StrOptions

from .failures import describe, keep_failed_rounds
from .fidelity import SCHEDULES, rank_full_resource_first
from .progress import ProgressReport
from .resource import resolve_resource
from .space import SearchSpace
from .stopping import StopCriteria
from .strategies import STRATEGIES
from .strategies.multifidelity import MultiFidelityStrategy
from .warm_start import earlier_results, merge_results


def rank_scores(means):
    """Ranks as scikit-learn gives them (1 is best, ties share the lowest rank),
    except that every non-finite score ranks last: a +inf from a broken
    scorer must not win the search."""
    means = np.asarray(means, dtype=np.float64)
    finite = np.isfinite(means)
    if not finite.any():
        return np.ones(len(means), dtype=np.int32)
    filled = np.where(finite, means, means[finite].min() - 1)
    return rankdata(-filled, method="min").astype(np.int32)


class ScaledSearchCV(BaseSearchCV):
    """Hyperparameter search over scaled ranges, random, grid or Bayesian.

    A drop-in for :class:`~sklearn.model_selection.RandomizedSearchCV` and
    :class:`~sklearn.model_selection.GridSearchCV`: same arguments, same
    fitted attributes, same delegation of ``predict``, ``score`` and friends
    to the refitted best estimator. What it adds is the strategy that picks
    the candidates and range objects that say how each parameter is scaled.

    Parameters
    ----------
    estimator : estimator object
        The estimator (or pipeline) to tune; cloned for every fit.
    param_distributions : dict or list of dict, default=None
        Parameter names (``step__param`` for pipelines) mapped to
        :class:`~skscale.Continuous`, :class:`~skscale.Integer`,
        :class:`~skscale.Ordinal` or :class:`~skscale.Categorical` ranges, to
        lists of values (a list of at least two distinct numbers becomes an
        ``Ordinal``, any other list a ``Categorical``), or to distributions
        with an ``rvs`` method (frozen scipy ``uniform``, ``loguniform`` and
        ``randint`` become the equivalent ranges; other
        distributions only work with ``strategy="random"``). A list of dicts
        gives sub-spaces, as in scikit-learn. An empty dict evaluates the
        estimator's own parameters as a single candidate, as ``GridSearchCV``
        does. Required, under this name or as ``param_grid``.
    strategy : {"bayesian", "random", "grid"}, default="bayesian"
        How candidates are chosen:

        - ``"random"``: ``n_iter`` independent draws, uniform in each scaled
          range, all submitted at once for maximal parallelism.
        - ``"grid"``: the full Cartesian product of evenly spaced values in
          each scaled range (see ``grid_points``).
        - ``"bayesian"``: a Gaussian-process model of the score, with learned
          input warping, proposes each batch from the results so far.
    n_iter : int, default=10
        Number of candidates to evaluate. For ``"grid"`` it is the budget that
        sets the number of points per numeric range when ``grid_points`` is
        None; the full grid is always evaluated, and may be larger when the
        lists of choices alone exceed it. With a ``resource``, it is the
        budget in full-resource evaluations: the search spends at most about
        ``n_iter * max_resource`` resource units per fold, what ``n_iter``
        ordinary evaluations cost, however they are split among levels.
    scoring : str, callable, list, tuple or dict, default=None
        As in scikit-learn. With several metrics, the strategy follows the
        one named by ``refit`` (the first in sorted order when ``refit`` is
        not a name).
    n_jobs : int, default=None
        Number of jobs to run in parallel through joblib; ``-1`` means all
        processors. Candidates do not depend on it.
    refit : bool, str or callable, default=True
        Refit the best estimator on the whole data, as in scikit-learn.
    cv : int, cross-validation generator or iterable, default=None
        The splitting strategy, as in scikit-learn (5-fold by default).
    verbose : int, default=0
        ``1`` prints one progress line per round (evaluations done and
        planned, best score and its parameters, time spent and an estimate of
        the time left) and a summary at the end. A search of a single round
        (random or grid without ``batch_size``) also prints scikit-learn's
        "Fitting ..." line first, as scikit-learn's searches do; with several
        rounds that line comes from ``verbose=2`` on. Higher values add
        scikit-learn's per-fit messages.
    pre_dispatch : int or str, default="2*n_jobs"
        Passed to joblib, as in scikit-learn.
    random_state : int, RandomState instance or None, default=None
        Seed of every random choice of the search. An int gives the same
        candidates whatever ``n_jobs`` is.
    error_score : "raise" or float, default=np.nan
        Score given to a fit that fails, as in scikit-learn: every evaluated
        candidate is a row of ``cv_results_``, including one whose folds all
        failed (with a ``FitFailedWarning``), and a failing candidate never
        loses the results gathered so far. The search raises only when every
        fit failed, as scikit-learn's do. Strategies treat a NaN score as the
        worst result.
    return_train_score : bool, default=False
        Also compute and store training scores.
    batch_size : int or "auto", default=None
        Candidates per round. ``"bayesian"`` proposes each round from the
        results so far; None means 1 (each candidate's ``cv`` folds still run
        in parallel). ``"auto"`` fills the workers: ``n_workers // n_splits``
        candidates per round (at least 1), where ``n_workers`` is what joblib
        gives ``n_jobs`` under the active backend (a dask cluster's cores
        with ``n_jobs=-1``). ``"random"`` and ``"grid"`` submit all their
        candidates in one round when None or ``"auto"``; an int gives them
        rounds too, so progress, stop criteria and Ctrl-C apply between
        rounds. With an int (or None), candidates depend on ``batch_size``
        and ``random_state``, never on ``n_jobs``; ``"auto"`` makes a Bayesian
        search's candidates depend on the number of workers.
    grid_points : int or dict, default=None
        For ``strategy="grid"``: points per numeric range, one number for all
        or a dict by parameter name. None chooses as many as keep the grid
        within ``n_iter`` candidates, with at least 2 per range.
    max_time : float, default=None
        Seconds after which no new round starts (checked between rounds;
        a round under way finishes).
    target_score : float, default=None
        Stop once the best score reaches this value.
    patience : int, default=None
        Stop after this many evaluations without a meaningful improvement:
        one that beats the best score by more than 0.1% of the gap between
        the best and the median score seen so far.
    warm_start : bool, fitted search or dict, default=False
        Earlier evaluations to start from: a fitted search, its
        ``cv_results_``, or ``True`` for this search's own previous fit (so
        ``search.set_params(warm_start=True, n_iter=20).fit(X, y)`` continues
        a search for 20 more evaluations). Earlier candidates inside
        ``param_distributions`` are told to the strategy first and come first
        in ``cv_results_`` with ``cv_results_["warm_start"]`` True; those
        outside are dropped with a warning. ``n_iter`` counts new evaluations
        only. The earlier scores are used as they are: they should come from
        the same data and scoring.
    param_grid : dict or list of dict, default=None
        Alias of ``param_distributions``, so that code written for
        ``GridSearchCV(estimator, param_grid=...)`` runs unchanged once the
        class name is swapped (add ``strategy="grid"`` for the same
        exhaustive sweep). Give one of the two, not both.
    resource : str, default=None
        Multi-fidelity search (see the user guide): evaluate many
        configurations cheaply and only the best with the full resource.
        None evaluates every candidate in full. ``"n_samples"`` subsamples
        each training fold (the test folds stay whole, so scores at every
        level are comparable). Any other string names an integer parameter
        of the estimator (``"max_iter"``, ``"n_estimators"``,
        ``"clf__max_iter"``), which must not be in ``param_distributions``.
    min_resource : int or "auto", default="auto"
        Smallest resource. ``"auto"``: ``max_resource / reduction_factor**3``
        (four levels; levels are rounded), but at least 1 for a parameter and, for
        ``"n_samples"``, at least 20 samples and 5 per class for a classifier.
    max_resource : int or "auto", default="auto"
        Largest resource, at which the best candidate is chosen and refitted.
        ``"auto"``: the estimator's own value of the parameter, or the size of
        the smallest training fold for ``"n_samples"`` (the refit uses all
        the data, as usual).
    reduction_factor : float, default=3
        Ratio between consecutive resource levels: each rung keeps the best
        ``1 / reduction_factor`` of its configurations for the next level.
    schedule : {"hyperband", "successive_halving", "adaptive"}, default="hyperband"
        ``"hyperband"`` cycles through brackets that start at every level,
        down to full-resource evaluation of fresh configurations, so it stays
        robust when low-resource scores mislead. ``"successive_halving"``
        repeats the bracket that starts at ``min_resource``: faster when
        low-resource scores rank configurations well. ``"adaptive"`` first
        scores 6 configurations at ``min_resource`` and at ``max_resource``,
        runs Hyperband from ``min_resource`` only if the two rank them alike
        (Spearman's rho >= 0.5), otherwise tests the next level up on the
        same 6 configurations, and spends the budget on full-resource
        evaluations when no low level can be trusted; ``rank_correlations_``
        keeps the measurements. With
        ``strategy="bayesian"`` fresh configurations come from a model fitted
        on the highest level with enough results (BOHB); the 6 configurations
        of the adaptive calibration are a space-filling (scrambled Sobol)
        design.

    Attributes
    ----------
    cv_results_ : dict of numpy (masked) ndarrays
        One entry per evaluated candidate, in evaluation order, with the
        layout of scikit-learn's searches.
    best_estimator_ : estimator
        The estimator refitted with the best parameters (when ``refit``).
    best_score_ : float
        Mean cross-validated score of the best candidate.
    best_params_ : dict
        Parameters of the best candidate.
    best_index_ : int
        Index of the best candidate in ``cv_results_``.
    scorer_ : function or dict
        The scorer(s) used.
    n_splits_ : int
        Number of cross-validation splits.
    refit_time_ : float
        Seconds spent refitting the best estimator.
    multimetric_ : bool
        Whether several metrics were used.
    search_space_ : SearchSpace
        The resolved search space: each parameter's range and scaling.
    batch_size_ : int or None
        Candidates per round: ``batch_size``, or what ``"auto"`` resolved to
        (None: the strategy's default, one round for random and grid search
        and one candidate per round for Bayesian search).
    resource_levels_ : list of int
        With a ``resource``: the resource levels used, increasing. Each row of
        ``cv_results_`` is one (configuration, level) evaluation, with the
        columns ``n_resources``, ``iter`` (the rung within its bracket) and
        ``bracket``. Only rows at the last level can be ``best_index_``: the
        ranks put every row at a lower level after all full-resource ones
        (failed rows last, as always).
    rank_correlations_ : dict
        With ``schedule="adaptive"``: for each resource level tested, Spearman's
        rank correlation between its scores and the ``max_resource`` scores of
        the configurations evaluated at both (those of the first calibration
        bracket; None with fewer than 6 finite pairs). Levels below 0.5 were
        dropped.
    n_candidates_ : int
        Number of candidates this fit evaluated and recorded in ``cv_results_``
        (warm-start rows excluded).
    stop_reason_ : str
        Why the search ended: ``"n_iter"`` (budget spent), ``"exhausted"``
        (a finite space ran out), ``"max_time"``, ``"target_score"``,
        ``"patience"`` or ``"interrupted"`` (Ctrl-C). A search that stops early
        still refits the best candidate and behaves like a finished one.
    warping_ : dict or list of dict
        ``"bayesian"`` only: the learned warping of each numeric parameter,
        a :class:`~skscale.strategies.bayesian.Warping` callable on the
        unit-scaled value with its parameters ``a`` and ``b``. A list of such
        dicts, one per sub-space, when ``param_distributions`` is a list.
    classes_, n_features_in_, feature_names_in_
        Delegated to the best estimator, as in scikit-learn.

    See Also
    --------
    sklearn.model_selection.RandomizedSearchCV : random search over distributions.
    sklearn.model_selection.GridSearchCV : exhaustive search over a grid.

    Notes
    -----
    With scikit-learn >= 1.9 callbacks, a search of a single round has
    scikit-learn's task tree: a ``"search"`` task whose subtasks are the
    (candidate, split) evaluations. A search of several rounds (Bayesian, or
    ``batch_size`` set) puts one ``"round"`` task per round between the two.

    Ctrl-C (``KeyboardInterrupt``) during ``fit`` ends the search cleanly with
    the rounds already evaluated: the best of them is refitted and every
    fitted attribute is set (``stop_reason_ == "interrupted"``). The round
    under way is lost. When no round has finished yet, the interrupt is
    raised again. ``random`` and ``grid`` search run a single round unless
    ``batch_size`` is set.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from sklearn.svm import SVC
    >>> from skscale import Continuous, ScaledSearchCV
    >>> X, y = load_iris(return_X_y=True)
    >>> search = ScaledSearchCV(
    ...     SVC(), {"C": Continuous(1e-2, 1e3), "gamma": Continuous(1e-4, 1e1)},
    ...     strategy="random", n_iter=8, random_state=0,
    ... ).fit(X, y)
    >>> search.search_space_
    SearchSpace({'C': Continuous(0.01, 1000.0, scaling='log'), \
'gamma': Continuous(0.0001, 10.0, scaling='log')})
    >>> print(f"{search.best_score_:.2f}")
    0.98
    """

    _parameter_constraints: dict = {
        **BaseSearchCV._parameter_constraints,
        "param_distributions": [dict, list, None],
        "param_grid": [dict, list, None],
        "strategy": [StrOptions(set(STRATEGIES))],
        "n_iter": [Interval(numbers.Integral, 1, None, closed="left")],
        "random_state": ["random_state"],
        "batch_size": [
            Interval(numbers.Integral, 1, None, closed="left"),
            StrOptions({"auto"}),
            None,
        ],
        "grid_points": [Interval(numbers.Integral, 1, None, closed="left"), dict, None],
        "max_time": [Interval(numbers.Real, 0, None, closed="neither"), None],
        "target_score": [numbers.Real, None],
        "patience": [Interval(numbers.Integral, 1, None, closed="left"), None],
        "warm_start": ["boolean", dict, HasMethods(["fit"]), None],
        "resource": [str, None],
        "min_resource": [Interval(numbers.Integral, 1, None, closed="left"), StrOptions({"auto"})],
        "max_resource": [Interval(numbers.Integral, 1, None, closed="left"), StrOptions({"auto"})],
        "reduction_factor": [Interval(numbers.Real, 1, None, closed="neither")],
        "schedule": [StrOptions(set(SCHEDULES))],
    }

    def __init__(
        self,
        estimator,
        param_distributions=None,
        *,
        strategy="bayesian",
        n_iter=10,
        scoring=None,
        n_jobs=None,
        refit=True,
        cv=None,
        verbose=0,
        pre_dispatch="2*n_jobs",
        random_state=None,
        error_score=np.nan,
        return_train_score=False,
        batch_size=None,
        grid_points=None,
        max_time=None,
        target_score=None,
        patience=None,
        warm_start=False,
        param_grid=None,
        resource=None,
        min_resource="auto",
        max_resource="auto",
        reduction_factor=3,
        schedule="hyperband",
    ):
        super().__init__(
            estimator=estimator,
            scoring=scoring,
            n_jobs=n_jobs,
            refit=refit,
            cv=cv,
            verbose=verbose,
            pre_dispatch=pre_dispatch,
            error_score=error_score,
            return_train_score=return_train_score,
        )
        self.param_distributions = param_distributions
        self.strategy = strategy
        self.n_iter = n_iter
        self.random_state = random_state
        self.batch_size = batch_size
        self.grid_points = grid_points
        self.max_time = max_time
        self.target_score = target_score
        self.patience = patience
        self.warm_start = warm_start
        self.param_grid = param_grid
        self.resource = resource
        self.min_resource = min_resource
        self.max_resource = max_resource
        self.reduction_factor = reduction_factor
        self.schedule = schedule

    def fit(self, X, y=None, **params):
        """Run the search and refit the best candidate, as in scikit-learn.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : array-like of shape (n_samples,) or None
        **params : dict
            Passed to the estimator's ``fit``, the scorer and the splitter
            (``groups``), as in scikit-learn.

        Returns
        -------
        self : object
        """
        # The resource levels depend on the data (fold sizes, classes), which
        # scikit-learn's fit does not hand to _run_search.
        self._fit_data = (X, y, params.get("groups"))
        try:
            return super().fit(X, y, **params)
        finally:
            del self._fit_data

    def _make_strategy(self, earlier):
        """Resolve the space and build the strategy (all argument checks)."""
        space = SearchSpace(self._param_space())
        space.check_names(self.estimator)
        if isinstance(self.grid_points, dict):
            for name, points in self.grid_points.items():
                if (
                    isinstance(points, bool)
                    or not isinstance(points, numbers.Integral)
                    or points < 1
                ):
                    raise ValueError(f"grid_points[{name!r}] must be an int >= 1, got {points!r}.")
        rng = check_random_state(self.random_state)
        if earlier is not None and isinstance(self.random_state, numbers.Integral):
            # A continued search must not draw the candidates of the first fit again.
            rng = np.random.RandomState([self.random_state, len(earlier["params"])])
        self.batch_size_ = self._resolve_batch_size(STRATEGIES[self.strategy].sequential)
        options = self._strategy_options()
        if self.resource is None:
            return space, STRATEGIES[self.strategy](space, self.n_iter, rng, **options)
        resource = resolve_resource(self, space, *self._fit_data, rng)
        self.resource_levels_ = resource.levels
        strategy = MultiFidelityStrategy(
            space,
            self.n_iter,
            rng,
            base=STRATEGIES[self.strategy],
            resource=resource,
            factor=self.reduction_factor,
            schedule=self.schedule,
            **options,
        )
        return space, strategy

    def _strategy_options(self):
        """Keyword options of the strategy (a hook: benchmarks add engine switches)."""
        return dict(grid_points=self.grid_points, batch_size=self.batch_size_)

    def _resolve_batch_size(self, sequential):
        """``batch_size``, with ``"auto"`` turned into the round size that keeps
        the workers busy (None, one round, for random and grid search)."""
        if self.batch_size != "auto":
            return self.batch_size
        if not sequential:
            return None
        X, y, groups = self._fit_data
        cv = check_cv(self.cv, y, classifier=is_classifier(self.estimator))
        return max(1, effective_n_jobs(self.n_jobs) // cv.get_n_splits(X, y, groups))

    def _param_space(self):
        """``param_distributions``, or its alias ``param_grid``."""
        if self.param_distributions is not None and self.param_grid is not None:
            raise ValueError(
                "Give param_distributions or its alias param_grid, not both: they name "
                "the same search space."
            )
        if self.param_distributions is None and self.param_grid is None:
            raise ValueError(
                "param_distributions is required: a dict (or list of dicts) of parameter "
                "names to ranges or lists of values. param_grid=... is accepted too, as "
                "in GridSearchCV."
            )
        return self.param_distributions if self.param_grid is None else self.param_grid

    def _guiding_metric(self, results):
        """The ``cv_results_`` key of the score the strategy maximises."""
        if "mean_test_score" in results:
            return "mean_test_score"
        if isinstance(self.refit, str) and f"mean_test_{self.refit}" in results:
            return f"mean_test_{self.refit}"
        return sorted(k for k in results if k.startswith("mean_test_"))[0]

    def _format_results(self, candidate_params, n_splits, out, more_results=None):
        if callable(self.scoring):
            # A round that failed entirely under a callable scorer holds plain
            # error scores: give them the metric names the other rounds found.
            _insert_error_scores(out, self.error_score)
        # scikit-learn formats this search's evaluations; earlier ones (warm
        # start) go first, so best_*, refit and ranks cover both.
        results = super()._format_results(candidate_params, n_splits, out, more_results)
        if self._warm_rows is not None:
            results = merge_results(self._warm_rows, results)
        for key in [k for k in results if k.startswith("mean_test_")]:
            ranks = rank_scores(results[key])
            if self.resource is not None:
                ranks = rank_full_resource_first(
                    results[key], results["n_resources"], self.resource_levels_[-1], rank_scores
                )
            results["rank_" + key[len("mean_") :]] = ranks
        return results

    def _run_search(self, evaluate_candidates, callback_ctx=None):
        """Ask the strategy for candidates, evaluate them, tell it the scores.

        Rounds go on until ``n_iter`` candidates are evaluated, the strategy
        runs out, or a stop criterion is met. Ctrl-C ends the search with the
        results gathered so far; it is raised again when there are none.
        """
        earlier = earlier_results(self.warm_start, self)
        self.search_space_, strategy = self._make_strategy(earlier)
        stop = StopCriteria(self.max_time, self.target_score, self.patience)
        self._warm_rows = None
        if earlier is not None:
            self._warm_rows = strategy.select_warm_rows(earlier)
            if self._warm_rows["params"]:
                strategy.tell(
                    self._warm_rows["params"],
                    self._warm_rows[self._guiding_metric(self._warm_rows)].astype(np.float64),
                )
        n_warm = 0 if self._warm_rows is None else len(self._warm_rows["params"])
        n_planned = strategy.n_candidates
        if n_planned == 0:
            raise ValueError(
                "Nothing left to evaluate: warm_start already holds every candidate of "
                "the grid. Use more grid_points or another strategy."
            )
        round_size = self.batch_size_ or (1 if strategy.sequential else n_planned)
        n_rounds = strategy.n_rounds(round_size)
        progress = ProgressReport(n_planned, enabled=self.verbose > 0)
        search_ctx = None
        if callback_ctx is not None:  # scikit-learn >= 1.9 callbacks (progress bars)
            # One round: scikit-learn's tree (search -> evaluations). Several:
            # search -> round -> evaluations.
            search_ctx = callback_ctx.subcontext(
                task_name="search",
                max_subtasks=n_planned * self.n_splits_ if n_rounds == 1 else n_rounds,
                sequential_subtasks=n_rounds > 1,
            ).call_on_fit_task_begin(estimator=self)
        results, n_done, n_rounds_done = {}, 0, 0
        self.stop_reason_ = "n_iter"
        # A round whose fits all fail stays in cv_results_ (scikit-learn would
        # raise). A single-round search keeps scikit-learn's behaviour exactly.
        failures_kept = keep_failed_rounds() if n_rounds > 1 else contextlib.nullcontext([])
        with failures_kept as failed_rounds:
            try:
                while n_done < n_planned:
                    candidates = strategy.ask(min(round_size, n_planned - n_done))
                    if not candidates:
                        warnings.warn(
                            f"The search space is exhausted after {n_done} candidates; "
                            f"stopping before n_iter={self.n_iter}.",
                            UserWarning,
                            stacklevel=4,  # the caller of fit
                        )
                        self.stop_reason_ = "exhausted"
                        break
                    results = self._evaluate_round(
                        evaluate_candidates,
                        candidates,
                        search_ctx,
                        n_rounds,
                        strategy.round_options(),
                    )
                    scores = results[self._guiding_metric(results)][-len(candidates) :]
                    strategy.tell(candidates, np.asarray(scores, dtype=np.float64))
                    n_done += len(candidates)
                    # The adaptive multi-fidelity schedule may plan again after a tell.
                    n_planned = progress.n_planned = strategy.n_candidates
                    n_rounds_done += 1
                    self._report(progress, n_done, results)
                    judged = strategy.judged(results)[n_warm:]
                    new_scores = results[self._guiding_metric(results)][n_warm:][judged]
                    reason = stop.reason_to_stop(new_scores, progress.elapsed())
                    if reason is not None and n_done < n_planned:
                        self.stop_reason_ = reason
                        break
            except KeyboardInterrupt:
                if not results:
                    raise
                self.stop_reason_ = "interrupted"
                warnings.warn(
                    f"Interrupted after {len(results['params'])} evaluations; the search "
                    "ends with them (the best is refitted when refit is set).",
                    UserWarning,
                    stacklevel=4,  # the caller of fit
                )
        if search_ctx is not None:
            search_ctx.call_on_fit_task_end(estimator=self)
        if not results:
            raise ValueError(
                "Nothing left to evaluate: the finite search space holds no candidate "
                "that warm_start does not already have."
            )
        self.n_candidates_ = len(results["params"]) - n_warm
        if n_warm == 0 and failed_rounds and len(failed_rounds) == n_rounds_done:
            n_fits = sum(sum(errors.values()) for errors in failed_rounds)
            raise ValueError(
                f"\nAll the {n_fits} fits failed.\n"
                "It is very likely that your model is misconfigured.\n"
                "You can try to debug the error by setting error_score='raise'.\n\n"
                f"Below are more details about the failures:\n"
                f"{describe(sum(failed_rounds, Counter()))}"
            )
        progress.finish(n_done, self.stop_reason_, *self._best(results))
        del self._warm_rows  # only needed while results are formatted
        for name, value in strategy.fitted_attributes().items():
            setattr(self, name, value)

    def _evaluate_round(self, evaluate_candidates, candidates, search_ctx, n_rounds, options):
        """Evaluate one round, inside its own callback task when there are several.

        ``options`` are the strategy's extra arguments (a multi-fidelity
        round's ``cv`` and ``more_results``).
        """
        if n_rounds == 1:
            return _evaluate(evaluate_candidates, candidates, search_ctx, options)
        round_ctx = None
        if search_ctx is not None:
            round_ctx = search_ctx.subcontext(
                task_name="round",
                max_subtasks=len(candidates) * self.n_splits_,
                sequential_subtasks=False,
            ).call_on_fit_task_begin(estimator=self)
        with self._sklearn_fitting_line(shown=self.verbose >= 2):
            results = _evaluate(evaluate_candidates, candidates, round_ctx, options)
        if round_ctx is not None:
            round_ctx.call_on_fit_task_end(estimator=self)
        return results

    @contextlib.contextmanager
    def _sklearn_fitting_line(self, shown):
        # evaluate_candidates prints "Fitting k folds for each of n candidates"
        # whenever self.verbose > 0, read at each call. Repeated for every round
        # it drowns the progress lines, so a multi-round search hides it at
        # verbose=1 by lowering the level for the call only.
        if shown or not self.verbose:
            yield
            return
        verbose, self.verbose = self.verbose, 0
        try:
            yield
        finally:
            self.verbose = verbose

    def _best(self, results):
        """Score and parameters of the best finite result so far (NaN, None if none)."""
        key = self._guiding_metric(results)
        scores = results[key]
        if not np.isfinite(scores).any():
            return np.nan, None
        # The rank-1 row: with a resource, a full-resource one when there is one.
        best = int(np.argmin(results["rank_" + key[len("mean_") :]]))
        return scores[best], results["params"][best]

    def _report(self, progress, n_done, results):
        if progress.enabled:
            progress.update(n_done, *self._best(results))


def _evaluate(evaluate_candidates, candidates, callback_ctx, options):
    # scikit-learn < 1.9 has no callbacks: evaluate_candidates takes no callback_ctx.
    if callback_ctx is None:
        return evaluate_candidates(candidates, **options)
    return evaluate_candidates(candidates, callback_ctx=callback_ctx, **options)
