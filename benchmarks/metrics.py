"""Figures of merit, computed from stored runs.

Everything is expressed as a *regret* to minimise: the optimum (known for
synthetic tasks, the reference score for real ones) minus the best score
found so far. Shapes: a run's scores are (N,); the curves of R replications
of one method on one task are (R, N), row r being replication r and column
n - 1 the state after n evaluations.
"""

import numpy as np
from scipy import stats

from .methods import BASELINE

HEAD_TO_HEAD = "skscale-bayesian"  # the method each other one is tested against
BOOTSTRAP = 200  # resamples for the interval of evaluations to match


def best_so_far(scores):
    """Running maximum of ``scores``, NaN (failed) entries ignored.

    Returns
    -------
    best : ndarray, shape (N,)
        NaN until the first successful evaluation.
    """
    scores = np.asarray(scores, dtype=np.float64)
    best = np.maximum.accumulate(np.where(np.isnan(scores), -np.inf, scores))
    return np.where(np.isneginf(best), np.nan, best)


def regret_curves(runs, optimum):
    """(R, N) regrets ``optimum - best_so_far`` of runs of one method on one task."""
    return np.array([optimum - best_so_far(run["scores"]) for run in runs])


def checkpoints(n_iter):
    """Budgets the normalized score is reported at: N/4, N/2 and N (16, 32, 64)."""
    return sorted({max(1, n_iter // 4), max(1, n_iter // 2), n_iter})


def evals_to_match(mean_regret, target):
    """Smallest n with ``mean_regret[n - 1] <= target``, or None if never reached."""
    hits = np.flatnonzero(mean_regret <= target)
    return int(hits[0]) + 1 if hits.size else None


def to_match_draws(regret, base_regret, n_boot=BOOTSTRAP, seed=0):
    """Evaluations to match over bootstrap resamples of the replications.

    Both the method's replications (``regret``, shape (R, N)) and the
    baseline's (``base_regret``) are resampled with replacement; each draw is
    ``evals_to_match`` of the resampled mean curves (``inf`` if never).
    """
    rng = np.random.default_rng(seed)
    draws = np.empty(n_boot)
    for b in range(n_boot):
        mine = np.nanmean(regret[rng.integers(0, len(regret), len(regret))], axis=0)
        base = np.nanmean(base_regret[rng.integers(0, len(base_regret), len(base_regret))], axis=0)
        n = evals_to_match(mine, base[-1])
        draws[b] = np.inf if n is None else n
    return draws


def rank_test(final_a, final_b):
    """Two-sided Mann-Whitney U p-value for two samples of final regrets.

    Replications of different methods share a seed but no randomness, so the
    samples are independent, not paired. NaN when either has fewer than two
    finite values.
    """
    final_a = np.asarray(final_a)[np.isfinite(final_a)]
    final_b = np.asarray(final_b)[np.isfinite(final_b)]
    if min(final_a.size, final_b.size) < 2:
        return float("nan")
    return float(stats.mannwhitneyu(final_a, final_b, alternative="two-sided").pvalue)


def probability_lower(final_a, final_b):
    """Probability that a replication of ``a`` ends lower than one of ``b``.

    Over all pairs of finite values, ties counted half: the effect whose
    significance ``rank_test`` measures (0.5: neither tends lower). NaN
    without finite values.
    """
    final_a = np.asarray(final_a)[np.isfinite(final_a)]
    final_b = np.asarray(final_b)[np.isfinite(final_b)]
    if not (final_a.size and final_b.size):
        return float("nan")
    lower = (final_a[:, None] < final_b[None, :]).mean()
    ties = (final_a[:, None] == final_b[None, :]).mean()
    return float(lower + 0.5 * ties)


def normalized_score(mean_regret, baseline_regret):
    """Bayesmark's normalized score, 100 * (1 - regret / baseline regret), per n.

    0 is the baseline (random search at the same budget), 100 the optimum;
    negative is worse than the baseline. NaN where the baseline already sits
    at the optimum.
    """
    with np.errstate(divide="ignore", invalid="ignore"):
        score = 100 * (1 - mean_regret / baseline_regret)
    return np.where(baseline_regret > 0, score, np.nan)


def optimum_of(task, reference):
    """The score regret is measured from: known optimum or stored reference."""
    return task.optimum if task.optimum is not None else reference[task.name]["score"]


def group(runs):
    """Runs by task then method: ``{task: {method: [run, ...]}}``."""
    out = {}
    for run in runs:
        out.setdefault(run["task"], {}).setdefault(run["method"], []).append(run)
    return out


def task_table(task, by_method, optimum, n_iter):
    """All figures of merit of one task, one row per method.

    Parameters
    ----------
    task : Task
    by_method : dict
        Method name -> list of runs (same budget ``n_iter``).
    optimum : float
    n_iter : int

    Returns
    -------
    rows : dict
        Method name -> dict with ``R``; ``final_mean``/``final_std``: the best
        value at N over replications (regret for synthetic tasks, score for
        real ones); ``normalized``: {n: score} at the checkpoints;
        ``to_match``: evaluations to reach the baseline's mean regret at N
        (None: never, or no baseline); ``seconds``: mean wall time per run;
        ``head_to_head``: (verdict, p, mean verdict) of HEAD_TO_HEAD against
        this method at N: verdict "better", "worse" or "tie" by which one's
        replications tend to end lower (``probability_lower``, the direction
        ``rank_test``'s p-value is about), the same word for the mean
        regrets (they disagree when a few replications are far off), None
        for HEAD_TO_HEAD itself or without it.
    """
    curves = {m: regret_curves(runs, optimum) for m, runs in by_method.items()}
    base = curves.get(BASELINE)
    base_mean = None if base is None else np.nanmean(base, axis=0)
    rows = {}
    for method, regret in curves.items():
        mean = np.nanmean(regret, axis=0)
        final = regret[:, -1] if task.optimum is not None else optimum - regret[:, -1]
        row = {
            "R": len(regret),
            "final_mean": float(np.nanmean(final)),
            "final_std": float(np.nanstd(final)),
            "seconds": float(np.mean([r["seconds"] for r in by_method[method]])),
            "normalized": {},
            "to_match": None,
        }
        if base_mean is not None:
            normalized = normalized_score(mean, base_mean)
            row["normalized"] = {n: float(normalized[n - 1]) for n in checkpoints(n_iter)}
            row["to_match"] = evals_to_match(mean, base_mean[-1])
            row["to_match_draws"] = to_match_draws(regret, base)
        rows[method] = row
    ours = curves.get(HEAD_TO_HEAD)
    for method, row in rows.items():
        if ours is not None and method != HEAD_TO_HEAD:
            theirs = curves[method][:, -1]
            edge = probability_lower(ours[:, -1], theirs) - 0.5
            diff = np.nanmean(theirs) - np.nanmean(ours[:, -1])
            row["head_to_head"] = (
                _verdict(edge),
                rank_test(ours[:, -1], theirs),
                _verdict(diff),
            )
        else:
            row["head_to_head"] = None
    return rows


def _verdict(edge):
    """"better" for a positive edge of HEAD_TO_HEAD, "worse", or "tie"."""
    return "better" if edge > 0 else "worse" if edge < 0 else "tie"
