"""ScaledSearchCV behaves like scikit-learn's own searches.

First scikit-learn's estimator checks, run on searches configured as
scikit-learn configures ``RandomizedSearchCV`` for its own common tests; then
the behaviours users rely on in ``RandomizedSearchCV``/``GridSearchCV``,
compared with them on the same candidates where that makes sense.
"""

import numpy as np
import pandas as pd
import pytest
import sklearn
from scipy.stats import rankdata
from sklearn.base import BaseEstimator, is_classifier, is_regressor
from sklearn.datasets import load_iris, make_regression
from sklearn.decomposition import PCA
from sklearn.exceptions import UnsetMetadataPassedError
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.model_selection import (
    GridSearchCV,
    GroupKFold,
    KFold,
    RandomizedSearchCV,
)
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC
from sklearn.utils.estimator_checks import parametrize_with_checks

from skscale import Categorical, Continuous, Integer, ScaledSearchCV
from skscale.strategies import BayesianStrategy

try:  # Tags objects and get_tags arrived in scikit-learn 1.6
    from sklearn.utils import get_tags
except ImportError:
    get_tags = None
needs_get_tags = pytest.mark.skipif(
    get_tags is None, reason="scikit-learn < 1.6 has no get_tags (Tags objects came in 1.6)"
)

STRATEGIES = ["random", "grid", "bayesian"]

X_IRIS, Y_IRIS = load_iris(return_X_y=True)
X_IRIS, Y_IRIS = X_IRIS[::2], Y_IRIS[::2]  # 75 samples, 3 classes
X_REG, Y_REG = make_regression(n_samples=60, n_features=4, noise=5.0, random_state=0)


def fast_logistic():
    # newton-cholesky: the same model as the default lbfgs, several times faster here.
    return LogisticRegression(solver="newton-cholesky")


# -- scikit-learn's estimator checks ----------------------------------------------


def check_instances(slow):
    """Searches as scikit-learn builds RandomizedSearchCV for its common tests."""
    common = dict(cv=2, error_score="raise", random_state=0)
    fast = [
        ScaledSearchCV(
            Ridge(), {"alpha": Continuous(1e-2, 1e2)}, strategy="random", n_iter=3, **common
        ),
        # n_iter=4 > the initial design of 3: every fit also fits the model once.
        ScaledSearchCV(
            fast_logistic(), {"C": Continuous(1e-2, 1e2)}, strategy="bayesian", n_iter=4, **common
        ),
        ScaledSearchCV(
            Pipeline([("pca", PCA()), ("ridge", Ridge())]),
            {"ridge__alpha": Continuous(1e-2, 1e2)},
            strategy="bayesian",
            n_iter=4,
            batch_size=2,
            **common,
        ),
    ]
    more = [
        ScaledSearchCV(
            Ridge(), {"alpha": Continuous(1e-2, 1e2)}, strategy="bayesian", n_iter=4, **common
        ),
        ScaledSearchCV(
            fast_logistic(), {"C": Continuous(1e-2, 1e2)}, strategy="random", n_iter=3, **common
        ),
        ScaledSearchCV(
            Pipeline([("pca", PCA()), ("lr", fast_logistic())]),
            {"lr__C": Continuous(1e-2, 1e2)},
            strategy="random",
            n_iter=3,
            **common,
        ),
        ScaledSearchCV(LogisticRegression(), {"C": [0.1, 1.0]}, strategy="grid", **common),
    ]
    return more if slow else fast


def expected_failed_checks(estimator):
    """Checks that do not apply to a search meta-estimator, with the reason."""
    if get_tags(estimator.estimator).target_tags.multi_output:
        return {
            # A multi-output regressor (Ridge) accepts a column-vector y silently,
            # but BaseSearchCV.__sklearn_tags__ does not pass target_tags.multi_output
            # on, so the check expects a DataConversionWarning that cannot come.
            # scikit-learn lists this check as an expected failure of its own
            # RandomizedSearchCV/GridSearchCV ("DataConversionWarning not caught").
            "check_supervised_y_2d": "multi_output tag not delegated by BaseSearchCV",
        }
    return {}


