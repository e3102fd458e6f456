"""The HTML report: its scores, its sections, and a real browser's view of it."""

import html
import os
import re
import shutil
import subprocess
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import numpy as np
import pytest
from conftest import make_corpus

pytest.importorskip("matplotlib")

import skbig
from skbig._report._page import SECTIONS, expected_calibration_error, scores
from skbig._report._regression import REGRESSION_SECTIONS


def test_scores_and_calibration_error_by_hand():
    classes = np.array(["a", "b"])
    proba = np.array([[0.9, 0.1], [0.8, 0.2], [0.3, 0.7], [0.6, 0.4]])
    y = np.array(["a", "b", "b", "a"])
    result = scores(y, proba, classes)
    assert result["accuracy"] == 0.75
    assert result["log_loss"] == pytest.approx(-np.mean(np.log([0.9, 0.2, 0.7, 0.6])))
    # Bins (15): 0.9 alone (right), 0.8 alone (wrong), 0.7 alone (right), 0.6
    # alone (right): |1-0.9| + |0-0.8| + |1-0.7| + |1-0.6|, each a quarter.
    assert result["ece"] == pytest.approx((0.1 + 0.8 + 0.3 + 0.4) / 4)
    assert expected_calibration_error([0.5, 0.5], [1, 0]) == pytest.approx(0.0)


@pytest.fixture(scope="module")
def page(fitted_pipeline, tmp_path_factory):
    texts, labels = make_corpus(120, seed=9)
    labels = labels.copy()
    labels[:6] = "food"  # a few errors to show
    path = tmp_path_factory.mktemp("report") / "report.html"
    result = skbig.report(fitted_pipeline, texts, labels, path,
                          card_notes="For <tests> only.")  # fmt: skip
    return path, result, path.read_text(encoding="utf-8")


def test_every_section_is_in_one_self_contained_file(page):
    _, result, text = page
    assert 0.5 < result["accuracy"] < 1 and result["documents"] == 120
    for section in SECTIONS:
        assert f'<section id="{section}">' in text
    # Nothing to fetch: the only URLs are SVG namespace names, never a source.
    assert set(re.findall(r"https?://[^\s\"'<>)]+", text)) <= {
        "http://www.w3.org/2000/svg", "http://www.w3.org/1999/xlink"}  # fmt: skip
    assert not re.search(r"""(src|href)=["'](?!data:|#)""", text)
    assert "Content-Security-Policy" in text
    assert html.escape("For <tests> only.") in text  # notes are escaped
    assert "Most confident errors" in text and "true <b>food</b>" in text


def test_a_report_names_the_path_it_cannot_write(fitted_pipeline, tmp_path):
    texts, labels = make_corpus(10)
    asked = tmp_path / "missing" / "report.html"
    with pytest.raises(FileNotFoundError, match=re.escape(str(asked))):
        skbig.report(fitted_pipeline, texts, labels, asked)
    with pytest.raises(IsADirectoryError, match=re.escape(str(tmp_path))):
        skbig.report(fitted_pipeline, texts, labels, tmp_path)
    assert not list(tmp_path.iterdir())


def test_a_report_of_what_is_neither_classifier_nor_regressor_is_refused(tmp_path):
    from sklearn.feature_extraction.text import TfidfVectorizer

    with pytest.raises(TypeError, match=r"or a regressor; got TfidfVectorizer"):
        skbig.report(TfidfVectorizer(), ["a text"], [1.0], tmp_path / "r.html")
    assert not (tmp_path / "r.html").exists()


@pytest.fixture(scope="module")
def regression_page(tmp_path_factory):
    from conftest import FAST
    from sklearn.metrics import r2_score

    texts, labels = make_corpus(160, seed=5)
    y = np.array([{"food": 1.0, "sport": 2.0, "tech": 4.0}[lab] for lab in labels])
    reg = skbig.make_text_regressor(**FAST).fit(texts[:120], y[:120])
    path = tmp_path_factory.mktemp("report") / "regression.html"
    result = skbig.report(reg, texts[120:], y[120:], path, n_errors=3, n_correct=2)
    assert result["r2"] == pytest.approx(r2_score(y[120:], reg.predict(texts[120:])))
    return path, result, path.read_text(encoding="utf-8")


def test_a_regressors_report_shows_its_errors_and_terms(regression_page):
    _, result, text = regression_page
    assert result.keys() == {"r2", "mae", "rmse", "mean_error", "documents"}
    for section in REGRESSION_SECTIONS:
        assert f'<section id="{section}">' in text
    assert "per-class" not in text and "reliability" not in text
    assert f"<b>{result['r2']:.4f}</b><span>R²</span>" in text
    assert "<td>raise</td>" in text and "<td>lower</td>" in text
    assert text.count("<li><p class=meta>true <b>") == 5  # 3 errors, 2 others
    assert "<p>prediction " in text  # the examples' explanations
    assert not re.search(r"""(src|href)=["'](?!data:|#)""", text)


