"""MLPClassifier: the Keras MLP as a scikit-learn classifier."""

from numbers import Real

from sklearn.utils._param_validation import Interval, StrOptions

from . import _labels, _metrics
from ._attributes import MLPAttributes
from ._base import _MLPMixin
from ._calibration import CalibratedOutputs, learn_from_held_out
from ._names import public
from ._network.losses import classifier_output
from ._params import COMMON_CONSTRAINTS, check_label_smoothing
from ._scikeras import KerasClassifier
from ._validation import given_for_fit


@public
class MLPClassifier(_MLPMixin, MLPAttributes, CalibratedOutputs, KerasClassifier):
    """Multi-layer perceptron classifier trained with Keras.

    A scikit-learn classifier (through scikeras) whose network is an MLP: sparse or
    dense input, ``len(hidden_layer_sizes)`` hidden layers each followed by dropout,
    a softmax (multi-class) or sigmoid (binary, multi-label) output. Sparse input such
    as TF-IDF stays sparse: the first layer reads only the rows of a batch's terms.
    Names follow :class:`sklearn.neural_network.MLPClassifier` where concepts agree.

    Parameters
    ----------
    hidden_layer_sizes : int or tuple of int, default=(512,)
        Units of each hidden layer.
    activation : str, default="relu"
        Hidden-layer activation: any Keras activation name, or scikit-learn's
        ``"identity"``, ``"logistic"``, ``"tanh"``, ``"relu"``.
    alpha : float or "auto", default="auto"
        L2 penalty, ``alpha / 2 * ||W||²`` on a batch's mean loss (scikit-learn's
        MLP divides its alpha by the batch size: its ``a`` is ``a / batch_size``
        here). "auto": ``3 / n_samples`` on dense input, 0 on sparse input (where
        a penalty rewrites the whole first layer at each step), partial_fit and DP.
    dropout : float, default=0.5
        Dropout rate after each hidden layer.
    optimizer : str, keras Optimizer class or instance, default="sparse_adagrad"
        Keras optimizer, built with ``learning_rate_init`` and any ``optimizer__*``
        parameters (an instance is copied from its config). ``"sparse_adagrad"`` is
        :class:`SparseAdagrad`: Adagrad at ``optimizer__adagrad_scale`` (7) times the
        learning rate on a sparse first layer (one fused pass over the rows of a
        batch's terms) and Adam elsewhere; ``"lazy_adam"`` is :class:`LazyAdam`
        (Adam on those rows only), ``"adam"`` Keras' dense Adam.
    learning_rate_init : float or "auto", default=3e-3
        Initial learning rate of the optimizer ("auto": see "Training privately").
    batch_size : int or "auto", default="auto"
        Samples per gradient step; "auto" is 128, or a tenth of the training data
        when that is smaller (at least 16).
    epochs : int or "auto", default="auto"
        Most passes over the training data; "auto" allows about 5,000 update
        steps (at least 20 epochs), far more than early stopping usually uses.
    early_stopping : bool or "auto", default="auto"
        Hold out ``validation_fraction`` of the training data (shuffled and
        stratified) and stop when its log-loss (weighted as in training) has not
        fallen by 1 % of max(itself, 0.1) (or ``tol``) for ``n_iter_no_change``
        epochs, keeping the weights of the epoch with the lowest (multi-label: the
        best subset accuracy). "auto" does so whenever there are at least 20 samples.
    refit : bool, default=True
        After early stopping has found the best number of epochs, train a new
        network on *all* the training data for that many epochs (skbig's own
        network only; a user ``model`` keeps the best held-out weights).
    validation_fraction : float, default=0.1
        Share of the training data held out for early stopping.
    n_iter_no_change : int or "auto", default="auto"
        Epochs without improvement before training stops; "auto" is about 1,000
        update steps in a ``fit`` on dense input (a table's held-out loss can
        pause and fall again) and about 100 on sparse input, at least 2 epochs.
        Without early stopping the training loss is monitored instead.
    tol : float, default=1e-4
        Smallest improvement of the monitored loss or score that counts.
    class_weight : dict, "auto", "balanced", "balanced_sqrt" or None, default="auto"
        Weights of the classes, multiplied into ``sample_weight``. "balanced_sqrt"
        is the square root of scikit-learn's "balanced" weights: rare classes count
        more without the whole decision moving to them. "auto" is "balanced_sqrt"
        on text (sparse input) and None on tables and in private fits. Ignored for
        multi-label targets.
    nb_weights : bool, default=True
        On sparse input (TF-IDF), scale each term's column by naive Bayes' log-count
        ratio and each row back to its norm, learned from the rows each run trains
        on (user guide, "Which terms count"; a column non-zero in every row is a
        number: weight 1; :func:`skbig.fit_stream` counts them from its stored
        rows). Not for dense input, ``partial_fit`` or DP.
    densify_tables : bool, default=True
        Train sparse input whose rows (90 % of 200 or more) hold equally many
        non-zeros, as a one-hot table's do, as dense input (user guide, "Tables in a
        sparse matrix"). Not for ``partial_fit`` or DP; False trains all as text.
    label_smoothing : float in [0, 1), default=0.0
        Train the default cross-entropy against targets smoothed towards uniform:
        ``(1 - label_smoothing) * onehot + label_smoothing / n_classes`` (binary and
        multi-label: each label towards 0.5). It can raise accuracy, but
        ``predict_proba`` then stays away from 0 and 1 (higher log-loss).
    temperature : "auto" or None, default="auto"
        With early stopping on single-label targets, "auto" fits one temperature
        ``T`` on the held-out part (the one with the least log-loss) and
        ``predict_proba`` returns ``softmax(log p / T)``: the same predictions,
        probabilities that say how often they are right. None keeps the network's
        own. Not applied to a user ``model``/``loss`` or with ``label_smoothing``.
    dp_epsilon : float or None, default=None
        Train with differential privacy (DP-SGD) to this epsilon: Poisson-sampled
        batches, each example's gradient clipped to ``dp_clip_norm``, calibrated
        Gaussian noise (the ``privacy`` extra; user guide, "Training privately").
    dp_delta : float or None, default=None
        The guarantee's delta; None is ``1 / (10 * n_samples)``.
    dp_clip_norm, dp_intercept_scaling : float, default=1.0
        In a private fit, the largest norm of one example's gradient, and the constant
        input each bias is a weight on (liblinear's ``intercept_scaling``).
    random_state : int, RandomState instance or None, default=None
        Seeds weight initialisation, dropout, shuffling and the validation split
        (the same value, the same model) without touching the global generators,
        except around a user ``model``'s build and fit, as scikeras did.
    verbose : int, default=0
        0 prints nothing; 1 Keras' progress bar; 2 one line per epoch.
    warm_start : bool, default=False
        Keep the fitted network and train it further on the next ``fit``.
    model : None, keras.Model or callable, default=None
        Your own network or a function that builds it (scikeras' ``model``); None
        builds the MLP described above.
    loss : str, keras Loss or None, default=None
        Loss to train with; None picks cross-entropy to match the target.
    metrics : list or None, default=None
        Extra Keras metrics to track in ``history_``.
    callbacks : list of keras callbacks or None, default=None
        Extra Keras callbacks for ``fit``.
    **kwargs
        Routed parameters, as in scikeras: ``model__*`` go to a user ``model``
        function, ``optimizer__*`` to the optimizer, ``fit__*`` / ``predict__*`` to
        Keras' ``fit`` / ``predict``.

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        Class labels (for multi-label targets, the column indices).
    n_features_in_ : int
        Number of features seen during fit.
    feature_names_in_ : ndarray of shape (``n_features_in_``,)
        Names of the features, when ``X`` had string column names.
    model_ : keras.Model
        The fitted network.
    history_ : dict of lists
        Per-epoch ``loss`` (and ``val_loss``, ``val_score`` with early stopping).
    n_iter_ : int
        Epochs the kept network was trained (after a refit, the refit's).
    loss_curve_ : list of float
        Training loss per epoch of the kept network.
    loss_, best_loss_ : float, float or None
        The kept network's last training loss, and its lowest (None with early
        stopping, as in scikit-learn's MLP).
    coefs_, intercepts_ : list of ndarray
        Each layer's weights and biases, input side first, as scikit-learn's MLP
        gives them (skbig's own network; the first layer's act on the features as
        the network sees them, after ``feature_encoder_`` and ``feature_weights_``).
    n_layers_, out_activation_ : int, str
        Layers, input and output included; the output's activation, "softmax" or
        "logistic" (binary, multi-label).
    validation_scores_, best_validation_score_ : list of float, float or None
        With early stopping, the held-out accuracy of each epoch and of the best.
    best_epoch_ : int or None
        The epoch with the lowest held-out loss, with early stopping.
    epsilon_, delta_ : float
        After a private fit: its (epsilon, delta) guarantee, from dp-accounting's
        PLD accountant (RDP above epsilon 100; ``training_plan_["accountant"]``).
    noise_multiplier_, sampling_rate_, steps_ : float, float, int
        After a private fit: what the guarantee is computed from.
    training_plan_ : dict
        What "auto" became (``batch_size``, ``epochs``, ``patience``, ``n_validation``,
        ``early_stopping``, ``refit``), ``n_validation_copies``, ``validation_given``.
    alpha_ : float
        The L2 penalty of the network's kernels (``alpha``, resolved).
    temperature_ : float or None
        The fitted temperature (see ``temperature``), or None.
    thresholds_ : ndarray of shape (n_labels,) or None
        Multi-label targets with early stopping: each label's decision threshold on
        ``predict_proba``, chosen on the held-out part to maximise that label's F1
        (or micro-F1, for labels with fewer than 3 held-out positives).
    feature_weights_ : ndarray of shape (``n_features_in_``,) or None
        The weights of ``nb_weights`` (terms: mean square 1; numbers: 1), or None.
    feature_encoder_ : transformer
        A :class:`~sklearn.preprocessing.StandardScaler` for tables, or a pass-through.

    See Also
    --------
    MLPRegressor : The same network for regression.
    make_text_classifier : TF-IDF followed by this classifier, as a Pipeline.
    sklearn.neural_network.MLPClassifier : scikit-learn's NumPy MLP.

    Examples
    --------
    >>> from sklearn.datasets import make_classification
    >>> from skbig import MLPClassifier
    >>> X, y = make_classification(n_samples=200, random_state=0)
    >>> clf = MLPClassifier((32,), n_iter_no_change=10, random_state=0)  # quick stop
    >>> clf.fit(X, y).score(X, y) > 0.9
    True
    >>> clf.predict_proba(X[:2]).shape
    (2, 2)
    """

    _ADDED_PARAMS = {**_MLPMixin._ADDED_PARAMS, "nb_weights": False}
    _ADDED_PARAMS["densify_tables"] = False

    _parameter_constraints = {
        **COMMON_CONSTRAINTS,
        "class_weight": [dict, StrOptions({"auto", "balanced", "balanced_sqrt"}), None],
        "nb_weights": ["boolean"],
        "densify_tables": ["boolean"],
        "label_smoothing": [Interval(Real, 0, 1, closed="left")],
        "temperature": [StrOptions({"auto"}), None],
    }

    def __init__(
        self,
        hidden_layer_sizes=(512,),
        activation="relu",
        *,
        alpha="auto",
        dropout=0.5,
        optimizer="sparse_adagrad",
        learning_rate_init=3e-3,
        batch_size="auto",
        epochs="auto",
        early_stopping="auto",
        refit=True,
        validation_fraction=0.1,
        n_iter_no_change="auto",
        tol=1e-4,
        class_weight="auto",
        nb_weights=True,
        densify_tables=True,
        label_smoothing=0.0,
        temperature="auto",
        dp_epsilon=None,
        dp_delta=None,
        dp_clip_norm=1.0,
        dp_intercept_scaling=1.0,
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
        self.class_weight = class_weight
        self.nb_weights = nb_weights
        self.densify_tables = densify_tables
        self.label_smoothing = label_smoothing
        self.temperature = temperature
        self.dp_epsilon = dp_epsilon
        self.dp_delta = dp_delta
        self.dp_clip_norm = dp_clip_norm
        self.dp_intercept_scaling = dp_intercept_scaling
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
            Training data. Sparse input (CSR) stays sparse.
        y : array-like of shape (n_samples,) or (n_samples, n_labels)
            Class labels (strings or integers), or a multi-label indicator matrix.
        sample_weight : array-like of shape (n_samples,), default=None
            Per-sample weights.
        X_val, y_val, sample_weight_val : array-like, default=None
            Held-out samples, labels and weights to stop on and fit the temperature
            on instead of a held-out part of ``X`` (the network then trains on all
            of ``X``), as scikit-learn's gradient boosting takes them;
            ``early_stopping`` must be "auto" or True.

        Returns
        -------
        self : MLPClassifier
        """
        y = _labels.readable_targets(y)
        val = (X_val, y_val, sample_weight_val)
        with self._fitting(self.warm_start, X), given_for_fit(self, X, y, *val):
            weights = _labels.weighted_for(self, X, y, sample_weight)
            super().fit(X, y, sample_weight=weights)
            self._class_counts = _labels.fit_counts(y, self)
        self._warn_after_fit()
        return self

    def partial_fit(self, X, y, classes=None, sample_weight=None):
        """Train for one epoch on ``X`` and ``y``, keeping the network.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            A batch of training data.
        y : array-like of shape (n_samples,) or (n_samples, n_labels)
            Its labels.
        classes : array-like of shape (n_classes,), default=None
            Every class that will ever be seen; needed on the first call when this
            batch does not hold all of them. "balanced" class weights come from
            the counts of every batch so far (and of the fit before them).
        sample_weight : array-like of shape (n_samples,), default=None
            Per-sample weights.

        Returns
        -------
        self : MLPClassifier
        """
        y = _labels.readable_targets(y, fitted_ndim=getattr(self, "y_ndim_", 1))
        with self._fitting(continues=True, X=X):
            seen = _labels.running_counts(y, classes, self)
            self._class_counts = seen[1]
            weights = _labels.weighted_for(self, X, y, sample_weight, seen=seen)
            return super().partial_fit(X, y, classes=classes, sample_weight=weights)

    # ------------------------------------------------------------------ helpers
    def _check_params(self):
        super()._check_params()
        check_label_smoothing(self)

    def _output_spec(self):
        kind, smoothing = self._target_kind, self.label_smoothing
        return classifier_output(kind, self.n_classes_, smoothing)

    def _check_data(self, X=None, y=None, reset=False):
        if y is not None:
            _labels.check_label_types(y)
        X, y = super()._check_data(X, y, reset=reset)
        if reset and y is not None:
            _labels.check_fit_targets(y, self.classes_)
        return X, y

    def _learn_from_validation(self, raw, y_val, features=None):
        learn_from_held_out(self, raw, y_val, features)

    def _own_probabilities(self):
        """Whether the outputs are the own network's plain, unsmoothed probabilities."""
        return self.model is None and self.loss is None and not self.label_smoothing

    def _stratify_labels(self, y):
        if y is None:  # streamed rows (skbig.fit_stream) hold out their own
            return None
        return y.ravel() if y.ndim == 1 or y.shape[1] == 1 else None

    _validation_score = staticmethod(_metrics.validation_score)
    _validation_loss = staticmethod(_metrics.validation_loss)
