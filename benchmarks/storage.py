"""Results on disk: one JSON file per run, and the reference scores of real tasks.

A run lives at ``<root>/<task>/<method>__n<N>__s<seed>.json``. The budget is
part of the name, so runs with different budgets never mix, and a file that
exists is a run that finished (files are written atomically): the runner
skips it, which makes an interrupted run resumable and lets results from
several machines be merged by copying folders together.

``reference.json`` holds, per real task, the best cross-validated score any
method has reached, with the run that reached it. It only ever improves,
unless the task's definition changes (another fingerprint): then it starts
again from the runs of the new definition.
"""

import json
import math
import os
from pathlib import Path


def run_path(root, task, method, n_iter, seed):
    """Where the run ``(task, method, n_iter, seed)`` is stored."""
    return Path(root) / task / f"{method}__n{n_iter}__s{seed}.json"


def _current(record, fingerprint):
    # Runs stored before fingerprints were recorded count as current.
    return record.get("task_fingerprint", fingerprint) == fingerprint


def is_stored(path, fingerprint):
    """Whether ``path`` holds a run of the task as currently defined."""
    path = Path(path)
    return path.exists() and _current(json.loads(path.read_text()), fingerprint)


def _nan_to_none(values):
    return [None if v is None or math.isnan(v) else v for v in values]


def _write_json(path, data):
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(data, indent=1, sort_keys=True) + "\n")
    os.replace(tmp, path)  # atomic: a reader never sees half a file


def save_run(root, record):
    """Store a run record (see ``methods.run_one``); NaN scores become null."""
    path = run_path(root, record["task"], record["method"], record["n_iter"], record["seed"])
    _write_json(path, {**record, "scores": _nan_to_none(record["scores"])})
    return path


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
    for path in Path(root).glob(f"*/*__n{n_iter}__s*.json"):
        record = json.loads(path.read_text())
        task = tasks.get(record["task"])
        if task is None or not _current(record, task.fingerprint) or (
            methods and record["method"] not in methods
        ):
            continue
        record["scores"] = [math.nan if s is None else s for s in record["scores"]]
        runs.append(record)
    return sorted(runs, key=lambda r: (r["task"], r["method"], r["seed"]))


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


# -- compact storage: one gzip'd JSON Lines file per task and method ----------


def jsonl_path(root, task, method):
    """Where the runs of ``(task, method)`` are stored, one JSON line per run."""
    return Path(root) / task / f"{method}.jsonl.gz"


def append_run(root, record):
    """Append a run to its task and method's file (NaN scores become null).

    Each append is one gzip member; gzip readers see the members as one
    stream, so a run interrupted mid-way loses at most the line being written.
    """
    import gzip

    path = jsonl_path(root, record["task"], record["method"])
    path.parent.mkdir(parents=True, exist_ok=True)
    line = json.dumps({**record, "scores": _nan_to_none(record["scores"])}, sort_keys=True)
    with gzip.open(path, "at") as f:
        f.write(line + "\n")
    return path


def read_runs(root, task, method, fingerprint):
    """Stored runs of ``(task, method)`` for the current task definition, by seed.

    Returns
    -------
    runs : dict
        Seed -> record, scores as floats (NaN for failures); the last line
        wins when a seed was stored twice. Truncated last lines are skipped.
    """
    import gzip

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
        if not _current(record, fingerprint):
            continue
        record["scores"] = [math.nan if s is None else s for s in record["scores"]]
        runs[record["seed"]] = record
    return runs
