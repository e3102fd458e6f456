"""scikit-learn's own estimator checks on every public skbig estimator.

Each estimator runs them twice: training a fixed number of epochs (the quick run)
and with the default stopping rule, its held-out part and refit (``slow``: every
check then trains two networks and scores the held-out part after each epoch).
"""

import pytest
from sklearn.base import clone
from sklearn.utils.estimator_checks import parametrize_with_checks

from skbig import MLPClassifier, MLPRegressor

# Small, fast networks that still learn scikit-learn's toy problems well enough
# for the checks that assert a minimum score.
ESTIMATORS = [
    MLPClassifier(
        hidden_layer_sizes=(32,),
        dropout=0.0,
        learning_rate_init=0.05,
        batch_size=256,
        epochs=10,
        random_state=0,
    ),
    MLPRegressor(
        hidden_layer_sizes=(32,),
        learning_rate_init=0.05,
        batch_size=256,
        epochs=40,
        random_state=0,
    ),
]

_SCIKERAS_TAGS = (
    "scikeras' BaseWrapper still defines the _more_tags hook that scikit-learn 1.6 "
    "removed; skbig's classes define __sklearn_tags__ (pinned in test_scikeras.py)."
)
_SCIKERAS_MRO = (
    "scikeras' KerasClassifier/KerasRegressor put the mixin after BaseEstimator and "
    "the C3 linearisation of any subclass keeps it there; the estimator type the "
    "mixin would give is set in __sklearn_tags__ (pinned in test_scikeras.py)."
)
_SGD_WEIGHTS = (
    "mini-batch SGD with shuffling: a weight of 2 and a duplicated row give "
    "different batches, so the fitted networks differ (scikit-learn's own MLP "
    "marks this check the same way)."
)
_COMMON_XFAILS = {
    "check_estimator_tags_renamed": _SCIKERAS_TAGS,
    "check_mixin_order": _SCIKERAS_MRO,
    "check_sample_weight_equivalence_on_dense_data": _SGD_WEIGHTS,
    "check_sample_weight_equivalence_on_sparse_data": _SGD_WEIGHTS,
}
_THRESHOLDS = (
    "a multi-label MLPClassifier predicts with per-label thresholds chosen on its "
    "held-out part (thresholds_, the default since issue #14), so predict is "
    "predict_proba >= thresholds_, not predict_proba rounded at 0.5 as the check "
    "assumes; tests/test_plan.py pins the thresholds."
)
_FLOAT32_BATCHES = (
    "the network computes in float32 and oneDNN picks its matrix kernels by batch "
    "shape, and on some CPUs blocks rows so that a row's output depends on its "
    "place in the batch: it can move in its last bit (float32's 1.2e-7 relative; "
    "2e-7 seen on an Intel and 2.5e-7 on an AMD EPYC machine) between a whole batch "
    "and a subset or a reordering; standardised targets are scaled back by their "
    "spread, and the checks allow 1e-7."
)
_FLOAT32_XFAILS = {
    "check_methods_subset_invariance": _FLOAT32_BATCHES,
    "check_methods_sample_order_invariance": _FLOAT32_BATCHES,
}
EXPECTED_FAILED_CHECKS = {
    "MLPClassifier": {
        **_COMMON_XFAILS,
        **_FLOAT32_XFAILS,
        "check_classifier_multioutput": _THRESHOLDS,
    },
    "MLPRegressor": {**_COMMON_XFAILS, **_FLOAT32_XFAILS},
}


def _expected_failures(estimator):
    failures = dict(EXPECTED_FAILED_CHECKS[type(estimator).__name__])
    if estimator.early_stopping is False:
        failures.pop("check_classifier_multioutput", None)  # no thresholds_
    return failures


def _with_checks(estimators):
    """scikit-learn's ``parametrize_with_checks``, its checks as a list: 1.7 hands
    pytest a generator, which pytest 9 deprecates and pytest 10 refuses."""
    mark = parametrize_with_checks(
        estimators, expected_failed_checks=_expected_failures
    )
    names, checks = mark.args
    return pytest.mark.parametrize(names, list(checks), **mark.kwargs)


@_with_checks([clone(e).set_params(early_stopping=False) for e in ESTIMATORS])
def test_sklearn_compatible_estimator(estimator, check):
    check(estimator)


@pytest.mark.slow
@_with_checks(ESTIMATORS)
def test_sklearn_compatible_estimator_with_the_stopping_rule(estimator, check):
    check(estimator)
