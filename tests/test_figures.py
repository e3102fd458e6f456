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