def parametrize_checks(instances):
    """scikit-learn's estimator checks on ``instances``, expected failures marked."""
    if get_tags is None:
        # scikit-learn < 1.6 takes no expected_failed_checks: BaseSearchCV marks
        # check_supervised_y_2d as an expected failure through its _xfail_checks tag.
        return parametrize_with_checks(instances)
    return parametrize_with_checks(
        instances, expected_failed_checks=expected_failed_checks, xfail_strict=True
    )


def skip_where_sklearn_skips_its_searches(check):
    """Skip what scikit-learn < 1.6 skips for RandomizedSearchCV too.

    There check_parameters_default_constructible builds the estimator from its
    class with no arguments, and skips classes listing ``_required_parameters``
    as its searches do; scikit-learn 1.6 builds it from the given instance.
    """
    name = getattr(check, "func", check).__name__
    if get_tags is None and name == "check_parameters_default_constructible":
        pytest.skip("scikit-learn < 1.6 cannot build a search without param_distributions")


@parametrize_checks(check_instances(slow=False))
def test_sklearn_estimator_checks(estimator, check):
    skip_where_sklearn_skips_its_searches(check)
    check(estimator)


@pytest.mark.slow
@parametrize_checks(check_instances(slow=True))
def test_sklearn_estimator_checks_more_instances(estimator, check):
    skip_where_sklearn_skips_its_searches(check)
    check(estimator)


# -- small dummies whose behaviour is known exactly -------------------------------


class Boom(RuntimeError):
    """The exception a failing dummy raises."""


class Dummy(BaseEstimator):
    """Score from a lookup table; records what fit saw.

    ``score`` returns ``table[k]``; fit raises ``Boom`` when ``k`` is in
    ``fail_on``; it records the sum of the sample weights it got (-1 for none)
    and the groups of its training rows (column 0 of X).
    """

    def __init__(self, k=0, table=(0.0,), fail_on=()):
        self.k, self.table, self.fail_on = k, table, fail_on

    def fit(self, X, y=None, sample_weight=None):
        if self.k in self.fail_on:
            raise Boom(f"k={self.k} fails")
        self.weight_sum_ = -1.0 if sample_weight is None else float(np.sum(sample_weight))
        self.train_groups_ = set(np.asarray(X)[:, 0].tolist())
        return self

    def score(self, X, y=None, sample_weight=None):
        return self.table[self.k]


class WeightScore(Dummy):
    """Scores the sum of the training sample weights."""

    def score(self, X, y=None, sample_weight=None):
        return self.weight_sum_


class GroupLeak(Dummy):
    """Scores 1 when no test row shares a group with a training row, else 0."""

    def score(self, X, y=None, sample_weight=None):
        return float(not set(np.asarray(X)[:, 0].tolist()) & self.train_groups_)


X_DUMMY = np.repeat(np.arange(12.0), 2)[:, None]  # column 0: 12 groups of 2 rows
Y_DUMMY = np.zeros(len(X_DUMMY))


def search_of(strategy, estimator, space, **kwargs):
    options = dict(strategy=strategy, n_iter=4, cv=2, random_state=0)
    options.update(kwargs)
    return ScaledSearchCV(estimator, space, **options)


# -- tags, classes_, n_features_in_ ------------------------------------------------


WRAPPED = pytest.mark.parametrize(
    "estimator, space, kind",
    [
        (fast_logistic(), {"C": [1.0]}, "classifier"),
        (make_pipeline(StandardScaler(), SVC()), {"svc__C": [1.0]}, "classifier"),
        (Ridge(), {"alpha": [1.0]}, "regressor"),
        (PCA(), {"n_components": [1]}, None),
    ],
    ids=["logistic", "pipeline", "ridge", "pca"],
)


@WRAPPED
def test_estimator_type_follows_the_wrapped_estimator(estimator, space, kind):
    ours = ScaledSearchCV(estimator, space)
    assert is_classifier(ours) == (kind == "classifier")
    assert is_regressor(ours) == (kind == "regressor")
    theirs = RandomizedSearchCV(estimator, space)
    assert (is_classifier(ours), is_regressor(ours)) == (
        is_classifier(theirs),
        is_regressor(theirs),
    )


@needs_get_tags
@WRAPPED
def test_tags_follow_the_wrapped_estimator(estimator, space, kind):
    ours = ScaledSearchCV(estimator, space)
    tags = get_tags(ours)
    assert tags.estimator_type == kind
    assert (tags.classifier_tags is not None) == (kind == "classifier")
    assert (tags.regressor_tags is not None) == (kind == "regressor")
    assert tags == get_tags(RandomizedSearchCV(estimator, space))


