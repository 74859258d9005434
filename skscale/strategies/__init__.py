"""Search strategies, by the name ``ScaledSearchCV(strategy=...)`` takes."""

from .base import PlannedStrategy, Strategy
from .grid import GridStrategy
from .random import RandomStrategy

STRATEGIES = {
    "random": RandomStrategy,
    "grid": GridStrategy,
}

__all__ = ["STRATEGIES", "PlannedStrategy", "Strategy", "GridStrategy", "RandomStrategy"]
