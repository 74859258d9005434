"""Smoke tests of the benchmark harness (benchmarks/): seconds, not a benchmark."""

import math
import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks import metrics, storage  # noqa: E402
from benchmarks.methods import run_one  # noqa: E402
from benchmarks.tasks import TASKS  # noqa: E402
from benchmarks.tasks.synthetic import PROBLEMS  # noqa: E402


@pytest.mark.parametrize("name", sorted(PROBLEMS))
def test_synthetic_optimum_is_attained_and_never_beaten(name):
    problem = PROBLEMS[name]
    rng = np.random.RandomState(0)
    for _ in range(200):
        params = {n: r.rvs(random_state=rng) for n, r in problem.space().items()}
        assert problem.value(params) >= problem.minimum - 1e-9


def test_search_runs_end_to_end_and_round_trips(tmp_path):
    record = run_one("branin-2d", "skscale-random", 5, seed=0)
    assert len(record["scores"]) == len(record["params"]) == 5
    assert max(record["scores"]) <= TASKS["branin-2d"].optimum
    assert run_one("branin-2d", "skscale-random", 5, seed=0)["scores"] == record["scores"]

    storage.append_run(tmp_path, {**record, "scores": [math.nan, *record["scores"][1:]]})
    storage.append_run(tmp_path, {**record, "n_iter": 6})  # another budget: kept apart
    [loaded] = storage.load_runs(tmp_path, 5, TASKS)
    assert math.isnan(loaded["scores"][0])
    curve = metrics.best_so_far(loaded["scores"])
    assert math.isnan(curve[0]) and np.all(np.diff(curve[1:]) >= 0)


def test_normalized_score_and_evaluations_to_match():
    baseline = np.array([4.0, 2.0, 1.0, 1.0])
    method = np.array([2.0, 1.0, 0.5, 0.0])
    assert metrics.normalized_score(method, baseline).tolist() == [50.0, 50.0, 50.0, 100.0]
    assert metrics.evals_to_match(method, baseline[-1]) == 2
    assert metrics.evals_to_match(baseline + 1, baseline[-1]) is None


def test_evaluations_to_match_draws_resample_both_methods():
    base = np.array([[4.0, 2.0, 1.0, 1.0], [4.0, 2.0, 1.0, 1.0]])
    same = np.array([[2.0, 1.0, 0.5, 0.0], [2.0, 1.0, 0.5, 0.0]])
    # Identical replications: every draw is the point value.
    assert set(metrics.to_match_draws(same, base, n_boot=20)) == {2.0}
    # One replication matches at 2, the other never: draws of 2 (both copies
    # of the first), 3 (one of each: mean 1.0 at n = 3) and never.
    mixed = np.array([[2.0, 1.0, 0.5, 0.0], [9.0, 9.0, 1.5, 9.0]])
    assert set(metrics.to_match_draws(mixed, base, n_boot=200)) == {2.0, 3.0, np.inf}


def test_rank_test_separates_distinct_samples_only():
    low, high = np.arange(10.0), np.arange(10.0) + 100
    assert metrics.rank_test(low, high) < 0.001
    assert metrics.rank_test(low, low[::-1]) > 0.9
    assert math.isnan(metrics.rank_test([1.0, math.nan], high))


def test_head_to_head_direction_follows_the_ranks_not_a_few_outliers():
    # Ours ends lower in 18 of 20 replications, but 2 stuck runs ruin its mean.
    ours = np.r_[np.full(18, 1e-5), 1.5, 1.5]
    theirs = np.full(20, 1e-4)
    assert metrics.probability_lower(ours, theirs) == 0.9
    assert metrics.probability_lower(theirs, theirs) == 0.5
    task = TASKS["branin-2d"]
    runs = {
        name: [{"scores": [-(task.optimum + r)] * 4, "seconds": 0.0} for r in regrets]
        for name, regrets in [(metrics.HEAD_TO_HEAD, ours), ("other", theirs)]
    }
    row = metrics.task_table(task, runs, task.optimum, 4)["other"]
    verdict, p, mean_verdict = row["head_to_head"]
    assert (verdict, mean_verdict) == ("better", "worse") and p < 0.001


def test_multifidelity_curves_count_only_full_resource_rows():
    from benchmarks import mf_report

    run = {
        "scores": [0.9, 0.5, 0.6, 0.7],
        "cost": [0.5, 1.0, 0.5, 1.0],
        "full": [False, True, False, True],
    }
    grid = np.array([0.5, 1.0, 1.5, 2.0, 3.0])
    # The 0.9 at low resource never counts; 0.5 lands at cost 1.5, 0.7 at 3.
    np.testing.assert_array_equal(mf_report.best_curve(run, grid)[2:], [0.5, 0.5, 0.7])
    assert np.isnan(mf_report.best_curve(run, grid)[:2]).all()
    assert mf_report.cost_to_reach(np.array([np.nan, 0.5, 0.7]), np.arange(3.0), 0.6) == 2.0


