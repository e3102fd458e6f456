"""The parameters skbig's estimators take: constraints, routing, unknown names."""

from . import _runtime  # noqa: F401  (starts TensorFlow quietly, before keras)

# isort: split
from numbers import Integral, Real

import keras
from sklearn.utils._param_validation import Interval, StrOptions

#: Prefixes of the routed parameters (scikeras' ``model__``, ``optimizer__``...).
_ROUTES = {"model", "optimizer", "fit", "predict", "loss", "metrics", "callbacks"}
#: Keywords scikeras itself reads from the estimator.
_SCIKERAS_KEYS = {"shuffle", "run_eagerly", "validation_batch_size"}
#: What users of scikit-learn's MLP write, and skbig's name for it.
_EQUIVALENTS = {
    "max_iter": "epochs",
    "solver": "optimizer",
    "learning_rate": "learning_rate_init",
    "momentum": "optimizer__momentum with optimizer='sgd'",
    "beta_1": "optimizer__beta_1",
    "beta_2": "optimizer__beta_2",
    "epsilon": "optimizer__epsilon",
}

COMMON_CONSTRAINTS = {
    "hidden_layer_sizes": ["array-like", Interval(Integral, 1, None, closed="left")],
    "activation": [str],
    "alpha": [Interval(Real, 0, None, closed="left"), StrOptions({"auto"})],
    "dropout": [Interval(Real, 0, 1, closed="left")],
    "learning_rate_init": [
        Interval(Real, 0, None, closed="neither"),
        StrOptions({"auto"}),
    ],
    "batch_size": [Interval(Integral, 1, None, closed="left"), StrOptions({"auto"})],
    "epochs": [Interval(Integral, 1, None, closed="left"), StrOptions({"auto"})],
    "early_stopping": ["boolean", StrOptions({"auto"})],
    "refit": ["boolean"],
    "validation_fraction": [Interval(Real, 0, 1, closed="neither")],
    "n_iter_no_change": [
        Interval(Integral, 1, None, closed="left"),
        StrOptions({"auto"}),
    ],
    "tol": [Interval(Real, 0, None, closed="left")],
    "random_state": ["random_state"],
    "verbose": ["verbose"],
    "warm_start": ["boolean"],
    "optimizer": [str, type, keras.optimizers.Optimizer],
    "dp_epsilon": [Interval(Real, 0, None, closed="neither"), None],
    "dp_delta": [Interval(Real, 0, 1, closed="neither"), None],
    "dp_clip_norm": [Interval(Real, 0, None, closed="neither")],
    "dp_intercept_scaling": [Interval(Real, 0, None, closed="neither")],
}


def refuse_unknown_parameters(estimator):
    """Refuse constructor keywords that are neither routed (``optimizer__*``...)
    nor read by scikeras, naming skbig's equivalent where there is one: scikeras
    would silently ignore ``MLPClassifier(max_iter=200)``."""
    unknown = sorted(
        name
        for name in getattr(estimator, "_user_params", ())
        if name.partition("__")[0] not in _ROUTES and name not in _SCIKERAS_KEYS
    )
    if unknown:
        named = [
            f"{n} (scikit-learn's MLP name; skbig: {_EQUIVALENTS[n]})"
            if n in _EQUIVALENTS
            else n
            for n in unknown
        ]
        raise TypeError(
            f"{type(estimator).__name__} got unknown parameters: {', '.join(named)}."
            " Parameters for the optimizer, Keras' fit or a model function "
            "take a prefix: optimizer__*, fit__*, model__*."
        )


def routed(params, destination):
    """``destination__name`` parameters, without the prefix (one level only)."""
    prefix = destination + "__"
    return {
        key[len(prefix) :]: value
        for key, value in params.items()
        if key.startswith(prefix) and "__" not in key[len(prefix) :]
    }


def as_sizes(hidden_layer_sizes):
    """``hidden_layer_sizes`` as a tuple of positive ints (``()``: no hidden layer)."""
    if isinstance(hidden_layer_sizes, Integral):
        hidden_layer_sizes = (hidden_layer_sizes,)
    sizes = tuple(int(units) for units in hidden_layer_sizes)
    if any(units < 1 for units in sizes):
        raise ValueError(
            f"hidden_layer_sizes must hold positive numbers of units, got "
            f"{hidden_layer_sizes!r}"
        )
    return sizes


def check_label_smoothing(estimator):
    """``label_smoothing`` applies to skbig's own network with its default loss."""
    if estimator.label_smoothing and (
        estimator.model is not None or estimator.loss is not None
    ):
        raise ValueError(
            f"label_smoothing={estimator.label_smoothing} applies to skbig's own "
            "network with its default loss; smooth the labels in your own loss "
            "instead."
        )
