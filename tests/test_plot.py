"""The figures of skscale.plot, drawn for real from small fitted searches."""

import importlib
import sys
import warnings

import numpy as np
import pytest

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")  # non-interactive: no window, works without a display

import matplotlib.pyplot as plt  # noqa: E402
from sklearn.base import BaseEstimator  # noqa: E402
from sklearn.exceptions import NotFittedError  # noqa: E402

import skscale  # noqa: E402
import skscale.plot as plot_module  # noqa: E402
from skscale import (  # noqa: E402
    BayesianOptimizer,
    Categorical,
    Continuous,
    ScaledSearchCV,
    SearchSpace,
)
from skscale.plot import plot_convergence, plot_evaluations, plot_warping  # noqa: E402
from skscale.strategies.bayesian import Warping  # noqa: E402

X = np.zeros((8, 1))
CV = [(np.arange(4), np.arange(4, 8))]
SPACE = {
    "lr": Continuous(1e-4, 1.0, "log"),
    "momentum": Continuous(0.0, 0.999, "reverse_log"),
    "kind": Categorical(["sgd", "adam"]),
}


class Trainer(BaseEstimator):
    """A dummy model: best at lr = 1e-2 and momentum = 0.99; diverges for lr > 0.3."""

    def __init__(self, lr=0.1, momentum=0.5, kind="sgd"):
        self.lr, self.momentum, self.kind = lr, momentum, kind

    def fit(self, X, y=None):
        if self.lr > 0.3:
            raise ValueError("diverged")
        return self

    def score(self, X, y=None):
        penalty = 0.3 if self.kind == "sgd" else 0.0
        return -((np.log10(self.lr) + 2) ** 2) - (np.log10(1 - self.momentum) + 2) ** 2 - penalty


def fit_search(strategy="random", n_iter=8, random_state=0, **kwargs):
    search = ScaledSearchCV(
        Trainer(),
        SPACE,
        strategy=strategy,
        n_iter=n_iter,
        cv=CV,
        random_state=random_state,
        **kwargs,
    )
    # Failed fits warn; they are part of what the figures show.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return search.fit(X)


@pytest.fixture(scope="module")
def random_search():
    return fit_search("random", n_iter=12)


@pytest.fixture(scope="module")
def bayes_search():
    return fit_search("bayesian", n_iter=10)


@pytest.fixture(scope="module")
def replications():
    return {
        "random": [fit_search("random", n_iter=10, random_state=s) for s in range(3)],
        "grid": [fit_search("grid", n_iter=10, random_state=s) for s in range(2)],
    }


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def step_lines(ax):
    return [line for line in ax.get_lines() if line.get_drawstyle() == "steps-post"]


# -- matplotlib stays optional ----------------------------------------------


def test_skscale_plot_imports_without_matplotlib(monkeypatch):
    # None in sys.modules makes any import of matplotlib fail, as if it were not installed.
    for name in [m for m in sys.modules if m.split(".")[0] == "matplotlib"]:
        monkeypatch.setitem(sys.modules, name, None)
    monkeypatch.delitem(sys.modules, "skscale.plot")
    monkeypatch.setattr(skscale, "plot", plot_module)  # restored afterwards, as sys.modules
    fresh = importlib.import_module("skscale.plot")
    assert fresh is not plot_module
    with pytest.raises(ImportError, match=r"pip install skscale\[plot\]"):
        fresh.plot_warping({"C": Warping(2.0, 1.0)})


def test_missing_matplotlib_says_how_to_install(monkeypatch, random_search):
    monkeypatch.setitem(sys.modules, "matplotlib.pyplot", None)
    with pytest.raises(ImportError, match=r"pip install skscale\[plot\]"):
        plot_convergence(random_search)


# -- plot_convergence -------------------------------------------------------


