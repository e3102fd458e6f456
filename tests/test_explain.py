"""skbig.explain: faithful term attributions, class summaries, renderings, LIME."""

import numpy as np
import pytest
from conftest import FAST, TOPICS, make_corpus

import skbig
from skbig.explain import Explanation, deletion_check, explain_text, top_terms

TOPIC_WORDS = {label: set(words.split()) for label, words in TOPICS.items()}


def test_weights_point_at_the_topic_and_sum_to_the_change(fitted_pipeline, corpus):
    text, label = corpus[0][0], corpus[1][0]
    explanation = explain_text(fitted_pipeline, text, top_k=5)
    assert isinstance(explanation, Explanation)
    assert explanation.target == label
    proba = fitted_pipeline.predict_proba([text])[0]
    column = list(fitted_pipeline.classes_).index(label)
    assert explanation.probability == pytest.approx(proba[column], abs=1e-5)
    # Integrated gradients are complete: the weights add up to P(x) - P(empty).
    total = sum(explanation.all_terms.values())
    assert total == pytest.approx(
        explanation.probability - explanation.baseline, abs=0.02
    )
    top = [term for term, weight in explanation.terms[:3]]
    assert set(top) <= TOPIC_WORDS[label]
    assert all(weight > 0 for _, weight in explanation.terms[:3])
    assert set(explanation.all_terms) <= set(text.split())


def test_other_targets_and_unknown_ones(fitted_pipeline, corpus):
    text = corpus[0][0]  # a food document
    against = explain_text(fitted_pipeline, text, target="sport")
    assert against.target == "sport" and against.probability < 0.5
    assert sum(against.all_terms.values()) < 0
    with pytest.raises(ValueError, match=r"unknown target 'chess'.*food, sport, tech"):
        explain_text(fitted_pipeline, text, target="chess")


def test_renderings(fitted_pipeline, corpus):
    explanation = explain_text(fitted_pipeline, "Bake <b>bread</b> & cook", top_k=3)
    html = explanation.to_html()
    assert "&lt;b&gt;" in html and "<b>bread</b>" not in html  # escaped
    assert html.count("<span") == 3
    assert 'title="+' in html
    text = str(explanation)
    assert text.splitlines()[0].startswith(f"{explanation.target}: probability")
    assert len(text.splitlines()) == 4
    spans = explanation.word_weights()
    assert [explanation.text[a:b] for a, b, _ in spans] == ["Bake", "bread", "cook"]


def test_text_without_known_terms(fitted_pipeline):
    explanation = explain_text(fitted_pipeline, "zzz qqq")
    assert explanation.terms == [] and explanation.all_terms == {}
    assert explanation.probability == pytest.approx(explanation.baseline, abs=1e-6)
    with pytest.raises(TypeError, match="string"):
        explain_text(fitted_pipeline, ["a list"])
    with pytest.raises(TypeError, match="Pipeline ending in an skbig classifier"):
        explain_text(fitted_pipeline[-1], "text")


def test_top_terms_per_class(fitted_pipeline, tmp_path):
    result = top_terms(fitted_pipeline, top_k=5, plot=tmp_path / "top.png")
    assert list(result) == ["food", "sport", "tech"]
    for label, terms in result.items():
        assert len(terms) == 5
        assert {term for term, _ in terms} <= TOPIC_WORDS[label]
        lifts = [lift for _, lift in terms]
        assert lifts == sorted(lifts, reverse=True) and lifts[-1] > 0
    assert (tmp_path / "top.png").read_bytes().startswith(b"\x89PNG")


@pytest.fixture(scope="module")
def binary_and_multilabel(corpus):
    texts, labels = corpus
    binary = skbig.make_text_classifier(**FAST).fit(
        texts, np.where(labels == "sport", "sport", "other")
    )
    indicator = np.stack([labels == "sport", labels == "tech"], axis=1).astype(int)
    multilabel = skbig.make_text_classifier(**FAST).fit(texts, indicator)
    return binary, multilabel


