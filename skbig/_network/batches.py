"""Batches of a scipy sparse matrix as a ``tf.data`` pipeline of ``tf.SparseTensor``.

Keras' own adapter for scipy matrices converts the whole matrix to a ragged tensor and
slices it per batch in a parallel ``tf.data`` map; on two cores that map competes with
training and cost 1.3-2.5 s per epoch of 20 Newsgroups (width 512, batch 128) next to
2.8 s of training. Here the CSR arrays become three constant tensors once, and each
batch is a handful of gathers on the batch's row pointers, in the same order as the
rows of the scipy matrix (so each batch's entries are grouped by row, as
:class:`skbig.SparseDense` needs).
"""

import functools
import os
import threading

import keras
import numpy as np
import scipy.sparse as sp
import tensorflow as tf

#: Rows per batch whenever skbig runs a network on a whole matrix (``predict``,
#: early stopping's held-out scores, the command line, explanations). The first
#: layer's memory grows with the batch's distinct terms x width; with Keras' Dense on
#: 20 Newsgroups at width 512, batches of 4096 peaked at 3.6 GB, 512 at +150 MB for
#: 90 % of the throughput (benchmarks/epoch_time.py's data, 2 cores). With
#: SparseDense, 2048 made the network's share of predicting R8's test split faster
#: (26 -> 17 ms) but not the whole path from raw text (108 -> 106 ms;
#: benchmarks/predict_time.py).
PREDICT_BATCH_SIZE = 512

#: One pass of at most this many batches and rows is made as tensors rather than by
#: a traced pipeline (:func:`sparse_dataset`): a ``partial_fit`` call, a one-epoch run
#: on little data. (Made up front, a pass holds every batch's entries at once.)
EAGER_BATCHES = 16
EAGER_ROWS = 4096
# Functions tf.data traces as written, without autograph's rewrite.
_as_written = tf.autograph.experimental.do_not_convert


def predict(model, X, *, batch_size, callbacks=None, verbose=0, **kwargs):
    """``model.predict(X)``, with skbig's batches when X is scipy sparse.

    Every caller that runs a network on a whole matrix (the estimators, early
    stopping's validation, the command line's held-out scores, explanations) goes
    through here. Without callbacks or a progress bar to serve, an array or scipy
    matrix is cut into chunks of ``batch_size`` rows, each run through the model's
    compiled predict function: Keras' ``predict`` loop builds a dataset and an
    iterator per call, about 0.1 s, which for one document is 100 times the
    network's own time.
    """
    direct = (
        not callbacks
        and not verbose
        and not kwargs
        and batch_size is not None
        and (sp.issparse(X) or isinstance(X, np.ndarray))
        and X.shape[0] > 0
    )
    if direct:
        if sp.issparse(X):
            X = sp.csr_matrix(X)
        chunks = [
            forward(model, _as_tensor(X[start : start + batch_size]))
            for start in range(0, X.shape[0], batch_size)
        ]
        return keras.tree.map_structure(lambda *c: np.concatenate(c), *chunks)
    kwargs.update(callbacks=callbacks, verbose=verbose)
    if sp.issparse(X) and batch_size is not None:
        return model.predict(sparse_dataset(X, batch_size=batch_size), **kwargs)
    return model.predict(X, batch_size=batch_size, **kwargs)


class _Traced:
    """A model's forward passes, traced once per kind of input; an attribute that
    Keras neither tracks nor saves (it is not a layer, variable or container)."""

    def __init__(self):
        self.functions = {}


_TRACING = threading.Lock()


def forward(model, x):
    """``model(x, training=False)`` as NumPy, through a function traced once.

    Keras' ``predict_on_batch`` traces its predict function twice for each model
    (the first batch's exact shapes, then a relaxed signature), and TensorFlow
    counts traces by the traced function's code across all models: a process
    that predicts with a few fitted or loaded models in turn logs "triggered
    tf.function retracing" warnings, at verbose=0. Here each model's forward
    pass is traced once, as a concrete function for any number of rows, and
    called directly, which never goes through that count.
    """
    if isinstance(x, tf.SparseTensor):
        spec = tf.SparseTensorSpec([None, x.shape[1]], x.dtype)
    else:
        x = tf.convert_to_tensor(x)
        spec = tf.TensorSpec([None, *x.shape[1:]], x.dtype)
    traced = model.__dict__.get("_skbig_traced")
    function = traced.functions.get(spec) if traced is not None else None
    if function is None:
        with _TRACING:
            traced = model.__dict__.setdefault("_skbig_traced", _Traced())
            function = traced.functions.get(spec)
            if function is None:
                step = tf.function(
                    lambda inputs: model(inputs, training=False), autograph=False
                )
                function = traced.functions[spec] = step.get_concrete_function(spec)
    return keras.tree.map_structure(np.asarray, function(x))