def test_convergence_of_one_search_is_the_running_best(random_search):
    ax = plot_convergence(random_search)
    (line,) = ax.get_lines()
    scores = random_search.cv_results_["mean_test_score"]
    assert np.isnan(scores).any()  # lr > 0.3 failed: NaN must not break the running max
    expected = np.fmax.accumulate(scores)
    np.testing.assert_allclose(line.get_ydata(), expected)
    np.testing.assert_array_equal(line.get_xdata(), np.arange(1, len(scores) + 1))
    assert ax.get_xlabel() == "Number of evaluations"
    assert ax.get_ylabel() == "Best score so far"
    assert ax.get_legend() is None


def test_convergence_skips_failures_and_starts_at_first_success():
    results = {"params": [{}] * 5, "mean_test_score": np.array([np.nan, 1.0, np.nan, 0.5, 2.0])}
    (line,) = plot_convergence(results).get_lines()
    np.testing.assert_array_equal(line.get_ydata(), [np.nan, 1.0, 1.0, 1.0, 2.0])


def test_convergence_of_a_list_draws_one_labelled_curve_each(random_search, bayes_search):
    ax = plot_convergence([random_search, bayes_search])
    assert len(step_lines(ax)) == 2
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["random", "bayesian"]
    ax = plot_convergence([random_search, random_search], labels=["a", "b"])
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["a", "b"]


def test_convergence_draws_into_a_given_axes(random_search):
    fig, ax = plt.subplots()
    assert plot_convergence(random_search, ax=ax) is ax
    assert len(fig.axes) == 1


def test_replications_mean_and_std_band(replications):
    ax = plot_convergence(replications)
    lines = step_lines(ax)
    assert len(lines) == 2  # one mean curve per label, no single runs
    assert len(ax.collections) == 2  # one band each
    runs = np.vstack(
        [np.fmax.accumulate(s.cv_results_["mean_test_score"]) for s in replications["random"]]
    )
    np.testing.assert_allclose(lines[0].get_ydata(), np.nanmean(runs, axis=0))
    legend = ax.get_legend()
    assert legend.get_title().get_text() == "mean ± 1 std"
    assert [t.get_text() for t in legend.get_texts()] == ["random (3 runs)", "grid (2 runs)"]


def test_replications_quantiles_and_single_runs(replications):
    ax = plot_convergence(replications, band="quantiles", show_runs=True)
    lines = step_lines(ax)
    assert len(lines) == 2 + 3 + 2  # two medians, five thin single runs
    runs = np.vstack(
        [np.fmax.accumulate(s.cv_results_["mean_test_score"]) for s in replications["random"]]
    )
    np.testing.assert_allclose(lines[0].get_ydata(), np.nanmedian(runs, axis=0))
    assert lines[1].get_color() == lines[0].get_color()  # runs share their group's colour
    assert lines[1].get_linewidth() < lines[0].get_linewidth()
    assert ax.get_legend().get_title().get_text() == "median, 25–75 %"


def test_replications_without_band_and_of_unequal_length(random_search, bayes_search):
    with pytest.warns(UserWarning, match="cut to the shortest"):
        ax = plot_convergence({"mixed": [random_search, bayes_search]}, band=None)
    assert len(ax.collections) == 0
    n = min(len(random_search.cv_results_["params"]), len(bayes_search.cv_results_["params"]))
    assert len(step_lines(ax)[0].get_xdata()) == n


def results_of(*scores):
    return {"params": [{}] * len(scores), "mean_test_score": np.array(scores, dtype=float)}


def test_convergence_of_accuracies_stays_within_zero_and_one():
    # A flat line is padded 5% either side by autoscaling: past 1.0 without the cap.
    low, high = plot_convergence(results_of(0.9785, 0.95, 0.97)).get_ylim()
    assert 0.0 <= low < 0.9785 < high <= 1.0
    low, high = plot_convergence([results_of(0.02, 0.5), results_of(0.9, 1.0)]).get_ylim()
    assert (low, high) == (0.0, 1.0)


def test_convergence_band_of_accuracies_is_clipped_to_one():
    runs = {"near one": [results_of(0.6, 1.0), results_of(1.0, 1.0), results_of(0.2, 0.8)]}
    ax = plot_convergence(runs, band="std")
    (band,) = ax.collections
    tops = np.concatenate([path.vertices[:, 1] for path in band.get_paths()])
    assert tops.max() == pytest.approx(1.0)  # mean + std at step 2: 0.933 + 0.094 unclipped
    assert ax.get_ylim()[1] <= 1.0


