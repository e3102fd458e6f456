"""skbig.save / skbig.load: exact round trips, atomic writes, and refusing bad files."""

import hashlib
import io
import json
import os
import pathlib
import pickle
import signal
import subprocess
import sys
import time
import warnings
import zipfile

import keras
import numpy as np
import pytest
import skops.io
from conftest import skip_unless_this_keras_reads
from sklearn.compose import ColumnTransformer
from sklearn.feature_extraction.text import CountVectorizer, HashingVectorizer
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import FunctionTransformer, make_pipeline
from sklearn.preprocessing import MaxAbsScaler, OneHotEncoder

import skbig
from skbig import MLPClassifier, MLPRegressor, ModelFileError, ModelVersionWarning
from skbig._network.state import network_state

TINY = dict(hidden_layer_sizes=(8,), epochs=3, batch_size=64, random_state=0)


@pytest.fixture(scope="module")
def saved(fitted_pipeline, tmp_path_factory):
    path = tmp_path_factory.mktemp("saved") / "model.skbig"
    skbig.save(fitted_pipeline, path)
    return path


def test_a_file_for_inference_only_is_smaller_and_says_so(
    saved, fitted_pipeline, corpus, tmp_path
):
    path = tmp_path / "inference.skbig"
    skbig.save(fitted_pipeline, path, include_optimizer=False)
    # The network member loses the optimizer's slots: here Adagrad's accumulator
    # beside the first layer's kernel, at least as many bytes as the kernel.
    kernel = fitted_pipeline[-1].model_.get_layer("hidden_0").kernel
    network = "networks/0.keras"
    light, full = (zipfile.ZipFile(p).getinfo(network).file_size for p in (path, saved))
    assert light <= full - 4 * np.prod(kernel.shape)
    assert skbig.model_info(path)["optimizer_state"] is False
    assert skbig.model_info(saved)["optimizer_state"] is True
    _same_predictions(skbig.load(path), fitted_pipeline, corpus[0])


def test_the_vocabulary_is_stored_as_arrays_not_schema_nodes(saved, fitted_pipeline):
    # One schema node per term made loading 20 Newsgroups' 56,000 terms take
    # seconds and a third of the estimator member's bytes (benchmarks/README.md).
    with zipfile.ZipFile(saved) as archive:
        member = zipfile.ZipFile(io.BytesIO(archive.read("estimator.skops")))
        schema = member.read("schema.json").decode()
    terms = fitted_pipeline[0].vocabulary_
    assert len(terms) > 20
    assert not [term for term in terms if json.dumps(term) in schema]
    assert skbig.load(saved)[0].vocabulary_ == terms


def test_a_network_member_is_handed_to_keras_not_kept(monkeypatch, saved):
    # The file's copy of a network is freed before Keras reads its own: keeping it
    # raised the peak memory of loading 20 Newsgroups' model by 221 MB.
    from skbig import _model_file

    references = []
    real = _model_file.network_from_bytes

    def spy(data):
        references.append(sys.getrefcount(data[0]))  # the list's and the argument's
        return real(data)

    monkeypatch.setattr(_model_file, "network_from_bytes", spy)
    skbig.load(saved)
    assert references == [2]


def test_a_format_2_file_loads_and_predicts_as_written():
    # Written by commit b9fc62b (format 2, the vocabulary as a dict) from
    # documents with accents, CJK and an emoji.
    data = pathlib.Path(__file__).parent / "data"
    expected = json.loads((data / "format2_expected.json").read_text("utf-8"))
    assert skbig.model_info(data / "format2_text.skbig")["format_version"] == 2
    skip_unless_this_keras_reads(data / "format2_text.skbig")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ModelVersionWarning)
        model = skbig.load(data / "format2_text.skbig")
    assert model[0].vocabulary_ == expected["vocabulary"]
    # written before nb_weights existed: its network read unweighted columns
    assert model[-1].get_params()["nb_weights"] is False
    assert model[-1].get_params()["densify_tables"] is False
    np.testing.assert_allclose(
        model.predict_proba(expected["texts"]), expected["proba"], rtol=1e-5
    )
    assert model.predict(expected["texts"]).tolist() == expected["labels"]


