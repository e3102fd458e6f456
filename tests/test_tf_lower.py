"""Python's str.lower in TensorFlow (the SavedModel's lowercasing)."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

tf = pytest.importorskip("tensorflow")

from skbig._export._tf_lower import Lowering, python_only  # noqa: E402

_lowering = Lowering()
_lower = tf.function(_lowering, input_signature=[tf.TensorSpec([None], tf.string)])


def lowered(texts):
    return [t.decode("utf-8") for t in _lower(tf.constant(texts, tf.string)).numpy()]


def test_the_characters_tensorflow_lowercases_otherwise():
    # each on its own, or as what comes before a capital sigma
    for character in python_only():
        texts = [character, "A" + character + "Σ", " " + character + "Σ"]
        got = tf.strings.lower(tf.constant(texts), "utf-8").numpy()
        assert [t.decode() for t in got] != [t.lower() for t in texts], character


# What Python's lowercasing reads around a character: Greek capitals and the
# capital sigma, what its final-sigma rule skips (apostrophes, full stops,
# combining marks) and what it does not, the dotted capital I, and the
# characters this TensorFlow lowercases otherwise than Python.
_PICKY = list("ΣΑΟσς'.:\u0301\u0345 1-İIiAa") + list(python_only())[:30]
SAMPLES = [
    "ΟΔΟΣ ΚΑΙ ΣΟΦΙΑ",  # noqa: RUF001
    "ΟΔΟΣ'. Σ ΑΣ' Σ",
    "İSTANBUL",
    "".join(python_only()) + " ABC",
    "A\x00ΟΣ\x00Σ B\x00",  # noqa: RUF001  (ICU alone stops at a NUL)
    "".join(c + "Σ " for c in python_only()[:5]),  # cased to Python, not to ICU
    "",
]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    texts=st.lists(
        st.one_of(
            st.sampled_from(SAMPLES),
            st.text(alphabet=st.sampled_from(_PICKY), max_size=14),
            st.text(max_size=30),
        ),
        min_size=1,
        max_size=5,
    )
)
def test_text_is_lowercased_as_python_lowercases_it(texts):
    assert lowered(texts) == [text.lower() for text in texts]


def test_an_empty_batch():
    assert lowered([]) == []
