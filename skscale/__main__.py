"""``python -m skscale``: a real search on a dataset that ships with scikit-learn."""

import argparse
import time

from sklearn import datasets
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC

from . import Continuous, ScaledSearchCV
from .strategies import STRATEGIES

DATASETS = {
    "digits": datasets.load_digits,
    "breast_cancer": datasets.load_breast_cancer,
    "wine": datasets.load_wine,
    "iris": datasets.load_iris,
}


def build_parser():
    """The command line of the demo."""
    parser = argparse.ArgumentParser(
        prog="python -m skscale",
        description="Tune an RBF SVC (log-scaled C and gamma) on a bundled dataset, "
        "showing progress, then report the best parameters and the held-out score.",
    )
    parser.add_argument("--strategy", choices=sorted(STRATEGIES), default="bayesian")
    parser.add_argument("--n-iter", type=int, default=25, help="candidates to evaluate")
    parser.add_argument("--dataset", choices=sorted(DATASETS), default="digits")
    parser.add_argument("--n-jobs", type=int, default=None, help="joblib workers")
    parser.add_argument("--cv", type=int, default=3, help="cross-validation folds")
    parser.add_argument("--random-state", type=int, default=0)
    parser.add_argument(
        "--batch-size",
        type=int,
        default=None,
        help="candidates per round (default: 1 for bayesian, all at once for random and grid)",
    )
    parser.add_argument(
        "--plot",
        metavar="FILE",
        default=None,
        help="save a convergence plot (best score so far) to this PNG file (needs matplotlib)",
    )
    return parser


def main(argv=None):
    """Run the demo search and print what it found."""
    args = build_parser().parse_args(argv)
    X, y = DATASETS[args.dataset](return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.25, random_state=args.random_state, stratify=y
    )
    search = ScaledSearchCV(
        make_pipeline(StandardScaler(), SVC()),
        {
            "svc__C": Continuous(1e-2, 1e4, scaling="log"),
            "svc__gamma": Continuous(1e-6, 1e0, scaling="log"),
        },
        strategy=args.strategy,
        n_iter=args.n_iter,
        cv=args.cv,
        n_jobs=args.n_jobs,
        random_state=args.random_state,
        batch_size=args.batch_size,
        verbose=1,
    )
    print(
        f"Searching {search.param_distributions} with strategy={args.strategy!r} "
        f"on {args.dataset} ({len(X_train)} training samples)...",
        flush=True,
    )
    start = time.perf_counter()
    search.fit(X_train, y_train)
    print(f"\nDone in {time.perf_counter() - start:.1f}s.")
    print(f"Best parameters: {search.best_params_}")
    print(f"Best cross-validated accuracy: {search.best_score_:.4f}")
    print(f"Held-out accuracy of the refitted best model: {search.score(X_test, y_test):.4f}")
    if args.plot:
        save_convergence_plot(search, args.plot)
        print(f"Convergence plot written to {args.plot}")
    return search


def save_convergence_plot(search, path):
    """Write the best-score-so-far curve of a fitted search to ``path``."""
    import matplotlib

    matplotlib.use("Agg")
    from .plot import plot_convergence

    ax = plot_convergence(search, labels=[search.strategy])
    ax.figure.savefig(path, dpi=120, bbox_inches="tight")


if __name__ == "__main__":
    main()
