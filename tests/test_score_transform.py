"""Score transforms and the EI threshold of the Bayesian strategy (issue 10, items 1-2)."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy.stats import norm

from skscale import Categorical, Continuous
from skscale.gp import fill_failed, power_transform, rank_transform, transform_scores
from skscale.space import SearchSpace
from skscale.strategies.bayesian import BayesianStrategy

finite_scores = st.lists(
    st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False), min_size=1, max_size=40
)


@pytest.mark.parametrize("transform", [rank_transform, power_transform])
@given(y=finite_scores)
def test_transforms_keep_the_order_and_are_finite(transform, y):
    y = np.array(y)
    z = transform(y)
    assert z.shape == y.shape and np.all(np.isfinite(z))
    order = np.argsort(y, kind="stable")
    assert np.all(np.diff(z[order]) >= -1e-9)  # non-decreasing in the score


def test_rank_transform_values_and_ties():
    z = rank_transform([3.0, 1.0, 2.0, 2.0])
    # ranks 4, 1, 2.5, 2.5 of n = 4
    np.testing.assert_allclose(z, norm.ppf((np.array([4, 1, 2.5, 2.5]) - 0.5) / 4))
    assert z[2] == z[3] and z[1] < z[2] < z[0]
    # Scale and location do not matter, only the order.
    np.testing.assert_allclose(rank_transform([300.0, -7.0, 0.1, 0.1]), z)


def test_power_transform_is_standardised_and_scale_free():
    rng = np.random.default_rng(0)
    y = -np.exp(rng.normal(size=30))  # skewed, like losses near zero
    z = power_transform(y)
    assert abs(z.mean()) < 1e-9 and abs(z.std() - 1) < 1e-9
    np.testing.assert_allclose(power_transform(1e4 * y + 5), z, atol=1e-6)
    # Tiny scales too: scores of order 1e-15 vary, they are not constant.
    np.testing.assert_allclose(power_transform(1e-15 * y), z, atol=1e-6)
    # Less skewed than the standardised scores.
    s = (y - y.mean()) / y.std()
    assert abs(np.mean(z**3)) < abs(np.mean(s**3))


@pytest.mark.parametrize("method", ["rank", "power"])
@pytest.mark.parametrize(
    "y", [[0.7] * 5, [0.7], [np.nan, np.nan], [0.7, np.nan, 0.7], [0.0] * 3, [1e-13] * 4]
)
def test_constant_or_failed_scores_give_zeros(method, y):
    np.testing.assert_array_equal(transform_scores(y, method), np.zeros(len(y)))


@pytest.mark.parametrize("method", [None, "rank", "power"])
def test_failures_tie_with_the_worst_finite_score(method):
    y = [0.5, np.nan, 0.9, -np.inf, 0.2, np.inf]
    z = transform_scores(y, method)
    assert np.all(np.isfinite(z))
    assert z[1] == z[3] == z[5] == z[4] == z.min()
    assert z[2] == z.max()
    np.testing.assert_array_equal(fill_failed(y), [0.5, 0.2, 0.9, 0.2, 0.2, 0.2])


def test_unknown_transform_is_rejected():
    with pytest.raises(ValueError, match="score_transform must be one of"):
        transform_scores([1.0], "log")


# ------------------------------------------------------------ the strategy


def _score(params):
    """A smooth function with its maximum 0 at x = 1e-2, y = 0.3 (log-scaled x)."""
    return -((np.log10(params["x"]) + 2) ** 2) - 4 * (params["y"] - 0.3) ** 2


SPACE = {"x": Continuous(1e-5, 1e1), "y": Continuous(0.0, 1.0)}


def _run(n_iter=20, seed=0, space=SPACE, score=_score, **switches):
    strategy = BayesianStrategy(
        SearchSpace(space), n_iter, np.random.RandomState(seed), **switches
    )
    params, scores = [], []
    for _ in range(n_iter):
        (candidate,) = strategy.ask(1)
        params.append(candidate)
        scores.append(score(candidate))
        strategy.tell([candidate], [scores[-1]])
    return strategy, params, np.array(scores)


@pytest.mark.parametrize(
    "switches",
    [
        dict(score_transform="rank"),
        dict(score_transform=None),
        dict(threshold="posterior_mean"),
        dict(score_transform="rank", threshold="posterior_mean"),
        dict(warping=False),
    ],
)
def test_each_switch_changes_proposals_and_still_finds_the_optimum(switches):
    _, default, _ = _run()
    _, params, _ = _run(**switches)
    assert params[:4] == default[:4]  # same initial design
    assert params != default  # the model-based proposals differ
    # Regret (the optimum is 0) over three seeds: a quarter of random search's at most.
    regret = np.mean([-_run(seed=s, **switches)[2].max() for s in range(3)])
    subspace = SearchSpace(SPACE).subspaces[0]
    rng = np.random.RandomState(0)
    random_regret = np.mean(
        [
            -max(_score(subspace.decode(u)) for u in subspace.random_points(20, rng))
            for _ in range(20)
        ]
    )
    assert regret < 0.25 * random_regret


def test_switch_values_are_checked():
    with pytest.raises(ValueError, match="score_transform must be one of"):
        BayesianStrategy(SearchSpace(SPACE), 10, np.random.RandomState(0), score_transform="rnk")
    with pytest.raises(ValueError, match="threshold must be one of"):
        BayesianStrategy(SearchSpace(SPACE), 10, np.random.RandomState(0), threshold="best")
    with pytest.raises(ValueError, match="kernel must be one of"):
        BayesianStrategy(SearchSpace(SPACE), 10, np.random.RandomState(0), kernel="rbf")


def test_posterior_mean_threshold_is_the_models_best_fitted_value():
    rng = np.random.default_rng(1)

    def noisy(params):
        return _score(params) + rng.normal(scale=0.3)

    # No score transform: the threshold is then in the scores' own units.
    strategy, _, scores = _run(
        n_iter=12, score=noisy, threshold="posterior_mean", score_transform=None
    )
    (model,) = strategy._models
    fitted = strategy._fit(0).predict(model.X)[0]
    assert strategy._incumbent() == pytest.approx(fitted.max())
    # The learned noise shrinks the luckiest score towards its neighbours.
    assert strategy._incumbent() < scores.max()


def test_global_transform_refits_every_subspace_on_new_data():
    space = [
        {"kind": Categorical(["a"]), **SPACE},
        {"kind": Categorical(["b"]), **SPACE},
    ]

    def score(params):
        return _score(params) - (0.5 if params["kind"] == "b" else 0.0)

    strategy, params, _ = _run(n_iter=10, space=space, score=score, score_transform="rank")
    a, b = strategy._models
    strategy._fit(0), strategy._fit(1)
    # New data in sub-space "b" only: "a"'s ranks change, so its model refits.
    before = a.gp
    new = dict(params[-1], kind="b", y=0.99)
    strategy.tell([new], [score(new)])
    assert strategy._fit(0) is not before
    # Targets are ranks over both sub-spaces: the best of all is the largest.
    targets = np.concatenate(strategy._targets())
    scores = np.concatenate([a.y, b.y])
    assert np.argmax(targets) == np.argmax(scores)
    np.testing.assert_allclose(targets, rank_transform(scores))
