"""The report's figures as inline SVG (matplotlib, the ``plot`` extra).

Text is drawn as paths (matplotlib's default ``svg.fonttype``), so a figure needs no
font; a heat map's pixels are an embedded PNG. Nothing refers to another file.
"""

import io

import numpy as np

PLOT_EXTRA = 'pip install "skbig[plot]"'


def subplots(*args, **kwargs):
    """A figure and its axes, made without pyplot.

    ``matplotlib.figure.Figure`` draws and saves by itself, so skbig never
    selects a backend or registers a figure with pyplot: a notebook's or a
    program's own matplotlib set-up is left as it was. Every figure skbig draws
    (the report's, ``explain.top_terms(plot=...)``, ``skbig train
    --report-dir``) is made here.
    """
    try:
        from matplotlib.figure import Figure
    except ImportError:
        raise ImportError(f"drawing figures needs matplotlib: {PLOT_EXTRA}") from None
    figure = Figure(figsize=kwargs.pop("figsize", None))
    return figure, figure.subplots(*args, **kwargs)


def _svg(figure):
    buffer = io.StringIO()
    # No RDF metadata block: its links are names, but a page should hold none.
    figure.savefig(
        buffer,
        format="svg",
        bbox_inches="tight",
        metadata={"Date": None, "Creator": None, "Format": None, "Type": None},
    )
    svg = buffer.getvalue()
    # The document's own <svg> element, without the XML prologue and DOCTYPE.
    return svg[svg.index("<svg") :]


def confusion_svg(
    matrix, names, *, totals=None, x_label="predicted", y_label="true",
    scale_label="share of the true class",
):  # fmt: skip
    """The row-normalised confusion matrix (recall on the diagonal), each row
    divided by its sum or by its entry of ``totals``."""
    matrix = np.asarray(matrix, dtype=float)
    if totals is None:
        totals = matrix.sum(axis=1)
    totals = np.asarray(totals, dtype=float).reshape(-1, 1)
    normalised = np.divide(matrix, totals, out=np.zeros_like(matrix), where=totals > 0)
    n = len(names)
    size = min(16, max(4.5, 0.22 * n + 2.5))
    figure, axis = subplots(figsize=(size, size))
    image = axis.imshow(normalised, cmap="Blues", vmin=0, vmax=1)
    font = 9 if n <= 20 else max(5, 9 - n // 12)
    labels = [_short(name) for name in names]
    axis.set_xticks(range(n), labels, rotation=90, fontsize=font)
    axis.set_yticks(range(n), labels, fontsize=font)
    if n <= 15:
        for i in range(n):
            for j in range(n):
                value = normalised[i, j]
                if value >= 0.005:
                    axis.text(
                        j,
                        i,
                        f"{value:.2f}",
                        ha="center",
                        va="center",
                        fontsize=8,
                        color="white" if value > 0.5 else "black",
                    )
    axis.set_xlabel(x_label)
    axis.set_ylabel(y_label)
    figure.colorbar(image, ax=axis, fraction=0.046, label=scale_label)
    return _svg(figure)


def reliability_svg(
    confidence, correct, bins, ece, *, x_label="confidence (highest probability)",
    y_label="accuracy", counted="documents",
):  # fmt: skip
    """Accuracy against confidence per bin, with the documents in each (or, for
    labels' probabilities, the share present against the probability)."""
    figure, (axis, counts) = subplots(
        2, 1, figsize=(5, 5.2), sharex=True, gridspec_kw={"height_ratios": [3, 1]}
    )
    edges = np.linspace(0, 1, bins + 1)
    which = np.clip(np.digitize(confidence, edges[1:-1]), 0, bins - 1)
    n = np.bincount(which, minlength=bins)
    accuracy = np.bincount(which, weights=correct, minlength=bins) / np.maximum(n, 1)
    mean = np.bincount(which, weights=confidence, minlength=bins) / np.maximum(n, 1)
    used = n > 0
    axis.plot([0, 1], [0, 1], "--", color="grey", label="perfectly calibrated")
    axis.plot(mean[used], accuracy[used], "o-", label="the model")
    axis.set(ylabel=y_label, ylim=(0, 1.02), title=f"Reliability (ECE {ece:.3f})")
    axis.legend(loc="upper left", fontsize=8)
    counts.bar(edges[:-1], n, width=1 / bins, align="edge", color="tab:blue")
    counts.set(xlabel=x_label, ylabel=counted, xlim=(0, 1))
    figure.tight_layout()
    return _svg(figure)


def learning_svg(history):
    """Loss (and held-out scores) per epoch from a fitted network's ``history_``."""
    figure, axis = subplots(figsize=(6, 3.6))
    for key, name in (
        ("loss", "training loss"),
        ("val_loss", "validation loss"),
        ("test_loss", "held-out loss"),
        ("refit_loss", "refit on all data"),
    ):
        values = history.get(key)
        if values:
            axis.plot(range(1, len(values) + 1), values, marker="o", label=name)
    axis.xaxis.get_major_locator().set_params(integer=True)
    axis.set(xlabel="epoch", ylabel="loss", title="Learning curve")
    axis.legend(fontsize=8)
    figure.tight_layout()
    return _svg(figure)


def _short(name, limit=28):
    name = str(name)
    return name if len(name) <= limit else name[: limit - 1] + "…"
