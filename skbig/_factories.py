"""make_text_classifier and make_text_regressor: raw text in, labels or numbers out."""

import numpy as np
from sklearn.feature_extraction.text import TfidfTransformer

from ._classifier import MLPClassifier
from ._regressor import MLPRegressor
from ._text import HashingVectorizer, TextPipeline, TfidfVectorizer

#: Chosen on 20 Newsgroups with 20 % of its training split held out (issue #18,
#: benchmarks/README.md): fewer hashed columns mean less noise in all.
PRIVATE_FEATURES = 2**16


#: Hashed columns of ``make_text_classifier(vectorizer="hashing")``: 20 Newsgroups
#: has about 100,000 distinct words; at width 512 the first layer and its Adagrad
#: slot take 0.5 GB (benchmarks/README.md, "Past one machine").
HASHING_FEATURES = 2**17


def make_text_classifier(
    *, vectorizer="tfidf", dp_epsilon=None, dp_delta=None, dp_clip_norm=1.0, **params
):
    """Build a ``TfidfVectorizer -> MLPClassifier`` pipeline for raw text.

    The vectorizer uses sublinear term frequencies, drops terms seen in a single
    document and emits float32, so the sparse matrix goes into the network without a
    copy. Everything is an ordinary :class:`~sklearn.pipeline.Pipeline`: grid search
    over ``tfidf__*`` and ``mlp__*``, cross-validation, ``clone``, pickle and joblib
    all work unchanged.

    Parameters
    ----------
    vectorizer : {"tfidf", "hashing"}, default="tfidf"
        ``"hashing"``: no vocabulary to learn or store; steps ``"hashing"`` (a
        :class:`HashingVectorizer` of ``HASHING_FEATURES`` columns, counts) and
        ``"tf"`` (sublinear tf, l2-normalised, no IDF) in front of the network. Its
        feature space never moves, so data that arrives over time, or is read once
        (:func:`fit_stream`), fits it without a counting pass.
    dp_epsilon, dp_delta, dp_clip_norm : float or None, float or None, float
        With ``dp_epsilon``, a pipeline whose whole output is private: a feature
        map that learns nothing from the data (``"hashing"``: hashed word counts,
        ``"tf"``: sublinear tf, l2-normalised, no IDF) and a linear
        ``MLPClassifier`` trained with DP-SGD at these settings (SGD with
        momentum, no data-derived class weights). See "Training privately".
    **params
        Step parameters in ``Pipeline.set_params`` form: ``tfidf__<name>`` for the
        :class:`TfidfVectorizer` (scikit-learn's, checking its input), ``mlp__<name>``
        for the :class:`MLPClassifier`, or ``tfidf=`` / ``mlp=`` to replace a step.

    Returns
    -------
    pipeline : TextPipeline
        Unfitted pipeline (a :class:`~sklearn.pipeline.Pipeline` whose ``fit`` is
        all or nothing) with steps ``"tfidf"`` and ``"mlp"`` (private:
        ``"hashing"``, ``"tf"`` and ``"mlp"``).

    See Also
    --------
    MLPClassifier : The classifier step.
    make_text_regressor : The same for numbers.

    Examples
    --------
    >>> from skbig import make_text_classifier
    >>> texts = ["free prize now", "win cash now", "lunch at noon?",
    ...          "see you at lunch", "claim your free cash", "noon meeting moved"]
    >>> labels = ["spam", "spam", "ham", "ham", "spam", "ham"]
    >>> clf = make_text_classifier(tfidf__min_df=1, mlp__hidden_layer_sizes=(16,),
    ...                            mlp__n_iter_no_change=5, mlp__random_state=0)
    >>> clf.fit(texts, labels).classes_.tolist()
    ['ham', 'spam']
    >>> clf.predict(["free cash prize", "lunch moved"]).shape
    (2,)
    """
    network = _network(
        MLPClassifier, dp_epsilon, dp_delta=dp_delta, dp_clip_norm=dp_clip_norm,
        class_weight=None,
    )  # fmt: skip
    pipeline = TextPipeline([*_features(vectorizer, dp_epsilon), ("mlp", network)])
    return _with_step_params(pipeline, params)


