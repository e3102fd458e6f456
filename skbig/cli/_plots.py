"""PNG reports: the learning curve and the confusion matrix (needs matplotlib)."""

from .._report._figures import PLOT_EXTRA
from .._report._figures import subplots as _figure_subplots
from ._data import DataError


def _subplots(**kwargs):
    try:
        return _figure_subplots(**kwargs)
    except ImportError:
        raise DataError(f"writing plots needs matplotlib: {PLOT_EXTRA}") from None


def learning_curve(history, path):
    figure, axis = _subplots(figsize=(6, 4))
    epochs = range(1, len(history["loss"]) + 1)
    axis.plot(epochs, history["loss"], marker="o", label="training loss")
    for key, name in (("test_loss", "held-out loss"), ("val_loss", "validation loss")):
        if key in history:
            axis.plot(epochs, history[key], marker="o", label=name)
    axis.xaxis.get_major_locator().set_params(integer=True)
    axis.set_xlabel("epoch")
    axis.set_ylabel("loss")
    axis.set_title("Learning curve")
    axis.legend()
    figure.tight_layout()
    figure.savefig(path, dpi=100)


def confusion_matrix(matrix, classes, path):
    size = max(4, 0.45 * len(classes) + 2)
    figure, axis = _subplots(figsize=(size, size))
    image = axis.imshow(matrix, cmap="Blues")
    axis.set_xticks(range(len(classes)), [str(c) for c in classes], rotation=90)
    axis.set_yticks(range(len(classes)), [str(c) for c in classes])
    if len(classes) <= 25:
        threshold = matrix.max() / 2 if matrix.size else 0
        for i in range(len(classes)):
            for j in range(len(classes)):
                color = "white" if matrix[i, j] > threshold else "black"
                axis.text(j, i, matrix[i, j], ha="center", va="center", color=color)
    axis.set_xlabel("predicted")
    axis.set_ylabel("true")
    figure.colorbar(image, ax=axis, fraction=0.046)
    figure.tight_layout()
    figure.savefig(path, dpi=100)
