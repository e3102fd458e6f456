"""Inputs an export is checked on before it is written."""

import numpy as np

from ._columns import STRING, TEXT, Columns, encoder_of
from ._spec import Preprocessing

N_PROBES = 64
# Words outside any vocabulary, in the scripts and characters serving will meet.
_NOISE = [
    "Ünïcödé",
    "naïve",
    "ÉCOLE",
    "日本語",
    "😀",
    "x_y_z",
    "123",
    "a",
    "--",
    "Straße",
    # lowercased otherwise by onnxruntime's and TensorFlow's own functions than
    # by Python: a word-final capital sigma, a dotted capital I, a NUL
    "ΟΔΟΣ",
    "İSTANBUL",
    "x\x00Y",
]
_WORDS = "the of price free call meeting goal team code data bread win now".split()
_SEPARATORS = [" ", ", ", ". ", "\n", " - ", "\t", "!! "]


def probe_inputs(vectorizer, network, n=N_PROBES, seed=0):
    """``n`` documents made of the vocabulary (text), or numeric rows around the
    training data's scale (a bare network)."""
    rng = np.random.default_rng(seed)
    if vectorizer is None:
        return _numeric_rows(network, n, rng)
    if isinstance(vectorizer, Preprocessing):
        return _raw_rows(vectorizer.steps, network, n, rng)
    if isinstance(vectorizer, Columns):
        return _column_rows(vectorizer, n, rng)
    return _documents(vectorizer, n, rng)


def _documents(vectorizer, n, rng):
    first = vectorizer[0] if isinstance(vectorizer, tuple) else vectorizer
    # A union's parts: the first vocabulary of them
    parts = [step for _, step in getattr(first, "transformer_list", [("", first)])]
    vocabularies = [_vocabulary(part) for part in parts]
    # Hashed features have no vocabulary: any word lands in some column.
    terms = next((list(v) for v in vocabularies if v), _WORDS)
    docs = [""]
    for _ in range(n - 1):
        words = []
        for _ in range(int(rng.integers(1, 30))):
            word = (
                terms[int(rng.integers(len(terms)))]
                if terms and rng.random() < 0.85
                else _NOISE[int(rng.integers(len(_NOISE)))]
            )
            case = rng.random()
            word = word.upper() if case < 0.15 else word.title() if case < 0.3 else word
            words.append(word + _SEPARATORS[int(rng.integers(len(_SEPARATORS)))])
        docs.append("".join(words))
    return docs


def _vocabulary(step):
    if hasattr(step, "steps"):  # a (vectorizer, TfidfTransformer) pipeline
        step = step.steps[0][1]
    return getattr(step, "vocabulary_", None)


def _numeric_rows(network, n, rng):
    encoder = getattr(network, "feature_encoder_", None)
    width = network.n_features_in_
    mean = getattr(encoder, "mean_", None)
    scale = getattr(encoder, "scale_", None)
    mean = np.zeros(width) if mean is None else mean
    scale = np.ones(width) if scale is None else scale
    return (mean + scale * rng.standard_normal((n, width))).astype(np.float32)


def _raw_rows(steps, network, n, rng):
    """Rows for numeric ``steps`` in front of ``network``: the network's probe rows
    taken back through the steps where each can invert itself, else rows around
    the first step's statistics; with some values missing where a step imputes
    them."""
    rows = _numeric_rows(network, n, rng).astype(np.float64)
    try:
        for _, step in reversed(steps):
            rows = step.inverse_transform(rows)
    except (AttributeError, ValueError, TypeError):
        first = steps[0][1]
        width = first.n_features_in_
        center, spread = _center_and_spread(first, width)
        rows = center + spread * rng.standard_normal((n, width))
    rows = np.asarray(rows, dtype=np.float32)
    if any(hasattr(step, "statistics_") for _, step in steps):  # an imputer
        rows[rng.random(rows.shape) < 0.1] = np.nan
    return rows


def _column_rows(columns, n, rng):
    """A table for a ColumnTransformer: documents for its text columns, its
    encoders' categories (and one it never saw, where unknown ones are
    ignored), numbers around its scalers' statistics, gaps where it imputes."""
    values = {}
    for part in columns.parts:
        step = part.transformer
        steps = [s for _, s in step.steps] if hasattr(step, "steps") else [step]
        if part.text is not None:
            values[part.columns[0]] = _documents(steps[0], n, rng)
            continue
        encoder = encoder_of(step)
        imputes = any(hasattr(s, "statistics_") for s in steps)
        for j, column in enumerate(part.columns):
            if encoder is not None:
                seen = list(encoder.categories_[j])
                if getattr(encoder, "handle_unknown", "error") != "error":
                    seen.append("never seen" if isinstance(seen[0], str) else -1)
                column_values = [seen[int(i)] for i in rng.integers(len(seen), size=n)]
            else:
                column_values = _around(steps[0], j, len(part.columns), n, rng)
                if imputes:
                    column_values[rng.random(n) < 0.1] = np.nan
            values[column] = column_values
    names = [name for name, _ in columns.inputs]
    if hasattr(columns.transformer, "feature_names_in_"):
        import pandas as pd

        return pd.DataFrame({name: values[name] for name in names})
    table = np.empty((n, columns.transformer.n_features_in_), dtype=object)
    for name in names:
        table[:, columns.position(name)] = values[name]
    kinds = {kind for _, kind in columns.inputs}
    return table if kinds & {TEXT, STRING} else table.astype(np.float64)


def _around(step, j, width, n, rng):
    """``n`` numbers around what ``step`` (of ``width`` columns) learned of its
    ``j``-th column."""
    low, high = getattr(step, "data_min_", None), getattr(step, "data_max_", None)
    if low is not None:
        return rng.uniform(low[j], high[j], n)
    center, spread = _center_and_spread(step, width)
    return float(center[j]) + float(spread[j]) * rng.standard_normal(n)


def _center_and_spread(step, width):
    """The center (mean or imputed value) and spread (scale) ``step`` learned of
    each of its ``width`` columns; 0 and 1 where it learned none."""
    center = getattr(step, "mean_", getattr(step, "statistics_", None))
    center = np.zeros(width) if center is None else np.nan_to_num(center)
    spread = getattr(step, "scale_", None)
    return center, np.ones(width) if spread is None else spread
