"""Real tasks: scikit-learn models on the datasets it ships (Bayesmark-style).

Each task searches on a fixed 80% split of a bundled dataset, with 5-fold
cross-validation on fixed shuffled folds. Features are standardised once, on
that 80% (slightly optimistic inside the folds, identically so for every
method). Models and budgets are kept small so one fit stays in the tens of
milliseconds: the full protocol must fit on two cores.

The optimum is unknown: regret is measured against the best score any
method has reached, kept in ``results/reference.json``.
"""

from functools import cache, partial

from sklearn import datasets
from sklearn.ensemble import (
    AdaBoostClassifier,
    HistGradientBoostingClassifier,
    RandomForestClassifier,
)
from sklearn.linear_model import ElasticNet, LogisticRegression, SGDClassifier
from sklearn.model_selection import KFold, StratifiedKFold, train_test_split
from sklearn.neighbors import KNeighborsClassifier
from sklearn.neural_network import MLPClassifier
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC
from sklearn.tree import DecisionTreeClassifier

from skscale import Categorical, Continuous, Integer

from .base import Task

SEED = 0  # of the 80% split and of the folds: fixed for every method and replication


@cache
def load(name):
    """The standardised 80% split of a bundled dataset, as ``(X, y)``.

    Parameters
    ----------
    name : str
        ``"digits"``, ``"iris"``, ``"wine"``, ``"breast_cancer"`` or ``"diabetes"``.
    """
    X, y = getattr(datasets, f"load_{name}")(return_X_y=True)
    stratify = None if name == "diabetes" else y
    X, _, y, _ = train_test_split(X, y, train_size=0.8, random_state=SEED, stratify=stratify)
    return StandardScaler().fit_transform(X), y


def _classification(name, dataset, estimator, space):
    return Task(
        name=name,
        suite="real",
        make_estimator=estimator,
        space=space,
        load_data=partial(load, dataset),
        cv=StratifiedKFold(n_splits=5, shuffle=True, random_state=SEED),
        scoring="accuracy",
    )


def real_tasks():
    """The real tasks, by name."""
    tasks = [
        _classification(
            "svc-breast_cancer", "breast_cancer", SVC,
            {
                "C": Continuous(1e-3, 1e4, scaling="log"),
                "gamma": Continuous(1e-6, 1e1, scaling="log"),
            },
        ),
        _classification(
            "knn-digits", "digits", KNeighborsClassifier,
            {
                "n_neighbors": Integer(1, 128, scaling="log"),
                "weights": Categorical(["uniform", "distance"]),
                "p": Categorical([1, 2]),
            },
        ),
        _classification(
            "tree-digits", "digits", partial(DecisionTreeClassifier, random_state=SEED),
            {
                "max_depth": Integer(1, 24, scaling="linear"),
                "min_samples_leaf": Integer(1, 128, scaling="log"),
                "max_features": Continuous(0.05, 1.0, scaling="linear"),
                "criterion": Categorical(["gini", "entropy"]),
            },
        ),
        # Full-batch SGD for a few epochs: momentum near 1 matters, the
        # reverse-log range is where it is searched well.
        _classification(
            "mlp_sgd-wine", "wine",
            partial(
                MLPClassifier, hidden_layer_sizes=(16,), solver="sgd", max_iter=40,
                random_state=SEED,
            ),
            {
                "learning_rate_init": Continuous(1e-5, 1.0, scaling="log"),
                "momentum": Continuous(0.5, 0.9999, scaling="reverse_log"),
                "alpha": Continuous(1e-7, 1.0, scaling="log"),
            },
        ),
        _classification(
            "adaboost-wine", "wine", partial(AdaBoostClassifier, random_state=SEED),
            {
                "n_estimators": Integer(1, 16, scaling="log"),
                "learning_rate": Continuous(1e-3, 1e1, scaling="log"),
            },
        ),
        Task(
            name="elasticnet-diabetes",
            suite="real",
            make_estimator=partial(ElasticNet, max_iter=2000),
            space={
                "alpha": Continuous(1e-6, 1e2, scaling="log"),
                "l1_ratio": Continuous(0.01, 1.0, scaling="linear"),
            },
            load_data=partial(load, "diabetes"),
            cv=KFold(n_splits=5, shuffle=True, random_state=SEED),
            scoring="r2",
        ),
        # A GridSearchCV-style grid of plain lists, 9 x 7 x 2 = 126 candidates:
        # skscale reads the numeric lists as ordered values (C on a log axis,
        # l1_ratio linear), the list with None as a categorical.
        _classification(
            "logreg_grid-wine", "wine",
            partial(LogisticRegression, solver="saga", max_iter=200, random_state=SEED),
            {
                "C": [1e-4, 1e-3, 1e-2, 1e-1, 1, 10, 100, 1e3, 1e4],
                "l1_ratio": [0, 0.1, 0.25, 0.5, 0.75, 0.9, 1],
                "class_weight": [None, "balanced"],
            },
        ),
        # Mixed spaces of higher dimension, several integers and categoricals.
        _classification(
            "hgb-breast_cancer", "breast_cancer",
            partial(HistGradientBoostingClassifier, max_iter=30, early_stopping=False,
                    random_state=SEED),
            {
                "learning_rate": Continuous(1e-3, 1.0, scaling="log"),
                "max_leaf_nodes": Integer(2, 64, scaling="log"),
                "min_samples_leaf": Integer(1, 100, scaling="log"),
                "l2_regularization": Continuous(1e-6, 10.0, scaling="log"),
                "max_features": Continuous(0.1, 1.0, scaling="linear"),
                # None (leaves alone limit the trees) or a depth cap: a list users
                # write as such, mixed types, hence categorical.
                "max_depth": Categorical([None, 2, 4, 8]),
            },
        ),
        _classification(
            "rf-breast_cancer", "breast_cancer",
            partial(RandomForestClassifier, n_estimators=16, random_state=SEED),
            {
                "max_features": Categorical(["sqrt", "log2", None, 0.5]),
                "max_depth": Integer(1, 16, scaling="linear"),
                "min_samples_leaf": Integer(1, 32, scaling="log"),
                "criterion": Categorical(["gini", "entropy"]),
                "bootstrap": Categorical([True, False]),
            },
        ),
        # Ten epochs of SGD (tol=None: always ten): the penalty decides what
        # alpha and l1_ratio mean.
        _classification(
            "sgd-digits", "digits",
            partial(SGDClassifier, max_iter=10, tol=None, random_state=SEED),
            {
                "loss": Categorical(["hinge", "log_loss", "modified_huber"]),
                "penalty": Categorical(["l2", "l1", "elasticnet"]),
                "alpha": Continuous(1e-7, 1e-1, scaling="log"),
                "l1_ratio": Continuous(0.0, 1.0, scaling="linear"),
            },
        ),
    ]
    return {task.name: task for task in tasks}
