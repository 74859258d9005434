"""Search strategies, by the name ``ScaledSearchCV(strategy=...)`` takes."""

from .base import PlannedStrategy, Strategy
from .bayesian import BayesianStrategy
from .grid import GridStrategy
from .random import RandomStrategy

STRATEGIES = {
    "bayesian": BayesianStrategy,
    "random": RandomStrategy,
    "grid": GridStrategy,
}

__all__ = [
    "BayesianStrategy",
    "STRATEGIES",
    "PlannedStrategy",
    "Strategy",
    "GridStrategy",
    "RandomStrategy",
]
