"""The report page of a multi-label classifier.

Each label is its own yes/no decision, taken at the label's threshold (the
fitted ``thresholds_``), so the page scores decisions rather than one class per
document: micro- and macro-F1, the share of documents whose labels are all
right, the Hamming loss, the mean log-loss of a decision and the calibration of
the labels' probabilities. There is no confusion matrix (a document's labels are
not one choice among the classes); its place is taken by the labels missed
beside the labels wrongly added in the same documents.
"""

import html

import numpy as np

from ._figures import confusion_svg, reliability_svg
from ._page import (
    ECE_BINS,
    PAGE,
    SCRIPT,
    STYLE,
    card_section,
    examples_section,
    expected_calibration_error,
    explained,
    figure,
    final_step,
    headline_section,
    learning_section,
    section,
    top_terms_section,
)

#: Probabilities are clipped this far from 0 and 1 for the log-loss.
_EPS = 1e-15


def is_multilabel(estimator):
    """Whether a fitted estimator (or pipeline) predicts a label indicator matrix."""
    target_type = getattr(final_step(estimator), "target_type_", None)
    return target_type == "multilabel-indicator"


def indicator(y, n_labels):
    """``y`` as a 0/1 matrix of ``n_labels`` columns, or a ValueError naming why
    it is not one."""
    Y = np.asarray(y)
    if Y.ndim != 2 or Y.shape[1] != n_labels:
        raise ValueError(
            f"this model is multi-label, with {n_labels} labels: y must be a label "
            f"indicator matrix of shape (n_samples, {n_labels}) (as "
            f"MultiLabelBinarizer makes), got shape {Y.shape}"
        )
    if not np.isin(Y, (0, 1)).all():
        raise ValueError("a label indicator matrix holds only 0 and 1")
    return Y.astype(int)


def mix_ups(Y, predicted):
    """An ``(L, L)`` count matrix: on the diagonal the documents in which each
    label was found, and at ``[a, b]`` those that missed label ``a`` and wrongly
    got label ``b``."""
    missed = Y & (1 - predicted)
    added = (1 - Y) & predicted
    counts = missed.T @ added
    counts[np.diag_indices_from(counts)] = (Y & predicted).sum(axis=0)
    return counts


def multilabel_scores(Y, proba, predicted):
    """Micro- and macro-F1, subset accuracy, Hamming loss, the mean log-loss of
    a label decision and the expected calibration error of the labels'
    probabilities."""
    from sklearn.metrics import accuracy_score, f1_score, hamming_loss

    p = np.clip(proba, _EPS, 1 - _EPS)
    loss = -(Y * np.log(p) + (1 - Y) * np.log(1 - p)).mean()
    return {
        "micro_f1": float(f1_score(Y, predicted, average="micro", zero_division=0)),
        "macro_f1": float(f1_score(Y, predicted, average="macro", zero_division=0)),
        "subset_accuracy": float(accuracy_score(Y, predicted)),
        "hamming_loss": float(hamming_loss(Y, predicted)),
        "log_loss": float(loss),
        "ece": expected_calibration_error(proba.ravel(), Y.ravel()),
    }


def multilabel_page(
    estimator, texts, y, facts, *, names, data_name, data_sha256, n_errors,
    n_correct, random_state,
):  # fmt: skip
    """The report's HTML for a multi-label ``estimator`` scored on ``texts`` and
    the indicator matrix ``y``; ``names`` name its labels (columns)."""
    from sklearn.metrics import precision_recall_fscore_support

    Y = indicator(y, len(names))
    proba = np.asarray(estimator.predict_proba(texts), dtype=float)
    predicted = np.asarray(estimator.predict(texts)).astype(int)
    result = multilabel_scores(Y, proba, predicted)
    facts["evaluation"] = dict(result, documents=len(Y), data=data_name)
    precision, recall, f1, support = precision_recall_fscore_support(
        Y, predicted, zero_division=0
    )
    last = final_step(estimator)
    thresholds = getattr(last, "thresholds_", None)
    if thresholds is None:
        thresholds = np.full(len(names), 0.5)
    table = {
        "precision": precision, "recall": recall, "F1": f1, "support": support,
        "hits": (Y & predicted).sum(axis=0),
        "false alarms": ((1 - Y) & predicted).sum(axis=0),
        "misses": (Y & (1 - predicted)).sum(axis=0),
        "threshold": thresholds,
    }  # fmt: skip
    parts = [
        _headline(result, len(Y), len(names), data_name, data_sha256),
        _per_label(names, table),
        section(
            "confusion",
            "Labels missed and labels added",
            "<p>Each row is a true label, as a share of its documents: the "
            "diagonal is the recall; off it, how often the row's label was missed "
            "in a document that wrongly got the column's.</p>"
            + figure(
                confusion_svg(
                    mix_ups(Y, predicted),
                    names,
                    totals=support,
                    x_label="found (diagonal) or wrongly added",
                    y_label="true label, missed off the diagonal",
                    scale_label="share of the label's documents",
                )
            ),
        ),
        section(
            "reliability",
            "Calibration",
            f"<p>Each label's probability against how often the label was "
            f"there, over every document and label; expected calibration error "
            f"{result['ece']:.4f} over {ECE_BINS} probability bins.</p>"
            + figure(
                reliability_svg(
                    proba.ravel(),
                    Y.ravel(),
                    ECE_BINS,
                    result["ece"],
                    x_label="a label's probability",
                    y_label="share present",
                    counted="decisions",
                )
            ),
        ),
        learning_section(getattr(last, "history_", None)),
        top_terms_section(estimator, names),
        _examples(
            estimator,
            texts,
            Y,
            predicted,
            proba,
            names,
            n_errors,
            n_correct,
            random_state,
        ),
        card_section(facts),
    ]
    title = f"skbig report: {facts['name']}"
    return PAGE.format(
        title=html.escape(title), body="\n".join(parts), script=SCRIPT, style=STYLE
    )


