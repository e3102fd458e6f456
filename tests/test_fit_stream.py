"""fit_stream: an ordinary fitted pipeline from chunks read once."""

import os
import tempfile

import numpy as np
import pytest
from conftest import make_corpus

import skbig
from skbig import (
    _linear,
    _weights,
    fit_stream,
    make_text_classifier,
    make_text_regressor,
)

SMALL = dict(
    mlp__hidden_layer_sizes=(16,),
    mlp__epochs=6,
    mlp__batch_size=32,
    mlp__learning_rate_init=0.05,
    mlp__random_state=0,
)


def _chunks(texts, labels, size=50):
    def chunks():
        for start in range(0, len(texts), size):
            yield texts[start : start + size], labels[start : start + size]

    return chunks


@pytest.fixture(scope="module")
def data():
    texts, labels = make_corpus(300)
    order = np.argsort(labels, kind="stable")  # sorted by label, as files often are
    return [texts[i] for i in order], labels[order].tolist()


@pytest.fixture(scope="module")
def streamed(data):
    return fit_stream(make_text_classifier(**SMALL), _chunks(*data))


def test_an_ordinary_pipeline_that_learnt_what_fit_learns(streamed, data):
    texts = data[0]
    in_memory = make_text_classifier(**SMALL)[0].fit(texts)  # the vectorizer
    assert streamed[0].vocabulary_ == in_memory.vocabulary_
    np.testing.assert_array_equal(streamed[0].idf_, in_memory.idf_)
    mlp = streamed[-1]
    assert mlp.classes_.tolist() == ["food", "sport", "tech"]
    assert mlp.X_shape_ == (300, len(streamed[0].vocabulary_))
    # Held out from the stream for the stopping rule, as the plan says.
    assert mlp.training_plan_["n_validation"] == 30
    test, truth = make_corpus(90, seed=5)
    assert (streamed.predict(test) == truth).mean() >= 0.9


def test_a_seed_gives_the_same_model_and_files_are_cleaned_up(
    streamed, data, tmp_path, monkeypatch
):
    # A temporary folder of this test's own: another process's streams in the
    # shared one (a second test run) must not count.
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    again = fit_stream(make_text_classifier(**SMALL), _chunks(*data, size=300))
    assert not [n for n in os.listdir(tmp_path) if "skbig-stream" in n]
    texts = data[0][:20]
    # The same seed but other chunk sizes: the same split and batches.
    np.testing.assert_allclose(
        again.predict_proba(texts), streamed.predict_proba(texts), atol=1e-6
    )


def test_it_saves_and_loads_like_any_pipeline(streamed, data, tmp_path):
    skbig.save(streamed, tmp_path / "m.skbig")
    loaded = skbig.load(tmp_path / "m.skbig")
    np.testing.assert_allclose(
        loaded.predict_proba(data[0][:10]), streamed.predict_proba(data[0][:10])
    )


def test_the_network_reads_columns_weighted_as_in_memory(data):
    # One batch of every row, no dropout: a stream's epoch is the in-memory
    # fit's, whatever the rows' order, so the two networks agree only if both
    # trained on the same nb_weights-scaled columns.
    texts, labels = data
    one_batch = dict(SMALL, mlp__epochs=2, mlp__batch_size=512, mlp__dropout=0.0,
                     mlp__early_stopping=False)  # fmt: skip
    streamed = fit_stream(make_text_classifier(**one_batch), _chunks(*data))
    in_memory = make_text_classifier(**one_batch).fit(texts, labels)
    np.testing.assert_array_equal(
        streamed[-1].feature_weights_, in_memory[-1].feature_weights_
    )
    np.testing.assert_allclose(
        streamed.predict_proba(texts), in_memory.predict_proba(texts), atol=1e-6
    )
    unweighted = fit_stream(
        make_text_classifier(**one_batch, mlp__nb_weights=False), _chunks(*data)
    )
    assert unweighted[-1].feature_weights_ is None
    difference = unweighted.predict_proba(texts) - in_memory.predict_proba(texts)
    assert np.abs(difference).max() > 1e-2


