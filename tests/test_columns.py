"""Reading a ColumnTransformer for export: its inputs, their kinds, its parts."""

import numpy as np
import pytest
from sklearn.compose import ColumnTransformer
from sklearn.decomposition import TruncatedSVD
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

from skbig import NotExportableError
from skbig._export._columns import column_rows, columns_spec

pd = pytest.importorskip("pandas")

FRAME = pd.DataFrame(
    {
        "id": [1, 2, 3, 4],
        "body": ["red apples", "green pears", "red pears", "ripe apples"],
        "price": [1.0, 2.5, 3.0, 0.5],
        "shop": ["a", "b", "a", "c"],
        "stars": [1, 5, 3, 5],
    }
)


def _fitted(*parts, **kwargs):
    return ColumnTransformer(list(parts), **kwargs).fit(FRAME)


def test_inputs_are_the_columns_read_in_their_order_with_their_kinds():
    spec = columns_spec(
        _fitted(
            ("kinds", OneHotEncoder(), ["stars", "shop"]),
            ("words", TfidfVectorizer(), "body"),
            ("price", StandardScaler(), ["price"]),
        )
    )
    # "id" is dropped (the remainder): no input
    assert spec.inputs == [
        ("body", "text"),
        ("price", "float32"),
        ("shop", "string"),
        ("stars", "int64"),
    ]
    assert [part.name for part in spec.parts] == ["kinds", "words", "price"]
    assert spec.parts[1].text is not None and spec.parts[0].text is None
    assert spec.parts[1].text.terms == ["apples", "green", "pears", "red", "ripe"]
    assert spec.width == 6 + 5 + 1  # 3 star ratings and 3 shops, 5 terms, a price
    assert [(p.output.start, p.output.stop) for p in spec.parts] == [
        (0, 6),
        (6, 11),
        (11, 12),
    ]


def test_an_imputer_in_front_of_an_encoder_keeps_the_column_a_string():
    # The imputer has no categories; the encoder after it does, of the input's type.
    from sklearn.impute import SimpleImputer

    spec = columns_spec(
        _fitted(
            (
                "shop",
                make_pipeline(SimpleImputer(strategy="most_frequent"), OneHotEncoder()),
                ["shop"],
            )
        )
    )
    assert spec.inputs == [("shop", "string")]


def test_weights_and_the_remainder_are_parts():
    spec = columns_spec(
        _fitted(
            ("words", TfidfVectorizer(), "body"),
            remainder="passthrough",
            transformer_weights={"words": 0.5},
        )
    )
    assert [(p.name, p.weight, p.columns) for p in spec.parts] == [
        ("words", 0.5, ["body"]),
        ("remainder", 1.0, ["id", "price", "shop", "stars"]),
    ]


@pytest.mark.parametrize(
    ("parts", "message"),
    [
        (
            [
                ("words", TfidfVectorizer(), "body"),
                ("kinds", OneHotEncoder(), ["body"]),
            ],
            "'body' is read as text by one part",
        ),
        (
            [("words", make_pipeline(TfidfVectorizer(), TruncatedSVD(2)), "body")],
            "TruncatedSVD",
        ),
        ([("words", "drop", "body")], "drops every column"),
    ],
    ids=["one column two kinds", "text then other steps", "nothing kept"],
)
def test_what_a_graph_could_not_take_is_named(parts, message):
    with pytest.raises(NotExportableError, match=message):
        columns_spec(_fitted(*parts))


def test_a_vectorizer_of_several_columns_is_refused():
    transformer = _fitted(("words", TfidfVectorizer(), "body"))
    transformer._transformer_to_input_indices["words"] = [1, 3]
    with pytest.raises(NotExportableError, match="reads 2 columns"):
        columns_spec(transformer)


def test_rows_become_one_feed_a_column():
    spec = columns_spec(
        _fitted(
            ("words", TfidfVectorizer(), "body"),
            ("kinds", OneHotEncoder(), ["shop", "stars"]),
        )
    )
    feeds = column_rows(spec, FRAME)
    assert list(feeds) == ["body", "shop", "stars"]
    assert feeds["body"].dtype == object and feeds["body"].shape == (4, 1)
    assert feeds["stars"].dtype == np.int64 and feeds["stars"][:, 0].tolist() == [
        1,
        5,
        3,
        5,
    ]


def test_without_column_names_inputs_are_numbered():
    rows = FRAME[["body", "shop", "price"]].to_numpy(dtype=object)
    transformer = ColumnTransformer(
        [("words", TfidfVectorizer(), 0), ("price", StandardScaler(), [2])]
    ).fit(rows)
    spec = columns_spec(transformer)
    assert spec.inputs == [("x0", "text"), ("x2", "float32")]
    feeds = column_rows(spec, rows)
    assert feeds["x2"].dtype == np.float32 and feeds["x2"][:, 0].tolist() == [
        1.0,
        2.5,
        3.0,
        0.5,
    ]
