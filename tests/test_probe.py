"""The inputs an export is checked on before it is written."""

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

from skbig._export._probe import probe_inputs


def test_text_probes_are_vocabulary_in_every_case_with_noise_and_an_empty_doc():
    vectorizer = TfidfVectorizer().fit(["alpha beta gamma", "delta epsilon"])
    docs = probe_inputs(vectorizer, None, n=40)
    assert len(docs) == 40 and docs[0] == ""
    text = " ".join(docs)
    assert {"ALPHA", "Alpha", "alpha"} & set(text.split())
    assert any(ch in text for ch in "日😀ü")
    assert all(ch in text for ch in "ΣİÉ\x00")  # what runtimes lowercase otherwise
    assert probe_inputs(vectorizer, None, n=40) == docs  # deterministic


def test_numeric_probes_follow_the_training_scale(fitted_pipeline):
    class Network:
        n_features_in_ = 3

        class feature_encoder_:
            mean_ = np.array([0.0, 100.0, -5.0])
            scale_ = np.array([1.0, 10.0, 0.1])

    rows = probe_inputs(None, Network(), n=2000)
    assert rows.dtype == np.float32 and rows.shape == (2000, 3)
    assert np.allclose(rows.mean(axis=0), [0, 100, -5], atol=[0.1, 1, 0.01])
    assert np.allclose(rows.std(axis=0), [1, 10, 0.1], rtol=0.1)


def test_probes_for_numeric_steps_are_raw_rows_with_gaps_where_imputed():
    from sklearn.impute import SimpleImputer
    from sklearn.preprocessing import StandardScaler

    from skbig._export._spec import Preprocessing

    class Network:  # standardised input, as the network saw it after the steps
        n_features_in_ = 2
        feature_encoder_ = None

    X = np.array([[1000.0, -3.0], [3000.0, -1.0]] * 50)
    scaler = StandardScaler().fit(X)
    rows = probe_inputs(Preprocessing([("s", scaler)]), Network(), n=2000)
    # taken back through the scaler: the raw columns' scales
    assert np.allclose(rows.mean(axis=0), [2000, -2], rtol=0.05, atol=0.05)
    assert np.allclose(rows.std(axis=0), [1000, 1], rtol=0.1)
    imputer = SimpleImputer().fit(X)  # cannot invert itself
    rows = probe_inputs(Preprocessing([("i", imputer)]), Network(), n=2000)
    assert 0.05 < np.isnan(rows).mean() < 0.15
    assert np.allclose(np.nanmean(rows, axis=0), [2000, -2], rtol=0.05, atol=0.1)
