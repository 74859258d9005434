"""scikit-learn's own search tests, run with ScaledSearchCV in place of its classes.

The installed ``sklearn/model_selection/tests/test_search.py`` runs three
times, each in a pytest subprocess loading ``swap_plugin``:

1. as it is (the baseline), recording which tests use ``GridSearchCV`` or
   ``RandomizedSearchCV``;
2. with ``GridSearchCV`` replaced by ``ScaledSearchCV(..., strategy="grid")``;
3. with ``RandomizedSearchCV`` replaced by ``ScaledSearchCV(...,
   strategy="random")``.

A role counts the tests that pass in the baseline and use that role's class;
only those are run in the role's subprocess. Each must pass with
ScaledSearchCV unless it is listed in ``EXPECTED_DIFFERENCES`` with its
reason, and a listed test that passes fails the check too, so the list stays
exact. Listed ids missing from the installed scikit-learn are ignored, and
tests that fail for scikit-learn's own classes are never counted.

The default run leaves out the slowest tests (``SLOW_TESTS``); the slow mark
runs everything.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import sklearn
from swap_plugin import SUMMARY_KEY

import skscale

SUITE = Path(sklearn.__file__).parent / "model_selection" / "tests" / "test_search.py"
ROLES = {"grid": "GridSearchCV", "random": "RandomizedSearchCV"}
TIMEOUT = 900  # seconds for one subprocess; the full run takes about a minute

# Test functions left out of the quick (default) run: each takes 0.4 s or more
# (up to 4 s) on 2 cores for scikit-learn's classes. The slow run has them.
SLOW_TESTS = frozenset(
    {
        "test_n_features_in",
        "test_search_cv_sample_weight_equivalence",
        "test_search_with_2d_array",
        "test_cv_results_dtype_issue_29074",
        "test_unsupervised_grid_search",
        "test_random_search_cv_results_multimetric",
        "test_cv_results_multi_size_array",
        "test_search_html_repr",
        "test_unsupported_sample_weight_scorer",
        "test_grid_search_with_multioutput_data",
    }
)

# Tests of scikit-learn's file that fail with ScaledSearchCV, by role, each
# with its reason. A key is a test id (function name with its parameter ids)
# or a bare function name, which covers all its parametrisations.
EXPECTED_DIFFERENCES = {
    "grid": {
        # Deliberate: the fitted attributes skscale adds.
        "test_custom_run_search": (
            "compares every public fitted attribute of GridSearchCV with a bare "
            "BaseSearchCV subclass; ScaledSearchCV adds n_candidates_, search_space_, "
            "stop_reason_ and batch_size_ (every shared attribute is equal)"
        ),
    },
    "random": {},
}


def expected_reason(role, name):
    """The listed reason why test ``name`` fails in ``role``, or None."""
    listed = EXPECTED_DIFFERENCES[role]
    return listed.get(name, listed.get(name.split("[", 1)[0]))


def start(role, workdir, select=None, omit=()):
    """Start scikit-learn's search tests in a pytest subprocess.

    Returns the process and the path of its JSON report.
    """
    report = workdir / f"{role}.json"
    args = [
        sys.executable, "-m", "pytest", str(SUITE),
        "-c", str(workdir / "pytest.ini"), "--rootdir", str(workdir),
        "-p", "no:cacheprovider", "-p", "swap_plugin", "-q",
        f"--swap-role={role}", f"--swap-report={report}",
    ]  # fmt: skip
    if select is not None:
        path = workdir / f"{role}-select.json"
        path.write_text(json.dumps(sorted(select)))
        args.append(f"--swap-select={path}")
    if omit:
        args.append(f"--swap-omit={','.join(sorted(omit))}")
    # The plugin, and the very skscale this process imported.
    paths = [str(Path(__file__).parent), str(Path(skscale.__file__).parents[1])]
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(paths + [env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    # Two subprocesses share the cores: one BLAS/OpenMP thread each.
    env.update(OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1", MKL_NUM_THREADS="1")
    log = open(workdir / f"{role}.log", "w")
    process = subprocess.Popen(args, cwd=workdir, env=env, stdout=log, stderr=subprocess.STDOUT)
    process.log = log
    return process, report


def finish(process, report):
    """Wait for a subprocess; its outcomes by test name."""
    try:
        code = process.wait(timeout=TIMEOUT)
    finally:
        process.log.close()
    # 0: all passed, 1: some failed; anything else means the run itself broke.
    if code not in (0, 1) or not report.exists():
        output = Path(process.log.name).read_text()[-3000:]
        pytest.fail(f"pytest on {SUITE} exited with {code}:\n{output}")
    return json.loads(report.read_text())


def run_suite(workdir, quick):
    """The baseline, then both roles side by side on the tests that count."""
    (workdir / "pytest.ini").write_text("[pytest]\naddopts =\n")
    baseline = finish(*start("baseline", workdir, omit=SLOW_TESTS if quick else ()))
    counted = {
        role: sorted(
            name
            for name, entry in baseline.items()
            if entry["outcome"] == "passed" and role in entry["uses"]
        )
        for role in ROLES
    }
    running = {role: start(role, workdir, select=counted[role]) for role in ROLES if counted[role]}
    outcomes = {role: finish(*running[role]) if role in running else {} for role in ROLES}
    return baseline, counted, outcomes


def check_role(role, run, config, form):
    baseline, counted, outcomes = run
    names = counted[role]
    if not names:
        pytest.skip(f"no test of {SUITE.name} uses {ROLES[role]} and passes with it")
    results = outcomes[role]
    passed = [n for n in names if results.get(n, {}).get("outcome") == "passed"]
    failed = {n: results.get(n, {}).get("message", "not run") for n in names if n not in passed}
    n_baseline = sum(entry["outcome"] == "passed" for entry in baseline.values())
    summary = (
        f"{form}, {ROLES[role]} -> ScaledSearchCV(strategy={role!r}): "
        f"{len(passed)}/{len(names)} passed ({100 * len(passed) / len(names):.1f}%); "
        f"{len(names)} of the {n_baseline} tests passing for scikit-learn use {ROLES[role]}"
    )
    config.stash.setdefault(SUMMARY_KEY, []).append(summary)
    print(summary)

    new = {n: m for n, m in failed.items() if expected_reason(role, n) is None}
    now_passing = [n for n in passed if expected_reason(role, n) is not None]
    # A counted test that never built the stand-in ran scikit-learn's class:
    # the swap did not take effect (e.g. the file imports the class elsewhere).
    not_swapped = [n for n in passed if role not in results[n]["uses"]]
    problems = [f"{n}: {m}" for n, m in sorted(new.items())]
    problems += [f"{n}: listed in EXPECTED_DIFFERENCES but passes" for n in now_passing]
    problems += [f"{n}: passed without using ScaledSearchCV" for n in not_swapped]
    assert not problems, f"{summary}\n" + "\n".join(problems)


@pytest.fixture(scope="module")
def suite_file():
    if not SUITE.exists():
        pytest.skip(f"scikit-learn {sklearn.__version__} is installed without its tests")
    return SUITE


@pytest.fixture(scope="module")
def quick_run(suite_file, tmp_path_factory):
    return run_suite(tmp_path_factory.mktemp("sklearn_search_quick"), quick=True)


@pytest.fixture(scope="module")
def full_run(suite_file, tmp_path_factory):
    return run_suite(tmp_path_factory.mktemp("sklearn_search_full"), quick=False)


@pytest.mark.parametrize("role", ROLES)
def test_sklearn_search_tests_quick(role, quick_run, request):
    """The default run: every test of the file but the slowest few."""
    check_role(role, quick_run, request.config, "quick")


@pytest.mark.slow
@pytest.mark.parametrize("role", ROLES)
def test_sklearn_search_tests_full(role, full_run, request):
    check_role(role, full_run, request.config, "full")


def test_expected_differences_are_explained():
    """Every listed difference is a test of scikit-learn's file, with its reason."""
    for role, listed in EXPECTED_DIFFERENCES.items():
        assert role in ROLES
        for name, reason in listed.items():
            assert name.startswith("test_"), name
            assert len(reason) > 30, name