def _same_predictions(a, b, X):
    np.testing.assert_array_equal(a.predict_proba(X), b.predict_proba(X))
    np.testing.assert_array_equal(a.predict(X), b.predict(X))


def test_pipeline_round_trip(saved, fitted_pipeline, corpus):
    loaded = skbig.load(saved)
    _same_predictions(loaded, fitted_pipeline, corpus[0])
    assert loaded.get_params()["mlp__hidden_layer_sizes"] == (16,)
    assert loaded[-1].history_ == fitted_pipeline[-1].history_


def test_file_layout_and_versions(saved):
    with zipfile.ZipFile(saved) as archive:
        manifest = json.loads(archive.read("skbig.json"))
        names = set(archive.namelist())
    assert names == {"skbig.json", "estimator.skops", "networks/0.keras"}
    assert manifest["format"] == "skbig-model"
    assert manifest["format_version"] == 3
    assert manifest["estimator"] == "skbig.TextPipeline"
    assert manifest["versions"]["skbig"] == skbig.__version__
    assert manifest["versions"]["keras"] == keras.__version__
    for name in ("scikit-learn", "tensorflow"):
        assert manifest["versions"][name]


@pytest.mark.parametrize(
    "make",
    [
        lambda: make_pipeline(CountVectorizer(), MLPClassifier(**TINY)),
        lambda: make_pipeline(
            HashingVectorizer(n_features=2**10), MaxAbsScaler(), MLPClassifier(**TINY)
        ),
        lambda: make_pipeline(
            ColumnTransformer(
                [
                    ("text", CountVectorizer(), 0),
                    ("kind", OneHotEncoder(handle_unknown="ignore"), [1]),
                ]
            ),
            MLPClassifier(**TINY),
        ),
    ],
    ids=["count", "hashing-scaler", "column-transformer"],
)
def test_pipelines_of_scikit_learn_transformers(make, corpus, tmp_path):
    texts, labels = corpus
    X = texts
    if "ColumnTransformer" in repr(make()):
        X = np.array([[t, t.split()[0]] for t in texts], dtype=object)
    model = make().fit(X, labels)
    skbig.save(model, tmp_path / "m.skbig")
    _same_predictions(skbig.load(tmp_path / "m.skbig"), model, X)


@pytest.mark.slow
def test_grid_search_best_estimator(corpus, tmp_path):
    texts, labels = corpus
    search = GridSearchCV(
        skbig.make_text_classifier(**{f"mlp__{k}": v for k, v in TINY.items()}),
        {"mlp__hidden_layer_sizes": [(4,), (8,)]},
        cv=2,
    ).fit(texts, labels)
    skbig.save(search.best_estimator_, tmp_path / "best.skbig")
    _same_predictions(skbig.load(tmp_path / "best.skbig"), search, texts)


def _named_types(path):
    """Every (module, name) the skops schema and the Keras config of a file name."""
    import re

    with zipfile.ZipFile(path) as archive:
        inner = zipfile.ZipFile(io.BytesIO(archive.read("estimator.skops")))
        schema = inner.read("schema.json").decode()
        network = zipfile.ZipFile(io.BytesIO(archive.read("networks/0.keras")))
        config = network.read("config.json").decode()
    modules = set(re.findall(r'"__module__": "([^"]*)"', schema))
    return modules | set(re.findall(r'"module": "([^"]*)"', config))


def test_format_2_names_only_public_identifiers(saved, tmp_path):
    # Renaming a module of skbig or a change inside scikeras cannot break a file.
    rng = np.random.RandomState(0)
    X = rng.rand(40, 3)
    paths = [saved]
    for name, model, y in [
        ("multilabel", MLPClassifier(**TINY), (X > 0.5).astype(int)),
        ("regressor", MLPRegressor(**TINY), X.sum(axis=1)),
    ]:
        skbig.save(model.fit(X, y), tmp_path / f"{name}.skbig")
        paths.append(tmp_path / f"{name}.skbig")
    for path in paths:
        modules = _named_types(path)
        assert "skbig" in modules
        private = {m for m in modules if m.startswith(("skbig.", "scikeras"))}
        assert not private, (path, private)
    # Pickles, too, name skbig's classes by their public names only.
    data = pickle.dumps(MLPClassifier(**TINY).fit(X, X[:, 0] > 0.5))
    assert b"skbig._" not in data and b"scikeras" not in data


