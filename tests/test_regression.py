"""A regressor's report: its scores by hand, and its figure (the page: test_page.py)."""

import numpy as np
import pytest

from skbig._report._regression import _predicted_svg, regression_scores


def test_scores_by_hand():
    y = np.array([1.0, 2.0, 3.0, 4.0])
    predicted = np.array([1.5, 2.0, 2.0, 4.5])  # errors +0.5, 0, -1, +0.5
    scores = regression_scores(y, predicted)
    assert scores["mae"] == pytest.approx(0.5)
    assert scores["rmse"] == pytest.approx(np.sqrt(1.5 / 4))
    assert scores["mean_error"] == pytest.approx(0.0)
    assert scores["r2"] == pytest.approx(1 - 1.5 / 5.0)  # SS_res / SS_tot


def test_the_figure_is_an_inline_svg_of_both_panels():
    pytest.importorskip("matplotlib")
    rng = np.random.default_rng(0)
    y = rng.normal(size=50)
    svg = _predicted_svg(y, y + rng.normal(scale=0.1, size=50))
    assert svg.startswith("<svg") and svg.rstrip().endswith("</svg>")
    assert svg.count('<g id="axes_') == 2  # predicted against true, the errors
    assert "http://" not in svg.replace("http://www.w3.org/", "")
