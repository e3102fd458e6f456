"""Smaller ONNX weights: float16, int8 with a scale per row or column, or int4
for the first layer's kernel.

Only weights are stored smaller (weight-only quantization); the arithmetic stays
float32. The first layer's kernel is read by a Gather (one row per term present),
so it is dequantized after the Gather: only those rows are widened, and the
serving process keeps the small table in memory. With int8, the rows' scales
multiply the values the rows are multiplied by (one number a term) rather than
the rows (512 a term): the same product, and the gather and product of
215-300 rows of the 20 Newsgroups kernel take 0.092 ms against float32's 0.121
(``benchmarks/README.md``). A MatMul's kernel is dequantized where it is read,
which onnxruntime folds into a float32 constant when it loads.

int4 stores the first layer's kernel, the bulk of a text model, as four-bit
codes with a float32 scale per block of ``INT4_BLOCK`` values of a row
(onnxruntime's ``GatherBlockQuantized`` gathers and widens the rows in one
node), and the other kernels as int8: about a sixteenth of the float32 kernel
and its Adagrad accumulator that a ``skbig.save`` file holds.
"""

import numpy as np
from onnx import AttributeProto, TensorProto, helper, numpy_helper

# Constants smaller than this stay float32: vectors cost nothing and keep the
# TF-IDF, the scaling and the biases exact.
_MIN_ELEMENTS = 4096
#: Values of a row that share one int4 scale (a power of two, at least 16).
INT4_BLOCK = 32


def quantized(model, how):
    """``model`` with its large float32 weights stored as ``how`` ("float16",
    "int8" or "int4")."""
    graph = model.graph
    weights = {
        tensor.name: tensor
        for tensor in graph.initializer
        if tensor.data_type == TensorProto.FLOAT
        and len(tensor.dims) == 2  # kernels; the IDF vector stays exact
        and np.prod(tensor.dims) >= _MIN_ELEMENTS
    }
    widening = []  # in the main graph, where onnxruntime folds them at load

    def rewrite(nodes):
        scaling = {}  # gathered int8 rows' name -> their scales, for their MatMul
        kept = []
        for node in nodes:
            if node.op_type == "Gather" and node.input[0] in weights:
                rows, scales = _gathered(graph, weights.pop(node.input[0]), node, how)
                kept.extend(rows)
                if scales is not None:
                    scaling[node.output[0]] = scales
                continue
            if node.op_type == "MatMul" and node.input[1] in scaling:
                scaled = f"{node.input[1]}_scaled_values"
                scales = scaling.pop(node.input[1])
                kept.append(helper.make_node("Mul", [node.input[0], scales], [scaled]))
                node.input[0] = scaled
            if node.op_type == "MatMul" and node.input[1] in weights:
                widening.extend(_widened(graph, weights.pop(node.input[1]), how))
            for attribute in node.attribute:  # a Loop's body reads the weights
                if attribute.type == AttributeProto.GRAPH:
                    body = rewrite(attribute.g.node)
                    del attribute.g.node[:]
                    attribute.g.node.extend(body)
            kept.append(node)
        if scaling:  # int8 rows left unscaled: every graph of skbig's has its MatMul
            raise RuntimeError(f"gathered int8 rows read by no MatMul: {list(scaling)}")
        return kept

    nodes = rewrite(graph.node)
    del graph.node[:]
    graph.node.extend(widening + nodes)
    return model


def _stored(graph, tensor, how, axis):
    """Replace ``tensor`` by its ``how`` encoding; returns the names of the stored
    values and (int8) of the scales along ``axis``, a 1-D vector."""
    values = numpy_helper.to_array(tensor)
    graph.initializer.remove(tensor)
    name = tensor.name
    if how == "float16":
        graph.initializer.append(
            numpy_helper.from_array(values.astype(np.float16), f"{name}_f16")
        )
        return f"{name}_f16", None
    # Symmetric int8, one scale per row (axis=1 reduced) or per column (axis=0).
    scale = np.abs(values).max(axis=axis, keepdims=True) / 127.0
    scale = np.where(scale > 0, scale, 1.0).astype(np.float32)
    codes = np.clip(np.round(values / scale), -127, 127).astype(np.int8)
    graph.initializer.append(numpy_helper.from_array(codes, f"{name}_int8"))
    graph.initializer.append(numpy_helper.from_array(scale.ravel(), f"{name}_scale"))
    return f"{name}_int8", f"{name}_scale"