def test_held_out_copies_of_streamed_rows_are_judged_on_neither_side(monkeypatch):
    from skbig import _calibration

    texts, labels = make_corpus(1000, seed=7)
    texts, labels = texts + texts[:300], list(labels) + list(labels[:300])
    judged = []  # the held-out rows the temperature learns from
    fit_temperature = _calibration.fit_temperature

    def recording(raw, y):
        judged.append(len(y))
        return fit_temperature(raw, y)

    monkeypatch.setattr(_calibration, "fit_temperature", recording)
    mlp = fit_stream(make_text_classifier(**SMALL), _chunks(texts, labels))[-1]
    plan = mlp.training_plan_
    # 600 of 1,300 documents have a twin; of the 130 held out, those whose twin
    # trains judge neither the stopping rule nor the temperature, as in memory
    # (the temperature leaves out the near copies too).
    assert plan["n_validation"] == 130
    assert 0.25 * 130 < plan["n_validation_copies"] < 0.6 * 130
    assert len(judged) == 1 and judged[0] <= 130 - plan["n_validation_copies"]
    plain = fit_stream(make_text_classifier(**SMALL), _chunks(texts[:1000], labels))
    assert plain[-1].training_plan_["n_validation_copies"] == 0


def test_the_stopping_run_weighs_columns_without_its_held_out_rows(data, monkeypatch):
    counted, added = [], []
    weights, add = _weights.ColumnCounts.weights, _weights.ColumnCounts.add

    def spy(counts):
        counted.append(counts.n_rows)
        return weights(counts)

    def adding(counts, X, y):
        added.append(X.shape[0])
        return add(counts, X, y)

    monkeypatch.setattr(_weights.ColumnCounts, "weights", spy)
    monkeypatch.setattr(_weights.ColumnCounts, "add", adding)
    texts, labels = data
    streamed = fit_stream(make_text_classifier(**SMALL), _chunks(*data))
    mlp = streamed[-1]
    assert "refit_loss" in mlp.history_  # the stopping run, then the refit on all
    n_validation = mlp.training_plan_["n_validation"]
    assert counted == [300 - n_validation, 300]
    # The refit's counts are the stopping run's plus the held-out rows': no row
    # is counted twice.
    assert sum(added) == 300 and added[-1] == n_validation
    # The refit's weights are those of all the rows, as in memory.
    X = streamed[0].transform(texts)
    expected = _weights.nb_weights(X, mlp.target_encoder_.transform(np.array(labels)),
                                   "multiclass")  # fmt: skip
    np.testing.assert_allclose(mlp.feature_weights_, expected, rtol=1e-6)


@pytest.mark.slow
def test_hashing_reads_once_without_a_vocabulary(data):
    clf = make_text_classifier(vectorizer="hashing", mlp__epochs=4, **{
        k: v for k, v in SMALL.items() if k != "mlp__epochs"})  # fmt: skip
    iterator = iter(list(_chunks(*data)()))  # a one-shot iterable, not a function
    fit_stream(clf, iterator)
    assert next(iterator, None) is None
    assert [name for name, _ in clf.steps] == ["hashing", "tf", "mlp"]
    test, truth = make_corpus(60, seed=6)
    assert (clf.predict(test) == truth).mean() >= 0.8


def test_refused_pipelines_and_data_name_the_problem(data, streamed):
    texts, labels = data
    with pytest.raises(ValueError, match="does not train privately"):
        fit_stream(make_text_classifier(dp_epsilon=8), _chunks(*data))
    with pytest.raises(ValueError, match="multi-label targets are indicator rows"):
        fit_stream(make_text_classifier(), [(texts[:2], [["a"], ["b"]])])
    with pytest.raises(ValueError, match="a label is a list; fit_stream takes multi"):
        fit_stream(make_text_classifier(), [(texts[:2], [["a"], ["b", "c"]])])
    with pytest.raises(ValueError, match="3 texts but 2 labels"):
        fit_stream(make_text_classifier(), [(texts[:3], labels[:2])])
    with pytest.raises(ValueError, match=r"chunk 2: documents must be text.*missing"):
        fit_stream(make_text_classifier(), [(texts[:2], labels[:2]), ([None], ["x"])])
    # Labels of one type per chunk, but not across the stream: was trained on.
    mixed = [(texts[:4], [0, 1, 0, 1]), (texts[4:8], labels[4:8])]
    with pytest.raises(TypeError, match="chunk 2: y mixes text and non-text"):
        fit_stream(make_text_classifier(), mixed)
    with pytest.raises(FileNotFoundError, match=r"cache_dir=.* is no folder"):
        fit_stream(make_text_classifier(), [(texts, labels)], cache_dir="/no/such")
    with pytest.raises(ValueError, match="no documents"):
        fit_stream(make_text_classifier(), [])
    with pytest.raises(TypeError, match="MLPClassifier"):
        fit_stream(make_text_classifier()[:1], _chunks(*data))
    with pytest.raises(ValueError, match=r"\['TfidfTransformer'\] do"):
        clf = make_text_classifier(vectorizer="hashing", tf__use_idf=True)
        fit_stream(clf, _chunks(*data))


