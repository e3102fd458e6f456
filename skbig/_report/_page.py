"""The report page: scores, figures, terms, examples and the card, as one HTML file.

Everything is inline (styles, a few lines of script to sort the table, SVG
figures, the examples' highlighting), so the file opens anywhere, offline, and asks
the network for nothing.
"""

import html

import numpy as np

from .._labels import log_loss
from ._figures import confusion_svg, learning_svg, reliability_svg

#: Confidence bins of the reliability diagram and the expected calibration error.
ECE_BINS = 15
#: Characters of a document explained and shown in the examples.
SHOWN_CHARACTERS = 1500

SECTIONS = (
    "headline",
    "per-class",
    "confusion",
    "reliability",
    "learning",
    "top-terms",
    "examples",
    "card",
)


def scores(y, proba, classes):
    """Accuracy, macro-F1, log-loss and expected calibration error."""
    from sklearn.metrics import accuracy_score, f1_score

    predicted = classes[np.argmax(proba, axis=1)]
    return {
        "accuracy": float(accuracy_score(y, predicted)),
        "macro_f1": float(f1_score(y, predicted, average="macro", zero_division=0)),
        "log_loss": log_loss(classes, y, proba),
        "ece": expected_calibration_error(proba.max(axis=1), predicted == y),
    }


def expected_calibration_error(confidence, correct, bins=ECE_BINS):
    """The sum over equal-width confidence bins of the bin's share of the
    documents times |accuracy - mean confidence| in it."""
    confidence = np.asarray(confidence, float)
    correct = np.asarray(correct, float)
    which = np.clip(
        np.digitize(confidence, np.linspace(0, 1, bins + 1)[1:-1]), 0, bins - 1
    )
    total = 0.0
    for b in range(bins):
        mask = which == b
        if mask.any():
            total += mask.mean() * abs(correct[mask].mean() - confidence[mask].mean())
    return float(total)


def build_page(
    estimator,
    texts,
    y,
    facts,
    *,
    data_name,
    data_sha256,
    n_errors=10,
    n_correct=5,
    random_state=0,
):
    """The report's HTML for ``estimator`` scored on ``texts`` and labels ``y``."""
    from sklearn.metrics import confusion_matrix, precision_recall_fscore_support

    y = np.asarray(y)
    classes = np.asarray(estimator.classes_)
    if y.ndim != 1:
        raise ValueError(
            f"this model is single-label: y must be one label per document, got "
            f"shape {y.shape}"
        )
    y = y.astype(classes.dtype, copy=False)
    proba = np.asarray(estimator.predict_proba(texts), dtype=float)
    predicted = classes[np.argmax(proba, axis=1)]
    result = scores(y, proba, classes)
    facts["evaluation"] = dict(result, documents=len(y), data=data_name)
    precision, recall, f1, support = precision_recall_fscore_support(
        y, predicted, labels=classes, zero_division=0
    )
    matrix = confusion_matrix(y, predicted, labels=classes)
    last = final_step(estimator)
    parts = [
        _headline(result, len(y), len(classes), data_name, data_sha256),
        _per_class(classes, precision, recall, f1, support),
        section(
            "confusion",
            "Confusion matrix",
            "<p>Each row is a true class, normalised to 1: the diagonal is the "
            "recall.</p>" + figure(confusion_svg(matrix, classes)),
        ),
        section(
            "reliability",
            "Calibration",
            f"<p>Expected calibration error {result['ece']:.4f} over "
            f"{ECE_BINS} confidence bins.</p>"
            + figure(
                reliability_svg(
                    proba.max(axis=1), predicted == y, ECE_BINS, result["ece"]
                )
            ),
        ),
        learning_section(getattr(last, "history_", None)),
        top_terms_section(estimator),
        _examples(
            estimator, texts, y, predicted, proba, n_errors, n_correct, random_state
        ),
        card_section(facts),
    ]
    title = f"skbig report: {facts['name']}"
    return PAGE.format(
        title=html.escape(title), body="\n".join(parts), script=SCRIPT, style=STYLE
    )


def final_step(estimator):
    """The estimator a pipeline ends with (the estimator itself otherwise)."""
    return estimator[-1] if hasattr(estimator, "steps") else estimator


def section(id_, title, content):
    return f'<section id="{id_}"><h2>{html.escape(title)}</h2>\n{content}\n</section>'


def figure(svg):
    return f'<div class="figure">{svg}</div>'