@pytest.mark.parametrize("strategy", STRATEGIES)
def test_classes_n_features_and_feature_names(strategy):
    labels = np.array(["setosa", "versicolor", "virginica"])[Y_IRIS]
    frame = pd.DataFrame(X_IRIS, columns=["a", "b", "c", "d"])
    search = search_of(strategy, fast_logistic(), {"C": Continuous(1e-2, 1e2)})
    assert not hasattr(search, "n_features_in_") and not hasattr(search, "classes_")
    search.fit(frame, labels)
    np.testing.assert_array_equal(search.classes_, ["setosa", "versicolor", "virginica"])
    assert search.n_features_in_ == 4
    np.testing.assert_array_equal(search.feature_names_in_, ["a", "b", "c", "d"])
    assert set(search.predict(frame)) <= set(labels)


# -- delegation ---------------------------------------------------------------------


@pytest.mark.parametrize("strategy", STRATEGIES)
def test_classifier_methods_delegate_to_best_estimator(strategy):
    search = search_of(strategy, fast_logistic(), {"C": Continuous(1e-2, 1e2)})
    search.fit(X_IRIS, Y_IRIS)
    best = search.best_estimator_
    for method in ["predict", "predict_proba", "predict_log_proba", "decision_function"]:
        np.testing.assert_array_equal(
            getattr(search, method)(X_IRIS), getattr(best, method)(X_IRIS)
        )
    assert search.score(X_IRIS, Y_IRIS) == best.score(X_IRIS, Y_IRIS)
    for missing in ["transform", "inverse_transform", "score_samples"]:
        assert not hasattr(search, missing)
        with pytest.raises(AttributeError):
            getattr(search, missing)(X_IRIS)


@pytest.mark.parametrize("strategy", STRATEGIES)
def test_transformer_methods_delegate_to_best_estimator(strategy):
    search = search_of(strategy, PCA(), {"n_components": Integer(1, 3)}, n_iter=3)
    search.fit(X_REG)  # unsupervised: PCA.score is the average log-likelihood
    best = search.best_estimator_
    Z = search.transform(X_REG)
    np.testing.assert_array_equal(Z, best.transform(X_REG))
    assert Z.shape == (len(X_REG), search.best_params_["n_components"])
    np.testing.assert_array_equal(search.inverse_transform(Z), best.inverse_transform(Z))
    np.testing.assert_array_equal(search.score_samples(X_REG), best.score_samples(X_REG))
    for missing in ["predict", "predict_proba", "decision_function"]:
        assert not hasattr(search, missing)
        with pytest.raises(AttributeError):
            getattr(search, missing)(X_REG)


def test_regressor_lacks_classifier_methods():
    search = search_of("bayesian", Ridge(), {"alpha": Continuous(1e-2, 1e2)}).fit(X_REG, Y_REG)
    np.testing.assert_array_equal(search.predict(X_REG), search.best_estimator_.predict(X_REG))
    for missing in ["predict_proba", "decision_function", "transform"]:
        assert not hasattr(search, missing)
        with pytest.raises(AttributeError, match=missing):
            getattr(search, missing)(X_REG)


@pytest.mark.parametrize("strategy", STRATEGIES)
def test_refit_false_has_no_prediction_methods(strategy):
    search = search_of(strategy, fast_logistic(), {"C": Continuous(1e-2, 1e2)}, refit=False)
    search.fit(X_IRIS, Y_IRIS)
    assert not hasattr(search, "best_estimator_")
    assert search.best_params_ == search.cv_results_["params"][search.best_index_]
    for method in ["predict", "predict_proba", "decision_function", "score_samples"]:
        assert not hasattr(search, method)
        with pytest.raises(AttributeError, match=method) as raised:
            getattr(search, method)(X_IRIS)
        # As in scikit-learn, the cause names refit=False (available_if wraps it).
        assert "refit=False" in str(raised.value.__cause__)


# -- scoring and refit ------------------------------------------------------------------

SCORING = {"acc": "accuracy", "bal": "balanced_accuracy", "nll": "neg_log_loss"}


