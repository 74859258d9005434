"""Random search: independent candidates, all of them at once."""

from .base import PlannedStrategy


class RandomStrategy(PlannedStrategy):
    """Draw every candidate independently, uniformly in each scaled range.

    No candidate depends on another's score, so the search submits all of
    them together and they run as parallel as joblib allows. Random search
    applies no warping: the scaling of each range decides where it looks.
    When every parameter is a list of choices, candidates are drawn without
    replacement, as in scikit-learn's ``RandomizedSearchCV``.
    """

    def _plan(self, **options):
        return self.space.sample(self.n_iter, self.random_state)
