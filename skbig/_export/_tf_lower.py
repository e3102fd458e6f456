"""Python's ``str.lower`` in TensorFlow, for the SavedModel.

``tf.strings.lower`` (ICU's full lowercasing) writes ``İ`` as two characters and
a capital sigma that ends a word as ``ς``, as Python does, but it knows the
Unicode version of TensorFlow's own ICU, which can be older than Python's: a
character added since is left as it is. The characters this TensorFlow
lowercases otherwise than this Python (read off both when the model is
exported) are mapped by Python's table first, in the documents that hold them,
and ICU lowercases the rest; what Python maps them to is already lowercase.
ICU also stops at a NUL character, so text around NULs is lowercased piece by
piece. Both happen only in a batch that holds such a document.
"""

from .. import _runtime  # noqa: F401  (starts TensorFlow quietly)

# isort: split
import functools

import tensorflow as tf

from ._spec import NotExportableError

# What the table gives a character it does not hold.
_UNCHANGED = "\x00unchanged"


@functools.cache
def python_only():
    """``{character: its Python lowercase}`` for each character this
    TensorFlow lowercases otherwise (on its own)."""
    characters = [chr(c) for c in range(1, 0x110000) if not 0xD800 <= c < 0xE000]
    lowered = tf.strings.lower(tf.constant(characters), encoding="utf-8").numpy()
    differs = {
        c: c.lower()
        for c, low in zip(characters, lowered, strict=True)
        if low.decode("utf-8") != c.lower()
    }
    again = tf.strings.lower(tf.constant(list(differs.values()) or [""]), "utf-8")
    for (character, low), twice in zip(differs.items(), again.numpy(), strict=False):
        if twice.decode("utf-8") != low:  # never seen; refuse rather than differ
            raise NotExportableError(
                f"TensorFlow lowercases {low!r} (Python's lowercase of "
                f"{character!r}) again; the SavedModel cannot lowercase as "
                "Python does."
            )
    return differs


class Lowering(tf.Module):
    """Lowercases a string tensor ``[N]`` as Python does (``__call__``)."""

    def __init__(self):
        super().__init__(name="lowering")
        differs = python_only()
        self.table = None
        if differs:
            self.table = tf.lookup.StaticHashTable(
                tf.lookup.KeyValueTensorInitializer(
                    tf.constant(list(differs)), tf.constant(list(differs.values()))
                ),
                default_value=_UNCHANGED,
            )
        # ICU's lowercasing also stops at a NUL ("a\\x00B" gives "a"): a
        # document that holds one is lowercased between its NULs, which are
        # neither cased nor skipped by the final-sigma rule, so the pieces
        # lowercase as the whole does.
        codes = "".join(f"\\x{{{ord(c):x}}}" for c in ["\x00", *differs])
        self.pattern = f"(?s).*[{codes}].*"

    def __call__(self, text):
        holds = tf.strings.regex_full_match(text, self.pattern)
        return tf.cond(
            tf.reduce_any(holds),
            lambda: _between_nuls(self._mapped(text, holds)),
            lambda: tf.strings.lower(text, encoding="utf-8"),
        )

    def _mapped(self, text, holds):
        if self.table is None:
            return text

        def each(characters):
            mapped = self.table.lookup(characters)
            return tf.where(mapped == _UNCHANGED, characters, mapped)

        characters = tf.strings.unicode_split(text, "UTF-8")
        joined = tf.strings.reduce_join(
            tf.ragged.map_flat_values(each, characters), axis=1
        )
        return tf.where(holds, joined, text)


def _between_nuls(text):
    # Each piece with a NUL after it, joined, less the last NUL (a separator
    # attribute would itself be cut at the NUL).
    pieces = tf.strings.split(text, sep="\x00")
    nul = tf.constant("\x00")

    def each(piece):
        return tf.strings.join([tf.strings.lower(piece, encoding="utf-8"), nul])

    joined = tf.strings.reduce_join(tf.ragged.map_flat_values(each, pieces), axis=1)
    length = tf.strings.length(joined) - 1
    return tf.strings.substr(joined, tf.zeros_like(length), length)
