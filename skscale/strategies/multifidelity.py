"""Multi-fidelity search: a bracket schedule around any strategy (BOHB-style for Bayesian).

The schedule (``skscale.fidelity``) decides which configuration runs at which
resource; the wrapped strategy only supplies fresh configurations. For the
search loop this is one more strategy: ``ask`` returns candidates of a
single rung, with the resource set, and ``round_options`` tells the loop how
to evaluate them (the subsampled ``cv`` and the ``n_resources``, ``iter`` and
``bracket`` columns of ``cv_results_``).
"""

import math
import warnings

import numpy as np

from ..fidelity import (
    MIN_PAIRS,
    RETEST,
    TRUST_THRESHOLD,
    Bracket,
    adaptive_paths,
    levels_to_test,
    plan_brackets,
    planned_configurations,
    planned_evaluations,
    planned_rung_sizes,
    rank_agreement,
)
from ..ranges import Integer
from ..space import SearchSpace
from ..warm_start import select_rows
from .base import Strategy
from .bayesian import BayesianStrategy, initial_design_size, space_filling_design
from .random import RandomStrategy

RESOURCE_COLUMN = "__resource__"  # the resource as a model input (``model="joint"``)
EXPLOIT_SPACING = 0.05  # max-abs (unit cube) between exploiting configurations and known ones


def _without_resource(configs):
    """``configs`` without the joint model's resource column."""
    return [{k: v for k, v in c.items() if k != RESOURCE_COLUMN} for c in configs]


class _JointModel(BayesianStrategy):
    """A Bayesian strategy whose space has the resource as one more input.

    It is told the results of every level and proposes at the maximum
    resource only: its candidates have the resource column where a
    full-resource row is encoded (the top of an integer range sits half a step
    below 1), which the polish never moves, and expected improvement is
    measured against the best full-resource target.
    """

    def __init__(self, space, levels, n_iter, random_state, **options):
        resource = Integer(levels[0], levels[-1], scaling="log")
        dicts = [{**sub.dims, RESOURCE_COLUMN: resource} for sub in space.subspaces]
        space = SearchSpace(dicts if len(dicts) > 1 else dicts[0])
        super().__init__(space, n_iter, random_state, **options)
        self._top = float(resource.to_unit(levels[-1]))
        self._columns = []
        for model in self._models:
            col = model.subspace.column(RESOURCE_COLUMN)
            model.subspace.warp_mask[col] = False  # neither warped nor polished
            self._columns.append(col)

    def _candidates(self, i):
        U = np.array(super()._candidates(i), dtype=np.float64)
        U[:, self._columns[i]] = self._top
        return np.unique(U, axis=0)

    def _incumbent(self):
        # In the models' units (the transformed targets), as the predictions
        # expected improvement compares it with are.
        top = [
            targets[np.isclose(m.X[:, c], self._top)]
            for m, c, targets in zip(self._models, self._columns, self._targets(), strict=True)
        ]
        best = np.concatenate(top)
        best = best[np.isfinite(best)]
        return float(best.max()) if best.size else super()._incumbent()


