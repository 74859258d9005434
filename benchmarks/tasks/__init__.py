"""Benchmark tasks: synthetic functions and real models, in one registry."""

from .base import Task, linearized, resolved, unit_position
from .real import real_tasks
from .synthetic import synthetic_tasks

TASKS = {**synthetic_tasks(), **real_tasks()}

__all__ = ["TASKS", "Task", "linearized", "resolved", "unit_position"]
