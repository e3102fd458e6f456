"""Exact out-of-core vocabulary: scikit-learn's ``CountVectorizer.fit``, chunk by chunk.

Each chunk is counted by a copy of the user's vectorizer that keeps every term
(``min_df=1``, no ``max_df``/``max_features``); its terms get provisional numbers in
order of appearance, and the document and term frequencies add up across chunks.
Memory is bounded by the vocabulary (every distinct term once), not by the corpus.
At the end :meth:`VocabularyCounter.vocabulary` applies ``max_df``, ``min_df`` and
``max_features`` with scikit-learn's own rule (``CountVectorizer._limit_features``:
terms in alphabetical order, the ``max_features`` most frequent by total count), so
``vocabulary_`` and ``idf_`` equal those of an in-memory fit on the same documents.
"""

from numbers import Integral

import numpy as np
import scipy.sparse as sp
from sklearn.base import clone
from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer


def learns_vocabulary(vectorizer):
    """Whether ``vectorizer`` is a Count/Tfidf vectorizer that learns its terms."""
    return isinstance(vectorizer, CountVectorizer) and vectorizer.vocabulary is None


class VocabularyCounter:
    """Count the documents of a stream of chunks for ``vectorizer``.

    Parameters
    ----------
    vectorizer : CountVectorizer or TfidfVectorizer
        The unfitted vectorizer whose vocabulary is learnt; it is not modified.
    """

    def __init__(self, vectorizer):
        if isinstance(vectorizer, TfidfVectorizer) and not vectorizer.use_idf:
            raise ValueError(
                "streamed fitting supports TfidfVectorizer with use_idf=True; for "
                "use_idf=False use CountVectorizer followed by TfidfTransformer"
            )
        self.vectorizer = vectorizer
        # A plain counter of the same analysis: tokens, n-grams, case, accents.
        self._counter = CountVectorizer(
            **{
                name: value
                for name, value in vectorizer.get_params().items()
                if name in CountVectorizer().get_params()
            }
        ).set_params(min_df=1, max_df=1.0, max_features=None, binary=False)
        self._terms = {}  # term -> provisional number
        self._df = np.zeros(0, np.int64)
        self._tf = np.zeros(0, np.int64)
        self.n_documents = 0

    def count(self, texts):
        """Add ``texts`` to the counts; return their term counts as CSR whose
        columns are provisional term numbers (see :meth:`vocabulary`), in no
        particular order within a row."""
        counter = clone(self._counter)
        try:
            counts = counter.fit_transform(texts)
        except ValueError as error:
            if "empty vocabulary" not in str(error):
                raise
            self.n_documents += len(texts)  # a chunk of stop words only
            return sp.csr_matrix((len(texts), len(self._terms)), dtype=np.int64)
        counts = counts.tocsr()
        local = counter.vocabulary_
        numbers = np.empty(len(local), np.int64)
        for term, column in local.items():
            number = self._terms.setdefault(term, len(self._terms))
            numbers[column] = number
        if len(self._terms) > len(self._df):
            grow = len(self._terms) - len(self._df)
            self._df = np.concatenate([self._df, np.zeros(grow, np.int64)])
            self._tf = np.concatenate([self._tf, np.zeros(grow, np.int64)])
        # A chunk's terms are distinct, so plain fancy-index addition is exact.
        self._df[numbers] += np.bincount(counts.indices, minlength=len(local))
        self._tf[numbers] += np.asarray(counts.sum(axis=0), dtype=np.int64).ravel()
        self.n_documents += counts.shape[0]
        return sp.csr_matrix(
            (counts.data, numbers[counts.indices], counts.indptr),
            shape=(counts.shape[0], len(self._terms)),
        )

    @property
    def n_terms(self):
        """Distinct terms so far (provisional numbers are below it)."""
        return len(self._terms)

    def vocabulary(self):
        """``(vocabulary_, document_frequencies, columns)``: the fitted vocabulary,
        the document frequency of each of its terms (in column order) and, for
        every provisional term number, its column (-1 for a pruned term)."""
        if not self._terms:
            raise ValueError("empty vocabulary; perhaps the documents only contain "
                             "stop words")  # fmt: skip
        v = self.vectorizer
        n = self.n_documents
        high = v.max_df if isinstance(v.max_df, Integral) else v.max_df * n
        low = v.min_df if isinstance(v.min_df, Integral) else v.min_df * n
        if high < low:
            raise ValueError("max_df corresponds to < documents than min_df")
        terms = sorted(self._terms)
        numbers = np.fromiter((self._terms[t] for t in terms), np.int64, len(terms))
        dfs = self._df[numbers]
        # scikit-learn sums the counts in the vectorizer's dtype; binary counts are
        # the document frequencies.
        tfs = (dfs if v.binary else self._tf[numbers]).astype(v.dtype)
        mask = (dfs <= high) & (dfs >= low)
        limit = v.max_features
        if limit is not None and mask.sum() > limit:
            keep = np.where(mask)[0][(-tfs[mask]).argsort()[:limit]]
            mask = np.zeros(len(dfs), dtype=bool)
            mask[keep] = True
        if not mask.any():
            raise ValueError(
                "After pruning, no terms remain. Try a lower min_df or a higher max_df."
            )
        kept = np.flatnonzero(mask)
        vocabulary = {terms[i]: column for column, i in enumerate(kept.tolist())}
        columns = np.full(len(self._terms), -1, np.int64)
        columns[numbers[kept]] = np.arange(len(kept))
        return vocabulary, dfs[kept], columns


def fitted_vectorizer(vectorizer, vocabulary, dfs, n_documents):
    """Set ``vectorizer``'s fitted state (``vocabulary_``, and ``idf_`` for a
    ``TfidfVectorizer``) as scikit-learn's ``fit`` computes it."""
    vectorizer.vocabulary_ = vocabulary
    vectorizer.fixed_vocabulary_ = False
    if isinstance(vectorizer, TfidfVectorizer):
        dtype = (
            vectorizer.dtype
            if vectorizer.dtype in (np.float32, np.float64)
            else (np.float64)
        )
        smooth = int(vectorizer.smooth_idf)
        df = dfs.astype(dtype) + float(smooth)
        idf = np.full_like(df, fill_value=n_documents + smooth, dtype=dtype)
        idf /= df
        np.log(idf, out=idf)
        idf += 1.0
        vectorizer.idf_ = idf  # scikit-learn's public setter builds its transformer
    return vectorizer


def finish_counts(vectorizer, counts):
    """What ``vectorizer.transform`` makes of the term counts ``counts`` (CSR in
    its fitted columns): binary counts, then TF-IDF weighting and normalisation."""
    counts = counts.astype(vectorizer.dtype, copy=False)
    if vectorizer.binary:
        counts.data.fill(1)
    if isinstance(vectorizer, TfidfVectorizer):
        from sklearn.feature_extraction.text import TfidfTransformer

        weighting = TfidfTransformer(
            norm=vectorizer.norm,
            use_idf=vectorizer.use_idf,
            smooth_idf=vectorizer.smooth_idf,
            sublinear_tf=vectorizer.sublinear_tf,
        )
        weighting.idf_ = vectorizer.idf_
        counts = weighting.transform(counts, copy=False)
    return counts
