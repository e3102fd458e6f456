"""Shared tiny data and once-per-session fitted models: the suite must stay fast."""

import json
import subprocess
import sys
import textwrap

import numpy as np
import pytest
from hypothesis import strategies as st

from skbig import make_text_classifier

TOPICS = {
    "sport": "goal match team score league coach player season win cup",
    "tech": "software computer chip code network data cloud server app device",
    "food": "recipe cook bake flavor dinner kitchen spice sauce bread meal",
}
FILLER = "the a of and to in is it that for on with as was at by".split()


def make_corpus(n_docs=240, seed=0, topics=TOPICS):
    """Documents drawn from per-topic vocabularies plus shared filler words."""
    rng = np.random.RandomState(seed)
    names = sorted(topics)
    texts, labels = [], []
    for i in range(n_docs):
        label = names[i % len(names)]
        words = list(rng.choice(topics[label].split(), size=6)) + list(
            rng.choice(FILLER, size=6)
        )
        rng.shuffle(words)
        texts.append(" ".join(words))
        labels.append(label)
    return texts, np.asarray(labels)


# Tiny, fast settings shared by tests that fit pipelines.
FAST = dict(
    mlp__hidden_layer_sizes=(16,),
    mlp__epochs=8,
    mlp__batch_size=64,
    mlp__learning_rate_init=0.02,
    mlp__early_stopping=False,
    mlp__random_state=0,
)


@pytest.fixture
def autograph_conversions(monkeypatch):
    """The functions autograph rewrites while the test runs. (Its converter is
    private; if TensorFlow renames it, setattr fails here.)"""
    from tensorflow.python.autograph.impl import api

    converted = []
    convert = api._convert_actual

    def watched(entity, context):
        converted.append(getattr(entity, "__qualname__", repr(entity)))
        return convert(entity, context)

    monkeypatch.setattr(api, "_convert_actual", watched)
    return converted


@pytest.fixture(scope="session")
def corpus():
    return make_corpus()


@pytest.fixture(scope="session")
def fitted_pipeline(corpus):
    texts, labels = corpus
    return make_text_classifier(**FAST).fit(texts, labels)


#: scikit-learn checks that refit on every sparse format (about 6 s each here):
#: end-to-end enough for the ``slow`` run; sparse input has its own quick tests.
SLOW_CHECKS = ("check_estimator_sparse_array", "check_estimator_sparse_matrix")


def pytest_collection_modifyitems(items):
    for item in items:
        if any(check in item.nodeid for check in SLOW_CHECKS):
            item.add_marker(pytest.mark.slow)


# A serving process that cannot import the training stack: ``run`` (Python source)
# reads ``texts`` and sets ``label`` and ``proba``.
_SERVE = textwrap.dedent(
    """
    import json, sys
    # None in sys.modules: importing raises ImportError, find_spec says "absent"
    sys.modules.update(dict.fromkeys({blocked}))
    import importlib
    for name in {blocked}:
        try:
            importlib.import_module(name)
        except ImportError:
            pass
        else:
            raise SystemExit(f"{{name}} could be imported")
    texts = json.load(sys.stdin)
    """
)


def skip_unless_this_keras_reads(path):
    """Skips a test of a fixture model file that a newer Keras wrote than the
    one installed: a Keras reads what its own and older versions write (the
    fixtures are rewritten with the newest; skbig's floor is older)."""
    import keras
    from sklearn.utils.fixes import parse_version

    import skbig

    written = skbig.model_info(path)["versions"]["keras"]
    if parse_version(written) > parse_version(keras.__version__):
        pytest.skip(f"{path.name} was written with Keras {written}, newer than this")


def as_if_the_export_extra_lacked(monkeypatch, package):
    """Makes importing ``package`` (onnx, skl2onnx or onnxruntime) fail, and
    skbig's ONNX module, which imports them, be imported again."""
    import skbig._export

    monkeypatch.setitem(sys.modules, package, None)
    monkeypatch.delitem(sys.modules, "skbig._export._onnx", raising=False)
    monkeypatch.delattr(skbig._export, "_onnx", raising=False)


