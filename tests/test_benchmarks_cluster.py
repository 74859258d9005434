"""Smoke tests of the simulated-cluster benchmark (benchmarks/cluster.py): seconds."""

import math
import sys
import time
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks import cluster_report, storage  # noqa: E402
from benchmarks.cluster import run_one  # noqa: E402
from benchmarks.tasks.cluster import cluster_tasks  # noqa: E402

TINY = [(2, 4)]  # (B, W)


@pytest.mark.parametrize("method, sizes", [("random-w4", [8]), ("bayesian-b2-w4", [2, 2, 2, 2])])
def test_run_records_every_round_with_its_times(method, sizes):
    record = run_one("branin-2d", method, 0, cost=0.0, n_iter=8, configs=TINY)
    assert record["round_sizes"] == sizes
    assert len(record["scores"]) == 8
    assert max(record["scores"]) <= cluster_tasks(0.0)["branin-2d"].optimum
    for key in ("known_at", "known_at_idle", "proposal_seconds", "overhead_cpu"):
        assert len(record[key]) == len(sizes)
        assert min(record[key]) >= 0
    assert np.all(np.diff(record["known_at"]) > 0)
    assert np.all(np.diff(record["known_at_idle"]) > 0)
    assert record["known_at"][-1] <= record["seconds"]
    assert (record["workers"], record["cost"], record["n_iter"]) == (4, 0.0, 8)
    assert record["batch_size"] == (2 if method.startswith("bayesian") else None)


def test_threads_stand_for_parallel_workers():
    # 4 candidates x 2 folds = 8 fits of 0.1 s on 8 threads: about 0.1 s, not 0.8.
    start = time.perf_counter()
    record = run_one("levy-6d", "random-w8", 0, cost=0.1, n_iter=4, configs=[(4, 8)])
    assert time.perf_counter() - start < 0.5
    assert record["known_at"][0] >= 0.1


def test_report_reads_time_to_reach_on_the_mean_curve():
    grid = np.arange(0.0, 5.0, 0.5)
    slow = {"scores": [1.0, 3.0, 2.0, 4.0], "round_sizes": [2, 2], "known_at": [1.0, 2.0]}
    fast = {"scores": [4.0, math.nan, 0.0, 0.0], "round_sizes": [2, 2], "known_at": [0.5, 3.0]}
    # Nothing is known before the first round ends; each round's best counts from its end.
    np.testing.assert_array_equal(
        cluster_report.best_at(slow, grid)[:5], [np.nan, np.nan, 3, 3, 4]
    )
    np.testing.assert_array_equal(cluster_report.best_at(fast, grid)[:2], [np.nan, 4])
    mean = cluster_report.mean_curve([slow, fast], grid)
    assert np.isnan(mean[:2]).all() and mean[2] == 3.5 and mean[4] == 4.0
    assert cluster_report.time_to_reach(mean, grid, 3.9) == 2.0
    assert math.isnan(cluster_report.time_to_reach(mean, grid, 5.0))


def test_tiny_benchmark_stores_runs_and_writes_the_report(tmp_path):
    tasks = cluster_tasks(0.0)
    runs = {"branin-2d": {}}
    for method in ("random-w4", "bayesian-b2-w4", "bayesian-b2-w4-believer"):
        for seed in (0, 1):
            storage.append_run(
                tmp_path / "runs",
                run_one("branin-2d", method, seed, cost=0.0, n_iter=8, configs=TINY),
            )
        runs["branin-2d"][method] = storage.read_runs(
            tmp_path / "runs", "branin-2d", method, tasks["branin-2d"].fingerprint, 8
        )
        assert sorted(runs["branin-2d"][method]) == [0, 1]
    # Runs stored with another cost belong to another task definition.
    assert not storage.read_runs(
        tmp_path / "runs", "branin-2d", "random-w4", cluster_tasks(1.0)["branin-2d"].fingerprint
    )
    path = cluster_report.write(tmp_path, runs, tasks, TINY, 0.0, 8)
    text = path.read_text()
    assert "| branin-2d | 2, 4 | 2 / 2 |" in text
    assert "## Batch rules: GP-UCB-PE against the kriging believer" in text
    # The same seeds, two batch rules: the batches after the initial design differ.
    pe, believer = (
        runs["branin-2d"][m][0]["scores"] for m in ("bayesian-b2-w4", "bayesian-b2-w4-believer")
    )
    assert pe[:5] == believer[:5] and pe != believer
    assert (tmp_path / "cluster.png").stat().st_size > 0
