"""skscale: hyperparameter search for scikit-learn over scaled ranges.

``ScaledSearchCV`` is a drop-in for scikit-learn's ``RandomizedSearchCV`` and
``GridSearchCV``; ``Continuous``, ``Integer``, ``Ordinal`` and ``Categorical``
say what values each hyperparameter takes and how the range is scaled.
"""

from .optimizer import BayesianOptimizer
from .ranges import Categorical, Continuous, Integer, Ordinal
from .search import ScaledSearchCV
from .space import SearchSpace

__all__ = [
    "BayesianOptimizer",
    "Categorical",
    "Continuous",
    "Integer",
    "Ordinal",
    "ScaledSearchCV",
    "SearchSpace",
]
__version__ = "0.1.0"