def test_multilabel_and_regressor(tmp_path):
    rng = np.random.RandomState(0)
    X = rng.rand(60, 5).astype("float32")
    Y = (X[:, :3] > 0.5).astype(int)
    clf = MLPClassifier(**TINY).fit(X, Y)
    skbig.save(clf, tmp_path / "clf.skbig")
    _same_predictions(skbig.load(tmp_path / "clf.skbig"), clf, X)
    reg = MLPRegressor(**TINY).fit(X, X.sum(axis=1))
    skbig.save(reg, tmp_path / "reg.skbig")
    np.testing.assert_array_equal(
        skbig.load(tmp_path / "reg.skbig").predict(X), reg.predict(X)
    )


def test_warm_start_continues_after_loading(corpus, tmp_path):
    texts, labels = corpus
    model = skbig.make_text_classifier(
        mlp__warm_start=True, **{f"mlp__{k}": v for k, v in TINY.items()}
    )
    model.fit(texts, labels)
    skbig.save(model, tmp_path / "m.skbig")
    loaded = skbig.load(tmp_path / "m.skbig")
    loaded.fit(texts, labels)
    assert loaded[-1].n_iter_ == 2 * TINY["epochs"]
    # As if it had never been saved: weights, optimizer state and where dropout's
    # random masks got to all carry over.
    model.fit(texts, labels)
    np.testing.assert_allclose(
        loaded.predict_proba(texts), model.predict_proba(texts), atol=1e-6
    )


LOAD_AND_PREDICT = """
import sys, numpy as np, skbig
model = skbig.load(sys.argv[1])
np.save(sys.argv[2], model.predict_proba(sys.argv[3:]))
"""


@pytest.mark.slow
def test_same_predictions_in_a_fresh_process(saved, fitted_pipeline, corpus, tmp_path):
    texts = list(corpus[0][:20])
    out = tmp_path / "proba.npy"
    subprocess.run(
        [sys.executable, "-c", LOAD_AND_PREDICT, str(saved), str(out), *texts],
        check=True,
        timeout=300,
    )
    np.testing.assert_array_equal(np.load(out), fitted_pipeline.predict_proba(texts))


def test_pickle_and_joblib_still_work(fitted_pipeline, corpus):
    # pickle keeps working (and stays independent of skbig.save's context)
    loaded = pickle.loads(pickle.dumps(fitted_pipeline))
    _same_predictions(loaded, fitted_pipeline, corpus[0])


def test_keras_object_parameters_are_refused_with_a_clear_error(tmp_path):
    model = MLPClassifier(optimizer=keras.optimizers.SGD(), **TINY)
    model.fit([[0.0, 1.0], [1.0, 0.0]], [0, 1])
    with pytest.raises(TypeError, match="parameter 'optimizer'"):
        skbig.save(model, tmp_path / "m.skbig")
    assert not os.listdir(tmp_path)


# ---------------------------------------------------------------- atomic writes
def test_failed_save_keeps_the_old_file(saved, tmp_path, monkeypatch, fitted_pipeline):
    path = tmp_path / "m.skbig"
    path.write_bytes(saved.read_bytes())

    def broken_fsync(fd):
        raise OSError("disk full")

    monkeypatch.setattr(os, "fsync", broken_fsync)
    with pytest.raises(OSError, match="disk full"):
        skbig.save(fitted_pipeline, path)
    assert os.listdir(tmp_path) == ["m.skbig"]  # no temporary left behind
    assert path.read_bytes() == saved.read_bytes()


SAVE_FOREVER = """
import os, sys, pickle, time, skbig
with open(sys.argv[1], "rb") as f:
    models = pickle.load(f)
skbig.save(models[0], sys.argv[2])
if sys.argv[3] == "before-rename":
    def stall(source, target):
        print("renaming", flush=True)
        time.sleep(600)
    os.replace = stall
print("ready", flush=True)
i = 1
while True:
    skbig.save(models[i % 2], sys.argv[2])
    i += 1
"""


