"""What explain_text returns, rendered for a terminal and a page, without a network."""

import pickle

from skbig.explain import Explanation


def _explanation(**given):
    terms = {"free": 0.25, "prize": 0.125, "lunch": -0.0625}
    base = dict(
        text="FREE prize at lunch",
        target="spam",
        probability=0.875,
        baseline=0.5,
        terms=sorted(terms.items(), key=lambda item: -abs(item[1])),
        all_terms=terms,
    )
    return Explanation(**{**base, **given})


def test_a_class_is_rendered_with_its_probability():
    explanation = _explanation()
    lines = explanation.to_text().splitlines()
    assert lines[0] == "spam: probability 0.875 (empty document 0.500)"
    assert lines[1].split() == ["free", "+0.2500", "+" * 20]
    assert lines[3].split() == ["lunch", "-0.0625", "-" * 5]
    page = explanation.to_html()
    assert page.startswith(
        '<div class="skbig-explanation"><p><b>spam</b>: probability 0.875 '
        "(empty document: 0.500)</p>"
    )
    assert 'title="+0.2500">FREE</span>' in page  # the word as written


def test_a_regressors_prediction_has_no_class():
    explanation = _explanation(
        target=None, probability=2019.375, baseline=2004.5, quantity="prediction"
    )
    assert explanation.to_text().splitlines()[0] == (
        "prediction 2019.38 (empty document 2004.5)"
    )
    assert "<p>prediction 2019.38 (empty document: 2004.5)</p>" in explanation.to_html()
    several = _explanation(target=1, quantity="prediction")
    assert several.to_text().startswith("1: prediction 0.875 ")


def test_words_carry_their_terms_weights_and_pickles_name_the_public_module():
    explanation = _explanation(all_terms={"free prize": 0.25, "lunch": -0.0625})
    spans = explanation.word_weights()  # an n-gram's weight shared by its words
    assert [(s, e, w) for s, e, w in spans] == [
        (0, 4, 0.125),
        (5, 10, 0.125),
        (14, 19, -0.0625),
    ]
    assert Explanation.__module__ == "skbig.explain"
    assert b"skbig.explain" in pickle.dumps(explanation)
    assert pickle.loads(pickle.dumps(explanation)) == explanation
