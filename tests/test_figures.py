"""The report's figures: inline SVG that refers to nothing outside itself."""

import re

import numpy as np
import pytest

pytest.importorskip("matplotlib")

from skbig._report._figures import confusion_svg, learning_svg, reliability_svg

NAMESPACES = {"http://www.w3.org/2000/svg", "http://www.w3.org/1999/xlink"}


@pytest.mark.parametrize(
    "svg",
    [
        lambda: confusion_svg(np.arange(9).reshape(3, 3), ["a", "b", "c"]),
        # 52 classes with long names: shortened, still one figure.
        lambda: confusion_svg(np.eye(52, dtype=int) * 5,
                              [f"a rather long class name {i}" for i in range(52)]),
        lambda: reliability_svg(np.array([0.6, 0.9, 0.95]), np.array([1, 0, 1]),
                                15, 0.2),
        lambda: learning_svg({"loss": [1.0, 0.5], "val_loss": [1.1, 0.9]}),
    ],
)  # fmt: skip
def test_figures_are_self_contained_svg(svg):
    text = svg()
    assert text.startswith("<svg") and text.rstrip().endswith("</svg>")
    assert set(re.findall(r"https?://[^\s\"'<>)]+", text)) <= NAMESPACES
    assert not re.search(r"""href=["'](?!data:|#)""", text)


def test_drawing_leaves_matplotlibs_backend_and_pyplot_alone(tmp_path):
    # skbig used to force the Agg backend, which turned off a notebook's plots.
    import matplotlib
    import matplotlib.pyplot as plt

    from skbig.cli._plots import confusion_matrix, learning_curve

    before = matplotlib.get_backend()
    matplotlib.use("svg")  # any backend that skbig should keep
    try:
        learning_svg({"loss": [1.0, 0.5]})
        confusion_svg(np.eye(3, dtype=int), ["a", "b", "c"])
        learning_curve({"loss": [1.0, 0.5], "val_loss": [1.2, 0.8]}, tmp_path / "l.png")
        confusion_matrix(np.eye(3, dtype=int), ["a", "b", "c"], tmp_path / "c.png")
        assert matplotlib.get_backend() == "svg"
        assert plt.get_fignums() == []
        assert (tmp_path / "l.png").read_bytes().startswith(b"\x89PNG")
    finally:
        matplotlib.use(before)
