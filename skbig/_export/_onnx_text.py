"""The ONNX graph of one document: a raw string to the first layer.

The exported text graph runs this once per document (a ``Loop`` over the input):
each document's TF-IDF is its terms and their values, and the first layer
multiplies those values by only the kernel rows of those terms, as skbig's
SparseDense does, so a document costs its own length, not the vocabulary's, and
a batch costs what its documents cost one by one, in memory as in time.
"""

import numpy as np
from onnx import TensorProto, helper, numpy_helper

from ._onnx_chars import accents_stripped, character_grams, lowercased
from ._text_spec import TextUnion, re2_class, text_parts

# What the tokenizer would pad a row with (one document is one row, so nothing
# is): never a token, which holds no whitespace.
PAD = " "

# Versions of the operators the graphs use from the non-default domains
# (LabelEncoder 2: string keys to int64 values).
DOMAIN_VERSIONS = {"com.microsoft": 1, "ai.onnx.ml": 2}


class Nodes:
    """Adds nodes and constants under unique names: to skl2onnx's container, or
    to a subgraph's node list (``body``) whose constants go to the container, for
    the subgraph to read from the graph around it."""

    def __init__(self, scope, container, body=None, constants=None):
        self.scope, self.container, self.body = scope, container, body
        # Small constants are stored once: onnxruntime would merge equal ones
        # when it loads, and warns when those are read inside a subgraph.
        self.constants = {} if constants is None else constants

    def subgraph(self):
        """Nodes for a subgraph (a ``Loop`` body): ``.body`` lists them."""
        return Nodes(self.scope, self.container, body=[], constants=self.constants)

    def name(self, hint):
        return self.scope.get_unique_variable_name(hint)

    def const(self, value, dtype=np.float32):
        array = np.asarray(value)
        if array.dtype.kind not in "OUS":
            array = array.astype(dtype)
        key = (array.dtype.kind, array.shape, tuple(array.ravel().tolist()))
        if array.size <= 16 and key in self.constants:
            return self.constants[key]
        name = self.name("c")
        if array.size <= 16:
            self.constants[key] = name
        if array.dtype.kind in "OUS":
            self.container.add_initializer(
                name, TensorProto.STRING, list(array.shape), array.ravel().tolist()
            )
        else:
            tensor = numpy_helper.from_array(array, name)
            self.container.add_initializer(name, None, None, tensor)
        return name

    def add(self, op_type, inputs, outputs, domain="", **attrs):
        name = self.scope.get_unique_operator_name(op_type)
        if self.body is not None:
            self.body.append(
                helper.make_node(op_type, inputs, outputs, name, domain=domain, **attrs)
            )
            return
        self.container.add_node(
            op_type,
            list(inputs),
            list(outputs),
            op_domain=domain,
            op_version=DOMAIN_VERSIONS.get(domain),
            name=name,
            **attrs,
        )

    def __call__(self, op_type, *inputs, domain="", **attrs):
        output = self.name(op_type.lower())
        self.add(op_type, inputs, [output], domain=domain, **attrs)
        return output

    def multi(self, op_type, *inputs, n_outputs, pick, **attrs):
        """A node with several outputs; returns those at the ``pick`` positions."""
        outputs = [self.name(op_type.lower()) for _ in range(n_outputs)]
        self.add(op_type, inputs, outputs, **attrs)
        return [outputs[i] for i in pick]

    def identity(self, x, output):
        self.add("Identity", [x], [output])


def per_document(nodes, x, width, row):
    """``[N, width]`` rows of the strings ``x`` ``[N]``, one a document: a
    ``Loop`` whose body gets the document (a string ``[1]``) and writes its row
    (``[width]``) with ``row(body_nodes, document, output_name)``."""
    body = nodes.subgraph()
    index, going = nodes.name("index"), nodes.name("going")
    at = body("Unsqueeze", index, body.const([0], np.int64))
    one = body("Gather", x, at, axis=0)
    output = nodes.name("row")
    row(body, one, output)
    still = nodes.name("still")
    body.identity(going, still)
    graph = helper.make_graph(
        body.body,
        "document",
        [
            helper.make_tensor_value_info(index, TensorProto.INT64, []),
            helper.make_tensor_value_info(going, TensorProto.BOOL, []),
        ],
        [
            helper.make_tensor_value_info(still, TensorProto.BOOL, []),
            helper.make_tensor_value_info(output, TensorProto.FLOAT, None),
        ],
    )
    # onnx's shape inference knows nothing of com.microsoft's Tokenizer, and
    # crashes (onnx 1.23) on the LabelEncoder that reads its untyped output.
    for node in graph.node:
        if node.op_type == "Tokenizer":
            graph.value_info.append(
                helper.make_tensor_value_info(
                    node.output[0], TensorProto.STRING, [None, None]
                )
            )
    rows = nodes.name("rows")
    nodes.add(
        "Loop", [nodes("Size", x), nodes.const(True, np.bool_)], [rows], body=graph
    )
    # After no iteration, onnxruntime gives the rows the shape [0].
    return nodes("Reshape", rows, nodes.const([-1, width], np.int64))