def test_a_failed_stream_leaves_the_pipeline_as_it_was(data):
    clf = make_text_classifier(**SMALL)

    def broken():
        yield data[0][:50], data[1][:50]
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        fit_stream(clf, broken)
    assert not hasattr(clf[0], "vocabulary_") and not hasattr(clf[-1], "model_")


def test_default_class_weights_count_the_whole_stream(data):
    texts, labels = data
    keep = [i for i, label in enumerate(labels) if label != "sport" or i % 5 == 0]
    chunks = _chunks([texts[i] for i in keep], [labels[i] for i in keep])
    test = make_corpus(30, seed=5)[0]

    def fitted(**weighting):
        params = dict(SMALL, mlp__epochs=2, mlp__early_stopping=False, **weighting)
        return fit_stream(make_text_classifier(**params), chunks)

    def proba(**weighting):
        return fitted(**weighting).predict_proba(test)

    model = fitted()
    default = model.predict_proba(test)  # "auto": the square root of "balanced"
    np.testing.assert_array_equal(default, proba(mlp__class_weight="balanced_sqrt"))
    assert not np.allclose(default, proba(mlp__class_weight=None))
    # A later partial_fit weighs classes by the whole stream's counts.
    mlp, kept = model[-1], np.asarray([labels[i] for i in keep])
    counts = [np.sum(kept == label) for label in mlp.classes_]
    np.testing.assert_array_equal(mlp.__getstate__()["_class_counts"], counts)


def test_the_streams_held_out_rows_are_judged_with_their_class_weights(
    data, monkeypatch
):
    from skbig import _base

    texts, labels = data
    keep = [i for i, label in enumerate(labels) if label != "sport" or i % 5 == 0]
    texts, labels = [texts[i] for i in keep], [labels[i] for i in keep]
    split, held = _base.hold_out, []
    monkeypatch.setattr(
        _base, "hold_out", lambda *a: held.append(split(*a)) or held[-1]
    )
    mlp = fit_stream(make_text_classifier(**SMALL), _chunks(texts, labels))[-1]
    _, _, _, (_, y_val, w_val) = held[0]
    # As fit weighs its held-out rows: each by its class's "balanced_sqrt" weight,
    # from the whole stream's counts.
    counts = np.array([labels.count(c) for c in mlp.classes_])
    expected = np.sqrt(len(labels) / (len(counts) * counts))
    np.testing.assert_allclose(w_val, expected[np.ravel(y_val).astype(int)], rtol=1e-6)


def test_held_out_documents_given_are_stopped_on_and_all_the_stream_trained(data):
    import keras

    class Steps(keras.callbacks.Callback):
        def on_train_begin(self, logs=None):
            self.epochs = []

        def on_epoch_begin(self, epoch, logs=None):
            self.epochs.append(0)

        def on_train_batch_end(self, batch, logs=None):
            self.epochs[-1] += 1

    steps = Steps()
    val_texts, val_labels = make_corpus(60, seed=6)
    pipeline = make_text_classifier(**dict(SMALL, mlp__callbacks=[steps]))
    fit_stream(pipeline, _chunks(*data), X_val=val_texts, y_val=val_labels)
    mlp = pipeline[-1]
    assert mlp.training_plan_["n_validation"] == 60 and not mlp.training_plan_["refit"]
    assert set(steps.epochs) == {10}  # all 300 streamed rows in batches of 32
    assert pipeline.score(val_texts, val_labels) == pytest.approx(
        mlp.best_validation_score_
    )


