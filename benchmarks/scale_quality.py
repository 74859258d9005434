"""Quality and cost of skscale's Bayesian proposals past many observations.

    python benchmarks/scale_quality.py                 # scale features on (default)
    python benchmarks/scale_quality.py --baseline      # off: every proposal refits on all data
    python benchmarks/scale_quality.py --batch 10 --batch-rule believer   # the former batch rule

On hartmann-6d (the proposal-overhead problem), each seed first tells
``--random`` random observations, then asks ``--steps`` more candidates,
one at a time or in batches of ``--batch``, and scores them. Printed per
seed: the best score of the random points, the best after the proposals,
and the seconds spent in ask. ``--baseline`` sets the thresholds of the
scale features (``skscale.strategies.bayesian.SCALE_FROM`` and
``SUBSET_FROM``) beyond reach, which gives the proposals of the code
without them, so the two runs compare the features alone.
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import argparse  # noqa: E402
import json  # noqa: E402
import time  # noqa: E402
import warnings  # noqa: E402

from benchmarks.tasks.synthetic import PROBLEMS  # noqa: E402
from benchmarks.timing import OVERHEAD_PROBLEM, _random_history  # noqa: E402
from skscale.strategies.bayesian import BATCH_RULES  # noqa: E402


def run(seed, n_random, steps, batch, batch_rule=None):
    """Best random score, best final score and ask seconds for one seed."""
    from skscale import BayesianOptimizer

    problem = PROBLEMS[OVERHEAD_PROBLEM]
    opt = BayesianOptimizer(problem.space(), n_iter=n_random + steps, random_state=seed)
    if batch_rule is not None:
        opt._strategy.batch_rule = batch_rule
    params, scores = _random_history(n_random, seed)
    opt.tell(params, scores)
    best_random = max(scores)
    seconds = 0.0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for _ in range(0, steps, batch):
            start = time.perf_counter()
            asked = opt.ask(batch)
            seconds += time.perf_counter() - start
            opt.tell(asked, [-problem.value(p) for p in asked])
    return {"seed": seed, "best_random": best_random, "best": opt.best_score_,
            "ask_seconds": seconds}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--baseline", action="store_true",
                        help="scale features off (the proposals of the code without them)")
    parser.add_argument("--random", type=int, default=1000, help="random observations told")
    parser.add_argument("--steps", type=int, default=50, help="candidates asked after them")
    parser.add_argument("--batch", type=int, default=1, help="candidates per ask")
    parser.add_argument("--seeds", type=int, default=5, help="seeds 0..S-1")
    parser.add_argument("--batch-rule", choices=BATCH_RULES,
                        help="the Bayesian strategy's batch_rule (default: its default)")
    args = parser.parse_args(argv)
    if args.baseline:
        from skscale.strategies import bayesian

        bayesian.SCALE_FROM = bayesian.SUBSET_FROM = float("inf")
    for seed in range(args.seeds):
        print(json.dumps(run(seed, args.random, args.steps, args.batch, args.batch_rule)),
              flush=True)


if __name__ == "__main__":
    main()
