"""The ONNX graph of a ``ColumnTransformer`` in front of the network (``_columns``).

skl2onnx converts the ColumnTransformer itself (one input a column), with each
text part stood in for by a :class:`TextColumn`, converted here: each document's
share of the first layer, from its terms alone, as the text graphs compute it
(``_onnx_text``), plus the sums of squares of its values before and after the
naive-Bayes weights. skl2onnx's own converters take the other parts, and the
network's converter adds their columns times their kernel rows, rescales the
row as ``nb_weights`` does (its norm taken over every part), and adds the bias.
"""

import copy

import numpy as np
from onnx import AttributeProto
from skl2onnx.common.data_types import (
    FloatTensorType,
    Int64TensorType,
    StringTensorType,
)
from sklearn.pipeline import Pipeline

from ._columns import FLOAT, INT
from ._onnx_text import Nodes, _document_row, per_document
from ._spec import NotExportableError, standardisation_folded

_TYPES = {FLOAT: FloatTensorType, INT: Int64TensorType}


class TextColumn:
    """Stands in for a text part during conversion: its spec, its kernel rows,
    their naive-Bayes weights (or None) and its transformer weight."""

    def __init__(self, part, kernel, weights):
        self.spec, self.kernel, self.weights = part.text, kernel, weights
        self.weight = part.weight


class Conversion:
    """What skl2onnx's ``convert_sklearn`` takes for a ColumnTransformer and the
    network after it: ``model`` (the ColumnTransformer, its text parts stood in
    for, then the network), ``initial`` types, and the text parts' ``converters``,
    ``shapes`` and ``parsers``; ``net`` is the network's spec with its
    standardisation folded into the first layer, and ``first_layer(nodes, x)``
    gives that layer's pre-activation from the ColumnTransformer's converted
    output."""

    def __init__(self, columns, network, net):
        net = standardisation_folded(net)
        if net.n_features != columns.width:
            raise NotExportableError(
                f"The network takes {net.n_features} columns; the "
                f"ColumnTransformer gives {columns.width}."
            )
        self.columns, self.net = columns, net
        kernel, weights = net.layers[0].kernel, net.feature_weights
        self.units = kernel.shape[1]
        stood_in = copy.copy(columns.transformer)
        stood_in.transformer_weights = None  # applied by the converters here
        stood_in.transformers_ = [
            (part.name, self._stand_in(part, kernel, weights), self._read(part))
            for part in columns.parts
        ]
        self.model = Pipeline([("columns", stood_in), ("network", network)])
        self.initial = [
            (name, _TYPES.get(kind, StringTensorType)([None, 1]))
            for name, kind in columns.inputs
        ]
        self.converters = {TextColumn: _convert_text}
        self.shapes = {TextColumn: _shape_text}
        self.parsers = {TextColumn: _parse_text}

    @staticmethod
    def _stand_in(part, kernel, weights):
        if part.text is None:
            return part.transformer
        rows = None if weights is None else weights[part.output]
        return TextColumn(part, kernel[part.output], rows)

    @staticmethod
    def _read(part):
        # a vectorizer reads one column as a 1-D array: its name, not a list
        return part.columns[0] if part.text is not None else list(part.columns)

    def first_layer(self, nodes, x):
        return _first_layer(nodes, self.columns, self.net, self.units, x)


def _parse_text(scope, model, inputs, custom_parsers=None):
    operator = scope.declare_local_operator("SkbigTextColumn", model)
    operator.inputs = inputs
    operator.outputs.append(scope.declare_local_variable("share", FloatTensorType()))
    return operator.outputs


def _shape_text(operator):
    rows = operator.inputs[0].get_first_dimension()
    units = operator.raw_operator.kernel.shape[1]
    operator.outputs[0].type.shape = [rows, units + 2]


def _convert_text(scope, operator, container):
    column = operator.raw_operator
    nodes = Nodes(scope, container)
    flat = nodes.const([-1], np.int64)
    text = nodes("Reshape", operator.inputs[0].full_name, flat)

    def share(body, document, output):
        _text_share(column, body, document, output)

    rows = per_document(nodes, text, column.kernel.shape[1] + 2, share)
    nodes.identity(rows, operator.outputs[0].full_name)