def _document_tfidf(nodes, spec, text):
    """A string ``[1]`` to its TF-IDF row's nonzero entries: the columns and
    their values, two 1-D tensors of the same length (empty for a document
    without a known term)."""
    if spec.lowercase:
        text = lowercased(nodes, text)
    if spec.strip_accents:  # after lowercasing, as scikit-learn does
        text = accents_stripped(nodes, text, spec.strip_accents)
    if spec.analyzer == "word":
        columns = _word_columns(nodes, spec, text)
    else:
        grams = character_grams(nodes, spec, text, _slices)
        if spec.hashing:
            columns = _hashed(nodes, grams, spec.hashing)
        else:
            terms = list(enumerate(spec.terms))
            columns = _known(nodes, _looked_up(nodes, grams, terms))
    column, counts = _counted(nodes, columns)
    value = nodes("Cast", counts, to=TensorProto.FLOAT)
    if spec.binary:
        value = nodes("Min", value, nodes.const(1.0))
    if spec.sublinear_tf:
        value = nodes("Add", nodes("Log", value), nodes.const(1.0))
    if spec.idf is not None:
        value = nodes(
            "Mul", value, nodes("Gather", nodes.const(spec.idf), column, axis=0)
        )
    return column, _normalised(nodes, value, spec.norm)


def _word_columns(nodes, spec, text):
    """The columns of the word n-grams of ``text`` ``[1]`` (1-D, one an
    n-gram the vectorizer knows)."""
    tokens = nodes(
        "Tokenizer",
        text,
        domain="com.microsoft",
        tokenexp=f"{re2_class(spec.tokens[0])}{{{spec.tokens[2]},}}",
        mark=0,
        mincharnum=1,
        pad_value=PAD,
    )
    flat = nodes.const([-1], np.int64)
    if spec.stop_words:  # dropped before the n-grams are formed, as scikit-learn does
        stop = _looked_up(nodes, tokens, [(0, word) for word in spec.stop_words])
        kept = nodes("Reshape", nodes("Less", stop, nodes.const(0, np.int64)), flat)
        tokens = nodes("Compress", tokens, kept, axis=1)
    columns = []
    min_n, max_n = spec.ngram_range
    for n in range(min_n, max_n + 1):
        if spec.hashing:
            # Every n-gram has a column; one document is one row, so none holds
            # the tokenizer's padding.
            grams = nodes("Reshape", _ngrams(nodes, tokens, n), flat)
            columns.append(_hashed(nodes, grams, spec.hashing))
            continue
        terms = [(c, t) for c, t in enumerate(spec.terms) if t.count(" ") == n - 1]
        if terms:
            ids = _looked_up(nodes, _ngrams(nodes, tokens, n), terms)
            columns.append(_known(nodes, nodes("Reshape", ids, flat)))
    if not columns:
        columns = [nodes.const(np.zeros(0, np.int64), np.int64)]
    return columns[0] if len(columns) == 1 else nodes("Concat", *columns, axis=0)


def _looked_up(nodes, grams, terms):
    """The column of each of ``grams`` among ``terms`` ((column, term) pairs), or
    -1."""
    columns, keys = zip(*terms, strict=True) if terms else ((), ())
    return nodes(
        "LabelEncoder",
        grams,
        domain="ai.onnx.ml",
        keys_strings=list(keys),
        values_int64s=list(columns),
        default_int64=-1,
    )


def _known(nodes, ids):
    """The ids (1-D) that are columns (>= 0)."""
    return nodes(
        "Compress", ids, nodes("GreaterOrEqual", ids, nodes.const(0, np.int64)),
        axis=0,
    )  # fmt: skip


