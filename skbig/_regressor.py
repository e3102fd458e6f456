"""MLPRegressor: the Keras MLP as a scikit-learn regressor."""

import numpy as np
from sklearn.utils._param_validation import StrOptions

from . import _metrics
from ._attributes import MLPAttributes
from ._base import _MLPMixin
from ._names import public
from ._params import COMMON_CONSTRAINTS
from ._scikeras import KerasRegressor
from ._validation import given_for_fit


@public
class MLPRegressor(_MLPMixin, MLPAttributes, KerasRegressor):
    """Multi-layer perceptron regressor trained with Keras.

    The network of :class:`MLPClassifier` with a linear output and squared-error loss,
    for single- and multi-output regression on dense or sparse input (risk scores,
    ratings, any tabular target). Parameter names follow
    :class:`sklearn.neural_network.MLPRegressor` where the concept is the same.

    Parameters
    ----------
    hidden_layer_sizes : int or tuple of int, default=(256,)
        Units of each hidden layer.
    activation : str, default="relu"
        Hidden-layer activation: any Keras activation name, or scikit-learn's
        ``"identity"``, ``"logistic"``, ``"tanh"``, ``"relu"``.
    alpha : float or "auto", default="auto"
        Strength of the L2 penalty on the kernels (``alpha / 2 * ||W||²`` on a
        batch's mean loss; scikit-learn's MLP divides its alpha by the batch size:
        its ``a`` is ``a / batch_size`` here). ``"auto"``: ``3 / n_samples`` on
        dense input, a prior that matters on small tables and fades on large ones;
        none on sparse input, on a ``partial_fit`` stream or in a private fit.
    dropout : float, default=0.0
        Dropout rate after each hidden layer.
    optimizer : str, keras Optimizer class or instance, default="lazy_adam"
        Keras optimizer, built with ``learning_rate_init`` and ``optimizer__*``;
        ``"lazy_adam"`` is :class:`LazyAdam` (Adam with row-sparse updates);
        ``"sparse_adagrad"`` (:class:`SparseAdagrad`, the classifier's default, whose
        first-layer rate was chosen on classification corpora) is faster.
    learning_rate_init : float or "auto", default=1e-3
        Initial learning rate ("auto": see "Training privately").
    batch_size : int or "auto", default="auto"
        Samples per gradient step; "auto" is 128, or a tenth of the training data
        when that is smaller (at least 16).
    epochs : int or "auto", default="auto"
        Maximum number of passes over the training data; "auto" allows about
        5,000 update steps (at least 20 epochs).
    early_stopping : bool or "auto", default="auto"
        Hold out ``validation_fraction`` of the training data and stop when its R²
        has not improved by ``tol`` (nor, at equal R², its squared error, weighted
        by ``sample_weight``, by 1 %) for ``n_iter_no_change`` epochs, keeping the
        best epoch's weights. "auto" does so whenever there are at least 20
        samples.
    refit : bool, default=True
        After early stopping has found the best number of epochs, train a new
        network on all the training data for that many epochs.
    validation_fraction : float, default=0.1
        Share of the training data held out for early stopping.
    n_iter_no_change : int or "auto", default="auto"
        Epochs without improvement before training stops; "auto" is about 1,000
        update steps in a ``fit`` on dense input (a table's held-out R² can pause
        on a plateau and rise again) and about 100 on sparse input, at least 2
        epochs.
        Without early stopping the training loss is monitored instead.
    tol : float, default=1e-4
        Smallest improvement of the monitored quantity that counts.
    linear_part : bool or "auto", default="auto"
        Also fit a ridge regression of the standardised targets on the input
        (standardised when dense), and predict ``(1 - w) * network + w * ridge``
        with the weight ``w`` in [0, 1] that fits the held-out part best: near 1
        on a linear target, near 0 on a non-linear one. Its penalty is chosen by
        leave-one-out cross-validation on dense input and on sparse input of up
        to 1,500 rows, by three-fold cross-validation on more. "auto": for a
        single target on sparse input (text), in a ``fit`` with a held-out part;
        never on dense input, on a one-hot encoded table in a sparse matrix (200+
        rows, 90 % of them with the same number of non-zeros), for several
        targets (the sparse solver costs a solve per target), on a
        ``partial_fit`` stream or in a private fit. True: on any input, whatever
        the cost.
        A warm start keeps the fitted part. On text regression corpora set aside
        to check it, it raised R² on every one; on tables set aside, not on
        average, hence "auto" (``benchmarks/README.md``).
    dp_epsilon : float or None, default=None
        Train with differential privacy (DP-SGD) to this epsilon: Poisson-sampled
        batches, each example's gradient clipped to ``dp_clip_norm``, calibrated
        Gaussian noise (the ``privacy`` extra; user guide, "Training privately").
    dp_delta : float or None, default=None
        The guarantee's delta; None is ``1 / (10 * n_samples)``.
    dp_clip_norm, dp_intercept_scaling : float, default=1.0
        In a private fit, the largest norm of one example's gradient, and the constant
        input each bias is a weight on (liblinear's ``intercept_scaling``).
    dp_target_bounds : (low, high) or None, default=None
        A private fit's bounds on the targets, from public knowledge (a rating
        scale, the years a record covers), never from the data: each a number,
        or one per target. The network then trains on the targets clipped into
        them and mapped to [-8, 8], and predictions are clipped into them. None:
        a private fit trains on the targets as they are, which suits targets of
        about unit size near 0 (standardising them would take their mean and
        spread from the private data). Ignored outside a private fit.
    random_state : int, RandomState instance or None, default=None
        Seeds weight initialisation, dropout, shuffling and the validation split
        (the same value, the same model) without touching the global generators,
        except around a user ``model``'s build and fit, as scikeras did.
    verbose : int, default=0
        0 prints nothing; 1 shows Keras' progress bar; 2 one line per epoch.
    warm_start : bool, default=False
        Keep the fitted network and continue training it on the next ``fit``.
    model : None, keras.Model or callable, default=None
        Your own network, or a function that builds it (see scikeras' ``model``).
    loss : str, keras Loss or None, default=None
        Loss to train with; None means mean squared error.
    metrics : list or None, default=None
        Extra Keras metrics to track in ``history_``.
    callbacks : list of keras callbacks or None, default=None
        Extra Keras callbacks for ``fit``.
    **kwargs
        Routed parameters (``model__*``, ``optimizer__*``, ``fit__*``,
        ``predict__*``), as in scikeras.

    Attributes
    ----------
    n_features_in_ : int
        Number of features seen during fit.
    feature_names_in_ : ndarray of shape (``n_features_in_``,)
        Names of the features, when ``X`` had string column names.
    n_outputs_ : int
        Number of targets.
    model_ : keras.Model
        The fitted network.
    history_ : dict of lists
        Per-epoch ``loss`` (and ``val_loss``, ``val_score`` with early stopping).
    n_iter_ : int
        Number of epochs the kept network was trained (after a refit, the
        refit's).
    loss_curve_ : list of float
        Training loss per epoch of the kept network (standardised targets).
    loss_, best_loss_ : float, float or None
        The kept network's last training loss, and its lowest (None with early
        stopping, as in scikit-learn's MLP).
    coefs_, intercepts_ : list of ndarray
        Each layer's weights and biases, input side first, as scikit-learn's MLP
        gives them (skbig's own network, on the features after
        ``feature_encoder_`` and on standardised targets; the linear part is
        ``linear_coef_``).
    n_layers_, out_activation_ : int, str
        Layers, input and output included; the output's activation, "identity".
    validation_scores_ : list of float or None
        Validation R² per epoch with early stopping (of the network alone), else
        None.
    best_validation_score_ : float or None
        Best validation R² with early stopping, else None.
    best_epoch_ : int or None
        The epoch with the best held-out score, with early stopping.
    epsilon_, delta_ : float
        After a private fit: its (epsilon, delta) guarantee, from dp-accounting's
        PLD accountant (RDP above epsilon 100; ``training_plan_["accountant"]``).
    noise_multiplier_, sampling_rate_, steps_ : float, float, int
        After a private fit: what the guarantee is computed from.
    training_plan_ : dict
        What the last fit resolved the "auto" parameters to, and
        ``n_validation_copies``, the held-out rows left unjudged as copies of
        training rows (sparse input; user guide, "How long skbig trains"), and
        ``validation_given``, whether the fit stopped on ``X_val``.
    alpha_ : float
        The L2 penalty of the network's kernels (``alpha``, resolved).
    linear_coef_, linear_intercept_ : ndarray or None
        The linear part's ridge (``linear_part``) on the standardised features
        and targets, of shapes (``n_features_in_``, ``n_outputs_``) and
        (``n_outputs_``,); None when the fit has none.
    linear_alpha_, linear_weight_ : float or None
        The ridge's penalty, chosen by cross-validation, and its weight in the
        blend with the network, chosen on the held-out part.
    feature_encoder_, target_encoder_ : transformers
        Dense features and the targets are standardised for the network (a
        :class:`~sklearn.preprocessing.StandardScaler` and per-output mean and
        scale); predictions are mapped back to the targets' units.

    See Also
    --------
    MLPClassifier : The same network for classification.
    sklearn.neural_network.MLPRegressor : scikit-learn's NumPy MLP.

    Examples
    --------
    >>> from sklearn.datasets import make_regression
    >>> from skbig import MLPRegressor
    >>> X, y = make_regression(n_samples=200, n_features=5, noise=1, random_state=0)
    >>> reg = MLPRegressor(hidden_layer_sizes=(32,), learning_rate_init=0.05,
    ...                    n_iter_no_change=10, random_state=0)  # a quick stop
    >>> reg.fit(X, y).score(X, y) > 0.9
    True
    """

    _parameter_constraints = {
        **COMMON_CONSTRAINTS,
        "linear_part": ["boolean", StrOptions({"auto"})],
        "dp_target_bounds": ["array-like", None],
    }
    _ADDED_PARAMS = {
        **_MLPMixin._ADDED_PARAMS,
        "linear_part": False,
        "dp_target_bounds": None,
    }

    def __init__(
        self,
        hidden_layer_sizes=(256,),
        activation="relu",
        *,
        alpha="auto",
        dropout=0.0,
        optimizer="lazy_adam",
        learning_rate_init=1e-3,
        batch_size="auto",
        epochs="auto",
        early_stopping="auto",
        refit=True,
        validation_fraction=0.1,
        n_iter_no_change="auto",
        tol=1e-4,
        linear_part="auto",
        dp_epsilon=None,
        dp_delta=None,
        dp_clip_norm=1.0,
        dp_intercept_scaling=1.0,
        dp_target_bounds=None,
        random_state=None,
        verbose=0,
        warm_start=False,
        model=None,
        loss=None,
        metrics=None,
        callbacks=None,
        **kwargs,
    ):
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.alpha = alpha
        self.dropout = dropout
        self.optimizer = optimizer
        self.learning_rate_init = learning_rate_init
        self.batch_size = batch_size
        self.epochs = epochs
        self.early_stopping = early_stopping
        self.refit = refit
        self.validation_fraction = validation_fraction
        self.n_iter_no_change = n_iter_no_change
        self.tol = tol
        self.linear_part = linear_part
        self.dp_epsilon = dp_epsilon
        self.dp_delta = dp_delta
        self.dp_clip_norm = dp_clip_norm
        self.dp_intercept_scaling = dp_intercept_scaling
        self.dp_target_bounds = dp_target_bounds
        self.random_state = random_state
        self.verbose = verbose
        self.warm_start = warm_start
        self.model = model
        self.loss = loss
        self.metrics = metrics
        self.callbacks = callbacks
        vars(self).update(kwargs)
        if kwargs:
            self._user_params = set(kwargs)

    def fit(
        self, X, y, sample_weight=None, *, X_val=None, y_val=None,
        sample_weight_val=None,
    ):  # fmt: skip
        """Fit the network to ``X`` and ``y``.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            Targets.
        sample_weight : array-like of shape (n_samples,), default=None
            Per-sample weights.
        X_val, y_val, sample_weight_val : array-like, default=None
            Held-out samples, their targets and weights to stop on instead of a
            held-out part of ``X`` (the network then trains on all of ``X`` at
            once), as scikit-learn's gradient boosting takes them;
            ``early_stopping`` must be "auto" or True.

        Returns
        -------
        self : MLPRegressor
            The fitted regressor.
        """
        val = (X_val, y_val, sample_weight_val)
        with self._fitting(self.warm_start, X), given_for_fit(self, X, y, *val):
            super().fit(X, y, sample_weight=sample_weight)
        self._warn_after_fit()
        return self

    def partial_fit(self, X, y, sample_weight=None):
        """Train for one epoch on ``X`` and ``y``, keeping the network.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            A batch of training data.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            Its targets.
        sample_weight : array-like of shape (n_samples,), default=None
            Per-sample weights.

        Returns
        -------
        self : MLPRegressor
            The updated regressor.
        """
        with self._fitting(continues=True, X=X):
            return super().partial_fit(X, y, sample_weight=sample_weight)

    def predict(self, X):
        """Predict targets.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Samples.

        Returns
        -------
        y : ndarray of shape (n_samples,) or (n_samples, n_outputs)
            Predictions.
        """
        return np.asarray(super().predict(X), dtype=np.float64)

    _numeric_target = True

    def _output_spec(self):
        return self.n_outputs_, "linear", "mean_squared_error"

    @staticmethod
    def _validation_score(y, raw, kind=None):
        return _metrics.r2_score(y, raw.reshape(len(raw), -1))

    @staticmethod
    def _validation_loss(y, raw, kind=None, sample_weight=None):
        return _metrics.mse(y, raw.reshape(len(raw), -1), sample_weight)
