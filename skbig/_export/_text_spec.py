"""What an exported model's text side computes, read off fitted vectorizers.

Both export formats build their tokens, n-grams and TF-IDF from a
:class:`TextSpec` (or a :class:`TextUnion` of them); settings that cannot be
reproduced exactly are refused here, with an error that names them.
"""

import dataclasses
import functools
import re
from dataclasses import dataclass

import numpy as np
from sklearn.feature_extraction.text import (
    CountVectorizer,
    HashingVectorizer,
    TfidfTransformer,
    TfidfVectorizer,
    strip_accents_ascii,
    strip_accents_unicode,
)
from sklearn.pipeline import FeatureUnion, Pipeline
from sklearn.utils.validation import check_is_fitted

from ._spec import NotExportableError

# What Python's ``str.split()`` and ``re``'s ``\s`` take for whitespace (the
# characters whose ``isspace()`` holds), which character analyzers split on.
WHITESPACE = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680"
    + "".join(chr(c) for c in range(0x2000, 0x200B))
    + "\u2028\u2029\u202f\u205f\u3000"
)
# Python's ``\w`` on str: letters, numbers and the underscore. RE2 (onnxruntime,
# TensorFlow) reads ``\w`` and ``\s`` as ASCII only, so the classes are spelt out
# (and the graphs spell this one out further: ``re2_class``).
WORD_CHARACTERS = r"[\pL\pN_]"
NOT_WORD_CHARACTERS = r"[^\pL\pN_]"
SPACE_CHARACTERS = "[" + "".join(f"\\x{{{ord(c):x}}}" for c in WHITESPACE) + "]"
NOT_SPACE_CHARACTERS = "[^" + SPACE_CHARACTERS[1:]
#: Token patterns both formats reproduce: each finds the maximal runs of some
#: characters at least so long, (the runs' class, what separates them, shortest).
TOKEN_PATTERNS = {
    **dict.fromkeys(
        (r"(?u)\b\w\w+\b", r"\b\w\w+\b", r"(?u)\w\w+", r"\w\w+"),
        (WORD_CHARACTERS, NOT_WORD_CHARACTERS, 2),
    ),
    **dict.fromkeys(
        (r"(?u)\b\w+\b", r"\b\w+\b", r"(?u)\w+", r"\w+"),
        (WORD_CHARACTERS, NOT_WORD_CHARACTERS, 1),
    ),
    **dict.fromkeys((r"(?u)\S+", r"\S+"), (NOT_SPACE_CHARACTERS, SPACE_CHARACTERS, 1)),
}
ANALYZERS = ("word", "char", "char_wb")
SIGMA, FINAL_SIGMA = "\u03a3", "\u03c2"  # Σ, ς
# A bracket class of ASCII letters, digits, underscores and apostrophes (ranges
# of them too): Python's ``re`` and RE2 read it alike, and it holds no space
# (the SavedModel splits the text at spaces once the separators are spaces).
_CLASS = r"\[(?:[A-Za-z0-9_'](?:-[A-Za-z0-9_'])?)+\]"
# Maximal runs of one such class: ``C+``, ``CC+`` or ``C{m,}``; a word boundary
# (``\b``) around a class other than ``\w`` would cut runs differently.
_RUNS = re.compile(rf"(?:\(\?u\))?({_CLASS})(?:(\1)?\+|\{{([1-9][0-9]*),\}})")


def token_runs(pattern):
    """The ``tokens`` of a :class:`TextSpec` (the runs' class, what separates
    them, the shortest) for a ``token_pattern`` both formats reproduce, else
    None: those of :data:`TOKEN_PATTERNS`, and the maximal runs of a bracket
    class of ASCII letters, digits, ``_`` and ``'`` (``[a-zA-Z]{2,}``,
    ``[A-Za-z0-9_]+``, ``[a-z][a-z]+``)."""
    if pattern in TOKEN_PATTERNS:
        return TOKEN_PATTERNS[pattern]
    match = _RUNS.fullmatch(pattern or "")
    if match is None:
        return None
    bracket, again, least = match.groups()
    shortest = int(least) if least else 2 if again else 1
    return bracket, "[^" + bracket[1:], shortest


@dataclass
class TextSpec:
    """A fitted Count/Tfidf/Hashing vectorizer: counts of word or character
    n-grams, then tf-idf."""

    terms: list | None  # the term of each output column (None: hashed features)
    lowercase: bool
    ngram_range: tuple
    binary: bool
    sublinear_tf: bool
    idf: np.ndarray | None  # float32, one per column, or None
    norm: str | None
    hashing: int | None = None  # n_features of a HashingVectorizer
    analyzer: str = "word"  # or scikit-learn's "char" or "char_wb"
    stop_words: list = dataclasses.field(default_factory=list)
    strip_accents: str | None = None  # scikit-learn's "unicode" or "ascii"
    # words: (RE2 class of a token's characters, of what separates tokens, the
    # shortest token), from TOKEN_PATTERNS
    tokens: tuple = TOKEN_PATTERNS[r"(?u)\b\w\w+\b"]

    @property
    def width(self):
        return self.hashing if self.terms is None else len(self.terms)


