"""Multi-fidelity schedules: resource levels, brackets, rungs and promotions.

Pure bookkeeping, no estimator is fitted here. A *bracket* starts ``n``
configurations at one resource level and keeps the best ``1 / factor`` of
them at each higher level (successive halving), up to the maximum resource.
*Hyperband* cycles through brackets that start at every level, from the most
exploratory (many configurations at the minimum resource) to plain
full-resource evaluation, so a task where low-resource scores mislead still
gets configurations judged at full resource.

The *adaptive* schedule checks that hedge instead of paying for it blindly:
it first runs a *calibration* bracket (a few fresh configurations at a low
level, then the same ones at the maximum, none discarded), measures how well
the low level ranked them (Spearman's rank correlation), and runs Hyperband
brackets from that level only if the ranking agrees; otherwise it tests the
next level up on the same configurations (a *retest*: their scores at the
maximum are known already), and ends with plain full-resource evaluation
when no tested level can be trusted.

The budget is counted in resource units per fold: a search with ``n_iter``
may spend about ``n_iter * max_resource``, what ``n_iter`` full-resource
evaluations cost.
"""

import itertools
import math

import numpy as np
from scipy.stats import spearmanr

SCHEDULES = ("hyperband", "successive_halving", "adaptive")

# Adaptive schedule. A calibration bracket scores this many configurations at
# both levels: with fewer, Spearman's rho is too coarse to decide anything.
MIN_PAIRS = 6
# Whether a calibration bracket screens a full first rung (Hyperband's size)
# and sends the best and a spread of the others to the maximum, or scores
# MIN_PAIRS fresh configurations at both levels. Measured both ways on the
# multi-fidelity benchmark (before a calibration's model-based configurations
# were spread by pending points; runs in commit a7b704a): screening wasted less on two
# well-correlated tasks, but trusted the misleading task's lowest level in 2
# of 10 runs (fresh: 0 of 10) and dropped good levels 3 to 5 times in 10
# (fresh: 1 to 2), the good configurations' scores at the maximum being near
# ties.
SCREENED_CALIBRATION = False
# A level is trusted when its ranking agrees with the maximum's at least this
# much. In a simulation of brackets on Gaussian scores (rho the same at every
# level), the 27-9-3-1 bracket beats four random full-resource evaluations
# of the same cost from rho ~0.4 on, the brackets that start higher from
# ~0.5 to 0.55; model-based full-resource evaluations set a higher bar still.
TRUST_THRESHOLD = 0.5
# Whether the first Hyperband cycle after a calibration leaves out its bracket
# of fresh full-resource evaluations (the calibration made some already).
# Measured both ways on the multi-fidelity benchmark (same earlier version):
# keeping it was as good or better on 3 of 4 tasks, none significantly.
SKIP_FIRST_FULL = False
# Whether a level tested after a failed one re-scores the configurations the
# first calibration sent to the maximum (a retest, cheap: no evaluation at
# the maximum) instead of calibrating on fresh configurations at both levels.
REUSE_CALIBRATION = True
# Whether Hyperband's cycles after the first run their brackets in the other
# order (the bracket of direct full-resource evaluations first, then those
# starting ever lower), so that the full-resource evaluations chosen by a
# model that has seen a whole cycle come early, and a budget that ends in a
# partial cycle spends it there. Measured on the multi-fidelity benchmark
# (40 seeds): earlier on SVC and MLP, never reaching the target on boosting;
# not the default.
ALTERNATE_CYCLES = False
# The ``calibration`` field of a retest's plan entry.
RETEST = -1


def resource_levels(min_resource, max_resource, factor):
    """Resource levels ``max_resource / factor**k`` down to ``min_resource``.

    Parameters
    ----------
    min_resource : float
    max_resource : int
    factor : float > 1

    Returns
    -------
    levels : list of int
        Increasing, distinct, the last one ``max_resource``; each the nearest
        integer to ``max_resource / factor**k``, at least 1.
    """
    # The small tolerance keeps an exact power (27 / 3**3 = 1) as one more level.
    depth = int(math.floor(math.log(max_resource / min_resource, factor) + 1e-9))
    levels = [max(1, round(max_resource / factor**k)) for k in range(depth, -1, -1)]
    return sorted(set(levels))


