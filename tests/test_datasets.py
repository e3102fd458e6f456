"""The bundled SMS Spam Collection."""

import numpy as np
import pytest

from skbig.datasets import load_sms_spam


def test_split_sizes_and_labels():
    train = load_sms_spam(subset="train")
    test = load_sms_spam(subset="test")
    assert len(train.data) == len(train.target) == 4456
    assert len(test.data) == 1118
    assert dict(zip(*np.unique(train.target, return_counts=True), strict=True)) == {
        "ham": 3867,
        "spam": 589,
    }
    assert train.target_names == ["ham", "spam"]
    assert "CC BY 4.0" in train.DESCR
    assert all(isinstance(text, str) and text for text in train.data)
    assert not set(train.data) & set(test.data)


def test_all_and_return_X_y():
    X, y = load_sms_spam(subset="all", return_X_y=True)
    assert len(X) == len(y) == 5574
    with pytest.raises(ValueError, match="subset"):
        load_sms_spam(subset="validation")