class MultiFidelityStrategy(Strategy):
    """Run Hyperband or successive-halving brackets with configurations from a strategy.

    Parameters
    ----------
    space : SearchSpace
        The searched space (without the resource).
    n_iter : int
        Budget in full-resource evaluations: the brackets planned spend at
        most ``n_iter * max_resource`` resource units per fold (at least one
        full-resource evaluation is always planned).
    random_state : RandomState
    base : type
        The strategy class that supplies configurations.
    resource : skscale.resource.Resource
    factor : float
        Reduction factor between rungs.
    schedule : {"hyperband", "successive_halving", "adaptive"}
    **options
        Passed to ``base`` (``grid_points``, ``batch_size``).

    Attributes
    ----------
    rank_correlations : dict
        Adaptive schedule only: resource level to Spearman's rank correlation
        between its scores and the maximum level's over the configurations of
        its calibration bracket (None with too few finite pairs), for each
        level tested so far.

    Notes
    -----
    The adaptive schedule (``skscale.fidelity.adaptive_paths``) decides
    after each calibration bracket: a level whose rank correlation is below
    ``TRUST_THRESHOLD`` is dropped with every level below it, the remaining
    budget is planned again from the next tested level (or spent on
    full-resource evaluations), and the Bayesian model no longer learns from
    the dropped levels. The next tested level is judged on the same
    configurations (a retest: their full-resource scores are known). The
    number of evaluations then changes, and ``n_candidates`` with it.

    With a model-based ``base`` (Bayesian), each fresh configuration comes
    from a model fitted on the observations of the highest resource level
    that has at least as many finite scores as the Bayesian initial design
    (BOHB, Falkner et al. 2018), which also counts the current bracket's
    configurations without a result at its level as pending points, so that
    fresh configurations asked one at a time are spread out; until some
    level has that many, and
    whenever the model proposes a configuration already in play, it is a
    random draw. The configurations of an adaptive calibration bracket are
    instead a scrambled Sobol design, spread over the space and chosen by no
    model of a level that may mislead, and those of a Hyperband bracket that
    starts at the maximum are the model's best predictions
    (``BayesianStrategy.exploit``), which compete with the screened winners
    of the other brackets. Other strategies supply their planned candidates
    in order (random draws, or the grid).
    """

    # Which observations the Bayesian model learns from: "level" (the highest
    # level with enough results, BOHB) or "joint" (every level, the resource
    # one more model input). Chosen by the multi-fidelity benchmark.
    model = "level"
    # Configurations of an adaptive calibration bracket (a benchmark switch).
    calibration_size = MIN_PAIRS
    # Whether the configurations of the current bracket that have no result at
    # the model's level yet are pending points of the model, so that fresh
    # ones asked one at a time keep away from them instead of being proposed
    # from the same data next to each other. On by measurement (the
    # multi-fidelity benchmark's bayesian-hyperband-no-pending is off).
    pending_rung = True
    # Whether a Bayesian search's calibration configurations are a scrambled
    # Sobol design (spread over the space, and never proposed by a model of
    # the level under test, which may mislead) instead of random draws, then
    # proposals of that level's model. On by measurement (the multi-fidelity
    # benchmark, 40 seeds: on the misleading task significantly higher at
    # costs 8 to 16, on the other three tasks no cost significantly different).
    design_calibration = True
    # The level models' exploration margin on quantised scores (the Bayesian
    # strategy's ``quantised_margin``). Off by measurement: in the
    # multi-fidelity benchmark (40 seeds) the default 0.1 made Bayesian
    # Hyperband end significantly lower where low-resource scores mislead
    # (0.7335 against 0.7375, p = 0.008) and no schedule significantly better
    # on any task.
    quantised_margin = 0.0
    # The level models' batch rule, for a bracket's fresh configurations asked
    # beside pending ones: the kriging believer, with which the multi-fidelity
    # runs were made. GP-UCB-PE, the plain search's default since, moved no
    # task significantly here (the benchmark's bayesian-hyperband-ucbpe, 40
    # seeds: p >= 0.22).
    batch_rule = "believer"
    # How many initial designs' worth of finite scores a level needs before
    # fresh configurations come from its model (a benchmark switch: the higher
    # levels hold a few winners of lower ones, close together). One by
    # measurement: two or three left the first cycle's fresh full-resource
    # evaluations as poor and ended lower where low-resource scores mislead;
    # in the adaptive schedule two (bayesian-adaptive-2designs, 40 seeds)
    # reached the target later there (23 against 19), nothing significant.
    designs_per_model = 1
    # Whether fresh configurations of a Hyperband bracket that starts at the
    # maximum resource are the model's best predictions (``exploit``,
    # EXPLOIT_SPACING apart) instead of expected-improvement proposals. On by
    # measurement (the multi-fidelity benchmark's bayesian-hyperband-ei-full is
    # off): by expected improvement, the first cycle's scored about as random
    # configurations do; exploiting, as the screened winners do.
    exploit_full = True
    # Every how many model-based fresh configurations of a bracket one is a
    # random draw instead (BOHB's random fraction; 0: none). Off by
    # measurement: one in three (the multi-fidelity benchmark's
    # bayesian-hyperband-random-third, 40 seeds) moved no task significantly
    # (p >= 0.16), higher on SVC and MLP, lower where low-resource scores mislead.
    random_every = 0
    # When the level models start learning their warping (the Bayesian
    # strategy's ``warp_from``, in initial designs' worth of observations):
    # a level holds few results, and the warping adds two hyperparameters per
    # numeric column to fit from them. 2 by measurement (the multi-fidelity
    # benchmark, 80 seeds, against bayesian-hyperband-warp-from-0): Hyperband
    # ended significantly higher on MLP (p = 0.04) and reached the target
    # sooner on SVC, the other tasks not significantly different; the
    # adaptive schedule (40 seeds) moved no task significantly.
    warp_from = 2
    # Whether a Bayesian search's first calibration scores only the initial
    # design's number of Sobol configurations at first, and the rest of its
    # MIN_PAIRS are proposed by the maximum's model fitted on their
    # full-resource results (judged together), so that a task whose levels
    # all mislead, which falls back to plain full-resource search, has spent
    # no more space-filling evaluations at the maximum than the plain search.
    # Off by measurement (the multi-fidelity benchmark's
    # bayesian-adaptive-split-calibration, 80 seeds): no task significantly
    # different (p >= 0.37); the misleading task's target reached at 19
    # instead of 20, within the noise of that statistic.
    split_calibration = False

    def __init__(
        self, space, n_iter, random_state, *, base, resource, factor, schedule, **options
    ):
        super().__init__(space, n_iter, random_state)
        self.resource = resource
        self.levels = list(resource.levels)
        self.factor = factor
        budget = n_iter * self.levels[-1]
        self._model_based = issubclass(base, BayesianStrategy)
        widest = max(sub.n_columns for sub in space.subspaces)
        # A level model's initial design when the budget is not tiny: d + 2.
        design_size = max(initial_design_size(widest, 2 * widest + 4), len(space.subspaces))
        self._split = split = (
            schedule == "adaptive"
            and self._model_based
            and self.design_calibration
            and self.split_calibration
        )
        if schedule == "adaptive":
            self._paths = adaptive_paths(
                self.levels,
                factor,
                budget,
                self.calibration_size,
                first_part=design_size if split else None,
            )
        else:
            plan = plan_brackets(self.levels, factor, budget, schedule)
            self._paths = [[(n, first, 0) for n, first in plan]]
        self._adaptive = schedule == "adaptive"
        self._tested = levels_to_test(self.levels, factor) if self._adaptive else []
        self._path = 0  # which plan is followed: how many tested levels failed
        self.plan = self._paths[0]
        self.rank_correlations = {}
        # Enough fresh configurations and rounds for whichever plan is followed.
        n_configs = max(planned_configurations(path) for path in self._paths)
        self.n_candidates = planned_evaluations(self.plan, self.levels, factor)
        self.sequential = base.sequential
        if self._model_based:
            self._source = RandomStrategy(space, n_configs, random_state)
            self._n_model = max(initial_design_size(widest, n_configs), len(space.subspaces))
            self._n_configs = n_configs
        else:
            self._source = base(space, n_configs, random_state, **options)
        self._brackets = [
            Bracket(n, first, self.levels, factor, i, calibration)
            for i, (n, first, calibration) in enumerate(self.plan)
        ]
        self._calibration_design = []
        if self._model_based and self._adaptive and self.design_calibration:
            self._calibration_design = space_filling_design(
                space.subspaces, design_size if split else self.calibration_size, random_state
            )
        self._calibrations = []  # the calibration brackets of the level being judged
        self._n_evaluated = 0  # evaluations of this search told so far
        self._observed = [([], []) for _ in self.levels]  # per level: configs, scores
        self._in_play = []  # every configuration started, to avoid repeats
        self._last = None  # (bracket, number of candidates) of the last ask
        self._warm_levels = None

    # -- the schedule -------------------------------------------------------

    def _current(self):
        while self._brackets and self._brackets[0].done:
            self._brackets.pop(0)
        return self._brackets[0] if self._brackets else None

    def ask(self, n):
        while (bracket := self._current()) is not None:
            if bracket.needs_new:
                wanted = min(n, bracket.sizes[0] - len(bracket.configs))
                configs = self._fresh(wanted, bracket)
                if not configs:  # the strategy ran out: this bracket ends with what it has
                    bracket.close_first_rung()
                    if not bracket.configs:
                        return []
                    continue
                bracket.add_new(configs)
                self._in_play.extend(configs)
            else:
                configs = bracket.next_configs(n)
                if not configs:
                    return []
            level = self.levels[bracket.level]
            self._last = (bracket, len(configs))
            return [self.resource.candidate(c, level) for c in configs]
        return []

    def n_rounds(self, round_size):
        # Every rung is asked for separately; at most this many whatever the
        # adaptive schedule decides.
        return max(
            sum(
                math.ceil(size / round_size)
                for entry in path
                for size in planned_rung_sizes(entry, self.levels, self.factor)
            )
            for path in self._paths
        )

    def round_options(self):
        bracket, k = self._last
        options = {
            "more_results": {
                "n_resources": [self.levels[bracket.level]] * k,
                "iter": [bracket.rung] * k,
                "bracket": [bracket.index] * k,
            }
        }
        cv = self.resource.cv(self.levels[bracket.level])
        if cv is not None:
            options["cv"] = cv
        return options

    def tell(self, candidates, scores):
        scores = np.asarray(scores, dtype=np.float64)
        if self._last is None:  # a warm start: earlier rows, at the levels they ran at
            levels = self._warm_levels or [self.levels[-1]] * len(candidates)
            for params, score, level in zip(candidates, scores, levels, strict=True):
                if level in self.levels:
                    self._observe(self.levels.index(level), params, score)
            self._in_play.extend(self.resource.config(p) for p in candidates)
            return
        bracket, _ = self._last
        for params, score in zip(candidates, scores, strict=True):
            self._observe(bracket.level, params, score)
        self._n_evaluated += len(candidates)
        bracket.tell(scores)
        if bracket.calibration and bracket.done:
            self._calibrations.append(bracket)
            # A split calibration is judged once its second bracket is done.
            following = self.plan[bracket.index + 1 : bracket.index + 2]
            if not (following and following[0][1] == bracket.first and following[0][2] > 0):
                self._judge(self._calibrations)
                self._calibrations = []

    def _judge(self, calibrations):
        """After a level's calibration brackets: keep the level, or plan without it."""
        bracket = calibrations[-1]
        configs = [c for b in calibrations for c in b.configs]
        low = [s for b in calibrations for s in b.low_scores]
        high = [s for b in calibrations for s in b.high_scores]
        rho = rank_agreement(low, high, self.calibration_size)
        self.rank_correlations[self.levels[bracket.first]] = rho
        if rho is None or rho >= TRUST_THRESHOLD:
            return  # no evidence against the level
        self._path = self._tested.index(bracket.first) + 1
        self.plan = self._paths[self._path]
        kept = bracket.index + 1  # brackets run so far (plans share this prefix)
        self._brackets = [
            Bracket(n, first, self.levels, self.factor, i, calibration)
            for i, (n, first, calibration) in enumerate(self.plan)
            if i >= kept
        ]
        if self._brackets and self._brackets[0].calibration == RETEST:
            # The next level is tested on the configurations already scored
            # at the maximum: only their scores at that level are missing.
            self._brackets[0].retest(configs, high)
        self.n_candidates = self._n_evaluated + planned_evaluations(
            self.plan[kept:], self.levels, self.factor
        )

    def _in_cycle_at_max(self, bracket):
        """Whether ``bracket`` is a Hyperband cycle's bracket at the maximum
        resource (not the plain search that follows when the adaptive
        schedule trusts no level)."""
        fallback = self._adaptive and self._path == len(self._tested)
        return bracket.first == len(self.levels) - 1 and not fallback

    @property
    def _lowest_trusted(self):
        """Index of the lowest level the model may learn from."""
        if self._path == 0:
            return 0
        if self._path < len(self._tested):
            return self._tested[self._path]
        return len(self.levels) - 1

    def _observe(self, level, params, score):
        configs, scores = self._observed[level]
        configs.append(self.resource.config(params))
        scores.append(float(score))

    def judged(self, results):
        """Rows the stop criteria look at: those at the maximum resource."""
        if "n_resources" not in results:
            return super().judged(results)
        return np.asarray(results["n_resources"]) == self.levels[-1]

    # -- fresh configurations -----------------------------------------------

    def _fresh(self, n, bracket):
        if n <= 0:
            return []
        if not self._model_based:
            return self._source.ask(n)
        if bracket.calibration > 0 and self._calibration_design:
            design = [c for c in self._calibration_design if c not in self._in_play]
            taken, self._calibration_design = design[:n], design[n:]
            if taken:
                return taken
        # A calibration's configurations after its design come from the
        # maximum's model: the level under test may mislead.
        calibrating = bracket.calibration > 0 and self._split
        lowest = len(self.levels) - 1 if calibrating else self._lowest_trusted
        model = self._model(self._n_model * self.designs_per_model, lowest)
        if self.exploit_full and model is not None and self._in_cycle_at_max(bracket):
            # Configurations in play are skipped, so ask for enough.
            best = _without_resource(model.exploit(n + len(self._in_play), EXPLOIT_SPACING))
            fresh = [c for c in best if c not in self._in_play]
            if len(fresh) >= n:
                return fresh[:n]
        if self.pending_rung and model is not None:
            # Those with a result at the model's level are known to it, and the
            # joint model's space (with the resource) contains none of them:
            # add_pending ignores both.
            model.add_pending(bracket.configs)
        n_random = 0
        if self.random_every and model is not None:
            start = len(bracket.configs)
            n_random = sum(
                (start + j) % self.random_every == self.random_every - 1 for j in range(n)
            )
        proposed = model.ask(n - n_random) if model is not None else []
        proposed = _without_resource(proposed)
        fresh = [c for c in proposed if c not in self._in_play]
        for _ in range(10):  # random draws (repeats, random_every); a finite space may run out
            if len(fresh) >= n:
                break
            extra = self._source.ask(n - len(fresh))
            if not extra and not self.space.is_finite:
                extra = self.space.sample(n - len(fresh), self.random_state)
            if not extra:
                break
            fresh += [c for c in extra if c not in self._in_play and c not in fresh]
        return fresh[:n]

    def _model(self, n_min, lowest=None):
        """A Bayesian strategy told the highest level with ``n_min`` finite
        scores, from ``lowest`` (the lowest trusted level by default) up."""
        if self.model == "joint":
            configs = [
                {**c, RESOURCE_COLUMN: level}
                for level, (cs, _) in zip(self.levels, self._observed, strict=True)
                for c in cs
            ]
            scores = np.concatenate([np.asarray(sc, dtype=float) for _, sc in self._observed])
            if np.isfinite(scores).sum() < max(n_min + 1, 2):
                return None
            model = _JointModel(
                self.space,
                self.levels,
                self._n_configs,
                self.random_state,
                **self._model_options(),
            )
            model.tell(configs, scores)
            return model
        lowest = self._lowest_trusted if lowest is None else lowest
        for configs, scores in reversed(self._observed[lowest:]):
            if np.isfinite(scores).sum() >= max(n_min, 1):
                model = BayesianStrategy(
                    self.space, self._n_configs, self.random_state, **self._model_options()
                )
                model.tell(configs, np.asarray(scores))
                return model
        return None

    def _model_options(self):
        """The Bayesian strategy's switches that the level models take from this class."""
        return {
            "quantised_margin": self.quantised_margin,
            "batch_rule": self.batch_rule,
            "warp_from": self.warp_from,
        }

    def fitted_attributes(self):
        if not self._observed[-1][0]:  # only after Ctrl-C or a failing last level
            warnings.warn(
                "The search ended before any evaluation at max_resource: best_params_ "
                "and the refit use the best configuration at a lower resource.",
                UserWarning,
                stacklevel=5,  # the caller of fit
            )
        measured = {"rank_correlations_": dict(self.rank_correlations)} if self._adaptive else {}
        if not self._model_based:
            return {**self._source.fitted_attributes(), **measured}
        model = self._model(2)
        if model is None:
            model = BayesianStrategy(self.space, self._n_configs, self.random_state)
        return {**model.fitted_attributes(), **measured}

    # -- warm start -----------------------------------------------------------

    def select_warm_rows(self, results):
        """Earlier rows inside the space, with their resource (max when unknown)."""
        n = len(results["params"])
        levels = np.asarray(results.get("n_resources", np.full(n, self.levels[-1])))
        stripped = {
            **results,
            "params": [self.resource.config(p) for p in results["params"]],
            "n_resources": levels,
            "iter": np.asarray(results.get("iter", np.full(n, -1))),
            "bracket": np.asarray(results.get("bracket", np.full(n, -1))),
        }
        rows = select_rows(stripped, self.space)
        rows["params"] = [
            self.resource.candidate(p, int(level))
            for p, level in zip(rows["params"], rows["n_resources"], strict=True)
        ]
        self._warm_levels = [int(level) for level in rows["n_resources"]]
        return rows
