"""Prints the pass rates of scikit-learn's search tests at the end of the run."""

from swap_plugin import SUMMARY_KEY


def pytest_terminal_summary(terminalreporter, config):
    lines = config.stash.get(SUMMARY_KEY, [])
    if lines:
        terminalreporter.section("scikit-learn's search tests with ScaledSearchCV")
        for line in lines:
            terminalreporter.write_line(line)
