"""Model files: ``skbig.save``, ``skbig.load`` and ``skbig.model_info``.

A model file is a zip archive holding three kinds of member:

``skbig.json``
    The manifest: format name and version, the versions of the libraries that wrote
    the file, the estimator's type, and the SHA-256 of every other member.
``estimator.skops``
    The scikit-learn side (pipeline, vectorizer, skbig wrapper) in skops' format,
    which rebuilds objects from a schema and refuses types nobody trusted, instead
    of unpickling. Each Keras network in it is a :class:`NetworkRef` placeholder.
``networks/<i>.keras``
    Each network in Keras' own format, loaded with ``safe_mode=True``.

The checksums are verified before any member is parsed, so a damaged file is
refused before its bytes reach the zip, HDF5 or JSON readers.
"""

import contextlib
import hashlib
import io
import json
import os
import platform
import warnings
import zipfile

from . import _file_checks, _format1
from ._file_checks import ModelFileError
from ._files import write_atomically
from ._names import public
from ._network.state import (
    collecting_networks,
    network_from_bytes,
    providing_networks,
)
from ._privacy import guarantee
from ._runtime import quiet
from ._version import __version__

FORMAT_NAME = "skbig-model"
FORMAT_VERSION = 3
_MANIFEST = "skbig.json"
_ESTIMATOR = "estimator.skops"
_NETWORK = "networks/{}.keras"

#: Types that skops does not trust by default but that skbig's estimators are made
#: of, by their public names (everything scikit-learn ships is trusted by skops).
#: Formats 2 and 3 name nothing else of skbig's, and nothing of scikeras'.
_SKBIG_TRUSTED = (
    "skbig.MLPClassifier",
    "skbig.MLPRegressor",
    "skbig.TextPipeline",
    "skbig.TfidfVectorizer",
    "skbig.HashingVectorizer",
    "numpy.dtype",
)

_VERSIONED = ("skbig", "scikit-learn", "keras", "tensorflow")


@public
class ModelVersionWarning(UserWarning):
    """A model file written with other versions of skbig or its dependencies."""


