"""Benchmark harness of skscale: tasks, methods, metrics, figures and the runner.

Run ``python benchmarks/run.py --quick`` (minutes) or ``python benchmarks/run.py``
(the full protocol); see ``benchmarks/README.md``.
"""
