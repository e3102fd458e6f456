"""Numeric steps in front of the network as TensorFlow operations (the SavedModel).

ONNX hands such steps to skl2onnx's converters; a SavedModel computes them itself.
Each of the fitted transformers below is a few operations on the rows, written
here from its fitted attributes; any other step is refused by name.
"""

from .. import _runtime  # noqa: F401  (starts TensorFlow quietly)

# isort: split
import numpy as np
import tensorflow as tf
from sklearn.decomposition import PCA, TruncatedSVD
from sklearn.impute import SimpleImputer
from sklearn.preprocessing import (
    FunctionTransformer,
    MaxAbsScaler,
    MinMaxScaler,
    Normalizer,
    PolynomialFeatures,
    RobustScaler,
    StandardScaler,
)

from ._spec import NotExportableError


def _constant(values):
    return tf.constant(np.asarray(values, dtype=np.float32))


def _shifted_and_scaled(center, scale):
    def apply(x):
        if center is not None:
            x = x - _constant(center)
        if scale is not None:
            x = x / _constant(scale)
        return x

    return apply


def _standard(step):
    return _shifted_and_scaled(
        step.mean_ if step.with_mean else None, step.scale_ if step.with_std else None
    )


def _robust(step):
    return _shifted_and_scaled(step.center_, step.scale_)


def _max_abs(step):
    return _shifted_and_scaled(None, step.scale_)


def _min_max(step):
    def apply(x):
        x = x * _constant(step.scale_) + _constant(step.min_)
        if step.clip:
            x = tf.clip_by_value(x, *map(float, step.feature_range))
        return x

    return apply


def _imputer(step):
    if step.add_indicator:
        raise NotExportableError(
            "Cannot export a SimpleImputer(add_indicator=True) to a SavedModel."
        )
    missing = step.missing_values
    if not (isinstance(missing, float) and np.isnan(missing)):
        raise NotExportableError(
            f"Cannot export a SimpleImputer(missing_values={missing!r}) to a "
            "SavedModel: it fills NaN."
        )
    statistics = np.asarray(step.statistics_, dtype=np.float64)
    # columns with no value in training are dropped, unless kept (as 0)
    kept = np.flatnonzero(~np.isnan(statistics))

    def apply(x):
        if len(kept) < x.shape[1]:
            x = tf.gather(x, kept, axis=1)
        return tf.where(tf.math.is_nan(x), _constant(statistics[kept]), x)

    return apply


def _normalizer(step):
    def apply(x):
        if step.norm == "l2":
            norms = tf.sqrt(tf.reduce_sum(x * x, axis=1, keepdims=True))
        elif step.norm == "l1":
            norms = tf.reduce_sum(tf.abs(x), axis=1, keepdims=True)
        else:
            norms = tf.reduce_max(tf.abs(x), axis=1, keepdims=True)
        return x / tf.where(norms == 0, tf.ones_like(norms), norms)

    return apply


def _projection(step):
    mean = getattr(step, "mean_", None)
    components = np.asarray(step.components_, dtype=np.float64).T
    if getattr(step, "whiten", False):
        components = components / np.sqrt(step.explained_variance_)

    def apply(x):
        if mean is not None:
            x = x - _constant(mean)
        return tf.matmul(x, _constant(components))

    return apply


def _polynomial(step):
    powers = step.powers_  # [outputs, inputs]

    def apply(x):
        return tf.reduce_prod(tf.pow(x[:, None, :], _constant(powers)), axis=2)

    return apply


def _identity(step):
    if step.func is not None:
        raise NotExportableError(
            "Cannot export a FunctionTransformer of a function to a SavedModel; "
            "export to ONNX or leave the function out."
        )
    return lambda x: x


_STEPS = {
    StandardScaler: _standard,
    RobustScaler: _robust,
    MaxAbsScaler: _max_abs,
    MinMaxScaler: _min_max,
    SimpleImputer: _imputer,
    Normalizer: _normalizer,
    PCA: _projection,
    TruncatedSVD: _projection,
    PolynomialFeatures: _polynomial,
    FunctionTransformer: _identity,
}


def steps_function(steps):
    """A function of the raw rows (float32 ``[N, inputs]``) that computes the
    fitted ``steps`` ((name, transformer) pairs) in turn."""
    functions = []
    for _, step in steps:
        make = _STEPS.get(type(step))
        if make is None:
            names = ", ".join(kind.__name__ for kind in _STEPS)
            raise NotExportableError(
                f"A SavedModel computes these steps in front of the network: "
                f"{names}; not a {type(step).__name__}. Export to ONNX, where "
                "skl2onnx converts more."
            )
        functions.append(make(step))

    def apply(x):
        for function in functions:
            x = function(x)
        return x

    return apply
