"""Run one scikit-learn gallery example and record every search it fits.

Started by ``gallery_harness`` in a subprocess::

    python gallery_runner.py ROLE EXAMPLE OUTPUT

``ROLE`` is ``baseline`` (the example as it is), ``grid`` (``GridSearchCV``
replaced by ``ScaledSearchCV(..., strategy="grid")``) or ``random``
(``RandomizedSearchCV`` replaced by ``strategy="random"``), with the stand-in
of ``tests/sklearn_search_suite/swap_plugin.py``. The example runs as
``__main__``; ``OUTPUT`` receives a JSON object with its error (if any), the
roles whose class it built, and one record per search fitted, in the order
the fits started.

Importing this module has no side effect (pytest imports it for doctests).
"""

import functools
import json
import re
import sys
import time
import traceback
from pathlib import Path

_records = []


def _plain(value):
    """A JSON-able stand-in for a parameter value: numbers as numbers, else repr.

    Memory addresses are dropped from the repr (``<function f at 0x...>``):
    they change from run to run.
    """
    if hasattr(value, "item") and getattr(value, "ndim", None) == 0:
        value = value.item()  # numpy scalar
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    return re.sub(r" at 0x[0-9a-fA-F]+", "", repr(value))


def _describe(search):
    """What the comparison needs from a fitted search."""
    results = getattr(search, "cv_results_", {})
    best = getattr(search, "best_params_", None)
    score = getattr(search, "best_score_", None)
    scores = {k: [float(x) for x in v] for k, v in results.items() if k.startswith("mean_test_")}
    return {
        "best_params": None if best is None else {k: _plain(v) for k, v in best.items()},
        "best_score": None if score is None else float(score),
        "keys": sorted(results),
        "n_candidates": len(results.get("params", ())),
        "params": [{k: _plain(v) for k, v in p.items()} for p in results.get("params", ())],
        "scores": scores,
    }


def _record_fits(cls, role_of_class):
    """Wrap ``cls.fit`` so that each fit of a search adds a record.

    A search's role is its strategy (ScaledSearchCV), else the one
    ``role_of_class`` gives its class name.
    """
    original = cls.fit

    @functools.wraps(original)
    def fit(self, *args, **kwargs):
        name = type(self).__name__
        role = getattr(self, "strategy", None) or role_of_class.get(name)
        entry = {"class": name, "role": role, "error": None}
        _records.append(entry)  # now, so that nested searches come after
        start = time.perf_counter()
        try:
            result = original(self, *args, **kwargs)
        except Exception as error:
            entry["error"] = f"{type(error).__name__}: {error}"[:300]
            raise
        finally:
            entry["seconds"] = round(time.perf_counter() - start, 3)
        entry.update(_describe(self))
        return result

    cls.fit = fit


def _swap(role, example_name):
    """Put the stand-in (or, for the baseline, watchers) on ``sklearn.model_selection``."""
    import sklearn.model_selection as ms
    import swap_plugin

    # A current "test" makes the stand-in record its use and raise construction
    # errors at once, as inside the sister suite's pytest run.
    swap_plugin._current[0] = example_name
    if role == "baseline":
        for each, name in swap_plugin.ROLES.items():
            swap_plugin._watch(getattr(ms, name), each)
    else:
        setattr(ms, swap_plugin.ROLES[role], swap_plugin._stand_in(role))
    role_of_class = {name: each for each, name in swap_plugin.ROLES.items()}
    for name in swap_plugin.ROLES.values():
        _record_fits(getattr(ms._search, name), role_of_class)  # the class, swapped or not
    if role != "baseline":
        from skscale import ScaledSearchCV

        _record_fits(ScaledSearchCV, role_of_class)
    return swap_plugin._used


def main(role, example, output):
    """Run ``example`` as ``__main__`` in ``role`` and write what happened to ``output``."""
    import random
    import runpy

    import numpy as np

    # Examples that draw from the global generators (random_state=None) make
    # the same draws in every run, so runs differ only by the swap.
    random.seed(0)
    np.random.seed(0)  # noqa: NPY002 (the global generator is the one they use)
    used = _swap(role, Path(example).name)
    error = None
    start = time.perf_counter()
    try:
        runpy.run_path(example, run_name="__main__")
    except BaseException as exc:  # SystemExit too: the example did not finish
        error = f"{type(exc).__name__}: {exc}".strip()[:500]
        traceback.print_exc()
    seconds = time.perf_counter() - start
    uses = sorted(set().union(*used.values()))
    # Searches fitted by the example's own code and those nested in them alike.
    report = {"error": error, "seconds": round(seconds, 2), "uses": uses, "searches": _records}
    Path(output).write_text(json.dumps(report, indent=1, default=_plain))
    return 0 if error is None else 1


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
