"""Grid search: the Cartesian product of each range's grid values."""

from .base import PlannedStrategy


class GridStrategy(PlannedStrategy):
    """Evaluate every point of a grid, evenly spaced in each scaled range.

    A ``log`` range gets a geometric grid and a ``reverse_log`` range points
    crowding toward 1. The number of points per numeric range is
    ``grid_points`` (an int, or a dict by parameter name); where it is not
    given, it is chosen so that the grid holds at most ``n_iter`` candidates
    (at least two points per range). The whole grid is always evaluated.
    """

    def _plan(self, *, grid_points=None, **options):
        self.space.require_bounds("grid")
        return self.space.grid(self.n_iter, grid_points)