def test_convergence_of_unbounded_scores_keeps_autoscaling():
    low, high = plot_convergence(results_of(-3.0, -1.0)).get_ylim()
    assert low < -3.0 and high > -1.0
    low, high = plot_convergence(results_of(0.5, 2.0)).get_ylim()
    assert low < 0.5 and high > 2.0


def test_convergence_with_several_metrics():
    results = {
        "params": [{}] * 3,
        "mean_test_acc": np.array([0.5, 0.7, 0.6]),
        "mean_test_f1": np.array([0.2, 0.1, 0.4]),
    }
    with pytest.raises(ValueError, match="several scores .*pass metric"):
        plot_convergence(results)
    ax = plot_convergence(results, metric="f1")
    np.testing.assert_allclose(ax.get_lines()[0].get_ydata(), [0.2, 0.2, 0.4])
    assert ax.get_ylabel() == "Best f1 so far"
    ax = plot_convergence(results, metric="mean_test_acc")
    np.testing.assert_allclose(ax.get_lines()[0].get_ydata(), [0.5, 0.7, 0.7])
    with pytest.raises(ValueError, match="metric='auc' is not a score"):
        plot_convergence(results, metric="auc")


def test_convergence_follows_the_refit_metric():
    search = ScaledSearchCV(
        Trainer(),
        {"lr": Continuous(1e-4, 0.1)},
        strategy="random",
        n_iter=4,
        cv=CV,
        random_state=0,
        scoring={"loss": lambda est, X, y=None: est.score(X), "one": lambda est, X, y=None: 1.0},
        refit="loss",
    ).fit(X)
    ax = plot_convergence(search)
    assert ax.get_ylabel() == "Best loss so far"
    np.testing.assert_allclose(
        ax.get_lines()[0].get_ydata(), np.maximum.accumulate(search.cv_results_["mean_test_loss"])
    )


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        ({"searches": Trainer()}, NotFittedError, r"searches \(Trainer\) is not fitted"),
        ({"searches": ScaledSearchCV(Trainer(), SPACE)}, ValueError, "not fitted"),
        ({"searches": 3}, TypeError, "searches must be a fitted search"),
        ({"searches": []}, ValueError, "searches is empty"),
        ({"searches": {"a": []}}, ValueError, r"searches\['a'\] is an empty list"),
        ({"band": "iqr"}, ValueError, "band must be"),
        ({"labels": ["a", "b"]}, ValueError, "labels has 2 entries for 1 searches"),
        ({"metric": 3}, TypeError, "metric must be a str"),
    ],
)
def test_convergence_errors(random_search, kwargs, error, match):
    kwargs = {"searches": [random_search], **kwargs}
    searches = kwargs.pop("searches")
    with pytest.raises(error, match=match):
        plot_convergence(searches, **kwargs)


def test_convergence_labels_not_allowed_with_a_dict(replications):
    with pytest.raises(ValueError, match="labels must be None when searches is a dict"):
        plot_convergence(replications, labels=["a", "b"])


# -- plot_evaluations -------------------------------------------------------


def test_evaluations_side_by_side_on_scaled_axes(random_search, bayes_search):
    fig = plot_evaluations([random_search, bayes_search], "lr", "momentum")
    panels = fig.axes[:2]
    assert len(fig.axes) == 3  # two panels and the shared colorbar
    assert fig.axes[2].get_ylabel() == "Mean test score"
    for ax, search in zip(panels, [random_search, bayes_search], strict=True):
        assert ax.get_xscale() == "log"
        assert ax.get_xlabel() == "lr (log scale)"
        assert ax.get_yscale() == "function"  # reverse log
        assert ax.get_ylabel() == "momentum (reverse log scale)"
        n = len(search.cv_results_["params"])
        assert ax.get_title() == f"{search.strategy} search, {n} evaluations"
        lo, hi = ax.get_xlim()
        assert lo < 1e-4 and 1.0 < hi < 2.0
    fig.canvas.draw()
    labels = [t.get_text() for t in panels[0].get_yticklabels()]
    assert labels == ["0", "0.9", "0.99", "0.999"]
    # Shared colour limits: both panels map the same score to the same colour.
    scored = [ax.collections[0] for ax in panels]
    assert scored[0].get_clim() == scored[1].get_clim()
    every = np.concatenate(
        [s.cv_results_["mean_test_score"] for s in (random_search, bayes_search)]
    )
    assert scored[0].get_clim() == (np.nanmin(every), np.nanmax(every))


