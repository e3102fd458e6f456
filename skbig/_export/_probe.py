"""Inputs an export is checked on before it is written."""

import numpy as np

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
            # ONNX lowercases a word-final capital sigma to the medial form (documented)
            case = rng.random() if "ς" not in word else 1.0
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
        center = getattr(first, "mean_", getattr(first, "statistics_", None))
        center = np.zeros(width) if center is None else np.nan_to_num(center)
        spread = getattr(first, "scale_", None)
        spread = np.ones(width) if spread is None else spread
        rows = center + spread * rng.standard_normal((n, width))
    rows = np.asarray(rows, dtype=np.float32)
    if any(hasattr(step, "statistics_") for _, step in steps):  # an imputer
        rows[rng.random(rows.shape) < 0.1] = np.nan
    return rows