def test_held_out_documents_given_weigh_what_their_class_weighs_in_the_stream(
    data, monkeypatch
):
    texts, labels = data
    keep = [i for i, label in enumerate(labels) if label != "sport" or i % 5 == 0]
    seen = {}
    fit = skbig.MLPClassifier.fit

    def spy(self, X, y, **kwargs):
        seen.update(kwargs)
        return fit(self, X, y, **kwargs)

    monkeypatch.setattr(skbig.MLPClassifier, "fit", spy)
    chunks = _chunks([texts[i] for i in keep], [labels[i] for i in keep])
    params = dict(SMALL, mlp__epochs=2)
    fit_stream(make_text_classifier(**params), chunks, X_val=["goal match team",
               "chip code data"], y_val=["sport", "tech"])  # fmt: skip
    counts = {label: sum(labels[i] == label for i in keep) for label in set(labels)}
    n = sum(counts.values())
    balanced_sqrt = [np.sqrt(n / (3 * counts[label])) for label in ("sport", "tech")]
    np.testing.assert_allclose(seen["sample_weight_val"], balanced_sqrt)
    with pytest.raises(ValueError, match=r"labels the training data does not: \['x'\]"):
        fit_stream(make_text_classifier(**params), chunks, X_val=["a b"], y_val=["x"])


# ------------------------------------------------------------------ a regressor
RATING = {"food": 1.0, "sport": 2.5, "tech": 4.0}


def _ratings(texts, labels, seed=0):
    noise = np.random.RandomState(seed).normal(0, 0.3, len(labels))
    return np.array([RATING[label] for label in labels]) + noise + 1000


@pytest.fixture(scope="module")
def streamed_regressor(data):
    texts, labels = data
    y = _ratings(texts, labels)
    order = np.argsort(y, kind="stable")  # sorted by the target
    texts, y = [texts[i] for i in order], y[order]
    reg = fit_stream(make_text_regressor(**SMALL), _chunks(texts, y.tolist()))
    return reg, texts, y


def test_a_regressor_streams_standardised_by_the_whole_stream(streamed_regressor):
    reg, texts, y = streamed_regressor
    mlp = reg[-1]
    # The targets' mean and spread, counted chunk by chunk, as fit would find them.
    assert mlp.target_encoder_.mean_ == pytest.approx([y.mean()], rel=1e-12)
    assert mlp.target_encoder_.scale_ == pytest.approx([y.std()], rel=1e-9)
    assert mlp.X_shape_ == (300, len(reg[0].vocabulary_))
    assert mlp.training_plan_["n_validation"] == 30
    # The ridge beside the network: this small stream is held in memory whole,
    # and the ridge that predicts was solved on all its rows, as fit's is.
    X = reg[0].transform(texts)
    ridge = _linear._ridge(X, mlp.target_encoder_.transform(y.reshape(-1, 1)),
                           None, alpha=mlp.linear_alpha_)  # fmt: skip
    np.testing.assert_allclose(mlp.linear_coef_[:, 0], ridge.coef_.ravel(), atol=1e-4)
    assert 0 <= mlp.linear_weight_ <= 1
    test, topics = make_corpus(90, seed=5)
    assert reg.score(test, _ratings(test, topics, seed=1)) > 0.8
    # The same seed, other chunk sizes: the same model.
    again = fit_stream(make_text_regressor(**SMALL), _chunks(texts, list(y), 300))
    np.testing.assert_allclose(again.predict(test), reg.predict(test), rtol=1e-6)


def test_a_streamed_regressor_saves_and_stops_on_documents_given(
    streamed_regressor, tmp_path
):
    reg, texts, y = streamed_regressor
    skbig.save(reg, tmp_path / "r.skbig")
    np.testing.assert_array_equal(
        skbig.load(tmp_path / "r.skbig").predict(texts[:10]), reg.predict(texts[:10])
    )
    val_texts, topics = make_corpus(40, seed=6)
    given = make_text_regressor(**SMALL)
    fit_stream(given, _chunks(texts, list(y)), X_val=val_texts,
               y_val=_ratings(val_texts, topics, seed=2))  # fmt: skip
    plan = given[-1].training_plan_
    assert plan["n_validation"] == 40 and not plan["refit"]


