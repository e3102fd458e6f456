"""Model files written in format 1 (skbig 0.1.0, before the module layout changed)
keep loading and predicting as they did when they were written.

The fixtures in ``tests/data`` were written by commit 35b3fcf: a tiny
``make_text_classifier()`` pipeline and an ``MLPRegressor`` on dense data.
"""

import json
import pathlib
import warnings

import numpy as np
import pytest
from conftest import skip_unless_this_keras_reads

import skbig

DATA = pathlib.Path(__file__).parent / "data"


@pytest.fixture(scope="module")
def expected():
    return json.loads((DATA / "format1_expected.json").read_text())


def _load(name):
    skip_unless_this_keras_reads(DATA / name)
    with warnings.catch_warnings():
        # Written with the library versions of its day; later ones warn.
        warnings.simplefilter("ignore", skbig.ModelVersionWarning)
        return skbig.load(DATA / name)


def test_format1_text_pipeline_predicts_as_written(expected):
    info = skbig.model_info(DATA / "format1_text.skbig")
    assert info["format_version"] == 1
    assert info["metadata"] == {"note": "format-1 fixture"}
    model = _load("format1_text.skbig")
    np.testing.assert_allclose(
        model.predict_proba(expected["texts"]), expected["proba"], rtol=1e-5
    )
    assert model.predict(expected["texts"]).tolist() == expected["labels"]


def test_format1_regressor_predicts_as_written(expected):
    model = _load("format1_regressor.skbig")
    np.testing.assert_allclose(
        model.predict(np.asarray(expected["X"])), expected["prediction"], rtol=1e-5
    )
