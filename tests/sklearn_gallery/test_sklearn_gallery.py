"""scikit-learn's gallery examples, run with ScaledSearchCV in place of its searches.

The sister of ``tests/sklearn_search_suite`` for the examples of scikit-learn's
documentation: each example of the installed version that mentions
``GridSearchCV`` or ``RandomizedSearchCV`` runs in a subprocess as it is (the
baseline), then with the stand-in of ``swap_plugin`` for each class that the
baseline built (the grid and random roles). ``gallery_harness`` compares
every search the example fitted, in order:

- in both roles: same candidates in the same order with the same mean test
  scores, same ``best_params_``, ``best_score_`` within 1e-12, same
  ``cv_results_`` keys (ScaledSearchCV adds none to a plain search, so no
  extra key is allowed). With lists and scipy distributions, random search
  draws exactly ``RandomizedSearchCV``'s candidates, so the random role is
  held to the same standard as the grid role.

An example whose baseline fails (it downloads data, needs a package that is
not installed, or times out) is not comparable and is not counted. Any other
difference fails unless ``EXPECTED_DIFFERENCES`` lists it with its reason, and
a listed difference that is gone fails too, so the list stays exact. Listed
examples that the installed version lacks are ignored.

The examples are not installed with scikit-learn: the first run downloads the
installed version's source distribution from PyPI into pytest's cache
(``.pytest_cache``, ignored by git) and keeps only its example scripts; the
tests skip when that is impossible. The default run takes ``QUICK_EXAMPLES``;
``python -m pytest tests/sklearn_gallery -m slow`` runs all of them and
rewrites ``report.md`` next to this file.
"""

import tempfile
from pathlib import Path

import pytest
import sklearn
from gallery_harness import (
    ROLES,
    SUMMARY_KEY,
    ExamplesUnavailable,
    classify,
    examples_using_searches,
    fetch_examples,
    run_gallery,
    summary_line,
    write_report,
)

REPORT = Path(__file__).with_name("report.md")

# Fast examples without downloads or optional packages, present since
# scikit-learn 1.5; the random role has one: about 25 s on 2 cores.
QUICK_EXAMPLES = (
    "cluster/plot_feature_agglomeration_vs_univariate_selection.py",
    "compose/plot_feature_union.py",
    "covariance/plot_covariance_estimation.py",
    "decomposition/plot_pca_vs_fa_model_selection.py",
    "gaussian_process/plot_compare_gpr_krr.py",
)

# Examples whose refit callable picks the best candidate by a measured time,
# so that best_params_ changes from run to run for scikit-learn's class
# alone: their best_params_ and best_score_ are not compared (every
# candidate's scores still are).
TIMED_BEST = {
    "model_selection/plot_grid_search_digits.py": (
        "refit_strategy keeps the candidates within one standard deviation of the "
        "best recall, then returns the one with the smallest mean_score_time"
    ),
}

# Examples that differ with ScaledSearchCV, by role, each with its reason.
EXPECTED_DIFFERENCES = {
    "grid": {},
    "random": {},
}


def _cache_dir(config):
    """pytest's cache folder for the examples (a temporary one without it)."""
    cache = getattr(config, "cache", None)
    if cache is None:  # -p no:cacheprovider
        return Path(tempfile.gettempdir()) / "skscale-sklearn-gallery"
    return cache.mkdir("sklearn-gallery")


def verdicts_of(runs):
    """``{(example, role): (verdict, reason)}`` for the roles each example used."""
    found = {}
    for name, run in runs.items():
        for role in ROLES:
            verdict = classify(role, run, timed_best=name in TIMED_BEST)
            if verdict is not None:
                found[name, role] = verdict
    return found


def check_role(role, run, config):
    """Fail on differences not listed, and on listed ones that are gone."""
    form, runs = run
    verdicts = verdicts_of(runs)
    if role == "grid":  # one summary line per run, for both roles
        line = summary_line(form, verdicts)
        config.stash.setdefault(SUMMARY_KEY, []).append(line)
        print(line)
    mine = {name: v for (name, r), v in verdicts.items() if r == role and v[0] != "not comparable"}
    if not mine:
        pytest.skip(f"no comparable example uses {ROLES[role]}")
    listed = EXPECTED_DIFFERENCES[role]
    problems = [
        f"{name}: {reason}"
        for name, (verdict, reason) in sorted(mine.items())
        if verdict == "differs" and name not in listed
    ]
    problems += [
        f"{name}: listed in EXPECTED_DIFFERENCES but the same now"
        for name, (verdict, _) in sorted(mine.items())
        if verdict == "same" and name in listed
    ]
    assert not problems, "\n".join(problems)