@pytest.mark.parametrize("strategy", STRATEGIES)
def test_multimetric_refit_by_name(strategy):
    search = search_of(
        strategy, fast_logistic(), {"C": Continuous(1e-3, 1e2)}, scoring=SCORING, refit="nll"
    ).fit(X_IRIS, Y_IRIS)
    results = search.cv_results_
    assert search.multimetric_ and set(search.scorer_) == set(SCORING)
    for name in SCORING:
        for key in [f"mean_test_{name}", f"std_test_{name}", "split0_test_" + name]:
            assert results[key].dtype == np.float64
        assert results[f"rank_test_{name}"].dtype == np.int32
    assert search.best_index_ == np.argmin(results["rank_test_nll"])
    assert search.best_score_ == results["mean_test_nll"][search.best_index_]
    assert search.best_score_ == results["mean_test_nll"].max()
    assert search.best_estimator_.C == search.best_params_["C"]


@pytest.mark.parametrize("strategy", STRATEGIES)
def test_multimetric_refit_callable_and_false(strategy):
    def most_balanced(results):
        return int(np.argmax(results["mean_test_bal"] - results["std_test_bal"]))

    space = {"C": Continuous(1e-3, 1e2)}
    search = search_of(strategy, fast_logistic(), space, scoring=SCORING, refit=most_balanced)
    search.fit(X_IRIS, Y_IRIS)
    assert search.best_index_ == most_balanced(search.cv_results_)
    assert not hasattr(search, "best_score_")
    assert search.best_estimator_.C == search.best_params_["C"]

    no_refit = search_of(strategy, fast_logistic(), space, scoring=SCORING, refit=False)
    no_refit.fit(X_IRIS, Y_IRIS)
    assert "mean_test_acc" in no_refit.cv_results_
    for name in ["best_estimator_", "best_index_", "best_score_", "best_params_"]:
        assert not hasattr(no_refit, name)


@pytest.mark.parametrize("strategy", STRATEGIES)
def test_multimetric_refit_true_is_an_error(strategy):
    search = search_of(strategy, fast_logistic(), {"C": Continuous(1e-3, 1e2)}, scoring=SCORING)
    with pytest.raises(ValueError, match="For multi-metric scoring, the parameter refit"):
        search.fit(X_IRIS, Y_IRIS)


@pytest.mark.parametrize("strategy", STRATEGIES)
def test_single_metric_refit_true(strategy):
    search = search_of(strategy, fast_logistic(), {"C": Continuous(1e-3, 1e2)}, scoring="f1_macro")
    search.fit(X_IRIS, Y_IRIS)
    assert not search.multimetric_
    assert search.best_score_ == search.cv_results_["mean_test_score"].max()
    assert search.best_estimator_.get_params()["C"] == search.best_params_["C"]
    assert search.refit_time_ >= 0 and search.n_splits_ == 2


@pytest.mark.parametrize(
    "refit, guide",
    [("nll", "nll"), ("acc", "acc"), (False, "acc"), (lambda r: 0, "acc")],
    ids=["refit-nll", "refit-acc", "refit-false", "refit-callable"],
)
def test_bayesian_is_guided_by_the_refit_metric(monkeypatch, refit, guide):
    # Documented: the strategy follows the metric named by refit, else the first sorted.
    told = []
    original = BayesianStrategy.tell

    def spy(self, candidates, scores):
        told.extend(scores.tolist())
        return original(self, candidates, scores)

    monkeypatch.setattr(BayesianStrategy, "tell", spy)
    search = search_of(
        "bayesian", fast_logistic(), {"C": Continuous(1e-3, 1e2)}, scoring=SCORING, refit=refit
    ).fit(X_IRIS, Y_IRIS)
    np.testing.assert_array_equal(told, search.cv_results_[f"mean_test_{guide}"])


def test_grid_on_lists_matches_gridsearchcv():
    grid = {"C": [0.01, 0.1, 1.0], "fit_intercept": [True, False]}
    options = dict(scoring=SCORING, refit="bal", cv=3, return_train_score=True)
    ours = ScaledSearchCV(fast_logistic(), grid, strategy="grid", **options)
    theirs = GridSearchCV(fast_logistic(), grid, **options)
    weights = np.linspace(0.5, 2.0, len(Y_IRIS))
    ours.fit(X_IRIS, Y_IRIS, sample_weight=weights)
    theirs.fit(X_IRIS, Y_IRIS, sample_weight=weights)
    assert ours.cv_results_["params"] == theirs.cv_results_["params"]
    assert set(ours.cv_results_) == set(theirs.cv_results_)
    for key, value in theirs.cv_results_.items():
        if "time" in key or key == "params":
            continue
        np.testing.assert_array_equal(ours.cv_results_[key], value, err_msg=key)
        assert type(ours.cv_results_[key]) is type(value) and ours.cv_results_[key].dtype == (
            value.dtype
        )
    assert ours.best_index_ == theirs.best_index_ and ours.best_score_ == theirs.best_score_
    np.testing.assert_array_equal(ours.predict_proba(X_IRIS), theirs.predict_proba(X_IRIS))


