"""Prints the pass rates of scikit-learn's search tests at the end of the run."""

from swap_plugin import SUMMARY_KEY, write_summary


def pytest_terminal_summary(terminalreporter, config):
    write_summary(
        terminalreporter, config, SUMMARY_KEY, "scikit-learn's search tests with ScaledSearchCV"
    )
