"""Character n-grams of one document in ONNX, as scikit-learn's ``char`` and
``char_wb`` analyzers form them.

The document is split into characters once (com.microsoft's Tokenizer with an
empty separator), and an n-gram is a window of n characters:

- ``char`` takes every window of the text after each run of two or more
  whitespace characters has become one space (scikit-learn's ``\\s\\s+``);
- ``char_wb`` pads each whitespace-separated word with a space on either side
  and takes the windows inside each padded word. On the whole text, its
  whitespace read as spaces and a space added at either end, those are exactly
  the windows with no space inside them (a space may only open or close one), but
  two spaces side by side (the end of one word and the start of the next), plus
  each padded word shorter than the smallest n once, as scikit-learn counts it;
  its single spaces (n = 1) are two a word, one opening and one closing.
"""

import numpy as np

from ._text_spec import WHITESPACE

_TRUE = np.ones((1, 1), np.bool_)
_FALSE = np.zeros((1, 1), np.bool_)


def character_grams(nodes, spec, text, slices):
    """The n-grams of the (already lowercased) document ``text`` ``[1]``, a 1-D
    string tensor in no particular order. ``slices(nodes, x, n)`` gives
    ``x[:, k : T - n + 1 + k]`` for each k < n."""
    chars = nodes(
        "Tokenizer",
        text,
        domain="com.microsoft",
        separators=[""],  # one token a character
        mark=0,
        mincharnum=1,
        pad_value="#",  # one document, one row: nothing is padded
    )
    space = nodes(
        "Cast",
        nodes(
            "LabelEncoder",
            chars,
            domain="ai.onnx.ml",
            keys_strings=list(WHITESPACE),
            values_int64s=[1] * len(WHITESPACE),
            default_int64=0,
        ),
        to=9,  # BOOL
    )
    blank = nodes.const(np.full((1, 1), " ", dtype=object))
    if spec.analyzer == "char":
        chars = _collapsed(nodes, chars, space, blank, slices)
        space = None
    else:
        chars = nodes(
            "Concat", blank, nodes("Where", space, blank, chars), blank, axis=1
        )
        space = nodes("Concat", nodes.const(_TRUE, np.bool_), space,
                      nodes.const(_TRUE, np.bool_), axis=1)  # fmt: skip
    grams = []
    min_n, max_n = spec.ngram_range
    for n in range(min_n, max_n + 1):
        if space is None:
            grams.append(_flat(nodes, _joined(nodes, slices(nodes, chars, n))))
            continue
        grams.extend(_word_grams(nodes, chars, space, n, slices))
        if n == min_n:
            # a padded word shorter than min_n counts once, whole
            for m in range(3, min_n):
                grams.append(_windows(nodes, chars, space, m, slices, whole=True))
    return grams[0] if len(grams) == 1 else nodes("Concat", *grams, axis=0)


def _collapsed(nodes, chars, space, blank, slices):
    """``chars`` with each run of two or more whitespace characters made one space."""
    before = nodes("Concat", nodes.const(_FALSE, np.bool_),
                   slices(nodes, space, 2)[0], axis=1)  # fmt: skip
    after = nodes("Concat", slices(nodes, space, 2)[1],
                  nodes.const(_FALSE, np.bool_), axis=1)  # fmt: skip
    chars = nodes("Where", nodes("And", space, after), blank, chars)
    kept = nodes("Not", nodes("And", space, before))
    return nodes(
        "Reshape",
        nodes("Compress", chars, _flat(nodes, kept)),
        nodes.const([1, -1], np.int64),
    )


def _word_grams(nodes, chars, space, n, slices):
    """``char_wb``'s n-grams: for n >= 2 the windows of the padded text with no
    space inside and not two spaces; for n = 1 each other character, and two
    spaces a word."""
    if n >= 2:
        return [_windows(nodes, chars, space, n, slices)]
    pairs = slices(nodes, chars, 2)
    first, second = slices(nodes, space, 2)
    opening = nodes("And", first, nodes("Not", second))
    closing = nodes("And", nodes("Not", first), second)
    return [
        _picked(nodes, chars, nodes("Not", space)),
        _picked(nodes, pairs[0], opening),  # the space before a word
        _picked(nodes, pairs[1], closing),  # and the one after it
    ]


def _windows(nodes, chars, space, n, slices, whole=False):
    """The windows of ``n`` characters with no space inside; two spaces are not
    one. ``whole``: only those that open and close with a space."""
    marks = slices(nodes, space, n)
    bad = None
    for inside in marks[1:-1]:
        bad = inside if bad is None else nodes("Or", bad, inside)
    if n == 2:
        bad = nodes("And", marks[0], marks[1])
    good = nodes("Not", bad)
    if whole:
        good = nodes("And", good, nodes("And", marks[0], marks[-1]))
    return _picked(nodes, _joined(nodes, slices(nodes, chars, n)), good)


def _joined(nodes, parts):
    gram = parts[0]
    for part in parts[1:]:
        gram = nodes("StringConcat", gram, part)
    return gram


def _flat(nodes, x):
    return nodes("Reshape", x, nodes.const([-1], np.int64))


def _picked(nodes, x, mask):
    """The elements of ``x`` where ``mask`` holds, flattened."""
    return nodes("Compress", _flat(nodes, x), _flat(nodes, mask), axis=0)
