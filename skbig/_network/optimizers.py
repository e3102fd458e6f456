"""Optimizers whose update of a row-sparse gradient touches only those rows.

The first layer over a TF-IDF input gathers the rows of the terms in a batch, so its
kernel gradient arrives as ``tf.IndexedSlices``. Keras' ``Adam.update_step`` begins
with ``gradient - m``, which makes it dense: every step rewrites the whole
vocabulary x hidden kernel and both moment matrices. LazyAdam applies the Adam
arithmetic to the touched rows only (the "lazy" Adam of TensorFlow Addons and
PyTorch's ``SparseAdam``): a row's moments decay only on steps where its term occurs.
For dense gradients it is exactly Keras' Adam. SparseAdagrad (the default) updates
the first layer by Adagrad instead, in one fused TensorFlow kernel per step, and the
other layers by Adam: on 20 Newsgroups its epoch takes 1.4 s against LazyAdam's 2.1.
"""

import functools
import inspect
import re

import keras
import tensorflow as tf

from .._names import public


@public
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
    >>> clf = MLPClassifier((8,), optimizer="lazy_adam", n_iter_no_change=2)
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

    def _all_reduce_sum_gradients(self, grads_and_vars):
        return _one_replica_sum(super()._all_reduce_sum_gradients, grads_and_vars)


def _one_replica_sum(inherited, grads_and_vars):
    """Keras' sum of the gradients over replicas, skipped when there is one.

    Keras sums them through ``ReplicaContext.all_reduce``, which wraps dense
    gradients in a ``tf.custom_gradient``: each trace registers a gradient function
    in TensorFlow's process-wide registry, and that entry keeps the whole traced
    train step alive (tensorflow/tensorflow#97697); every fit on dense input grew
    the process by 3-4 MB. Without a distribution strategy there is one replica,
    whose sum is its own gradient.
    """
    if not tf.distribute.has_strategy():
        return list(grads_and_vars)
    return inherited(grads_and_vars)


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


@public
@keras.saving.register_keras_serializable(package="skbig")
class SparseAdagrad(LazyAdam):
    """Adagrad on the first layer over sparse input, Adam on every other weight.

    The kernel of a :class:`skbig.SparseDense` layer (skbig's first layer over a
    TF-IDF batch) is updated by Adagrad at ``adagrad_scale * learning_rate``: one
    pass over the rows of the terms a batch contains, against Adam's five gathers
    and scatters and a dozen elementwise passes. Adagrad's accumulator only grows by
    the squared gradient, so a row that a batch does not touch is left exactly as
    dense Adagrad would leave it: the update is sparse without being "lazy". The
    accumulator holds one value a weight, updated by TensorFlow's fused sparse
    Adagrad kernel; ``row_wise=True`` keeps one value a row (a term) instead, the
    mean of the row's squared gradient ("row-wise" Adagrad, as recommendation
    systems train their embedding tables): a term's weights share one step size
    and the optimizer's state is a column instead of a second kernel, which halves
    a saved model and the memory training holds for the first layer. Every other
    weight (and any row-sparse gradient of another layer) gets :class:`LazyAdam`'s
    update.

    Parameters
    ----------
    learning_rate : float or schedule, default=1e-3
        Adam's learning rate; the first layer's is ``adagrad_scale`` times it.
    adagrad_scale : float, default=7.0
        Ratio of the first layer's Adagrad learning rate to Adam's.
    initial_accumulator_value : float, default=1e-8
        Starting value of Adagrad's sum of squared gradients; small, so that the
        first steps move each weight by about the learning rate, as Adam's do.
    row_wise : bool, default=False
        One accumulator value a row of the first kernel (the mean of the row's
        squared gradient) instead of one a weight. Not the default: on the bench's
        tuning corpora it lost up to 0.8 points (``benchmarks/README.md``, "Row-wise
        Adagrad"); it is for vocabularies whose second kernel-sized array would not
        fit in memory.
    **kwargs
        The other parameters of :class:`keras.optimizers.Adam` (``epsilon`` is
        used by both updates).

    Examples
    --------
    >>> import numpy as np, scipy.sparse as sp
    >>> from skbig import MLPClassifier, SparseAdagrad
    >>> X = sp.random(40, 100, density=0.05, format="csr", random_state=0)
    >>> clf = MLPClassifier((8,), n_iter_no_change=2)  # the default
    >>> isinstance(clf.fit(X, np.arange(40) % 2).model_.optimizer, SparseAdagrad)
    True
    """

    def __init__(
        self,
        learning_rate=0.001,
        adagrad_scale=7.0,
        initial_accumulator_value=1e-8,
        row_wise=False,
        name="sparse_adagrad",
        **kwargs,
    ):
        super().__init__(learning_rate=learning_rate, name=name, **kwargs)
        self.adagrad_scale = adagrad_scale
        self.row_wise = row_wise
        self.initial_accumulator_value = initial_accumulator_value

    def build(self, var_list):
        if self.built:
            return
        # Adam's slots for the weights Adam updates, Adagrad's accumulator for the
        # sparse first layer's kernel (which would not use Adam's two slots).
        keras.optimizers.Optimizer.build(self, var_list)
        self._momentums, self._velocities, self._accumulators = [], [], []
        self._velocity_hats = []
        accumulate = keras.initializers.Constant(self.initial_accumulator_value)
        for variable in var_list:
            sparse = getattr(variable, "skbig_row_sparse", False)
            adam = not sparse
            if sparse and self.row_wise:
                accumulator = self.add_variable(
                    (variable.shape[0],),
                    initializer=accumulate,
                    dtype=variable.dtype,
                    name=variable.path.replace("/", "_") + "_row_accumulator",
                )
            else:
                accumulator = self._slot(variable, "accumulator", sparse, accumulate)
            self._accumulators.append(accumulator)
            self._momentums.append(self._slot(variable, "momentum", adam))
            self._velocities.append(self._slot(variable, "velocity", adam))
            self._velocity_hats.append(
                self._slot(variable, "velocity_hat", adam and self.amsgrad)
            )

    def _slot(self, variable, name, wanted, initializer="zeros"):
        """A slot variable shaped like ``variable``, or None where it is not used."""
        if not wanted:
            return None
        return self.add_variable_from_reference(variable, name, initializer)

    def update_step(self, gradient, variable, learning_rate):
        accumulator = self._accumulators[self._get_variable_index(variable)]
        if accumulator is None:
            return super().update_step(gradient, variable, learning_rate)
        dtype = variable.dtype
        rate = tf.cast(learning_rate, dtype) * tf.cast(self.adagrad_scale, dtype)
        epsilon = tf.cast(self.epsilon, dtype)
        if isinstance(gradient, tf.IndexedSlices) and self.row_wise:
            rows, grad = _distinct_rows(gradient)
            grad = tf.cast(grad, dtype)
            sums = tf.gather(accumulator.value, rows) + _row_means(grad)
            self.assign(accumulator, tf.IndexedSlices(sums, rows))
            step = grad * (rate / (tf.sqrt(sums) + epsilon))[:, None]
            self.assign_sub(variable, tf.IndexedSlices(step, rows))
        elif isinstance(gradient, tf.IndexedSlices):
            rows, grad = _distinct_rows(gradient)
            tf.raw_ops.ResourceSparseApplyAdagradV2(
                var=_handle(variable),
                accum=_handle(accumulator),
                lr=rate,
                epsilon=epsilon,
                grad=tf.cast(grad, dtype),
                indices=rows,
            )
        else:
            gradient = tf.cast(gradient, dtype)
            if self.row_wise:
                self.assign_add(accumulator, _row_means(gradient))
                sums = accumulator.value[:, None]
            else:
                self.assign_add(accumulator, tf.square(gradient))
                sums = accumulator.value
            self.assign_sub(variable, rate * gradient / (tf.sqrt(sums) + epsilon))

    def get_config(self):
        config = super().get_config()
        config.update(
            adagrad_scale=self.adagrad_scale,
            initial_accumulator_value=self.initial_accumulator_value,
            row_wise=self.row_wise,
        )
        return config