def test_multifidelity_reach_interval_resamples_the_runs():
    from benchmarks import mf_report

    grid = np.arange(1.0, 5.0)
    # One run reaches 0.6 at cost 2, the other at 4: a resample's mean reaches
    # it at 2 if it holds only the first run (a quarter of them), else at 4.
    curves = np.array([[0.1, 0.6, 0.6, 0.6], [0.1, 0.2, 0.3, 0.6]])
    low, high = mf_report.reach_interval(curves, grid, 0.6, n_boot=200)
    assert (low, high) == (2.0, 4.0)
    # Identical runs have no spread; runs that never reach it give "never".
    assert mf_report.reach_interval(curves[[0, 0]], grid, 0.6, n_boot=50) == (2.0, 2.0)
    assert mf_report.reach_interval(curves, grid, 0.9, n_boot=50) == (np.inf, np.inf)
    assert mf_report._fmt_interval(np.inf, np.inf) == "never"


def test_multifidelity_reach_interval_resamples_the_target_too():
    from benchmarks import mf_report

    grid = np.arange(1.0, 5.0)
    curves = np.array([[0.1, 0.5, 0.6, 0.7]] * 3)  # every run alike: no spread of its own
    # The target's runs end at 0.5 or 0.7: their resampled mean lies anywhere
    # between, so the cost to reach it ranges from 2 to 4.
    baseline = np.array([0.5, 0.7])
    low, high = mf_report.reach_interval(curves, grid, 0.6, n_boot=200, baseline=baseline)
    assert (low, high) == (2.0, 4.0)
    assert mf_report.reach_interval(curves, grid, 0.6, n_boot=50) == (3.0, 3.0)


def test_multifidelity_runs_append_and_read_back(tmp_path):
    for seed in (0, 1, 1):
        storage.append_run(
            tmp_path,
            {
                "task": "t",
                "method": "m",
                "seed": seed,
                "scores": [float(seed), math.nan],
                "task_fingerprint": "f",
            },
        )
    runs = storage.read_runs(tmp_path, "t", "m", "f")
    assert sorted(runs) == [0, 1] and math.isnan(runs[1]["scores"][1])
    assert storage.read_runs(tmp_path, "t", "m", "other") == {}


def test_list_task_translates_for_every_method():
    from benchmarks.methods import as_categorical, optuna_space, sklearn_space
    from benchmarks.tasks import linearized, resolved
    from skscale import Categorical, Ordinal

    space = TASKS["logreg_grid-wine"].space
    assert isinstance(resolved("C", space["C"]), Ordinal)
    assert resolved("C", space["C"]).scaling == "log"
    assert sklearn_space(space) == {k: list(v) for k, v in space.items()}
    old = as_categorical(space)
    assert old["C"] == Categorical(space["C"]) and old["class_weight"] == space["class_weight"]
    assert linearized(space)["C"] == Ordinal(space["C"], scaling="linear")
    pytest.importorskip("optuna")
    assert list(optuna_space(space)["C"].choices) == space["C"]


def test_engine_switch_methods_reach_the_strategy():
    from benchmarks.methods import METHODS, _engine_search

    # Same search, same seed: only the switch differs, so the proposals do.
    default = run_one("branin-2d", "skscale-bayesian", 10, seed=0)["params"]
    switched = run_one("branin-2d", "skscale-bayesian-rank-postmean", 10, seed=0)["params"]
    assert default[:4] == switched[:4] and default != switched
    assert not METHODS["skscale-bayesian-rank-postmean"].in_full
    search = _engine_search({"threshold": "best"})(estimator=None, param_distributions={})
    search.batch_size_ = None
    assert search._strategy_options()["threshold"] == "best"


def test_overhead_skips_peers_past_their_size_and_times_a_batch(monkeypatch, tmp_path):
    from benchmarks import report, timing

    pytest.importorskip("optuna")
    monkeypatch.setattr(timing, "OPTIMIZERS", [timing._Skscale, timing._Optuna])
    monkeypatch.setattr(timing, "OTHERS_MAX_SIZE", 5)
    overhead = timing.proposal_overhead([5, 12], repeats=2)
    skscale, optuna = timing._Skscale.name, timing._Optuna.name
    assert sorted(overhead[skscale]) == sorted(overhead[skscale + timing.SLOWEST]) == [5, 12]
    assert sorted(overhead[optuna]) == [5]
    assert all(overhead[skscale + timing.SLOWEST][n] >= overhead[skscale][n] for n in (5, 12))
    batch = timing.batch_overhead(12, 3)
    assert batch["n"] == 12 and batch["batch"] == 3 and batch["seconds"] > 0
    info = dict(
        mode="quick",
        elapsed=1.0,
        n_runs=0,
        wall=0.0,
        cpu=0.0,
        skipped={},
        overhead=overhead,
        batch=batch,
    )
    text = report.write_summary(
        tmp_path / "summary.md", tables={}, tasks={}, methods={}, n_iter=8, info=info
    ).read_text()
    assert "n=12" in text and "One skscale ask of a batch of 3 after 12 observations" in text