def _hashed(nodes, grams, n_features):
    """``abs(murmurhash3_32(gram)) % n_features`` of each of ``grams``, as
    scikit-learn's HashingVectorizer computes the column."""
    hashes = nodes("MurmurHash3", grams, domain="com.microsoft", seed=0, positive=0)
    wide = nodes("Abs", nodes("Cast", hashes, to=TensorProto.INT64))
    return nodes("Mod", wide, nodes.const(n_features, np.int64))


def _document_row(nodes, spec, text):
    """The TF-IDF row of a :class:`TextSpec`, or a :class:`TextUnion`'s parts
    side by side (each part's columns after the previous parts', its values
    times its weight), normalised as the union's ``Normalizer`` does."""
    if not isinstance(spec, TextUnion):
        return _document_tfidf(nodes, spec, text)
    columns, values = [], []
    for part, offset, weight in text_parts(spec):
        column, value = _document_tfidf(nodes, part, text)
        if offset:
            column = nodes("Add", column, nodes.const(offset, np.int64))
        if weight != 1.0:
            value = nodes("Mul", value, nodes.const(weight))
        columns.append(column)
        values.append(value)
    column = nodes("Concat", *columns, axis=0)
    value = nodes("Concat", *values, axis=0)
    return column, _normalised(nodes, value, spec.norm)


def _normalised(nodes, value, norm):
    """A row's values (1-D) divided by their L2 or L1 norm (``norm``), or as they
    are (None)."""
    if norm is None:
        return value
    reduce = "ReduceL2" if norm == "l2" else "ReduceL1"
    return nodes("Div", value, nodes(reduce, value, keepdims=1))


def _counted(nodes, columns):
    """The distinct values of ``columns`` (1-D, >= 0) and how often each occurs.

    By sorting (TopK) and finding where runs of equal values start: onnxruntime's
    ``Unique`` took about 95 us for a document's 300 terms, a third of the
    document's time; this takes about 30.
    """
    ordered, _ = nodes.multi(
        "TopK", columns, nodes("Shape", columns), n_outputs=2, pick=(0, 1),
        largest=0, sorted=1,
    )  # fmt: skip
    outside = nodes.const([-1], np.int64)  # never a column
    before = nodes("Concat", outside, ordered, axis=0)  # value i - 1, for i <= T
    at = nodes("Concat", ordered, outside, axis=0)  # value i
    # A run starts at i < T, and the last ends at T, where the values differ.
    edges = nodes("Reshape", nodes("NonZero", nodes("Sub", at, before)), outside)
    starts = nodes("Slice", edges, nodes.const([0], np.int64), outside)
    ends = nodes(
        "Slice", edges, nodes.const([1], np.int64), nodes.const([2**62], np.int64)
    )
    counts = nodes("Sub", ends, starts)
    return nodes("Gather", ordered, starts, axis=0), counts


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


def document_first_layer(nodes, spec, net, text, output):
    """Writes to ``output`` the first layer's pre-activation ``[units]`` of one
    document (a string ``[1]``): its TF-IDF values ``[terms]`` (scaled by the
    network's feature weights, if any) times the kernel rows of its terms, plus
    the bias."""
    layer = net.layers[0]
    column, value = _document_row(nodes, spec, text)
    if net.feature_weights is not None:
        weights = nodes("Gather", nodes.const(net.feature_weights), column, axis=0)
        value = rescaled(nodes, value, weights)
    rows_of_kernel = nodes("Gather", nodes.const(layer.kernel), column, axis=0)
    product = nodes("MatMul", value, rows_of_kernel)
    nodes.add("Add", [product, nodes.const(layer.bias)], [output])


def rescaled(nodes, x, weights, axis=None):
    """``x`` times ``weights`` (a constant array or a node's output), each row
    (along ``axis``; all of ``x`` when None) rescaled to the L2 norm it had, as
    skbig's ``nb_weights`` computes it; a row whose weighted values are all 0
    stays 0."""
    if not isinstance(weights, str):
        weights = nodes.const(weights)
    scaled = nodes("Mul", x, weights)
    axes = [] if axis is None else [nodes.const([axis], np.int64)]
    before = nodes("ReduceL2", x, *axes, keepdims=1)
    after = nodes("ReduceL2", scaled, *axes, keepdims=1)
    floor = nodes.const(np.finfo(np.float32).tiny)
    factor = nodes("Div", before, nodes("Max", after, floor))
    return nodes("Mul", scaled, factor)
