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
