"""A Keras network as the bytes of a ``.keras`` file, for pickles and model files.

The estimators store their network through :func:`network_state` and get it back
through :func:`network_from_state`, rather than through the
``keras.Model.__reduce__`` that importing scikeras installs process-wide. A pickle
embeds the bytes. Inside :func:`collecting_networks` (what ``skbig.save`` uses)
each network is handed over once and replaced by a plain reference,
``{"skbig_network": index}``; inside :func:`providing_networks` (``skbig.load``)
the references are resolved. Networks are always read by Keras in safe mode.
"""

import contextlib
import contextvars
import io
import os
import shutil
import tempfile
import zipfile

import keras
import numpy as np
import scipy.sparse as sp
import tensorflow as tf

from .._runtime import limit_tensorflow_threads, quiet

# Keras finds skbig's layer, loss and optimizers by their registered names only
# once these modules have run; the package face imports nothing up front, so the
# module that reads networks imports them itself.
from . import layers, losses, optimizers  # noqa: F401

#: What Keras writes in a ``.keras`` archive of a network without assets.
KERAS_MEMBERS = frozenset({"metadata.json", "config.json", "model.weights.h5"})
_REFERENCE = "skbig_network"
_sink = contextvars.ContextVar("skbig_network_sink", default=None)
_with_optimizer = contextvars.ContextVar("skbig_network_optimizer", default=True)
_source = contextvars.ContextVar("skbig_network_source", default=None)


class NetworkRef:
    """How model files of format 1 (skbig 0.1.0) marked a network stored beside the
    estimator; formats 2 and 3 write ``{"skbig_network": index}`` instead, which
    names no type at all."""

    def __init__(self, index):
        self.index = index


def network_bytes(model, include_optimizer=True):
    """The bytes of ``model`` saved as a ``.keras`` file; without the optimizer's
    state (its slots, often as large as the weights) unless ``include_optimizer``."""
    with tempfile.TemporaryDirectory() as folder, quiet():
        path = os.path.join(folder, "model.keras")
        with _optimizer_state(model, include_optimizer):
            model.save(path)
        with open(path, "rb") as file:
            return file.read()


@contextlib.contextmanager
def _optimizer_state(model, include):
    """Without ``include``, the model holds a fresh optimizer of the same
    configuration while it is saved: the file keeps how to train, not where the
    training got to."""
    optimizer = getattr(model, "optimizer", None)
    if include or optimizer is None:
        yield
        return
    model.optimizer = type(optimizer).from_config(optimizer.get_config())
    try:
        yield
    finally:
        model.optimizer = optimizer


def network_from_bytes(data):
    """The network in ``data`` (a ``.keras`` file), read by Keras in safe mode.

    ``data`` may be a one-item list, which is emptied before Keras reads the file,
    so that a large network's bytes need not stay alive beside it.
    """
    limit_tensorflow_threads()  # often a worker's first TensorFlow operation
    with tempfile.TemporaryDirectory() as folder, quiet():
        _unzip_network(data.pop() if isinstance(data, list) else data, folder)
        return keras.saving.load_model(folder, compile=True, safe_mode=True)


def _unzip_network(data, folder):
    """Write the ``.keras`` archive ``data`` out as Keras' unzipped layout
    (``save_model(..., zipped=False)``): Keras reads a ``.keras`` archive's whole
    weights file into memory before loading it, and a folder's from disk, which
    lowers the peak memory of loading a network by the size of its weights."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = archive.namelist()
        if set(names) - KERAS_MEMBERS or len(set(names)) != len(names):
            raise ValueError(f"not a Keras network archive: it holds {names}")
        for name in names:
            with archive.open(name) as source:
                with open(os.path.join(folder, name), "wb") as target:
                    shutil.copyfileobj(source, target, 1 << 20)


@contextlib.contextmanager
def collecting_networks(include_optimizer=True):
    """Inside the block, :func:`network_state` hands networks over by reference.

    Yields the dict that fills up: ``id(model) -> (index, .keras bytes)``.
    """
    networks = {}
    token = _sink.set(networks)
    optimizer_token = _with_optimizer.set(include_optimizer)
    try:
        yield networks
    finally:
        _with_optimizer.reset(optimizer_token)
        _sink.reset(token)


@contextlib.contextmanager
def providing_networks(networks):
    """Inside the block, :func:`network_from_state` resolves references into
    ``networks`` (a list of loaded Keras models)."""
    token = _source.set(networks)
    try:
        yield
    finally:
        _source.reset(token)


def network_state(model):
    """What an estimator's ``__getstate__`` stores in place of its network: the
    ``.keras`` bytes, or inside :func:`collecting_networks` a reference."""
    sink = _sink.get()
    if sink is None:
        return network_bytes(model)
    # skops may ask an object for its state more than once: store each network once.
    if id(model) not in sink:
        sink[id(model)] = (len(sink), network_bytes(model, _with_optimizer.get()))
    return {_REFERENCE: sink[id(model)][0]}


def network_from_state(state, dropout=None):
    """The network an estimator's ``__setstate__`` gets back for ``network_state``,
    its dropout's seed generators set to ``dropout`` (:func:`dropout_states`)."""
    if isinstance(state, bytes):
        return restore_dropout_states(network_from_bytes(state), dropout)
    if isinstance(state, dict) and set(state) == {_REFERENCE}:
        index = state[_REFERENCE]
    elif isinstance(state, NetworkRef):
        index = state.index
    else:
        return state
    source = _source.get()
    if source is None or not isinstance(index, int) or not 0 <= index < len(source):
        raise ValueError(
            "this estimator's network is stored in an skbig model file; "
            "load the file with skbig.load"
        )
    return restore_dropout_states(source[index], dropout)