def test_random_on_lists_evaluates_what_randomizedsearchcv_evaluates():
    lists = {"C": [0.01, 0.1, 1.0], "fit_intercept": [True, False]}
    ours = ScaledSearchCV(fast_logistic(), lists, strategy="random", n_iter=6, cv=3)
    theirs = RandomizedSearchCV(fast_logistic(), lists, n_iter=6, cv=3, random_state=0)
    ours.set_params(random_state=0).fit(X_IRIS, Y_IRIS)
    theirs.fit(X_IRIS, Y_IRIS)

    def by_params(search):
        results = search.cv_results_
        order = sorted(range(6), key=lambda i: sorted(results["params"][i].items()))
        return [results["params"][i] for i in order], results["mean_test_score"][order]

    ours_params, ours_scores = by_params(ours)
    theirs_params, theirs_scores = by_params(theirs)
    assert ours_params == theirs_params  # the whole space, each candidate once
    np.testing.assert_array_equal(ours_scores, theirs_scores)
    assert ours.best_score_ == theirs.best_score_


# -- error_score ------------------------------------------------------------------------


@pytest.mark.parametrize("strategy", STRATEGIES)
def test_error_score_raise_propagates_the_estimators_exception(strategy):
    space = {"k": Categorical([0, 1, 2, 3])}
    search = search_of(
        strategy, Dummy(table=(0, 1, 2, 3), fail_on=(0, 1, 2, 3)), space, error_score="raise"
    )
    with pytest.raises(Boom, match="fails"):
        search.fit(X_DUMMY, Y_DUMMY)


@pytest.mark.parametrize("strategy", ["random", "grid"])
@pytest.mark.filterwarnings("ignore::sklearn.exceptions.FitFailedWarning")
def test_error_score_number_matches_sklearn(strategy):
    table = (0.1, 0.9, 0.5, 0.3)
    space = {"k": [0, 1, 2, 3]}
    estimator = Dummy(table=table, fail_on=(1,))
    ours = search_of(strategy, estimator, space, error_score=-5.0).fit(X_DUMMY, Y_DUMMY)
    theirs = GridSearchCV(estimator, space, cv=2, error_score=-5.0).fit(X_DUMMY, Y_DUMMY)
    order = [p["k"] for p in ours.cv_results_["params"]]
    for key in ["split0_test_score", "split1_test_score", "mean_test_score", "rank_test_score"]:
        np.testing.assert_array_equal(
            ours.cv_results_[key], theirs.cv_results_[key][order], err_msg=key
        )
    failed = order.index(1)
    assert ours.cv_results_["mean_test_score"][failed] == -5.0
    assert ours.best_params_ == {"k": 2}


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.FitFailedWarning")
def test_error_score_number_bayesian():
    space = {"k": Categorical([0, 1, 2, 3])}
    ours = search_of(
        "bayesian",
        Dummy(table=(0.1, 0.9, 0.5, 0.3), fail_on=(1,)),
        space,
        error_score=-5.0,
        batch_size=4,
    )
    ours.fit(X_DUMMY, Y_DUMMY)
    scores = dict(
        zip(
            [p["k"] for p in ours.cv_results_["params"]],
            ours.cv_results_["mean_test_score"],
            strict=True,
        )
    )
    assert scores == {0: 0.1, 1: -5.0, 2: 0.5, 3: 0.3}
    assert ours.best_params_ == {"k": 2}


# -- return_train_score -----------------------------------------------------------------


