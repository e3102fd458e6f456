"""skbig._params: routing and the names the estimators accept."""

import pytest

from skbig import MLPClassifier, MLPRegressor
from skbig._params import as_sizes, refuse_unknown_parameters, routed


def test_routed_parameters_take_one_level_of_prefix():
    params = {"optimizer__beta_1": 0.8, "optimizer__x__y": 1, "fit__z": 2, "tol": 0}
    assert routed(params, "optimizer") == {"beta_1": 0.8}
    assert routed(params, "fit") == {"z": 2}


def test_sizes():
    assert as_sizes(8) == (8,)
    assert as_sizes([4, 2]) == (4, 2)
    assert as_sizes(()) == ()


@pytest.mark.parametrize("sizes", [0, (8, -1), [0]])
def test_sizes_must_be_positive(sizes):
    with pytest.raises(ValueError, match="hidden_layer_sizes must hold positive"):
        as_sizes(sizes)


@pytest.mark.parametrize("estimator", [MLPClassifier, MLPRegressor])
def test_scikit_learn_names_get_skbig_s(estimator):
    with pytest.raises(
        TypeError, match=r"max_iter \(scikit-learn's MLP name; skbig: epochs\)"
    ) as info:
        refuse_unknown_parameters(estimator(max_iter=5, foo=1))
    assert "foo" in str(info.value)
    refuse_unknown_parameters(estimator(optimizer__beta_1=0.9, model__units=3))
    refuse_unknown_parameters(estimator(fit__shuffle=False, shuffle=True))