def make_text_regressor(
    *,
    vectorizer="tfidf",
    dp_epsilon=None,
    dp_delta=None,
    dp_clip_norm=1.0,
    dp_target_bounds=None,
    **params,
):
    """Build a ``TfidfVectorizer -> MLPRegressor`` pipeline for raw text.

    The vectorizer of :func:`make_text_classifier`; the regressor's defaults blend
    a ridge with the network on this sparse input (``linear_part="auto"``).

    Parameters
    ----------
    vectorizer : {"tfidf", "hashing"}, default="tfidf"
        As :func:`make_text_classifier`'s: ``"hashing"`` puts the steps
        ``"hashing"`` and ``"tf"`` in front, a feature space that never moves.
    dp_epsilon, dp_delta, dp_clip_norm : float or None, float or None, float
        With ``dp_epsilon``, a pipeline whose whole output is private, as
        :func:`make_text_classifier`'s: hashed features that learn nothing from
        the data and a linear ``MLPRegressor`` trained with DP-SGD (no ridge
        beside it: the ridge would see the data outside the guarantee).
    dp_target_bounds : (float, float) or None, default=None
        The private regressor's ``dp_target_bounds``, required with
        ``dp_epsilon``: the range the targets are known to lie in from public
        knowledge (a rating scale, the years a record covers), never from the
        data. See :class:`MLPRegressor`.
    **params
        Step parameters in ``Pipeline.set_params`` form: ``tfidf__<name>`` for the
        :class:`TfidfVectorizer`, ``mlp__<name>`` for the :class:`MLPRegressor`,
        or ``tfidf=`` / ``mlp=`` to replace a step.

    Returns
    -------
    pipeline : TextPipeline
        Unfitted pipeline with steps ``"tfidf"`` and ``"mlp"`` (hashing or
        private: ``"hashing"``, ``"tf"`` and ``"mlp"``).

    See Also
    --------
    MLPRegressor : The regressor step.
    make_text_classifier : The same for labels.

    Examples
    --------
    >>> from skbig import make_text_regressor
    >>> texts = ["great fun", "dull and slow", "fun", "slow", "great", "dull"] * 5
    >>> stars = [5.0, 1.0, 4.0, 2.0, 4.5, 1.5] * 5
    >>> reg = make_text_regressor(tfidf__min_df=1, mlp__hidden_layer_sizes=(8,),
    ...                           mlp__random_state=0)
    >>> reg.fit(texts, stars).predict(["great fun"]).shape
    (1,)
    """
    if dp_target_bounds is not None and dp_epsilon is None:
        raise ValueError(
            "dp_target_bounds applies to a private fit; pass dp_epsilon as well."
        )
    if dp_epsilon is not None and dp_target_bounds is None:
        raise ValueError(
            "make_text_regressor(dp_epsilon=...) needs dp_target_bounds=(low, high): "
            "the range the targets lie in by public knowledge (a rating scale, the "
            "years covered), never read from the data. A private fit cannot take "
            "the targets' mean and spread from the data, and on raw targets it "
            "predicts worse than their mean unless they are of unit size around 0."
        )
    network = _network(
        MLPRegressor, dp_epsilon, dp_delta=dp_delta, dp_clip_norm=dp_clip_norm,
        dp_target_bounds=dp_target_bounds,
    )  # fmt: skip
    pipeline = TextPipeline([*_features(vectorizer, dp_epsilon), ("mlp", network)])
    return _with_step_params(pipeline, params, "make_text_regressor")


def _features(vectorizer, dp_epsilon):
    """The steps in front of the network: TF-IDF, or hashed words (private or not)."""
    if vectorizer not in ("tfidf", "hashing"):
        raise ValueError(f'vectorizer must be "tfidf" or "hashing", not {vectorizer!r}')
    if dp_epsilon is None and vectorizer == "tfidf":
        return [("tfidf", _default_tfidf())]
    columns = HASHING_FEATURES if dp_epsilon is None else PRIVATE_FEATURES
    hashing = HashingVectorizer(
        n_features=columns, alternate_sign=False, norm=None, dtype=np.float32
    )
    tf = TfidfTransformer(use_idf=False, sublinear_tf=True)
    return [("hashing", hashing), ("tf", tf)]


def _network(kind, dp_epsilon, **private):
    """The network step: the default one, or with ``dp_epsilon`` a linear network
    trained with SGD and momentum at the noise-scaled rate, with the ``private``
    settings (the classifier's include no class weights computed from the data)."""
    if dp_epsilon is None:
        return kind()
    return kind(
        hidden_layer_sizes=(), dropout=0.0, optimizer="sgd",
        optimizer__momentum=0.9, learning_rate_init="auto",
        dp_epsilon=dp_epsilon, **private,
    )  # fmt: skip


def _default_tfidf():
    """The vectorizer both factories put in front: sublinear term frequencies,
    terms seen in one document dropped, float32 straight into the network."""
    return TfidfVectorizer(sublinear_tf=True, min_df=2, dtype=np.float32)


def _with_step_params(pipeline, params, maker="make_text_classifier"):
    """``pipeline.set_params(**params)``, saying which step a bare name belongs to."""
    steps = dict(pipeline.steps)
    for name in params:
        if "__" in name or name in steps:
            continue
        owners = [step for step, est in steps.items() if name in est.get_params()]
        hint = " or ".join(f"{step}__{name}=" for step in owners)
        raise ValueError(
            f"{maker}() takes step parameters with their step's name; "
            f"got {name!r}"
            + (f", pass it as {hint}" if hint else f"; the steps are {list(steps)}")
        )
    return pipeline.set_params(**params)
