"""Python's ``str.lower`` in TensorFlow, for the SavedModel.

``tf.strings.lower`` (ICU's full lowercasing) writes ``İ`` as two characters and
a capital sigma that ends a word as ``ς``, as Python does, but it knows the
Unicode version of TensorFlow's own ICU, which can be older than Python's: a
character added since is left as it is, and is not cased to ICU when it comes
before a capital sigma. ICU also stops at a NUL character (``"a\\x00B"`` gives
``"a"``). A batch that holds a document with such a character (read off both
when the model is exported) lowercases those documents with Python's own tables
(:func:`lowercase_tables`), character by character, and the others with ICU.
"""

from .. import _runtime  # noqa: F401  (starts TensorFlow quietly)

# isort: split
import functools

import numpy as np
import tensorflow as tf

from ._text_spec import (
    FINAL_SIGMA,
    SIGMA,
    characters,
    lowercase_tables,
    re2_class_of,
)


@functools.cache
def python_only():
    """The characters this TensorFlow reads otherwise than this Python when it
    lowercases: on their own, or as what comes before a capital sigma (cased,
    skipped or neither: :func:`lowercase_tables`)."""
    every = list(characters(1))
    lower, classes = lowercase_tables()
    each = tf.constant(every)
    python = tf.constant([lower.get(c, c) for c in every])
    differs = tf.strings.lower(each, encoding="utf-8") != python

    def final_after(before):  # is a sigma after ``before`` + the character final?
        text = tf.strings.lower(tf.strings.join([before, each, SIGMA]), "utf-8")
        return tf.strings.regex_full_match(text, f"(?s).*{FINAL_SIGMA}").numpy()

    # As _text_spec reads the classes off Python: final after "A" + c when c
    # is skipped or cased, after " " + c only when it is cased.
    after_cased, after_space = final_after("A"), final_after(" ")
    kind = np.where(after_cased, np.where(after_space, 1, -1), 0)
    python_kind = np.array([min(classes.get(c, 0), 1) for c in every])
    differs = differs.numpy() | (kind != python_kind)
    return [c for c, d in zip(every, differs, strict=True) if d]


class Lowering(tf.Module):
    """Lowercases a string tensor ``[N]`` as Python does (``__call__``)."""

    def __init__(self):
        super().__init__(name="lowering")
        lower, classes = lowercase_tables()
        self.lower = _table(lower, "")
        self.classes = _table(classes, 0)
        special = re2_class_of(["\x00", *python_only()])
        self.pattern = f"(?s).*{special}.*"

    def __call__(self, text):
        holds = tf.strings.regex_full_match(text, self.pattern)
        return tf.cond(
            tf.reduce_any(holds),
            lambda: tf.where(
                holds, self._python(text), tf.strings.lower(text, encoding="utf-8")
            ),
            lambda: tf.strings.lower(text, encoding="utf-8"),
        )

    def _python(self, text):
        """``text`` lowercased by Python's tables and the final-sigma rule."""
        # A NUL after each document: neither cased nor skipped by the rule, it
        # keeps one document's characters from being another's neighbours.
        chars = tf.strings.unicode_split(tf.strings.join([text, "\x00"]), "UTF-8")
        flat = chars.flat_values
        mapped = self.lower.lookup(flat)
        mapped = tf.where(mapped == "", flat, mapped)
        # A sigma's neighbours are the characters next to it once the
        # case-ignorable ones (-1) are taken out: each character's rank among
        # those kept indexes their classes, padded with "neither" (0).
        kind = self.classes.lookup(flat)
        kept = kind >= 0
        rank = tf.cumsum(tf.cast(kept, tf.int64), exclusive=True)
        zero = tf.zeros([1], tf.int64)
        around = tf.concat([zero, tf.boolean_mask(kind, kept), zero, zero], axis=0)
        final = (
            (kind == 2)
            & (tf.gather(around, rank) >= 1)
            & (tf.gather(around, rank + 2) < 1)
        )
        mapped = tf.where(final, FINAL_SIGMA, mapped)
        joined = tf.strings.reduce_join(chars.with_flat_values(mapped), axis=1)
        length = tf.strings.length(joined) - 1  # less the NUL
        return tf.strings.substr(joined, tf.zeros_like(length), length)


def _table(mapping, default):
    kind = tf.string if isinstance(default, str) else tf.int64
    return tf.lookup.StaticHashTable(
        tf.lookup.KeyValueTensorInitializer(
            tf.constant(list(mapping)), tf.constant(list(mapping.values()), kind)
        ),
        default_value=default,
    )