def test_a_report_of_several_targets_scores_and_draws_each(tmp_path):
    from conftest import FAST
    from sklearn.metrics import r2_score

    texts, labels = make_corpus(160, seed=6)
    level = np.array([{"food": 1.0, "sport": 2.0, "tech": 4.0}[lab] for lab in labels])
    Y = np.column_stack([level, 10 - 3 * level])
    reg = skbig.make_text_regressor(**FAST).fit(texts[:120], Y[:120])
    path = tmp_path / "two.html"
    result = skbig.report(reg, texts[120:], Y[120:], path, n_errors=2, n_correct=1)
    predicted = reg.predict(texts[120:])
    assert result["r2"] == pytest.approx(r2_score(Y[120:], predicted))
    text = path.read_text(encoding="utf-8")
    assert "R² (mean of 2 targets)" in text
    for j in range(2):  # a row of scores and a plot per target
        r2 = r2_score(Y[120:, j], predicted[:, j])
        assert f"<tr><td>{j}</td><td>{r2:.4f}</td>" in text
        assert f"target {j}" in text
    assert "<td>raise 1</td>" in text and text.count("<li><p class=meta>") == 3
    with pytest.raises(ValueError, match=r"y holds \(3,\) per document and the re"):
        skbig.report(reg, texts[:2], np.ones((2, 3)), tmp_path / "unused.html")


# --------------------------------------------------------- in a real browser
class _Recorder(BaseHTTPRequestHandler):
    """A proxy that answers nothing and remembers every request."""

    seen = []

    def _record(self):
        self.seen.append(f"{self.command} {self.path}")
        self.send_error(502)

    do_GET = do_POST = do_HEAD = do_CONNECT = _record

    def log_message(self, *args):
        pass


def _render(page, tmp_path, dump_dom=False):
    """Chromium, headless, with every request sent through the recorder."""
    _Recorder.seen = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    shot = tmp_path / "shot.png"
    # Chromium's own background traffic (updates, safe browsing) is switched off,
    # so that whatever reaches the recorder came from the page.
    command = [browser, "--headless", "--no-sandbox", "--disable-gpu",
               "--disable-background-networking", "--disable-component-update",
               "--disable-sync", "--no-first-run", "--disable-default-apps",
               "--disable-domain-reliability", "--metrics-recording-only",
               "--disable-client-side-phishing-detection",
               f"--proxy-server=http://127.0.0.1:{server.server_address[1]}",
               "--proxy-bypass-list=<-loopback>", "--window-size=1280,2400",
               f"--user-data-dir={tmp_path / 'profile'}",
               "--dump-dom" if dump_dom else f"--screenshot={shot}",
               f"file://{page}"]  # fmt: skip
    try:
        result = subprocess.run(command, capture_output=True, text=True, timeout=120)
    finally:
        server.shutdown()
    return result, shot, [r for r in _Recorder.seen if not _chromiums_own(r)]


#: Chromium's own services, which it calls whatever page it shows (component
#: updates, sign-in, network time) and which its switches do not all silence.
#: Anything else (fonts.googleapis.com included) counts as the page's request.
CHROMIUM_SERVICES = (
    "update.googleapis.com",
    "accounts.google.com",
    "clients2.google.com",
    "optimizationguide-pa.googleapis.com",
    "content-autofill.googleapis.com",
    "safebrowsingohttpgateway.googleapis.com",
)


def _chromiums_own(request):
    host = request.split()[1].split("//")[-1].split("/")[0].split(":")[0]
    return host in CHROMIUM_SERVICES


# .ci/run installs Debian's chromium and sets SKBIG_REQUIRE_BROWSER, so there the
# browser tests run or fail; elsewhere they are skipped without a browser.
needs_chromium = pytest.mark.skipif(
    not (shutil.which("chromium") or shutil.which("chromium-browser"))
    and not os.environ.get("SKBIG_REQUIRE_BROWSER"),
    reason="Chromium is not installed (.ci/run installs Debian's chromium)",
)


@pytest.mark.slow
@needs_chromium
def test_chromium_renders_every_section_and_fetches_nothing(page, tmp_path):
    import matplotlib.image

    path = page[0]
    result, shot, requests = _render(path, tmp_path)
    assert shot.exists(), result.stderr
    assert requests == [], requests
    pixels = matplotlib.image.imread(shot)[..., :3]
    # Not blank: figures and text, not one colour.
    assert pixels.std() > 0.05 and (pixels.mean(axis=2) < 0.5).mean() > 0.005
    dom, _, requests = _render(path, tmp_path, dump_dom=True)
    assert requests == []
    for section in SECTIONS:
        assert f'<section id="{section}">' in dom.stdout
    assert dom.stdout.count("<svg") >= 3  # confusion, calibration, learning curve


@pytest.mark.slow
@needs_chromium
def test_chromium_renders_a_regressors_report_and_fetches_nothing(
    regression_page, tmp_path
):
    dom, _, requests = _render(regression_page[0], tmp_path, dump_dom=True)
    assert requests == [], requests
    for section in REGRESSION_SECTIONS:
        assert f'<section id="{section}">' in dom.stdout
    assert dom.stdout.count("<svg") >= 2  # predicted against true, learning curve


@pytest.mark.slow
@needs_chromium
def test_the_harness_sees_a_page_that_fetches(tmp_path):
    # The check above can fail: a page with an external image is caught.
    bad = tmp_path / "bad.html"
    bad.write_text('<html><body><img src="http://example.invalid/x.png">'
                   "</body></html>")  # fmt: skip
    _, _, requests = _render(bad, tmp_path)
    assert any("example.invalid" in r for r in requests)
