"""Multi-fidelity schedules: resource levels, brackets, rungs and promotions.

Pure bookkeeping, no estimator is fitted here. A *bracket* starts ``n``
configurations at one resource level and keeps the best ``1 / factor`` of
them at each higher level (successive halving), up to the maximum resource.
*Hyperband* cycles through brackets that start at every level, from the most
exploratory (many configurations at the minimum resource) to plain
full-resource evaluation, so a task where low-resource scores mislead still
gets configurations judged at full resource.

The budget is counted in resource units per fold: a search with ``n_iter``
may spend about ``n_iter * max_resource``, what ``n_iter`` full-resource
evaluations cost.
"""

import math

import numpy as np

SCHEDULES = ("hyperband", "successive_halving")


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


def bracket_cost(n, first, levels, factor):
    """Resource units (per fold) of a bracket of ``n`` starting at level ``first``."""
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


def plan_brackets(levels, factor, budget, schedule):
    """Brackets that fit in ``budget`` resource units, in the order they run.

    The schedule's cycle repeats while its brackets fit; the first bracket
    that does not fit whole is shrunk (fewer starting configurations) to use
    what is left, or skipped when even one configuration is too much. The
    plan always holds at least one bracket with one configuration at the
    maximum resource, whatever the budget.

    Returns
    -------
    brackets : list of (int, int)
        ``(n, first level)`` of each bracket.
    """
    cycle = bracket_cycle(len(levels), factor, schedule)
    plan, left = [], budget
    while True:
        added = False
        for n, first in cycle:
            while n >= 1 and bracket_cost(n, first, levels, factor) > left:
                n -= 1
            if n >= 1:
                plan.append((n, first))
                left -= bracket_cost(n, first, levels, factor)
                added = True
            if left < levels[-1]:  # not even one full-resource evaluation left
                break
        if not added or left < levels[-1]:
            break
    return plan or [(1, len(levels) - 1)]


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
    """

    def __init__(self, n, first, levels, factor, index):
        self.first = first
        self.levels = levels
        self.factor = factor
        self.index = index
        self.sizes = rung_sizes(n, len(levels) - first, factor)
        self.rung = 0  # rung under way
        self.configs = []  # configurations of the current rung, in order
        self.scores = []  # their scores, as told
        self.n_asked = 0  # of the current rung

    @property
    def level(self):
        """Index (in ``levels``) of the current rung's resource."""
        return self.first + self.rung

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
        self.sizes = rung_sizes(len(self.configs), len(self.sizes), self.factor)
        if len(self.scores) == len(self.configs):
            self._promote()

    def _promote(self):
        self.rung += 1
        if self.done or not self.configs:
            self.rung = len(self.sizes)
            return
        keep = top_indices(self.scores, min(self.sizes[self.rung], len(self.configs)))
        self.configs = [self.configs[i] for i in keep]
        self.scores, self.n_asked = [], 0


def planned_evaluations(plan, levels, factor):
    """Evaluations (rows of ``cv_results_``) a plan makes."""
    return sum(sum(rung_sizes(n, len(levels) - first, factor)) for n, first in plan)


def planned_configurations(plan):
    """Fresh configurations a plan starts."""
    return sum(n for n, _ in plan)


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