def test_evaluations_points_failures_and_best(random_search):
    fig = plot_evaluations(random_search, "lr", "momentum")
    ax = fig.axes[0]
    results = random_search.cv_results_
    scores = results["mean_test_score"]
    ok = np.isfinite(scores)
    points, failed, best = ax.collections
    xy = np.array([[p["lr"], p["momentum"]] for p in results["params"]])
    np.testing.assert_allclose(points.get_offsets(), xy[ok])
    np.testing.assert_allclose(points.get_array(), scores[ok])
    np.testing.assert_allclose(failed.get_offsets(), xy[~ok])
    np.testing.assert_allclose(best.get_offsets(), xy[[np.nanargmax(scores)]])
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["failed", "best"]


def test_evaluations_categorical_axis_titles_and_given_axes(random_search):
    fig, axes = plt.subplots(1, 1)
    out = plot_evaluations([random_search], "kind", "lr", axes=axes, titles=["mine"], cmap="magma")
    assert out is fig
    ax = fig.axes[0]
    fig.canvas.draw()
    assert [t.get_text() for t in ax.get_xticklabels()] == ["sgd", "adam"]
    assert ax.get_xlim() == (-0.5, 1.5)
    assert ax.get_yscale() == "log"
    assert ax.get_title() == "mine"
    assert ax.collections[0].get_cmap().name == "magma"


def test_evaluations_of_cv_results_use_linear_axes(random_search):
    fig = plot_evaluations(random_search.cv_results_, "lr", "momentum")
    ax = fig.axes[0]
    assert ax.get_xscale() == ax.get_yscale() == "linear"
    assert ax.get_title().startswith("search 1")


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        ({"x": "nope"}, ValueError, r"x='nope' is not a parameter of searches\[0\].*kind, lr"),
        ({"y": "nope"}, ValueError, "y='nope' is not a parameter"),
        ({"y": "lr"}, ValueError, "x and y must name two different parameters"),
        ({"x": 1}, TypeError, "x must be a parameter name"),
        ({"titles": ["one"]}, ValueError, "titles has 1 entries for 2 searches"),
        ({"searches": []}, ValueError, "searches is empty"),
        ({"searches": [ScaledSearchCV(Trainer(), SPACE)]}, NotFittedError, "not fitted"),
    ],
)
def test_evaluations_errors(random_search, kwargs, error, match):
    arguments = {"searches": [random_search, random_search], "x": "lr", "y": "momentum"}
    arguments.update(kwargs)
    with pytest.raises(error, match=match):
        plot_evaluations(arguments.pop("searches"), arguments.pop("x"), **arguments)


def test_evaluations_needs_one_axes_per_search(random_search):
    _, ax = plt.subplots()
    with pytest.raises(ValueError, match="axes must hold 2 matplotlib Axes, got 1"):
        plot_evaluations([random_search, random_search], "lr", "momentum", axes=ax)


# -- plot_warping -----------------------------------------------------------


