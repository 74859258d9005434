"""``python -m skscale``: random and Bayesian search side by side on a bundled dataset.

The task is chosen so that what a model of the scores buys shows within
seconds: a small neural network trained by SGD for a few epochs, tuned over its
learning rate (log scale) and its momentum (reverse-log scale). With so few
epochs only a narrow band of (learning rate, momentum) pairs trains well, and
the best of them sit next to learning rates that diverge. Random search
spreads its candidates evenly over the whole space; Bayesian search, after a
handful of evaluations, spends most of its budget near the best scores so far.
Over seeds 0-19 it ended higher in 19 runs of 20 (see the README).
"""

import argparse
import time
import warnings

import numpy as np
from sklearn import datasets
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

from . import Continuous, ScaledSearchCV
from .strategies import STRATEGIES

DATASETS = {
    "digits": datasets.load_digits,
    "breast_cancer": datasets.load_breast_cancer,
    "wine": datasets.load_wine,
    "iris": datasets.load_iris,
}

HIDDEN_UNITS = 32
EPOCHS = 10
SPACE = {
    "mlp__learning_rate_init": Continuous(1e-5, 10.0, scaling="log"),
    "mlp__momentum": Continuous(0.5, 0.9999, scaling="reverse_log"),
}
COMPARED = ("random", "bayesian")
# Scores this close print alike at four decimals; calling one of them a win would mislead.
LEVEL = 5e-5


def build_parser():
    """The command line of the demo."""
    parser = argparse.ArgumentParser(
        prog="python -m skscale",
        description="Tune the learning rate (log scale) and momentum (reverse-log scale) "
        "of a small neural network trained by SGD, on a dataset bundled with scikit-learn. "
        "By default a random search and a Bayesian search run with the same budget and "
        "seed, and the demo reports when Bayesian search reached random search's best.",
    )
    parser.add_argument(
        "--strategy",
        choices=sorted(STRATEGIES),
        default=None,
        help="run this strategy alone instead of comparing random and Bayesian search",
    )
    parser.add_argument(
        "--n-iter", type=int, default=30, metavar="N", help="candidates per search (default: 30)"
    )
    parser.add_argument(
        "--dataset",
        choices=sorted(DATASETS),
        default="digits",
        help="bundled scikit-learn dataset (default: digits)",
    )
    parser.add_argument(
        "--n-jobs", type=int, default=None, metavar="N", help="joblib workers (default: one)"
    )
    parser.add_argument(
        "--cv", type=int, default=5, metavar="K", help="cross-validation folds (default: 5)"
    )
    parser.add_argument(
        "--random-state",
        type=int,
        default=0,
        metavar="SEED",
        help="seed of the train/test split, of the network's initial weights and of the "
        "searches (default: 0)",
    )
    parser.add_argument(
        "--batch-size",
        type=int,
        default=None,
        metavar="N",
        help="candidates per round (default: 1 for bayesian, all at once for random and grid)",
    )
    parser.add_argument(
        "--plot",
        metavar="FILE",
        default=None,
        help="save the best-so-far curves and where each search evaluated to this PNG file "
        "(needs matplotlib)",
    )
    return parser


def make_model(random_state):
    """The tuned pipeline: standardisation, then a one-hidden-layer network trained by SGD."""
    return Pipeline(
        [
            ("scale", StandardScaler()),
            (
                "mlp",
                MLPClassifier(
                    hidden_layer_sizes=(HIDDEN_UNITS,),
                    solver="sgd",
                    max_iter=EPOCHS,
                    random_state=random_state,
                ),
            ),
        ]
    )


def describe(strategy, n_iter, batch_size):
    """How a search of the demo picks its candidates, in words."""
    if strategy == "bayesian":
        per_round = "one candidate" if batch_size in (None, 1) else f"{batch_size} candidates"
        return f"{per_round} per round, proposed by a Gaussian-process model of the scores so far"
    if strategy == "random":
        what = f"{n_iter} independent draws, uniform on the scaled ranges"
    else:
        what = f"a grid of about {n_iter} evenly spaced points on the scaled ranges"
    rounds = "all submitted at once" if batch_size is None else f"in rounds of {batch_size}"
    return f"{what}, {rounds}"


def evaluations_to_reach(search, score):
    """How many evaluations ``search`` took to first score ``score`` or more (None if never)."""
    scores = np.asarray(search.cv_results_["mean_test_score"], dtype=np.float64)
    hits = np.flatnonzero(np.nan_to_num(scores, nan=-np.inf) >= score)
    return int(hits[0]) + 1 if hits.size else None


def comparison(random_search, bayes_search):
    """Sentences saying how the Bayesian search fared against the random search."""
    target = random_search.best_score_
    n_total = len(bayes_search.cv_results_["params"])
    reached = evaluations_to_reach(bayes_search, target - LEVEL)
    gap = bayes_search.best_score_ - target
    if reached is None:
        return (
            f"Bayesian search did not reach random search's best ({target:.4f}) within "
            f"{n_total} evaluations: in this run random search won, by {-gap:.4f}."
        )
    ending = f"ended {gap:.4f} higher" if gap >= LEVEL else "ended level with it"
    return (
        f"Bayesian search reached random search's best ({target:.4f}) after {reached} of "
        f"{n_total} evaluations, and {ending} ({bayes_search.best_score_:.4f})."
    )


