"""fit_stream: fit a text pipeline on chunks of a corpus larger than memory."""

import os
import tempfile

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import CountVectorizer, HashingVectorizer

from .._classifier import MLPClassifier
from .._regressor import MLPRegressor
from .._steps import learns_from_data, restored_on_failure
from .._text import TfidfVectorizer
from ._buckets import BucketRows, FeatureCache
from ._targets import stream_targets
from ._vocabulary import (
    VocabularyCounter,
    finish_counts,
    fitted_vectorizer,
    learns_vocabulary,
)

#: At most this many documents are held out for the stopping rule (the scores of
#: 10,000 documents are precise to about half a point; more would only cost time
#: and memory at every epoch).
MAX_VALIDATION = 10_000
#: A streamed regressor also keeps up to this many more documents of the stream in
#: memory (a uniform sample, besides the held-out ones), to fit the ridge beside its
#: network (``linear_part``) on: 10,000 sparse rows cost the ridge's cross-validated
#: solve seconds and the reservoir a few MB.
MAX_RIDGE_ROWS = 10_000
#: Rows of a corpus are scattered over this many bucket files: an epoch holds one
#: in memory at a time. With 64, a bucket of 1.1 million 20 Newsgroups documents
#: (17,700 each) raised the peak by 200 MB over 10x fewer (benchmarks/scale.py);
#: 256 open files stay far below the usual limit of 1,024.
N_BUCKETS = 256


def fit_stream(
    pipeline, chunks, *, cache_dir=None, max_validation=MAX_VALIDATION, X_val=None,
    y_val=None,
):  # fmt: skip
    """Fit a text pipeline on a corpus given in chunks, never holding it whole.

    The chunks are read once. The vectorizer learns exactly what its ``fit`` would
    learn from all the documents (the vocabulary with ``min_df``, ``max_df`` and
    ``max_features``, and ``idf_``), counted chunk by chunk; each document's
    features go to a random one of 256 files in ``cache_dir``, and the network
    trains from those files one at a time, in a new random order every epoch. A
    reservoir sample of at most ``max_validation`` documents, drawn from the
    stream with the network's ``random_state``, is what the stopping rule holds
    out (a single-label classifier's stratified by class and weighed by the
    class weights, and its copies of documents trained on judged on neither
    side, as ``fit`` does). A classifier's ``nb_weights`` are counted from the
    stored rows, a file at a time, before the stopping run (without the held-out
    ones); the refit's are those counts plus the held-out rows', so they are the
    weights ``fit`` on the same documents learns. The result is the same fitted
    pipeline object, an ordinary one: ``predict``, :func:`skbig.save`,
    :func:`skbig.export` and :mod:`skbig.explain` work on it unchanged.

    Multi-label targets come as ``fit`` takes them, indicator rows: a 2-D array of
    0 and 1 a chunk, of the same width in every chunk (``classes_`` are then the
    columns). Each row stores the number of its label set among the distinct sets
    seen, so memory grows with how many distinct sets there are, not with rows.
    They take no class weights ("auto" weighs none for multi-label targets, as
    in memory; "balanced" or a dict is refused).

    A regressor (:func:`make_text_regressor`) trains on one number a document,
    standardised by the whole stream's mean and spread (counted as the chunks
    come; each target is stored as a float32). The ridge beside its network
    (``linear_part``) is solved over rows in memory: every row of a stream of
    up to ``max_validation`` + ``MAX_RIDGE_ROWS`` (10,000) documents, or whose
    features take under 8 MB, else a uniform sample of at least ``MAX_RIDGE_ROWS``
    training documents that the reservoir keeps besides the held-out ones.

    Parameters
    ----------
    pipeline : Pipeline
        Unfitted: a vectorizer (``TfidfVectorizer``, ``CountVectorizer`` or
        ``HashingVectorizer``), steps that learn nothing from the data (such as
        ``TfidfTransformer(use_idf=False)``), then an :class:`MLPClassifier` or
        :class:`MLPRegressor`, as :func:`make_text_classifier` and
        :func:`make_text_regressor` build (``vectorizer="hashing"`` for one
        without a vocabulary).
    chunks : iterable of (texts, labels), or a callable returning one
        The corpus, in chunks of any size: ``texts`` a list of strings,
        ``labels`` one label per text (single-label classification), indicator
        rows (multi-label; a 2-D array of 0 and 1) or, for a regressor, one
        finite number per text.
    cache_dir : str, default=None
        Where the feature files go (about the size of the corpus's sparse
        features; removed afterwards). None: the system's temporary folder.
    max_validation : int, default=10_000
        The most documents held out for the stopping rule.
    X_val, y_val : list of str and array-like, default=None
        Held-out documents and their labels to stop and calibrate on instead of
        a sample of the stream, as :meth:`MLPClassifier.fit` takes them (held in
        memory); the network then trains on every document of the stream.

    Returns
    -------
    pipeline : Pipeline
        ``pipeline``, fitted.

    Examples
    --------
    >>> from skbig import fit_stream, make_text_classifier
    >>> def chunks():
    ...     for _ in range(3):
    ...         yield ["free prize now", "lunch at noon?"], ["spam", "ham"]
    >>> clf = make_text_classifier(tfidf__min_df=1, mlp__hidden_layer_sizes=(8,),
    ...                            mlp__n_iter_no_change=5, mlp__random_state=0)
    >>> fit_stream(clf, chunks).classes_.tolist()
    ['ham', 'spam']
    """
    first, middle, mlp = _check_pipeline(pipeline)
    if cache_dir is not None and not os.path.isdir(cache_dir):
        raise FileNotFoundError(f"cache_dir={os.fspath(cache_dir)!r} is no folder")
    with (
        restored_on_failure(pipeline.steps),
        tempfile.TemporaryDirectory(prefix="skbig-stream-", dir=cache_dir) as folder,
    ):
        seed = np.random.RandomState(mlp.random_state).randint(2**31 - 1)
        regressor = isinstance(mlp, MLPRegressor)
        ridge_rows = MAX_RIDGE_ROWS if regressor and mlp.linear_part else 0
        counter = VocabularyCounter(first) if learns_vocabulary(first) else None
        cache = FeatureCache(
            folder, n_buckets=N_BUCKETS, reservoir_size=max_validation + ridge_rows,
            seed=seed,
        )  # fmt: skip
        try:
            targets = _read(chunks() if callable(chunks) else chunks, first,
                            counter, cache, regressor)  # fmt: skip
        finally:
            cache.close()
        features, n_features = _feature_map(first, middle, counter)
        rows = BucketRows(
            cache.paths, cache.reservoir, n_features, features, cache.n_rows,
            targets.class_order(), max_validation=max_validation,
        )  # fmt: skip
        held = None
        if X_val is not None:  # through the steps as fitted on the stream
            held = (pipeline[:-1].transform(X_val), y_val)
        targets.fit(mlp, rows, held)
    return pipeline


