"""Run scikit-learn's gallery examples with ScaledSearchCV swapped in, and compare.

The examples ship only in scikit-learn's source distribution, so
:func:`fetch_examples` downloads the one of the installed version from PyPI
into a cache and keeps its ``examples/**/*.py`` files, nothing else.
:func:`run_gallery` runs each example in a subprocess (``gallery_runner.py``)
as it is, then once per role whose class it built, and :func:`classify` tells
whether a role behaved as scikit-learn's class did. :func:`write_report`
turns a run into the Markdown report kept next to this file.

Importing this module has no side effect.
"""

import hashlib
import io
import json
import math
import os
import re
import signal
import subprocess
import sys
import tarfile
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from swap_plugin import ROLES

import skscale

HERE = Path(__file__).resolve().parent
RUNNER = HERE / "gallery_runner.py"
SISTER = HERE.parent / "sklearn_search_suite"  # swap_plugin.py, the stand-in
MENTION = re.compile("GridSearchCV|RandomizedSearchCV")
INDEX = "https://pypi.org/simple/scikit-learn/"
TIMEOUT = 300  # seconds for one run of one example
# Packages that some examples import; the report says which were installed.
OPTIONAL = ("pandas", "matplotlib", "polars", "seaborn", "rich")

# Where the test module leaves its summary lines for the terminal report.
SUMMARY_KEY = pytest.StashKey[list]()


class ExamplesUnavailable(Exception):
    """The gallery examples of the installed scikit-learn cannot be had."""


def fetch_examples(cache, version):
    """The ``examples`` folder of scikit-learn ``version``'s sdist, cached.

    Downloads the sdist from PyPI the first time (its sha256 checked against
    the index) and extracts only the example scripts under
    ``cache/scikit-learn-<version>/examples``.

    Raises
    ------
    ExamplesUnavailable
        When there is no such sdist or it cannot be downloaded.
    """
    target = Path(cache) / f"scikit-learn-{version}"
    if (target / "complete").exists():
        return target / "examples"
    name = rf"scikit[-_]learn-{re.escape(version)}\.tar\.gz"
    try:
        index = urllib.request.urlopen(INDEX, timeout=30).read().decode()
        found = re.search(rf'href="([^"#]*/{name})(?:#sha256=([0-9a-f]{{64}}))?"', index)
        if found is None:
            raise ExamplesUnavailable(f"PyPI has no source distribution of scikit-learn {version}")
        url, digest = found.groups()
        data = urllib.request.urlopen(url, timeout=120).read()
    except OSError as error:  # URLError, timeouts, refused connections
        raise ExamplesUnavailable(
            f"cannot download scikit-learn {version}'s source distribution from PyPI, "
            f"the only place its gallery examples are: {error}"
        ) from error
    if digest is not None and hashlib.sha256(data).hexdigest() != digest:
        raise ExamplesUnavailable(f"the sdist from {url} does not match its sha256")
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as tar:
        for member in tar:
            parts = Path(member.name).parts
            # <root>/examples/**/*.py only; no absolute or parent paths.
            if (
                member.isfile()
                and len(parts) > 2
                and parts[1] == "examples"
                and member.name.endswith(".py")
                and ".." not in parts
            ):
                path = target.joinpath(*parts[1:])
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(tar.extractfile(member).read())
    (target / "complete").write_text(url + "\n")
    return target / "examples"


def examples_using_searches(examples):
    """Paths, relative to ``examples``, of the scripts that mention either class."""
    return sorted(
        path.relative_to(examples).as_posix()
        for path in Path(examples).rglob("*.py")
        if MENTION.search(path.read_text(encoding="utf-8"))
    )


