"""LazyAdam: Adam that updates only the rows a sparse gradient touches.

The first layer over a TF-IDF input gathers the rows of the terms in a batch, so its
kernel gradient arrives as ``tf.IndexedSlices``. Keras' ``Adam.update_step`` begins
with ``gradient - m``, which makes it dense: every step rewrites the whole
vocabulary x hidden kernel and both moment matrices. LazyAdam applies the Adam
arithmetic to the touched rows only (the "lazy" Adam of TensorFlow Addons and
PyTorch's ``SparseAdam``): a row's moments decay only on steps where its term occurs.
For dense gradients it is exactly Keras' Adam.
"""

import keras
import tensorflow as tf


@keras.saving.register_keras_serializable(package="skbig")
class LazyAdam(keras.optimizers.Adam):
    """Adam whose update of a row-sparse gradient touches only those rows.

    Parameters are those of :class:`keras.optimizers.Adam` (``amsgrad`` is not
    supported for sparse gradients and falls back to the dense update).

    Examples
    --------
    >>> import numpy as np, scipy.sparse as sp
    >>> from skbig import LazyAdam, MLPClassifier
    >>> X = sp.random(40, 100, density=0.05, format="csr", random_state=0)
    >>> clf = MLPClassifier(hidden_layer_sizes=(8,), epochs=1)  # optimizer="lazy_adam"
    >>> isinstance(clf.fit(X, np.arange(40) % 2).model_.optimizer, LazyAdam)
    True
    """

    def update_step(self, gradient, variable, learning_rate):
        if not isinstance(gradient, tf.IndexedSlices) or self.amsgrad:
            return super().update_step(gradient, variable, learning_rate)
        dtype = variable.dtype
        rows, grad = _distinct_rows(gradient)
        grad = tf.cast(grad, dtype)
        step = tf.cast(self.iterations + 1, dtype)
        beta_1 = tf.cast(self.beta_1, dtype)
        beta_2 = tf.cast(self.beta_2, dtype)
        alpha = (
            tf.cast(learning_rate, dtype)
            * tf.sqrt(1 - tf.pow(beta_2, step))
            / (1 - tf.pow(beta_1, step))
        )
        index = self._get_variable_index(variable)
        m, v = self._momentums[index], self._velocities[index]
        m_rows = beta_1 * tf.gather(m.value, rows) + (1 - beta_1) * grad
        v_rows = beta_2 * tf.gather(v.value, rows) + (1 - beta_2) * tf.square(grad)
        self.assign(m, tf.IndexedSlices(m_rows, rows))
        self.assign(v, tf.IndexedSlices(v_rows, rows))
        update = alpha * m_rows / (tf.sqrt(v_rows) + self.epsilon)
        self.assign_sub(variable, tf.IndexedSlices(update, rows))


def _distinct_rows(gradient):
    """The rows of an ``IndexedSlices`` gradient, each once, and their summed values.

    Keras' ``Dense`` on sparse input repeats a row whenever several documents of a
    batch share a term; :class:`skbig.SparseDense` already sends each row once, and
    then the sum (a pass over the whole gradient) is skipped.
    """
    rows, position = tf.unique(gradient.indices)
    n_rows = tf.shape(rows)[0]
    values = tf.cond(
        n_rows < tf.shape(gradient.indices)[0],
        lambda: tf.math.unsorted_segment_sum(gradient.values, position, n_rows),
        lambda: gradient.values,
    )
    return rows, values
