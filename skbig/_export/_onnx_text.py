"""The ONNX graph of a text pipeline's front: raw strings to the first layer.

The TF-IDF is computed as (row, column, value) triples, the way scikit-learn's
sparse matrix holds it, and the first layer gathers only the kernel rows of the
terms present, so one document costs its own length, not the vocabulary's.
"""

import numpy as np
from onnx import TensorProto, helper, numpy_helper

from ._spec import WORD_RUN

# Lowercasing (StringNormalizer) needs a UTF-8 locale; C.UTF-8 ships with glibc
# systems (Debian, Ubuntu, the python:* images) where en_US.UTF-8 often does not.
LOCALE = "C.UTF-8"


# Versions of the operators the graphs use from the non-default domains
# (LabelEncoder 2: string keys to int64 values).
_DOMAIN_VERSIONS = {"com.microsoft": 1, "ai.onnx.ml": 2}


class Nodes:
    """Adds nodes and constants to skl2onnx's container under unique names."""

    def __init__(self, scope, container):
        self.scope, self.container = scope, container

    def const(self, value, dtype=np.float32):
        name = self.scope.get_unique_variable_name("c")
        array = np.asarray(value)
        if array.dtype.kind in "OUS":
            self.container.add_initializer(
                name, TensorProto.STRING, list(array.shape), array.ravel().tolist()
            )
        else:
            tensor = numpy_helper.from_array(array.astype(dtype), name)
            self.container.add_initializer(name, None, None, tensor)
        return name

    def __call__(self, op_type, *inputs, domain="", **attrs):
        output = self.scope.get_unique_variable_name(op_type.lower())
        self.container.add_node(
            op_type,
            list(inputs),
            [output],
            op_domain=domain,
            op_version=_DOMAIN_VERSIONS.get(domain),
            name=self.scope.get_unique_operator_name(op_type),
            **attrs,
        )
        return output

    def multi(self, op_type, *inputs, n_outputs, pick, **attrs):
        """A node with several outputs; returns those at the ``pick`` positions."""
        outputs = [
            self.scope.get_unique_variable_name(op_type.lower())
            for _ in range(n_outputs)
        ]
        self.container.add_node(
            op_type,
            list(inputs),
            outputs,
            name=self.scope.get_unique_operator_name(op_type),
            **attrs,
        )
        return [outputs[i] for i in pick]

    def identity(self, x, output):
        self.container.add_node(
            "Identity", [x], [output], name=self.scope.get_unique_operator_name("Id")
        )


def _sparse_tfidf(nodes, spec, text):
    """Strings ``[N]`` to the TF-IDF matrix's nonzero entries: (row, column, value)
    as three 1-D tensors, computed without a dense ``[N, n_terms]`` matrix."""
    if spec.lowercase:
        text = nodes(
            "StringNormalizer", text, case_change_action="LOWER", locale=LOCALE
        )
    tokens = nodes(
        "Tokenizer",
        text,
        domain="com.microsoft",
        tokenexp=WORD_RUN,
        mark=0,
        mincharnum=1,
        pad_value="#",  # never a token: tokens are runs of word characters
    )
    width = spec.width
    n_rows = nodes("Shape", text)
    row_index = nodes(
        "Unsqueeze",
        nodes(
            "Range",
            nodes.const(0, np.int64),
            nodes("Squeeze", n_rows),
            nodes.const(1, np.int64),
        ),
        nodes.const([1], np.int64),
    )
    keys = []
    min_n, max_n = spec.ngram_range
    for n in range(min_n, max_n + 1):
        if spec.hashing:
            ids = _hashed_columns(nodes, tokens, n, spec.hashing)
        else:
            terms = [(t, c) for c, t in enumerate(spec.terms) if t.count(" ") == n - 1]
            if not terms:
                continue
            ids = nodes(
                "LabelEncoder",
                _ngrams(nodes, tokens, n),
                domain="ai.onnx.ml",
                keys_strings=[t for t, _ in terms],
                values_int64s=[c for _, c in terms],
                default_int64=-1,
            )
        owner = nodes("Expand", row_index, nodes("Shape", ids))
        key = nodes("Add", nodes("Mul", owner, nodes.const(width, np.int64)), ids)
        flat = nodes("Reshape", key, nodes.const([-1], np.int64))
        known = nodes(
            "Reshape",
            nodes("GreaterOrEqual", ids, nodes.const(0, np.int64)),
            nodes.const([-1], np.int64),
        )
        keys.append(nodes("Compress", flat, known, axis=0))
    if not keys:
        keys = [nodes.const(np.zeros(0, np.int64), np.int64)]
    keys = keys[0] if len(keys) == 1 else nodes("Concat", *keys, axis=0)
    unique, counts = nodes.multi("Unique", keys, n_outputs=4, pick=(0, 3), sorted=1)
    row = nodes("Div", unique, nodes.const(width, np.int64))
    column = nodes("Mod", unique, nodes.const(width, np.int64))
    value = nodes("Cast", counts, to=TensorProto.FLOAT)
    if spec.binary:
        value = nodes("Min", value, nodes.const(1.0))
    if spec.sublinear_tf:
        value = nodes("Add", nodes("Log", value), nodes.const(1.0))
    if spec.idf is not None:
        value = nodes(
            "Mul", value, nodes("Gather", nodes.const(spec.idf), column, axis=0)
        )
    rows = _Segments(nodes, row, n_rows)
    if spec.norm is not None:
        size = nodes("Mul", value, value) if spec.norm == "l2" else nodes("Abs", value)
        sums = rows.sums(size)
        norms = nodes("Sqrt", sums) if spec.norm == "l2" else sums
        value = nodes("Div", value, nodes("Gather", norms, row, axis=0))
    return rows, column, value