def run_example(examples, name, role, workdir, timeout=TIMEOUT):
    """Run one example in ``role`` in a subprocess; what ``gallery_runner`` recorded.

    A timeout or a crash without a record gives a result with that error and
    no searches. ``seconds`` is the subprocess's wall time.
    """
    slug = f"{name.replace('/', '--').removesuffix('.py')}--{role}"
    cwd = Path(workdir) / slug  # files an example writes land here
    cwd.mkdir(parents=True, exist_ok=True)
    output = cwd / "record.json"
    paths = [str(SISTER), str(Path(skscale.__file__).parents[1])]
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(paths + [env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    # One BLAS thread: sums come out the same to the last bit in every run.
    env.update(
        MPLBACKEND="Agg",
        PYTHONHASHSEED="0",
        OMP_NUM_THREADS="1",
        OPENBLAS_NUM_THREADS="1",
        MKL_NUM_THREADS="1",
    )
    command = [sys.executable, str(RUNNER), role, str(Path(examples) / name), str(output)]
    start = time.perf_counter()
    with open(cwd / "output.log", "w") as log:
        # A session of its own, so that a timeout also ends the joblib workers.
        process = subprocess.Popen(
            command, cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        try:
            code = process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            code = None
        finally:
            if process.poll() is None:  # timed out, or this run was interrupted
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
    seconds = round(time.perf_counter() - start, 1)
    if code is None:
        result = {"error": f"timeout after {timeout} s", "searches": [], "uses": []}
    elif output.exists():
        result = json.loads(output.read_text())
    else:
        tail = (cwd / "output.log").read_text(errors="replace").strip().splitlines()[-1:]
        result = {"error": f"exit code {code}: {''.join(tail)}", "searches": [], "uses": []}
    result["seconds"] = seconds
    return result


def run_gallery(examples, names, workdir, timeout=TIMEOUT, workers=1):
    """Each example as it is, then in each role whose class its baseline built.

    Returns ``{name: {"baseline": result, role: result, ...}}``. Roles are
    not run for an example whose baseline fails: it is not comparable.
    """

    def one(job):
        return run_example(examples, *job, workdir, timeout)

    with ThreadPoolExecutor(workers) as pool:
        runs = {
            n: {"baseline": r}
            for n, r in zip(names, pool.map(one, [(n, "baseline") for n in names]), strict=True)
        }
        jobs = [
            (name, role)
            for name, run in runs.items()
            for role in ROLES
            if run["baseline"]["error"] is None and role in run["baseline"]["uses"]
        ]
        for (name, role), result in zip(jobs, pool.map(one, jobs), strict=True):
            runs[name][role] = result
    return runs


def _same_score(a, b):
    if a is None or b is None:
        return a is b
    return (math.isnan(a) and math.isnan(b)) or math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-12)


def _same_scores(theirs, ours):
    """Whether two ``{mean_test_*: scores}`` records agree, candidate by candidate."""
    return theirs.keys() == ours.keys() and all(
        len(theirs[k]) == len(ours[k]) and all(map(_same_score, theirs[k], ours[k]))
        for k in theirs
    )


def _compare(i, theirs, ours, timed_best=False):
    """What differs between the ``i``-th search of the baseline and of the swap.

    ``timed_best``: the example's ``refit`` picks the best by a measured time,
    so best_params_ and best_score_ are left out (every candidate's scores are
    still compared).
    """
    label = f"search {i + 1}"
    if (theirs["error"] is None) != (ours["error"] is None):
        return [f"{label}: fit raised {theirs['error']!r} with scikit-learn, {ours['error']!r}"]
    if theirs["error"] is not None:
        return []  # raised in both runs
    problems = []
    missing = sorted(set(theirs["keys"]) - set(ours["keys"]))
    extra = sorted(set(ours["keys"]) - set(theirs["keys"]))
    if missing or extra:
        problems.append(f"{label}: cv_results_ keys missing {missing}, extra {extra}")
    if theirs["n_candidates"] != ours["n_candidates"]:
        problems.append(
            f"{label}: {ours['n_candidates']} candidates, scikit-learn {theirs['n_candidates']}"
        )
    if theirs["params"] != ours["params"]:
        problems.append(f"{label}: other candidates, or in another order")
    elif not _same_scores(theirs["scores"], ours["scores"]):
        problems.append(f"{label}: other mean test scores")
    if not timed_best and theirs["best_params"] != ours["best_params"]:
        problems.append(
            f"{label}: best_params_ {ours['best_params']}, scikit-learn {theirs['best_params']}"
        )
    if not timed_best and not _same_score(theirs["best_score"], ours["best_score"]):
        problems.append(
            f"{label}: best_score_ {ours['best_score']!r}, scikit-learn {theirs['best_score']!r}"
        )
    return problems


def classify(role, runs, timed_best=False):
    """How an example fared in ``role``: ``(verdict, reason)``.

    The verdict is ``"same"``, ``"differs"`` or ``"not comparable"``; None
    when the baseline did not use the role's class. ``timed_best`` as in
    :func:`_compare`.
    """
    base = runs["baseline"]
    if base["error"] is not None:
        return "not comparable", f"baseline fails: {base['error']}"
    if role not in runs:
        return None
    swapped = runs[role]
    if swapped["error"] is not None:
        return "differs", f"fails with ScaledSearchCV: {swapped['error']}"
    if role not in swapped["uses"]:
        return "differs", f"{ROLES[role]} was not swapped: the example got it another way"
    theirs = [s for s in base["searches"] if s["role"] == role]
    ours = [s for s in swapped["searches"] if s["role"] == role]
    if len(theirs) != len(ours):
        return "differs", f"{len(ours)} searches fitted, scikit-learn {len(theirs)}"
    problems = [
        p
        for i, pair in enumerate(zip(theirs, ours, strict=True))
        for p in _compare(i, *pair, timed_best)
    ]
    if problems:
        return "differs", "; ".join(problems)
    if not ours:
        return "same", "built, never fitted"
    return "same", f"{len(ours)} search" + ("es" if len(ours) > 1 else "")


def tally(verdicts):
    """``{role: (same, comparable)}`` from ``{(name, role): (verdict, reason)}``."""
    counts = {}
    for role in ROLES:
        found = [v for (_, r), (v, _) in verdicts.items() if r == role and v != "not comparable"]
        counts[role] = (found.count("same"), len(found))
    return counts


def summary_line(form, verdicts):
    """The line printed at the end of the run, like the sister suite's."""
    counts = tally(verdicts)
    skipped = {name for (name, _), (v, _) in verdicts.items() if v == "not comparable"}
    grid, random = ("{}/{}".format(*counts[role]) for role in ROLES)
    return (
        f"{form}, gallery examples with ScaledSearchCV: grid role {grid} same, random role "
        f"{random} same; {len(skipped)} examples not comparable"
    )


def _versions(names):
    """``name version`` of each of these distributions that is installed."""
    from importlib import metadata

    found = []
    for name in names:
        try:
            found.append(f"{name} {metadata.version(name)}")
        except metadata.PackageNotFoundError:
            pass
    return ", ".join(found) or "none"


def write_report(path, runs, verdicts, explained):
    """A compact Markdown report of a run: one row per example, then notes.

    ``verdicts`` maps ``(example, role)`` to ``(verdict, reason)``;
    ``explained`` maps some of those keys to a note (a listed difference's
    reason, or why a comparison was left out), shown with the verdict.
    """
    import platform

    import sklearn

    counts = tally(verdicts)
    lines = [
        "# scikit-learn's gallery examples with ScaledSearchCV",
        "",
        "Written by `python -m pytest tests/sklearn_gallery -m slow` (scikit-learn "
        f"{sklearn.__version__}, Python {platform.python_version()}; packages that some "
        f"examples import: {_versions(OPTIONAL)}). Each example that mentions "
        "`GridSearchCV` or `RandomizedSearchCV` runs as it is (baseline), then with "
        '`ScaledSearchCV(strategy="grid")` in place of `GridSearchCV` (grid role) and with '
        '`strategy="random"` in place of `RandomizedSearchCV` (random role), each role only '
        'where the baseline built that class ("not used": only mentioned). Times are wall '
        "times of the whole example; the number of searches compared is in brackets.",
        "",
        f"- grid role: {counts['grid'][0]} of {counts['grid'][1]} comparable examples the "
        f"same; random role: {counts['random'][0]} of {counts['random'][1]}. The same: for "
        "every search fitted, the same candidates in the same order, mean test scores and "
        "best_score_ within 1e-12, best_params_, cv_results_ keys (with lists and scipy "
        "distributions, random search draws RandomizedSearchCV's candidates).",
        "",
        "| example | baseline | grid role | random role |",
        "| --- | --- | --- | --- |",
    ]
    notes = []
    for name, run in runs.items():
        cells = [f"`{name}`", f"{run['baseline']['seconds']:.0f} s"]
        for role in ROLES:
            kind, reason = verdicts.get((name, role), ("not used", ""))
            note = explained.get((name, role))
            if kind in ("not used", "not comparable"):
                cells.append(kind)
                continue
            cell = f"{kind}, {run[role]['seconds']:.0f} s"
            if kind == "same":
                cell = f"same ({reason}), {run[role]['seconds']:.0f} s"
            if kind == "differs" or note:
                notes.append(
                    f"`{name}`, {role} role: "
                    + "; ".join(filter(None, [reason if kind == "differs" else "", note]))
                )
                cell += f" [{len(notes)}]"
            cells.append(cell)
        lines.append("| " + " | ".join(cells) + " |")
    lines += ["", "## Notes and differences", ""]
    lines += [f"{i}. {note}" for i, note in enumerate(notes, 1)] or ["None."]
    failing = {name: run["baseline"]["error"] for name, run in runs.items()}
    lines += ["", "## Not comparable: the baseline fails", ""]
    lines += [f"- `{name}`: {error}" for name, error in failing.items() if error] or ["None."]
    Path(path).write_text("\n".join(lines) + "\n")
