"""skbig._file_checks: crafted model files are refused before they cost anything.

Each file here is small; what it declares (a member, a manifest, an asset, a
weight, a layer) is large, or its fitted state does not add up.
"""

import hashlib
import io
import json
import os
import zipfile

import h5py
import numpy as np
import pytest

import skbig
from skbig import ModelFileError, make_text_classifier

TINY = dict(
    tfidf__min_df=1,
    mlp__hidden_layer_sizes=(4,),
    mlp__epochs=2,
    mlp__early_stopping=False,
    mlp__random_state=0,
)
TEXTS = ["goal team win", "code data chip", "bake bread meal", "team score cup"] * 5
LABELS = ["sport", "tech", "food", "sport"] * 5


@pytest.fixture(scope="module")
def fitted():
    return make_text_classifier(**TINY).fit(TEXTS, LABELS)


@pytest.fixture(scope="module")
def saved(fitted, tmp_path_factory):
    path = tmp_path_factory.mktemp("checks") / "model.skbig"
    skbig.save(fitted, path)
    return path


def _members(path):
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def _write(path, members, manifest=None, compressed=()):
    """A model file of ``members``, re-signed as an attacker would."""
    meta = json.loads(members["skbig.json"])
    meta["sha256"] = {
        name: hashlib.sha256(data).hexdigest()
        for name, data in members.items()
        if name != "skbig.json"
    }
    if manifest:
        manifest(meta)
    members = dict(members, **{"skbig.json": json.dumps(meta).encode()})
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members.items():
            kind = zipfile.ZIP_DEFLATED if name in compressed else zipfile.ZIP_STORED
            archive.writestr(name, data, kind)
    return path


def _network(members, replace=(), drop=()):
    with zipfile.ZipFile(io.BytesIO(members["networks/0.keras"])) as archive:
        inner = {name: archive.read(name) for name in archive.namelist()}
    inner.update(replace)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in inner.items():
            if name not in drop:
                archive.writestr(name, data)
    return dict(members, **{"networks/0.keras": buffer.getvalue()})


def test_a_device_is_not_a_model_file(tmp_path):
    link = tmp_path / "zero.skbig"
    os.symlink("/dev/zero", link)
    with pytest.raises(ModelFileError, match="not a regular file"):
        skbig.load(link)


def test_a_huge_manifest_is_refused_before_it_is_read(saved, tmp_path):
    members = _members(saved)
    meta = json.loads(members["skbig.json"])
    meta["metadata"] = {"padding": " " * (9 * 2**20)}
    members["skbig.json"] = json.dumps(meta).encode()
    path = tmp_path / "padded.skbig"
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data, zipfile.ZIP_DEFLATED)
    assert path.stat().st_size < 2**20
    with pytest.raises(ModelFileError, match=r"skbig\.json declares"):
        skbig.model_info(path)


def test_a_compressed_junk_member_is_refused(saved, tmp_path):
    members = dict(_members(saved), junk=bytes(64 * 2**20))
    path = _write(tmp_path / "junk.skbig", members, compressed={"junk"})
    assert path.stat().st_size < 2**20
    with pytest.raises(ModelFileError, match="junk is compressed"):
        skbig.load(path)


def test_a_member_the_manifest_does_not_list_is_refused(saved, tmp_path):
    path = tmp_path / "extra.skbig"
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in _members(saved).items():
            archive.writestr(name, data)
        archive.writestr("extra", b"x")
    with pytest.raises(ModelFileError, match="unexpected members: extra"):
        skbig.load(path)


def test_network_assets_are_refused(saved, tmp_path):
    members = _network(_members(saved), replace={"assets/big.bin": b"0" * 1000})
    with pytest.raises(ModelFileError, match=r"unexpected members: assets/big\.bin"):
        skbig.load(_write(tmp_path / "assets.skbig", members))


def test_a_weight_declaring_more_than_its_file_is_refused(saved, tmp_path):
    buffer = io.BytesIO()
    with h5py.File(buffer, "w") as file:
        file.create_dataset("w", shape=(2**27,), dtype="f4", chunks=(2**16,))
    members = _network(_members(saved), replace={"model.weights.h5": buffer.getvalue()})
    with pytest.raises(ModelFileError, match="weights declare 536870912 bytes"):
        skbig.load(_write(tmp_path / "h5.skbig", members))


