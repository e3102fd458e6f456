"""The model card: facts from the estimator and its file, Markdown for the Hub."""

import hashlib
import types

import skbig
from skbig._privacy import guarantee
from skbig._report._card import card_facts, card_markdown
from skbig._report._page import card_section


def _header(markdown):
    lines = markdown.splitlines()
    assert lines[0] == "---"
    return lines[1 : lines.index("---", 1)]


def test_a_saved_model_s_card_names_its_file_versions_and_scores(
    fitted_pipeline, tmp_path
):
    path = tmp_path / "news.skbig"
    skbig.save(
        fitted_pipeline,
        path,
        metadata={"training": {"accuracy": 0.91, "macro_f1": 0.9}},
    )
    markdown = skbig.model_card(
        fitted_pipeline,
        model_file=str(path),
        card_notes="Only for tests.",
        license="mit",
    )
    header = _header(markdown)
    assert "library_name: skbig" in header and 'license: "mit"' in header
    assert "- type: accuracy" in [line.strip() for line in header]
    assert "      value: 0.91" in header
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    assert f"- sha256: {digest}" in markdown
    assert "Only for tests." in markdown and "# news" in markdown
    assert "- `mlp`: MLPClassifier (" in markdown  # the changed parameters
    assert "Not trained privately" in markdown
    assert f"- skbig: {skbig.__version__}" in markdown


def test_privacy_is_stated_with_its_numbers():
    private = types.SimpleNamespace(
        epsilon_=8.0,
        delta_=1e-5,
        noise_multiplier_=0.9,
        sampling_rate_=0.01,
        steps_=3000,
        dp_clip_norm=1.0,
    )
    facts = card_facts(skbig.MLPClassifier())
    facts["privacy"] = guarantee(private)
    # a fit that recorded no accountant predates PLD: it was RDP's
    assert "(8, 1e-05)-differential privacy" in card_markdown(facts)
    assert "dp-accounting's RDP accountant" in card_markdown(facts)
    private.training_plan_ = {"accountant": "PLD"}
    facts["privacy"] = guarantee(private)
    assert "dp-accounting's PLD accountant" in card_markdown(facts)
    assert "public bounds" not in card_markdown(facts)
    facts["privacy"]["target_bounds"] = [1.0, 5.0]  # a bounded private regressor's
    assert "clipped into the public bounds [1.0, 5.0]" in card_markdown(facts)
    assert "clipped into the public bounds [1.0, 5.0]" in card_section(facts)
    assert card_facts(skbig.MLPClassifier())["privacy"] is None


def test_an_unsaved_estimator_has_a_card_without_a_file(fitted_pipeline):
    facts = card_facts(fitted_pipeline)
    assert facts["file"] is None and facts["classes"] == ["food", "sport", "tech"]
    markdown = card_markdown(facts)
    assert "## File" not in markdown and "metrics:" not in markdown
    assert _header(markdown)[0] == "library_name: skbig"


def test_the_card_says_what_the_fit_stopped_on():
    clf = skbig.MLPClassifier()
    clf.training_plan_ = {"early_stopping": True, "n_validation": 60}
    said = "- stopped_on: 60 documents held out of the training data"
    assert said in card_markdown(card_facts(clf))
    clf.training_plan_["validation_given"] = True
    said = "- stopped_on: 60 held-out documents given to fit (X_val)"
    assert said in card_markdown(card_facts(clf))
    clf.training_plan_["early_stopping"] = False
    assert "stopped_on" not in card_markdown(card_facts(clf))


def test_a_regressor_s_card_says_it_predicts_numbers_and_how():
    reg = skbig.MLPRegressor()
    reg.n_outputs_ = 1
    markdown = card_markdown(card_facts(reg))
    assert "- regression" in _header(markdown)
    assert "text-classification" not in markdown
    assert "It predicts a number." in markdown and "classes" not in markdown
    assert "model.predict(X)" in markdown  # no vectorizer: not raw text
    reg.n_outputs_, reg.linear_alpha_, reg.linear_weight_ = 3, 0.316, 0.42
    markdown = card_markdown(card_facts(reg))
    assert "It predicts 3 numbers." in markdown
    said = "- linear_part: a ridge regression (alpha 0.316) blended with the network"
    assert said + ", weight 0.420" in markdown


def test_a_text_pipeline_s_card_shows_raw_text_in_use(fitted_pipeline):
    markdown = card_markdown(card_facts(fitted_pipeline))
    assert 'model.predict(["some text"])' in markdown
    assert "- text-classification" in _header(markdown)