def rung_sizes(n, n_rungs, factor):
    """Configurations at each rung of a bracket that starts ``n`` of them.

    Each rung keeps ``1 / factor`` of the previous one, at least one, so
    every bracket reaches the last rung.
    """
    sizes = [n]
    for _ in range(n_rungs - 1):
        sizes.append(max(1, int(sizes[-1] // factor)))
    return sizes


def bracket_cost(n, first, levels, factor, calibration=0):
    """Resource units (per fold) of a bracket of ``n`` starting at level ``first``.

    A calibration bracket evaluates its ``n`` configurations at level
    ``first`` and ``calibration`` of them at the maximum level, and nowhere
    else; a retest (``calibration=RETEST``) evaluates ``n`` at ``first`` only.
    """
    if calibration == RETEST:
        return n * levels[first]
    if calibration:
        return n * levels[first] + calibration * levels[-1]
    sizes = rung_sizes(n, len(levels) - first, factor)
    return sum(size * r for size, r in zip(sizes, levels[first:], strict=True))


def bracket_cycle(n_levels, factor, schedule):
    """The brackets one cycle of the schedule runs, as ``(n, first level)``.

    Hyperband (Li et al. 2018): bracket ``s`` starts
    ``ceil((s_max + 1) / (s + 1) * factor**s)`` configurations ``s`` levels
    below the maximum, for ``s = s_max, ..., 0``, so every bracket costs about
    the same. Successive halving repeats the most exploratory bracket.
    """
    s_max = n_levels - 1
    if schedule == "successive_halving":
        return [(int(round(factor**s_max)), 0)]
    return [
        (int(math.ceil((s_max + 1) / (s + 1) * factor**s - 1e-9)), s_max - s)
        for s in range(s_max, -1, -1)
    ]


def plan_brackets(levels, factor, budget, schedule, skip_first_full=False):
    """Brackets that fit in ``budget`` resource units, in the order they run.

    The schedule's cycle repeats while its brackets fit; the first bracket
    that does not fit whole is shrunk (fewer starting configurations) to use
    what is left, or skipped when even one configuration is too much. The
    plan always holds at least one bracket with one configuration at the
    maximum resource, whatever the budget.

    Parameters
    ----------
    levels : list of int
    factor : float
    budget : float
        Resource units per fold.
    schedule : {"hyperband", "successive_halving"}
    skip_first_full : bool, default=False
        Leave the bracket that starts at the maximum out of the first cycle
        (the adaptive schedule's calibration evaluated fresh configurations
        at the maximum already).

    Returns
    -------
    brackets : list of (int, int)
        ``(n, first level)`` of each bracket.
    """
    cycle = bracket_cycle(len(levels), factor, schedule)
    plan, left, skip = [], budget, skip_first_full and len(cycle) > 1
    for n_cycles in itertools.count():
        added = False
        order = cycle[::-1] if ALTERNATE_CYCLES and n_cycles % 2 else cycle
        for n, first in order[:-1] if skip else order:
            while n >= 1 and bracket_cost(n, first, levels, factor) > left:
                n -= 1
            if n >= 1:
                plan.append((n, first))
                left -= bracket_cost(n, first, levels, factor)
                added = True
            if left < levels[-1]:  # not even one full-resource evaluation left
                break
        if not (added or skip) or left < levels[-1]:
            break
        skip = False
    return plan or [(1, len(levels) - 1)]


def levels_to_test(levels, factor):
    """Indices of the levels the adaptive schedule may start brackets at.

    Those at most ``max_resource / factor**2`` (5% slack for rounding): a
    bracket from the level just below the maximum discards once and saves
    little over full-resource evaluation, so it is not worth a calibration.
    """
    return [i for i, r in enumerate(levels[:-1]) if r * factor**2 <= levels[-1] * 1.05]


def adaptive_paths(levels, factor, budget, n_pairs=MIN_PAIRS, first_part=None):
    """Every plan the adaptive schedule may follow, one per outcome of its tests.

    Plan ``k`` is the one followed when the first ``k`` tested levels are
    found misleading: it calibrates each tested level up to the ``k``-th,
    then runs Hyperband over the levels from the ``k``-th up (or, when every
    tested level misleads, full-resource brackets) with what is left. Plans
    share their prefixes, so the schedule switches from plan ``k`` to plan
    ``k + 1`` when the ``k``-th test fails, keeping the brackets it ran.
    With ``REUSE_CALIBRATION``, the levels after the first are retests of
    the first calibration's configurations at the maximum.

    Parameters
    ----------
    levels : list of int
    factor : float
    budget : float
        Resource units per fold.
    n_pairs : int
        Configurations a calibration bracket evaluates at the maximum (fewer
        if the budget is short).
    first_part : int, optional
        Split the first calibration into two brackets at the same level, of
        ``first_part`` and of the rest of ``n_pairs`` configurations, judged
        together (so that the second's configurations can come from a model
        of the first's results at the maximum). No split when it leaves
        nothing for the second.

    Returns
    -------
    paths : list of list of (int, int, int)
        ``(n, first level, calibration)`` per bracket, ``calibration`` the
        number a calibration bracket sends to the maximum, ``RETEST`` for a
        retest (``n`` configurations of the first calibration), 0 for the
        others.
        With no level to test there is one plan: Hyperband's.
    """
    tested = levels_to_test(levels, factor)
    if not tested:
        return [[(n, first, 0) for n, first in plan_brackets(levels, factor, budget, "hyperband")]]
    last = len(levels) - 1
    paths = []
    for k in range(len(tested) + 1):
        plan, left = [], budget
        for level in tested[: k + 1]:
            if plan and REUSE_CALIBRATION:
                # What the first calibration (one or two brackets) sent to the maximum.
                reused = sum(c for _, first, c in plan if first == tested[0] and c > 0)
                if bracket_cost(reused, level, levels, factor, RETEST) <= left:
                    plan.append((reused, level, RETEST))
                    left -= bracket_cost(reused, level, levels, factor, RETEST)
                continue
            m = n = n_pairs
            if SCREENED_CALIBRATION:  # Hyperband's first rung from this level
                n = max(m, bracket_cycle(len(levels) - level, factor, "hyperband")[0][0])
            while m >= 1 and bracket_cost(n, level, levels, factor, m) > left:
                m -= 1
                n = n if SCREENED_CALIBRATION else m
            if m >= 1:
                if not plan and not SCREENED_CALIBRATION and first_part and 0 < first_part < m:
                    rest = m - first_part
                    plan += [(first_part, level, first_part), (rest, level, rest)]
                else:
                    plan.append((n, level, m))
                left -= bracket_cost(n, level, levels, factor, m)
        if left >= levels[-1] or not plan:
            if k < len(tested):
                rest = plan_brackets(
                    levels[tested[k] :], factor, left, "hyperband", skip_first_full=SKIP_FIRST_FULL
                )
                plan += [(n, first + tested[k], 0) for n, first in rest]
            else:
                plan.append((max(1, int(left // levels[-1])), last, 0))
        paths.append(plan)
    return paths


def rank_agreement(low, high, min_pairs=MIN_PAIRS):
    """Spearman's rank correlation of two levels' scores of the same configurations.

    Parameters
    ----------
    low, high : array-like of shape (n,)
        Scores at a low level and at the maximum, configuration by
        configuration; pairs with a non-finite score are left out.
    min_pairs : int

    Returns
    -------
    rho : float or None
        None with fewer than ``min_pairs`` finite pairs (no evidence either
        way). 0 when either level gives every configuration the same score:
        a level that ties everything cannot rank, and one where the maximum
        does leaves nothing to agree with.
    """
    low, high = np.asarray(low, dtype=np.float64), np.asarray(high, dtype=np.float64)
    finite = np.isfinite(low) & np.isfinite(high)
    if finite.sum() < min_pairs:
        return None
    low, high = low[finite], high[finite]
    if np.ptp(low) == 0 or np.ptp(high) == 0:
        return 0.0
    return float(spearmanr(low, high)[0])


def screened_indices(scores, k):
    """Indices of ``k`` configurations spread over the ranking of ``scores``.

    The best ``k // 2`` (the ones a bracket would promote, so the
    evaluations at the maximum are not wasted where the ranking holds) and
    the rest evenly spaced over the remaining ranks down to the worst (so the
    ranking is tested over its whole range). All of them, in order, when
    ``k >= len(scores)``.
    """
    if k >= len(scores):
        return list(range(len(scores)))
    order = top_indices(scores, len(scores))
    top = k // 2
    spread = np.linspace(top, len(order) - 1, k - top).round().astype(int)
    return order[:top] + [order[i] for i in spread]


def top_indices(scores, k):
    """Indices of the ``k`` best scores (NaN and infinite last, ties by order)."""
    scores = np.asarray(scores, dtype=np.float64)
    keyed = np.where(np.isfinite(scores), -scores, np.inf)
    return [int(i) for i in np.argsort(keyed, kind="stable")[:k]]


class Bracket:
    """One bracket's progress: which configurations run at which rung.

    Parameters
    ----------
    n : int
        Configurations the bracket starts.
    first : int
        Index of its first resource level.
    levels : list of int
    factor : float
    index : int
        Position of the bracket in the plan (for ``cv_results_``).
    calibration : int, default=0
        Non-zero for a calibration bracket: two rungs, level ``first`` and
        the maximum, which gets ``calibration`` configurations chosen by
        :func:`screened_indices`; its ``low_scores`` and ``high_scores``
        pair up configuration by configuration once it is done. ``RETEST``:
        one rung at level ``first``, on configurations whose scores at the
        maximum are known (given by :meth:`retest`).
    """

    def __init__(self, n, first, levels, factor, index, calibration=0):
        self.first = first
        self.levels = levels
        self.factor = factor
        self.index = index
        self.calibration = calibration
        last = len(levels) - 1
        if calibration == RETEST:
            self.rungs = [first]
        elif calibration:
            self.rungs = [first, last]
        else:
            self.rungs = list(range(first, last + 1))
        self.sizes = self._sizes(n)
        self.low_scores, self.high_scores = [], []
        self.rung = 0  # rung under way
        self.configs = []  # configurations of the current rung, in order
        self.scores = []  # their scores, as told
        self.n_asked = 0  # of the current rung

    def _sizes(self, n):
        return planned_rung_sizes((n, self.first, self.calibration), self.levels, self.factor)

    @property
    def level(self):
        """Index (in ``levels``) of the current rung's resource."""
        return self.rungs[self.rung]

    @property
    def done(self):
        return self.rung >= len(self.sizes)

    @property
    def needs_new(self):
        """Whether the current rung still takes fresh configurations."""
        return self.rung == 0 and len(self.configs) < self.sizes[0]

    def next_configs(self, n):
        """Up to ``n`` promoted configurations of the current rung not yet asked."""
        batch = self.configs[self.n_asked : self.n_asked + n]
        self.n_asked += len(batch)
        return batch

    def retest(self, configs, high_scores):
        """A retest's configurations and their known scores at the maximum."""
        self.configs = list(configs)
        self.high_scores = list(high_scores)
        self.sizes = [len(self.configs)]

    def add_new(self, configs):
        """Record fresh configurations for the first rung (asked at once)."""
        self.configs.extend(configs)
        self.n_asked += len(configs)

    def tell(self, scores):
        """Scores of the configurations asked last, in order; promote when the rung is full."""
        self.scores.extend(float(s) for s in scores)
        if len(self.scores) < len(self.configs) or self.needs_new:
            return
        self._promote()

    def close_first_rung(self):
        """No more fresh configurations: the first rung has what it has."""
        self.sizes = self._sizes(len(self.configs))
        if len(self.scores) == len(self.configs):
            self._promote()

    def _promote(self):
        if self.calibration == RETEST:
            self.low_scores = list(self.scores)
        elif self.calibration and self.rung:
            self.high_scores = list(self.scores)
        self.rung += 1
        if self.done or not self.configs:
            self.rung = len(self.sizes)
            return
        if self.calibration:
            keep = screened_indices(self.scores, self.sizes[1])
            self.low_scores = [self.scores[i] for i in keep]
        else:
            keep = top_indices(self.scores, min(self.sizes[self.rung], len(self.configs)))
        self.configs = [self.configs[i] for i in keep]
        self.scores, self.n_asked = [], 0


def planned_rung_sizes(entry, levels, factor):
    """Rung sizes of one plan entry, ``(n, first)`` or ``(n, first, calibration)``."""
    n, first, *calibration = entry
    if calibration and calibration[0] == RETEST:
        return [n]
    if calibration and calibration[0]:
        return [n, min(n, calibration[0])]
    return rung_sizes(n, len(levels) - first, factor)


def planned_evaluations(plan, levels, factor):
    """Evaluations (rows of ``cv_results_``) a plan makes."""
    return sum(sum(planned_rung_sizes(entry, levels, factor)) for entry in plan)


def planned_configurations(plan):
    """Fresh configurations a plan starts (a retest starts none)."""
    return sum(entry[0] for entry in plan if entry[2:] != (RETEST,))


def rank_full_resource_first(means, n_resources, max_resource, rank):
    """Ranks in which every finite row at ``max_resource`` comes before any other.

    Parameters
    ----------
    means : ndarray of shape (n,)
        Mean test scores.
    n_resources : ndarray of shape (n,)
        The resource of each row.
    max_resource : int
    rank : callable
        Ranks one group of scores (1 is best).

    Returns
    -------
    ranks : ndarray of int32
        Finite rows at the maximum resource ranked 1, 2, ... among
        themselves; then the finite rows at lower resources; failed rows
        (non-finite scores) last, as without a resource. Only a full-resource
        row can be rank 1 unless every one of them failed, so ``best_index_``
        is one.
    """
    means = np.asarray(means, dtype=np.float64)
    full = np.asarray(n_resources) == max_resource
    finite = np.isfinite(means)
    ranks = np.zeros(len(means), dtype=np.int32)
    offset = 0
    for group in (finite & full, finite & ~full, ~finite):
        if group.any():
            ranks[group] = offset + rank(means[group])
            offset += int(group.sum())
    return ranks
