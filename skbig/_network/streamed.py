"""Training rows that come in parts, not as one matrix in memory.

A streamed fit (``skbig.fit_stream``) keeps its features on disk in parts, each a
random sample of the rows; the network sees them through :class:`StreamedRows`, which
the fit treats like a matrix (``shape``, ``hold_out``) and turns into one endless
``tf.data`` pipeline of batches. Every epoch visits the parts in a new random order
and each part's rows in a new random order, drawn from ``(seed, epoch)``, so a seed
gives the same batches every time, and only one part is in memory at once.
"""

import copy
import os

import numpy as np
import scipy.sparse as sp
import tensorflow as tf

from . import batches
from .batches import _as_tensor


class StreamedRows:
    """Rows of a sparse feature matrix stored in parts, with their class codes.

    Subclasses implement :meth:`parts`, :meth:`load` and :meth:`hold_out` (and
    :meth:`in_memory` where they hold rows in memory).
    ``class_order[code]`` is the position in ``classes_`` of a stored class code;
    ``targets`` and ``weights`` (set by :meth:`labelled`) map a stored code to the
    network's target and the sample weight. Rows of targets that are no single
    class (a regressor's numbers, a multi-label indicator; ``class_order`` None)
    have ``decode`` instead, from stored codes to the targets, and ``encode`` (set
    before the fit labels them) from those to the network's; no class weights.
    """

    targets = weights = tables = encode = decode = None
    #: ``(training rows, X_held, codes_held)`` once :meth:`hold_out` split these
    #: rows (every held-out row, its copies of training rows too), else None.
    split = None
    #: The ``nb_weights`` counts of these rows, once a training run counted them.
    counts = None
    #: Applied to each part's features as an epoch reads them (:meth:`mapped`).
    _maps = ()

    def __init__(self, n_rows, n_features, class_order):
        self.shape = (int(n_rows), int(n_features))
        self.class_order = None if class_order is None else np.asarray(class_order)

    def target_of(self, codes):
        """The network's targets of rows with these stored codes."""
        if self.class_order is None:
            return np.asarray(self.encode(self.decode(codes)), np.float32)
        return self.targets[codes]

    def parts(self):
        """The parts, in storage order."""
        raise NotImplementedError

    def load(self, part):
        """``(X, codes)``: one part's rows (CSR) and their class codes."""
        raise NotImplementedError

    def in_memory(self):
        """``(X, y)``: the rows held in memory, with the network's targets; all of
        these rows or a uniform sample of them (None: none are)."""
        return None

    def hold_out(self, n_validation, seed):
        """``(rows, (X_validation, y_validation, w_validation))``: the rows to train
        on and a held-out set of ``n_validation`` rows (at most) with encoded
        targets and the class weights training gives them (None without class
        weights), as an in-memory hold-out's."""
        raise NotImplementedError

    def labelled(self, targets, weights):
        """These rows, with the network's target and the sample weight of each
        class (``targets`` and ``weights`` in ``classes_`` order; weights may be
        None)."""
        self.tables = (targets, weights)
        if self.class_order is None:  # no single classes, no class weights
            return self
        self.targets = np.asarray(targets)[self.class_order]
        if weights is not None:
            self.weights = np.asarray(weights, np.float32)[self.class_order]
        return self

    def mapped(self, function):
        """These rows, with ``function`` applied to each part's features (CSR in,
        CSR of as many rows out) as an epoch reads them: ``nb_weights``' scaling.
        ``parts``, ``load`` and ``hold_out`` still give the rows as stored."""
        rows = copy.copy(self)
        rows._maps = (*self._maps, function)
        return rows

    def batch_count(self, batch_size):
        return -(-self.shape[0] // batch_size)

    def epoch(self, batch_size, rng):
        """One pass: ``(X, codes)`` batches of ``batch_size`` rows (the last one of
        the pass may be shorter)."""
        left = []
        parts = self.parts()
        for p in rng.permutation(len(parts)):
            X, codes = self.load(parts[p])
            for function in self._maps:
                X = function(X)
            order = rng.permutation(X.shape[0])
            X, codes = X[order], codes[order]
            if left:
                X = sp.vstack([left[0], X], format="csr")
                codes = np.concatenate([left[1], codes])
            full = X.shape[0] - X.shape[0] % batch_size
            for start in range(0, full, batch_size):
                yield X[start : start + batch_size], codes[start : start + batch_size]
            left = [X[full:], codes[full:]] if full < X.shape[0] else []
        if left:
            yield tuple(left)

    def dataset(self, batch_size, seed):
        """An endless ``tf.data.Dataset`` of ``(SparseTensor, y[, weight])``
        batches, epoch after epoch (for ``fit`` with ``steps_per_epoch``)."""
        n_features = self.shape[1]
        weights = self.weights
        targets = self.target_of(np.zeros(1, np.int32))  # its shape and type

        if seed is None:
            seed = int.from_bytes(os.urandom(4), "little")

        def batches():
            for number in range(2**62):
                rng = np.random.default_rng([seed, number])
                for X, codes in self.epoch(batch_size, rng):
                    X = sp.csr_matrix(X, dtype=np.float32)
                    X.sort_indices()
                    batch = (_as_tensor(X), self.target_of(codes))
                    yield batch if weights is None else (*batch, weights[codes])

        spec = [
            tf.SparseTensorSpec([None, n_features], tf.float32),
            tf.TensorSpec((None, *targets.shape[1:]), tf.as_dtype(targets.dtype)),
        ]
        if weights is not None:
            spec.append(tf.TensorSpec([None], tf.float32))
        dataset = tf.data.Dataset.from_generator(
            batches, output_signature=tuple(spec)
        ).prefetch(2)
        options = tf.data.Options()
        options.experimental_optimization.apply_default_optimizations = False
        options.autotune.enabled = False
        return dataset.with_options(options)


def fit_inputs(X, y, sample_weight, fit_args, seed, passes=None):
    """The data arguments of Keras' ``fit`` for ``X``, ``y``, ``sample_weight``:
    skbig's own batches for streamed rows and for arrays and scipy matrices
    (:func:`skbig._network.batches.sparse_dataset`), else Keras' own path. Takes
    ``batch_size`` and ``shuffle`` out of ``fit_args`` and sets
    ``steps_per_epoch`` when the batches are skbig's; ``passes`` is the number of
    epochs the fit runs (one pass needs no endless pipeline)."""
    if isinstance(X, StreamedRows):
        batch_size = fit_args.pop("batch_size")
        fit_args.pop("shuffle")  # the rows come shuffled
        fit_args.setdefault("steps_per_epoch", X.batch_count(batch_size))
        return {"x": X.dataset(batch_size, seed), "shuffle": False}
    if not batches.streamable(X, y, fit_args):
        return {"x": X, "y": y, "sample_weight": sample_weight}
    batch_size = fit_args.pop("batch_size")
    dataset = batches.sparse_dataset(
        X, y, sample_weight, batch_size=batch_size,
        shuffle=bool(fit_args.pop("shuffle")), seed=seed, repeat=passes != 1,
    )  # fmt: skip
    fit_args.setdefault("steps_per_epoch", batches.batch_count(X.shape[0], batch_size))
    return {"x": dataset, "shuffle": False}  # the dataset shuffles; Keras would warn