class _Segments:
    """Sums over the entries of each row, the entries sorted by row.

    Through float64 prefix sums, not ``Scatter*(reduction="add")``: onnxruntime
    runs those on several threads and loses updates to the same row (2 runs in 10
    were off by up to 0.05 in probability, on R8).
    """

    def __init__(self, nodes, row, n_rows):
        self.nodes, self.row = nodes, row
        unique, counts = nodes.multi("Unique", row, n_outputs=4, pick=(0, 3), sorted=1)
        zeros = nodes("ConstantOfShape", n_rows, value=_tensor(0, TensorProto.INT64))
        # Each row once: a scatter without reduction has no race.
        per_row = nodes("ScatterElements", zeros, unique, counts, axis=0)
        self.end = nodes("CumSum", per_row, nodes.const(0, np.int64))
        self.start = nodes("Sub", self.end, per_row)

    def sums(self, values, width=None):
        """``values`` ``[U]`` (or ``[U, width]``) summed per row: ``[N(, width)]``."""
        nodes = self.nodes
        wide = nodes("Cast", values, to=TensorProto.DOUBLE)
        prefix = nodes("CumSum", wide, nodes.const(0, np.int64))
        first = np.zeros((1,) if width is None else (1, width))
        prefix = nodes("Concat", nodes.const(first, np.float64), prefix, axis=0)
        # entry i of prefix is the sum of entries before i
        total = nodes(
            "Sub",
            nodes("Gather", prefix, self.end, axis=0),
            nodes("Gather", prefix, self.start, axis=0),
        )
        return nodes("Cast", total, to=TensorProto.FLOAT)


def _hashed_columns(nodes, tokens, n, n_features):
    """The column of each ``n``-gram as scikit-learn's HashingVectorizer computes
    it, ``abs(murmurhash3_32(gram)) % n_features``, or -1 for an n-gram that
    holds the tokenizer's padding."""
    hashes = nodes("MurmurHash3", _ngrams(nodes, tokens, n), domain="com.microsoft",
                   seed=0, positive=0)  # fmt: skip
    wide = nodes("Abs", nodes("Cast", hashes, to=TensorProto.INT64))
    columns = nodes("Mod", wide, nodes.const(n_features, np.int64))
    padded = nodes("Equal", tokens, nodes.const("#"))
    if n > 1:
        parts = _slices(nodes, padded, n)
        padded = parts[0]
        for part in parts[1:]:
            padded = nodes("Or", padded, part)
    return nodes("Where", padded, nodes.const(-1, np.int64), columns)


def _slices(nodes, tokens, n):
    """``tokens[:, k : T - n + 1 + k]`` for each k < n."""
    parts = []
    for k in range(n):
        end = -(n - 1 - k) if k < n - 1 else np.iinfo(np.int64).max
        parts.append(
            nodes(
                "Slice",
                tokens,
                nodes.const([k], np.int64),
                nodes.const([end], np.int64),
                nodes.const([1], np.int64),
            )
        )
    return parts


def _ngrams(nodes, tokens, n):
    """The ``n``-grams of each row of ``tokens`` ``[N, T]``, joined by spaces, as
    ``[N, T - n + 1]`` (scikit-learn's word n-grams)."""
    if n == 1:
        return tokens
    parts = _slices(nodes, tokens, n)
    gram = parts[0]
    for part in parts[1:]:
        gram = nodes(
            "StringConcat", nodes("StringConcat", gram, nodes.const(" ")), part
        )
    return gram


def _tensor(value, dtype):
    return helper.make_tensor("value", dtype, [1], [value])


def sparse_first_layer(nodes, spec, layer, text):
    """The first layer's pre-activation ``[N, units]`` from raw text: the kernel
    rows of the terms present, weighted by their TF-IDF and summed per row."""
    rows, column, value = _sparse_tfidf(nodes, spec, text)
    rows_of_kernel = nodes("Gather", nodes.const(layer.kernel), column, axis=0)
    weighted = nodes(
        "Mul", rows_of_kernel, nodes("Unsqueeze", value, nodes.const([1], np.int64))
    )
    summed = rows.sums(weighted, width=layer.kernel.shape[1])
    return nodes("Add", summed, nodes.const(layer.bias))
