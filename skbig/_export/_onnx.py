"""ONNX export: the pipeline as one skl2onnx operator, from raw text to outputs.

skl2onnx builds the graph (opsets, names, the ONNX model) from converters handed
to one ``convert_sklearn`` call, so skl2onnx's own registry is left as it was.
skbig converts the vectorizer and the network together: a ``Loop`` over the
input computes each document's first layer on its own (its TF-IDF is its terms
and their values, and the first layer reads only the kernel rows of those terms,
so a document costs its own length, not the vocabulary's; ``_onnx_text.py``),
and the rest of the network runs once on the batch's rows. (skl2onnx's own text
converter would also differ from scikit-learn: it tokenises ASCII
``[a-zA-Z0-9_]+`` and computes sublinear tf as ``log(1 + tf)``.)
"""

import numpy as np
from onnx import TensorProto, helper
from skl2onnx import convert_sklearn
from skl2onnx.common.data_types import (
    FloatTensorType,
    Int64TensorType,
    StringTensorType,
)
from sklearn.pipeline import Pipeline

from ._columns import Columns, column_rows
from ._onnx_columns import Conversion, named_as_columns
from ._onnx_text import (
    DOMAIN_VERSIONS,
    Nodes,
    document_first_layer,
    per_document,
    rescaled,
)
from ._spec import NotExportableError, Preprocessing, folded, network_spec
from ._text_spec import text_spec

OPSET = 20  # StringConcat (n-grams); onnxruntime >= 1.17


class _TextNetwork:
    """A vectorizer and the network after it, converted as one operator that
    scores each document on its own (``_documents``)."""

    def __init__(self, text, network):
        self.text, self.network = text, network


def to_onnx(vectorizer, network):
    """The ONNX model (``onnx.ModelProto``) of ``[vectorizer ->] network``."""
    # Both specs first: a refusal names the setting before any graph is built.
    net = network_spec(network)
    text = first_layer = None
    extra = {}, {}, {}  # skl2onnx's converters, shapes and parsers of other parts
    if isinstance(vectorizer, Columns):
        conversion = Conversion(vectorizer, network, net)
        model, initial, net = conversion.model, conversion.initial, conversion.net
        extra = conversion.converters, conversion.shapes, conversion.parsers
        first_layer = conversion.first_layer
    elif vectorizer is None or isinstance(vectorizer, Preprocessing):
        model = network
        width = net.n_features
        if vectorizer is not None:  # skl2onnx converts the steps, skbig the network
            model = Pipeline([*vectorizer.steps, ("network", network)])
            width = vectorizer.steps[0][1].n_features_in_
        initial = [("X", FloatTensorType([None, width]))]
    else:
        text, net = folded(text_spec(vectorizer), net)
        model = _TextNetwork(text, net)
        initial = [("text", StringTensorType([None]))]

    def convert(scope, operator, container):
        nodes = Nodes(scope, container)
        x = operator.inputs[0].full_name
        outputs = [o.full_name for o in operator.outputs]
        if first_layer is not None:
            _network_nodes(nodes, net, first_layer(nodes, x), outputs, computed=1)
        elif text is None:
            _network_nodes(nodes, net, x, outputs)
        else:
            _documents(nodes, text, net, x, outputs)

    def shape(operator):
        rows = operator.inputs[0].get_first_dimension()
        for output in operator.outputs:
            output.type.shape = [rows, *output.type.shape[1:]]

    def parse(scope, model, inputs, custom_parsers=None):
        operator = scope.declare_local_operator("SkbigNetwork", model)
        operator.inputs = inputs
        for name, kind in _outputs(net):
            operator.outputs.append(scope.declare_local_variable(name, kind))
        return operator.outputs

    own = type(network) if text is None else type(model)
    converters, shapes, parsers = extra
    try:
        onnx_model = convert_sklearn(
            model,
            name="skbig",
            initial_types=initial,
            target_opset={"": OPSET, "ai.onnx.ml": 3},
            custom_conversion_functions={own: convert, **converters},
            custom_shape_calculators={own: shape, **shapes},
            custom_parsers={own: parse, **parsers},
        )
    except (RuntimeError, NotImplementedError, TypeError, ValueError) as error:
        if isinstance(vectorizer, Columns):
            names = [type(part.transformer).__name__ for part in vectorizer.parts]
            what = f"the ColumnTransformer's parts {names}"
        elif isinstance(vectorizer, Preprocessing):
            names = [type(step).__name__ for _, step in vectorizer.steps]
            what = f"the steps {names} in front of the network"
        else:
            raise
        raise NotExportableError(
            f"skl2onnx could not convert {what}: {' '.join(str(error).split())[:300]}"
        ) from error
    if isinstance(vectorizer, Columns):
        named_as_columns(onnx_model.graph, vectorizer)
    # skl2onnx imports the domains and versions its own nodes need, not those
    # of the body's (StringConcat needs opset 20).
    needed = {"": OPSET, **DOMAIN_VERSIONS}
    for opset in onnx_model.opset_import:
        opset.version = max(opset.version, needed.pop(opset.domain, 0))
    for domain, version in needed.items():
        onnx_model.opset_import.append(helper.make_opsetid(domain, version))
    return onnx_model


