"""Shared data for the tests: small bundled datasets, loaded once."""

import pytest
from sklearn.datasets import load_breast_cancer, load_iris


@pytest.fixture(scope="session")
def iris():
    return load_iris(return_X_y=True)


@pytest.fixture(scope="session")
def cancer():
    X, y = load_breast_cancer(return_X_y=True)
    return X[::2], y[::2]


class TaskRecorder:
    """A scikit-learn callback that records the task tree: (task, parent task)."""

    def __init__(self):
        self.begun = []

    def setup(self, estimator, context):
        pass

    def teardown(self, estimator, context):
        pass

    def on_fit_task_begin(self, estimator, context, **kwargs):
        parent = getattr(getattr(context, "parent", None), "task_name", None)
        self.begun.append((context.task_name, parent))

    def on_fit_task_end(self, estimator, context, **kwargs):
        return False


@pytest.fixture
def task_recorder():
    """A factory of callbacks recording (task, parent task) as tasks begin."""
    return TaskRecorder
