"""Per-round progress lines printed by a search with ``verbose > 0``."""

import math
import time


def _format_params(params):
    return ", ".join(
        f"{k}={v:.4g}" if isinstance(v, float) else f"{k}={v!r}" for k, v in params.items()
    )


def _format_best(score, params):
    return "none yet" if params is None else f"{score:.5g} ({_format_params(params)})"


class ProgressReport:
    """Print evaluations done, best score and parameters, time spent and left.

    Parameters
    ----------
    n_planned : int
        Number of candidates the search plans to evaluate.
    enabled : bool
        Whether to print anything.
    """

    def __init__(self, n_planned, enabled=True):
        self.n_planned = n_planned
        self.enabled = enabled
        self.start = time.perf_counter()

    def elapsed(self):
        """Seconds since the search started."""
        return time.perf_counter() - self.start

    def update(self, n_done, best_score, best_params):
        """Print one line after a round of evaluations."""
        if not self.enabled:
            return
        elapsed = self.elapsed()
        left = elapsed / n_done * (self.n_planned - n_done) if n_done else math.nan
        print(
            f"[skscale] {n_done}/{self.n_planned} evaluated | best "
            f"{_format_best(best_score, best_params)} | "
            f"{elapsed:.1f}s elapsed, ~{left:.0f}s left",
            flush=True,
        )

    def finish(self, n_done, stop_reason, best_score, best_params):
        """Print the summary line of a finished search."""
        if not self.enabled:
            return
        print(
            f"[skscale] done: {n_done} evaluated in {self.elapsed():.1f}s "
            f"(stopped by {stop_reason}) | best {_format_best(best_score, best_params)}",
            flush=True,
        )
