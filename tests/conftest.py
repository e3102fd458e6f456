"""Shared tiny data and once-per-session fitted models: the suite must stay fast."""

import numpy as np
import pytest

from skbig import make_text_classifier

TOPICS = {
    "sport": "goal match team score league coach player season win cup",
    "tech": "software computer chip code network data cloud server app device",
    "food": "recipe cook bake flavor dinner kitchen spice sauce bread meal",
}
FILLER = "the a of and to in is it that for on with as was at by".split()


def make_corpus(n_docs=240, seed=0, topics=TOPICS):
    """Documents drawn from per-topic vocabularies plus shared filler words."""
    rng = np.random.RandomState(seed)
    names = sorted(topics)
    texts, labels = [], []
    for i in range(n_docs):
        label = names[i % len(names)]
        words = list(rng.choice(topics[label].split(), size=6)) + list(
            rng.choice(FILLER, size=6)
        )
        rng.shuffle(words)
        texts.append(" ".join(words))
        labels.append(label)
    return texts, np.asarray(labels)


# Tiny, fast settings shared by tests that fit pipelines.
FAST = dict(
    mlp__hidden_layer_sizes=(16,),
    mlp__epochs=8,
    mlp__batch_size=64,
    mlp__learning_rate_init=0.02,
    mlp__early_stopping=False,
    mlp__random_state=0,
)


@pytest.fixture(scope="session")
def corpus():
    return make_corpus()


@pytest.fixture(scope="session")
def fitted_pipeline(corpus):
    texts, labels = corpus
    return make_text_classifier(**FAST).fit(texts, labels)


#: scikit-learn checks that refit on every sparse format (about 6 s each here):
#: end-to-end enough for the ``slow`` run; sparse input has its own quick tests.
SLOW_CHECKS = ("check_estimator_sparse_array", "check_estimator_sparse_matrix")


def pytest_collection_modifyitems(items):
    for item in items:
        if any(check in item.nodeid for check in SLOW_CHECKS):
            item.add_marker(pytest.mark.slow)