@pytest.mark.slow
@pytest.mark.parametrize("when", ["before-rename", "random"])
def test_killed_saves_leave_a_whole_file(corpus, tmp_path, when):
    texts, labels = corpus
    params = {f"mlp__{k}": v for k, v in TINY.items()}
    models = [
        skbig.make_text_classifier(**dict(params, mlp__random_state=seed)).fit(
            texts, labels
        )
        for seed in (0, 1)
    ]
    expected = [m.predict_proba(texts) for m in models]
    (tmp_path / "models.pkl").write_bytes(pickle.dumps(models))
    path = tmp_path / "m.skbig"
    rng = np.random.RandomState(0)
    for _ in range(1 if when == "before-rename" else 2):
        child = subprocess.Popen(
            [
                sys.executable,
                "-c",
                SAVE_FOREVER,
                str(tmp_path / "models.pkl"),
                str(path),
                when,
            ],
            stdout=subprocess.PIPE,
            text=True,
        )
        assert child.stdout.readline().strip() == "ready"
        if when == "before-rename":
            # The new file is fully written under its temporary name.
            assert child.stdout.readline().strip() == "renaming"
        else:
            time.sleep(rng.uniform(0, 1.5))  # lands at a random point of a save
        child.send_signal(signal.SIGKILL)
        child.wait()
        proba = skbig.load(path).predict_proba(texts)
        assert any(np.array_equal(proba, e) for e in expected)
    if when == "before-rename":
        np.testing.assert_array_equal(proba, expected[0])  # the old file, untouched
        leftovers = [name for name in os.listdir(tmp_path) if name.endswith(".tmp")]
        assert len(leftovers) == 1


# ---------------------------------------------------------------- bad files
def _rewrite(source, target, replace=(), manifest=None, fix_checksums=True):
    """Copy a model file, replacing members; re-sign like an attacker would."""
    with zipfile.ZipFile(source) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    members.update(replace)
    meta = json.loads(members["skbig.json"])
    if fix_checksums:
        for name in meta["sha256"]:
            meta["sha256"][name] = hashlib.sha256(members[name]).hexdigest()
    if manifest:
        manifest(meta)
    members["skbig.json"] = json.dumps(meta).encode()
    with zipfile.ZipFile(target, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return target


def test_version_differences_warn_but_load(saved, tmp_path, corpus, fitted_pipeline):
    def older(meta):
        meta["versions"]["keras"] = "3.0.0"
        meta["versions"]["skbig"] = "0.0.1"

    path = _rewrite(saved, tmp_path / "old.skbig", manifest=older)
    with pytest.warns(
        ModelVersionWarning, match=r"skbig 0\.0\.1 -> .*keras 3\.0\.0 -> "
    ):
        loaded = skbig.load(path)
    _same_predictions(loaded, fitted_pipeline, corpus[0])


def _with_a_layer_option(network, name):
    """The ``.keras`` bytes ``network`` with an option ``name`` added to each
    layer's config, as a later Keras might write one."""
    with zipfile.ZipFile(io.BytesIO(network)) as archive:
        members = {n: archive.read(n) for n in archive.namelist()}
    config = json.loads(members["config.json"])
    for layer in config["config"]["layers"]:
        if layer["class_name"] != "InputLayer":
            layer["config"][name] = None
    members["config.json"] = json.dumps(config).encode()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for n, data in members.items():
            archive.writestr(n, data)
    return out.getvalue()


@pytest.mark.parametrize("written_with", ["99.0.0", None])
def test_a_network_from_a_newer_keras_says_to_upgrade_keras(
    saved, tmp_path, written_with
):
    with zipfile.ZipFile(saved) as archive:
        network = archive.read("networks/0.keras")
    option = {"networks/0.keras": _with_a_layer_option(network, "future_option")}

    def by(meta):
        meta["versions"]["keras"] = written_with or keras.__version__

    path = _rewrite(saved, tmp_path / "later.skbig", replace=option, manifest=by)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ModelVersionWarning)
        with pytest.raises(ModelFileError, match="future_option") as refused:
            skbig.load(path)
    hint = f"written with Keras 99.0.0 and this is Keras {keras.__version__}"
    assert (hint in str(refused.value)) == (written_with is not None)
    assert "upgrade Keras" in str(refused.value) or written_with is None


