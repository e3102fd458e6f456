"""Label smoothing: the loss's arithmetic, and what MLPClassifier does with it."""

import keras
import numpy as np
import pytest
from sklearn.datasets import make_classification, make_multilabel_classification

import skbig
from skbig import MLPClassifier
from skbig._network.losses import SparseCategoricalCrossentropy

# A fixed 40 epochs (no held-out stopping), so that the unsmoothed network saturates.
TINY = dict(
    hidden_layer_sizes=(16,),
    learning_rate_init=0.05,
    batch_size=64,
    early_stopping=False,
    class_weight=None,
)


@pytest.mark.parametrize("smoothing", [0.0, 0.1, 0.3])
def test_loss_equals_keras_categorical_crossentropy_on_one_hot_targets(smoothing):
    rng = np.random.RandomState(0)
    y_pred = rng.dirichlet(np.ones(4), size=10).astype("float32")
    y_true = rng.randint(0, 4, size=10)
    weights = rng.uniform(0.1, 2, size=10).astype("float32")
    ours = SparseCategoricalCrossentropy(label_smoothing=smoothing)
    keras_loss = keras.losses.CategoricalCrossentropy(label_smoothing=smoothing)
    one_hot = np.eye(4, dtype="float32")[y_true]
    for args in ((), (weights,)):
        np.testing.assert_allclose(
            float(ours(y_true, y_pred, *args)),
            float(keras_loss(one_hot, y_pred, *args)),
            rtol=1e-5,
        )
        # and integer labels as a column, as Keras passes them
        np.testing.assert_allclose(
            float(ours(y_true[:, None], y_pred, *args)),
            float(keras_loss(one_hot, y_pred, *args)),
            rtol=1e-5,
        )


def test_loss_round_trips_through_its_config():
    loss = SparseCategoricalCrossentropy(label_smoothing=0.2)
    again = keras.losses.deserialize(keras.losses.serialize(loss))
    assert isinstance(again, SparseCategoricalCrossentropy)
    assert again.label_smoothing == 0.2


@pytest.fixture(scope="module")
def separable():
    X, y = make_classification(
        n_samples=300,
        n_features=8,
        n_informative=6,
        n_classes=3,
        class_sep=3.0,
        random_state=0,
    )
    return X, y


def test_smoothing_keeps_probabilities_away_from_certainty(separable):
    X, y = separable
    plain = MLPClassifier(**TINY, epochs=40, random_state=0).fit(X, y)
    smooth = MLPClassifier(**TINY, epochs=40, random_state=0, label_smoothing=0.3)
    smooth.fit(X, y)
    assert plain.predict_proba(X).max() > 0.99
    # The smoothed target of the true class is 0.7 + 0.3 / 3 = 0.8.
    assert smooth.predict_proba(X).max() < 0.95
    assert smooth.score(X, y) > 0.9


def test_binary_and_multilabel_targets_are_smoothed_too():
    X, y = make_classification(
        n_samples=200, n_features=6, class_sep=3.0, random_state=1
    )
    clf = MLPClassifier(**TINY, epochs=40, random_state=0, label_smoothing=0.4)
    proba = clf.fit(X, y).predict_proba(X)
    assert clf.score(X, y) > 0.9
    assert 0.05 < proba.min() and proba.max() < 0.95  # targets 0.2 and 0.8
    X, Y = make_multilabel_classification(n_samples=200, n_classes=3, random_state=0)
    clf = MLPClassifier(**TINY, epochs=40, random_state=0, label_smoothing=0.4)
    proba = clf.fit(X, Y).predict_proba(X)
    assert proba.shape == (200, 3)
    # Standardised inputs let a few outliers overshoot their 0.2 / 0.8 targets;
    # unsmoothed, the same quantiles are 8e-6 and 1.0.
    low, high = np.quantile(proba, [0.01, 0.99])
    assert 0.05 < low and high < 0.95


def test_smoothed_classifier_saves_and_loads(separable, tmp_path):
    X, y = separable
    clf = MLPClassifier(**TINY, epochs=2, random_state=0, label_smoothing=0.1)
    clf.fit(X, y)
    skbig.save(clf, tmp_path / "clf.skbig")
    again = skbig.load(tmp_path / "clf.skbig")
    np.testing.assert_array_equal(again.predict_proba(X), clf.predict_proba(X))
    assert again.model_.loss.label_smoothing == 0.1


def test_smoothing_with_a_loss_or_model_of_ones_own_is_an_error(separable):
    X, y = separable
    message = r"label_smoothing=0\.1 applies to skbig's own network"
    with pytest.raises(ValueError, match=message):
        MLPClassifier(**TINY, label_smoothing=0.1, loss="categorical_hinge").fit(X, y)

    def build():
        inputs = keras.Input((8,))
        return keras.Model(inputs, keras.layers.Dense(3, "softmax")(inputs))

    with pytest.raises(ValueError, match=message):
        MLPClassifier(model=build, label_smoothing=0.1).fit(X, y)


def test_smoothing_of_one_or_more_is_rejected(separable):
    X, y = separable
    with pytest.raises(ValueError, match="label_smoothing"):
        MLPClassifier(label_smoothing=1.0).fit(X, y)