def main(argv=None):
    """Run the demo searches, print what they found, and return them by strategy."""
    args = build_parser().parse_args(argv)
    X, y = DATASETS[args.dataset](return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.25, random_state=args.random_state, stratify=y
    )
    strategies = (args.strategy,) if args.strategy else COMPARED
    print(
        f"skscale demo: tune a neural network (one hidden layer of {HIDDEN_UNITS} units, "
        f"SGD for {EPOCHS} epochs) on the {args.dataset} dataset.\n"
        f"Search space: learning_rate_init {SPACE['mlp__learning_rate_init']}, "
        f"momentum {SPACE['mlp__momentum']}.\n"
        f"Each search: {args.n_iter} candidates scored by {args.cv}-fold cross-validated "
        f"accuracy on {len(X_train)} training samples, random_state={args.random_state}; "
        f"{len(X_test)} samples held out.",
        flush=True,
    )

    searches, times = {}, {}
    for strategy in strategies:
        search = ScaledSearchCV(
            make_model(args.random_state),
            SPACE,
            strategy=strategy,
            n_iter=args.n_iter,
            cv=args.cv,
            n_jobs=args.n_jobs,
            random_state=args.random_state,
            batch_size=args.batch_size,
            verbose=1,
        )
        how = describe(strategy, args.n_iter, args.batch_size)
        print(f"\n{strategy.capitalize()} search: {how}", flush=True)
        start = time.perf_counter()
        with warnings.catch_warnings():
            # Ten epochs rarely converge, by design; the warning would bury the progress.
            warnings.simplefilter("ignore", ConvergenceWarning)
            search.fit(X_train, y_train)
        times[strategy] = time.perf_counter() - start
        searches[strategy] = search

    print("\nsearch    | evaluations | best CV accuracy | held-out accuracy | time")
    for strategy, search in searches.items():
        print(
            f"{strategy:<9} | {len(search.cv_results_['params']):>11} | "
            f"{search.best_score_:>16.4f} | {search.score(X_test, y_test):>17.4f} | "
            f"{times[strategy]:.1f}s"
        )
    for strategy, search in searches.items():
        params = ", ".join(
            f"{name.removeprefix('mlp__')}={value:.4g}"
            for name, value in search.best_params_.items()
        )
        print(f"Best parameters of {strategy} search: {params}")
    if set(COMPARED) <= searches.keys():
        print(comparison(searches["random"], searches["bayesian"]))
        print(
            "One run is one sample: tuning runs vary from seed to seed, so compare a few "
            "--random-state values before drawing conclusions."
        )
    if args.plot:
        save_plot(searches, args.plot)
        print(f"Plot written to {args.plot}")
    return searches


def save_plot(searches, path):
    """Write :func:`comparison_figure` of ``searches`` to the PNG file ``path``."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig = comparison_figure(searches)
    fig.savefig(path, dpi=110)
    plt.close(fig)


def comparison_figure(searches):
    """The best-so-far curves, then the (learning rate, momentum) pairs of each search.

    Parameters
    ----------
    searches : dict
        Fitted searches of the demo, by strategy name.

    Returns
    -------
    fig : matplotlib Figure
    """
    import matplotlib.pyplot as plt

    from .plot import plot_convergence, plot_evaluations

    n = len(searches)
    fig, axes = plt.subplots(
        1, n + 1, figsize=(4.6 * (n + 1) + 1.0, 4.2), layout="constrained", squeeze=False
    )
    axes = list(axes[0])
    ax = plot_convergence(list(searches.values()), ax=axes[0], labels=list(searches))
    ax.set_ylabel("Best CV accuracy so far")
    ax.set_title("Convergence")
    if set(COMPARED) <= searches.keys():
        _mark_reach(ax, searches["random"], searches["bayesian"])
    plot_evaluations(
        list(searches.values()),
        "mlp__learning_rate_init",
        "mlp__momentum",
        axes=axes[1:],
    )
    return fig


def _mark_reach(ax, random_search, bayes_search):
    """Draw random search's final best and where Bayesian search first reached it."""
    target = random_search.best_score_
    ax.axhline(target, color="0.4", ls=":", lw=1, zorder=1)
    reached = evaluations_to_reach(bayes_search, target - LEVEL)
    if reached is not None:
        score = bayes_search.cv_results_["mean_test_score"][reached - 1]
        colour = next(
            line.get_color() for line in ax.get_lines() if line.get_label() == "bayesian"
        )
        ax.plot([reached], [score], "o", color=colour, ms=7, zorder=4)
        ax.annotate(
            f"reaches random's best\nafter {reached} evaluations",
            (reached, score),
            xytext=(12, -30),
            textcoords="offset points",
            fontsize="small",
            arrowprops={"arrowstyle": "-", "color": "0.4"},
        )


if __name__ == "__main__":
    main()