def test_newer_format_is_refused(saved, tmp_path):
    def newer(meta):
        meta["format_version"] = 99

    path = _rewrite(saved, tmp_path / "new.skbig", manifest=newer)
    with pytest.raises(ModelFileError, match=r"format 99.*upgrade skbig"):
        skbig.load(path)


def _assert_refused_or_identical(path, reference, texts):
    try:
        loaded = skbig.load(path)
    except ModelFileError:
        return "refused"
    # A flip in bytes nobody reads (zip comments, padding) is harmless.
    _same_predictions(loaded, reference, texts)
    return "identical"


def test_truncated_and_flipped_files_are_refused(
    saved, tmp_path, fitted_pipeline, corpus
):
    data = saved.read_bytes()
    texts = corpus[0][:30]
    outcomes = []
    for fraction in np.linspace(0, 0.999, 12):
        path = tmp_path / "cut.skbig"
        path.write_bytes(data[: int(len(data) * fraction)])
        with pytest.raises(ModelFileError):
            skbig.load(path)
        outcomes.append("refused")
    rng = np.random.RandomState(0)
    for position in rng.choice(len(data), size=40, replace=False):
        damaged = bytearray(data)
        damaged[position] ^= 0xFF
        path = tmp_path / "flip.skbig"
        path.write_bytes(bytes(damaged))
        outcomes.append(_assert_refused_or_identical(path, fitted_pipeline, texts))
    # Nearly every byte of the file is covered by a checksum.
    assert outcomes.count("refused") >= 45


def test_other_formats_are_refused(tmp_path, fitted_pipeline):
    candidates = {
        "empty": b"",
        "text": b"hello, world\n",
        "json": b'{"format": "skbig-model"}',
        "pickle": pickle.dumps(fitted_pipeline),
        "skops": skops.io.dumps(fitted_pipeline[0]),
        "keras": network_state(fitted_pipeline[-1].model_),
        "png": b"\x89PNG\r\n\x1a\n" + bytes(100),
        "zip": _zip({"readme.txt": b"nothing here"}),
        "bad-manifest": _zip({"skbig.json": b"[1, 2, 3]"}),
        "manifest-only": _zip(
            {
                "skbig.json": json.dumps(
                    {"format": "skbig-model", "format_version": 1}
                ).encode()
            }
        ),
    }
    for name, data in candidates.items():
        path = tmp_path / f"{name}.skbig"
        path.write_bytes(data)
        with pytest.raises(ModelFileError, match=str(path)):
            skbig.load(path)


def _zip(members):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def test_a_missing_file_is_a_plain_file_not_found_error(tmp_path):
    with pytest.raises(FileNotFoundError):
        skbig.load(tmp_path / "nope.skbig")


def test_untrusted_function_is_refused(saved, tmp_path, fitted_pipeline):
    # A model that would run a shell command on every transform.
    payload = skops.io.dumps(
        make_pipeline(FunctionTransformer(os.system), fitted_pipeline)
    )
    path = _rewrite(
        saved, tmp_path / "evil.skbig", replace={"estimator.skops": payload}
    )
    with pytest.raises(ModelFileError, match=r"not trusted: .*system"):
        skbig.load(path)


def test_crafted_object_types_are_refused(saved, tmp_path):
    # Point the pipeline's node at subprocess.Popen, as a hand-crafted file could.
    with zipfile.ZipFile(io.BytesIO(_member(saved, "estimator.skops"))) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    schema = json.loads(members["schema.json"])
    schema["__module__"], schema["__class__"] = "subprocess", "Popen"
    members["schema.json"] = json.dumps(schema).encode()
    path = _rewrite(
        saved, tmp_path / "popen.skbig", replace={"estimator.skops": _zip(members)}
    )
    with pytest.raises(ModelFileError, match=r"not trusted: .*subprocess\.Popen"):
        skbig.load(path)


def lowercase(texts):
    return [text.lower() for text in texts]


