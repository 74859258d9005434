"""Multi-fidelity tasks: models with a natural resource, on small generated or bundled data.

Each task names its resource (an integer parameter, or ``"n_samples"``)
and the maximum, the estimator's own value or the training-fold size. A
full-resource fit takes 0.04 to 0.1 s on one core: the whole benchmark must
fit on two shared cores. One task is built so that low-resource scores
mislead (boosting on noisy labels: a few iterations favour large learning
rates that overfit at the full resource).
"""

from dataclasses import dataclass
from functools import cache, partial

import numpy as np
from sklearn.datasets import load_digits, make_classification
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.model_selection import StratifiedKFold
from sklearn.neural_network import MLPClassifier
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC

from skscale import Continuous, Integer

from .base import Task

SEED = 0  # of the data and the folds: fixed for every method and replication


@dataclass(frozen=True)
class MultiFidelityTask(Task):
    """A :class:`Task` with a resource.

    Parameters
    ----------
    resource : str
        ``"n_samples"`` or the estimator's integer parameter.
    max_resource : int
        The full resource: the parameter's value, or the training-fold size.
    min_resource : int
        The smallest level every multi-fidelity method starts at
        (``max_resource / 27``: four levels with a factor of 3).
    """

    resource: str = "n_samples"
    max_resource: int = 1
    min_resource: int = 1


@cache
def generated(n_samples, flip_y, seed):
    """Standardised ``make_classification`` data: 20 features, 8 informative."""
    X, y = make_classification(
        n_samples, 20, n_informative=8, n_redundant=4, flip_y=flip_y, random_state=seed
    )
    return StandardScaler().fit_transform(X), y


@cache
def digits_subset(n_samples):
    """A fixed random subset of the digits, standardised."""
    X, y = load_digits(return_X_y=True)
    keep = np.random.RandomState(SEED).permutation(len(y))[:n_samples]
    return StandardScaler().fit_transform(X[keep]), y[keep]


def _task(name, estimator, space, data, resource, max_resource):
    return MultiFidelityTask(
        name=name, suite="multifidelity", make_estimator=estimator, space=space,
        load_data=data, cv=StratifiedKFold(n_splits=3, shuffle=True, random_state=SEED),
        scoring="accuracy", resource=resource, max_resource=max_resource,
        min_resource=max(1, round(max_resource / 27)),
    )


def multifidelity_tasks():
    """The multi-fidelity tasks, by name."""
    hgb = partial(HistGradientBoostingClassifier, max_iter=81, early_stopping=False,
                  random_state=SEED)
    tasks = [
        _task(
            "hgb-max_iter", hgb,
            {
                "learning_rate": Continuous(1e-3, 1.0, scaling="log"),
                "max_leaf_nodes": Integer(2, 64, scaling="log"),
                "min_samples_leaf": Integer(1, 100, scaling="log"),
                "l2_regularization": Continuous(1e-6, 10.0, scaling="log"),
            },
            partial(generated, 1000, 0.05, SEED), "max_iter", 81,
        ),
        # 30% of the labels flipped: after 3 iterations the largest learning
        # rates look best, after 81 they overfit (rank correlation below 0).
        _task(
            "hgb_noisy-max_iter", hgb,
            {
                "learning_rate": Continuous(1e-2, 1.0, scaling="log"),
                "max_leaf_nodes": Integer(2, 64, scaling="log"),
            },
            partial(generated, 600, 0.3, 1), "max_iter", 81,
        ),
        _task(
            "mlp-epochs",
            partial(MLPClassifier, hidden_layer_sizes=(32,), max_iter=54, random_state=SEED),
            {
                "learning_rate_init": Continuous(1e-5, 1e-1, scaling="log"),
                "alpha": Continuous(1e-7, 1.0, scaling="log"),
                "batch_size": Integer(16, 256, scaling="log"),
            },
            partial(digits_subset, 600), "max_iter", 54,
        ),
        _task(
            "svc-n_samples", SVC,
            {
                "C": Continuous(1e-3, 1e4, scaling="log"),
                "gamma": Continuous(1e-5, 1e1, scaling="log"),
            },
            partial(generated, 1500, 0.05, 2), "n_samples", 1000,
        ),
    ]
    return {task.name: task for task in tasks}


MF_TASKS = multifidelity_tasks()