def _headline(result, n, k, data_name, digest):
    cells = [
        ("accuracy", f"{result['accuracy']:.4f}"),
        ("macro-F1", f"{result['macro_f1']:.4f}"),
        ("log-loss", f"{result['log_loss']:.4f}"),
        ("calibration error (ECE)", f"{result['ece']:.4f}"),
        ("documents", f"{n:,}"),
        ("classes", f"{k}"),
    ]
    return headline_section(cells, data_name, digest)


def headline_section(cells, data_name, digest):
    """The summary: a tile for each ``(name, value)`` of ``cells``, and the data."""
    tiles = "".join(
        f'<div class="tile"><b>{v}</b><span>{html.escape(name)}</span></div>'
        for name, v in cells
    )
    data = (
        f"<p>Data: <code>{html.escape(str(data_name))}</code>"
        + (f", SHA-256 <code class=digest>{digest}</code>" if digest else "")
        + "</p>"
    )
    return section("headline", "Summary", f'<div class="tiles">{tiles}</div>{data}')


def _per_class(classes, precision, recall, f1, support):
    rows = "".join(
        f"<tr><td>{html.escape(str(c))}</td><td>{p:.3f}</td><td>{r:.3f}</td>"
        f"<td>{f:.3f}</td><td>{int(s)}</td></tr>"
        for c, p, r, f, s in zip(classes, precision, recall, f1, support, strict=True)
    )
    table = (
        '<div class="scroll"><table class="sortable"><thead><tr>'
        "<th>class</th><th>precision</th><th>recall</th><th>F1</th>"
        f"<th>support</th></tr></thead><tbody>{rows}</tbody></table></div>"
    )
    return section(
        "per-class",
        "Per class",
        "<p>Click a column's header to sort by it.</p>" + table,
    )


def learning_section(history):
    if not history or not history.get("loss"):
        content = "<p>This model keeps no training history.</p>"
    else:
        content = figure(learning_svg(dict(history)))
    return section("learning", "Learning curve", content)


def top_terms_section(estimator, names=None):
    """The top terms per class; a multi-label model's per label, named by
    ``names`` (its classes number them)."""
    from ..explain import top_terms

    kind = "class" if names is None else "label"
    title = f"Top terms per {kind}"
    try:
        terms = top_terms(estimator, top_k=8)
    except (TypeError, ValueError, AttributeError) as error:
        return section(
            "top-terms",
            title,
            f"<p>Not available for this model: {html.escape(str(error))}</p>",
        )
    if names is not None:
        terms = {names[list(estimator.classes_).index(c)]: w for c, w in terms.items()}
    rows = "".join(
        f"<tr><td>{html.escape(str(label))}</td><td>"
        + ", ".join(html.escape(term) for term, lift in words if lift > 0)
        + "</td></tr>"
        for label, words in terms.items()
    )
    return section(
        "top-terms",
        title,
        f"<p>The words that raise a {kind}'s probability most on their "
        "own (skbig.explain.top_terms).</p><div class=scroll><table>"
        f"<thead><tr><th>{kind}</th><th>terms</th></tr></thead><tbody>"
        f"{rows}</tbody></table></div>",
    )


def explained(estimator, text, target=None, name=None):
    """``text`` (its first ``SHOWN_CHARACTERS``) as HTML with its words highlighted
    by ``explain_text`` for ``target`` (shown as ``name``), or plain where it
    cannot be explained."""
    from ..explain import explain_text

    text = str(text)[:SHOWN_CHARACTERS]
    try:
        explanation = explain_text(estimator, text, target=target)
    except (TypeError, ValueError, AttributeError):
        return html.escape(text)
    if name is not None:
        explanation.target = name
    return explanation.to_html()


def examples_section(note, groups):
    """The examples: ``groups`` of ``(title, [(meta HTML, document HTML), ...])``."""
    blocks = "".join(
        f"<h3>{title}</h3><ol>"
        + (
            "".join(
                f'<li><p class=meta>{meta}</p><div class="doc">{shown}</div></li>'
                for meta, shown in items
            )
            or "<li>none</li>"
        )
        + "</ol>"
        for title, items in groups
    )
    return section("examples", "Examples", note + blocks)


