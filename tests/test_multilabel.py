"""The report of a multi-label classifier: its scores by hand, and its page."""

import re

import numpy as np
import pytest
from conftest import FAST, make_corpus

pytest.importorskip("matplotlib")

import skbig
from skbig import make_text_classifier
from skbig._report._multilabel import mix_ups, multilabel_scores
from skbig._report._page import SECTIONS

NAMES = ["food", "sport", "tech", "indoors"]


def _indicator(labels):
    """Each document's topic, and "indoors" beside food and tech."""
    Y = np.stack([labels == name for name in NAMES[:3]], axis=1)
    return np.column_stack([Y, Y[:, 0] | Y[:, 2]]).astype(int)


def test_scores_by_hand():
    Y = np.array([[1, 0], [0, 1], [1, 1], [0, 0]])
    proba = np.array([[0.9, 0.2], [0.6, 0.7], [0.8, 0.4], [0.1, 0.05]])
    predicted = np.array([[1, 0], [1, 1], [1, 0], [0, 0]])
    result = multilabel_scores(Y, proba, predicted)
    # Label 0: 2 hits, 1 false alarm; label 1: 1 hit, 1 miss.
    assert result["micro_f1"] == pytest.approx(2 * 3 / (2 * 3 + 1 + 1))
    assert result["macro_f1"] == pytest.approx((2 * 2 / 5 + 2 * 1 / 3) / 2)
    assert result["subset_accuracy"] == 0.5  # documents 0 and 3
    assert result["hamming_loss"] == 2 / 8
    # The probability each decision gave the truth, cell by cell.
    right = [0.9, 1 - 0.2, 1 - 0.6, 0.7, 0.8, 0.4, 1 - 0.1, 1 - 0.05]
    assert result["log_loss"] == pytest.approx(-np.mean(np.log(right)))
    # Eight probabilities in 15 bins against whether their label is there.
    pairs = zip(proba.ravel(), Y.ravel(), strict=True)
    bins = {}
    for q, present in pairs:
        bins.setdefault(min(int(q * 15), 14), []).append((q, present))
    ece = sum(
        len(b) / 8 * abs(np.mean([t for _, t in b]) - np.mean([q for q, _ in b]))
        for b in bins.values()
    )
    assert result["ece"] == pytest.approx(ece)


def test_mix_ups_count_hits_and_what_was_added_in_a_miss_s_place():
    Y = np.array([[1, 0, 0], [1, 0, 0], [0, 1, 0], [0, 1, 1]])
    predicted = np.array([[0, 1, 0], [1, 0, 1], [0, 1, 0], [1, 0, 1]])
    counts = mix_ups(Y, predicted)
    # Diagonal: found; [a, b]: a missed where b was wrongly added.
    np.testing.assert_array_equal(
        counts, [[1, 1, 0], [1, 1, 0], [0, 0, 1]]
    )  # fmt: skip


@pytest.fixture(scope="module")
def multilabel_pipeline():
    texts, labels = make_corpus(240, seed=3)
    params = {**FAST, "mlp__early_stopping": True}  # thresholds from a held-out part
    return make_text_classifier(**params).fit(texts, _indicator(labels))


def test_a_multilabel_pipeline_gives_each_labels_log_probability(
    multilabel_pipeline,
):
    texts, _ = make_corpus(30, seed=5)
    proba = multilabel_pipeline.predict_proba(texts)
    log_proba = multilabel_pipeline.predict_log_proba(texts)
    assert log_proba.shape == proba.shape == (30, len(NAMES))
    np.testing.assert_allclose(np.exp(log_proba), proba, rtol=1e-12)


@pytest.fixture(scope="module")
def page(multilabel_pipeline, tmp_path_factory):
    texts, labels = make_corpus(90, seed=11)
    Y = _indicator(labels)
    Y[:4, 1] = 1 - Y[:4, 1]  # a few "sport" labels wrong, to show errors
    path = tmp_path_factory.mktemp("report") / "multi.html"
    result = skbig.report(multilabel_pipeline, texts, Y, path, label_names=NAMES)
    return result, path.read_text(encoding="utf-8")


def test_a_multilabel_page_has_every_section_named_by_label(multilabel_pipeline, page):
    result, text = page
    assert set(result) == {
        "micro_f1", "macro_f1", "subset_accuracy", "hamming_loss", "log_loss",
        "ece", "documents",
    }  # fmt: skip
    assert result["documents"] == 90 and 0.5 < result["micro_f1"] < 1
    assert result["subset_accuracy"] <= 86 / 90  # the four flipped labels
    for section in SECTIONS:
        assert f'<section id="{section}">' in text
    table = text[text.index('id="per-class"') : text.index('id="confusion"')]
    thresholds = multilabel_pipeline[-1].thresholds_
    for name, threshold in zip(NAMES, thresholds, strict=True):
        assert f"<tr><td>{name}</td>" in table and f"<td>{threshold:.2f}</td>" in table
    examples = text[text.index('id="examples"') : text.index('id="card"')]
    shown = re.findall(r"true <b>([^<]*)</b>, predicted <b>([^<]*)</b>", examples)
    assert shown and all(
        set(part.split(", ")) <= {*NAMES, "none"} for pair in shown for part in pair
    )
    assert any(true != predicted for true, predicted in shown)  # the errors first
    # Each explanation names its label, as the examples' lines do.
    named = re.findall(r"highlighted for <b>([^<]*)</b>", examples)
    assert named and set(named) <= set(NAMES)
    assert all(f"<b>{name}</b>: probability" in examples for name in set(named))
    top = text[text.index('id="top-terms"') : text.index('id="examples"')]
    assert "<td>sport</td><td>" in top  # the labels' names, not their numbers


def test_labels_of_the_wrong_kind_are_named(
    multilabel_pipeline, fitted_pipeline, tmp_path
):
    texts, labels = make_corpus(12, seed=5)
    Y = _indicator(labels)
    with pytest.raises(ValueError, match=r"multi-label, with 4 labels.*\(12,\)"):
        skbig.report(multilabel_pipeline, texts, labels, tmp_path / "r.html")
    with pytest.raises(ValueError, match="only 0 and 1"):
        skbig.report(multilabel_pipeline, texts, Y * 2, tmp_path / "r.html")
    with pytest.raises(ValueError, match="label_names has 2 names"):
        skbig.report(
            multilabel_pipeline, texts, Y, tmp_path / "r.html", label_names=["a", "b"]
        )
    with pytest.raises(ValueError, match="single-label: y must be one label"):
        skbig.report(fitted_pipeline, texts, Y, tmp_path / "r.html")
    assert not list(tmp_path.iterdir())  # nothing half-written
