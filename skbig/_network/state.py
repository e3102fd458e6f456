"""A Keras network as the bytes of a ``.keras`` file, for pickles and model files.

The estimators store their network through :func:`network_state` and get it back
through :func:`network_from_state`, rather than through the ``keras.Model.__reduce__``
that importing scikeras installs process-wide. Pickling embeds the bytes
(:class:`KerasBytes`); inside :func:`collecting_networks` (what ``skbig.save`` uses)
each network is handed over once and replaced by a :class:`NetworkRef`, and inside
:func:`providing_networks` (``skbig.load``) the references are resolved. Networks
are always read by Keras in safe mode.
"""

import contextlib
import contextvars
import os
import tempfile

import keras

from .._runtime import limit_tensorflow_threads, quiet

_sink = contextvars.ContextVar("skbig_network_sink", default=None)
_source = contextvars.ContextVar("skbig_network_source", default=None)


class NetworkRef:
    """Placeholder for a Keras network stored beside the estimator in a model file."""

    def __init__(self, index):
        self.index = index


class KerasBytes:
    """A Keras model stored as the bytes of a ``.keras`` file, for pickling."""

    __slots__ = ("data",)

    def __init__(self, data):
        self.data = data

    def __getstate__(self):
        return self.data

    def __setstate__(self, data):
        self.data = data

    @classmethod
    def from_model(cls, model):
        with tempfile.TemporaryDirectory() as folder, quiet():
            path = os.path.join(folder, "model.keras")
            model.save(path)
            with open(path, "rb") as file:
                return cls(file.read())

    def to_model(self, release=False):
        """Load the network; ``release`` drops the bytes before Keras reads them."""
        limit_tensorflow_threads()  # often a worker's first TensorFlow operation
        with tempfile.TemporaryDirectory() as folder, quiet():
            path = os.path.join(folder, "model.keras")
            with open(path, "wb") as file:
                file.write(self.data)
            if release:
                self.data = None
            return keras.saving.load_model(path, compile=True, safe_mode=True)


@contextlib.contextmanager
def collecting_networks():
    """Inside the block, :func:`network_state` hands networks over by reference.

    Yields the dict that fills up: ``id(model) -> (index, .keras bytes)``.
    """
    networks = {}
    token = _sink.set(networks)
    try:
        yield networks
    finally:
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
    """What an estimator's ``__getstate__`` stores in place of its network."""
    sink = _sink.get()
    if sink is None:
        return KerasBytes.from_model(model)
    # skops may ask an object for its state more than once: store each network once.
    if id(model) not in sink:
        sink[id(model)] = (len(sink), KerasBytes.from_model(model).data)
    return NetworkRef(sink[id(model)][0])


def network_from_state(state):
    """The network an estimator's ``__setstate__`` gets back for ``network_state``."""
    if isinstance(state, KerasBytes):
        return state.to_model()
    if isinstance(state, NetworkRef):
        source = _source.get()
        if source is None or not 0 <= state.index < len(source):
            raise ValueError(
                "this estimator's network is stored in an skbig model file; "
                "load the file with skbig.load"
            )
        return source[state.index]
    return state