# -------------------------------------------------------------------- saving
def save(estimator, path, *, metadata=None, include_optimizer=True):
    """Save a fitted estimator to a model file that is safe to load.

    Works for skbig estimators and for scikit-learn pipelines, searches' best
    estimators and column transformers built of skbig estimators and scikit-learn
    transformers. The file is written beside ``path`` under a temporary name,
    flushed to disk and renamed over ``path``, so a crash at any point leaves
    either the previous file or the new one, never a partial one.

    Parameters
    ----------
    estimator : estimator
        The fitted estimator or pipeline.
    path : str or path-like
        Where to write the file; ``.skbig`` is the customary suffix.
    metadata : dict, default=None
        JSON-serialisable facts to keep with the model (what the columns were
        called, how it was trained); :func:`model_info` reads them back.
    include_optimizer : bool, default=True
        Keep each network's optimizer state (Adam's or Adagrad's slots, as large
        as the weights or twice), so that ``warm_start`` continues exactly where
        training stopped. False writes a file for inference only, often half the
        size: predictions are the same, and a warm start after loading it
        restarts the optimizer from its initial state.

    See Also
    --------
    load : Read the file back.
    model_info : Read the manifest without loading the model.

    Examples
    --------
    >>> import os, tempfile
    >>> import skbig
    >>> clf = skbig.MLPClassifier((4,), n_iter_no_change=5, random_state=0)
    >>> clf = clf.fit([[0.0, 1.0], [1.0, 0.0]], ["a", "b"])
    >>> path = os.path.join(tempfile.mkdtemp(), "model.skbig")
    >>> skbig.save(clf, path)
    >>> skbig.load(path).predict([[0.0, 1.0]]).shape
    (1,)
    """
    import skops.io

    _file_checks.refuse_keras_parameters(estimator)
    try:
        metadata = json.loads(json.dumps(metadata or {}))
    except (TypeError, ValueError) as error:
        raise TypeError(f"metadata must be JSON-serialisable: {error}") from None
    with collecting_networks(include_optimizer) as networks, quiet():
        estimator_bytes = skops.io.dumps(estimator)

    members = {_ESTIMATOR: estimator_bytes}
    members.update((_NETWORK.format(i), data) for i, data in networks.values())
    manifest = {
        "format": FORMAT_NAME,
        "format_version": FORMAT_VERSION,
        "estimator": _qualified_name(type(estimator)),
        "versions": _versions(),
        "networks": len(networks),
        "optimizer_state": bool(include_optimizer),
        "privacy": guarantee(estimator),
        "metadata": metadata,
        "sha256": {
            name: hashlib.sha256(data).hexdigest() for name, data in members.items()
        },
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(
            _MANIFEST, json.dumps(manifest, indent=2), zipfile.ZIP_DEFLATED
        )
        for name, data in members.items():
            # skops and .keras files are zip archives already.
            archive.writestr(name, data, zipfile.ZIP_STORED)
    write_atomically(os.fspath(path), buffer.getbuffer())


# -------------------------------------------------------------------- loading
def load(path, trusted=None):
    """Load a model file written by :func:`save`, without running untrusted code.

    The scikit-learn side is rebuilt by skops, which refuses any type that is not
    trusted; the networks are loaded by Keras in safe mode. A file written with
    other versions of skbig, scikit-learn, Keras or TensorFlow loads with a
    :class:`ModelVersionWarning`.

    Parameters
    ----------
    path : str or path-like
        A file written by :func:`save`.
    trusted : list of str, default=None
        Fully qualified names of types to trust on top of scikit-learn's, numpy's
        and skbig's own: for example the module-level function of a user's own
        ``FunctionTransformer``. Only list types whose code you trust; the
        :class:`ModelFileError` for an untrusted file names the types it holds.

    Returns
    -------
    estimator : estimator
        The fitted estimator, predicting exactly as the saved one did.

    Raises
    ------
    ModelFileError
        The file is damaged, truncated, not an skbig model file, written by a
        newer skbig, or references types that are not trusted.
    """
    trusted = _trusted_names(trusted)
    manifest, members = _read_file(path)
    _warn_about_versions(manifest, path)
    with _file_errors(path, "could not be loaded"):
        estimator = _construct(manifest, members, trusted)
        _file_checks.check_consistency(estimator)
        return estimator


def _trusted_names(trusted):
    if trusted is None:
        return ()
    if isinstance(trusted, str | bytes) or not hasattr(trusted, "__iter__"):
        raise TypeError(
            "trusted must be a list of fully qualified type names or token "
            f"patterns, not {type(trusted).__name__}"
        )
    trusted = tuple(trusted)
    if not all(isinstance(name, str) for name in trusted):
        raise TypeError("trusted must hold strings only")
    return trusted


def _read_file(path, networks=True):
    """The manifest and the checked members (``networks=False``: not the networks)."""
    with _file_errors(path, "is not a readable skbig model file"):
        _file_checks.check_regular_file(path)
        with zipfile.ZipFile(path) as archive:
            return _read_members(archive, networks)


def _name(path):
    if isinstance(path, str | bytes | os.PathLike):
        return str(os.fspath(path))
    return f"<{type(path).__name__}>"


@contextlib.contextmanager
def _file_errors(path, problem):
    """Turn whatever goes wrong inside into one ModelFileError naming the file.

    OSError (a missing or unreadable file) passes through as it is.
    """
    try:
        yield
    except OSError:
        raise
    except ModelFileError as error:
        raise ModelFileError(f"{_name(path)}: {error}") from None
    except Exception as error:
        raise ModelFileError(
            f"{_name(path)} {problem} ({type(error).__name__}: {error})"
        ) from error


def model_info(path):
    """The manifest of a model file, read without loading the model.

    Parameters
    ----------
    path : str or path-like
        A file written by :func:`save`.

    Returns
    -------
    info : dict
        ``format_version``, ``estimator`` (its type's qualified name), ``versions``
        (of the libraries that wrote it), ``networks``, ``optimizer_state``
        (False for a file saved with ``include_optimizer=False``), ``privacy``
        (a private fit's guarantee: epsilon, delta, noise multiplier, sampling
        rate, steps; else None), ``metadata``
        and ``token_patterns`` (the vectorizers' regular expressions other than
        scikit-learn's default, which loading needs you to trust).

    Raises
    ------
    ModelFileError
        The file is not a readable skbig model file.
    """
    manifest, members = _read_file(path, networks=False)
    with _file_errors(path, "is not a readable skbig model file"):
        patterns = _file_checks.token_patterns(members[_ESTIMATOR])
    info = {key: manifest[key] for key in ("format_version", "estimator", "versions")}
    info["networks"] = manifest["networks"]
    # Files written before include_optimizer existed always kept the state.
    info["optimizer_state"] = manifest.get("optimizer_state", True) is not False
    privacy = manifest.get("privacy")
    info["privacy"] = privacy if isinstance(privacy, dict) else None
    info["metadata"] = manifest.get("metadata") or {}
    info["token_patterns"] = patterns
    return info


def _read_members(archive, networks=True):
    names = set(archive.namelist())
    if _MANIFEST not in names:
        raise ModelFileError(f"not an skbig model file (no {_MANIFEST} inside)")
    _file_checks.check_manifest_size(archive)
    try:
        manifest = json.loads(archive.read(_MANIFEST))
    except ValueError as error:
        raise ModelFileError(f"the manifest is damaged ({error})") from error
    _check_manifest(manifest)
    _file_checks.check_archive(archive, manifest["sha256"])
    members = {}
    for name, digest in manifest["sha256"].items():
        if not networks and name != _ESTIMATOR:
            continue
        if name not in names:
            raise ModelFileError(f"the member {name} is missing (truncated file?)")
        data = archive.read(name)
        if hashlib.sha256(data).hexdigest() != digest:
            raise ModelFileError(f"the member {name} is damaged (checksum mismatch)")
        members[name] = data
    return manifest, members


def _check_manifest(manifest):
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT_NAME:
        raise ModelFileError("not an skbig model file (unknown manifest format)")
    version = manifest.get("format_version")
    if not isinstance(version, int):
        raise ModelFileError("the manifest has no valid format_version")
    if version > FORMAT_VERSION:
        raise ModelFileError(
            f"written in model file format {version} by skbig "
            f"{manifest.get('versions', {}).get('skbig', '?')}; this skbig reads "
            f"format {FORMAT_VERSION} and older: upgrade skbig to load it"
        )
    digests = manifest.get("sha256")
    networks = manifest.get("networks")
    if (
        not isinstance(digests, dict)
        or _ESTIMATOR not in digests
        or not all(isinstance(v, str) for v in digests.values())
        or not isinstance(networks, int)
        or not all(_NETWORK.format(i) in digests for i in range(networks))
        or not isinstance(manifest.get("versions"), dict)
        or not isinstance(manifest.get("estimator"), str)
        or not isinstance(manifest.get("metadata") or {}, dict)
    ):
        raise ModelFileError("the manifest is incomplete")


def _warn_about_versions(manifest, path):
    now = _versions()
    then = manifest["versions"]
    changed = [
        f"{name} {then.get(name, '?')} -> {now[name]}"
        for name in _VERSIONED
        if then.get(name) != now[name]
    ]
    if changed:
        warnings.warn(
            f"{_name(path)} was written with other library versions "
            f"({', '.join(changed)}); predictions may differ slightly. Re-save it "
            "with the current versions once checked.",
            ModelVersionWarning,
            stacklevel=4,  # the caller of skbig.load
        )


def _construct(manifest, members, trusted):
    import skops.io

    allowed = set(_SKBIG_TRUSTED) | set(trusted or ())
    data = members[_ESTIMATOR]
    expected = manifest["estimator"]
    if manifest["format_version"] == 1:
        data, expected = _format1.upgraded(data), _format1.upgraded_name(expected)
        allowed |= set(_format1.TRUSTED)
    patterns = _file_checks.token_patterns(data)
    untrusted = [p for p in patterns if p not in trusted]
    if untrusted:
        raise ModelFileError(
            f"a vectorizer uses the token pattern {untrusted[0]!r}: a regular "
            "expression from a file can run for minutes on a short text. Pass it "
            "as skbig.load(..., trusted=[pattern]) only if you trust it"
        )
    found = set(skops.io.get_untrusted_types(data=data))
    refused = sorted(found - allowed)
    if refused:
        raise ModelFileError(
            f"the file references types that are not trusted: {', '.join(refused)}. "
            "Pass them as skbig.load(..., trusted=[...]) only if you trust their "
            "code and the file's author."
        )
    keras_version = manifest["versions"].get("keras")
    networks = [
        _load_network(members, i, keras_version) for i in range(manifest["networks"])
    ]
    with providing_networks(networks), quiet():
        estimator = skops.io.loads(data, trusted=sorted(found))
    if _qualified_name(type(estimator)) != expected:
        raise ModelFileError(
            f"the manifest says {manifest['estimator']} but the file holds "
            f"{_qualified_name(type(estimator))}"
        )
    return estimator


def _load_network(members, index, keras_version):
    # Taken out of ``members`` so that the file's copy of a large network is
    # freed before Keras reads its own.
    try:
        data = [members.pop(_NETWORK.format(index))]
        _file_checks.check_network(data[0])
        return network_from_bytes(data)  # empties ``data``
    except Exception as error:
        raise _file_checks.network_error(index, error, keras_version) from error


def _versions():
    from importlib.metadata import PackageNotFoundError, version

    found = {"python": platform.python_version(), "skbig": __version__}
    for name in (*_VERSIONED[1:], "numpy", "scipy", "skops", "scikeras"):
        try:
            found[name] = version(name)
        except PackageNotFoundError:
            found[name] = None
    return found


def _qualified_name(cls):
    return f"{cls.__module__}.{cls.__qualname__}"