def _documents(nodes, text, net, x, outputs):
    """``outputs`` of the strings ``x`` ``[N]``: a ``Loop`` whose body computes
    one document's first layer, then the rest of the network on the ``[N,
    units]`` rows at once. Batching the TF-IDF gains nothing here (each document
    costs its own terms), and one at a time, a batch needs no more memory than
    its longest document (a batched graph summing rows through prefix sums held
    every term's units in float64: 1.1 GB for 256 documents). Only the first
    layer is in the body: a node costs onnxruntime about a microsecond a run
    whatever its size, and a node in the body runs once a document. A ``Loop``,
    not a ``Scan``: onnxruntime's Scan fails on an empty batch, and an ``If``
    around it would nest the body one level deeper, which costs a copy of the
    vocabulary (7 MB for 56,000 terms)."""
    units = net.layers[0].kernel.shape[1]

    def first_layer(body, one, output):
        document_first_layer(body, text, net, one, output)

    rows = per_document(nodes, x, units, first_layer)
    _network_nodes(nodes, net, rows, outputs, computed=1)


def _outputs(spec):
    """(name, type) of the network's graph outputs."""
    if spec.kind == "continuous":
        width = spec.layers[-1].kernel.shape[1]
        shape = [None] if spec.flat_target else [None, width]
        return [("prediction", FloatTensorType(shape))]
    n_classes = len(spec.classes)
    if spec.kind == "multilabel-indicator":
        label = Int64TensorType([None, n_classes])
    elif spec.classes.dtype.kind in "OUS":
        label = StringTensorType([None])
    else:
        label = Int64TensorType([None])
    return [("label", label), ("probabilities", FloatTensorType([None, n_classes]))]


_ACTIVATION_OPS = {
    "relu": "Relu",
    "tanh": "Tanh",
    "sigmoid": "Sigmoid",
    "elu": "Elu",
    "softplus": "Softplus",
}


def _activation(nodes, name, x):
    if name == "linear":
        return x
    if name in _ACTIVATION_OPS:
        return nodes(_ACTIVATION_OPS[name], x)
    if name == "silu":
        return nodes("Mul", x, nodes("Sigmoid", x))
    # gelu, exact (Keras' default): x * (1 + erf(x / sqrt 2)) / 2
    erf = nodes("Erf", nodes("Mul", x, nodes.const([np.sqrt(0.5)])))
    half = nodes("Mul", x, nodes.const([0.5]))
    return nodes("Mul", half, nodes("Add", erf, nodes.const([1.0])))


def _linear_split(nodes, spec, x):
    """The first layer's pre-activation and the linear part's columns, which the
    spec appended to it."""
    units = spec.layers[0].kernel.shape[1] - spec.linear_columns
    ends = [
        nodes.const([units], np.int64),
        nodes.const([units + spec.linear_columns], np.int64),
    ]
    axis = nodes.const([1], np.int64)
    first = nodes("Slice", x, nodes.const([0], np.int64), ends[0], axis)
    return first, nodes("Slice", x, ends[0], ends[1], axis)