def _as_tensor(X):
    """A CSR matrix as a ``tf.SparseTensor`` (entries grouped by row); arrays as is."""
    if not sp.issparse(X):
        return X
    rows = np.repeat(np.arange(X.shape[0], dtype=np.int64), np.diff(X.indptr))
    indices = np.stack([rows, X.indices.astype(np.int64)], axis=1)
    return tf.SparseTensor(indices, X.data, X.shape)


def sparse_dataset(X, *arrays, batch_size, shuffle=False, seed=None, repeat=False):
    """A ``tf.data.Dataset`` of ``(SparseTensor, *array batches)`` over X's rows.

    A dense array X gives dense batches the same way: one iterator for a whole
    fit saves Keras' per-epoch iterator (about 25 ms an epoch, which on a small
    table is most of the epoch).

    Parameters
    ----------
    X : scipy sparse matrix or ndarray of shape (n_samples, n_features)
    *arrays : arrays of length n_samples, or None
        Batched alongside X (targets, sample weights); None entries are left out.
    batch_size : int
    shuffle : bool, default=False
        Draw a new order of the rows at every pass over the dataset (epoch).
    seed : int or None
        Seed of that order.
    repeat : bool, default=False
        Repeat without end (for ``fit`` with ``steps_per_epoch``), so that Keras
        keeps one iterator for the whole fit rather than making one per epoch.

    Returns
    -------
    tf.data.Dataset
        Yields one tuple per batch (a bare SparseTensor when there are no arrays).
    """
    n_samples, n_features = X.shape
    n_batches = batch_count(n_samples, batch_size)
    if shuffle and seed is None:
        seed = int.from_bytes(os.urandom(4), "little") >> 1
    order = _row_order(n_samples, shuffle, seed)
    X = sp.csr_matrix(X) if sp.issparse(X) else np.asarray(X, dtype=np.float32)
    extras = [np.asarray(a) for a in arrays if a is not None]
    if not repeat and n_batches <= EAGER_BATCHES and 0 < n_samples <= EAGER_ROWS:
        return _eager_dataset(X, extras, batch_size, np.asarray(order(0)))
    extras = [tf.constant(a) for a in extras]
    if sp.issparse(X):
        indptr = tf.constant(X.indptr, dtype=tf.int64)
        columns = tf.constant(X.indices, dtype=tf.int64)
        values = tf.constant(X.data)
    else:
        dense = tf.constant(X)

    # tf.data traces these as written: nothing in them branches on a tensor, and
    # autograph's rewrite of their source cost a fit a few tenths of a second
    # (Keras marks its own step functions so too).
    @_as_written
    def batch(rows):
        if not sp.issparse(X):
            x = tf.gather(dense, rows)
            return (x, *(tf.gather(a, rows) for a in extras)) if extras else x
        ranges = tf.ragged.range(tf.gather(indptr, rows), tf.gather(indptr, rows + 1))
        entries = ranges.flat_values
        indices = tf.stack([ranges.value_rowids(), tf.gather(columns, entries)], axis=1)
        shape = tf.stack([tf.shape(rows, out_type=tf.int64)[0], n_features])
        x = tf.SparseTensor(indices, tf.gather(values, entries), shape)
        if not extras:
            return x
        return (x, *(tf.gather(a, rows) for a in extras))

    @_as_written
    def batches_of(rows):
        return tf.data.Dataset.range(n_batches).map(
            _as_written(lambda b: rows[b * batch_size : (b + 1) * batch_size])
        )

    # Pass p draws its order from (seed, p): every epoch sees a new order, and the
    # pipeline holds no random state, so a seed gives the same orders in any
    # iterator. Passes are counted by an endless range, not Dataset.counter(),
    # which is a scan whose traced function TensorFlow never frees (one per fit).
    passes = tf.data.Dataset.range(1)
    if repeat:
        passes = tf.data.Dataset.range(2**62).apply(
            tf.data.experimental.assert_cardinality(tf.data.INFINITE_CARDINALITY)
        )
    rows = passes.map(_as_written(order)).flat_map(batches_of)
    if not repeat:
        rows = rows.apply(tf.data.experimental.assert_cardinality(n_batches))
    return _with_options(rows.map(batch).prefetch(2))


