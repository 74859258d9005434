"""The multi-fidelity schedule on its own: levels, brackets, budgets, promotions."""

import numpy as np
import pytest

from skscale.fidelity import (
    MIN_PAIRS,
    RETEST,
    Bracket,
    adaptive_paths,
    bracket_cost,
    bracket_cycle,
    levels_to_test,
    plan_brackets,
    planned_evaluations,
    rank_agreement,
    rank_full_resource_first,
    resource_levels,
    rung_sizes,
    screened_indices,
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


def test_levels_to_test_leave_out_those_close_to_the_maximum():
    assert levels_to_test([1, 3, 9, 27], 3) == [0, 1]
    assert levels_to_test([37, 111, 333, 1000], 3) == [0, 1]  # 111 * 9 = 999: rounding
    assert levels_to_test([1, 2, 4, 8, 16], 2) == [0, 1, 2]
    assert levels_to_test([9, 27], 3) == []


@pytest.mark.parametrize("n_iter", [2, 10, 24, 64])
def test_adaptive_paths_share_prefixes_and_spend_at_most_the_budget(n_iter):
    levels, budget = [1, 3, 9, 27], n_iter * 27
    paths = adaptive_paths(levels, 3, budget)
    assert len(paths) == len(levels_to_test(levels, 3)) + 1
    for k, path in enumerate(paths):
        spent = sum(bracket_cost(n, first, levels, 3, cal) for n, first, cal in path)
        assert spent <= budget and planned_evaluations(path, levels, 3) >= 2
        calibrations = [(n, first, cal) for n, first, cal in path if cal]
        # Plan k calibrates the tested levels up to the k-th, in order, first.
        assert [first for _, first, _ in calibrations] == [0, 1][: k + 1][: len(calibrations)]
        assert all(cal for _, _, cal in path[: len(calibrations)])
        # The first on fresh configurations, the others retest those it sent up.
        assert 1 <= calibrations[0][2] <= min(calibrations[0][0], MIN_PAIRS)
        assert all((n, cal) == (calibrations[0][2], RETEST) for n, _, cal in calibrations[1:])
        if k:  # switching from plan k - 1 keeps the brackets it ran
            assert path[:k] == paths[k - 1][:k]
    if n_iter == 24:
        # The first calibration scores 6 fresh configurations at its level and at
        # the maximum; the next level rescores those 6 (3 units instead of 6 * 30).
        assert paths[1][:2] == [(6, 0, 6), (6, 1, RETEST)]
        assert bracket_cost(6, 1, levels, 3, RETEST) == 6 * 3
        # Trusted: Hyperband over every level after the calibration.
        assert paths[0][1:5] == [(27, 0, 0), (12, 1, 0), (6, 2, 0), (4, 3, 0)]
        # Both tested levels mislead: the rest at the full resource, one bracket
        # (17 evaluations; 11 when the second test took 6 fresh configurations).
        assert paths[-1][2:] == [(17, 3, 0)]


def test_first_calibration_split_into_a_design_and_the_rest():
    levels, budget = [1, 3, 9, 27], 24 * 27
    split = adaptive_paths(levels, 3, budget, first_part=4)
    plain = adaptive_paths(levels, 3, budget)
    # Two brackets at the lowest level, 4 then 2 configurations; the next
    # level retests all 6, and the rest of every plan is the same (same cost).
    assert split[1][:3] == [(4, 0, 4), (2, 0, 2), (6, 1, RETEST)]
    assert all(s[:2] == [(4, 0, 4), (2, 0, 2)] for s in split)
    assert all(s[2:] == p[1:] for s, p in zip(split, plain, strict=True))
    # Nothing left for a second bracket: no split.
    assert adaptive_paths(levels, 3, budget, first_part=MIN_PAIRS) == plain


def test_screened_calibrations_start_hyperbands_first_rung(monkeypatch):
    from skscale import fidelity

    monkeypatch.setattr(fidelity, "SCREENED_CALIBRATION", True)
    paths = adaptive_paths([1, 3, 9, 27], 3, 24 * 27)
    # 27 at level 0, 6 of them go to the maximum and are retested at level 1.
    assert paths[1][:2] == [(27, 0, MIN_PAIRS), (MIN_PAIRS, 1, RETEST)]


def test_adaptive_paths_without_a_level_to_test_are_hyperband():
    levels = [9, 27]
    [path] = adaptive_paths(levels, 3, 10 * 27)
    assert path == [(n, first, 0) for n, first in plan_brackets(levels, 3, 270, "hyperband")]


def test_rank_agreement():
    assert rank_agreement([1, 2, 3, 4, 5, 6], [2, 4, 6, 8, 10, 12]) == pytest.approx(1.0)
    assert rank_agreement([1, 2, 3, 4, 5, 6], [6, 5, 4, 3, 2, 1]) == pytest.approx(-1.0)
    # Non-finite pairs are left out; too few pairs is no evidence.
    assert rank_agreement([1, 2, 3, 4, 5, np.nan], [1, 2, 3, 4, 5, 6]) is None
    assert rank_agreement([1, 2, 3], [1, 2, 3], min_pairs=3) == pytest.approx(1.0)
    # A level that ties everything cannot rank.
    assert rank_agreement([0.5] * 6, [1, 2, 3, 4, 5, 6]) == 0.0


def test_screened_indices_take_the_best_and_a_spread_of_the_rest():
    scores = np.arange(27.0)  # configuration i has rank 27 - i
    assert screened_indices(scores, 6) == [26, 25, 24, 23, 12, 0]
    assert screened_indices([0.1, np.nan, 0.3], 6) == [0, 1, 2]  # all, in order


def test_calibration_bracket_pairs_the_scores_of_what_it_sends_up():
    levels = [1, 3, 9, 27]
    assert bracket_cost(9, 1, levels, 3, calibration=4) == 9 * 3 + 4 * 27
    bracket = Bracket(9, 1, levels, 3, index=0, calibration=4)
    bracket.add_new(list("abcdefghi"))
    assert bracket.level == 1
    bracket.tell([0.4, np.nan, 0.9, 0.1, 0.5, 0.6, 0.2, 0.3, 0.7])
    # No rung in between; the best 2, then 2 spread over the rest of the ranking.
    assert bracket.level == 3 and bracket.configs == list("ci") + list("fb")
    assert bracket.next_configs(3) == list("cif")
    bracket.tell([0.5, 0.2, 0.3])
    assert not bracket.done
    assert bracket.next_configs(3) == ["b"]
    bracket.tell([0.8])
    assert bracket.done
    assert bracket.low_scores[:3] == [0.9, 0.7, 0.6] and np.isnan(bracket.low_scores[3])
    assert bracket.high_scores == [0.5, 0.2, 0.3, 0.8]


def test_calibrations_on_fresh_configurations_when_not_reusing(monkeypatch):
    from skscale import fidelity

    monkeypatch.setattr(fidelity, "REUSE_CALIBRATION", False)
    paths = adaptive_paths([1, 3, 9, 27], 3, 24 * 27)
    assert paths[1][:2] == [(6, 0, 6), (6, 1, 6)]
    assert paths[-1][2:] == [(11, 3, 0)]


def test_retest_bracket_pairs_new_scores_with_the_known_ones():
    levels = [1, 3, 9, 27]
    bracket = Bracket(4, 1, levels, 3, index=1, calibration=RETEST)
    bracket.retest(list("abcd"), [0.5, 0.2, 0.3, 0.8])
    assert not bracket.needs_new and bracket.level == 1
    assert bracket.next_configs(3) == list("abc")
    bracket.tell([0.1, 0.4, 0.2])
    assert not bracket.done
    assert bracket.next_configs(3) == ["d"]
    bracket.tell([0.9])
    assert bracket.done
    assert bracket.low_scores == [0.1, 0.4, 0.2, 0.9]
    assert bracket.high_scores == [0.5, 0.2, 0.3, 0.8]


def test_plan_can_leave_the_full_bracket_out_of_its_first_cycle():
    levels = [1, 3, 9, 27]
    plan = plan_brackets(levels, 3, 40 * 27, "hyperband", skip_first_full=True)
    assert plan[:4] == [(27, 0), (12, 1), (6, 2), (27, 0)]  # no (4, 3) before the second cycle
    assert (4, 3) in plan  # the second cycle has it
    assert plan_brackets([27], 3, 2 * 27, "hyperband", skip_first_full=True) == [(1, 0), (1, 0)]


def test_plan_can_alternate_the_order_of_its_cycles(monkeypatch):
    from skscale import fidelity

    levels = [3, 9, 27, 81]
    assert plan_brackets(levels, 3, 24 * 81, "hyperband")[4:] == [(27, 0), (12, 1)]
    monkeypatch.setattr(fidelity, "ALTERNATE_CYCLES", True)
    plan = plan_brackets(levels, 3, 40 * 81, "hyperband")
    assert plan[:8] == [(27, 0), (12, 1), (6, 2), (4, 3), (4, 3), (6, 2), (12, 1), (27, 0)]
    assert plan_brackets(levels, 3, 24 * 81, "hyperband")[4:] == [(4, 3), (6, 2)]
