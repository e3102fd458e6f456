"""The report page of a text regressor: how far its numbers are from the truth.

In place of a classifier's per-class table, confusion matrix and calibration: the
predictions against the true values and the errors' spread, and the terms that
raise and lower the prediction most; the examples are the largest errors and a
sample of the rest, each highlighted for what raised and lowered its number.
"""

import html

import numpy as np

from ._figures import _svg, subplots
from ._page import (
    PAGE,
    SCRIPT,
    STYLE,
    card_section,
    examples_section,
    explained,
    figure,
    final_step,
    headline_section,
    learning_section,
    section,
)

#: The sections of a regressor's report, in order.
REGRESSION_SECTIONS = (
    "headline",
    "predicted",
    "learning",
    "top-terms",
    "examples",
    "card",
)


def regression_scores(y, predicted):
    """R², mean absolute error, root mean squared error and the mean error (the
    predictions' bias) of ``predicted`` against ``y``."""
    from sklearn.metrics import mean_absolute_error, mean_squared_error, r2_score

    return {
        "r2": float(r2_score(y, predicted)),
        "mae": float(mean_absolute_error(y, predicted)),
        "rmse": float(np.sqrt(mean_squared_error(y, predicted))),
        "mean_error": float(np.mean(predicted - y)),
    }


def regression_page(
    estimator, texts, y, facts, *, data_name, data_sha256, n_errors, n_correct,
    random_state,
):  # fmt: skip
    """The report's HTML for a regressor of one number scored on ``texts``, ``y``."""
    y = np.asarray(y, dtype=np.float64)
    if y.ndim != 1:
        raise ValueError(
            f"the report scores a regressor of one number: y must hold one number "
            f"per document, got shape {y.shape}"
        )
    predicted = np.asarray(estimator.predict(texts), dtype=np.float64)
    if predicted.shape != y.shape:
        raise ValueError(
            f"the report scores a regressor of one number; this one predicts "
            f"{predicted.shape[1:]} per document"
        )
    result = regression_scores(y, predicted)
    facts["evaluation"] = dict(result, documents=len(y), data=data_name)
    cells = [
        ("R²", f"{result['r2']:.4f}"),
        ("mean absolute error", f"{result['mae']:.4g}"),
        ("root mean squared error", f"{result['rmse']:.4g}"),
        ("mean error (bias)", f"{result['mean_error']:+.3g}"),
        ("documents", f"{len(y):,}"),
        ("true values", f"{y.min():.4g} to {y.max():.4g}"),
    ]
    parts = [
        headline_section(cells, data_name, data_sha256),
        section(
            "predicted",
            "Predicted against true",
            "<p>Each document's prediction against its true value (on the diagonal "
            "when right), and how the errors (predicted minus true) spread.</p>"
            + figure(_predicted_svg(y, predicted)),
        ),
        learning_section(getattr(final_step(estimator), "history_", None)),
        _top_terms(estimator),
        _examples(estimator, texts, y, predicted, n_errors, n_correct, random_state),
        card_section(facts),
    ]
    title = f"skbig report: {facts['name']}"
    return PAGE.format(
        title=html.escape(title), body="\n".join(parts), script=SCRIPT, style=STYLE
    )


def _predicted_svg(y, predicted):
    drawn, (axis, errors) = subplots(1, 2, figsize=(9, 3.8))
    both = np.concatenate([y, predicted])
    low, high = float(both.min()), float(both.max())
    axis.plot([low, high], [low, high], "--", color="grey", label="right")
    axis.scatter(y, predicted, s=6, alpha=0.4, color="tab:blue", label="documents")
    axis.set(xlabel="true", ylabel="predicted", title="Predicted against true")
    axis.legend(loc="upper left", fontsize=8)
    errors.hist(predicted - y, bins=40, color="tab:blue")
    errors.axvline(0, color="grey", linestyle="--")
    errors.set(xlabel="predicted - true", ylabel="documents", title="Errors")
    drawn.tight_layout()
    return _svg(drawn)


def _top_terms(estimator):
    from ..explain import top_terms

    title = "Terms that raise and lower the prediction"
    try:
        terms = top_terms(estimator, top_k=8)
    except (TypeError, ValueError, AttributeError) as error:
        return section(
            "top-terms",
            title,
            f"<p>Not available for this model: {html.escape(str(error))}</p>",
        )
    rows = "".join(
        f"<tr><td>{html.escape(key)}</td><td>"
        + ", ".join(f"{html.escape(term)} ({change:+.3g})" for term, change in words)
        + "</td></tr>"
        for key, words in terms.items()
    )
    return section(
        "top-terms",
        title,
        "<p>The prediction for a document of one term alone, minus the empty "
        "document's (skbig.explain.top_terms).</p><div class=scroll><table>"
        f"<thead><tr><th></th><th>terms</th></tr></thead><tbody>{rows}</tbody>"
        "</table></div>",
    )


def _examples(estimator, texts, y, predicted, n_errors, n_correct, seed):
    error = np.abs(predicted - y)
    largest = np.argsort(-error, kind="stable")[:n_errors]
    rest = np.setdiff1d(np.arange(len(y)), largest)
    rng = np.random.default_rng(seed)
    sample = np.sort(rng.choice(rest, min(n_correct, len(rest)), replace=False))

    def item(i):
        error = predicted[i] - y[i]
        meta = f"true <b>{y[i]:.4g}</b>, predicted <b>{predicted[i]:.4g}</b>"
        return f"{meta} (error {error:+.3g})", explained(estimator, texts[i])

    groups = [
        ("Largest errors", [item(i) for i in largest]),
        ("A sample of the rest", [item(i) for i in sample]),
    ]
    note = (
        "<p>Words in green raised the prediction, in red lowered it (integrated "
        "gradients, skbig.explain.explain_text).</p>"
    )
    return examples_section(note, groups)
