"""ONNX export of a ColumnTransformer in front of the network: text beside
numbers and categories, one input a column."""

import json

import numpy as np
import pytest
from sklearn.compose import ColumnTransformer
from sklearn.feature_extraction.text import (
    CountVectorizer,
    HashingVectorizer,
    TfidfTransformer,
    TfidfVectorizer,
)
from sklearn.impute import SimpleImputer
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import MinMaxScaler, OneHotEncoder, StandardScaler

import skbig
from skbig import MLPClassifier, MLPRegressor, NotExportableError

onnxruntime = pytest.importorskip("onnxruntime")
pytest.importorskip("skl2onnx")
pd = pytest.importorskip("pandas")

from conftest import UNICODE_DOCS, make_corpus, serve_in_a_clean_process  # noqa: E402


def _network(kind=MLPClassifier):
    return kind((16,), epochs=5, batch_size=64, random_state=0)


@pytest.fixture(scope="module")
def table():
    """Messages with a price, a channel, a star rating and an age (some missing)."""
    texts, labels = make_corpus(n_docs=240, seed=1)
    rng = np.random.default_rng(0)
    n = len(texts)
    frame = pd.DataFrame(
        {
            "body": texts,
            "title": [text[:20] for text in texts],
            "price": rng.normal(50, 10, n),
            "channel": rng.choice(["web", "mail", "phone"], n),
            "stars": rng.integers(1, 6, n),
            "age": np.where(rng.random(n) < 0.1, np.nan, rng.normal(40, 12, n)),
            "id": np.arange(n),
        }
    )
    return frame, np.asarray(labels)


@pytest.fixture(scope="module")
def words_and_numbers(table, tmp_path_factory):
    """Text beside a number and a category: a sparse matrix, trained with the
    naive-Bayes weights; its export and onnxruntime session."""
    frame, labels = table
    columns = ColumnTransformer(
        [
            ("words", TfidfVectorizer(), "body"),
            ("price", StandardScaler(), ["price"]),
            ("channel", OneHotEncoder(handle_unknown="ignore"), ["channel"]),
        ]
    )
    model = make_pipeline(columns, _network()).fit(frame, labels)
    path = tmp_path_factory.mktemp("columns") / "model.onnx"
    report = skbig.export(model, path)
    return model, report, onnxruntime.InferenceSession(str(path))


def _feeds(session, frame):
    types = {"tensor(string)": object, "tensor(float)": np.float32}
    types["tensor(int64)"] = np.int64
    return {
        i.name: frame[[i.name]].to_numpy().astype(types[i.type])
        for i in session.get_inputs()
    }


def _unseen(frame):
    """Rows the model never saw: an unknown channel, an empty and a Unicode
    message, a missing age."""
    rows = frame.iloc[:4].copy()
    rows["body"] = ["", UNICODE_DOCS[0], "GOAL team!", UNICODE_DOCS[3]]
    rows["channel"] = ["fax", "web", "mail", "fax"]
    rows["age"] = [np.nan, 30.0, np.nan, 60.0]
    return pd.concat([rows, frame.iloc[4:40]])


def test_one_input_a_column_read(words_and_numbers):
    _, report, session = words_and_numbers
    inputs = [(i.name, i.type, i.shape) for i in session.get_inputs()]
    assert inputs == [
        ("body", "tensor(string)", [None, 1]),
        ("price", "tensor(float)", [None, 1]),
        ("channel", "tensor(string)", [None, 1]),
    ]
    meta = session.get_modelmeta().custom_metadata_map
    assert meta["input"] == report["input"] == "columns"
    assert json.loads(meta["columns"]) == [
        ["body", "text"],
        ["price", "float32"],
        ["channel", "string"],
    ]


def test_text_beside_columns_agrees(words_and_numbers, table):
    model, report, session = words_and_numbers
    assert model[-1].feature_weights_ is not None  # the rescaled row, all parts
    assert report["label_agreement"] == 1.0 and report["max_difference"] < 1e-4
    rows = _unseen(table[0])
    label, proba = session.run(None, _feeds(session, rows))
    assert list(label) == list(model.predict(rows))
    assert np.abs(proba - model.predict_proba(rows)).max() < 1e-4


def test_a_table_without_names_or_text(tmp_path):
    # The user guide's churn table: a NumPy array of strings, categories one-hot
    # encoded beside a number, trained as a table (densified, standardised).
    rng = np.random.default_rng(0)
    n = 600
    city = rng.choice([f"city {i}" for i in range(12)], n)
    plan = rng.choice(["basic", "plus", "pro"], n)
    age = rng.integers(18, 80, n)
    rows = np.column_stack([city, plan, age]).astype(object)
    churn = np.where((plan == "basic") & (age < 35) | (city == "city 3"), "yes", "no")
    encode = ColumnTransformer(
        [
            ("categories", OneHotEncoder(handle_unknown="ignore"), [0, 1]),
            ("numbers", StandardScaler(), [2]),
        ]
    )
    model = make_pipeline(encode, _network()).fit(rows, churn)
    assert not model[-1]._sparse_input  # trained as the table it is
    report = skbig.export(model, tmp_path / "churn.onnx")
    assert report["label_agreement"] == 1.0 and report["max_difference"] < 1e-4
    session = onnxruntime.InferenceSession(str(tmp_path / "churn.onnx"))
    assert [i.name for i in session.get_inputs()] == ["x0", "x1", "x2"]
    feeds = {
        "x0": rows[:50, :1].astype(str).astype(object),
        "x1": rows[:50, 1:2].astype(str).astype(object),
        "x2": rows[:50, 2:].astype(np.float32),
    }
    label, proba = session.run(None, feeds)
    assert list(label) == list(model.predict(rows[:50]))
    assert np.abs(proba - model.predict_proba(rows[:50])).max() < 1e-4