def _network_nodes(nodes, spec, x, outputs, computed=0):
    """Features ``[N, F]`` to the estimator's outputs (``outputs``' names); with
    ``computed=1``, ``x`` is already the first layer's pre-activation."""
    if spec.mean is not None and not computed:
        x = nodes(
            "Div", nodes("Sub", x, nodes.const(spec.mean)), nodes.const(spec.scale)
        )
    if spec.feature_weights is not None and not computed:
        x = rescaled(nodes, x, spec.feature_weights, axis=1)
    linear = None
    for i, layer in enumerate(spec.layers):
        if i >= computed:
            kernel, bias = nodes.const(layer.kernel), nodes.const(layer.bias)
            x = nodes("Add", nodes("MatMul", x, kernel), bias)
        if i == 0 and spec.linear_columns:  # a regressor's linear part
            x, linear = _linear_split(nodes, spec, x)
        if layer.activation != "logits":
            x = _activation(nodes, layer.activation, x)
    if linear is not None:
        x = nodes("Add", x, nodes("Add", linear, nodes.const(spec.linear_intercept)))
    if spec.kind == "continuous":
        y = nodes(
            "Add",
            nodes("Mul", x, nodes.const(spec.target_scale)),
            nodes.const(spec.target_mean),
        )
        if spec.target_bounds is not None:  # predictions clipped into them
            low, high = (nodes.const(b) for b in spec.target_bounds)
            y = nodes("Min", nodes("Max", y, low), high)
        if spec.flat_target:
            y = nodes("Reshape", y, nodes.const([-1], np.int64))
        nodes.identity(y, outputs[0])
        return
    temperature = spec.temperature if spec.temperature not in (None, 1.0) else None
    if spec.kind == "multiclass":
        if temperature is None:
            proba = nodes("Softmax", x, axis=1)
        else:
            # As predict_proba: softmax(log(clip(p, 1e-12, 1)) / T), from log p.
            log_p = nodes("LogSoftmax", x, axis=1)
            log_p = nodes("Max", log_p, nodes.const([np.log(1e-12)]))
            log_p = nodes("Mul", log_p, nodes.const([1.0 / temperature]))
            proba = nodes("Softmax", log_p, axis=1)
    else:
        if temperature is not None:
            # logit(clip(p, 1e-12, 1 - 1e-12)) / T, on the logits themselves
            bound = float(np.log(1e12))
            x = nodes("Clip", x, nodes.const(-bound), nodes.const(bound))
            x = nodes("Div", x, nodes.const([temperature]))
        proba = nodes("Sigmoid", x)
        if spec.kind == "binary":
            proba = nodes(
                "Concat", nodes("Sub", nodes.const([1.0]), proba), proba, axis=1
            )
    if spec.kind == "multilabel-indicator":
        if spec.thresholds is None:
            on = nodes("Greater", proba, nodes.const([0.5]))
        else:
            on = nodes("GreaterOrEqual", proba, nodes.const(spec.thresholds))
        label = nodes("Cast", on, to=TensorProto.INT64)
    else:
        index = nodes("ArgMax", proba, axis=1, keepdims=0)
        classes = spec.classes
        if classes.dtype.kind not in "OUS":
            classes = classes.astype(np.int64)
        label = nodes("Gather", nodes.const(classes, classes.dtype), index, axis=0)
    nodes.identity(label, outputs[0])
    nodes.identity(proba, outputs[1])


class Exported:
    """An ONNX model ready to be checked and written."""

    def __init__(self, model, columns=None):
        self.data = model.SerializeToString()
        self.columns = columns  # a ColumnTransformer's Columns: one input a column

    def run(self, inputs):
        import onnxruntime

        session = onnxruntime.InferenceSession(
            self.data, providers=["CPUExecutionProvider"]
        )
        if self.columns is not None:
            feeds = column_rows(self.columns, inputs)
        else:
            name = session.get_inputs()[0].name
            dtype = object if name == "text" else np.float32
            feeds = {name: np.asarray(inputs, dtype=dtype)}
        names = [output.name for output in session.get_outputs()]
        return dict(zip(names, session.run(None, feeds), strict=True))

    def write(self, path):
        from .._files import write_atomically

        write_atomically(path, self.data)

    @staticmethod
    def size(path):
        import os

        return os.path.getsize(path)


def build(vectorizer, network, quantize=None, metadata=None):
    """The :class:`Exported` ONNX model of ``[vectorizer ->] network``, with
    ``metadata`` (str to str) in its ``metadata_props``."""
    model = to_onnx(vectorizer, network)
    if quantize is not None:
        from ._quantize import quantized

        model = quantized(model, quantize)
    model.producer_name = "skbig"
    for key, value in (metadata or {}).items():
        model.metadata_props.add(key=key, value=value)
    return Exported(model, vectorizer if isinstance(vectorizer, Columns) else None)