def _examples(estimator, texts, y, predicted, proba, n_errors, n_correct, seed):
    confidence = proba.max(axis=1)
    wrong = np.flatnonzero(predicted != y)
    wrong = wrong[np.argsort(-confidence[wrong], kind="stable")][:n_errors]
    right = np.flatnonzero(predicted == y)
    rng = np.random.default_rng(seed)
    right = np.sort(rng.choice(right, min(n_correct, len(right)), replace=False))

    def item(i):
        true, said = html.escape(str(y[i])), html.escape(str(predicted[i]))
        meta = f"true <b>{true}</b>, predicted <b>{said}</b> ({confidence[i]:.3f})"
        return meta, explained(estimator, texts[i], predicted[i])

    groups = [
        ("Most confident errors", [item(i) for i in wrong]),
        ("A sample of correct predictions", [item(i) for i in right]),
    ]
    note = (
        "<p>Words in green raised the predicted class, in red lowered it "
        "(integrated gradients, skbig.explain.explain_text).</p>"
    )
    return examples_section(note, groups)


def card_section(facts):
    def pairs(mapping):
        return "".join(
            f"<tr><th>{html.escape(str(k))}</th><td>{html.escape(str(v))}</td></tr>"
            for k, v in mapping.items()
        )

    steps = "".join(
        f"<li><code>{html.escape(name)}</code>: {html.escape(kind)} "
        + html.escape(", ".join(f"{k}={v}" for k, v in params.items()) or "defaults")
        + "</li>"
        for name, kind, params in facts["steps"]
    )
    privacy = facts["privacy"]
    private = (
        f"({privacy['epsilon']:.3g}, {privacy['delta']:.2g})-differentially "
        f"private training (noise multiplier {privacy['noise_multiplier']:.3g},"
        f" {privacy['steps']} steps)"
        + (
            f"; targets clipped into the public bounds {privacy['target_bounds']}"
            if privacy.get("target_bounds") is not None
            else ""
        )
        if privacy
        else "Not trained privately."
    )
    notes = html.escape(facts["notes"]) if facts["notes"] else "<i>Not stated.</i>"
    content = (
        f"<h3>What it is</h3><ul>{steps}</ul>"
        f"<h3>Intended use and limits</h3><div class=notes>{notes}</div>"
        f"<h3>Training data</h3><table>{pairs(facts['training'])}</table>"
        f"<h3>Privacy</h3><p>{private}</p>"
        f"<h3>Versions</h3><table>{pairs(facts['versions'])}</table>"
        + (
            f"<h3>File</h3><table>{pairs(facts['file'])}</table>"
            if facts["file"]
            else ""
        )
    )
    return section("card", "Model card", content)


STYLE = """
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;
color:#1b1f24;background:#fafafa}
main{max-width:1100px;margin:auto;padding:12px}
section{background:#fff;border:1px solid #ddd;border-radius:6px;margin:12px 0;
padding:4px 16px 12px}
h1{font-size:1.5em;margin:12px 0}h2{font-size:1.2em}
.tiles{display:flex;flex-wrap:wrap;gap:8px}
.tile{flex:1 1 140px;border:1px solid #ccd;border-radius:6px;padding:8px}
.tile b{display:block;font-size:1.4em}.tile span{color:#555}
.scroll{overflow-x:auto}table{border-collapse:collapse;margin:6px 0}
td,th{border-bottom:1px solid #eee;padding:3px 8px;text-align:left;vertical-align:top}
th{cursor:pointer}.figure svg{max-width:100%;height:auto}
.doc{border-left:3px solid #ccd;padding-left:8px;white-space:pre-wrap;
overflow-wrap:anywhere}.meta{margin:4px 0}code.digest{overflow-wrap:anywhere}
.notes{white-space:pre-wrap}
"""

SCRIPT = """
document.querySelectorAll("table.sortable th").forEach(function (th, column) {
  th.addEventListener("click", function () {
    var body = th.closest("table").tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    var down = th.dataset.order !== "down";
    th.dataset.order = down ? "down" : "up";
    rows.sort(function (a, b) {
      var x = a.cells[column].textContent, y = b.cells[column].textContent;
      var nx = parseFloat(x), ny = parseFloat(y);
      var c = isNaN(nx) || isNaN(ny) ? x.localeCompare(y) : nx - ny;
      return down ? -c : c;
    });
    rows.forEach(function (row) { body.appendChild(row); });
  });
});
"""

PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; \
img-src data:; style-src 'unsafe-inline'; script-src 'unsafe-inline'">
<title>{title}</title><style>{style}</style></head>
<body><main><h1>{title}</h1>
{body}
</main><script>{script}</script></body></html>
"""
