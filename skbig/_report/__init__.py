"""``skbig.report`` and the model card: a fitted classifier (or regressor), shown
in one file."""

import os

from sklearn.base import is_classifier, is_regressor

from .._files import write_atomically
from ._card import card_facts, card_markdown, sha256
from ._multilabel import is_multilabel, multilabel_page
from ._page import SECTIONS, build_page
from ._regression import regression_page

__all__ = ["SECTIONS", "model_card", "report"]


def report(
    estimator,
    X,
    y,
    path,
    *,
    data_name=None,
    model_file=None,
    card_notes=None,
    n_errors=10,
    n_correct=5,
    random_state=0,
    label_names=None,
):
    """Write an HTML report of a fitted text classifier (or regressor) scored on
    ``X``, ``y``.

    One self-contained file (styles, script and figures inline; nothing is fetched
    when it opens) with: the headline scores (accuracy, macro-F1, log-loss,
    expected calibration error), per-class precision, recall, F1 and support
    (sortable), the normalised confusion matrix, a reliability diagram, the
    learning curve from ``history_``, the top terms per class, the most confident
    errors and a sample of correct predictions with their words highlighted, and
    the model card. A multi-label classifier's report scores its label
    decisions instead: micro- and macro-F1, the share of documents with every
    label right, the Hamming loss, per-label scores with their thresholds, and
    the calibration of the labels' probabilities. A regressor's report (one number
    per document) gives R², the mean absolute and root mean squared errors and
    the mean error, the predictions against the true values and the errors'
    spread, the terms that raise and lower the prediction most, and the largest
    errors and a sample of the rest, highlighted. Needs matplotlib (``pip install
    "skbig[plot]"``).

    Parameters
    ----------
    estimator : Pipeline
        A fitted text classifier, such as :func:`make_text_classifier` builds or
        :func:`skbig.load` returns, or a text regressor
        (:func:`make_text_regressor`).
    X : list of str
        Labelled documents to score, new to the model.
    y : array-like of shape (n_samples,) or (n_samples, n_labels)
        Their labels; for a multi-label model, the label indicator matrix it
        was trained on (as ``MultiLabelBinarizer`` makes); a regressor's numbers.
    path : str or path-like
        The HTML file to write.
    data_name : str, default=None
        What the data is called in the report (the command line gives the file's
        name, and its SHA-256).
    model_file : str, default=None
        The skbig model file ``estimator`` was loaded from: the card then gives
        its checksum, format and the library versions it was saved with.
    card_notes : str, default=None
        The model's intended use and limits, in your words.
    n_errors, n_correct : int, default=10, 5
        Examples shown of each kind.
    random_state : int, default=0
        Which correct predictions are shown.
    label_names : list of str, default=None
        A multi-label model's label names, one per column of ``y`` (its
        ``classes_`` number them); by default the numbers.

    Returns
    -------
    dict
        The headline scores.
    """
    if not (is_classifier(estimator) or is_regressor(estimator)):
        raise TypeError(
            "skbig.report scores a classifier or a regressor; got "
            f"{type(estimator).__name__}, which is neither"
        )
    facts = card_facts(estimator, model_file=model_file, notes=card_notes)
    digest = None
    if data_name is not None and os.path.isfile(data_name):
        digest = sha256(data_name)
        data_name = os.path.basename(data_name)
    options = {
        "data_name": data_name or "the data given",
        "data_sha256": digest,
        "n_errors": n_errors,
        "n_correct": n_correct,
        "random_state": random_state,
    }
    if is_regressor(estimator):
        page = regression_page(estimator, list(X), y, facts, **options)
    elif is_multilabel(estimator):
        names = [str(c) for c in estimator.classes_]
        if label_names is not None:
            names = [str(name) for name in label_names]
            if len(names) != len(estimator.classes_):
                raise ValueError(
                    f"label_names has {len(names)} names; the model has "
                    f"{len(estimator.classes_)} labels"
                )
        page = multilabel_page(estimator, list(X), y, facts, names=names, **options)
    else:
        page = build_page(estimator, list(X), y, facts, **options)
    write_atomically(path, page.encode("utf-8"))
    return {k: v for k, v in facts["evaluation"].items() if k != "data"}


def model_card(estimator, *, model_file=None, card_notes=None, license="other"):
    """The model card of a fitted estimator as Markdown, in the Hugging Face
    model-card layout (a YAML header with the library, license, tags and the
    held-out scores ``skbig train`` recorded; then description, intended use and
    limits, training data and procedure, evaluation, privacy, versions, file).

    Parameters
    ----------
    estimator : estimator or Pipeline
        Fitted.
    model_file : str, default=None
        The skbig model file it was loaded from (checksum, versions, metadata).
    card_notes : str, default=None
        The intended use and limits, in your words (Markdown).
    license : str, default="other"
        The license identifier for the header.

    Returns
    -------
    str
    """
    facts = card_facts(estimator, model_file=model_file, notes=card_notes)
    return card_markdown(facts, license=license)
