"""What an exported model computes, read off a fitted estimator as plain numbers.

Both export formats (ONNX and SavedModel) build their graphs from the same
:class:`NetworkSpec` (and ``_text_spec``'s :class:`TextSpec`), so the settings
that cannot be reproduced exactly are refused here, once, with an error that
names them.
"""

import dataclasses
from dataclasses import dataclass

import numpy as np
from sklearn.compose import ColumnTransformer
from sklearn.feature_extraction.text import (
    CountVectorizer,
    HashingVectorizer,
    TfidfTransformer,
)
from sklearn.pipeline import FeatureUnion, Pipeline
from sklearn.preprocessing import Normalizer, StandardScaler
from sklearn.utils.validation import check_is_fitted

from .._names import public

# Hidden activations both formats compute exactly (Keras names).
ACTIVATIONS = ("relu", "tanh", "sigmoid", "linear", "elu", "softplus", "gelu", "silu")


@public
class NotExportableError(ValueError):
    """The estimator uses a setting that an exported model could not reproduce."""


@dataclass
class Layer:
    kernel: np.ndarray
    bias: np.ndarray
    activation: str


@dataclass
class NetworkSpec:
    """A fitted MLPClassifier or MLPRegressor, from its input to its outputs."""

    kind: str  # "binary", "multiclass", "multilabel-indicator" or "continuous"
    n_features: int
    mean: np.ndarray | None  # the dense input's standardisation, or None
    scale: np.ndarray | None
    layers: list  # hidden layers, then the output layer (activation "logits")
    classes: np.ndarray | None
    temperature: float | None
    thresholds: np.ndarray | None
    target_mean: np.ndarray | None  # regression: the standardised target's
    target_scale: np.ndarray | None
    flat_target: bool  # predictions of shape (n,) rather than (n, n_outputs)
    # nb_weights' column scales (each row then rescaled to its norm), or None
    feature_weights: np.ndarray | None = None
    # a regressor's linear part (the blend's weights folded in): its coefficients
    # are the first layer's last ``linear_columns`` columns (their bias 0), whose
    # pre-activations skip the rest of the network and are added, with
    # ``linear_intercept``, to its outputs; 0 and None when it has none
    linear_columns: int = 0
    linear_intercept: np.ndarray | None = None
    # a private regressor's public ``dp_target_bounds``, predictions clipped into
    # them: (low, high), one value per output each; None without bounds
    target_bounds: tuple | None = None


@dataclass
class Preprocessing:
    """Numeric steps in front of the network (a scaler, an imputer, ...), which
    the ONNX export hands to skl2onnx's own converters and the SavedModel
    computes itself (``_tf_steps``)."""

    steps: list  # (name, fitted transformer)

    def check_input_is_a_table(self):
        """Refuse, by name, a first step that was fitted on something other than
        numeric columns (a function of the raw text, such as a sentence encoder)."""
        name, first = self.steps[0]
        if not hasattr(first, "n_features_in_"):
            raise NotExportableError(
                f"Step {name!r} ({type(first).__name__}) turns the pipeline's input "
                "into numbers in a way skbig.export cannot reproduce: exported "
                "models compute their features with a CountVectorizer, "
                "TfidfVectorizer or HashingVectorizer (or a union of them), or take "
                "numeric columns."
            )


_TEXT_STEPS = (CountVectorizer, HashingVectorizer, TfidfTransformer)


