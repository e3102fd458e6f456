"""Which words drove a prediction, and what each class has learned.

``explain_text`` attributes a text classifier's probability for one class to the
terms of one document with integrated gradients (Sundararajan et al., 2017) on the
vectorizer's output: each term's share of ``P(class | document) - P(class | empty
document)``, computed from the network itself (a text regressor's prediction
likewise, its linear part included). ``top_terms`` asks the network what a document
made of a single term would be, for every term of the vocabulary.
"""

import numpy as np
import scipy.sparse as sp

from ._documents import DEFAULT_TOKEN_PATTERN
from ._explanation import Explanation
from ._runtime import quiet
from ._tables import standardised
from ._term_names import document_names, vocabulary_names
from ._weights import weighted

#: Points on the straight path from the empty document to the document.
IG_STEPS = 32


def _split(pipeline):
    """The transforming head and the skbig classifier or regressor at the end of
    a pipeline."""
    from ._classifier import MLPClassifier
    from ._regressor import MLPRegressor

    steps = getattr(pipeline, "steps", None)
    if not steps or not isinstance(steps[-1][1], MLPClassifier | MLPRegressor):
        raise TypeError(
            "expected a fitted Pipeline ending in an skbig classifier, such as "
            f"make_text_classifier(); got {type(pipeline).__name__}"
        )
    clf = pipeline[-1]
    from sklearn.utils.validation import check_is_fitted

    check_is_fitted(clf)
    return pipeline[:-1], clf


def _class_index(clf, target):
    """Column of the class in ``predict_proba``'s output."""
    classes = list(clf.classes_)
    matches = [i for i, c in enumerate(classes) if c == target]
    if not matches:
        shown = ", ".join(str(_plain(c)) for c in classes)
        raise ValueError(f"unknown target {target!r}; the classes are {shown}")
    return matches[0]


def _is_binary(clf, raw):
    return raw.shape[-1] == 1 and clf.target_type_ == "binary"


def _probability_of(clf, raw, column):
    """Probability of class ``column`` from the network's raw output tensor."""
    if _is_binary(clf, raw):
        return raw[:, 0] if column == 1 else 1.0 - raw[:, 0]
    return raw[:, column]


def _dense_call(model, X):
    """Call the network on a dense batch (its Input may be declared sparse)."""
    return model(X, training=False)


def explain_text(pipeline, text, target=None, top_k=10, steps=IG_STEPS):
    """Attribute a prediction to the terms of the text, from the network itself.

    Parameters
    ----------
    pipeline : Pipeline
        A fitted pipeline ending in an skbig classifier (or regressor) after a
        vectorizer, such as :func:`skbig.make_text_classifier` (or one read by
        :func:`skbig.load`).
        Hashed features (``vectorizer="hashing"``, private pipelines) have no
        vocabulary: the text's own terms name the columns they hash to.
    text : str
        The document to explain.
    target : object, default=None
        The class to explain; defaults to the most probable class. A regressor's:
        the index of an output (None: its only one).
    top_k : int, default=10
        How many terms ``Explanation.terms`` lists.
    steps : int, default=32
        Points on the integration path; more is closer to exact.

    Returns
    -------
    Explanation
        Signed term weights (integrated gradients on the TF-IDF vector), the
        class and its probability; ``to_html()`` highlights the words.

    Examples
    --------
    >>> from skbig import make_text_classifier
    >>> from skbig.explain import explain_text
    >>> texts = ["good great fine", "bad awful poor", "great good", "poor bad"] * 10
    >>> labels = ["pos", "neg", "pos", "neg"] * 10
    >>> clf = make_text_classifier(
    ...     tfidf__min_df=1, mlp__hidden_layer_sizes=(8,), mlp__n_iter_no_change=5,
    ...     mlp__learning_rate_init=0.05, mlp__random_state=0,
    ... ).fit(texts, labels)
    >>> explanation = explain_text(clf, "a great movie, not bad", target="pos")
    >>> sorted(term for term, weight in explanation.terms)  # words it knows
    ['bad', 'great']
    >>> explanation.all_terms["great"] > 0 > explanation.all_terms["bad"]
    True
    """
    import tensorflow as tf

    head, clf = _split(pipeline)
    if not isinstance(text, str):
        raise TypeError(f"text must be a string, got {type(text).__name__}")
    numbers = not hasattr(clf, "classes_")  # a regressor
    x = sp.csr_matrix(head.transform([text]), dtype=np.float32)
    # The network reads the columns as its nb_weights scaled them.
    x = weighted(x, getattr(clf, "feature_weights_", None))
    present = x.indices
    names = document_names(head, text, present)
    values = x.data.astype(np.float32)
    # One forward pass over the document, the empty document, and the midpoints
    # alpha * x of the path between them; only the document's own columns can
    # get a non-zero attribution.
    alphas = (np.arange(steps, dtype=np.float32) + 0.5) / steps
    dense = np.zeros((steps + 2, x.shape[1]), dtype=np.float32)
    dense[:, present] = np.concatenate([alphas, [1.0, 0.0]])[:, None] * values
    inputs = tf.constant(dense)
    with quiet(), tf.GradientTape() as tape:
        tape.watch(inputs)
        features = standardised(clf, inputs)
        raw = _dense_call(clf.model_, features)
        if numbers:
            column = _output_index(raw, target)
            score = _predicted(clf, features, raw, column)
        else:
            column = _class_column(clf, raw[steps], target)
            score = _probability_of(clf, raw, column)
    gradients = tape.gradient(score, inputs).numpy()[:steps, present]
    weights = values * gradients.mean(axis=0)
    probability, baseline = (float(p) for p in score.numpy()[steps:])
    if numbers:
        target = None if raw.shape[-1] == 1 else column
    else:
        target = clf.classes_[column]
    all_terms = {str(n): float(w) for n, w in zip(names, weights, strict=True)}
    order = np.argsort(-np.abs(weights), kind="stable")[:top_k]
    vectorizer = _last_vectorizer(head)
    return Explanation(
        text=text,
        target=_plain(target),
        probability=probability,
        baseline=baseline,
        terms=[(str(names[i]), float(weights[i])) for i in order],
        all_terms=all_terms,
        token_pattern=getattr(vectorizer, "token_pattern", None)
        or DEFAULT_TOKEN_PATTERN,
        lowercase=getattr(vectorizer, "lowercase", True),
        quantity="prediction" if numbers else "probability",
    )


