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
    """The report's HTML for a regressor scored on ``texts``, ``y`` (one number a
    document, or a row of them: each target's scores and plot, R² averaged)."""
    y = np.asarray(y, dtype=np.float64)
    predicted = np.asarray(estimator.predict(texts), dtype=np.float64)
    if y.ndim not in (1, 2) or predicted.shape != y.shape:
        raise ValueError(
            f"y holds {y.shape[1:] or 'one number'} per document and the regressor "
            f"predicts {predicted.shape[1:] or 'one number'}; the report needs the "
            "same"
        )
    result = regression_scores(y, predicted)
    facts["evaluation"] = dict(result, documents=len(y), data=data_name)
    several = y.ndim == 2
    cells = [
        ("R²" + (f" (mean of {y.shape[1]} targets)" if several else ""),
         f"{result['r2']:.4f}"),
        ("mean absolute error", f"{result['mae']:.4g}"),
        ("root mean squared error", f"{result['rmse']:.4g}"),
        ("mean error (bias)", f"{result['mean_error']:+.3g}"),
        ("documents", f"{len(y):,}"),
        ("true values", f"{y.min():.4g} to {y.max():.4g}"),
    ]  # fmt: skip
    shown = figure(_predicted_svg(y, predicted))
    if several:
        drawn = y.shape[1] > SHOWN_TARGETS
        shown = (
            _per_target(y, predicted)
            + (f"<p>The first {SHOWN_TARGETS} targets drawn:</p>" if drawn else "")
            + figure(_targets_svg(y, predicted))
        )
    parts = [
        headline_section(cells, data_name, data_sha256),
        section(
            "predicted",
            "Predicted against true",
            "<p>Each document's prediction against its true value (on the diagonal "
            "when right), and how the errors (predicted minus true) spread.</p>"
            + shown,
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


#: Targets drawn side by side in a multi-output regressor's report.
SHOWN_TARGETS = 4


def _per_target(y, predicted):
    rows = "".join(
        f"<tr><td>{j}</td><td>{scores['r2']:.4f}</td><td>{scores['mae']:.4g}</td>"
        f"<td>{scores['rmse']:.4g}</td><td>{scores['mean_error']:+.3g}</td></tr>"
        for j, scores in enumerate(
            regression_scores(y[:, j], predicted[:, j]) for j in range(y.shape[1])
        )
    )
    return (
        "<div class=scroll><table><thead><tr><th>target</th><th>R²</th><th>MAE</th>"
        f"<th>RMSE</th><th>bias</th></tr></thead><tbody>{rows}</tbody></table></div>"
    )


def _targets_svg(y, predicted):
    k = min(y.shape[1], SHOWN_TARGETS)
    drawn, axes = subplots(1, k, figsize=(3.2 * k, 3.4), squeeze=False)
    for j, axis in enumerate(axes[0]):
        low = float(min(y[:, j].min(), predicted[:, j].min()))
        high = float(max(y[:, j].max(), predicted[:, j].max()))
        axis.plot([low, high], [low, high], "--", color="grey")
        axis.scatter(y[:, j], predicted[:, j], s=6, alpha=0.4, color="tab:blue")
        axis.set(xlabel="true", ylabel="predicted", title=f"target {j}")
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
    # Several targets: each error in units of its target's spread, averaged; a
    # document is explained for the target it misses most.
    spread = y.std(axis=0) if y.ndim == 2 else 1.0
    scaled = np.abs(predicted - y) / np.where(spread > 0, spread, 1.0)
    error = scaled.mean(axis=1) if y.ndim == 2 else scaled
    largest = np.argsort(-error, kind="stable")[:n_errors]
    rest = np.setdiff1d(np.arange(len(y)), largest)
    rng = np.random.default_rng(seed)
    sample = np.sort(rng.choice(rest, min(n_correct, len(rest)), replace=False))

    def item(i):
        if y.ndim == 1:
            error = predicted[i] - y[i]
            meta = f"true <b>{y[i]:.4g}</b>, predicted <b>{predicted[i]:.4g}</b>"
            return f"{meta} (error {error:+.3g})", explained(estimator, texts[i])
        meta = "; ".join(
            f"target {j}: true <b>{y[i, j]:.4g}</b>, predicted "
            f"<b>{predicted[i, j]:.4g}</b>"
            for j in range(y.shape[1])
        )
        worst = int(np.argmax(scaled[i]))
        shown = explained(estimator, texts[i], target=worst, name=f"target {worst}")
        return meta, shown

    groups = [
        ("Largest errors", [item(i) for i in largest]),
        ("A sample of the rest", [item(i) for i in sample]),
    ]
    note = (
        "<p>Words in green raised the prediction, in red lowered it (integrated "
        "gradients, skbig.explain.explain_text).</p>"
    )
    return examples_section(note, groups)