def _row_means(gradient):
    """The mean of each row's squared gradient: what a row-wise accumulator adds."""
    return tf.reduce_mean(tf.square(gradient), axis=1)


def _snake_case(name):
    """``LazyAdam`` -> ``lazy_adam``, as Keras names an optimizer of that class."""
    name = re.sub("(.)([A-Z][a-z]+)", r"\1_\2", name)
    return re.sub("([a-z])([A-Z])", r"\1_\2", name).lower()


def _handle(variable):
    """The resource handle of a Keras or TensorFlow variable, for TensorFlow's ops."""
    if isinstance(variable, keras.Variable):
        variable = variable.value
    return variable.handle


# Keras' optimizer classes and skbig's by name, lower case without underscores
# ("sparse_adagrad", "RMSprop"), found without building one: keras.optimizers.get
# would build (and name) one more optimizer per fit.
_BY_NAME = {
    **{
        key.lower(): value
        for key, value in vars(keras.optimizers).items()
        if isinstance(value, type)
        and issubclass(value, keras.optimizers.Optimizer)
        and value is not keras.optimizers.Optimizer
    },
    "lazyadam": LazyAdam,
    "sparseadagrad": SparseAdagrad,
}


def _keras_optimizer(name):
    """The class Keras knows by ``name``, or a ``ValueError`` that names the
    parameter and what it takes."""
    try:
        return type(keras.optimizers.get(name))
    except ValueError:
        raise ValueError(
            f"optimizer={name!r} is not an optimizer name; skbig's are "
            "'sparse_adagrad' and 'lazy_adam', and Keras' include 'adam', 'sgd' "
            "and 'rmsprop' (a keras.optimizers class or instance works too)"
        ) from None


def _takes(cls, keyword):
    """Whether ``cls(keyword=...)`` is accepted, by name or through ``**kwargs``."""
    try:
        parameters = inspect.signature(cls).parameters.values()
    except (TypeError, ValueError):
        return False
    return any(p.name == keyword or p.kind is p.VAR_KEYWORD for p in parameters)


def make_optimizer(optimizer, learning_rate, params):
    """A fresh optimizer: ``optimizer`` (a name, class or instance) at
    ``learning_rate``, with the keyword arguments ``params``.

    An instance is copied from its config: fitted models never share an optimizer
    (nor its slots).
    """
    if isinstance(optimizer, keras.optimizers.Optimizer):
        optimizer = optimizer.__class__.from_config(optimizer.get_config())
    else:
        if isinstance(optimizer, str):
            name = optimizer.lower().replace("_", "")
            optimizer = _BY_NAME.get(name) or _keras_optimizer(optimizer)
        # A fixed name: left to Keras, each fit's optimizer gets a new one
        # ("adam_57"), and each new name cost the process memory for good (0.35 MB
        # a fit with Adam, measured; where TensorFlow keeps it was not traced).
        named = {}
        if _takes(optimizer, "name"):
            named = {"name": _snake_case(optimizer.__name__)}
        optimizer = optimizer(**{"learning_rate": learning_rate, **named, **params})
    inherited = getattr(optimizer, "_all_reduce_sum_gradients", None)
    if not isinstance(optimizer, LazyAdam) and inherited is not None:
        # Keras' own optimizers, or a user's: the same mend on this instance only.
        optimizer._all_reduce_sum_gradients = functools.partial(
            _one_replica_sum, inherited
        )
    return optimizer