def test_a_layer_wider_than_its_weights_is_refused(saved, tmp_path):
    members = _members(saved)
    with zipfile.ZipFile(io.BytesIO(members["networks/0.keras"])) as archive:
        config = json.loads(archive.read("config.json"))
    config["config"]["layers"][1]["config"]["units"] = 2**24
    members = _network(members, replace={"config.json": json.dumps(config).encode()})
    with pytest.raises(ModelFileError, match=r"declares .* bytes of weights"):
        skbig.load(_write(tmp_path / "wide.skbig", members))


def test_a_token_pattern_from_a_file_needs_trust(tmp_path):
    pattern = r"(\w+\s?)+\d"
    model = make_text_classifier(**TINY, tfidf__token_pattern=pattern)
    path = tmp_path / "pattern.skbig"
    numbered = [f"{text} {i}" for i, text in enumerate(TEXTS)]
    skbig.save(model.fit(numbered, LABELS), path)
    assert skbig.model_info(path)["token_patterns"] == [pattern]
    with pytest.raises(ModelFileError, match="token pattern"):
        skbig.load(path)
    assert skbig.load(path, trusted=[pattern]).predict(numbered[:2]).shape == (2,)


@pytest.mark.parametrize("damage", ["string network", "vocabulary", "idf"])
def test_inconsistent_fitted_state_is_refused(fitted, tmp_path, damage):
    from sklearn.base import clone

    model = clone(fitted).fit(TEXTS, LABELS)
    if damage == "string network":
        model[-1].model_ = "not a network"
    elif damage == "vocabulary":
        model[0].vocabulary_ = dict(list(model[0].vocabulary_.items())[1:])
    else:
        model[0]._tfidf.idf_ = np.ones(3)
    path = tmp_path / "bad.skbig"
    skbig.save(model, path)
    with pytest.raises(ModelFileError, match=r"network|vocabulary|idf"):
        skbig.load(path)


@pytest.mark.parametrize(
    "change",
    [lambda m: m.pop("estimator"), lambda m: m.update(metadata=["a", "list"])],
    ids=["no estimator", "list metadata"],
)
def test_an_incomplete_manifest_is_a_model_file_error(saved, tmp_path, change):
    path = _write(tmp_path / "manifest.skbig", _members(saved), manifest=change)
    with pytest.raises(ModelFileError, match="incomplete"):
        skbig.model_info(path)


@pytest.mark.parametrize("trusted", ["a.B", True, [1]])
def test_trusted_of_the_wrong_type_is_a_type_error(saved, trusted):
    with pytest.raises(TypeError, match="trusted"):
        skbig.load(saved, trusted=trusted)


def test_trusted_may_be_any_iterable_and_files_may_be_objects(saved):
    assert skbig.load(saved, trusted=(name for name in ["a.B"])) is not None
    assert skbig.load(io.BytesIO(saved.read_bytes())).predict(TEXTS[:1]).shape == (1,)
    with pytest.raises(ModelFileError, match="<BytesIO>"):
        skbig.load(io.BytesIO(b"not a zip file"))


def test_a_stored_member_is_read_in_place_as_zipfile_reads_it():
    from skbig._file_checks import _StoredMember

    payload = np.random.RandomState(0).bytes(50_000)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("first.json", b"{}")
        archive.writestr(zipfile.ZipInfo("model.weights.h5"), payload)
    data = buffer.getvalue()
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        info = archive.getinfo("model.weights.h5")
    member = _StoredMember(data, info)
    assert member.seek(0, io.SEEK_END) == len(payload)
    for at, n in [(40_000, 100), (10, 7), (49_990, 64), (0, 50_000)]:
        member.seek(at)
        assert member.read(n) == payload[at : at + n]
        assert member.tell() == min(at + n, len(payload))
    moved = zipfile.ZipInfo("model.weights.h5")
    moved.header_offset, moved.file_size = len(data) - 10, info.file_size
    with pytest.raises(ModelFileError, match="is not where it says"):
        _StoredMember(data, moved)
    moved.header_offset = 0  # the first member's header, not this one's data
    moved.file_size = len(data)
    with pytest.raises(ModelFileError, match="is not where it says"):
        _StoredMember(data, moved)
