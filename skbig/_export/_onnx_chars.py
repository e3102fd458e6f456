"""One document's characters in ONNX: character n-grams, as scikit-learn's
``char`` and ``char_wb`` analyzers form them; accents stripped; and text
lowercased as Python's ``str.lower`` does (:func:`lowercased`).

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

import functools

import numpy as np
from onnx import TensorProto, helper

from ._text_spec import (
    FINAL_SIGMA,
    SIGMA,
    WHITESPACE,
    accent_map,
    characters,
    lowercase_tables,
    re2_class_of,
)

# Lowercasing (StringNormalizer) needs a UTF-8 locale; C.UTF-8 ships with glibc
# systems (Debian, Ubuntu, the python:* images) where en_US.UTF-8 often does not.
LOCALE = "C.UTF-8"

_TRUE = np.ones((1, 1), np.bool_)
_FALSE = np.zeros((1, 1), np.bool_)


def character_grams(nodes, spec, text, slices):
    """The n-grams of the (already lowercased) document ``text`` ``[1]``, a 1-D
    string tensor in no particular order. ``slices(nodes, x, n)`` gives
    ``x[:, k : T - n + 1 + k]`` for each k < n."""
    chars = _characters(nodes, text)
    space = nodes(
        "Cast",
        _mapped(nodes, chars, dict.fromkeys(WHITESPACE, 1), 0),
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


def _characters(nodes, text):
    """The characters of ``text`` ``[1]``, ``[1, T]``."""
    return nodes(
        "Tokenizer",
        text,
        domain="com.microsoft",
        separators=[""],  # one token a character
        mark=0,
        mincharnum=1,
        pad_value="#",  # one document, one row: nothing is padded
    )


def lowercased(nodes, text):
    """``text`` ``[1]`` lowercased as Python's ``str.lower`` does.

    onnxruntime's StringNormalizer maps one character at a time through the C
    library's table, where Python gives ``İ`` two characters and a capital
    sigma that ends a word ``ς``. A document that holds a character
    StringNormalizer lowercases otherwise than Python (those two, and any other
    this machine's onnxruntime differs on) is lowercased by Python's own tables
    (:func:`lowercase_tables`) character by character and joined back; the
    others, most documents of most corpora, by StringNormalizer."""
    differs = re2_class_of(_normalizer_differs())
    found = nodes("RegexFullMatch", text, pattern=f"(?s).*{differs}.*")
    exact = nodes.subgraph()
    lowered = _python_lowered(exact, _characters(exact, text))
    usual = nodes.subgraph()
    normalised = usual(
        "StringNormalizer", text, case_change_action="LOWER", locale=LOCALE
    )
    result = nodes.name("lowered")
    nodes.add(
        "If",
        [found],  # one element: If reads it as its condition
        [result],
        then_branch=_branch(exact, "python_lowered", lowered),
        else_branch=_branch(usual, "normalised", normalised),
    )
    return result


def _python_lowered(nodes, chars):
    """``chars`` ``[1, T]`` lowercased by Python's tables and joined, ``[1]``.
    Which characters change, are cased or are case-ignorable is asked of RE2
    classes (ranges of code points): a table of each would cost a serving
    process about 3.5 MB more."""
    lower, classes = lowercase_tables()

    def member(which):
        return nodes("RegexFullMatch", chars, pattern=re2_class_of(which))

    changed = member(lower)
    mapped = nodes("Where", changed, _mapped(nodes, chars, lower, ""), chars)
    # The Final_Sigma rule: a sigma's neighbours are the characters next to it
    # once the case-ignorable ones are taken out. Each character's rank among
    # those kept (how many come before it) indexes their classes, padded with
    # "neither" at both ends (twice after: a skipped last character's rank is
    # the count kept). Classes: -1 skipped, 0 neither, 1 cased, 2 the sigma.
    cased = nodes(
        "Cast", member(c for c, k in classes.items() if k > 0), to=TensorProto.INT64
    )
    sigma = nodes("Cast", member(SIGMA), to=TensorProto.INT64)
    kind = nodes(
        "Where",
        member(c for c, k in classes.items() if k < 0),
        nodes.const(-1, np.int64),
        nodes("Add", cased, sigma),
    )
    kind = nodes("Reshape", kind, nodes.const([-1], np.int64))
    zero = nodes.const([0], np.int64)
    kept = nodes("Cast", nodes("GreaterOrEqual", kind, zero), to=TensorProto.INT64)
    rank = nodes("CumSum", kept, nodes.const(0, np.int64), exclusive=1)
    around = nodes(
        "Concat", zero, nodes("Compress", kind, nodes("Cast", kept, to=9)), zero,
        zero, axis=0,
    )  # fmt: skip
    one = nodes.const([1], np.int64)
    before = nodes("Gather", around, rank, axis=0)  # the kept character before
    after = nodes("Gather", around, nodes("Add", rank, nodes.const(2, np.int64)))
    final = nodes(
        "And",
        nodes("Equal", kind, nodes.const([2], np.int64)),
        nodes("And", nodes("GreaterOrEqual", before, one),
              nodes("Less", after, one)),
    )  # fmt: skip
    final = nodes("Reshape", final, nodes("Shape", mapped))
    mapped = nodes(
        "Where", final, nodes.const(np.array([[FINAL_SIGMA]], object)), mapped
    )
    return _joined_whole(nodes, mapped)


@functools.cache
def _normalizer_differs():
    """The characters this machine's onnxruntime StringNormalizer lowercases
    otherwise than Python's ``str.lower`` (each on its own; ``İ`` with
    onnxruntime 1.32 on glibc 2.36), with the capital sigma, whose lowercase
    depends on what surrounds it."""
    import onnxruntime

    graph = helper.make_graph(
        [helper.make_node("StringNormalizer", ["x"], ["y"],
                          case_change_action="LOWER", locale=LOCALE)],
        "lower",
        [helper.make_tensor_value_info("x", TensorProto.STRING, [None])],
        [helper.make_tensor_value_info("y", TensorProto.STRING, [None])],
    )  # fmt: skip
    # IR version 9, what opset 20 needs: not the installed onnx's newest, which an
    # older onnxruntime refuses.
    model = helper.make_model(
        graph, opset_imports=[helper.make_opsetid("", 20)], ir_version=9
    )
    session = onnxruntime.InferenceSession(
        model.SerializeToString(), providers=["CPUExecutionProvider"]
    )
    each = list(characters(1))
    (lowered,) = session.run(None, {"x": np.array(each, dtype=object)})
    differs = {c for c, low in zip(each, lowered, strict=True) if c.lower() != low}
    return sorted(differs | {SIGMA})


def accents_stripped(nodes, text, how):
    """``text`` ``[1]`` with scikit-learn's ``strip_accents=how`` applied: each
    character becomes its stripped form (``accent_map``; for "ascii", a
    non-ASCII character it does not hold goes, for "unicode" it stays), and the
    characters are joined back into one string. A document with no character to
    change (most, in most corpora) is passed on as it is, which saves the join."""
    chars = _characters(nodes, text)
    changed = accent_map(how)
    if how == "ascii":  # a character changes unless it is ASCII
        ascii_ = [chr(code) for code in range(128)]
        flag = _mapped(nodes, chars, dict.fromkeys(ascii_, 0), 1)
        changed = {**dict(zip(ascii_, ascii_, strict=True)), **changed}
    else:
        flag = _mapped(nodes, chars, dict.fromkeys(changed, 1), 0)
    any_changed = nodes(
        "Cast", nodes("ReduceMax", flag, keepdims=0), to=TensorProto.BOOL
    )

    then = nodes.subgraph()
    mapped = _mapped(then, chars, changed, "")
    if how == "unicode":  # a character the table does not hold stays
        mapped = then("Where", then("Cast", flag, to=TensorProto.BOOL), mapped, chars)
    stripped = _joined_whole(then, mapped)
    kept = nodes.subgraph()
    as_it_is = kept("Identity", text)
    result = nodes.name("stripped")
    nodes.add(
        "If",
        [any_changed],
        [result],
        then_branch=_branch(then, "stripped", stripped),
        else_branch=_branch(kept, "unchanged", as_it_is),
    )
    return result


def _mapped(nodes, chars, table, default):
    """Each of ``chars`` as ``table`` (a dict of strings, or of ints) maps it,
    or ``default`` (of the same type)."""
    kind = ("strings", "string") if isinstance(default, str) else ("int64s", "int64")
    return nodes(
        "LabelEncoder",
        chars,
        domain="ai.onnx.ml",
        keys_strings=list(table),
        **{f"values_{kind[0]}": list(table.values()), f"default_{kind[1]}": default},
    )


def _branch(nodes, name, output):
    """The subgraph of ``nodes`` (a :meth:`Nodes.subgraph`) with one string
    output, ``[1]``."""
    return helper.make_graph(
        nodes.body,
        name,
        [],
        [helper.make_tensor_value_info(output, TensorProto.STRING, [1])],
    )


def _joined_whole(nodes, parts):
    """The strings of ``parts`` ``[1, T]`` joined into one, ``[1]``: neighbours
    are joined pairwise until one is left, so a document of T characters takes
    about log2(T) rounds of a ``Loop`` (ONNX has no operator that joins a
    tensor's strings)."""
    flat = nodes.const([-1], np.int64)
    empty = nodes.const([""])
    # An empty string after the characters joins to nothing and leaves one
    # string for a document without characters.
    start = nodes("Concat", nodes("Reshape", parts, flat), empty, axis=0)
    body = nodes.subgraph()
    index, going, now = nodes.name("index"), nodes.name("going"), nodes.name("now")
    # An odd count gets the empty string at its end; then pairs, side by side.
    one, two = body.const(1, np.int64), body.const(2, np.int64)
    even = body("Mul", body("Div", body("Add", body("Size", now), one), two), two)
    end = body("Unsqueeze", even, body.const([0], np.int64))
    padded = body("Concat", now, empty, axis=0)
    zero = body.const([0], np.int64)
    pairs = body(
        "Reshape", body("Slice", padded, zero, end), body.const([-1, 2], np.int64)
    )
    column = body.const([1], np.int64)
    left = body("Slice", pairs, zero, column, column)
    right = body("Slice", pairs, column, body.const([2], np.int64), column)
    after = nodes.name("after")
    body.add("Reshape", [body("StringConcat", left, right), flat], [after])
    more = nodes.name("more")
    body.add("Greater", [body("Size", after), body.const(1, np.int64)], [more])
    graph = helper.make_graph(
        body.body,
        "pairs",
        [
            helper.make_tensor_value_info(index, TensorProto.INT64, []),
            helper.make_tensor_value_info(going, TensorProto.BOOL, []),
            helper.make_tensor_value_info(now, TensorProto.STRING, [None]),
        ],
        [
            helper.make_tensor_value_info(more, TensorProto.BOOL, []),
            helper.make_tensor_value_info(after, TensorProto.STRING, [None]),
        ],
    )
    several = nodes("Greater", nodes("Size", start), nodes.const(1, np.int64))
    joined = nodes.name("joined")
    nodes.add("Loop", ["", several, start], [joined], body=graph)
    return nodes("Reshape", joined, nodes.const([1], np.int64))


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
