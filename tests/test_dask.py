"""A search runs on a dask.distributed cluster through joblib's dask backend."""

import joblib
import numpy as np
import pytest
from sklearn.datasets import load_iris
from sklearn.svm import SVC

from skscale import Continuous, ScaledSearchCV

distributed = pytest.importorskip("distributed")


@pytest.mark.parametrize(
    "strategy, resource", [("random", None), ("bayesian", None), ("bayesian", "n_samples")]
)
def test_dask_cluster_gives_the_same_search_as_n_jobs_1(strategy, resource):
    X, y = load_iris(return_X_y=True)

    def make():
        return ScaledSearchCV(
            SVC(),
            {"C": Continuous(1e-2, 1e3), "gamma": Continuous(1e-4, 1e1)},
            strategy=strategy,
            n_iter=6,
            batch_size=2,
            cv=3,
            random_state=0,
            resource=resource,
        )

    local = make().fit(X, y)
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        with distributed.get_task_stream(client) as stream:
            with joblib.parallel_backend("dask"):
                remote = make().set_params(n_jobs=-1).fit(X, y)
        # The fits really ran on the cluster: on both worker processes.
        workers = {task["worker"] for task in stream.data}
        assert len(workers) == 2 and len(stream.data) > 0
    assert remote.cv_results_["params"] == local.cv_results_["params"]
    np.testing.assert_allclose(
        remote.cv_results_["mean_test_score"], local.cv_results_["mean_test_score"]
    )
    assert remote.best_params_ == local.best_params_