def split_pipeline(estimator):
    """(vectorizer, numeric :class:`Preprocessing` or None; network estimator) of
    what :func:`skbig.export` takes; a vectorizer followed by a TfidfTransformer
    comes as the pair."""
    if isinstance(estimator, Pipeline):
        named = [
            (name, step)
            for name, step in estimator.steps
            if step not in (None, "passthrough")
        ]
        steps = [step for _, step in named]
        if len(steps) == 3 and isinstance(steps[1], TfidfTransformer):
            return (steps[0], steps[1]), steps[2]
        if isinstance(steps[0], FeatureUnion) and len(steps) in (2, 3):
            if len(steps) == 2:
                return steps[0], steps[1]
            if isinstance(steps[1], Normalizer):
                return (steps[0], steps[1]), steps[2]
        if len(steps) == 1:
            return None, steps[0]
        if len(steps) == 2 and isinstance(steps[0], ColumnTransformer):
            from ._columns import columns_spec

            return columns_spec(steps[0]), steps[1]
        if len(steps) == 2 and isinstance(steps[0], _TEXT_STEPS):
            return steps[0], steps[1]
        if not any(isinstance(step, (*_TEXT_STEPS, FeatureUnion)) for step in steps):
            return Preprocessing(named[:-1]), steps[-1]
        names = [type(step).__name__ for step in steps]
        raise NotExportableError(
            "skbig.export takes a vectorizer (optionally followed by a "
            "TfidfTransformer) or a FeatureUnion of them (optionally followed by a "
            "Normalizer) and an skbig network; numeric steps and a network; a "
            "ColumnTransformer and a network; or the network alone; got steps "
            f"{names}."
        )
    return None, estimator


def network_spec(estimator):
    """The :class:`NetworkSpec` of a fitted skbig MLPClassifier or MLPRegressor."""
    from .._classifier import MLPClassifier
    from .._regressor import MLPRegressor

    if not isinstance(estimator, (MLPClassifier, MLPRegressor)):
        raise NotExportableError(
            "skbig.export exports skbig's MLPClassifier and MLPRegressor (alone or "
            f"behind a vectorizer), not a {type(estimator).__name__}."
        )
    check_is_fitted(estimator, "model_")
    layers = _dense_layers(estimator.model_)
    kind = estimator._target_kind
    expected = {"multiclass": "softmax", "continuous": "linear"}.get(kind, "sigmoid")
    if layers[-1].activation != expected:
        raise NotExportableError(
            f"The network's output activation is {layers[-1].activation!r}; a "
            f"{kind} target is exported from a {expected!r} output."
        )
    check_activations(layers)
    layers[-1].activation = "logits"
    encoder = estimator.feature_encoder_
    mean = scale = None
    if isinstance(encoder, StandardScaler):
        mean = np.zeros(estimator.n_features_in_)
        if encoder.with_mean:
            mean = encoder.mean_
        scale = encoder.scale_ if encoder.with_std else np.ones_like(mean)
        mean, scale = (np.asarray(v, dtype=np.float32) for v in (mean, scale))
    target_mean = target_scale = bounds = None
    if kind == "continuous":
        target_mean = np.asarray(estimator.target_encoder_.mean_, dtype=np.float32)
        target_scale = np.asarray(estimator.target_encoder_.scale_, dtype=np.float32)
        bounds = _target_bounds(estimator.target_encoder_)
    thresholds = getattr(estimator, "thresholds_", None)
    classes = getattr(estimator, "classes_", None)
    if classes is not None:
        classes = np.asarray(classes)
        if classes.dtype.kind == "f" and np.any(classes != np.round(classes)):
            raise NotExportableError(
                "Cannot export class labels that are fractional numbers; use "
                "integer or string labels."
            )
    return NetworkSpec(
        kind=kind,
        n_features=int(estimator.n_features_in_),
        mean=mean,
        scale=scale,
        layers=layers,
        classes=classes,
        temperature=getattr(estimator, "temperature_", None),
        thresholds=None if thresholds is None else np.asarray(thresholds),
        target_mean=target_mean,
        target_scale=target_scale,
        flat_target=getattr(estimator, "y_ndim_", 1) == 1,
        feature_weights=getattr(estimator, "feature_weights_", None),
        target_bounds=bounds,
        **_linear_part(estimator, layers),
    )


def _target_bounds(encoder):
    if getattr(encoder, "bounds", None) is None:
        return None
    return encoder.low_.astype(np.float32), encoder.high_.astype(np.float32)


