"""What ``skbig.load`` checks in a model file before it trusts any part of it.

A small crafted file must not make loading use much more memory than an honest
model of the same declared architecture, write more to disk than its own size, run
a regular expression nobody trusted, or load into an estimator that then fails at
``predict``. So, before anything is parsed or allocated:

* the path is a regular file (not a device such as ``/dev/zero`` or a FIFO);
* the manifest is at most ``MAX_MANIFEST`` bytes; every other member is stored
  as ``skbig.save`` writes it (uncompressed: its declared size is its size in the
  file), is listed in the manifest, and the members together fit in the file
  (no two entries share its bytes);
* each network holds only the members Keras writes (no assets to extract), the
  sizes its HDF5 file declares fit in that file, and the weights its
  configuration declares (units x inputs) fit in it too;
* a vectorizer's ``token_pattern`` other than scikit-learn's default must be
  listed in ``trusted=`` (a regular expression can take minutes on a short text);

and once loaded, the fitted state is consistent: networks are Keras models whose
inputs and outputs match the estimator, vocabularies match the network after them.
"""

import io
import itertools
import json
import os
import stat
import struct
import zipfile

import numpy as np

from ._documents import DEFAULT_TOKEN_PATTERN
from ._names import public
from ._network.state import KERAS_MEMBERS

MAX_MANIFEST = 8 * 2**20
MAX_NETWORK_JSON = 16 * 2**20


@public
class ModelFileError(ValueError):
    """A model file that ``skbig.load`` cannot load correctly and safely.

    Raised for damaged, truncated or foreign files, for files newer than this
    version of skbig understands, for files that reference types (or token
    patterns) nobody trusted, and for files whose sizes or fitted state do not
    add up. The message says which.
    """


def check_regular_file(path):
    """Refuse a path that is not a regular file (after following links)."""
    if isinstance(path, str | bytes | os.PathLike):
        if not stat.S_ISREG(os.stat(path).st_mode):
            raise ModelFileError("not a regular file")


def check_manifest_size(archive):
    """The manifest's declared size, before it is read."""
    info = archive.getinfo("skbig.json")
    if info.file_size > MAX_MANIFEST:
        raise ModelFileError(
            f"the member skbig.json declares {info.file_size} bytes, more than the "
            f"{MAX_MANIFEST} allowed"
        )


def check_archive(archive, listed):
    """Sizes of the outer zip ``archive``; ``listed`` are the manifest's members."""
    infos = archive.infolist()
    names = [info.filename for info in infos]
    if len(set(names)) != len(names):
        raise ModelFileError("a member appears twice")
    unexpected = set(names) - set(listed) - {"skbig.json"}
    if unexpected:
        raise ModelFileError(f"unexpected members: {', '.join(sorted(unexpected))}")
    _check_stored(infos, {"skbig.json": MAX_MANIFEST}, archive.fp)


def _check_stored(infos, small_members, fp):
    """Members other than ``small_members`` (name -> most bytes) are stored, and
    all of them together fit in the archive's bytes."""
    for info in infos:
        if info.filename in small_members:
            if info.file_size > small_members[info.filename]:
                raise ModelFileError(
                    f"the member {info.filename} declares {info.file_size} bytes, "
                    f"more than the {small_members[info.filename]} allowed"
                )
        elif info.compress_type != zipfile.ZIP_STORED or (
            info.file_size != info.compress_size
        ):
            raise ModelFileError(
                f"the member {info.filename} is compressed ({info.file_size} bytes "
                f"declared in {info.compress_size}); skbig stores members as they are"
            )
    size = fp.seek(0, io.SEEK_END) if fp is not None else None
    if size is not None and sum(info.compress_size for info in infos) > size:
        raise ModelFileError("the members declare more bytes than the file holds")


