"""Bayesian optimisation: a warped Gaussian process proposes every candidate.

Each sub-space is seen as the unit cube of its encoding (scaling first, then
the warping learned by the model). The search starts with a small
space-filling design; after that, every proposal maximises the expected
improvement of a Gaussian process fitted to the results so far.

Sub-spaces (a list of dicts) get one model each. Their expected improvements
are measured against the same incumbent (the best score of the whole
search), so the budget goes to whichever sub-space promises most.
"""

import math
import numbers
import warnings
from typing import NamedTuple

import numpy as np
from scipy.stats import qmc

from ..gp import (
    EXCLUDE_TOL,
    SCORE_TRANSFORMS,
    GaussianProcess,
    LogExpectedImprovement,
    first_allowed,
    kernel_by_name,
    kumaraswamy_cdf,
    maximize_acquisition,
    transform_scores,
)
from .base import Strategy

N_RANDOM_CANDIDATES = 1000  # random points scored per proposal and sub-space
N_LOCAL_CANDIDATES = 200  # points drawn around the best results
LOCAL_SCALE = 0.05  # spread of those points, in unit-cube coordinates
N_POLISH = 3  # best candidates polished by L-BFGS-B
ENUMERATE_LIMIT = 5000  # discrete sub-spaces up to this size are scored exhaustively
THRESHOLDS = ("observed", "posterior_mean")
# Cost at scale (see the class Notes). Below SCALE_FROM observations in a
# sub-space, every proposal is computed exactly as without these features.
SCALE_FROM = 200  # from here: refit schedule, incremental Cholesky updates
REFIT_GROWTH = 1.15  # refit once the observations grew by 15% since the last fit
SUBSET_FROM = 1000  # from here: hyperparameters fitted on a subset of the observations
SUBSET_SIZE = 500  # rows of that subset: the best half, then a random sample of the rest
# A search has stalled when its last STALL_AFTER results each landed within
# STALL_SPACING (max-abs, unit cube) of a known point without improving.
STALL_AFTER = 2
STALL_SPACING = 1e-3
# Batch rules: how a batch's members after the first are chosen.
BATCH_RULES = ("believer", "ucb_pe")
# Length scales of a categorical's one-hot columns: one each, or one shared.
CATEGORICAL_LENGTHSCALES = ("per_column", "shared")
# Width of GP-UCB-PE's confidence bounds, in posterior standard deviations.
UCB_PE_WIDTH = 0.5


class Warping(NamedTuple):
    """A learned Kumaraswamy warping ``w(u) = 1 - (1 - u**a)**b`` of [0, 1].

    ``a = b = 1`` is the identity. Call it on unit-interval values (a
    range's ``to_unit``) to see where the model stretches the range.

    Parameters
    ----------
    a, b : float
        Shape parameters, learned within [0.25, 4].
    """

    a: float
    b: float

    def __call__(self, u):
        """Warp unit-interval values.

        Parameters
        ----------
        u : float or array-like of float in [0, 1]

        Returns
        -------
        w : ndarray
            Warped values, exactly 0 at 0 and 1 at 1.
        """
        u = np.asarray(u, dtype=np.float64)
        # Exact at the ends (the core clips u away from 0 and 1 for its gradients).
        return np.where(u <= 0, 0.0, np.where(u >= 1, 1.0, kumaraswamy_cdf(u, self.a, self.b)))


def _check_one_of(name, value, allowed):
    if value not in allowed:
        raise ValueError(f"{name} must be one of {allowed}, got {value!r}.")


def _is_non_negative_number(value):
    return isinstance(value, numbers.Real) and not isinstance(value, bool) and value >= 0


