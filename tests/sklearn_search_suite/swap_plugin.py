"""pytest plugin: run scikit-learn's search tests with ScaledSearchCV swapped in.

Loaded with ``-p swap_plugin`` in a pytest subprocess that runs scikit-learn's
installed ``model_selection/tests/test_search.py``. Options:

``--swap-role``
    ``baseline`` runs the file as it is; ``grid`` replaces ``GridSearchCV`` and
    ``random`` replaces ``RandomizedSearchCV`` by ScaledSearchCV with that
    strategy. The other class of the pair stays scikit-learn's.
``--swap-report``
    Path of the JSON report: for each test (its name with parameters), its
    outcome, its failure message, and which of the two classes it used.
``--swap-select``
    Optional path of a JSON list of test names: the others are deselected.
``--swap-omit``
    Optional comma-separated test function names to deselect (all their
    parametrisations).

The swap is what a user does who swaps the class: ``GridSearchCV(est, grid,
cv=3)`` becomes ``ScaledSearchCV(est, grid, strategy="grid", cv=3)``, the
same arguments passed on unchanged, and the object built is a plain
ScaledSearchCV. The replacement is set on ``sklearn.model_selection`` before
the test file is imported, so the file's ``from sklearn.model_selection
import GridSearchCV`` and the parametrisations built at import see it.

Importing this module has no side effect; only pytest's hooks act.
"""

import json

import pytest

ROLES = {"grid": "GridSearchCV", "random": "RandomizedSearchCV"}

# Where the suite module leaves its summary lines for the terminal report.
SUMMARY_KEY = pytest.StashKey[list]()


def write_summary(terminalreporter, config, key, title):
    """Print the lines a check left under ``key`` as a section ``title``
    of pytest's terminal report (used by this suite's and the gallery's
    ``conftest.py``)."""
    lines = config.stash.get(key, [])
    if lines:
        terminalreporter.section(title)
        for line in lines:
            terminalreporter.write_line(line)


# Test name -> set of roles whose class it used; filled while tests run.
_used = {}
_current = [None]
# Node id -> test name (the function name with its parameter ids).
_names = {}
# Test name -> {"outcome", "message", "seconds"}.
_outcomes = {}


def _record(role):
    """Note that the test running now used ``role``'s class."""
    if _current[0] is not None:
        _used.setdefault(_current[0], set()).add(role)


class _Swapped(type):
    """Metaclass of the stand-ins: calling one builds a ScaledSearchCV.

    The stand-in keeps the replaced class's ``__name__``, so pytest ids such as
    ``test_x[GridSearchCV]`` stay those of the original run, and it counts any
    ScaledSearchCV as its instance.
    """

    def __call__(cls, *args, **kwargs):
        from skscale import ScaledSearchCV

        _record(cls.role)
        try:
            return ScaledSearchCV(*args, strategy=cls.strategy, **kwargs)
        except Exception as error:
            if _current[0] is not None:
                raise
            # Built while the test file is imported (a parametrisation): an
            # error here would stop the whole file, so the tests using it get it.
            return _FailedAtImport(error)

    def __instancecheck__(cls, obj):
        from skscale import ScaledSearchCV

        return isinstance(obj, ScaledSearchCV)

    def __subclasscheck__(cls, sub):
        from skscale import ScaledSearchCV

        return isinstance(sub, type) and issubclass(sub, ScaledSearchCV)


class ConstructionError(Exception):
    """ScaledSearchCV raised when the test file built this search at import."""


class _FailedAtImport:
    """Stands for a search whose construction raised at import time."""

    def __init__(self, error):
        self._error = error

    def __repr__(self):
        return f"<construction failed: {self._error!r}>"

    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        raise ConstructionError(repr(self._error)) from self._error


def _stand_in(role):
    return _Swapped(ROLES[role], (), {"role": role, "strategy": role})


def _watch(cls, role):
    """Record every use of scikit-learn's own class (baseline run).

    Its ``__init__`` (also called by ``clone``) and ``_run_search`` are
    wrapped in place, so the class itself, its repr, pickling and signature
    stay exactly scikit-learn's.
    """
    import functools

    for name in ("__init__", "_run_search"):
        original = cls.__dict__[name]

        @functools.wraps(original)
        def wrapper(*args, __original=original, **kwargs):
            _record(role)
            return __original(*args, **kwargs)

        setattr(cls, name, wrapper)


def pytest_addoption(parser):
    group = parser.getgroup("swap", "ScaledSearchCV in place of scikit-learn's searches")
    group.addoption("--swap-role", choices=["baseline", *ROLES], default="baseline")
    group.addoption("--swap-report", default=None)
    group.addoption("--swap-select", default=None)
    group.addoption("--swap-omit", default="")


def pytest_configure(config):
    import sklearn.model_selection as ms

    role = config.getoption("--swap-role")
    if role == "baseline":
        for each, name in ROLES.items():
            _watch(getattr(ms, name), each)
    else:
        setattr(ms, ROLES[role], _stand_in(role))


def _uses_in_params(item):
    """Roles whose class (or an instance of it) is a parameter of the test."""
    import sklearn.model_selection as ms

    found = set()
    for value in getattr(getattr(item, "callspec", None), "params", {}).values():
        for role, name in ROLES.items():
            cls = getattr(ms, name)
            if value is cls or isinstance(value, cls):
                found.add(role)
    return found


def pytest_collection_modifyitems(config, items):
    for item in items:
        _names[item.nodeid] = item.name
        if found := _uses_in_params(item):
            _used.setdefault(item.name, set()).update(found)
    omit = set(filter(None, config.getoption("--swap-omit").split(",")))
    path = config.getoption("--swap-select")
    wanted = None
    if path is not None:
        with open(path) as f:
            wanted = set(json.load(f))

    def keep(item):
        return item.originalname not in omit and (wanted is None or item.name in wanted)

    config.hook.pytest_deselected(items=[item for item in items if not keep(item)])
    items[:] = [item for item in items if keep(item)]


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item, nextitem):
    _current[0] = item.name
    try:
        return (yield)
    finally:
        _current[0] = None


def _message(report):
    """The first line of a failure's message, or a skip's reason."""
    longrepr = report.longrepr
    if isinstance(longrepr, tuple):  # a skip: (path, line, reason)
        text = longrepr[2]
    else:
        crash = getattr(longrepr, "reprcrash", None)
        text = crash.message if crash is not None else str(longrepr or "")
    lines = text.strip().splitlines()
    return lines[0][:300] if lines else ""


def pytest_runtest_logreport(report):
    name = _names.get(report.nodeid, report.nodeid.rsplit("::", 1)[-1])
    entry = _outcomes.setdefault(name, {"outcome": "passed", "message": "", "seconds": 0.0})
    entry["seconds"] = round(entry["seconds"] + report.duration, 3)
    if hasattr(report, "wasxfail"):
        # An xfail mark: not a plain pass, for sklearn's classes or ours.
        entry["outcome"] = "xfailed" if report.skipped else "xpassed"
    elif report.failed and entry["outcome"] != "failed":
        entry["outcome"] = "failed" if report.when == "call" else "error"
        entry["message"] = f"{report.when}: {_message(report)}"
    elif report.skipped and entry["outcome"] == "passed":
        entry["outcome"] = "skipped"
        entry["message"] = _message(report)


def pytest_sessionfinish(session):
    path = session.config.getoption("--swap-report")
    if path is None:
        return
    for name, entry in _outcomes.items():
        entry["uses"] = sorted(_used.get(name, ()))
    with open(path, "w") as f:
        json.dump(_outcomes, f, indent=1, sort_keys=True)
