"""The methods the benchmark compares, each a function returning an unfitted Pipeline.

Every method gets the same TF-IDF settings as skbig's default pipeline, so the
comparison is about the classifier. The sklearn MLP and the plain scikeras model get
skbig's width and dropout and a fixed 5 epochs (``COMPARED``): skbig's own default
decides its epochs from the data, which neither of them can.
"""

import re

import numpy as np
from sklearn.pipeline import Pipeline

# skbig's defaults, written out so the other methods' processes need not import
# skbig (and TensorFlow, 0.7 GB of RSS). skbig_default() checks they still match.
TFIDF = dict(sublinear_tf=True, min_df=2, dtype=np.float32)
MLP = dict(
    hidden_layer_sizes=(512,),
    dropout=0.5,
    batch_size="auto",
    learning_rate_init=3e-3,
    epochs="auto",
    early_stopping="auto",
    refit=True,
    validation_fraction=0.1,
    n_iter_no_change="auto",
    alpha="auto",
    class_weight="auto",
)
# The fixed network the other implementations train: skbig's width and dropout, the
# batch, learning rate and 5 epochs skbig used before its rule adapted to the data.
COMPARED = dict(
    hidden_layer_sizes=(512,),
    dropout=0.5,
    batch_size=128,
    learning_rate_init=1e-3,
    epochs=5,
    early_stopping=False,
    validation_fraction=0.1,
    n_iter_no_change=10,
    alpha=0.0,
)


def _tfidf():
    from sklearn.feature_extraction.text import TfidfVectorizer

    return TfidfVectorizer(**TFIDF)


def _mlp_defaults():
    return COMPARED


def skbig_default():
    from skbig import make_text_classifier

    pipeline = make_text_classifier(mlp__random_state=0)
    params = pipeline.get_params()
    for step, defaults in (("tfidf", TFIDF), ("mlp", MLP)):
        for key, value in defaults.items():
            assert params[f"{step}__{key}"] == value, (step, key)
    return pipeline


def linear_svc():
    from sklearn.svm import LinearSVC

    return Pipeline([("tfidf", _tfidf()), ("clf", LinearSVC())])


def logistic_regression():
    from sklearn.linear_model import LogisticRegression

    return Pipeline([("tfidf", _tfidf()), ("clf", LogisticRegression(max_iter=1000))])


def sklearn_mlp():
    from sklearn.neural_network import MLPClassifier

    p = _mlp_defaults()
    clf = MLPClassifier(
        hidden_layer_sizes=p["hidden_layer_sizes"],
        batch_size=p["batch_size"],
        learning_rate_init=p["learning_rate_init"],
        max_iter=p["epochs"],
        early_stopping=p["early_stopping"],
        validation_fraction=p["validation_fraction"],
        n_iter_no_change=p["n_iter_no_change"],
        alpha=p["alpha"],
        random_state=0,
    )
    return Pipeline([("tfidf", _tfidf()), ("clf", clf)])


def plain_scikeras():
    """What a user writes by hand today: scikeras' KerasClassifier, same network."""
    import keras
    from scikeras.wrappers import KerasClassifier

    p = _mlp_defaults()

    def build(meta):
        layers = [keras.Input((meta["n_features_in_"],), sparse=True)]
        for units in p["hidden_layer_sizes"]:
            layers += [
                keras.layers.Dense(units, activation="relu"),
                keras.layers.Dropout(p["dropout"]),
            ]
        layers.append(keras.layers.Dense(meta["n_classes_"], activation="softmax"))
        model = keras.Sequential(layers)
        model.compile(
            optimizer=keras.optimizers.Adam(p["learning_rate_init"]),
            loss="sparse_categorical_crossentropy",
        )
        return model

    clf = KerasClassifier(
        model=build,
        batch_size=p["batch_size"],
        epochs=p["epochs"],
        verbose=0,
        random_state=0,
    )
    return Pipeline([("tfidf", _tfidf()), ("clf", clf)])


class FastText:
    """fastText's supervised classifier behind fit/predict (bigrams, dim 100).

    The settings of fastText's own text-classification tutorial: 25 epochs, word
    bigrams, learning rate 1.0 (its default of 0.1 is meant for fewer, unigram
    epochs: 49 % on 20ng against 79 % at 1.0).
    """

    def __init__(self, epoch=25, lr=1.0):
        self.epoch = epoch
        self.lr = lr

    def fit(self, X, y):
        import os
        import tempfile

        import fasttext

        rng = np.random.RandomState(0)
        order = rng.permutation(len(X))  # the corpora are sorted by label
        # fastText labels are single words; remember the original of each.
        self.labels_ = {str(label).replace(" ", "_"): label for label in set(y)}
        with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as f:
            for i in order:
                label = str(y[i]).replace(" ", "_")
                f.write(f"__label__{label} {_one_line(X[i])}\n")
        try:
            self.model_ = fasttext.train_supervised(
                f.name,
                epoch=self.epoch,
                lr=self.lr,
                wordNgrams=2,
                dim=100,
                thread=2,
                verbose=0,
            )
        finally:
            os.unlink(f.name)
        return self

    def predict(self, X):
        labels, _ = self.model_.predict([_one_line(x) for x in X])
        return np.array(
            [self.labels_[label[0].removeprefix("__label__")] for label in labels]
        )


def _one_line(text):
    # fastText splits on whitespace only; give it the words TF-IDF sees (lowercase,
    # two or more word characters). On 20ng this took it from 31 % to 49 %.
    return " ".join(re.findall(r"\w\w+", text.lower()))


def fasttext_bigrams():
    import fasttext  # noqa: F401  (skip the method when it is not installed)

    return FastText()


METHODS = {
    "skbig": skbig_default,
    "linear_svc": linear_svc,
    "logistic_regression": logistic_regression,
    "sklearn_mlp": sklearn_mlp,
    "plain_scikeras": plain_scikeras,
    "fasttext": fasttext_bigrams,
}
