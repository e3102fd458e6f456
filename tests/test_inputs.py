"""Features checked once: strings refused with what to do instead."""

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp

from skbig import MLPClassifier, MLPRegressor

TINY = dict(hidden_layer_sizes=(4,), epochs=1, batch_size=64, random_state=0)
Y = [0, 1] * 20


@pytest.mark.parametrize(
    ("X", "named"),
    [
        (["some text", "more text"] * 20, "make_text_classifier()"),
        (
            pd.DataFrame(
                {
                    "color": ["red", "blue"] * 20,
                    "size": np.arange(40.0),
                    "kind": pd.Categorical(["a", "b"] * 20),
                }
            ),
            "the columns color, kind hold strings",
        ),
        (np.array([["a", 1], ["b", 2]] * 20, dtype=object), "such as 'a'"),
        (
            # pandas' own word for it: "Cannot cast DatetimeArray to dtype float32"
            pd.DataFrame(
                {
                    "day": pd.date_range("2026-01-01", periods=40),
                    "size": np.arange(40.0),
                    "wait": pd.to_timedelta(np.arange(40), unit="h"),
                }
            ),
            "the columns day, wait hold dates or durations",
        ),
    ],
    ids=["raw text", "dataframe", "object array", "dates"],
)
def test_strings_as_features_are_refused_with_what_to_do(X, named):
    with pytest.raises(ValueError, match="takes numbers") as info:
        MLPClassifier(**TINY).fit(X, Y)
    assert named in str(info.value)


def test_strings_are_refused_at_predict_time_too():
    with pytest.warns(Warning):  # one epoch: unconverged
        clf = MLPClassifier(**TINY).fit(np.ones((40, 2)), Y)
    with pytest.raises(ValueError, match="not raw text"):
        clf.predict(["a document"])


def test_a_regressor_given_labels_says_to_classify():
    with pytest.raises(ValueError, match="use MLPClassifier for labels"):
        MLPRegressor(**TINY).fit(np.ones((40, 2)), ["x", "y"] * 20)
    # strings that are numbers are numbers, as scikit-learn reads them
    with pytest.warns(Warning):
        MLPRegressor(**TINY).fit(np.ones((40, 2)), ["1.5", "2"] * 20)


def test_other_errors_are_scikit_learns():
    with pytest.raises(ValueError, match="Expected 2D array"):
        MLPClassifier(**TINY).fit(np.ones(40), Y)
    with pytest.raises(ValueError, match="NaN"):
        MLPClassifier(**TINY).fit(np.full((40, 2), np.nan), Y)
    X = sp.csr_matrix(np.eye(40, 3))
    with pytest.warns(Warning):
        assert MLPClassifier(**TINY).fit(X, Y).predict(X).shape == (40,)