@dataclass
class TextUnion:
    """A ``FeatureUnion`` of vectorizers (words beside character n-grams), each
    a :class:`TextSpec` whose columns follow the previous ones', optionally
    followed by a ``Normalizer`` of the joined row."""

    parts: list  # TextSpec each
    weights: list  # the union's transformer_weights, 1.0 where none
    norm: str | None = None  # the Normalizer's, or None

    @property
    def width(self):
        return sum(part.width for part in self.parts)


def text_parts(text):
    """(part, first column, weight) of a :class:`TextSpec` or :class:`TextUnion`."""
    if not isinstance(text, TextUnion):
        return [(text, 0, 1.0)]
    offsets = np.cumsum([0] + [part.width for part in text.parts[:-1]])
    return list(zip(text.parts, offsets.tolist(), text.weights, strict=True))


def text_spec(vectorizer):
    """The :class:`TextSpec` of a fitted Count/Tfidf/Hashing vectorizer (or a
    ``(vectorizer, TfidfTransformer)`` pair), the :class:`TextUnion` of a
    ``FeatureUnion`` of them (or a ``(union, Normalizer)`` pair), or an error
    naming the setting an exported model could not reproduce."""
    union = vectorizer[0] if isinstance(vectorizer, tuple) else vectorizer
    if isinstance(union, FeatureUnion):
        return _union_spec(union, vectorizer[1] if union is not vectorizer else None)
    transformer = None
    if isinstance(vectorizer, tuple):
        vectorizer, transformer = vectorizer
    hashing = isinstance(vectorizer, HashingVectorizer)
    if not (hashing or isinstance(vectorizer, CountVectorizer)):
        raise NotExportableError(
            f"Cannot export a {type(vectorizer).__name__} in front of the network: "
            "only a CountVectorizer, TfidfVectorizer or HashingVectorizer is "
            "reproduced exactly."
        )
    if not hashing:
        check_is_fitted(vectorizer, "vocabulary_")
    words = vectorizer.analyzer == "word"
    refused = {
        "input": vectorizer.input != "content",
        "analyzer": vectorizer.analyzer not in ANALYZERS,
        "preprocessor": vectorizer.preprocessor is not None,
        # character analyzers take no tokenizer or token pattern
        "tokenizer": words and vectorizer.tokenizer is not None,
        # "unicode" and "ascii" are a map of each character
        "strip_accents": vectorizer.strip_accents not in (None, "unicode", "ascii"),
        "token_pattern": words and token_runs(vectorizer.token_pattern) is None,
        "norm": getattr(vectorizer, "norm", None) not in (None, "l1", "l2"),
        # signed hashing needs signed sums; a norm before sublinear tf or IDF
        # changes what they see
        "alternate_sign": hashing and vectorizer.alternate_sign,
    }
    if transformer is not None:
        refused["norm"] = (
            refused["norm"] or getattr(vectorizer, "norm", None) is not None
        )
    min_n, max_n = vectorizer.ngram_range
    bad = [name for name, is_bad in refused.items() if is_bad]
    if bad:
        shown = ", ".join(f"{name}={getattr(vectorizer, name)!r}" for name in bad)
        raise NotExportableError(
            f"Cannot export the {type(vectorizer).__name__}: {shown} cannot be "
            "reproduced exactly outside scikit-learn (supported: word n-grams with "
            "any stop words and a token_pattern of runs of word characters "
            "(r'(?u)\\b\\w\\w+\\b', r'(?u)\\b\\w+\\b', r'\\w+'), of "
            "anything but whitespace (r'\\S+') or of a class of ASCII letters, "
            "digits, _ and ' (r'[a-zA-Z]{2,}'), or the 'char' and 'char_wb' "
            "analyzers; lowercase or not, strip_accents 'unicode' or 'ascii', "
            "no callables, unsigned hashing)."
        )
    terms = None
    if not hashing:
        terms = [None] * len(vectorizer.vocabulary_)
        for term, column in vectorizer.vocabulary_.items():
            terms[column] = term
        if any(not isinstance(term, str) for term in terms):
            raise NotExportableError(
                "The vocabulary must map every column to a string."
            )
    weighting = vectorizer if transformer is None else transformer
    tfidf = isinstance(weighting, TfidfVectorizer | TfidfTransformer)
    idf = None
    if tfidf and weighting.use_idf:
        idf = np.asarray(weighting.idf_, dtype=np.float32)
    return TextSpec(
        terms=terms,
        lowercase=bool(vectorizer.lowercase),
        ngram_range=(int(min_n), int(max_n)),
        binary=bool(vectorizer.binary),
        sublinear_tf=bool(tfidf and weighting.sublinear_tf),
        idf=idf,
        norm=weighting.norm if (tfidf or hashing) else None,
        hashing=int(vectorizer.n_features) if hashing else None,
        analyzer=vectorizer.analyzer,
        strip_accents=vectorizer.strip_accents,
        # removed from the tokens before n-grams are formed (words only)
        stop_words=sorted(vectorizer.get_stop_words() or ()) if words else [],
        **({"tokens": token_runs(vectorizer.token_pattern)} if words else {}),
    )