def _text_share(column, nodes, document, output):
    """Writes to ``output`` one document's share of the first layer (without
    the bias), then its values' sum of squares before and after the weights."""
    terms, values = _document_row(nodes, column.spec, document)
    if column.weight != 1.0:
        values = nodes("Mul", values, nodes.const(column.weight))
    weighted = values
    if column.weights is not None:
        scales = nodes("Gather", nodes.const(column.weights), terms, axis=0)
        weighted = nodes("Mul", values, scales)
    rows = nodes("Gather", nodes.const(column.kernel), terms, axis=0)
    share = nodes("MatMul", weighted, rows)
    before = nodes("ReduceSumSquare", values, keepdims=1)
    after = nodes("ReduceSumSquare", weighted, keepdims=1)
    nodes.add("Concat", [share, before, after], [output], axis=0)


def _first_layer(nodes, columns, net, units, x):
    """The first layer's pre-activation ``[N, units]`` from the
    ColumnTransformer's converted output ``x``: each text part's share and sums
    of squares, then every other part's columns."""
    shares, before, after, others, rows = [], [], [], [], []
    start = 0
    for part in columns.parts:
        width = part.output.stop - part.output.start
        if part.text is not None:  # its share of the layer, two sums of squares
            width = units + 2
        piece = _columns_of(nodes, x, start, start + width)
        start += width
        if part.text is not None:
            shares.append(_columns_of(nodes, piece, 0, units))
            before.append(_columns_of(nodes, piece, units, units + 1))
            after.append(_columns_of(nodes, piece, units + 1, units + 2))
            continue
        if part.weight != 1.0:
            piece = nodes("Mul", piece, nodes.const(part.weight))
        others.append(piece)
        rows.extend(range(part.output.start, part.output.stop))
    layer = net.layers[0]
    if others:
        other = others[0] if len(others) == 1 else nodes("Concat", *others, axis=1)
        weighted = other
        if net.feature_weights is not None:
            weights = nodes.const(net.feature_weights[rows])
            weighted = nodes("Mul", other, weights)
            axis = nodes.const([1], np.int64)
            before.append(nodes("ReduceSumSquare", other, axis, keepdims=1))
            after.append(nodes("ReduceSumSquare", weighted, axis, keepdims=1))
        shares.append(nodes("MatMul", weighted, nodes.const(layer.kernel[rows])))
    pre = _summed(nodes, shares)
    if net.feature_weights is not None:
        # nb_weights: the row rescaled to the L2 norm it had before the weights
        floor = nodes.const(np.finfo(np.float32).tiny)
        norm_before = nodes("Sqrt", _summed(nodes, before))
        norm_after = nodes("Max", nodes("Sqrt", _summed(nodes, after)), floor)
        pre = nodes("Mul", pre, nodes("Div", norm_before, norm_after))
    return nodes("Add", pre, nodes.const(layer.bias))


def _columns_of(nodes, x, start, stop):
    return nodes(
        "Slice",
        x,
        nodes.const([start], np.int64),
        nodes.const([stop], np.int64),
        nodes.const([1], np.int64),
    )


def _summed(nodes, parts):
    return parts[0] if len(parts) == 1 else nodes("Sum", *parts)


def named_as_columns(graph, columns):
    """Gives ``graph``'s inputs their columns' names, which skl2onnx makes
    identifiers ("unit price" becomes "unit_price")."""
    renames = {
        value.name: name
        for value, (name, _) in zip(graph.input, columns.inputs, strict=True)
        if value.name != name
    }
    if not renames:
        return
    taken = {name for node in graph.node for name in node.output}
    taken |= {value.name for value in graph.output}
    taken |= {tensor.name for tensor in graph.initializer}
    clash = sorted(taken & set(renames.values()))
    if clash:
        raise NotExportableError(
            f"The column {clash[0]!r} has the name of one of the exported graph's "
            "own values; rename the column."
        )
    _renamed(graph, renames)


def _renamed(graph, renames):
    for value in graph.input:
        value.name = renames.get(value.name, value.name)
    for node in graph.node:
        names = [renames.get(name, name) for name in node.input]
        del node.input[:]
        node.input.extend(names)
        for attribute in node.attribute:  # subgraphs read the graph's inputs too
            if attribute.type == AttributeProto.GRAPH:
                _renamed(attribute.g, renames)
