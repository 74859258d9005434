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