def _class_column(clf, row, target):
    """The column of ``target`` (None: the most probable class for the network's
    outputs ``row`` on the document)."""
    if target is not None:
        return _class_index(clf, target)
    row = row.numpy()
    return int(row[0] > 0.5) if _is_binary(clf, row[None]) else int(np.argmax(row))


def _output_index(raw, target):
    """The regressor's output ``target`` (its index; None: the only one)."""
    n_outputs = raw.shape[-1]
    if target is None and n_outputs == 1:
        return 0
    if isinstance(target, int | np.integer) and 0 <= target < n_outputs:
        return int(target)
    raise ValueError(
        f"target names one of the regressor's {n_outputs} outputs by its index "
        f"(0 to {n_outputs - 1}); got {target!r}"
    )


def _predicted(reg, features, raw, column):
    """The regressor's prediction for output ``column``, as ``predict`` makes it
    (the network blended with its linear part, on the targets' scale), as a
    tensor of the network's ``features``, to differentiate."""
    import tensorflow as tf

    value = raw[:, column]
    coef = getattr(reg, "linear_coef_", None)
    if coef is not None:
        linear = tf.linalg.matvec(features, tf.constant(coef[:, column], tf.float32))
        weight = float(reg.linear_weight_)
        value = (1 - weight) * value + weight * (
            linear + float(reg.linear_intercept_[column])
        )
    encoder = reg.target_encoder_
    value = value * float(encoder.scale_[column]) + float(encoder.mean_[column])
    if getattr(encoder, "bounds", None) is None:
        return value
    # a private regressor's dp_target_bounds, as predict clips into them
    low, high = float(encoder.low_[column]), float(encoder.high_[column])
    return tf.clip_by_value(value, low, high)


def _last_vectorizer(head):
    for _, step in reversed(getattr(head, "steps", [])):
        if hasattr(step, "build_analyzer"):
            return step
    return None


def _plain(value):
    return value.item() if isinstance(value, np.generic) else value


def top_terms(pipeline, top_k=20, plot=None, batch_size=2048):
    """For each class, the terms that most raise its probability on their own.

    Each term of the vocabulary is scored by the probability the network gives
    the class for a document made of that term alone (its TF-IDF vector, one
    non-zero of 1.0 after the vectorizer's l2 normalisation), minus the
    probability for an empty document. A regressor's terms are scored by its
    prediction for that document minus the empty document's, and listed under
    ``"raise"`` (largest first) and ``"lower"`` (most negative first); with
    several outputs, ``"raise 0"``, ``"lower 0"``, ``"raise 1"``, ...

    Parameters
    ----------
    pipeline : Pipeline
        A fitted pipeline ending in an skbig classifier or regressor after a
        vectorizer with a vocabulary (a ``HashingVectorizer`` keeps none:
        ``TypeError``).
    top_k : int, default=20
        Terms per class.
    plot : str or path-like, default=None
        Also write a bar chart per class to this PNG file (needs matplotlib).
    batch_size : int, default=2048
        Vocabulary terms scored per forward pass.

    Returns
    -------
    dict
        ``{class: [(term, raise in probability), ...]}``, largest first; a
        regressor's ``{"raise": [(term, change), ...], "lower": [...]}``.
    """
    head, clf = _split(pipeline)
    names = vocabulary_names(head)
    n_features = len(names)
    numbers = not hasattr(clf, "classes_")
    score = clf.predict if numbers else clf.predict_proba
    empty = score(sp.csr_matrix((1, n_features), dtype=np.float32)).reshape(1, -1)
    # Row i is the one-term document of vocabulary entry i.
    one_term = sp.identity(n_features, dtype=np.float32, format="csr")
    values = np.concatenate(
        [
            score(one_term[start : start + batch_size]).reshape(-1, empty.shape[1])
            for start in range(0, n_features, batch_size)
        ]
    )
    lifts = values - empty
    result = {}
    if numbers:  # the terms that raise the number most, and that lower it most
        for j, lift in enumerate(lifts.T):
            suffix = f" {j}" if lifts.shape[1] > 1 else ""
            for key, order in (("raise", np.argsort(-lift, kind="stable")),
                               ("lower", np.argsort(lift, kind="stable"))):  # fmt: skip
                picked = order[:top_k]
                result[key + suffix] = [(str(names[i]), float(lift[i])) for i in picked]
        return _plotted(result, plot)
    for column, label in enumerate(clf.classes_):
        lift = lifts[:, column]
        order = np.argsort(-lift, kind="stable")[:top_k]
        result[_plain(label)] = [(str(names[i]), float(lift[i])) for i in order]
    return _plotted(result, plot)


