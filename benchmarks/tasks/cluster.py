"""The synthetic tasks with a cost: every fit sleeps, as a job on a cluster takes time.

``CostlyEstimator`` is ``SyntheticEstimator`` whose ``fit`` sleeps ``cost``
seconds. Sleeping releases the GIL, so W threads of joblib's threading
backend behave like W cluster workers each busy for ``cost`` seconds per fit,
while the search's own work (the strategy's proposals) runs in the main
thread at its real speed. The scores, spaces and folds are those of
``synthetic.py``, left unchanged for the main suite.
"""

import time
from dataclasses import replace
from functools import partial

from .synthetic import SyntheticEstimator, synthetic_tasks


class CostlyEstimator(SyntheticEstimator):
    """``SyntheticEstimator`` whose ``fit`` takes ``cost`` seconds of wall time.

    Parameters
    ----------
    problem : str
        Key of ``synthetic.PROBLEMS``.
    cost : float, default=0.0
        Seconds each ``fit`` sleeps.
    **hyperparams
        The problem's hyperparameters.
    """

    def __init__(self, problem="branin-2d", cost=0.0, **hyperparams):
        super().__init__(problem, **hyperparams)
        self.cost = cost

    def get_params(self, deep=True):
        return {**super().get_params(deep), "cost": self.cost}

    def fit(self, X, y=None):
        """Sleep ``cost`` seconds (the GIL is released meanwhile), learn nothing."""
        time.sleep(self.cost)
        return self


def cluster_tasks(cost):
    """The synthetic tasks, by name, with every fit costing ``cost`` seconds.

    The cost is part of each task's fingerprint (the estimator's repr), so
    runs stored with another cost are not mixed with these.
    """
    return {
        name: replace(task, make_estimator=partial(CostlyEstimator, problem=name, cost=cost))
        for name, task in synthetic_tasks().items()
    }