def test_binary_and_multilabel_models(binary_and_multilabel, corpus):
    binary, multilabel = binary_and_multilabel
    sport_doc = corpus[0][1]
    assert corpus[1][1] == "sport"
    for target, sign in (("sport", 1), ("other", -1)):
        explanation = explain_text(binary, sport_doc, target=target)
        assert sign * sum(explanation.all_terms.values()) > 0
    assert set(top_terms(binary, top_k=3)) == {"other", "sport"}
    assert {t for t, _ in top_terms(binary, top_k=3)["sport"]} <= TOPIC_WORDS["sport"]
    explanation = explain_text(multilabel, sport_doc, target=0)
    assert {t for t, _ in explanation.terms[:3]} <= TOPIC_WORDS["sport"]
    terms = top_terms(multilabel, top_k=3)
    assert {t for t, _ in terms[1]} <= TOPIC_WORDS["tech"]


def test_works_on_loaded_models(fitted_pipeline, corpus, tmp_path):
    skbig.save(fitted_pipeline, tmp_path / "m.skbig")
    loaded = skbig.load(tmp_path / "m.skbig")
    a = explain_text(fitted_pipeline, corpus[0][5])
    b = explain_text(loaded, corpus[0][5])
    assert a.terms == b.terms


def test_deleting_top_terms_hurts_far_more_than_random_ones(fitted_pipeline):
    held_out, _ = make_corpus(60, seed=1)
    result = deletion_check(fitted_pipeline, held_out, ks=(1, 3, 5), random_state=0)
    for k in (3, 5):
        assert result[k]["documents"] == 60
        assert result[k]["top"] > 3 * result[k]["random"]
    # A document has six topic words and the model is sure of it (probability
    # about 1) until most are gone: 0.06 after deleting its top 3, 0.58 its top 5.
    assert result[5]["top"] > 0.1
    assert result[1]["top"] > result[1]["random"]


def test_lime_explains_the_pipeline(fitted_pipeline, corpus):
    lime_text = pytest.importorskip("lime.lime_text")
    explainer = lime_text.LimeTextExplainer(
        class_names=list(fitted_pipeline.classes_), random_state=0
    )
    text, label = corpus[0][0], corpus[1][0]
    column = list(fitted_pipeline.classes_).index(label)
    result = explainer.explain_instance(
        text, fitted_pipeline.predict_proba, labels=[column], num_features=3,
        num_samples=300,
    )  # fmt: skip
    words = [word for word, weight in result.as_list(label=column) if weight > 0]
    assert words and set(words) <= TOPIC_WORDS[label]


def test_a_classifier_trained_as_a_table_is_explained_through_its_scaler():
    # Three terms in every document: trained as a one-hot table (densify_tables),
    # so the network reads standardised columns, and so must the attributions.
    texts = [f"a{i % 7} b{i * 3 % 11} c{i % 5}" for i in range(240)]
    labels = [("x", "y")[(i % 7) % 2] for i in range(240)]
    pipeline = skbig.make_text_classifier(**dict(FAST, tfidf__min_df=1))
    pipeline.fit(texts, labels)
    assert type(pipeline[-1].feature_encoder_).__name__ == "StandardScaler"
    explanation = explain_text(pipeline, "a3 b9 c3", target="y")
    proba = pipeline.predict_proba(["a3 b9 c3"])[0, 1]
    assert explanation.probability == pytest.approx(proba, abs=1e-5)
    empty = pipeline.predict_proba([""])[0, 1]
    assert explanation.baseline == pytest.approx(empty, abs=1e-5)
    total = sum(explanation.all_terms.values())
    assert total == pytest.approx(proba - empty, abs=0.02)


def test_hashed_features_are_named_by_the_documents_words(corpus):
    # The hashing and private pipelines keep no vocabulary (scikit-learn said
    # "Estimator hashing does not provide get_feature_names_out").
    texts, labels = corpus
    hashed = skbig.make_text_classifier(vectorizer="hashing", **FAST)
    hashed.fit(texts, labels)
    explanation = explain_text(hashed, texts[0], top_k=3)
    assert explanation.target == labels[0]
    assert set(explanation.all_terms) <= set(texts[0].split())
    assert {t for t, _ in explanation.terms} <= TOPIC_WORDS[labels[0]]
    total = sum(explanation.all_terms.values())
    assert total == pytest.approx(
        explanation.probability - explanation.baseline, abs=0.02
    )
    with pytest.raises(TypeError, match="keep no vocabulary"):
        top_terms(hashed)