def serve_in_a_clean_process(blocked, run, texts):
    """(labels as strings, probabilities) from ``run`` in a fresh interpreter where
    the ``blocked`` top-level packages raise ImportError."""
    code = (
        _SERVE.format(blocked=sorted(blocked))
        + run
        + (
            '\njson.dump({"label": [str(x) for x in label], "proba": proba.tolist()},'
            " sys.stdout)\n"
        )
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        input=json.dumps(texts),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    out = json.loads(done.stdout)
    return out["label"], np.asarray(out["proba"])


# ------------------------------------------------------------------- exports
#: Words in scripts and shapes an exported tokenizer must treat as Python does.
UNICODE_DOCS = [
    "café crème naïve ÉCOLE école",
    "日本語 中文 テキスト 한국어",
    "under_score x_y 2024 ½ ²³",
    "emoji 😀 party 🎉 thumbs 👍",
    "Straße STRASSE façade Ærø",
]
_VOCABULARY = [
    *sorted(set(" ".join(TOPICS.values()).split())),
    *["café", "école", "日本語", "x_y", "2024"],
]
_MESSY = st.text(
    alphabet=st.sampled_from(
        list("aeéÉiïoöuüßAEIOU_0123456789 \t\n.,;!?'-") + list("日本語中文한국어😀🎉ÆØ")
    ),
    max_size=12,
)
_WORD = st.one_of(
    st.sampled_from(_VOCABULARY),
    st.sampled_from(_VOCABULARY).map(str.upper),
    st.sampled_from(_VOCABULARY).map(str.title),
    _MESSY,
    st.tuples(st.sampled_from(_VOCABULARY), _MESSY).map("".join),
)
#: Documents of vocabulary words in any case, glued to or separated from messy
#: Unicode (accents, CJK, emoji, digits, underscores, whitespace, punctuation).
DOCUMENT = st.lists(
    st.tuples(_WORD, st.sampled_from([" ", "", ", ", "\n", "-"])).map("".join),
    max_size=15,
).map("".join)


@pytest.fixture(scope="session")
def unicode_pipeline():
    """A fitted pipeline with bigrams whose vocabulary holds the Unicode words."""
    texts, labels = make_corpus(n_docs=150, seed=3)
    texts = texts + UNICODE_DOCS * 6
    labels = np.concatenate([labels, ["sport", "tech", "food", "sport", "tech"] * 6])
    params = dict(FAST, tfidf__min_df=1, tfidf__ngram_range=(1, 2))
    return make_text_classifier(**params).fit(texts, labels)


@pytest.fixture(scope="session")
def onnx_export(unicode_pipeline, tmp_path_factory):
    """(path, report, onnxruntime session) of ``unicode_pipeline`` exported."""
    onnxruntime = pytest.importorskip("onnxruntime")
    pytest.importorskip("skl2onnx")
    import skbig

    path = tmp_path_factory.mktemp("onnx") / "model.onnx"
    report = skbig.export(unicode_pipeline, path)
    session = onnxruntime.InferenceSession(str(path))
    return path, report, session


def run_onnx(session, texts):
    """(labels, probabilities) of an exported text model for ``texts``."""
    label, proba = session.run(
        ["label", "probabilities"], {"text": np.asarray(texts, dtype=object)}
    )
    return label, proba


#: Words, runs of every kind of whitespace Python splits on, and words of one
#: and two characters (the padded words shorter than the n-grams).
CHAR_MESSY = [
    "",
    " ",
    "a",
    "a b",
    "ab  cd",
    "  lead   and trail  ",
    "x\u3000y\x85z\x1c  w\t\tq\u2028r",
    "\n\nab\r\n",
    "café crème naïve ÉCOLE",
    "日本語 テキスト 😀🎉 x",
    "under_score, punct!? 2024",
]
CHAR_TEXT = st.text(
    alphabet=st.sampled_from(list("abcé日😀_1.- \t\n\x0b\x1c\x85\xa0\u3000")),
    max_size=30,
)


def character_grams(analyzer, ngram_range, text):
    """How often scikit-learn's ``analyzer`` cuts each n-gram from ``text``."""
    from collections import Counter

    from sklearn.feature_extraction.text import CountVectorizer

    vectorizer = CountVectorizer(
        analyzer=analyzer, ngram_range=ngram_range, lowercase=False
    )
    return Counter(vectorizer.build_analyzer()(text))


class OnnxNames:
    """skl2onnx's scope and container, as far as ``Nodes`` uses them."""

    def __init__(self):
        self.count, self.initializers = 0, []

    def get_unique_variable_name(self, hint):
        self.count += 1
        return f"{hint}_{self.count}"

    get_unique_operator_name = get_unique_variable_name

    def add_initializer(self, name, onnx_type, shape, tensor):
        if onnx_type is not None:  # a list of values (strings), not a tensor
            from onnx import helper

            tensor = helper.make_tensor(name, onnx_type, shape, tensor)
        self.initializers.append(tensor)