@pytest.mark.parametrize("strategy", STRATEGIES)
def test_return_train_score(strategy):
    space = {"C": Continuous(1e-3, 1e2)}
    without = search_of(strategy, fast_logistic(), space).fit(X_IRIS, Y_IRIS)
    assert not any("train" in key for key in without.cv_results_)
    search = search_of(strategy, fast_logistic(), space, return_train_score=True)
    search.fit(X_IRIS, Y_IRIS)
    results = search.cv_results_
    assert results["params"] == without.cv_results_["params"]
    for key in ["split0_train_score", "split1_train_score", "mean_train_score", "std_train_score"]:
        assert results[key].dtype == np.float64 and results[key].shape == (4,)
    assert "split2_train_score" not in results and "rank_train_score" not in results
    np.testing.assert_allclose(
        results["mean_train_score"],
        (results["split0_train_score"] + results["split1_train_score"]) / 2,
    )
    # Training accuracy of a regularised linear model is at least as high as test accuracy
    # on average: a sanity check that the two are not swapped.
    assert results["mean_train_score"].mean() >= results["mean_test_score"].mean()


# -- fit parameters and metadata routing -------------------------------------------------


def expected_weight_sums(weights, n_splits=2):
    folds = np.array_split(np.arange(len(weights)), n_splits)
    return np.mean([weights.sum() - weights[fold].sum() for fold in folds])


@pytest.mark.parametrize("strategy", STRATEGIES)
def test_fit_params_reach_the_estimator(strategy):
    weights = np.arange(1.0, len(Y_DUMMY) + 1)
    search = search_of(strategy, WeightScore(), {"k": Categorical([0, 1])}, n_iter=2)
    search.fit(X_DUMMY, Y_DUMMY, sample_weight=weights)
    np.testing.assert_allclose(
        search.cv_results_["mean_test_score"], expected_weight_sums(weights)
    )
    assert search.best_estimator_.weight_sum_ == weights.sum()  # the refit got them too
    unweighted = search_of(strategy, WeightScore(), {"k": Categorical([0, 1])}, n_iter=2)
    assert np.all(unweighted.fit(X_DUMMY, Y_DUMMY).cv_results_["mean_test_score"] == -1.0)


@pytest.mark.parametrize("strategy", STRATEGIES)
def test_metadata_routing(strategy):
    weights = np.arange(1.0, len(Y_DUMMY) + 1)
    space = {"k": Categorical([0, 1])}
    with sklearn.config_context(enable_metadata_routing=True):
        requested = WeightScore().set_fit_request(sample_weight=True)
        requested.set_score_request(sample_weight=False)
        search = search_of(strategy, requested, space, n_iter=2)
        search.fit(X_DUMMY, Y_DUMMY, sample_weight=weights)
        np.testing.assert_allclose(
            search.cv_results_["mean_test_score"], expected_weight_sums(weights)
        )
        assert search.best_estimator_.weight_sum_ == weights.sum()

        # Declined by every consumer, or never requested: errors, as in scikit-learn.
        declined = WeightScore().set_fit_request(sample_weight=False)
        declined.set_score_request(sample_weight=False)
        for search in [
            search_of(strategy, declined, space, n_iter=2),
            RandomizedSearchCV(declined, space, n_iter=2, cv=2),
        ]:
            with pytest.raises(TypeError, match="not routed to any object"):
                search.fit(X_DUMMY, Y_DUMMY, sample_weight=weights)
        for search in [
            search_of(strategy, WeightScore(), space, n_iter=2),
            RandomizedSearchCV(WeightScore(), space, n_iter=2, cv=2),
        ]:
            with pytest.raises(UnsetMetadataPassedError, match="sample_weight"):
                search.fit(X_DUMMY, Y_DUMMY, sample_weight=weights)


@pytest.mark.parametrize("routing", [False, True], ids=["legacy", "routing"])
@pytest.mark.parametrize("strategy", STRATEGIES)
def test_groups_reach_a_group_aware_splitter(strategy, routing):
    groups = X_DUMMY[:, 0]
    space = {"k": Categorical([0, 1, 2])}
    with sklearn.config_context(enable_metadata_routing=routing):
        search = search_of(strategy, GroupLeak(), space, n_iter=3, cv=GroupKFold(3))
        search.fit(X_DUMMY, Y_DUMMY, groups=groups)
        splits = [search.cv_results_[f"split{i}_test_score"] for i in range(3)]
        assert np.all(np.array(splits) == 1.0)  # no group on both sides of any split
        # The same check does catch a leak: shuffled KFold puts groups on both sides.
        leaky = search_of(
            strategy, GroupLeak(), space, n_iter=3, cv=KFold(3, shuffle=True, random_state=0)
        )
        leaky.fit(X_DUMMY, Y_DUMMY)
        assert np.any(leaky.cv_results_["split0_test_score"] == 0.0)