def test_trusted_lets_the_user_accept_their_own_functions(corpus, tmp_path):
    texts, labels = corpus
    model = make_pipeline(
        FunctionTransformer(lowercase),
        CountVectorizer(),
        MLPClassifier(**TINY),
    )
    model.fit(np.asarray(texts, dtype=object), labels)
    skbig.save(model, tmp_path / "m.skbig")
    name = f"{__name__}.lowercase"
    with pytest.raises(ModelFileError, match=name):
        skbig.load(tmp_path / "m.skbig")
    loaded = skbig.load(tmp_path / "m.skbig", trusted=[name])
    _same_predictions(loaded, model, np.asarray(texts, dtype=object))


def _member(path, name):
    with zipfile.ZipFile(path) as archive:
        return archive.read(name)


def test_network_with_code_is_refused_and_never_run(saved, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    sentinel = tmp_path / "pwned"
    inputs = keras.Input((3,))
    outputs = keras.layers.Lambda(
        lambda x: (__import__("os").system("touch pwned"), x)[1]
    )(inputs)
    evil = tmp_path / "evil.keras"
    keras.Model(inputs, outputs).save(evil)
    path = _rewrite(
        saved,
        tmp_path / "lambda.skbig",
        replace={"networks/0.keras": evil.read_bytes()},
    )
    sentinel.unlink(missing_ok=True)  # building the Lambda above ran it once
    with pytest.raises(ModelFileError, match="safe mode"):
        skbig.load(path)
    assert not sentinel.exists()


UNSAFE_CONFIGS = {
    # CVE-2025-1550: a config naming any module's function
    "os-system": {"module": "os", "class_name": "system", "config": {}},
    # CVE-2025-9906: a Lambda calling Keras' own switch that turns safe mode off
    "unsafe-switch": {
        "module": "keras.layers",
        "class_name": "Lambda",
        "config": {
            "name": "switch",
            "function": {
                "module": "keras.config",
                "class_name": "function",
                "config": "enable_unsafe_deserialization",
                "registered_name": "function",
            },
        },
    },
}


@pytest.mark.parametrize("name", UNSAFE_CONFIGS)
def test_network_config_pointing_outside_keras_is_refused(saved, tmp_path, name):
    network = _member(saved, "networks/0.keras")
    with zipfile.ZipFile(io.BytesIO(network)) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    config = json.loads(members["config.json"])
    config["config"]["layers"][-1].update(UNSAFE_CONFIGS[name])
    members["config.json"] = json.dumps(config).encode()
    path = _rewrite(
        saved, tmp_path / "unsafe.skbig", replace={"networks/0.keras": _zip(members)}
    )
    with pytest.raises(ModelFileError, match="network 0"):
        skbig.load(path)
    # ... and safe mode was not switched off for later loads.
    plus_one = keras.Sequential([keras.Input((1,)), keras.layers.Lambda(lambda x: x)])
    plus_one.save(tmp_path / "lambda.keras")
    with pytest.raises(ValueError, match="safe_mode"):
        keras.saving.load_model(tmp_path / "lambda.keras")


def test_metadata_and_model_info(fitted_pipeline, tmp_path):
    path = tmp_path / "m.skbig"
    skbig.save(fitted_pipeline, path, metadata={"text_column": "body"})
    info = skbig.model_info(path)
    assert info["metadata"] == {"text_column": "body"}
    assert info["estimator"] == "skbig.TextPipeline"
    assert info["versions"]["skbig"] == skbig.__version__
    with pytest.raises(TypeError, match="JSON"):
        skbig.save(fitted_pipeline, path, metadata={"bad": object()})
    path.write_bytes(b"not a model")
    with pytest.raises(ModelFileError, match="not a readable skbig model file"):
        skbig.model_info(path)


@pytest.mark.slow
def test_a_model_file_loads_in_a_fresh_process_that_imported_only_skbig(
    tmp_path, fitted_pipeline
):
    path = tmp_path / "model.skbig"
    skbig.save(fitted_pipeline, path)
    code = (
        "import sys, skbig\n"
        f"model = skbig.load({str(path)!r})\n"
        "print(model.predict(['goal match team']).tolist())"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True,
                            text=True, check=False)  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == str(
        fitted_pipeline.predict(["goal match team"]).tolist()
    )
