"""The terms behind a text pipeline's feature columns, for the explanations.

A vocabulary (``TfidfVectorizer``, ``CountVectorizer``) names every column.
Hashed features (``HashingVectorizer``: the hashing and the private pipelines)
keep no vocabulary, so no list of every column's term exists; a document's own
terms still name the columns it fills, each term hashed as the vectorizer
hashes it.
"""

import numpy as np


def vocabulary_names(head):
    """The term of every column ``head`` (the pipeline before its network)
    outputs; a ``TypeError`` that says why where there is none."""
    if hashing_vectorizer(head) is not None:
        raise TypeError(
            "hashed features (HashingVectorizer) keep no vocabulary, so there is no "
            "list of terms to score; explain_text names a document's own words"
        )
    try:
        names = head.get_feature_names_out()
    except (AttributeError, ValueError) as error:
        reason = f"the pipeline's features have no term names ({error})"
        raise TypeError(reason) from None
    return np.asarray(names, dtype=object)


def document_names(head, text, columns):
    """The terms of ``text`` behind each of ``columns`` (its non-zero feature
    columns); terms of ``text`` that hash to one column are named together,
    "term / term"."""
    hashing = hashing_vectorizer(head)
    if hashing is None:
        return vocabulary_names(head)[columns]
    from sklearn.feature_extraction import FeatureHasher

    terms = sorted(set(hashing.build_analyzer()(text)))
    hasher = FeatureHasher(
        n_features=hashing.n_features, input_type="string", alternate_sign=False
    )
    by_column = {}
    if terms:
        hashed = hasher.transform([[term] for term in terms])  # one column a row
        for term, column in zip(terms, hashed.indices, strict=True):
            by_column.setdefault(int(column), []).append(term)
    names = [" / ".join(by_column.get(int(c), ["?"])) for c in columns]
    return np.asarray(names, dtype=object)


def hashing_vectorizer(head):
    """The ``HashingVectorizer`` whose columns ``head`` outputs, each column
    kept in its place (the first step, followed only by steps that rescale
    rows or columns), or None."""
    from sklearn.feature_extraction.text import HashingVectorizer, TfidfTransformer
    from sklearn.preprocessing import Normalizer

    steps = [step for _, step in getattr(head, "steps", [])]
    if not steps or not isinstance(steps[0], HashingVectorizer):
        return None
    rescale = (TfidfTransformer, Normalizer)
    for step in steps[1:]:
        if step not in (None, "passthrough") and not isinstance(step, rescale):
            return None
    return steps[0]