def _headline(result, n, k, data_name, digest):
    cells = [
        ("micro-F1", f"{result['micro_f1']:.4f}"),
        ("macro-F1", f"{result['macro_f1']:.4f}"),
        ("documents with every label right", f"{result['subset_accuracy']:.4f}"),
        ("Hamming loss", f"{result['hamming_loss']:.4f}"),
        ("log-loss of a decision", f"{result['log_loss']:.4f}"),
        ("calibration error (ECE)", f"{result['ece']:.4f}"),
        ("documents", f"{n:,}"),
        ("labels", f"{k}"),
    ]
    return headline_section(cells, data_name, digest)


def _per_label(names, table):
    def cell(column, value):
        return f"{value:.3f}" if column in ("precision", "recall", "F1") else (
            f"{value:.2f}" if column == "threshold" else f"{int(value)}"
        )  # fmt: skip

    rows = "".join(
        f"<tr><td>{html.escape(str(name))}</td>"
        + "".join(f"<td>{cell(c, v[j])}</td>" for c, v in table.items())
        + "</tr>"
        for j, name in enumerate(names)
    )
    head = "".join(f"<th>{html.escape(c)}</th>" for c in table)
    return section(
        "per-class",
        "Per label",
        "<p>Each label is predicted where its probability reaches its threshold "
        "(learnt on the held-out part of the training data). Click a column's "
        "header to sort by it.</p>"
        '<div class="scroll"><table class="sortable"><thead><tr><th>label</th>'
        f"{head}</tr></thead><tbody>{rows}</tbody></table></div>",
    )


def _examples(estimator, texts, Y, predicted, proba, names, n_errors, n_correct, seed):
    """The documents whose most confident wrong decision is surest, and a sample
    of documents with every label right, each highlighted for one label."""
    wrong_cells = predicted != Y
    # How sure each wrong decision was: p for a false alarm, 1 - p for a miss.
    sureness = np.where(predicted == 1, proba, 1 - proba) * wrong_cells
    wrong = np.flatnonzero(wrong_cells.any(axis=1))
    wrong = wrong[np.argsort(-sureness[wrong].max(axis=1), kind="stable")][:n_errors]
    right = np.flatnonzero(~wrong_cells.any(axis=1))
    rng = np.random.default_rng(seed)
    right = np.sort(rng.choice(right, min(n_correct, len(right)), replace=False))
    classes = list(estimator.classes_)

    def labels(row):
        shown = [html.escape(str(names[j])) for j in np.flatnonzero(row)]
        return ", ".join(shown) or "none"

    def item(i, surest):
        j = int(np.argmax(surest[i]))  # the surest wrong decision, or label
        meta = (
            f"true <b>{labels(Y[i])}</b>, predicted <b>{labels(predicted[i])}</b>; "
            f"highlighted for <b>{html.escape(str(names[j]))}</b> ({proba[i, j]:.3f})"
        )
        # Named by the label's name, not its column.
        return meta, explained(estimator, texts[i], classes[j], name=names[j])

    groups = [
        ("Most confident errors", [item(i, sureness) for i in wrong]),
        (
            "A sample of documents with every label right",
            [item(i, proba) for i in right],
        ),
    ]
    note = (
        "<p>Words in green raised the highlighted label's probability, in red "
        "lowered it (integrated gradients, skbig.explain.explain_text); an error "
        "is highlighted for its surest wrong decision.</p>"
    )
    return examples_section(note, groups)