def _eager_dataset(X, extras, batch_size, order):
    """One pass of :func:`sparse_dataset`'s batches of CSR or float32 ``X`` and the
    arrays ``extras`` in ``order``, made here as tensors: nothing to trace, where
    the pipeline's three functions cost most of a ``partial_fit`` of a few hundred
    rows."""
    parts = []
    for start in range(0, len(order), batch_size):
        rows = order[start : start + batch_size]
        x = _as_tensor(X[rows]) if sp.issparse(X) else tf.constant(X[rows])
        batch = (x, *(tf.constant(a[rows]) for a in extras)) if extras else x
        parts.append(tf.data.Dataset.from_tensors(batch))
    # First an empty pipeline whose batches have no fixed length, so that the
    # element spec is the traced pipeline's and Keras' train function fits both.
    spec = parts[0].element_spec
    dataset = _no_batches(tuple(map(_layout, spec if extras else [spec])), bool(extras))
    for part in parts:
        dataset = dataset.concatenate(part)
    count = tf.data.experimental.assert_cardinality(len(parts))
    return _with_options(dataset.apply(count))


def _layout(spec):
    """What a batch's component is, less its length: hashable, for _no_batches."""
    return isinstance(spec, tf.SparseTensorSpec), spec.dtype, tuple(spec.shape[1:])


@functools.lru_cache(maxsize=32)
def _no_batches(layouts, as_tuple):
    """An empty dataset of batches of any length whose components are laid out as
    ``layouts`` (see _layout), a tuple of them or the one. Unbatching costs about
    11 ms to set up, most of a small ``partial_fit``; made once per layout from a
    batch of no rows, it holds no data."""
    nothing = []
    for sparse, dtype, tail in layouts:
        if sparse:
            shape = tf.constant([0, *tail], dtype=tf.int64)
            empty = tf.SparseTensor(
                tf.zeros([0, 2], tf.int64), tf.zeros([0], dtype), shape
            )
        else:
            empty = tf.zeros([0, *tail], dtype)
        nothing.append(empty)
    nothing = tuple(nothing) if as_tuple else nothing[0]
    return tf.data.Dataset.from_tensors(nothing).unbatch().batch(1).take(0)


def _with_options(dataset):
    options = tf.data.Options()
    # The pipeline is already a few ops; tf.data's default graph rewrites only add
    # start-up time to every fit and predict.
    options.experimental_optimization.apply_default_optimizations = False
    # Dropping an iterator waited up to ~2 s for tf.data's autotuning thread (Keras
    # drops one per epoch and at the end of every fit); there is nothing to tune.
    options.autotune.enabled = False
    return dataset.with_options(options)


def batch_count(n_samples, batch_size):
    """Batches in one pass over ``n_samples`` rows (the last one may be short)."""
    return -(-n_samples // batch_size)


def _row_order(n_samples, shuffle, seed):
    """A function from the pass number to the order of the rows in that pass."""
    if not shuffle:
        return lambda _: tf.range(n_samples, dtype=tf.int64)

    def order(p):
        key = tf.stack([tf.constant(seed, tf.int64), tf.cast(p, tf.int64)])
        return tf.random.experimental.stateless_shuffle(
            tf.range(n_samples, dtype=tf.int64), seed=key
        )

    return order


def streamable(X, y, keras_args):
    """Whether :func:`sparse_dataset` can feed Keras' fit ``X``, ``y``.

    Anything they do not cover takes Keras' own path: targets that are not one
    array (a user's multi-output model) and Keras' ``validation_split``.
    """
    return (
        (sp.issparse(X) or isinstance(X, np.ndarray))
        and isinstance(y, np.ndarray)
        and "validation_split" not in keras_args
        and keras_args.get("batch_size") is not None
    )
