"""Fitted attributes under the names scikit-learn's MLP gives them.

Code written for :class:`sklearn.neural_network.MLPClassifier` reads ``coefs_``,
``intercepts_``, ``n_layers_``, ``out_activation_``, ``loss_`` and ``best_loss_``.
skbig keeps the network in ``model_`` and its losses in ``loss_curve_``; these
properties read them from there, so nothing is stored twice and a saved model
needs nothing new to answer them.
"""

from ._network.build import dense_layers

#: Keras' names of the output activations, as scikit-learn's MLP names them.
_SKLEARN_ACTIVATION = {
    "softmax": "softmax", "sigmoid": "logistic", "linear": "identity",
}  # fmt: skip


def _layers(estimator, name):
    """The Dense layers of skbig's own network, input side first."""
    if getattr(estimator, "model", None) is not None:
        raise AttributeError(
            f"{name} describes skbig's own MLP; a user model's weights are "
            "model_.get_weights()"
        )
    model = getattr(estimator, "model_", None)
    if model is None:
        raise AttributeError(f"{name}: {type(estimator).__name__} is not fitted yet")
    return dense_layers(model)[0]


class MLPAttributes:
    """``coefs_``, ``intercepts_``, ``n_layers_``, ``out_activation_``, ``loss_``
    and ``best_loss_``, as scikit-learn's MLP has them (estimator docstrings)."""

    @property
    def coefs_(self):
        return [layer.kernel.numpy() for layer in _layers(self, "coefs_")]

    @property
    def intercepts_(self):
        return [layer.bias.numpy() for layer in _layers(self, "intercepts_")]

    @property
    def n_layers_(self):
        return len(_layers(self, "n_layers_")) + 1

    @property
    def out_activation_(self):
        name = _layers(self, "out_activation_")[-1].activation.__name__
        return _SKLEARN_ACTIVATION.get(name, name)

    @property
    def loss_(self):
        return float(self.loss_curve_[-1])

    @property
    def best_loss_(self):
        # scikit-learn's is None when a held-out score decided when to stop.
        if getattr(self, "validation_scores_", None) is not None:
            return None
        return float(min(self.loss_curve_))