def _plotted(result, plot):
    if plot is not None:
        _plot_top_terms(result, plot)
    return result


def _plot_top_terms(result, path):
    from ._report._figures import subplots

    n = len(result)
    columns = min(n, 4)
    rows = -(-n // columns)
    k = max(len(terms) for terms in result.values())
    figure, axes = subplots(
        rows, columns, figsize=(3.2 * columns, 0.25 * k * rows + 1), squeeze=False
    )
    for axis, (label, terms) in zip(axes.flat, result.items(), strict=False):
        words = [t for t, _ in terms][::-1]
        axis.barh(words, [w for _, w in terms][::-1], color="tab:green")
        axis.set_title(str(label), fontsize=9)
        axis.tick_params(labelsize=7)
    for axis in list(axes.flat)[n:]:
        axis.axis("off")
    figure.tight_layout()
    figure.savefig(path, dpi=100)


def deletion_check(pipeline, texts, ks=(1, 3, 5), random_state=None):
    """How much removing the top-attributed terms lowers the explained probability.

    A faithfulness check: for each document, the predicted class's probability is
    recomputed after deleting its ``k`` highest-weighted terms from the text, and
    after deleting ``k`` of its terms at random. Faithful weights make the first
    drop far larger than the second. Documents with ``k`` terms or fewer are
    skipped for that ``k``.

    Parameters
    ----------
    pipeline : Pipeline
        A fitted pipeline ending in an skbig classifier after a vectorizer.
    texts : list of str
        Held-out documents.
    ks : sequence of int, default=(1, 3, 5)
        Numbers of terms to delete.
    random_state : int, RandomState or None
        Seeds the random deletions.

    Returns
    -------
    dict
        ``{k: {"top": mean drop, "random": mean drop, "documents": n}}``.
    """
    from sklearn.utils import check_random_state

    head, clf = _split(pipeline)
    if not hasattr(clf, "classes_"):
        raise TypeError(
            "deletion_check measures a classifier's probabilities, not a "
            "regressor's numbers"
        )
    vectorizer = _last_vectorizer(head)
    if vectorizer is None:
        raise TypeError("deletion_check needs a pipeline with a text vectorizer")
    words_of = _word_splitter(vectorizer)
    rng = check_random_state(random_state)
    edited, origin = [], []
    for text in texts:
        explanation = explain_text(pipeline, text, top_k=max(ks))
        ranked = sorted(explanation.all_terms, key=explanation.all_terms.get)[::-1]
        column = _class_index(clf, explanation.target)
        for k in ks:
            if len(ranked) <= k:
                continue
            for kind, removed in (
                ("top", ranked[:k]),
                ("random", list(rng.choice(ranked, size=k, replace=False))),
            ):
                gone = {word for term in removed for word in term.split()}
                edited.append(" ".join(w for w in words_of(text) if w not in gone))
                origin.append((k, kind, column, explanation.probability))
    drops = {k: {"top": [], "random": []} for k in ks}
    if edited:
        with quiet():
            proba = clf.predict_proba(head.transform(edited))
        for row, (k, kind, column, before) in zip(proba, origin, strict=True):
            drops[k][kind].append(before - row[column])
    return {
        k: {
            "top": float(np.mean(d["top"])) if d["top"] else float("nan"),
            "random": float(np.mean(d["random"])) if d["random"] else float("nan"),
            "documents": len(d["top"]),
        }
        for k, d in drops.items()
    }


def _word_splitter(vectorizer):
    preprocess = vectorizer.build_preprocessor()
    tokenize = vectorizer.build_tokenizer()
    return lambda text: tokenize(preprocess(text))