def check_network(data):
    """The ``.keras`` bytes ``data``: members, declared sizes and weights."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        infos = archive.infolist()
        names = {info.filename for info in infos}
        if names - KERAS_MEMBERS or len(names) != len(infos):
            extra = ", ".join(sorted(names - KERAS_MEMBERS)) or "duplicates"
            raise ModelFileError(f"the network holds unexpected members: {extra}")
        limits = dict.fromkeys(("metadata.json", "config.json"), MAX_NETWORK_JSON)
        _check_stored(infos, limits, archive.fp)
        config = json.loads(archive.read("config.json"))
        size = 0
        if "model.weights.h5" in names:
            size = archive.getinfo("model.weights.h5").file_size
        declared = 4 * _declared_parameters(config)
        if declared > size:
            raise ModelFileError(
                f"the network's configuration declares {declared} bytes of weights, "
                f"but its weights file holds {size}"
            )
        if size:
            # Read in place, not copied: a copy was as large as the network's
            # weights.
            info = archive.getinfo("model.weights.h5")
            _check_hdf5(_StoredMember(data, info), size)


def network_error(index, error, written_with):
    """The :class:`ModelFileError` for network ``index`` that Keras could not load
    (``error``), saying so when the file's Keras (``written_with``) is newer than
    this one: a Keras reads what its own and older versions wrote."""
    from importlib.metadata import version

    message = f"network {index} could not be loaded by Keras in safe mode"
    running = version("keras")
    if _release(written_with) > _release(running):
        message += (
            f"; the file was written with Keras {written_with} and this is Keras "
            f"{running}: upgrade Keras to load it"
        )
    return ModelFileError(f"{message} ({type(error).__name__}: {error})")


def _release(version):
    """``"3.15.1"`` as ``(3, 15, 1)``; ``()`` when it names no number."""
    parts = []
    for part in str(version).split(".")[:3]:
        digits = "".join(itertools.takewhile(str.isdigit, part))
        if not digits:
            break
        parts.append(int(digits))
    return tuple(parts)


class _StoredMember(io.RawIOBase):
    """A stored member of the zip archive held in ``data``, read in place.

    Python's own member stream (before 3.12) reads a member again from its start,
    checking its CRC, at every backward seek, and h5py seeks through a network's
    weights file about 80 times: a second of loading a 20 Newsgroups model.
    """

    def __init__(self, data, info):
        at = info.header_offset
        if at + 30 > len(data):
            raise ModelFileError(f"the member {info.filename} is not where it says")
        header = struct.unpack("<4s2B4HL2L2H", data[at : at + 30])
        start = at + 30 + header[10] + header[11]  # the name and the extra field
        end = start + info.file_size
        if header[0] != b"PK\x03\x04" or end > len(data):
            raise ModelFileError(f"the member {info.filename} is not where it says")
        self._view, self._at = memoryview(data)[start:end], 0

    def readable(self):
        return True

    def seekable(self):
        return True

    def tell(self):
        return self._at

    def seek(self, offset, whence=io.SEEK_SET):
        base = (0, self._at, len(self._view))[whence]
        self._at = max(0, base + offset)
        return self._at

    def readinto(self, buffer):
        chunk = self._view[self._at : self._at + len(buffer)]
        buffer[: len(chunk)] = chunk
        self._at += len(chunk)
        return len(chunk)


def _declared_parameters(config):
    """Weights of the layers with ``units`` whose input width the config states."""
    total = 0
    for layer in (config.get("config") or {}).get("layers") or []:
        units = (layer.get("config") or {}).get("units")
        shape = (layer.get("build_config") or {}).get("input_shape") or [None]
        if isinstance(units, int) and isinstance(shape[-1], int):
            total += (shape[-1] + 1) * units
    return total


def _check_hdf5(data, size):
    import h5py

    sizes = []

    def visit(name, item):
        if isinstance(item, h5py.Dataset):
            sizes.append(int(np.prod(item.shape, dtype=np.int64)) * item.dtype.itemsize)

    with h5py.File(data, "r") as file:
        file.visititems(visit)
    if sum(sizes) > size:
        raise ModelFileError(
            f"the network's weights declare {sum(sizes)} bytes in a file of {size}"
        )


def token_patterns(skops_bytes):
    """The token patterns other than scikit-learn's default that the skops file's
    vectorizers use (read from its schema, nothing is built)."""
    with zipfile.ZipFile(io.BytesIO(skops_bytes)) as archive:
        schema = json.loads(archive.read("schema.json"))
    values, found = {}, []

    def walk(node, key=None):
        if isinstance(node, dict):
            if node.get("__loader__") == "JsonNode" and "__id__" in node:
                values[node["__id__"]] = node.get("content")
            if key == "token_pattern":
                found.append(node)
            for name, value in node.items():
                walk(value, name)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(schema)
    patterns = []
    for node in found:
        content = (
            node.get("content") if "content" in node else values.get(node.get("__id__"))
        )
        try:
            pattern = json.loads(content)
        except (TypeError, ValueError):
            pattern = repr(node)  # not plain JSON: trust it only by this name
        if pattern is not None and pattern != DEFAULT_TOKEN_PATTERN:
            patterns.append(pattern)
    return sorted(set(map(str, patterns)))


def check_consistency(estimator):
    """Refuse a loaded estimator whose fitted parts do not fit together."""
    import keras

    from ._base import _MLPMixin

    for item in _estimators(estimator):
        if isinstance(item, _MLPMixin) and "model_" in vars(item):
            if not isinstance(item.model_, keras.Model):
                raise ModelFileError("an estimator's network is not a Keras model")
            width = item.model_.input_shape[-1]
            if width != getattr(item, "n_features_in_", width):
                raise ModelFileError(
                    f"a network takes {width} features but its estimator "
                    f"{item.n_features_in_}"
                )
            _check_outputs(item)
        vocabulary = getattr(item, "vocabulary_", None)
        if isinstance(vocabulary, dict):
            _check_vocabulary(item, vocabulary)
        steps = [step for _, step in getattr(item, "steps", None) or []]
        for before, after in itertools.pairwise(steps):
            terms = getattr(before, "vocabulary_", None)
            features = getattr(after, "n_features_in_", None)
            if isinstance(terms, dict) and isinstance(after, _MLPMixin):
                if features is not None and len(terms) != features:
                    raise ModelFileError(
                        f"a vocabulary of {len(terms)} terms feeds a network of "
                        f"{features} features"
                    )


def _check_outputs(item):
    outputs = item.model_.output_shape[-1]
    expected = getattr(item, "n_outputs_", None)
    if hasattr(item, "classes_") and item.classes_ is not None:
        expected = 1 if item._target_kind == "binary" else len(item.classes_)
    if item.model is None and expected is not None and outputs != expected:
        raise ModelFileError(
            f"a network has {outputs} outputs for {expected} expected by its estimator"
        )


def _check_vocabulary(vectorizer, vocabulary):
    indices = np.fromiter(vocabulary.values(), dtype=np.int64, count=len(vocabulary))
    if len(indices) and (
        indices.min() < 0
        or indices.max() >= len(vocabulary)
        or len(np.unique(indices)) != len(vocabulary)
    ):
        raise ModelFileError("a vocabulary's indices are not 0 .. n-1")
    tfidf = getattr(vectorizer, "_tfidf", None)
    idf = getattr(tfidf, "idf_", None)
    if idf is not None and len(idf) != len(vocabulary):
        raise ModelFileError(
            f"a vectorizer has {len(idf)} idf weights for {len(vocabulary)} terms"
        )


def _estimators(root):
    """``root`` and the estimators inside it, in order (pipeline steps first)."""
    seen, stack, order = set(), [root], []
    while stack:
        item = stack.pop(0)
        if id(item) in seen:
            continue
        seen.add(id(item))
        if hasattr(item, "get_params"):
            order.append(item)
            stack[:0] = list(_children(vars(item)))
        elif isinstance(item, list | tuple):
            stack[:0] = list(_children(item))
    return order


def _children(values):
    items = values.values() if isinstance(values, dict) else values
    for value in items:
        if hasattr(value, "get_params") or isinstance(value, list | tuple):
            yield value


def refuse_keras_parameters(estimator):
    # skops cannot store live Keras objects; say which parameter holds one rather
    # than failing deep inside skops.
    if not hasattr(estimator, "get_params"):
        raise TypeError(
            "skbig.save expects a scikit-learn estimator, got "
            f"{type(estimator).__name__}"
        )
    for name, value in estimator.get_params(deep=True).items():
        values = value if isinstance(value, list | tuple) else [value]
        for item in values:
            if type(item).__module__.startswith(("keras", "tensorflow")):
                raise TypeError(
                    f"skbig.save cannot store the Keras object in parameter "
                    f"{name!r} ({type(item).__name__}); give it by name or class, "
                    "or use pickle for files you only load yourself"
                )