def test_a_long_streams_ridge_is_solved_on_a_sample_the_reservoir_keeps(
    streamed_regressor, monkeypatch
):
    from skbig._streaming import _buckets, _fit_stream

    _, texts, y = streamed_regressor
    monkeypatch.setattr(_buckets, "SMALL_STORE", 0)  # the rows stay in files
    monkeypatch.setattr(_fit_stream, "MAX_RIDGE_ROWS", 50)
    solved, ridge = [], _linear._ridge

    def spy(X, *rest, **named):
        solved.append(X.shape[0])
        return ridge(X, *rest, **named)

    monkeypatch.setattr(_linear, "_ridge", spy)
    reg = fit_stream(make_text_regressor(**SMALL), _chunks(texts, y.tolist()),
                     max_validation=20)  # fmt: skip
    assert reg[-1].training_plan_["n_validation"] == 20
    # 50 sampled training rows weigh the ridge against the network on the 20
    # held out; the ridge that predicts is solved on both.
    assert solved == [50, 70] and reg[-1].linear_coef_ is not None
    solved.clear()
    off = make_text_regressor(**SMALL, mlp__linear_part=False)
    assert fit_stream(off, _chunks(texts, y.tolist()))[-1].linear_coef_ is None
    assert solved == []


def test_a_regressors_stream_refuses_what_is_no_number(data):
    texts = data[0][:4]
    for bad in ("4.5", float("nan"), True, None, np.inf):
        with pytest.raises(ValueError, match=r"chunk 2: a regressor trains on finite"):
            fit_stream(
                make_text_regressor(), [(texts[:2], [1, 2]), (texts[2:3], [bad])]
            )
    with pytest.raises(ValueError, match=r"finite numbers, not \[1, 2\]"):
        fit_stream(make_text_regressor(), [(texts[:2], [[1, 2], [3, 4]])])


# --------------------------------------------------------------- multi-label
def _tags(labels):
    """Three overlapping labels: sport, tech, and either of them."""
    labels = np.asarray(labels)
    sport, tech = labels == "sport", labels == "tech"
    return np.column_stack([sport, tech, sport | tech]).astype(int)


def test_multi_label_indicator_rows_stream_as_a_multi_label_fit(data, tmp_path):
    texts, labels = data
    Y = _tags(labels)
    chunks = [(texts[s : s + 70], Y[s : s + 70]) for s in range(0, len(texts), 70)]
    clf = fit_stream(make_text_classifier(**SMALL), chunks)
    mlp = clf[-1]
    assert mlp.classes_.tolist() == [0, 1, 2] and mlp._target_kind == (
        "multilabel-indicator"
    )
    assert mlp.training_plan_["n_validation"] == 30
    # nb_weights counted from the stored label sets: the refit's are fit's.
    assert "refit_loss" in mlp.history_
    expected = _weights.nb_weights(clf[0].transform(texts), Y, "multilabel-indicator")
    np.testing.assert_allclose(mlp.feature_weights_, expected, rtol=1e-6)
    test, topics = make_corpus(90, seed=5)
    predicted = clf.predict(test)
    assert predicted.shape == (90, 3) and clf.predict_proba(test).shape == (90, 3)
    assert (predicted == _tags(topics)).all(axis=1).mean() >= 0.85
    skbig.save(clf, tmp_path / "tags.skbig")
    np.testing.assert_array_equal(skbig.load(tmp_path / "tags.skbig").predict(test),
                                  predicted)  # fmt: skip
    # Held-out rows given are indicator rows too.
    given = fit_stream(make_text_classifier(**SMALL), chunks, X_val=test,
                       y_val=_tags(topics))  # fmt: skip
    assert given[-1].training_plan_["validation_given"]
    with pytest.raises(ValueError, match="chunk 2: multi-label targets are ind"):
        fit_stream(make_text_classifier(), [chunks[0], (texts[:2], labels[:2])])
    with pytest.raises(ValueError, match="chunk 2: a label is a list"):
        fit_stream(make_text_classifier(), [(texts[:2], labels[:2]), chunks[0]])
    with pytest.raises(ValueError, match="class_weight='balanced' weighs multi-lab"):
        fit_stream(make_text_classifier(mlp__class_weight="balanced"), chunks)
