"""Pickle support for fitted networks, through Keras' own file format."""

import os
import tempfile

import keras

from ._quiet import quiet


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

    def to_model(self):
        with tempfile.TemporaryDirectory() as folder, quiet():
            path = os.path.join(folder, "model.keras")
            with open(path, "wb") as file:
                file.write(self.data)
            return keras.saving.load_model(path, compile=True, safe_mode=True)