def _gathered(graph, tensor, node, how):
    """``node`` (a Gather of ``tensor``'s rows) on the stored rows, widened to
    float32 after; returns those nodes and, for int8, the name of the gathered
    rows' scales (one a row), which the caller applies to the values the rows
    are multiplied by."""
    if how == "int4":
        return _gathered_int4(graph, tensor, node), None
    stored, scale = _stored(graph, tensor, how, axis=1)
    out = node.output[0]
    nodes = [
        helper.make_node("Gather", [stored, node.input[1]], [f"{out}_stored"], axis=0),
        helper.make_node("Cast", [f"{out}_stored"], [out], to=TensorProto.FLOAT),
    ]
    if scale is None:
        return nodes, None
    scales = f"{out}_scales"
    nodes.append(helper.make_node("Gather", [scale, node.input[1]], [scales], axis=0))
    return nodes, scales


def _gathered_int4(graph, tensor, node):
    """``node`` as a ``GatherBlockQuantized`` of ``tensor`` stored as int4
    blocks (:func:`int4_blocks`); an odd width is padded with a zero column,
    sliced off the gathered rows."""
    values = numpy_helper.to_array(tensor)
    graph.initializer.remove(tensor)
    width = values.shape[1]
    packed, scales = int4_blocks(values)
    name, out = tensor.name, node.output[0]
    graph.initializer.append(numpy_helper.from_array(packed, f"{name}_int4"))
    graph.initializer.append(numpy_helper.from_array(scales, f"{name}_int4_scale"))
    padded = width % 2 == 1
    nodes = [
        helper.make_node(
            "GatherBlockQuantized",
            [f"{name}_int4", node.input[1], f"{name}_int4_scale"],
            [f"{out}_padded" if padded else out],
            domain="com.microsoft",
            bits=4,
            block_size=INT4_BLOCK,
            gather_axis=0,
            quantize_axis=1,
        )
    ]
    if padded:
        bounds = [f"{out}_{end}" for end in ("start", "end", "axis")]
        for bound, value in zip(bounds, (0, width, 1), strict=True):
            nodes.append(_constant(bound, value))
        nodes.append(helper.make_node("Slice", [f"{out}_padded", *bounds], [out]))
    return nodes


def _constant(name, value):
    array = np.array([value], np.int64)
    return helper.make_node(
        "Constant", [], [name], value=numpy_helper.from_array(array, name)
    )


def int4_blocks(values):
    """``values`` (2-D float32) as onnxruntime's ``GatherBlockQuantized`` reads
    four-bit rows: codes 0-15 standing for ``(code - 8) x scale``, two a byte
    (the first in the low four bits), one float32 scale per ``INT4_BLOCK``
    values of a row (its largest magnitude over 7); an odd width gets a zero
    column. Returns the packed codes and the scales."""
    rows, width = values.shape
    padded = width + width % 2
    blocks = -(-padded // INT4_BLOCK)
    full = np.zeros((rows, blocks * INT4_BLOCK), np.float32)
    full[:, :width] = values
    full = full.reshape(rows, blocks, INT4_BLOCK)
    scales = np.abs(full).max(axis=2) / 7.0
    scales = np.where(scales > 0, scales, 1.0).astype(np.float32)
    codes = np.clip(np.round(full / scales[..., None]), -7, 7) + 8
    codes = codes.astype(np.uint8).reshape(rows, -1)[:, :padded]
    return (codes[:, 0::2] | (codes[:, 1::2] << 4)).astype(np.uint8), scales


def _widened(graph, tensor, how):
    """Nodes that give ``tensor``'s name its float32 value back from storage
    (int8 where the first layer's kernel is int4)."""
    how = "int8" if how == "int4" else how
    stored, scale = _stored(graph, tensor, how, axis=0)
    name = tensor.name
    if scale is None:
        return [helper.make_node("Cast", [stored], [name], to=TensorProto.FLOAT)]
    return [
        helper.make_node("Cast", [stored], [f"{name}_cast"], to=TensorProto.FLOAT),
        helper.make_node("Mul", [f"{name}_cast", scale], [name]),
    ]