def _linear_part(estimator, layers):
    """A regressor's linear part as the spec adds it: the blend's weights folded
    into the output layer (which it scales) and the ridge's coefficients, which
    become extra columns of the first layer, so that whatever computes the first
    layer (a sparse TF-IDF row's kernel rows, a folded standardisation) computes
    the linear part with it."""
    coef = getattr(estimator, "linear_coef_", None)
    if coef is None:
        return {}
    weight = estimator.linear_weight_
    output = layers[-1]
    output.kernel = (output.kernel * (1 - weight)).astype(np.float32)
    output.bias = (output.bias * (1 - weight)).astype(np.float32)
    first, k = layers[0], coef.shape[1]
    first.kernel = np.concatenate([first.kernel, coef * weight], axis=1)
    first.kernel = first.kernel.astype(np.float32)
    first.bias = np.concatenate([first.bias, np.zeros(k, np.float32)])
    intercept = np.asarray(estimator.linear_intercept_ * weight, np.float32)
    return {"linear_columns": k, "linear_intercept": intercept}


def folded(text, net):
    """``(text, net)`` with what the network does to the vectorizer's columns
    before its first layer folded into the specs, which compute that layer from
    the document's terms. A standardisation (a classifier that trained the
    vectorizer's output as a table, ``densify_tables``) goes into the first
    layer: ``(x - m) / s @ W + b`` is ``x @ (W / s) + (b - m / s @ W)``. Feature
    weights go into the IDF where that is exact: a row normalised to L2 norm 1,
    scaled by the weights and rescaled to norm 1, is the row normalised after
    multiplying its IDF by them. Otherwise (another norm) they stay on the
    network; without a vectorizer both stay."""
    if text is not None:
        net = standardisation_folded(net)
    if (
        text is None
        or net.feature_weights is None
        or hasattr(text, "parts")  # a TextUnion: the norm is the joined row's
        or text.norm != "l2"
    ):
        return text, net
    weights = np.asarray(net.feature_weights, dtype=np.float32)
    idf = weights if text.idf is None else text.idf * weights
    text = dataclasses.replace(text, idf=idf.astype(np.float32))
    return text, dataclasses.replace(net, feature_weights=None)


def standardisation_folded(net):
    """``net`` with its input's standardisation, if any, folded into the first
    layer: ``(x - m) / s @ W + b`` is ``x @ (W / s) + (b - m / s @ W)``."""
    if net.mean is None:
        return net
    first = net.layers[0]
    scale = np.asarray(net.scale, dtype=np.float64)[:, None]
    kernel = np.asarray(first.kernel, dtype=np.float64) / scale
    bias = first.bias - np.asarray(net.mean, dtype=np.float64) @ kernel
    first = dataclasses.replace(
        first, kernel=kernel.astype(np.float32), bias=bias.astype(np.float32)
    )
    layers = [first, *net.layers[1:]]
    return dataclasses.replace(net, mean=None, scale=None, layers=layers)


def check_activations(layers):
    """Refuse a hidden layer's activation that the formats do not compute."""
    for layer in layers[:-1]:
        if layer.activation not in ACTIVATIONS:
            raise NotExportableError(
                f"Cannot export the hidden activation {layer.activation!r}; "
                f"supported: {', '.join(ACTIVATIONS)}."
            )


def _dense_layers(model):
    """The Dense layers of a network made of Dense and Dropout layers only."""
    import keras

    layers = []
    for layer in model.layers:
        if isinstance(layer, (keras.layers.InputLayer, keras.layers.Dropout)):
            continue
        if not isinstance(layer, keras.layers.Dense):
            raise NotExportableError(
                f"Cannot export the network's {type(layer).__name__} layer "
                f"{layer.name!r}: only Dense and Dropout layers are exported."
            )
        activation = keras.activations.serialize(layer.activation)
        if isinstance(activation, dict):
            activation = activation.get("config", {}).get("name", activation)
        activation = {"swish": "silu"}.get(activation, activation)
        weights = layer.get_weights()
        kernel = np.asarray(weights[0], dtype=np.float32)
        bias = (
            np.asarray(weights[1], dtype=np.float32)
            if layer.use_bias
            else np.zeros(kernel.shape[1], dtype=np.float32)
        )
        layers.append(Layer(kernel, bias, str(activation)))
    if not layers:
        raise NotExportableError("The network has no Dense layer to export.")
    return layers
