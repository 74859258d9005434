"""Makes the sister suite's swap_plugin importable; prints the summary at the end."""

import sys
from pathlib import Path

# The stand-in and the role names come from the sister suite, also when this
# folder is run alone.
sys.path.insert(0, str(Path(__file__).parents[1] / "sklearn_search_suite"))

from gallery_harness import SUMMARY_KEY  # noqa: E402
from swap_plugin import write_summary  # noqa: E402


def pytest_terminal_summary(terminalreporter, config):
    title = "scikit-learn's gallery examples with ScaledSearchCV"
    write_summary(terminalreporter, config, SUMMARY_KEY, title)