# -- best_index_: ties and NaN ------------------------------------------------------------

TABLE = (0.2, np.nan, 0.9, 0.5, 0.9, np.nan, 0.9, 0.1)


@pytest.mark.parametrize("strategy", STRATEGIES)
def test_best_index_lowest_among_ties_and_never_nan(strategy):
    space = {"k": Categorical(list(range(len(TABLE))))}
    search = search_of(strategy, Dummy(table=TABLE), space, n_iter=len(TABLE))
    with pytest.warns(UserWarning, match="non-finite"):
        search.fit(X_DUMMY, Y_DUMMY)
    results = search.cv_results_
    scores = results["mean_test_score"]
    assert len(scores) == len(TABLE) and np.isnan(scores).sum() == 2
    best = min(i for i, s in enumerate(scores) if s == 0.9)
    assert search.best_index_ == best and search.best_score_ == 0.9
    # Ranks as scikit-learn's: "min" ties, NaN tied with the worst.
    filled = np.where(np.isnan(scores), np.nanmin(scores) - 1, scores)
    np.testing.assert_array_equal(results["rank_test_score"], rankdata(-filled, method="min"))
    assert results["rank_test_score"].dtype == np.int32


def test_nan_first_is_not_best():
    search = search_of("grid", Dummy(table=(np.nan, -3.0, -2.0)), {"k": [0, 1, 2]})
    with pytest.warns(UserWarning, match="non-finite"):
        search.fit(X_DUMMY, Y_DUMMY)
    assert search.best_index_ == 2 and search.best_params_ == {"k": 2}
    np.testing.assert_array_equal(search.cv_results_["rank_test_score"], [3, 2, 1])


# -- cv_results_ layout -----------------------------------------------------------------

SUBSPACES = [
    {"kernel": ["linear"], "C": Continuous(1e-2, 1e2)},
    {"kernel": ["rbf"], "C": Continuous(1e-2, 1e2), "gamma": Continuous(1e-3, 1e1)},
    {"kernel": ["poly"], "degree": Integer(2, 3), "C": Continuous(1e-2, 1e2)},
]


@pytest.mark.parametrize("strategy", STRATEGIES)
def test_cv_results_layout_and_dtypes(strategy):
    search = search_of(strategy, SVC(), SUBSPACES, n_iter=9, grid_points=2, cv=3)
    search.fit(X_IRIS, Y_IRIS)
    results = search.cv_results_
    params = results["params"]
    n = len(params)
    assert isinstance(params, list) and n == search.n_candidates_ >= 6
    assert {p["kernel"] for p in params} == {"linear", "rbf", "poly"}
    for name in ["C", "gamma", "degree", "kernel"]:
        column = results[f"param_{name}"]
        assert isinstance(column, np.ma.MaskedArray) and column.shape == (n,)
        # Masked exactly where the candidate's sub-space lacks the parameter.
        np.testing.assert_array_equal(
            np.ma.getmaskarray(column), [name not in p for p in params], err_msg=name
        )
        for i, p in enumerate(params):
            if name in p:
                assert column[i] == p[name]
    assert results["param_C"].dtype == np.float64
    assert results["param_degree"].dtype == np.int64
    assert results["param_kernel"].dtype == object
    for key in [
        "mean_test_score",
        "std_test_score",
        "mean_fit_time",
        "std_fit_time",
        "mean_score_time",
        "std_score_time",
        "split0_test_score",
        "split2_test_score",
    ]:
        assert type(results[key]) is np.ndarray, key
        assert results[key].dtype == np.float64 and results[key].shape == (n,), key
    assert results["rank_test_score"].dtype == np.int32
    assert "split3_test_score" not in results
    # The same keys, kinds and dtypes as RandomizedSearchCV on the same distributions.
    theirs = RandomizedSearchCV(SVC(), SUBSPACES, n_iter=9, cv=3, random_state=0)
    theirs.fit(X_IRIS, Y_IRIS)
    assert set(results) == set(theirs.cv_results_)
    for key, value in theirs.cv_results_.items():
        assert type(results[key]) is type(value), key
        if key != "params":
            assert results[key].dtype == value.dtype, key
