"""A ``ColumnTransformer`` in front of the network, read for export: which
columns it reads, of what kind, and which of its parts are text.

The exported graph takes one input a column (``[N, 1]``, named after it): text
and categories given as strings are string inputs, integer categories int64,
everything else float32. Each text part (a Count/Tfidf/Hashing vectorizer of one
column, optionally followed by a ``TfidfTransformer``) is computed from the
document's terms as the text graphs compute it; skl2onnx's own converters take
the other parts.
"""

from dataclasses import dataclass

import numpy as np
from sklearn.feature_extraction.text import (
    CountVectorizer,
    HashingVectorizer,
    TfidfTransformer,
)
from sklearn.pipeline import Pipeline

from ._spec import NotExportableError
from ._text_spec import text_spec

# Input kinds, as the exported graph's inputs are typed.
TEXT, STRING, INT, FLOAT = "text", "string", "int64", "float32"


@dataclass
class Part:
    """One part of the ColumnTransformer that is not dropped."""

    name: str
    transformer: object  # the fitted transformer (or a text part's vectorizer)
    columns: list  # the input columns it reads, by name
    output: slice  # its columns in the ColumnTransformer's output
    weight: float  # its transformer_weights entry, 1.0 where none
    text: object = None  # a text part's TextSpec (``_text_spec``), else None


@dataclass
class Columns:
    """A fitted ``ColumnTransformer`` in front of the network."""

    transformer: object
    inputs: list  # (column name, kind) of each column read, in input order
    parts: list  # Part each, in output order

    @property
    def width(self):
        return max(part.output.stop for part in self.parts)

    def position(self, name):
        """The position of the input ``name`` among the columns the
        ColumnTransformer was fitted on (``x3`` is the fourth)."""
        names = getattr(self.transformer, "feature_names_in_", None)
        return int(name[1:]) if names is None else list(names).index(name)


def columns_spec(transformer):
    """The :class:`Columns` of a fitted ``ColumnTransformer``, or an error
    naming what an exported graph could not take."""
    names = getattr(transformer, "feature_names_in_", None)
    if names is None:
        names = [f"x{i}" for i in range(transformer.n_features_in_)]
    names = [str(name) for name in names]
    weights = transformer.transformer_weights or {}
    parts, kinds = [], {}
    for name, step, _ in transformer.transformers_:
        read = transformer._transformer_to_input_indices.get(name, [])
        if (isinstance(step, str) and step == "drop") or not len(read):
            continue
        # a "passthrough" part (a string or an identity FunctionTransformer,
        # depending on the scikit-learn version) passes numbers
        columns = [names[i] for i in read]
        text = _text_part(name, step, columns)
        part = Part(
            name=name,
            transformer=step,
            columns=columns,
            output=transformer.output_indices_[name],
            weight=float(weights.get(name, 1.0)),
            text=text,
        )
        parts.append(part)
        for column, kind in zip(columns, _kinds(part), strict=True):
            if kinds.setdefault(column, kind) != kind:
                raise NotExportableError(
                    f"The column {column!r} is read as {kinds[column]} by one part "
                    f"of the ColumnTransformer and as {kind} by another."
                )
    if not parts:
        raise NotExportableError("The ColumnTransformer drops every column.")
    inputs = [(name, kinds[name]) for name in names if name in kinds]
    parts.sort(key=lambda part: part.output.start)
    return Columns(transformer=transformer, inputs=inputs, parts=parts)


def _text_part(name, step, columns):
    """The TextSpec of a text part, or None for any other part."""
    first = step.steps[0][1] if isinstance(step, Pipeline) else step
    if not isinstance(first, (CountVectorizer, HashingVectorizer)):
        return None
    if len(columns) != 1:
        raise NotExportableError(
            f"The ColumnTransformer's text part {name!r} reads {len(columns)} "
            "columns; a vectorizer reads one (give its column as a name, not a list)."
        )
    if isinstance(step, Pipeline):
        steps = [s for _, s in step.steps if s not in (None, "passthrough")]
        if len(steps) == 2 and isinstance(steps[1], TfidfTransformer):
            return text_spec(tuple(steps))
        if len(steps) != 1:
            kinds = [type(s).__name__ for s in steps]
            raise NotExportableError(
                f"Cannot export the ColumnTransformer's text part {name!r}, "
                f"{kinds}: a vectorizer, optionally followed by a TfidfTransformer."
            )
        first = steps[0]
    return text_spec(first)


def _kinds(part):
    """The input kind of each column ``part`` reads."""
    if part.text is not None:
        return [TEXT]
    encoder = encoder_of(part.transformer)
    if encoder is None:
        return [FLOAT] * len(part.columns)
    kinds = []
    for values in encoder.categories_:
        kind = np.asarray(values).dtype.kind
        kinds.append(STRING if kind in "OUS" else INT if kind in "iub" else FLOAT)
    return kinds


def encoder_of(step):
    """The encoder (a step with ``categories_``) in ``step``, or ``step`` itself,
    or None. A step in front of it (an imputer) keeps the columns' type, so its
    categories' type is the input's."""
    steps = [s for _, s in step.steps] if isinstance(step, Pipeline) else [step]
    return next((s for s in steps if hasattr(s, "categories_")), None)


def column_rows(columns, X):
    """``X`` (a DataFrame, or a 2-D array for a ColumnTransformer fitted without
    column names, whose inputs are named ``x0``, ``x1``, ...) as the exported
    graph's feeds: one ``[N, 1]`` array a column read."""
    named = hasattr(columns.transformer, "feature_names_in_")
    feeds = {}
    for name, kind in columns.inputs:
        values = np.asarray(
            X[name] if named else np.asarray(X)[:, columns.position(name)]
        )
        if kind in (TEXT, STRING):
            values = np.asarray([str(value) for value in values], dtype=object)
        else:
            values = values.astype(kind)
        feeds[name] = values.reshape(-1, 1)
    return feeds
