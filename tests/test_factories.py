"""make_text_classifier and make_text_regressor: which pipeline each setting builds,
and the private text regressor's public target bounds."""

import numpy as np
import pytest
from conftest import make_corpus

import skbig
from skbig import MLPRegressor, make_text_classifier, make_text_regressor
from skbig._factories import HASHING_FEATURES, PRIVATE_FEATURES
from skbig._privacy import guarantee

RATING = {"food": 1.0, "sport": 2.5, "tech": 4.0}


@pytest.fixture(scope="module")
def ratings():
    texts, labels = make_corpus(240)
    return texts, np.array([RATING[label] for label in labels])


@pytest.mark.parametrize("maker", [make_text_classifier, make_text_regressor])
def test_both_factories_build_the_same_steps_in_front(maker):
    assert list(maker().named_steps) == ["tfidf", "mlp"]
    hashed = maker(vectorizer="hashing")
    assert list(hashed.named_steps) == ["hashing", "tf", "mlp"]
    assert hashed[0].n_features == HASHING_FEATURES and not hashed[1].use_idf
    assert hashed[-1].get_params() == type(hashed[-1])().get_params()
    bounds = {"dp_target_bounds": (0, 1)} if maker is make_text_regressor else {}
    private = maker(dp_epsilon=2, **bounds)
    assert private[0].n_features == PRIVATE_FEATURES
    mlp = private[-1]
    assert mlp.dp_epsilon == 2 and mlp.hidden_layer_sizes == () and mlp.dropout == 0
    assert mlp.optimizer == "sgd" and mlp.learning_rate_init == "auto"
    with pytest.raises(ValueError, match="vectorizer must be"):
        maker(vectorizer="counts")


def test_only_the_private_classifier_drops_class_weights():
    assert make_text_classifier(dp_epsilon=1)[-1].class_weight is None
    assert make_text_classifier()[-1].class_weight == "auto"
    private = make_text_regressor(dp_epsilon=1, dp_target_bounds=(0, 1))
    assert "class_weight" not in private[-1].get_params()


def test_target_bounds_need_a_private_fit_and_a_private_fit_needs_them():
    with pytest.raises(ValueError, match="pass dp_epsilon as well"):
        make_text_regressor(dp_target_bounds=(0, 5))
    with pytest.raises(ValueError, match=r"needs dp_target_bounds=\(low, high\)"):
        make_text_regressor(dp_epsilon=8)
    reg = make_text_regressor(dp_epsilon=4, dp_target_bounds=(0, 5))
    assert reg[-1].dp_target_bounds == (0, 5)


@pytest.fixture(scope="module")
def bounded(ratings):
    pytest.importorskip("dp_accounting")
    texts, y = ratings
    reg = make_text_regressor(
        dp_epsilon=8, dp_target_bounds=(0, 5), mlp__epochs=20, mlp__random_state=0
    )
    return reg.fit(texts, y)


def test_bounds_not_the_data_set_the_targets_scale(bounded, ratings):
    from skbig._privacy import TARGET_REACH

    encoder = bounded[-1].target_encoder_
    assert encoder.mean_ == pytest.approx([2.5])
    assert encoder.scale_ == pytest.approx([2.5 / TARGET_REACH])
    texts, y = ratings
    shifted = make_text_regressor(
        dp_epsilon=8, dp_target_bounds=(0, 5), mlp__epochs=2
    ).fit(texts, y + 0.5)
    assert shifted[-1].target_encoder_.mean_ == encoder.mean_
    assert shifted[-1].target_encoder_.scale_ == encoder.scale_
    # what the network learns: the targets clipped into the bounds, mapped to
    # [-TARGET_REACH, TARGET_REACH]
    learnt = encoder.transform(np.array([-3.0, 0.0, 2.5, 5.0, 9.0]))
    assert learnt == pytest.approx([-8, -8, 0, 8, 8])
    assert getattr(bounded[-1], "linear_coef_", None) is None  # no ridge in private


def test_a_bounded_private_regressor_learns_and_predicts_inside_its_bounds(
    bounded, ratings
):
    texts, y = ratings
    assert bounded[-1].epsilon_ <= 8
    assert bounded.score(texts, y) > 0.5
    far = bounded[-1].target_encoder_.inverse_transform(np.array([[-50.0], [50.0]]))
    assert far.ravel().tolist() == [0.0, 5.0]