def _dense_output():
    return ColumnTransformer(
        [("words", TfidfVectorizer(), "body"), ("price", StandardScaler(), ["price"])],
        sparse_threshold=0,
    ), MLPClassifier


def _hashed_and_weighted():
    hashed = make_pipeline(
        HashingVectorizer(alternate_sign=False, norm=None, n_features=2**10),
        TfidfTransformer(),
    )
    return ColumnTransformer(
        [
            ("words", hashed, "body"),
            ("kinds", OneHotEncoder(handle_unknown="ignore"), ["channel", "stars"]),
        ],
        remainder="passthrough",
        transformer_weights={"words": 2.0, "kinds": 0.5},
    ), MLPClassifier


def _two_texts_and_an_imputer():
    return ColumnTransformer(
        [
            ("words", TfidfVectorizer(ngram_range=(1, 2)), "body"),
            ("title", CountVectorizer(analyzer="char_wb", ngram_range=(2, 3)), "title"),
            ("age", make_pipeline(SimpleImputer(), StandardScaler()), ["age"]),
            ("price", MinMaxScaler(), ["price"]),
        ]
    ), MLPClassifier


def _regression():
    return ColumnTransformer(
        [("words", TfidfVectorizer(), "body"), ("price", StandardScaler(), ["price"])]
    ), MLPRegressor


@pytest.mark.slow
@pytest.mark.parametrize(
    "make",
    [_dense_output, _hashed_and_weighted, _two_texts_and_an_imputer, _regression],
)
def test_more_column_transformers_agree(make, table, tmp_path):
    frame, labels = table
    columns, kind = make()
    if "remainder" in columns.get_params() and columns.remainder == "passthrough":
        frame = frame[["body", "channel", "stars", "price"]]
    target = labels
    if kind is MLPRegressor:
        target = frame["price"].to_numpy() * 2 + (labels == labels[0]) * 10
    model = make_pipeline(columns, _network(kind)).fit(frame, target)
    if kind is MLPRegressor:  # sparse columns: the ridge beside the network too
        assert model[-1].linear_coef_ is not None
    report = skbig.export(model, tmp_path / "model.onnx")
    assert report["label_agreement"] == 1.0 and report["max_difference"] < 1e-4
    session = onnxruntime.InferenceSession(str(tmp_path / "model.onnx"))
    rows = _unseen(frame) if "age" in frame else frame.iloc[:40]
    outputs = session.run(None, _feeds(session, rows))
    if kind is MLPRegressor:
        assert np.allclose(outputs[0], model.predict(rows), rtol=1e-4, atol=1e-3)
        return
    assert list(outputs[0]) == list(model.predict(rows))
    assert np.abs(outputs[1] - model.predict_proba(rows)).max() < 1e-4


def test_a_savedmodel_refuses_a_column_transformer(words_and_numbers, tmp_path):
    model, _, _ = words_and_numbers
    with pytest.raises(NotExportableError, match="ColumnTransformer"):
        skbig.export(model, tmp_path / "model", format="savedmodel")


@pytest.mark.slow
def test_columns_serve_with_onnxruntime_alone(words_and_numbers, table, tmp_path):
    model, _, _ = words_and_numbers
    skbig.export(model, tmp_path / "model.onnx")
    rows = _unseen(table[0])
    columns = {
        "body": rows["body"].tolist(),
        "price": rows["price"].tolist(),
        "channel": rows["channel"].tolist(),
    }
    run = (
        "import numpy as np, onnxruntime\n"
        f"session = onnxruntime.InferenceSession({str(tmp_path / 'model.onnx')!r})\n"
        "feeds = {name: np.array(values, dtype=np.float32 if name == 'price' else"
        " object).reshape(-1, 1) for name, values in texts.items()}\n"
        "label, proba = session.run(None, feeds)\n"
    )
    blocked = {"sklearn", "skbig", "tensorflow", "keras", "scikeras", "skl2onnx"}
    labels, proba = serve_in_a_clean_process(blocked, run, columns)
    assert labels == list(model.predict(rows))
    assert np.abs(proba - model.predict_proba(rows)).max() < 1e-4


def test_inputs_keep_their_columns_names(table, tmp_path):
    # skl2onnx makes input names identifiers; the graph takes the columns' own.
    frame, labels = table
    frame = frame.rename(columns={"body": "body text", "price": "price ($)"})
    columns = ColumnTransformer(
        [
            ("words", TfidfVectorizer(), "body text"),
            ("price", StandardScaler(), ["price ($)"]),
        ]
    )
    model = make_pipeline(columns, _network()).fit(frame, labels)
    skbig.export(model, tmp_path / "model.onnx")
    session = onnxruntime.InferenceSession(str(tmp_path / "model.onnx"))
    assert [i.name for i in session.get_inputs()] == ["body text", "price ($)"]
    label, _ = session.run(None, _feeds(session, frame.iloc[:20]))
    assert list(label) == list(model.predict(frame.iloc[:20]))
    frame = frame.rename(columns={"price ($)": "label"})  # an output's name
    named = ColumnTransformer(
        [("words", TfidfVectorizer(), "body text"), ("p", StandardScaler(), ["label"])]
    )
    model = make_pipeline(named, _network()).fit(frame, labels)
    with pytest.raises(NotExportableError, match="'label' has the name"):
        skbig.export(model, tmp_path / "clash.onnx")
