"""SparseDense: the first layer over a TF-IDF batch, as a CSR product.

Keras' ``Dense`` on a ``tf.SparseTensor`` gathers one kernel row per non-zero
(``embedding_lookup_sparse``), multiplies it by the value and sums per document,
three passes over a non-zeros x units array (40 MB per batch of 128 20 Newsgroups
documents at 512 units), and its gradient is one row per non-zero. SparseDense
renumbers the batch's distinct terms 0..k-1, gathers those k kernel rows once and
multiplies with TensorFlow's CSR kernel; the gradient is the transposed product,
one row per distinct term, so the optimizer receives each touched row once.
Measured on 20 Newsgroups (width 512, batch 128, two cores): forward and backward
of the first layer take 1.0 s per epoch instead of 2.4 s, and 0.5 s since the
transpose is built as a CSR matrix of its own (TensorFlow's ``transpose_a`` took
0.8 s).
"""

import keras
import tensorflow as tf
from tensorflow.python.eager import record  # what tf.custom_gradient records with

from .._names import public


@public
@keras.saving.register_keras_serializable(package="skbig")
class SparseDense(keras.layers.Dense):
    """``keras.layers.Dense`` with a faster path for ``tf.SparseTensor`` input.

    Dense inputs take ``Dense``'s own path; the configuration and weights are those
    of ``Dense``.

    Examples
    --------
    >>> import numpy as np, tensorflow as tf
    >>> from skbig import SparseDense
    >>> layer = SparseDense(2, kernel_initializer="ones")
    >>> x = tf.SparseTensor([[0, 1], [1, 3]], [1.0, 2.0], [2, 4])
    >>> np.asarray(layer(x)).tolist()
    [[1.0, 1.0], [2.0, 2.0]]
    """

    def build(self, input_shape):
        super().build(input_shape)
        # Marks the kernel for skbig.SparseAdagrad, which updates it by Adagrad.
        self.kernel.skbig_row_sparse = True

    def call(self, inputs, training=None):
        if not isinstance(inputs, tf.SparseTensor) or self.quantization_mode:
            return super().call(inputs, training=training)
        x = sparse_matmul(inputs, self.kernel)
        if self.bias is not None:
            x = tf.nn.bias_add(x, self.bias)
        return self.activation(x)


def sparse_matmul(x, kernel):
    """``x @ kernel`` for a 2-D ``tf.SparseTensor`` ``x``, with a row-sparse gradient.

    The gradient with respect to ``kernel`` is a ``tf.IndexedSlices`` holding each
    distinct column of ``x`` once.
    """
    x = _rows_in_order(x)
    values = tf.cast(x.values, kernel.dtype)
    terms, position = tf.unique(x.indices[:, 1])
    indices = tf.stack([x.indices[:, 0], tf.cast(position, tf.int64)], axis=1)
    shape = tf.stack([x.dense_shape[0], tf.shape(terms, out_type=tf.int64)[0]])
    matrix = tf.raw_ops.SparseTensorToCSRSparseMatrix(
        indices=indices, values=values, dense_shape=shape
    )
    # Gather from the variable itself (a ResourceGather), not from a dense read of
    # it: once a variable has had a sparse update, TensorFlow copies the whole
    # matrix on every dense read (115 MB per step for 20 Newsgroups at width 512).
    rows = tf.gather(getattr(kernel, "value", kernel), terms)

    def backward(upstream):
        # Only the kernel rows need a gradient (x is data).
        return [_transposed_product(indices, values, shape, upstream)]

    # The product is recorded on the gradient tape by hand, as tf.custom_gradient
    # does internally; tf.custom_gradient itself would also register a gradient
    # function under a new name at every trace, and TensorFlow keeps those, with
    # the model they close over, for the life of the process (a whole network
    # leaked per fit).
    with record.stop_recording():
        product = _csr_matmul(matrix, rows)
        if not tf.executing_eagerly():
            # For symbolic gradients of a whole tf.function (an outer tape), which
            # do not see the tape record: the same gradient, registered once.
            graph = tf.compat.v1.get_default_graph()
            with graph.gradient_override_map({"IdentityN": _GRADIENT}):
                product = tf.raw_ops.IdentityN(
                    input=[product, rows, indices, values, shape]
                )[0]
    record.record_operation(_GRADIENT, [product], [rows], backward)
    return product


_GRADIENT = "SkbigSparseMatMul"


@tf.RegisterGradient(_GRADIENT)
def _product_gradient(op, upstream, *unused):
    _, _, indices, values, shape = op.inputs
    gradient = _transposed_product(indices, values, shape, upstream)
    return [None, gradient, None, None, None]


def _transposed_product(indices, values, shape, dense):
    """``A^T @ dense`` for the (row-grouped) sparse matrix ``A`` of these entries.

    The transpose is made as a CSR matrix of its own: a stable sort of the entries
    by column keeps them grouped by row of ``A^T``. SparseMatrixMatMul's own
    ``transpose_a`` transposes the matrix inside the kernel and was 0.3 s per epoch
    slower on 20 Newsgroups.
    """

    def product():
        order = tf.argsort(indices[:, 1], stable=True)
        matrix = tf.raw_ops.SparseTensorToCSRSparseMatrix(
            indices=tf.reverse(tf.gather(indices, order), axis=[1]),
            values=tf.gather(values, order),
            dense_shape=tf.reverse(shape, axis=[0]),
        )
        return _csr_matmul(matrix, dense)

    # A batch of empty documents (the last, short batch of an epoch can be one
    # empty message) touches no term: SparseMatrixMatMul on a matrix of zero rows
    # kills the process with a division by zero, so that gradient is made here.
    return tf.cond(
        tf.size(values) > 0,
        product,
        lambda: tf.zeros(tf.stack([0, tf.shape(dense)[1]]), dense.dtype),
    )


def _csr_matmul(matrix, dense):
    return tf.raw_ops.SparseMatrixMatMul(a=matrix, b=dense)


def _rows_in_order(x):
    """``x`` with its entries grouped by row, as the CSR conversion requires.

    Batches made from a scipy CSR matrix already are; a hand-made SparseTensor may
    not be, and the check costs one comparison per non-zero.
    """
    rows = x.indices[:, 0]
    ordered = tf.reduce_all(rows[1:] >= rows[:-1])
    return tf.cond(ordered, lambda: x, lambda: tf.sparse.reorder(x))