def test_a_bounded_private_regressor_round_trips_through_a_model_file(
    bounded, ratings, tmp_path
):
    texts, _ = ratings
    skbig.save(bounded, tmp_path / "private.skbig")
    loaded = skbig.load(tmp_path / "private.skbig")
    assert loaded[-1].dp_target_bounds == bounded[-1].dp_target_bounds
    np.testing.assert_array_equal(loaded.predict(texts), bounded.predict(texts))
    far = loaded[-1].target_encoder_.inverse_transform(np.array([[50.0]]))
    assert far.ravel().tolist() == [5.0]
    privacy = skbig.model_info(tmp_path / "private.skbig")["privacy"]
    assert privacy["target_bounds"] == [0.0, 5.0]
    assert privacy["epsilon"] == pytest.approx(bounded[-1].epsilon_)
    card = skbig.model_card(loaded, model_file=tmp_path / "private.skbig")
    assert "clipped into the public bounds [0.0, 5.0]" in card


def test_bounds_per_target_and_bad_bounds():
    pytest.importorskip("dp_accounting")
    rng = np.random.RandomState(0)
    X = rng.rand(300, 4)
    y = np.column_stack([X @ [1.0, 0, 0, 0], 10 * X @ [0, 0, 1.0, 0]])
    reg = MLPRegressor((), dp_epsilon=8, dp_target_bounds=([0, 0], [1, 10]), epochs=3)
    encoder = reg.fit(X, y).target_encoder_
    assert encoder.mean_ == pytest.approx([0.5, 5]) and reg.predict(X).shape == (300, 2)
    assert guarantee(reg)["target_bounds"] == [[0.0, 0.0], [1.0, 10.0]]
    unbounded = MLPRegressor((), dp_epsilon=8, epochs=1).fit(X, y)
    assert "target_bounds" not in guarantee(unbounded)
    for bad, message in [
        ((5, 1), "low < high"),
        ((0, np.inf), "finite"),
        (([0, 0, 0], [1, 1, 1]), "one per target"),
        ((1,), r"\(low, high\)"),
    ]:
        with pytest.raises(ValueError, match=message):
            MLPRegressor((), dp_epsilon=8, dp_target_bounds=bad, epochs=1).fit(X, y)


def test_bounds_change_nothing_outside_a_private_fit(ratings):
    texts, y = ratings
    reg = MLPRegressor((8,), dp_target_bounds=(0, 5), epochs=2, random_state=0)
    from sklearn.feature_extraction.text import TfidfVectorizer

    X = TfidfVectorizer().fit_transform(texts)
    encoder = reg.fit(X, y).target_encoder_
    assert encoder.mean_ == pytest.approx([y.mean()])
    assert encoder.scale_ == pytest.approx([y.std()])


@pytest.fixture(scope="module")
def clipped(ratings):
    """A private regressor whose predictions are pushed past its upper bound: its
    output bias raised by 8 (in the units it trains in, half its bounds' range)."""
    pytest.importorskip("dp_accounting")
    texts, y = ratings
    reg = make_text_regressor(
        dp_epsilon=8, dp_target_bounds=(0, 5), mlp__epochs=20, mlp__random_state=0
    ).fit(texts, y)
    output = reg[-1].model_.layers[-1]
    output.bias.assign(output.bias + 8.0)
    return reg


def test_the_bounds_clipping_is_exported_to_onnx(clipped, ratings, tmp_path):
    onnxruntime = pytest.importorskip("onnxruntime")
    pytest.importorskip("skl2onnx")
    texts, _ = ratings
    expected = clipped.predict(texts)
    assert (expected == 5).sum() > 20  # clipped
    skbig.export(clipped, tmp_path / "private.onnx")
    session = onnxruntime.InferenceSession(str(tmp_path / "private.onnx"))
    (prediction,) = session.run(["prediction"], {"text": np.asarray(texts, object)})
    np.testing.assert_allclose(prediction, expected, atol=1e-4)


def test_the_bounds_clipping_is_exported_to_a_savedmodel(clipped, ratings, tmp_path):
    import tensorflow as tf

    texts, _ = ratings
    skbig.export(clipped, tmp_path / "private", format="savedmodel")
    serve = tf.saved_model.load(str(tmp_path / "private")).signatures["serving_default"]
    prediction = serve(text=tf.constant(texts, tf.string))["prediction"].numpy()
    np.testing.assert_allclose(prediction, clipped.predict(texts), atol=1e-4)


def test_an_explanation_of_a_clipped_prediction_is_of_what_predict_says(
    clipped, ratings
):
    from skbig.explain import explain_text

    texts, _ = ratings
    predicted = clipped.predict(texts)
    doc = texts[int(np.argmax(predicted == 5))]
    explanation = explain_text(clipped, doc)
    assert explanation.quantity == "prediction"
    assert explanation.probability == pytest.approx(5.0, abs=1e-5)
    total = sum(explanation.all_terms.values())
    assert total == pytest.approx(5.0 - explanation.baseline, abs=0.05)
