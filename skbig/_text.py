"""make_text_classifier: raw text in, labels out, as an ordinary Pipeline."""

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.pipeline import Pipeline

from ._classifier import MLPClassifier


def make_text_classifier(**params):
    """Build a ``TfidfVectorizer -> MLPClassifier`` pipeline for raw text.

    The vectorizer uses sublinear term frequencies, drops terms seen in a single
    document and emits float32, so the sparse matrix goes into the network without a
    copy. Everything is an ordinary :class:`~sklearn.pipeline.Pipeline`: grid search
    over ``tfidf__*`` and ``mlp__*``, cross-validation, ``clone``, pickle and joblib
    all work unchanged.

    Parameters
    ----------
    **params
        Step parameters in ``Pipeline.set_params`` form: ``tfidf__<name>`` for the
        :class:`~sklearn.feature_extraction.text.TfidfVectorizer`, ``mlp__<name>``
        for the :class:`MLPClassifier`, or ``tfidf=`` / ``mlp=`` to replace a step.

    Returns
    -------
    pipeline : sklearn.pipeline.Pipeline
        Unfitted pipeline with steps ``"tfidf"`` and ``"mlp"``.

    See Also
    --------
    MLPClassifier : The classifier step.

    Examples
    --------
    >>> from skbig import make_text_classifier
    >>> texts = ["free prize now", "win cash now", "lunch at noon?",
    ...          "see you at lunch", "claim your free cash", "noon meeting moved"]
    >>> labels = ["spam", "spam", "ham", "ham", "spam", "ham"]
    >>> clf = make_text_classifier(tfidf__min_df=1, mlp__hidden_layer_sizes=(16,),
    ...                            mlp__epochs=30, mlp__random_state=0)
    >>> clf.fit(texts, labels).predict(["free cash prize"])
    array(['spam'], dtype='<U4')
    """
    pipeline = Pipeline(
        [
            (
                "tfidf",
                TfidfVectorizer(sublinear_tf=True, min_df=2, dtype=np.float32),
            ),
            ("mlp", MLPClassifier()),
        ]
    )
    return pipeline.set_params(**params)