def snapshot(variables):
    """Reads of ``variables`` that keep their values while training goes on.

    A read shares a variable's buffer, and TensorFlow copies the buffer before
    updating it in place while such a read is alive (copy on write). Variables that
    are updated row by row (the sparse first layer and its optimizer slots, once
    they have been) are in TensorFlow's copy-on-read mode instead: their read is a
    copy, made here in TensorFlow's kernel: 45-50 ms for the hashing pipeline's two
    131,072 x 512 tensors, against about 130 ms for the same copies into numpy;
    :class:`Rollback` keeps only the rows a sparse batch can change of those.
    (Keras' ``convert_to_tensor`` of a variable is not such a read: it follows the
    variable.) ``tests/test_state.py`` checks this for the updates training makes.
    """
    return [variable.value.read_value() for variable in variables]


class Rollback:
    """A network's weights and optimizer state as they are now, to put back.

    With ``X`` (the batch about to be trained on, for skbig's own network only),
    the variables that training changes only in the rows of X's columns are kept
    by those rows: the kernel of a :class:`skbig.SparseDense` layer with no
    regulariser, and its :class:`skbig.SparseAdagrad` accumulator, whose updates
    touch the rows of a batch's terms and no other. Everything else, and these too
    when X is dense or touches half their rows or more, is kept whole
    (:func:`snapshot`).
    """

    def __init__(self, model, X=None):
        variables = list(model.variables)
        optimizer = getattr(model, "optimizer", None)
        if optimizer is not None:
            variables += list(optimizer.variables)
        row_updated = _row_updated(model)
        rows = None
        if row_updated and X is not None:
            rows = _columns(X, row_updated[0].shape[0])
        kept_by_row = {id(v) for v in row_updated} if rows is not None else set()
        self._rows = rows
        self._kept = [(v, id(v) in kept_by_row) for v in variables]
        self._values = [
            tf.gather(v.value, rows) if rowwise else snapshot([v])[0]
            for v, rowwise in self._kept
        ]

    def restore(self):
        for (variable, rowwise), value in zip(self._kept, self._values, strict=True):
            if rowwise:
                variable.value.scatter_update(tf.IndexedSlices(value, self._rows))
            else:
                variable.assign(value)


def _row_updated(model):
    """The variables of ``model`` whose sparse updates change only a batch's rows."""
    optimizer = getattr(model, "optimizer", None)
    if (
        type(optimizer) is not optimizers.SparseAdagrad
        or not optimizer.built
        or optimizer.weight_decay
        or optimizer.use_ema
        or optimizer.gradient_accumulation_steps
    ):
        return []
    found = []
    for layer in model.layers:
        kernel = getattr(layer, "kernel", None)
        if getattr(kernel, "skbig_row_sparse", False) and not layer.kernel_regularizer:
            index = optimizer._get_variable_index(kernel)
            found += [kernel, optimizer._accumulators[index]]
    return found


def _columns(X, n_rows):
    """The columns sparse ``X`` holds, or None where keeping rows would not pay."""
    if not sp.issparse(X) or X.shape[1] != n_rows:
        return None
    columns = np.unique(X.tocsr().indices).astype(np.int64)
    return columns if 0 < len(columns) < n_rows // 2 else None


def _seed_variables(model):
    return [v for v in model.variables if v.name == "seed_generator_state"]


def dropout_states(model):
    """Where each of ``model``'s random seed generators (dropout's masks) got to.

    A ``.keras`` file keeps the weights but rebuilds each generator at its first
    state, so a network trained on after loading would draw again the masks of its
    first epochs; the estimator keeps these beside the file to carry on instead."""
    return [np.asarray(v.numpy()) for v in _seed_variables(model)]


def restore_dropout_states(model, states):
    """Set ``model``'s seed generators to ``states`` (as :func:`dropout_states`
    wrote them; ignored unless they match one to one); returns ``model``."""
    if states is None:
        return model
    variables = _seed_variables(model)
    if len(states) == len(variables):
        for variable, value in zip(variables, states, strict=True):
            if tuple(np.shape(value)) == tuple(variable.shape):
                variable.assign(np.asarray(value, dtype=variable.dtype))
    return model
