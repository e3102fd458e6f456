"""make_text_classifier: raw text in, labels out, as an ordinary Pipeline."""

import numpy as np
from sklearn.exceptions import NotFittedError
from sklearn.feature_extraction import text as _sklearn_text
from sklearn.pipeline import Pipeline

from ._base import _MLPMixin
from ._documents import DocumentChecks
from ._names import public
from ._steps import (
    is_fitted,
    learns_from_data,
    restored_on_failure,
    warn_if_steps_learn_privately,
)
from ._validation import Untransformed


@public
class TfidfVectorizer(DocumentChecks, _sklearn_text.TfidfVectorizer):
    """scikit-learn's ``TfidfVectorizer`` that names bad documents.

    The same parameters and results as
    :class:`sklearn.feature_extraction.text.TfidfVectorizer`; with the default
    ``input="content"``, a document that is not ``str`` or ``bytes`` raises an error
    saying where it is and what it was, instead of an ``AttributeError`` from deep
    inside the tokenizer: ``ValueError`` for a missing one (``None`` or NaN, as
    pandas gives for empty cells), ``TypeError`` for any other object. Fitted with
    the word analyzer on text written without spaces (Chinese, Japanese, Thai...),
    it warns and names character n-grams instead.

    Examples
    --------
    >>> from skbig import TfidfVectorizer
    >>> TfidfVectorizer().fit(["a text", None, "another"])  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: documents must be text, but 1 of 3 are missing (None or NaN), ...
    """

    def __getstate__(self):
        # Pickle, joblib and skbig.save keep the fitted vocabulary as two arrays
        # (its terms in column order as UTF-8, and their lengths) instead of a
        # dict: a model file's schema then holds no node per term, which made
        # loading 20 Newsgroups' 56,000 terms take seconds.
        state = super().__getstate__()
        packed = _packed_vocabulary(state.get("vocabulary_"))
        if packed is not None:
            state = {key: value for key, value in state.items() if key != "vocabulary_"}
            state["_vocabulary_text"], state["_vocabulary_lengths"] = packed
        return state

    def __setstate__(self, state):
        if "_vocabulary_text" in state:
            state = dict(state)
            state["vocabulary_"] = _unpacked_vocabulary(
                state.pop("_vocabulary_text"), state.pop("_vocabulary_lengths", None)
            )
        super().__setstate__(state)

    def fit(self, raw_documents, y=None):
        with self._decoding():
            return super().fit(self._checked(raw_documents, fitting=True), y)

    def fit_transform(self, raw_documents, y=None):
        with self._decoding():
            return super().fit_transform(self._checked(raw_documents, fitting=True), y)

    def transform(self, raw_documents):
        with self._decoding():
            return super().transform(self._checked(raw_documents))


@public
class HashingVectorizer(DocumentChecks, _sklearn_text.HashingVectorizer):
    """scikit-learn's ``HashingVectorizer`` that names bad documents.

    The same parameters and results as
    :class:`sklearn.feature_extraction.text.HashingVectorizer`, with the document
    checks of :class:`TfidfVectorizer`; ``make_text_classifier(vectorizer="hashing")``
    and private pipelines (``dp_epsilon``) start with it.

    Examples
    --------
    >>> from skbig import HashingVectorizer
    >>> HashingVectorizer().transform(["a text", None])  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: documents must be text, but 1 of 2 are missing (None or NaN), ...
    """

    _pipeline_step = "hashing"

    def fit(self, X, y=None):
        return super().fit(self._checked(X, fitting=True), y)

    def fit_transform(self, X, y=None):
        X = self._checked(X, fitting=True)  # once, and a generator read once
        super().fit(X, y)
        with self._decoding():
            return super().transform(X)

    def transform(self, X):
        with self._decoding():
            return super().transform(self._checked(X))


def _packed_vocabulary(vocabulary):
    """``(utf8, lengths)`` arrays of a vocabulary whose columns are 0 .. n-1, the
    terms in column order; None for anything else (kept as it is)."""
    if not isinstance(vocabulary, dict):
        return None
    terms = [None] * len(vocabulary)
    for term, column in vocabulary.items():
        if not (
            isinstance(term, str)
            and isinstance(column, int | np.integer)
            and 0 <= column < len(terms)
        ):
            return None
        terms[column] = term
    if any(term is None for term in terms):
        return None
    text = np.frombuffer("".join(terms).encode("utf-8"), dtype=np.uint8)
    return text, np.fromiter(map(len, terms), dtype=np.int64, count=len(terms))


