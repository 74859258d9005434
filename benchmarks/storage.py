"""Results on disk: one compressed file of runs per task and method, and the
reference scores of real tasks.

The runs of a (task, method) live in ``<root>/<task>/<method>.jsonl.gz``, one
JSON line per run, appended as each run finishes (one gzip member each, which
gzip readers see as one stream). A run's line holds its budget ``n_iter`` and
``seed``, so runs of several budgets share the file without mixing, a line
that exists is a run that finished (the runner skips it, which makes an
interrupted run resumable), and results from several machines merge by
concatenating files. When a (budget, seed) was stored twice the last line
wins. Runs of an older task definition (another fingerprint) are ignored.

``reference.json`` holds, per real task, the best cross-validated score any
method has reached, with the run that reached it. It only ever improves,
unless the task's definition changes (another fingerprint): then it starts
again from the runs of the new definition.
"""

import gzip
import json
import math
import os
from pathlib import Path


def _current(record, fingerprint):
    # Runs stored before fingerprints were recorded count as current.
    return record.get("task_fingerprint", fingerprint) == fingerprint


def _nan_to_none(values):
    return [None if v is None or math.isnan(v) else v for v in values]


def _write_json(path, data):
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(data, indent=1, sort_keys=True) + "\n")
    os.replace(tmp, path)  # atomic: a reader never sees half a file


def jsonl_path(root, task, method):
    """Where the runs of ``(task, method)`` are stored, one JSON line per run."""
    return Path(root) / task / f"{method}.jsonl.gz"


def append_run(root, record):
    """Append a run to its task and method's file (NaN scores become null).

    Only one process may append to a file at a time (the runners write from
    their parent process). A run interrupted mid-way loses at most the line
    being written.
    """
    path = jsonl_path(root, record["task"], record["method"])
    path.parent.mkdir(parents=True, exist_ok=True)
    line = json.dumps({**record, "scores": _nan_to_none(record["scores"])}, sort_keys=True)
    with gzip.open(path, "at") as f:
        f.write(line + "\n")
    return path


def read_runs(root, task, method, fingerprint, n_iter=None):
    """Stored runs of ``(task, method)`` for the current task definition, by seed.

    Parameters
    ----------
    root : path-like
    task, method : str
    fingerprint : str
        The task's current fingerprint; runs of other definitions are left out.
    n_iter : int, optional
        Only runs with this budget.

    Returns
    -------
    runs : dict
        Seed -> record, scores as floats (NaN for failures); the last line
        wins when a seed was stored twice. Truncated last lines are skipped.
    """
    path = jsonl_path(root, task, method)
    runs = {}
    if not path.exists():
        return runs
    try:
        with gzip.open(path, "rt") as f:
            lines = f.read().splitlines()
    except EOFError:  # a write cut short: keep what was complete
        lines = []
    for line in lines:
        try:
            record = json.loads(line)
        except json.JSONDecodeError:
            continue
        if not _current(record, fingerprint) or n_iter not in (None, record.get("n_iter")):
            continue
        record["scores"] = [math.nan if s is None else s for s in record["scores"]]
        runs[record["seed"]] = record
    return runs


def load_runs(root, n_iter, tasks, methods=None):
    """Stored runs with budget ``n_iter`` of the given tasks, optionally of some methods.

    Parameters
    ----------
    root : path-like
    n_iter : int
    tasks : dict
        Task name -> Task; runs of an older task definition (another
        fingerprint) are left out.
    methods : collection of str, optional

    Returns
    -------
    runs : list of dict
        Records with ``scores`` as floats (NaN for failures), sorted by
        task, method and seed.
    """
    runs = []
    for path in sorted(Path(root).glob("*/*.jsonl.gz")):
        task, method = path.parent.name, path.name[: -len(".jsonl.gz")]
        if task not in tasks or (methods and method not in methods):
            continue
        stored = read_runs(root, task, method, tasks[task].fingerprint, n_iter)
        runs.extend(stored[seed] for seed in sorted(stored))
    return runs


def load_reference(path):
    """``{task: {"score", "method", "seed", "n_iter", "fingerprint"}}``; {} when absent."""
    path = Path(path)
    return json.loads(path.read_text()) if path.exists() else {}


def update_reference(path, runs, tasks):
    """Raise each real task's reference to the best score found in ``runs``.

    Parameters
    ----------
    path : path-like
        ``reference.json``, rewritten only when something improved.
    runs : list of dict
    tasks : dict
        Task name -> Task; only tasks without a known optimum are kept here.

    Returns
    -------
    reference : dict
        The (possibly raised) references.
    changes : list of str
        One line per improvement, for the summary.
    """
    before = load_reference(path)
    reference = {
        name: entry for name, entry in before.items()
        if name not in tasks or entry.get("fingerprint") == tasks[name].fingerprint
    }
    for run in runs:
        task = tasks.get(run["task"])
        finite = [s for s in run["scores"] if not math.isnan(s)]
        if task is None or task.optimum is not None or not finite:
            continue
        best, old = max(finite), reference.get(run["task"])
        if old is None or best > old["score"]:
            reference[run["task"]] = {
                "score": best, "method": run["method"], "seed": run["seed"],
                "n_iter": run["n_iter"], "fingerprint": task.fingerprint,
            }
    changes = []
    for name, new in sorted(reference.items()):
        old = before.get(name)
        if old == new:
            continue
        was = "none" if old is None else f"{old['score']:.6g}"
        if old is not None and old.get("fingerprint") != new["fingerprint"]:
            was += " (older task definition)"
        changes.append(
            f"{name}: {was} -> {new['score']:.6g} ({new['method']}, seed {new['seed']})"
        )
    if changes:
        _write_json(Path(path), reference)
    return reference, changes