def re2_class(characters):
    """A class of a spec's ``tokens`` as an exported graph's RE2 should read it:
    :data:`WORD_CHARACTERS` (and its negation) as this Python's ``re`` reads
    ``\\w``, its code points spelt out as ranges; other classes as they are.
    RE2's ``\\pL`` and ``\\pN`` follow RE2's own Unicode version: onnxruntime
    1.32's counts 5,010 characters as letters that Python 3.11's Unicode 14 has
    not assigned, and so reads tokens Python does not."""
    if characters == WORD_CHARACTERS:
        return _python_word_class()
    if characters == NOT_WORD_CHARACTERS:
        return "[^" + _python_word_class()[1:]
    return characters


def characters(first=0):
    """Every character from code point ``first`` on, in order (surrogates are
    no characters)."""
    return (chr(code) for code in range(first, 0x110000) if not 0xD800 <= code < 0xE000)


@functools.cache
def _python_word_class():
    word = re.compile(r"\w")
    return re2_class_of(c for c in characters() if word.match(c))


def re2_class_of(chars):
    """An RE2 class of exactly the characters ``chars``, as ranges of code points
    (far smaller for onnxruntime to hold than a table of them)."""
    ranges = []
    for code in sorted(map(ord, chars)):
        if ranges and ranges[-1][1] == code - 1:
            ranges[-1][1] = code
        else:
            ranges.append([code, code])
    spelt = (
        f"\\x{{{a:x}}}" if a == b else f"\\x{{{a:x}}}-\\x{{{b:x}}}" for a, b in ranges
    )
    return "[" + "".join(spelt) + "]"


@functools.cache
def lowercase_tables():
    """Python's ``str.lower`` as two tables an exported graph can read.

    The first maps each character whose lowercase differs to it (``İ`` becomes
    two characters, ``i`` and a combining dot). The second classes the
    characters Unicode's Final_Sigma rule reads, by which a capital sigma
    becomes ``ς`` when a cased character comes before it and none after it,
    case-ignorable characters (apostrophes, full stops, combining marks, ...)
    skipped: -1 case-ignorable, 1 cased, 2 the capital sigma (cased); the rest
    are 0. Both are read off this Python's own ``str.lower``, which is what
    scikit-learn calls."""
    lower, classes = {}, {}
    for character in characters():
        if character.lower() != character:
            lower[character] = character.lower()
        # After a cased letter, the sigma is final if the character is skipped
        # or cased; after a space, only if it is cased and not skipped.
        after_cased = ("A" + character + SIGMA).lower()[-1] == FINAL_SIGMA
        after_space = (" " + character + SIGMA).lower()[-1] == FINAL_SIGMA
        if after_cased:
            classes[character] = 1 if after_space else -1
    classes[SIGMA] = 2
    return lower, classes


@functools.cache
def accent_map(how):
    """What scikit-learn's ``strip_accents=how`` makes of each character it
    changes (for "ascii", less those it drops: every other non-ASCII character).
    Stripping is a map of each character on its own: NFKD decomposes character
    by character, and the only reordering it does moves combining marks, which
    are dropped."""
    strip = strip_accents_unicode if how == "unicode" else strip_accents_ascii
    changed = {}
    for character in characters(0x80):
        stripped = strip(character)
        if stripped != character and (stripped or how == "unicode"):
            changed[character] = stripped
    return changed


def _union_spec(union, normalizer):
    parts, weights = [], []
    given = union.transformer_weights or {}
    for name, step in union.transformer_list:
        if step in ("drop", None):
            continue
        if isinstance(step, Pipeline):
            inner = [s for _, s in step.steps if s not in (None, "passthrough")]
            step = tuple(inner) if len(inner) == 2 else (inner[0] if inner else step)
        parts.append(text_spec(step))
        weights.append(float(given.get(name, 1.0)))
    if not parts:
        raise NotExportableError("The FeatureUnion holds no vectorizer to export.")
    norm = None if normalizer is None else normalizer.norm
    if norm not in (None, "l1", "l2"):
        raise NotExportableError(
            f"Cannot export a Normalizer(norm={norm!r}) after the FeatureUnion: "
            "'l1' and 'l2' are reproduced."
        )
    return TextUnion(parts=parts, weights=weights, norm=norm)