def _unpacked_vocabulary(text, lengths):
    """The ``{term: column}`` dict of :func:`_packed_vocabulary`'s arrays, checked."""
    if not (
        isinstance(text, np.ndarray)
        and text.dtype == np.uint8
        and text.ndim == 1
        and isinstance(lengths, np.ndarray)
        and lengths.dtype.kind in "iu"
        and lengths.ndim == 1
    ):
        raise ValueError("a vectorizer's stored vocabulary is not two 1-D arrays")
    try:
        joined = text.tobytes().decode("utf-8")
    except UnicodeDecodeError as error:
        raise ValueError("a vectorizer's stored vocabulary is not UTF-8") from error
    if (lengths < 0).any() or int(lengths.sum()) != len(joined):
        raise ValueError("a vectorizer's stored term lengths do not fit its terms")
    bounds = [0, *np.cumsum(lengths).tolist()]
    vocabulary = {joined[bounds[i] : bounds[i + 1]]: i for i in range(len(lengths))}
    if len(vocabulary) != len(lengths):
        raise ValueError("a vectorizer's stored vocabulary repeats a term")
    return vocabulary


@public
class TextPipeline(Pipeline):
    """A scikit-learn :class:`~sklearn.pipeline.Pipeline` whose ``fit`` is all or
    nothing, what :func:`make_text_classifier` and :func:`make_text_regressor`
    return.

    The same parameters, steps and behaviour as ``Pipeline``. When a fit stops
    part-way (Ctrl-C, or an error in the network's training), every step is put
    back as it was: a refitted vocabulary in front of the previous network would
    otherwise predict with the wrong columns, or fail. skbig's estimators restore
    themselves; the other steps are restored from a copy taken before the fit.
    """

    def fit(self, X, y=None, **params):
        """Fit every step, as :meth:`sklearn.pipeline.Pipeline.fit`, all or nothing.

        Parameters
        ----------
        X : iterable
            Training data for the first step (raw documents).
        y : array-like, default=None
            Training targets.
        **params
            Fit parameters, routed as ``Pipeline.fit`` routes them.

        Returns
        -------
        self : TextPipeline
            The fitted pipeline.
        """
        warn_if_steps_learn_privately(self.steps)
        name, last = self.steps[-1]
        if f"{name}__X_val" in params and isinstance(last, _MLPMixin):
            # Raw documents: the steps before the network transform them once
            # they are fitted (scikit-learn's transform_input, without routing).
            raw = params[f"{name}__X_val"]
            params = {**params, f"{name}__X_val": Untransformed(self, raw)}
        with restored_on_failure(self.steps):
            return super().fit(X, y, **params)

    def partial_fit(self, X, y, classes=None, sample_weight=None):
        """Train the network one ``partial_fit`` epoch on a batch of raw documents.

        The steps in front keep their feature space: fitted ones transform as they
        are (words a fitted vocabulary never saw are left out); steps that learn
        nothing from data (hashing, tf without IDF) are fitted on the first batch;
        an unfitted one that would learn from the batch (a vocabulary) is refused.

        Parameters
        ----------
        X : iterable
            A batch of raw documents.
        y : array-like
            Their labels.
        classes : array-like, default=None
            Every class that will ever be seen (needed on the first call).
        sample_weight : array-like, default=None
            Per-document weights.

        Returns
        -------
        self : TextPipeline
        """
        *front, (_, last) = self.steps
        steps = [
            (name, step) for name, step in front if step not in (None, "passthrough")
        ]
        unfitted = [(name, step) for name, step in steps if not is_fitted(step)]
        for name, step in unfitted:
            if learns_from_data(step):
                raise NotFittedError(
                    f"step {name!r} ({type(step).__name__}) learns from the data and "
                    "is not fitted: partial_fit would fit it on one batch. Fit the "
                    'pipeline first, or use make_text_classifier(vectorizer="hashing").'
                )
        with restored_on_failure(unfitted):  # only these change; the network restores
            for name, step in steps:
                if (name, step) in unfitted:
                    step.fit(X)
                X = step.transform(X)
            given = {} if classes is None else {"classes": classes}  # a regressor
            last.partial_fit(X, y, sample_weight=sample_weight, **given)
        return self