def initial_design_size(n_columns, n_iter):
    """Points of the space-filling design: ``max(3, min(d + 2, n_iter // 2))``.

    ``d`` is the number of unit-cube columns. Small on purpose: the warped
    model learns from few points, and half the budget at least goes to
    model-based proposals.
    """
    return max(3, min(n_columns + 2, n_iter // 2))


def draw_seed(random_state):
    """A seed for a sub-generator (Sobol scrambling, the model's restarts),
    drawn from the search's ``RandomState``."""
    return int(random_state.randint(2**31 - 1))


def space_filling_design(subspaces, n_points, random_state):
    """``n_points`` configurations from scrambled Sobol sequences.

    Each sub-space gets its share (round-robin, so that a small design
    still visits each) of the first points of its own sequence, decoded
    through its scaled ranges.
    """
    designs = []
    for i, subspace in enumerate(subspaces):
        share = len(range(i, n_points, len(subspaces)))
        n_params = len(subspace.modelled)
        if n_params == 0:
            designs.append([subspace.from_uniform([])])
            continue
        sobol = qmc.Sobol(n_params, scramble=True, seed=draw_seed(random_state))
        points = sobol.random_base2(max(1, math.ceil(math.log2(share))))[:share]
        designs.append([subspace.from_uniform(v) for v in points])
    return [d[k] for k in range(max(map(len, designs))) for d in designs if k < len(d)]


def _already_known(known, U, tol=EXCLUDE_TOL):
    """Which rows of ``U`` (m, d) lie within ``tol`` (max-abs) of a row of
    ``known`` (k, d): by default, coincide with one."""
    if not len(known):
        return np.zeros(len(U), dtype=bool)
    # initial=0: with no columns (every parameter fixed) all points coincide.
    distance = np.abs(U[:, None, :] - known[None, :, :]).max(axis=2, initial=0.0)
    return distance.min(axis=1) <= tol


def stalled(X, y, n_last=STALL_AFTER, tol=STALL_SPACING):
    """Whether a search has stalled on points it already knows.

    True when each of the last ``n_last`` observations lies within ``tol``
    (max-abs, unit cube) of an earlier one without beating the best score
    observed before it.

    Parameters
    ----------
    X : ndarray, shape (n, d)
        Observed points, in the order they were told.
    y : ndarray, shape (n,)
        Their scores (non-finite for failures).
    n_last : int, default STALL_AFTER
    tol : float, default STALL_SPACING

    Returns
    -------
    bool
    """
    if len(y) <= n_last:
        return False
    for j in range(len(y) - n_last, len(y)):
        near = _already_known(X[:j], X[j : j + 1], tol)[0]
        earlier = y[:j][np.isfinite(y[:j])]
        improved = np.isfinite(y[j]) and (not earlier.size or y[j] > earlier.max())
        if not near or improved:
            return False
    return True


class _SubspaceModel:
    """The observations of one sub-space and the model fitted to them."""

    def __init__(self, subspace):
        self.subspace = subspace
        self.X = np.empty((0, subspace.n_columns))
        self.y = np.empty(0)
        self.gp = None
        self.theta = None  # warm start for the next fit
        self.fitted_on = -1  # observations the model has seen (of the search, if global)
        self.refitted_on = 0  # observations of this sub-space at the last hyperparameter fit
        self.enumerated = subspace.enumerate_points(ENUMERATE_LIMIT)
        # Nothing to search when every point is scored anyway.
        self.discrete = subspace.discrete_options() if self.enumerated is None else None

    def add(self, u, score):
        self.X = np.vstack([self.X, u])
        self.y = np.append(self.y, score)


class BayesianStrategy(Strategy):
    """Propose candidates with a Gaussian process and expected improvement.

    Parameters
    ----------
    space : SearchSpace
    n_iter : int
        Budget; sets the size of the initial design.
    random_state : RandomState
    batch_size : int or None
        Unused here (the search asks for batches); accepted for symmetry.
    score_transform : {None, "rank", "power"}, default "power"
        Transform of the scores before the models see them. None: the
        scores as they are. ``"rank"``: Gaussian quantiles of their ranks
        (:func:`skscale.gp.rank_transform`). ``"power"``: a Yeo-Johnson
        transform (:func:`skscale.gp.power_transform`). A transform is
        computed over the observations of every sub-space together, so
        that their models stay comparable.
    threshold : {"observed", "posterior_mean"}, default "observed"
        The incumbent expected improvement is measured against, in the
        models' target units: the best observed (transformed) score, or the
        largest posterior mean of a model at its observed points (less
        fooled by one lucky, noisy score). ``best_params_`` is unaffected.
    discrete_search : bool, default True
        Whether proposals also get a coordinate search over the integer,
        ordinal and categorical parameters (each tried at every valid value)
        instead of only rounding a relaxed optimum.
    warping : bool, default True
        Whether the models learn a warping of each numeric column (off: the
        scaled ranges as they are; an ablation switch).
    categorical_lengthscale : {"per_column", "shared"}, default "per_column"
        The models' length scales for a categorical parameter's one-hot
        columns: one per column (each pair of choices its own distance), or
        one shared by all (every two choices equally far apart; a
        categorical then costs one hyperparameter, as in optuna's
        ``GPSampler``). A benchmark switch, measured in the user guide.
    warp_from : float, default 0
        The models learn the warping once their sub-space has this many
        initial designs' worth of observations (``warp_from *
        len(initial design)``); before, they keep the scaled ranges as they
        are, with two hyperparameters per numeric column fewer to fit from
        few points. 0: from the first model. A benchmark switch: 2 was
        measured in the user guide and not adopted for the plain search;
        the multi-fidelity level models, which hold fewer results, use 2
        (``MultiFidelityStrategy.warp_from``).
    escape_stalls : bool, default True
        Whether a search that has :func:`stalled` (its last ``STALL_AFTER``
        results each within ``STALL_SPACING`` of a known point, none of
        them an improvement) keeps its next proposal at least
        ``STALL_SPACING`` away from every known point (off: an ablation
        switch; see the user guide).
    kernel : {"matern52", "matern32"}, default "matern52"
        The models' kernel: Matern 5/2, or the rougher Matern 3/2 (a
        benchmark switch, measured in the user guide).
    quantised_margin : float, default 0.1
        Once the better half of the finite scores holds exact ties (scores
        that move in steps, such as accuracy on a finite test set), expected
        improvement is measured over the incumbent plus this margin, in the
        models' standardised units: an improvement smaller than a step
        cannot be observed, so refining around the best point pays less
        than the model believes. 0 turns it off (an ablation switch;
        measured in the user guide).
    batch_rule : {"ucb_pe", "believer"}, default "ucb_pe"
        How the members of a batch after its first are chosen (the first
        maximises expected improvement, as a sequential proposal does).
        ``"ucb_pe"``: GP-UCB-PE (Contal et al., 2013), the candidate of
        highest posterior variance given the batch's pending points, among
        those whose upper confidence bound reaches the best lower bound
        (``UCB_PE_WIDTH`` standard deviations). ``"believer"``: expected
        improvement given the pending points believed to score their
        posterior mean (the kriging believer, the rule before; a benchmark
        switch). Measured in the user guide.

    Notes
    -----
    - Initial design: a scrambled Sobol sequence of
      :func:`initial_design_size` points, shared round-robin among the
      sub-spaces, each point decoded in its sub-space's scaled ranges.
    - Model: :class:`skscale.gp.GaussianProcess`, Matern 5/2 with one length
      scale per column, learned noise and a Kumaraswamy warping per numeric
      column, all fitted by maximum a posteriori and warm-started from the
      previous fit. Integers are modelled at their rounded value and
      ordinal values (numeric lists) at their position on their scaled
      axis, both warped like continuous ranges; categorical parameters are
      one-hot columns and are not warped.
    - Failed candidates (NaN or infinite scores) are told to the model as the
      worst finite score seen, so it moves away from them.
    - Proposal: log expected improvement (over the incumbent plus
      ``quantised_margin`` once the better scores tie), scored on random and
      local points (or on every point of a small discrete sub-space), the
      best few polished with L-BFGS-B. A batch's first member is that
      proposal; the others explore where the optimum may be (``batch_rule``),
      each given the members proposed before it, so they are distinct. Evaluated
      and pending points are never proposed again; a finite space that runs
      out ends the search early.
    - When the model cannot be fitted, a random point is proposed with a
      ``RuntimeWarning``.
    - Cost at scale, by the number ``n`` of observations of a sub-space
      (below ``SCALE_FROM`` = 200 every proposal is computed exactly as
      without these measures):

      - from ``SCALE_FROM``: the hyperparameters are refitted only once
        ``n`` grew by ``REFIT_GROWTH`` (15%) since the last fit; in
        between, the model is conditioned on the new observations (and on
        the re-transformed scores) at fixed hyperparameters, extending its
        Cholesky factor by a block update. Pending points of a batch are
        added the same way instead of refactorising the kernel matrix, and
        the members after a batch's first score the first member's
        candidates, whose posterior variance is updated for the pending
        points (the mean does not move) instead of predicted afresh.
        After the discrete search, only the points it moved are polished
        again.
      - from ``SUBSET_FROM`` = 1000: the hyperparameters are fitted on
        ``SUBSET_SIZE`` = 500 observations (the best half, then a random
        sample of the others), the model then conditioned on all of them.
    """

    sequential = True

    def __init__(
        self,
        space,
        n_iter,
        random_state,
        *,
        score_transform="power",
        threshold="observed",
        discrete_search=True,
        warping=True,
        categorical_lengthscale="per_column",
        warp_from=0,
        escape_stalls=True,
        kernel="matern52",
        quantised_margin=0.1,
        batch_rule="ucb_pe",
        **options,
    ):
        super().__init__(space, n_iter, random_state)
        _check_one_of("batch_rule", batch_rule, BATCH_RULES)
        self.batch_rule = batch_rule
        _check_one_of("score_transform", score_transform, SCORE_TRANSFORMS)
        _check_one_of("threshold", threshold, THRESHOLDS)
        self.score_transform = score_transform
        self.threshold = threshold
        self.discrete_search = discrete_search
        self.warping = warping
        if not _is_non_negative_number(warp_from):
            raise ValueError(f"warp_from must be a number >= 0, got {warp_from!r}.")
        self.warp_from = warp_from
        _check_one_of("categorical_lengthscale", categorical_lengthscale, CATEGORICAL_LENGTHSCALES)
        self.categorical_lengthscale = categorical_lengthscale
        self.escape_stalls = escape_stalls
        kernel_by_name(kernel)  # checked here, not at the first fit
        self.kernel = kernel
        if not _is_non_negative_number(quantised_margin):
            raise ValueError(f"quantised_margin must be >= 0, got {quantised_margin!r}.")
        self.quantised_margin = float(quantised_margin)
        self._cached_targets = None  # (observations seen, targets per sub-space)
        space.require_bounds("bayesian")
        self._models = [_SubspaceModel(sub) for sub in space.subspaces]
        self._pending = []  # (model index, unit-cube point) asked, not yet told
        self._pools = {}  # sub-space index: candidates of the batch under way, at scale
        self._lower_bounds = {}  # sub-space index: (model state, GP-UCB-PE bound), at scale
        self._initial = self._initial_design()
        self._n_initial = len(self._initial)

    # -- initial design ----------------------------------------------------

    def _initial_design(self):
        widest = max(m.subspace.n_columns for m in self._models)
        n_points = max(initial_design_size(widest, self.n_iter), len(self._models))
        return space_filling_design(self.space.subspaces, n_points, self.random_state)

    def _seed(self):
        return draw_seed(self.random_state)

    # -- ask / tell --------------------------------------------------------

    def ask(self, n):
        batch = []
        for _ in range(n):
            params = self._next_initial() if self._initial else self._propose()
            if params is None:
                break
            batch.append(params)
        return batch

    def _next_initial(self):
        while self._initial:
            params = self._initial.pop(0)
            located = self._locate(params)
            if located is not None and not self._is_known(*located):
                self._pending.append(located)
                return params
        return self._propose()

    def tell(self, candidates, scores):
        for params, score in zip(candidates, scores, strict=True):
            located = self._locate(params)
            if located is None:
                continue
            i, u = located
            self._pending = [
                (j, p) for j, p in self._pending if not (j == i and np.array_equal(p, u))
            ]
            self._models[i].add(u, float(score))
        self._pools.clear()  # the models change: their candidates' posterior with them
        self._lower_bounds.clear()
        # Results told from elsewhere (a warm start) stand in for design points.
        n_known = sum(len(m.y) for m in self._models) + len(self._pending)
        del self._initial[max(0, self._n_initial - n_known) :]

    def add_pending(self, candidates):
        """Count ``candidates`` as being evaluated elsewhere.

        Proposals keep away from them as from the pending points of a batch
        (under ``batch_rule``); they stop being pending when told. Candidates
        outside the space or already known are ignored.
        """
        for params in candidates:
            located = self._locate(params)
            if located is not None and not self._is_known(*located):
                self._pending.append(located)

    def _locate(self, params):
        """The (sub-space index, unit-cube point) of a candidate, or None."""
        for i, model in enumerate(self._models):
            if model.subspace.contains(params):
                u = model.subspace.encode(params)
                return i, model.subspace.project(u)[0]
        return None

    def _is_known(self, i, u):
        return bool(_already_known(self._known_points(i), u[None, :])[0])

    def _known_points(self, i):
        pending = [p for j, p in self._pending if j == i]
        return np.vstack([self._models[i].X, *pending]) if pending else self._models[i].X

    # -- proposals ---------------------------------------------------------

    def _propose(self):
        incumbent = self._incumbent()
        margin = self._margin()
        if incumbent is not None:
            incumbent += margin
        best = None  # (log EI, sub-space index, point)
        for i, model in enumerate(self._models):
            if len(model.y) < 2 or incumbent is None:
                proposal = self._random_point(i)
                if proposal is not None:
                    best = (np.inf, i, proposal)
                    break
                continue
            found = self._maximize(i, incumbent, margin)
            if found is not None and (best is None or found[1] > best[0]):
                best = (found[1], i, found[0])
        if best is None:
            return None
        _, i, u = best
        params = self._models[i].subspace.decode(u)
        # Pending under the point ``tell`` will locate: the optimiser's ``u`` and
        # the encoding of its decoded values can differ in the last bits, and a
        # pending point that ``tell`` cannot match would stay pending for good.
        self._pending.append(self._locate(params) or (i, u))
        return params

    def exploit(self, n, spacing):
        """Up to ``n`` configurations where the models predict the best scores.

        Pure exploitation, for when a configuration is to be confirmed
        rather than explored: each sub-space's candidates (as for a
        proposal) are ranked by posterior mean, and the best are taken
        greedily, each at least ``spacing`` (max-abs, unit cube) from the
        others and from the results its model learned from. Pending points
        are not consulted, and nothing is marked pending.

        Parameters
        ----------
        n : int
        spacing : float

        Returns
        -------
        list of dict
            Best first; fewer (or none) when the models cannot be fitted
            or too few candidates are far enough apart.
        """
        ranked = []  # (posterior mean, sub-space index, point)
        for i, model in enumerate(self._models):
            if len(model.y) < 2:
                continue
            try:
                gp = self._fit(i)
            except (np.linalg.LinAlgError, RuntimeError, ValueError):
                continue
            U = self._candidates(i)
            ranked += [(m, i, u) for m, u in zip(gp.predict(U)[0], U, strict=True)]
        ranked.sort(key=lambda entry: -entry[0])  # stable: ties keep candidate order
        taken = [m.X for m in self._models]  # only sub-spaces with results are ranked
        picked = []
        for _, i, u in ranked:
            if np.abs(taken[i] - u).max(axis=1).min() < spacing:
                continue
            picked.append(self._models[i].subspace.decode(u))
            taken[i] = np.vstack([taken[i], u])
            if len(picked) == n:
                break
        return picked

    def _margin(self):
        """``quantised_margin`` once the better half of the finite scores ties."""
        if not self.quantised_margin:
            return 0.0
        scores = self._finite_scores()
        top = scores[scores >= np.median(scores)] if scores.size else scores
        return self.quantised_margin if len(np.unique(top)) < len(top) else 0.0

    def _finite_scores(self):
        """Every finite score told so far, over all sub-spaces."""
        scores = np.concatenate([m.y for m in self._models])
        return scores[np.isfinite(scores)]

    def _incumbent(self):
        finite = self._finite_scores()
        if self.score_transform is None and self.threshold == "observed":
            return float(finite.max()) if finite.size else None
        if not finite.size:
            return None
        best = -np.inf
        for i, (model, targets) in enumerate(zip(self._models, self._targets(), strict=True)):
            if not len(targets):
                continue
            if self.threshold == "posterior_mean" and len(model.y) >= 2:
                try:
                    targets = self._fit(i).predict(model.X)[0]
                except (np.linalg.LinAlgError, RuntimeError, ValueError):
                    pass  # _maximize warns; the observed targets stand in
            best = max(best, float(targets.max()))
        return best

    def _targets(self):
        """The targets of each sub-space's model, in the models' units.

        Without a transform, each sub-space fills its failures with its own
        worst finite score (as always); a transform is global.
        """
        if self.score_transform is None:
            return [transform_scores(m.y, None) for m in self._models]
        # Observations are only ever added, so their count identifies the data;
        # cached because the power transform's fit costs milliseconds.
        n_seen = sum(len(m.y) for m in self._models)
        if self._cached_targets is None or self._cached_targets[0] != n_seen:
            z = transform_scores(np.concatenate([m.y for m in self._models]), self.score_transform)
            split = np.split(z, np.cumsum([len(m.y) for m in self._models])[:-1])
            self._cached_targets = (n_seen, split)
        return self._cached_targets[1]

    def _n_seen(self, i):
        """What a fitted model's data depend on: its own observations, or
        every observation of the search when the transform is global."""
        if self.score_transform is None:
            return len(self._models[i].y)
        return sum(len(m.y) for m in self._models)

    def _random_point(self, i):
        model = self._models[i]
        if model.enumerated is not None:
            candidates = model.enumerated
        else:
            candidates = model.subspace.random_points(64, self.random_state)
        candidates = candidates[self.random_state.permutation(len(candidates))]
        fresh = candidates[~_already_known(self._known_points(i), candidates)]
        return fresh[0] if len(fresh) else None

    def _fit(self, i):
        """The model of sub-space ``i``, updated if new results came in.

        Below ``SCALE_FROM`` observations the hyperparameters are refitted
        at every change; from there on only when the observations grew by
        ``REFIT_GROWTH``, the model being conditioned on the new data at
        fixed hyperparameters in between.
        """
        model = self._models[i]
        if model.fitted_on == self._n_seen(i):
            return model.gp
        y = self._targets()[i]
        n = len(model.y)
        if model.gp is not None and SCALE_FROM <= n < REFIT_GROWTH * model.refitted_on:
            try:
                model.gp.update(model.X, y)
                model.fitted_on = self._n_seen(i)
                return model.gp
            except np.linalg.LinAlgError:
                pass  # not positive definite at these hyperparameters: refit
        warp_mask = model.subspace.warp_mask & (
            self.warping and n >= self.warp_from * self._n_initial
        )
        groups = (
            model.subspace.column_parameter if self.categorical_lengthscale == "shared" else None
        )
        gp = GaussianProcess(
            warp_mask, random_state=self._seed(), kernel=self.kernel, lengthscale_groups=groups
        )
        subset = {"fit_rows": self._fit_rows(y)} if n >= SUBSET_FROM else {}
        model.gp = gp.fit(model.X, y, warm_start=model.theta, **subset)
        model.theta = model.gp.hyperparameter_vector_
        model.fitted_on = self._n_seen(i)
        model.refitted_on = n
        return model.gp

    def _fit_rows(self, y):
        """Rows the hyperparameters are fitted on past ``SUBSET_FROM``: the
        best half of ``SUBSET_SIZE`` (where the search concentrates), then
        a random sample of the others (the global trend)."""
        order = np.argsort(-y, kind="stable")
        n_best = SUBSET_SIZE // 2
        rest = self.random_state.permutation(order[n_best:])[: SUBSET_SIZE - n_best]
        return np.sort(np.concatenate([order[:n_best], rest]))

    def _maximize(self, i, incumbent, margin=0.0):
        """(point, log EI) maximising expected improvement in sub-space ``i``
        over ``incumbent`` (which includes ``margin``)."""
        model = self._models[i]
        try:
            gp = self._fit(i)
        except (np.linalg.LinAlgError, RuntimeError, ValueError) as error:
            warnings.warn(
                f"The Gaussian process could not be fitted ({error}); proposing a "
                "random point instead.",
                RuntimeWarning,
                stacklevel=7,  # the caller of fit
            )
            u = self._random_point(i)
            return None if u is None else (u, -np.inf)
        pending = [p for j, p in self._pending if j == i]
        # Any pending point, of any sub-space: every sub-space then offers a
        # GP-UCB-PE candidate, and their log variances compete (not log EI).
        if self._pending and self.batch_rule == "ucb_pe":
            found = self._explore_relevant(i, gp, np.array(pending))
            if found is not None:
                return found
        pool = self._pool(i, gp, bool(pending)) if len(model.y) >= SCALE_FROM else None
        if pending:
            pending = np.array(pending)
            # The believed scores count as observed: a pending point whose mean
            # beats the incumbent must not pull the next member next to it.
            incumbent = max(incumbent, float(gp.predict(pending)[0].max()) + margin)
            gp = gp.condition_on(pending, incremental=len(model.y) >= SCALE_FROM)
        if self.escape_stalls and stalled(model.X, model.y):
            # Refining a known point stopped paying: keep away from every known
            # point (unless nothing that far away is left).
            found = self._maximize_acquisition(i, gp, incumbent, STALL_SPACING, pool)
            if found is not None:
                return found
        return self._maximize_acquisition(i, gp, incumbent, pool=pool)

    def _explore_relevant(self, i, gp, pending):
        """GP-UCB-PE (Contal et al., 2013) for a batch's members after the
        first: the candidate of highest posterior variance given the pending
        points, among those whose upper confidence bound reaches the best
        lower bound (bounds ``UCB_PE_WIDTH`` standard deviations from the
        mean, the best over candidates and results). Candidates that coincide
        with a known or pending point are left out. ``(point, log variance)``,
        or None when no candidate qualifies."""
        at_scale = len(self._models[i].y) >= SCALE_FROM
        # At scale, the batch's shared candidates (see _pool), else fresh ones.
        pool = self._pool(i, gp, in_batch=True) if at_scale else None
        U = pool.X if at_scale else self._candidates(i)
        mean, var = pool.posterior(gp) if at_scale else gp.predict(U)
        width = UCB_PE_WIDTH * np.sqrt(var)
        by_lower = np.argsort(width - mean, kind="stable")
        known = self._known_points(i)
        p = first_allowed(U[by_lower], known)
        if p is None:
            return None
        best = by_lower[p]
        best_lower = max(mean[best] - width[best], self._best_lower_bound(i, gp))
        relevant = np.flatnonzero(mean + width >= best_lower)
        if at_scale:
            conditioned = gp.condition_on(pending, incremental=True)
            var = pool.posterior(conditioned)[1][relevant]
        else:
            var = gp.condition_on(pending).predict(U[relevant])[1]
        by_var = np.argsort(-var, kind="stable")
        p = first_allowed(U[relevant[by_var]], known)
        if p is None:
            return None
        return U[relevant[by_var[p]]], float(np.log(var[by_var[p]]))

    def _best_lower_bound(self, i, gp):
        """The best lower confidence bound (``UCB_PE_WIDTH``) at sub-space
        ``i``'s results; computed once per batch at scale."""
        cached = self._lower_bounds.get(i)
        if cached is not None and cached[0] is gp._state:
            return cached[1]
        mean, var = gp.predict(self._models[i].X)
        bound = float((mean - UCB_PE_WIDTH * np.sqrt(var)).max())
        if len(self._models[i].y) >= SCALE_FROM:
            self._lower_bounds[i] = (gp._state, bound)
        return bound

    def _pool(self, i, gp, in_batch):
        """Candidates of sub-space ``i`` with their posterior under ``gp`` (the
        model without pending points). At scale, the members of a batch after
        the first score the first member's candidates: the believed pending
        points leave the posterior mean as it is, and the pool updates the
        variance in ``O(n k m)`` instead of the ``O(n^2 m)`` of fresh ones."""
        pool = self._pools.get(i)
        if not (in_batch and pool is not None and pool.serves(gp)):
            pool = self._pools[i] = gp.pool(self._candidates(i))
        return pool

    def _maximize_acquisition(self, i, gp, incumbent, exclude_tol=EXCLUDE_TOL, pool=None):
        model = self._models[i]
        acquisition = LogExpectedImprovement(gp, incumbent)
        return maximize_acquisition(
            acquisition,
            self._candidates(i) if pool is None else pool.X,
            n_polish=N_POLISH,
            polish_mask=model.subspace.warp_mask,
            project=model.subspace.project,
            exclude=self._known_points(i),
            random_state=self._seed(),
            discrete=model.discrete if self.discrete_search else None,
            # At scale, a point the discrete search left alone is not polished twice.
            repolish_all=len(model.y) < SCALE_FROM,
            exclude_tol=exclude_tol,
            values=None if pool is None else acquisition.at_pool(pool),
        )

    def _candidates(self, i):
        """Points to score: every point if the sub-space is small and discrete,
        else random points plus perturbations of the best results."""
        model = self._models[i]
        if model.enumerated is not None:
            return model.enumerated
        rng = self.random_state
        random = model.subspace.random_points(N_RANDOM_CANDIDATES, rng)
        finite = np.flatnonzero(np.isfinite(model.y))
        top = finite[np.argsort(-model.y[finite])[:5]]
        centres = model.X[rng.choice(top, size=N_LOCAL_CANDIDATES)]
        noise = rng.normal(scale=LOCAL_SCALE, size=centres.shape) * model.subspace.warp_mask
        local = model.subspace.project(np.clip(centres + noise, 0.0, 1.0))
        return np.vstack([local, random])

    # -- what the fitted search exposes ------------------------------------

    def fitted_attributes(self):
        """``warping_``: the learned warping of each numeric parameter.

        A dict of parameter name to :class:`Warping` (identity where no model
        was fitted); a list of such dicts, one per sub-space, when the search
        has sub-spaces.
        """
        warpings = []
        for i, model in enumerate(self._models):
            sub = model.subspace
            if model.gp is None and len(model.y) >= 2:
                try:
                    self._fit(i)
                except (np.linalg.LinAlgError, RuntimeError, ValueError):
                    pass
            params = model.gp.params_ if model.gp is not None else None
            found = {}
            for name in sub.modelled:
                if not sub.warp_mask[sub.column(name)]:
                    continue
                if params is None:
                    found[name] = Warping(1.0, 1.0)
                else:
                    col = sub.column(name)
                    found[name] = Warping(float(params.warp_a[col]), float(params.warp_b[col]))
            warpings.append(found)
        return {"warping_": warpings[0] if len(warpings) == 1 else warpings}
