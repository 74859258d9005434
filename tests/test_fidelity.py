"""The multi-fidelity schedule on its own: levels, brackets, budgets, promotions."""

import numpy as np
import pytest

from skscale.fidelity import (
    Bracket,
    bracket_cost,
    bracket_cycle,
    plan_brackets,
    planned_evaluations,
    rank_full_resource_first,
    resource_levels,
    rung_sizes,
    top_indices,
)
from skscale.search import rank_scores


@pytest.mark.parametrize(
    "low, high, factor, expected",
    [
        (1, 27, 3, [1, 3, 9, 27]),
        (3, 81, 3, [3, 9, 27, 81]),
        (2, 27, 3, [3, 9, 27]),  # 27 / 27 = 1 < 2: one level fewer
        (1, 10, 3, [1, 3, 10]),
        (44, 400, 3, [44, 133, 400]),
        (1, 16, 2, [1, 2, 4, 8, 16]),
    ],
)
def test_resource_levels(low, high, factor, expected):
    assert resource_levels(low, high, factor) == expected


def test_rungs_keep_a_fraction_and_reach_the_top():
    assert rung_sizes(27, 4, 3) == [27, 9, 3, 1]
    assert rung_sizes(5, 4, 3) == [5, 1, 1, 1]  # at least one all the way up
    assert bracket_cost(27, 0, [1, 3, 9, 27], 3) == 27 + 27 + 27 + 27


def test_hyperband_cycle_matches_the_paper():
    # Li et al. (2018), eta = 3, s_max = 4: n = 81, 34, 15, 8, 5.
    assert bracket_cycle(5, 3, "hyperband") == [(81, 0), (34, 1), (15, 2), (8, 3), (5, 4)]
    assert bracket_cycle(4, 3, "successive_halving") == [(27, 0)]


@pytest.mark.parametrize("schedule", ["hyperband", "successive_halving"])
@pytest.mark.parametrize("n_iter", [1, 3, 10, 64])
def test_plan_spends_at_most_the_budget_and_always_reaches_the_top(schedule, n_iter):
    levels = [1, 3, 9, 27]
    plan = plan_brackets(levels, 3, n_iter * 27, schedule)
    spent = sum(bracket_cost(n, first, levels, 3) for n, first in plan)
    assert spent <= n_iter * 27
    # Little is left unspent: less than one full-resource evaluation... or a
    # shrunk bracket's rounding.
    assert n_iter * 27 - spent < 27 * 2
    assert planned_evaluations(plan, levels, 3) >= 1
    assert all(n >= 1 for n, _ in plan)


def test_bracket_promotes_the_best_and_puts_failures_last():
    bracket = Bracket(9, 0, [1, 3, 9], 3, index=0)
    bracket.add_new(list("abcdefghi"))
    bracket.tell([0.1, 0.9, np.nan, 0.5, 0.2, 0.3, 0.4, 0.6, 0.0])
    assert bracket.level == 1 and bracket.configs == ["b", "h", "d"]
    assert bracket.next_configs(2) == ["b", "h"]
    bracket.tell([0.2, 0.7])
    assert bracket.level == 1  # the rung is not complete yet
    assert bracket.next_configs(5) == ["d"]
    bracket.tell([0.1])
    assert bracket.level == 2 and bracket.configs == ["h"]
    bracket.tell([0.8])
    assert bracket.done


def test_bracket_closed_early_promotes_what_it_has():
    bracket = Bracket(27, 0, [1, 3, 9, 27], 3, index=0)
    bracket.add_new([0, 1, 2, 3, 4])
    bracket.tell([5, 4, 3, 2, 1])
    assert bracket.needs_new and bracket.level == 0
    bracket.close_first_rung()
    assert bracket.level == 1 and bracket.configs == [0]


def test_top_indices_orders_by_score_then_position():
    assert top_indices([0.5, np.inf, 0.5, 0.7, np.nan], 3) == [3, 0, 2]


def test_full_resource_rows_rank_first():
    means = np.array([0.99, 0.5, 0.7, 0.95, np.nan])
    n_resources = np.array([1, 27, 27, 9, 27])
    ranks = rank_full_resource_first(means, n_resources, 27, rank_scores)
    # Full-resource rows 0.7 > 0.5, then the low-resource 0.99 > 0.95, failures last.
    np.testing.assert_array_equal(ranks, [3, 2, 1, 4, 5])