def _check_pipeline(pipeline):
    steps = [step for _, step in pipeline.steps]
    if len(steps) < 2 or not isinstance(steps[-1], MLPClassifier | MLPRegressor):
        raise TypeError("fit_stream fits a Pipeline of a vectorizer, ... and an "
                        "MLPClassifier or MLPRegressor, as make_text_classifier "
                        "and make_text_regressor build")  # fmt: skip
    first, *middle, mlp = steps
    if not isinstance(first, CountVectorizer | HashingVectorizer):
        raise TypeError(
            "fit_stream needs a TfidfVectorizer, CountVectorizer or "
            f"HashingVectorizer first, not {type(first).__name__}"
        )
    if first.input != "content":
        raise ValueError(f"fit_stream reads texts; the vectorizer has input="
                         f"{first.input!r}")  # fmt: skip
    learning = [type(s).__name__ for s in middle if learns_from_data(s)]
    if learning:
        raise ValueError(
            f"fit_stream fits steps that learn nothing from the data between the "
            f"vectorizer and the network; {learning} do (use use_idf=False, or put "
            "the statistics in the vectorizer)"
        )
    if mlp.dp_epsilon is not None:
        raise ValueError("fit_stream does not train privately: DP-SGD's accounting "
                         "assumes Poisson sampling over data in memory")  # fmt: skip
    return first, middle, mlp


def _read(chunks, first, counter, cache, regressor):
    """One pass: count, store the features and the targets' codes; returns the
    targets (their kind decided by the first chunk of any)."""
    checker = TfidfVectorizer()  # names missing and non-text documents
    targets = None
    for number, chunk in enumerate(chunks, 1):
        try:
            texts, labels = chunk
        except (TypeError, ValueError):
            message = f"chunk {number}: expected a (texts, labels) pair"
            raise TypeError(message) from None
        try:
            texts = list(checker._checked(texts))
        except (TypeError, ValueError) as error:
            raise type(error)(f"chunk {number}: {error}") from None
        labels = list(labels)
        if len(texts) != len(labels):
            raise ValueError(f"chunk {number}: {len(texts)} texts but {len(labels)} "
                             "labels")  # fmt: skip
        if not texts:
            continue
        if targets is None:
            targets = stream_targets(regressor, labels)
        codes = targets.codes(labels, number)
        X = counter.count(texts) if counter is not None else first.transform(texts)
        cache.add(sp.csr_matrix(X), codes)
    if cache.n_rows == 0:
        raise ValueError("fit_stream: the chunks hold no documents")
    return targets


def _feature_map(first, middle, counter):
    """The function from stored rows to the network's features; fits the
    vectorizer (and the stateless middle steps)."""
    if counter is not None:
        vocabulary, dfs, columns = counter.vocabulary()
        fitted_vectorizer(first, vocabulary, dfs, counter.n_documents)
        width = len(vocabulary)
    else:
        first.fit([""])  # hashing, or a given vocabulary: nothing to learn
        width = first.transform([""]).shape[1]
    stub = sp.csr_matrix((1, width), dtype=np.float32)
    for step in middle:
        stub = step.fit(stub).transform(stub)  # stateless: fitted on nothing

    def features(indptr, indices, data):
        indptr = np.asarray(indptr, np.int64)
        indices, data = np.asarray(indices, np.int32), np.asarray(data, np.float32)
        n = len(indptr) - 1
        if n == 0:  # a bucket no row was drawn into
            return sp.csr_matrix((0, out_width), dtype=np.float32)
        if counter is not None:
            mapped = columns[indices] if len(indices) else indices
            keep = mapped >= 0
            rows = np.repeat(np.arange(n, dtype=np.int32), np.diff(indptr))[keep]
            X = sp.csr_matrix((data[keep], (rows, mapped[keep])), shape=(n, width))
            X.sort_indices()
            X = finish_counts(first, X)
        else:
            X = sp.csr_matrix((data, indices, indptr), shape=(n, width))
        for step in middle:
            X = step.transform(X)
        return sp.csr_matrix(X, dtype=np.float32)

    out_width = None
    out_width = features(np.zeros(2, np.int64), [], []).shape[1]
    return features, out_width
