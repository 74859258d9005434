"""Rounds whose every fit failed stay in ``cv_results_``.

scikit-learn's ``evaluate_candidates`` raises ``ValueError`` when every fit of
one call fails. For its own searches a call is the whole search, so that error
means a misconfigured model. A ``ScaledSearchCV`` makes one call per round:
one candidate of a sequential Bayesian search whose folds all fail would
vanish with the error, although scikit-learn's searches keep such a candidate
as a row scored ``error_score``. While :func:`keep_failed_rounds` is active,
such a round is kept and warned about as scikit-learn warns about partial
failures. The search itself raises when every round failed.

The check is scikit-learn's module-level function, looked up by
``evaluate_candidates`` at call time; it is wrapped once, and the wrapper
behaves exactly as the original unless the calling thread is inside
:func:`keep_failed_rounds`.
"""

import contextlib
import contextvars
import warnings
from collections import Counter

from sklearn.exceptions import FitFailedWarning
from sklearn.model_selection import _search

_failed_rounds = contextvars.ContextVar("skscale_failed_rounds", default=None)


def _all_failed(out):
    return bool(out) and all(result["fit_error"] is not None for result in out)


def describe(errors):
    """The errors of failed fits (a ``Counter``), as scikit-learn lists them."""
    return "\n".join(
        f"{'-' * 80}\n{n} fits failed with the following error:\n{error}"
        for error, n in errors.items()
    )


def _check_fit_failures(out, error_score):
    log = _failed_rounds.get()
    if log is None or not _all_failed(out):
        return _sklearn_check(out, error_score)
    log.append(Counter(result["fit_error"] for result in out))
    warnings.warn(
        f"\nAll the {len(out)} fits of this round failed; its candidates are kept in "
        f"cv_results_ with the score {error_score}. Set error_score='raise' to debug."
        f"\n\nBelow are more details about the failures:\n{describe(log[-1])}",
        FitFailedWarning,
        stacklevel=2,
    )


# Wrapped once: a reloaded module wraps scikit-learn's own function again, not its wrapper.
_sklearn_check = getattr(
    _search._warn_or_raise_about_fit_failures,
    "__wrapped__",
    _search._warn_or_raise_about_fit_failures,
)
_check_fit_failures.__wrapped__ = _sklearn_check
_search._warn_or_raise_about_fit_failures = _check_fit_failures


@contextlib.contextmanager
def keep_failed_rounds():
    """Within this context, a call of ``evaluate_candidates`` whose every fit
    fails warns and keeps its rows instead of raising.

    Yields
    ------
    failures : list of Counter
        For each round that failed entirely, its fit errors and their counts.
    """
    failures = []
    token = _failed_rounds.set(failures)
    try:
        yield failures
    finally:
        _failed_rounds.reset(token)
