"""Private fits: the guarantee, recomputed independently, and what it covers."""

import warnings
import zlib

import numpy as np
import pytest
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.frozen import FrozenEstimator
from sklearn.pipeline import make_pipeline, make_union
from sklearn.preprocessing import FunctionTransformer, Normalizer

import skbig
from skbig import MLPClassifier, MLPRegressor, PrivacyWarning, make_text_classifier

dp_accounting = pytest.importorskip("dp_accounting")

from conftest import make_corpus  # noqa: E402

PRIVATE = dict(hidden_layer_sizes=(), epochs=3, class_weight=None, random_state=0)


@pytest.fixture(scope="module")
def private_pipeline():
    texts, labels = make_corpus(n_docs=300, seed=2)
    model = make_text_classifier(dp_epsilon=4.0, mlp__epochs=20, mlp__random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("error", PrivacyWarning)  # nothing outside the guarantee
        model.fit(texts, labels)
    return model, texts, labels


def test_epsilon_recomputed_independently_matches(private_pipeline):
    mlp = private_pipeline[0][-1]
    event = dp_accounting.SelfComposedDpEvent(
        dp_accounting.PoissonSampledDpEvent(
            mlp.sampling_rate_, dp_accounting.GaussianDpEvent(mlp.noise_multiplier_)
        ),
        mlp.steps_,
    )
    # dp-accounting's own PLD accountant at its default (finer) grid
    accountant = dp_accounting.pld.PLDAccountant()
    accountant.compose(event)
    assert accountant.get_epsilon(mlp.delta_) == pytest.approx(mlp.epsilon_, rel=0.01)
    assert mlp.epsilon_ <= 4.0 and mlp.epsilon_ == pytest.approx(4.0, rel=0.01)
    assert mlp.delta_ == pytest.approx(1 / (10 * 300))  # the default, 1 / (10 n)
    assert mlp.training_plan_["accountant"] == "PLD"
    # RDP's looser bound calls the same noise a larger epsilon
    rdp = dp_accounting.rdp.RdpAccountant()
    rdp.compose(event)
    assert rdp.get_epsilon(mlp.delta_) > 1.05 * mlp.epsilon_


def test_a_private_model_keeps_no_class_counts(private_pipeline):
    # What a later partial_fit would weigh classes by; the guarantee does not
    # cover the data's class counts, so a private model must not carry them.
    mlp = private_pipeline[0][-1]
    assert mlp.__getstate__()["_class_counts"] is None


def test_noise_is_the_least_each_accountant_allows():
    from skbig._privacy import accountant_for, epsilon_of, noise_for

    q, steps, delta = 0.25, 121, 1e-5
    sigma = {name: noise_for(8.0, delta, q, steps, name) for name in ("PLD", "RDP")}
    for name, noise in sigma.items():
        assert epsilon_of(noise, q, steps, delta, name) <= 8.0 + 1e-6
        assert epsilon_of(0.97 * noise, q, steps, delta, name) > 8.0
    assert sigma["PLD"] < sigma["RDP"]
    assert accountant_for(8.0) == "PLD" and accountant_for(1e5) == "RDP"


def test_private_pipeline_learns_nothing_outside_the_guarantee(private_pipeline):
    model, texts, labels = private_pipeline
    assert [name for name, _ in model.steps] == ["hashing", "tf", "mlp"]
    assert not hasattr(model[0], "vocabulary_") and model[1].use_idf is False
    assert model.score(texts, labels) > 0.8  # topics this separable survive the noise


def test_model_file_and_model_info_record_the_guarantee(private_pipeline, tmp_path):
    model = private_pipeline[0]
    skbig.save(model, tmp_path / "private.skbig")
    privacy = skbig.model_info(tmp_path / "private.skbig")["privacy"]
    mlp = model[-1]
    assert privacy["epsilon"] == pytest.approx(mlp.epsilon_)
    assert privacy["steps"] == mlp.steps_ and privacy["delta"] == mlp.delta_
    loaded = skbig.load(tmp_path / "private.skbig")
    assert loaded[-1].epsilon_ == pytest.approx(mlp.epsilon_)


def test_a_vocabulary_from_the_same_data_is_said_not_hidden():
    texts, labels = make_corpus(n_docs=60, seed=1)
    model = skbig.TextPipeline(
        [("tfidf", TfidfVectorizer()), ("mlp", MLPClassifier(dp_epsilon=8, **PRIVATE))]
    )
    with pytest.warns(PrivacyWarning, match=r"\['tfidf'\].*vocabulary"):
        model.fit(texts, labels)
    fitted_on_public_text = TfidfVectorizer().fit(make_corpus(n_docs=30, seed=2)[0])
    for public in (
        TfidfVectorizer(vocabulary=["goal", "code", "bread"], use_idf=False),
        FrozenEstimator(fitted_on_public_text),
    ):
        model = skbig.TextPipeline(
            [("words", public), ("mlp", MLPClassifier(dp_epsilon=8, **PRIVATE))]
        )
        with warnings.catch_warnings():
            warnings.simplefilter("error", PrivacyWarning)
            model.fit(texts, labels)


#: Word vectors drawn before any data is seen: a stand-in for a sentence encoder
#: whose weights were trained on public text (the user guide's recipe).
PUBLIC_WORD_VECTORS = np.random.default_rng(0).normal(size=(1024, 32))


def public_encoder(documents):
    """Each document's mean public word vector, l2-normalised, as
    ``SentenceTransformer.encode(..., normalize_embeddings=True)`` returns it."""
    rows = [
        [zlib.crc32(word.encode()) % 1024 for word in document.lower().split()]
        for document in documents
    ]
    E = np.stack([PUBLIC_WORD_VECTORS[r].mean(0) if r else np.zeros(32) for r in rows])
    return (E / np.maximum(np.linalg.norm(E, axis=1, keepdims=True), 1e-12)).astype(
        np.float32
    )


@pytest.mark.parametrize("beside_the_words", [False, True])
def test_a_public_encoder_in_front_is_covered_and_saved_by_name(
    beside_the_words, tmp_path
):
    # The user guide's recipe: the encoder alone, or beside the hashed words.
    texts, labels = make_corpus(n_docs=300, seed=2)
    model = make_text_classifier(dp_epsilon=4.0, mlp__random_state=0)
    encoder = FunctionTransformer(public_encoder)
    if beside_the_words:
        words = make_pipeline(model["hashing"], model["tf"])
        model.set_params(hashing=make_union(encoder, words), tf=Normalizer())
    else:
        model.set_params(hashing=encoder, tf="passthrough")
    with warnings.catch_warnings():
        warnings.simplefilter("error", PrivacyWarning)  # the encoder learns nothing
        model.fit(texts, labels)
    assert model[-1].epsilon_ == pytest.approx(4.0, rel=0.01)
    width = 32 + 2**16 if beside_the_words else 32  # the network saw the embeddings
    assert model[-1].n_features_in_ == width
    assert model.score(texts, labels) > 0.8
    # The model file keeps the encoder's name, not its code: loading it is the
    # caller's decision to trust that function.
    skbig.save(model, tmp_path / "encoder.skbig")
    name = f"{public_encoder.__module__}.public_encoder"
    with pytest.raises(skbig.ModelFileError, match=name):
        skbig.load(tmp_path / "encoder.skbig")
    loaded = skbig.load(tmp_path / "encoder.skbig", trusted=[name])
    assert np.array_equal(loaded.predict(texts), model.predict(texts))
    assert skbig.model_info(tmp_path / "encoder.skbig")["privacy"]["epsilon"] == (
        pytest.approx(model[-1].epsilon_)
    )


def test_class_weights_from_the_data_are_said_not_hidden():
    X = np.random.RandomState(0).rand(80, 4)
    weighted = MLPClassifier((), dp_epsilon=8, epochs=2, class_weight="balanced_sqrt")
    with pytest.warns(PrivacyWarning, match="class_weight='balanced_sqrt'"):
        weighted.fit(X, [0, 1] * 40)


@pytest.mark.parametrize(
    ("params", "then", "message"),
    [
        ({"early_stopping": True}, None, "early_stopping=True"),
        ({"warm_start": True}, "fit", "warm_start"),
        ({}, "partial_fit", "partial_fit"),
    ],
)
def test_what_no_accountant_sees_is_refused(params, then, message):
    X, y = np.random.RandomState(0).rand(60, 4), [0, 1] * 30
    clf = MLPClassifier(dp_epsilon=8, **{**PRIVATE, **params})
    with pytest.raises(ValueError, match=message):
        if then == "partial_fit":
            clf.partial_fit(X, y, classes=[0, 1])
        else:
            clf.fit(X, y)
            getattr(clf, then)(X, y)


def test_private_regressor_learns_no_target_or_feature_statistics():
    rng = np.random.RandomState(0)
    X = rng.rand(200, 3)
    y = X @ [1.0, -2.0, 0.5]
    reg = MLPRegressor((), dp_epsilon=8, epochs=5, random_state=0).fit(X, y)
    assert reg.epsilon_ <= 8
    assert np.all(reg.target_encoder_.mean_ == 0) and np.all(
        reg.target_encoder_.scale_ == 1
    )
    assert not hasattr(reg.feature_encoder_, "mean_")  # a pass-through


def test_a_private_fit_is_quiet_and_a_plain_refit_clears_the_guarantee(capfd):
    X, y = np.random.RandomState(0).rand(60, 4), [0, 1] * 30
    clf = MLPClassifier(dp_epsilon=8, **PRIVATE).fit(X, y)
    assert capfd.readouterr() == ("", "")
    assert clf.epsilon_ <= 8
    clf.set_params(dp_epsilon=None).fit(X, y)
    assert not hasattr(clf, "epsilon_")


def test_the_auto_learning_rate_takes_smaller_steps_under_more_noise():
    X, y = np.random.RandomState(0).rand(120, 4), [0, 1] * 60
    rates = {}
    for epsilon in (1.0, 8.0):
        clf = MLPClassifier(dp_epsilon=epsilon, learning_rate_init="auto", **PRIVATE)
        plan = clf.fit(X, y).training_plan_
        noise = clf.noise_multiplier_ * clf.dp_clip_norm / plan["batch_size"]
        assert plan["learning_rate"] == pytest.approx(min(10.0, 0.007 / noise))
        rates[epsilon] = plan["learning_rate"]
    assert rates[1.0] < rates[8.0]


def test_the_private_pipeline_exports_to_onnx(private_pipeline, tmp_path):
    onnxruntime = pytest.importorskip("onnxruntime")
    pytest.importorskip("skl2onnx")
    model, texts, _ = private_pipeline
    skbig.export(model, tmp_path / "private.onnx")
    session = onnxruntime.InferenceSession(str(tmp_path / "private.onnx"))
    feed = {"text": np.asarray(texts[:40], dtype=object)}
    label, proba = session.run(None, feed)
    assert list(label) == list(model.predict(texts[:40]))
    assert np.abs(proba - model.predict_proba(texts[:40])).max() < 1e-4


def test_the_private_pipeline_exports_to_a_savedmodel(private_pipeline, tmp_path):
    # The hashing in TensorFlow's operations (skbig._export._tf_hash).
    import tensorflow as tf

    model, texts, _ = private_pipeline
    probe = [*texts[:40], "", "CAFÉ naïve 日本語 😀", "under_score x 2024"]
    skbig.export(model, tmp_path / "private", format="savedmodel")
    serve = tf.saved_model.load(str(tmp_path / "private")).signatures["serving_default"]
    out = serve(text=tf.constant(probe, tf.string))
    labels = [label.decode("utf-8") for label in out["label"].numpy()]
    assert labels == [str(label) for label in model.predict(probe)]
    proba = out["probabilities"].numpy()
    assert np.abs(proba - model.predict_proba(probe)).max() < 1e-4


def test_words_beside_characters_stay_private_and_export(tmp_path):
    # The user guide's recipe: two hashed feature maps side by side, then a
    # Normalizer of the row; none learns from the data, so no warning.
    from sklearn.base import clone
    from sklearn.pipeline import make_pipeline, make_union
    from sklearn.preprocessing import Normalizer

    texts, labels = make_corpus(n_docs=200, seed=3)
    clf = make_text_classifier(dp_epsilon=8, mlp__epochs=5, mlp__random_state=0)
    words = make_pipeline(clf["hashing"], clf["tf"])
    chars = clone(words).set_params(
        hashingvectorizer__analyzer="char_wb", hashingvectorizer__ngram_range=(2, 4)
    )
    clf.set_params(hashing=make_union(words, chars), tf=Normalizer())
    with warnings.catch_warnings():
        warnings.simplefilter("error", PrivacyWarning)
        clf.fit(texts, labels)
    assert (
        clf["mlp"].n_features_in_
        == 2 * clf["hashing"].transformer_list[0][1][0].n_features
    )
    assert 0 < clf["mlp"].epsilon_ <= 8.0 + 1e-6
    pytest.importorskip("onnxruntime")
    import onnxruntime

    report = skbig.export(clf, tmp_path / "union.onnx")
    assert report["label_agreement"] == 1.0
    session = onnxruntime.InferenceSession(str(tmp_path / "union.onnx"))
    label, proba = session.run(None, {"text": np.asarray(texts[:40], dtype=object)})
    assert list(label) == list(clf.predict(texts[:40]))
    assert np.abs(proba - clf.predict_proba(texts[:40])).max() < 1e-4


def test_intercept_scaling_reaches_the_private_steps(monkeypatch):
    # What it does to a step is tested in test_private.py; here, that it gets there.
    from skbig import _privacy

    built = []

    class Spy(_privacy.PrivateTrainer):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            built.append(self.intercept_scaling)

    monkeypatch.setattr(_privacy, "PrivateTrainer", Spy)
    X, y = np.random.RandomState(0).rand(60, 4), [0, 1] * 30
    for scaling in (1.0, 0.1):
        clf = MLPClassifier(dp_epsilon=8, dp_intercept_scaling=scaling, **PRIVATE)
        assert clf.fit(X, y).epsilon_ <= 8  # the guarantee does not depend on it
    assert built == [1.0, 0.1]
