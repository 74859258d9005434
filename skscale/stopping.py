"""Stop criteria checked between the rounds of a search."""

import numpy as np

# An evaluation improves "meaningfully" when it beats the best score so far by
# more than this fraction of (best - median) of the finite scores seen: a
# scale-free margin, robust to a few very bad or failed candidates.
PATIENCE_TOLERANCE = 1e-3


class StopCriteria:
    """Decide, after each round, whether the search should stop early.

    Parameters
    ----------
    max_time : float or None
        Seconds of search after which no new round starts.
    target_score : float or None
        Stop once the best score reaches this value.
    patience : int or None
        Stop after this many evaluations without meaningful improvement
        (see ``PATIENCE_TOLERANCE``).
    """

    def __init__(self, max_time=None, target_score=None, patience=None):
        self.max_time = max_time
        self.target_score = target_score
        self.patience = patience

    def reason_to_stop(self, scores, elapsed):
        """The name of the criterion met, or None.

        Parameters
        ----------
        scores : ndarray of shape (n,)
            Scores of this search's evaluations, in order (NaN for failures).
        elapsed : float
            Seconds since the search started.
        """
        finite = np.isfinite(scores)
        if self.target_score is not None and finite.any():
            if np.max(scores[finite]) >= self.target_score:
                return "target_score"
        if self.patience is not None and self._since_improvement(scores) >= self.patience:
            return "patience"
        if self.max_time is not None and elapsed >= self.max_time:
            return "max_time"
        return None

    @staticmethod
    def _since_improvement(scores):
        """Evaluations since the last meaningful improvement of the best score."""
        best, last_improvement = -np.inf, -1
        for i, score in enumerate(scores):
            if not np.isfinite(score):
                continue
            seen = scores[: i + 1]
            seen = seen[np.isfinite(seen)]
            margin = PATIENCE_TOLERANCE * (best - np.median(seen)) if np.isfinite(best) else 0
            if score > best + max(margin, 0.0):
                last_improvement = i
            best = max(best, score)
        return len(scores) - 1 - last_improvement