def test_warping_of_a_bayesian_search(bayes_search):
    fig = plot_warping(bayes_search)
    reference, *panels = fig.axes
    assert len(panels) == 2  # lr and momentum; the categorical kind is not warped
    assert reference.get_title() == "Fixed scalings"
    linear, log, reverse = reference.get_lines()
    u = linear.get_xdata()
    np.testing.assert_allclose(linear.get_ydata(), u)
    assert log.get_ydata()[40] > u[40] > reverse.get_ydata()[40]  # log bends up, reverse down
    for ax, name in zip(panels, ["lr", "momentum"], strict=True):
        learned, identity = ax.get_lines()
        warp = bayes_search.warping_[name]
        np.testing.assert_allclose(learned.get_ydata(), warp(learned.get_xdata()))
        np.testing.assert_allclose(identity.get_ydata(), identity.get_xdata())
        assert ax.get_title() == name
        assert ax.get_xlim() == ax.get_ylim() == (0.0, 1.0)
    assert panels[0].get_xlabel() == "u: log position in [0.0001, 1]"
    assert panels[1].get_xlabel() == "u: reverse-log position in [0, 0.999]"
    fig.canvas.draw()


def test_warping_of_a_dict_and_of_sub_spaces():
    fig = plot_warping({"C": Warping(2.0, 0.5), "gamma": (0.5, 3.0)})
    assert [ax.get_title() for ax in fig.axes] == ["Fixed scalings", "C", "gamma"]
    assert fig.axes[2].get_xlabel() == "u (unit position after scaling)"
    assert "a=0.5, b=3" in fig.axes[2].get_legend().get_texts()[0].get_text()

    space = SearchSpace([{"C": Continuous(1e-2, 1e2)}, {"alpha": Continuous(0.0, 1.0)}])
    fig = plot_warping([{"C": Warping(1, 1)}, {"alpha": Warping(3, 1)}], search_space=space)
    titles = [ax.get_title() for ax in fig.axes]
    assert titles == ["Fixed scalings", "C (sub-space 0)", "alpha (sub-space 1)"]
    assert fig.axes[1].get_xlabel() == "u: log position in [0.01, 100]"


def test_warping_grid_layout_and_given_axes():
    warpings = {f"p{i}": Warping(1.0 + i, 1.0) for i in range(5)}
    fig = plot_warping(warpings)
    assert len(fig.axes) == 6  # the two unused cells of the 2 x 4 grid are removed
    fig, axes = plt.subplots(1, 3)
    out = plot_warping({"a": Warping(2, 2), "b": Warping(1, 1)}, axes=axes)
    assert out is fig and all(len(ax.get_lines()) in (2, 3) for ax in axes)
    with pytest.raises(ValueError, match="axes must hold 3 matplotlib Axes, got 2"):
        plot_warping({"a": Warping(2, 2), "b": Warping(1, 1)}, axes=axes[:2])


def test_warping_of_a_bayesian_optimizer():
    opt = BayesianOptimizer({"x": Continuous(1e-3, 1.0)}, n_iter=5, random_state=0)
    for _ in range(5):
        batch = opt.ask()
        opt.tell(batch, [-abs(np.log10(p["x"]) + 1) for p in batch])
    fig = plot_warping(opt)
    assert fig.axes[1].get_xlabel() == "u: log position in [0.001, 1]"


@pytest.mark.parametrize(
    "warping, kwargs, error, match",
    [
        ("random", {}, ValueError, r"strategy='random'\) learned no warping"),
        (ScaledSearchCV(Trainer(), SPACE), {}, NotFittedError, "not fitted"),
        (3.0, {}, TypeError, "warping must be a fitted Bayesian search"),
        ({}, {}, ValueError, "no numeric parameter"),
        ([], {}, ValueError, "warping is an empty list"),
        ({"C": "steep"}, {}, TypeError, r"warping\['C'\] must be a Warping"),
        ({"C": (0.0, 1.0)}, {}, ValueError, "positive finite"),
        ([{"C": (1, 1)}, 3], {}, TypeError, r"warping\[1\] must be a dict"),
        ({"C": (1, 1)}, {"search_space": {"C": 1}}, TypeError, "search_space must be"),
        (
            {"C": (1, 1)},
            {"search_space": SearchSpace([{"C": [1]}, {"C": [2]}])},
            ValueError,
            "2 sub-spaces but warping has 1",
        ),
    ],
)
def test_warping_errors(random_search, warping, kwargs, error, match):
    warping = random_search if warping == "random" else warping
    with pytest.raises(error, match=match):
        plot_warping(warping, **kwargs)
