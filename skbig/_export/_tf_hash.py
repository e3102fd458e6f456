"""scikit-learn's feature hashing in TensorFlow operations, for the SavedModel.

A ``HashingVectorizer`` puts a term in column ``abs(murmurhash3_32(term)) %
n_features``, hashing the term's UTF-8 bytes with MurmurHash3 (x86, 32 bits,
seed 0). TensorFlow has no such kernel; this is the algorithm in its unsigned
32-bit integer operations, for every distinct term at once: the terms' bytes in
four-byte blocks, one flat tensor, mixed in a block at a time (as many rounds as
the longest term has blocks, each term's hash left as it is once its own blocks
are done).
"""

from .. import _runtime  # noqa: F401  (starts TensorFlow quietly)

# isort: split
import tensorflow as tf

_C1, _C2 = 0xCC9E2D51, 0x1B873593


def _u32(value):
    return tf.constant(value, tf.uint32)


def _rotated(x, bits):
    left = tf.bitwise.left_shift(x, _u32(bits))
    return tf.bitwise.bitwise_or(left, tf.bitwise.right_shift(x, _u32(32 - bits)))


def _scrambled(block):
    return _rotated(block * _u32(_C1), 15) * _u32(_C2)


def _mixed(h, block):
    h = _rotated(tf.bitwise.bitwise_xor(h, _scrambled(block)), 13)
    return h * _u32(5) + _u32(0xE6546B64)


def _finalised(h):
    for shift, factor in ((16, 0x85EBCA6B), (13, 0xC2B2AE35)):
        h = tf.bitwise.bitwise_xor(h, tf.bitwise.right_shift(h, _u32(shift)))
        h = h * _u32(factor)
    return tf.bitwise.bitwise_xor(h, tf.bitwise.right_shift(h, _u32(16)))


def murmurhash3_32(terms):
    """``sklearn.utils.murmurhash3_32(term, seed=0)`` (signed) of each of
    ``terms``, a 1-D ``tf.string`` tensor, as ``int32``. Each distinct term is
    hashed once."""
    distinct, index = tf.unique(terms)
    return tf.gather(_hashed(distinct), index)


def _hashed(terms):
    length = tf.strings.length(terms, unit="BYTE")
    # Each term's bytes with zeros to a whole number of blocks and one block
    # more: the last partial block (the tail), padded with zeros, is then a
    # block like the others. All terms' blocks side by side, one flat tensor.
    whole = length // 4  # each term's full blocks
    start = tf.zeros_like(whole)
    padded = tf.strings.substr(terms + "\0\0\0\0", start, 4 * (whole + 1), unit="BYTE")
    pieces = tf.strings.bytes_split(padded)
    codes = tf.io.decode_raw(pieces.flat_values, tf.uint8)
    quads = tf.reshape(tf.cast(codes, tf.uint32), [-1, 4])
    blocks = quads[:, 0]
    for k in (1, 2, 3):
        blocks = tf.bitwise.bitwise_or(
            blocks, tf.bitwise.left_shift(quads[:, k], _u32(8 * k))
        )
    first = tf.cast(pieces.row_splits[:-1] // 4, tf.int32)  # each term's first block

    rounds = tf.reduce_max(whole)  # the lowest int32 for no term: none

    def more(j, h):
        return j < rounds

    def body(j, h):
        block = tf.gather(blocks, first + tf.minimum(j, whole))
        return j + 1, tf.where(j < whole, _mixed(h, block), h)

    length = tf.cast(length, tf.uint32)
    h = tf.zeros_like(length)  # the seed, 0
    _, h = tf.while_loop(more, body, [tf.constant(0), h], parallel_iterations=1)
    tail = tf.gather(blocks, first + whole)
    h = tf.where(length % 4 > 0, tf.bitwise.bitwise_xor(h, _scrambled(tail)), h)
    h = _finalised(tf.bitwise.bitwise_xor(h, length))
    return tf.bitcast(h, tf.int32)


def hashed_columns(terms, n_features):
    """The column a ``HashingVectorizer`` of ``n_features`` gives each of
    ``terms`` (``int64``)."""
    h = tf.abs(tf.cast(murmurhash3_32(terms), tf.int64))
    return h % n_features