@pytest.fixture(scope="module")
def examples(request):
    try:
        return fetch_examples(_cache_dir(request.config), sklearn.__version__)
    except ExamplesUnavailable as error:
        pytest.skip(f"scikit-learn's gallery examples are unavailable: {error}")


@pytest.fixture(scope="module")
def quick_run(examples, tmp_path_factory):
    names = [name for name in QUICK_EXAMPLES if (examples / name).exists()]
    if not names:
        pytest.skip(f"scikit-learn {sklearn.__version__} has none of the quick examples")
    # Two at a time: each example is mostly single-threaded start-up and plotting.
    return "quick", run_gallery(examples, names, tmp_path_factory.mktemp("gallery"), workers=2)


@pytest.fixture(scope="module")
def full_run(examples, tmp_path_factory):
    names = examples_using_searches(examples)
    # One at a time, so that timings mean something and no example times out.
    runs = run_gallery(examples, names, tmp_path_factory.mktemp("gallery_full"))
    explained = {
        (name, "grid"): f"best_params_ and best_score_ not compared: {why}"
        for name, why in TIMED_BEST.items()
    }
    explained.update(
        ((name, role), why)
        for role, listed in EXPECTED_DIFFERENCES.items()
        for name, why in listed.items()
    )
    write_report(REPORT, runs, verdicts_of(runs), explained)
    return "full", runs


@pytest.mark.parametrize("role", ROLES)
def test_sklearn_gallery_quick(role, quick_run, request):
    """The default run: a handful of fast examples."""
    check_role(role, quick_run, request.config)


@pytest.mark.slow
@pytest.mark.parametrize("role", ROLES)
def test_sklearn_gallery_full(role, full_run, request):
    """Every example that mentions either class; writes ``report.md``."""
    check_role(role, full_run, request.config)


def test_listed_examples_are_explained():
    """Every listed example is a gallery script, with its reason."""
    for listed in [TIMED_BEST, *EXPECTED_DIFFERENCES.values()]:
        for name, reason in listed.items():
            assert name.endswith(".py") and "/" in name, name
            assert len(reason) > 30, name
    assert set(EXPECTED_DIFFERENCES) == set(ROLES)


def _search(role, best_score=0.9, best_params=None, error=None):
    """A record of one fitted search, as ``gallery_runner`` writes it."""
    return {
        "class": "ScaledSearchCV",
        "role": role,
        "error": error,
        "best_params": best_params or {"C": 1},
        "best_score": best_score,
        "keys": ["mean_test_score", "params"],
        "n_candidates": 2,
        "params": [{"C": 1}, {"C": 10}],
        "scores": {"mean_test_score": [best_score, 0.5]},
    }


def _runs(baseline, swapped, role="grid", error=None):
    result = {"baseline": {"error": error, "uses": [role], "searches": baseline}}
    result[role] = {"error": None, "uses": [role], "searches": swapped}
    return result


def test_classify():
    """The verdicts of the harness on made-up records."""
    same = _runs([_search("grid")], [_search("grid", best_score=0.9 + 1e-14)])
    assert classify("grid", same)[0] == "same"
    assert classify("random", same) is None  # the baseline did not use it
    failing = _runs([], [], error="URLError: no network")
    assert classify("grid", failing) == ("not comparable", "baseline fails: URLError: no network")
    other = _runs([_search("grid")], [_search("grid", best_params={"C": 10})])
    assert "best_params_" in classify("grid", other)[1]
    assert classify("grid", other, timed_best=True)[0] == "same"
    fewer = _runs([_search("grid"), _search("grid")], [_search("grid")])
    assert classify("grid", fewer) == ("differs", "1 searches fitted, scikit-learn 2")
    # Random role: the same standard (the draws are scikit-learn's).
    drawn = _runs([_search("random")], [_search("random")], role="random")
    assert classify("random", drawn)[0] == "same"
    other = _runs([_search("random")], [_search("random", best_score=0.7)], role="random")
    assert classify("random", other)[0] == "differs"


def test_plain_values():
    """Recorded values compare across runs: numpy scalars as numbers, no addresses."""
    import numpy as np
    from gallery_runner import _plain

    def score(y_true, y_pred):
        return 0.0

    assert _plain(np.float64(0.5)) == 0.5 and type(_plain(np.int64(3))) is int
    assert "0x" not in _plain(score) and _plain(score).startswith("<function")
