"""The ``python -m skscale`` demo, run for real with a tiny budget."""

import warnings
from types import SimpleNamespace

import numpy as np
import pytest
from sklearn.exceptions import ConvergenceWarning

from skscale import ScaledSearchCV, SearchSpace
from skscale.__main__ import (
    SPACE,
    build_parser,
    comparison,
    comparison_figure,
    describe,
    evaluations_to_reach,
    main,
)

TINY = ["--dataset", "iris", "--n-iter", "4", "--cv", "2"]


def fake_search(*scores):
    scores = np.array(scores, dtype=float)
    return SimpleNamespace(
        cv_results_={"params": [{}] * len(scores), "mean_test_score": scores},
        best_score_=float(np.nanmax(scores)),
    )


def test_demo_compares_random_and_bayesian_search(capsys):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        searches = main(TINY)
    assert not [w for w in caught if issubclass(w.category, ConvergenceWarning)]
    assert list(searches) == ["random", "bayesian"]
    for strategy, search in searches.items():
        assert isinstance(search, ScaledSearchCV)
        assert search.strategy == strategy
        assert len(search.cv_results_["params"]) == 4
        assert search.random_state == 0
    out = capsys.readouterr().out
    # One progress line for random search's single round, one per Bayesian
    # round, and a summary line for each search. scikit-learn's "Fitting" line
    # announces random search's single round only.
    progress = [line for line in out.splitlines() if line.startswith("[skscale]")]
    assert len(progress) == 1 + 4 + 2
    assert sum(line.startswith("[skscale] done:") for line in progress) == 2
    assert out.count("Fitting") == 1
    assert (
        "Random search: 4 independent draws, uniform on the scaled ranges, all submitted at once"
        in out
    )
    assert "Bayesian search: one candidate per round" in out
    for strategy, search in searches.items():
        assert f"{strategy:<9} | {4:>11} | {search.best_score_:>16.4f} |" in out
    assert comparison(searches["random"], searches["bayesian"]) in out
    assert "--random-state" in out  # the reminder that one run is one sample


def test_demo_runs_one_strategy_alone(capsys):
    searches = main([*TINY, "--strategy", "random", "--random-state", "3"])
    assert list(searches) == ["random"]
    assert searches["random"].random_state == 3
    out = capsys.readouterr().out
    assert "Bayesian search" not in out
    assert "random search's best" not in out


def test_demo_plot_is_written(tmp_path, capsys):
    pytest.importorskip("matplotlib")
    path = tmp_path / "demo.png"
    main([*TINY, "--plot", str(path)])
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert f"Plot written to {path}" in capsys.readouterr().out


def test_comparison_figure_shows_both_curves_and_where_each_search_evaluated():
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    random_search = fake_search(0.2, 0.9, 0.95)
    bayes_search = fake_search(0.5, 0.96, 0.97)
    for search in (random_search, bayes_search):
        search.cv_results_["params"] = [
            {"mlp__learning_rate_init": lr, "mlp__momentum": m}
            for lr, m in [(1e-3, 0.9), (0.1, 0.99), (0.5, 0.7)]
        ]
        search.search_space_ = SearchSpace(SPACE)  # gives each axis its scaling
    fig = comparison_figure({"random": random_search, "bayesian": bayes_search})
    convergence, left, right = fig.axes[:3]
    curves = [line for line in convergence.get_lines() if line.get_drawstyle() == "steps-post"]
    np.testing.assert_allclose(curves[0].get_ydata(), [0.2, 0.9, 0.95])
    np.testing.assert_allclose(curves[1].get_ydata(), [0.5, 0.96, 0.97])
    low, high = convergence.get_ylim()
    assert 0.0 <= low and high <= 1.0  # accuracies: the axis never runs past 1
    # Random search's final best, and the Bayesian evaluation that first reached it.
    (reach,) = [line for line in convergence.get_lines() if line.get_marker() == "o"]
    assert (reach.get_xdata()[0], reach.get_ydata()[0]) == (2, 0.96)
    assert "after 2 evaluations" in convergence.texts[0].get_text()
    assert left.get_xscale() == right.get_xscale() == "log"
    assert left.get_yscale() == right.get_yscale() == "function"  # reverse-log momentum
    assert len(left.collections[0].get_offsets()) == 3
    plt.close(fig)


def test_evaluations_to_reach_counts_from_one_and_skips_failures():
    search = fake_search(np.nan, 0.5, 0.9, 0.95)
    assert evaluations_to_reach(search, 0.9) == 3
    assert evaluations_to_reach(search, 0.1) == 2
    assert evaluations_to_reach(search, 0.99) is None


@pytest.mark.parametrize(
    "bayes_scores, expected",
    [
        (
            (0.5, 0.92, 0.97),
            "reached random search's best (0.9200) after 2 of 3 evaluations, "
            "and ended 0.0500 higher (0.9700)",
        ),
        (
            (0.5, 0.6, 0.92),
            "reached random search's best (0.9200) after 3 of 3 evaluations, "
            "and ended level with it",
        ),
        (
            (0.5, 0.6, 0.91999),  # below random's best by less than the printed precision
            "reached random search's best (0.9200) after 3 of 3 evaluations, "
            "and ended level with it",
        ),
        (
            (0.5, 0.6, 0.91),
            "did not reach random search's best (0.9200) within 3 evaluations: "
            "in this run random search won, by 0.0100",
        ),
    ],
)
def test_comparison_says_what_happened_in_this_run(bayes_scores, expected):
    assert expected in comparison(fake_search(0.8, 0.92, 0.9), fake_search(*bayes_scores))


def test_demo_rejects_an_unknown_strategy(capsys):
    with pytest.raises(SystemExit):
        build_parser().parse_args(["--strategy", "genetic"])
    assert "invalid choice: 'genetic'" in capsys.readouterr().err


@pytest.mark.parametrize(
    "strategy, batch_size, expected",
    [
        (
            "random",
            None,
            "30 independent draws, uniform on the scaled ranges, all submitted at once",
        ),
        ("random", 5, "30 independent draws, uniform on the scaled ranges, in rounds of 5"),
        ("grid", None, "a grid of about 30 evenly spaced points"),
        ("bayesian", None, "one candidate per round"),
        ("bayesian", 4, "4 candidates per round"),
    ],
)
def test_each_search_is_described_with_its_batch_size(strategy, batch_size, expected):
    assert describe(strategy, 30, batch_size).startswith(expected)
