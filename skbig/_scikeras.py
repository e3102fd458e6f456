"""The one seam between skbig and scikeras.

skbig's estimators are scikeras' ``KerasClassifier`` and ``KerasRegressor``: scikeras
runs ``fit`` (initialise, validate, encode the target, build the network, train) and
``predict``, and calls its own private methods on the way. This is the only module
of skbig that overrides those methods or reads scikeras' private state; each hook
below hands over to a method of skbig's base estimator (``skbig._base``), with what
that method needs as explicit arguments. ``tests/test_scikeras.py`` checks that every
hook still exists in scikeras and that no other module of skbig names one.

It also mends what current scikit-learn needs from scikeras 0.13, its last release:

* ``KerasClassifier`` lists ``ClassifierMixin`` after ``BaseEstimator``, so
  ``BaseEstimator.__sklearn_tags__`` wins and ``is_classifier`` is False:
  cross-validation then stops stratifying. The same holds for ``KerasRegressor``
  and ``is_regressor``.
* Its ``_validate_data`` turns CSR input into ``lil_matrix`` (a per-row Python list
  copy of the whole matrix); skbig validates the current scikit-learn way instead.
* Its ``_validate_sample_weight`` indexes with ``X[mask, ...]``, which sparse
  matrices reject.
* Its seeding leaves TensorFlow's op determinism switched on for the whole process
  after the first seeded fit; skbig seeds its own network without global state
  (``skbig._runtime.seeded``).
* Its label encoder folds a multi-label indicator matrix whose rows each hold one
  label into "one-hot multi-class", so a multi-label model would predict with
  ``argmax``.
"""

from . import _runtime  # noqa: F401  (starts TensorFlow quietly, before keras)

# isort: split
import contextlib

import keras
import numpy as np
from scikeras.utils.transformers import (
    ClassifierLabelEncoder as _ClassifierLabelEncoder,
)
from scikeras.utils.transformers import (
    RegressorTargetEncoder as _RegressorTargetEncoder,
)
from scikeras.wrappers import BaseWrapper as _BaseWrapper
from scikeras.wrappers import KerasClassifier as _KerasClassifier
from scikeras.wrappers import KerasRegressor as _KerasRegressor
from sklearn.base import BaseEstimator
from sklearn.utils import ClassifierTags, RegressorTags
from sklearn.utils.validation import _check_sample_weight

from ._privacy import TARGET_REACH, target_bounds
from ._runtime import seeded

__all__ = ["HOOKS", "KerasClassifier", "KerasRegressor"]

#: The private scikeras members this module overrides or reads, and why. Nothing
#: else in skbig may name them (tests/test_scikeras.py).
HOOKS = {
    "_initialize": "note that a new network is built (not a warm start)",
    "_validate_data": "skbig validates once, the scikit-learn way (_check_data)",
    "_validate_sample_weight": "drop zero weights without indexing sparse X by mask",
    "_build_keras_model": "skbig builds its own network (_build_network)",
    "_fit_keras_model": "the stopping rule and the refit (_train_network)",
    "_predict_raw": "batched prediction on the network (_predict_outputs)",
    "_initialize_callbacks": "rebuild the callback parameters for every fit",
    "_fit_callbacks": "the callbacks built from the callbacks parameters",
    "_predict_callbacks": "the same, for predict",
    "_random_state": "the integer seed scikeras draws from random_state",
    "_target_type": "the target type the label encoder settled on",
    "_y_dtype": "the target's dtype, set when a loaded encoder is rebuilt",
    "_get_compile_kwargs": "skbig builds a user network's optimizer (_make_optimizer)",
}


class _Unused:
    """Stands for the optimizer while scikeras reads the compile arguments, taking
    the ``optimizer__*`` parameters it routes; skbig builds the real one."""

    def __init__(self, *args, **kwargs):
        pass


class ClassifierLabelEncoder(_ClassifierLabelEncoder):
    """scikeras' label encoder that keeps multi-label targets multi-label."""

    def fit(self, y):
        super().fit(y)
        if self._target_type == "multiclass-onehot":
            self._target_type = "multilabel-indicator"
        return self


class StandardizedTargetEncoder(_RegressorTargetEncoder):
    """scikeras' regression target encoder, standardising each output.

    The network learns ``(y - mean_) / scale_`` and predictions are mapped back, so
    a target in the hundreds (scikit-learn's diabetes data) trains at the same
    learning rate as one near 1. With public ``bounds`` (a private fit's
    ``dp_target_bounds``) the mean and scale come from them, never from ``y``;
    targets are clipped into them (``low_``, ``high_``: one value per output) and
    so are predictions.
    """

    bounds = None  # encoders pickled before bounds existed (format-1 files)

    def __init__(self, standardize=True, bounds=None):
        super().__init__()
        self.standardize = standardize
        self.bounds = bounds

    def fit(self, y):
        super().fit(y)
        values = np.asarray(y, dtype=np.float64).reshape(len(y), -1)
        if self.bounds is not None:
            low, high = target_bounds(self.bounds, values.shape[1])
            self.low_, self.high_ = low.copy(), high.copy()
            self.mean_ = (low + high) / 2
            self.scale_ = (high - low) / (2 * TARGET_REACH)
            return self
        self.mean_ = values.mean(axis=0) if self.standardize else 0 * values[0]
        scale = values.std(axis=0) if self.standardize else 1 + 0 * values[0]
        self.scale_ = np.where(scale > 0, scale, 1.0)
        return self

    def transform(self, y):
        y = super().transform(y)
        values = self._clipped(np.asarray(y, dtype=np.float64).reshape(len(y), -1))
        return ((values - self.mean_) / self.scale_).reshape(y.shape)

    def inverse_transform(self, y):
        values = np.asarray(y, dtype=np.float64).reshape(len(y), -1)
        values = self._clipped(values * self.scale_ + self.mean_)
        return super().inverse_transform(values)

    def _clipped(self, values):
        if self.bounds is None:
            return values
        return np.clip(values, self.low_, self.high_)


_LIVE_CALLBACKS = ("_fit_callbacks", "_predict_callbacks")
_PREDICT_HOOKS = (
    "on_predict_begin",
    "on_predict_end",
    "on_predict_batch_begin",
    "on_predict_batch_end",
)


def _flat(callbacks):
    """scikeras' callbacks: a list of callbacks or of lists of them."""
    for callback in callbacks:
        yield from (callback if isinstance(callback, list) else [callback])


def _hears_predict(callback):
    """Whether ``callback`` overrides one of Keras' predict hooks."""
    base = keras.callbacks.Callback
    return any(
        getattr(type(callback), hook, None) is not getattr(base, hook)
        for hook in _PREDICT_HOOKS
    )


class _Seam:
    """The hooks scikeras calls, handed over to skbig's base estimator."""

    # scikeras prints every parameter on its own tab-indented line.
    __repr__ = BaseEstimator.__repr__

    # scikeras reads these attributes; skbig does not expose them as parameters, and
    # class attributes keep them out of ``get_params``.
    build_fn = None
    validation_split = 0.0
    validation_batch_size = None
    shuffle = True
    run_eagerly = False

    # ------------------------------------------------------------ scikeras hooks
    def _initialize(self, X, y=None):
        self._scikeras_new_network = True  # not a warm start of an existing one
        return super()._initialize(X, y)

    def _validate_data(self, X=None, y=None, reset=False, y_numeric=False):
        return self._check_data(X, y, reset=reset)

    @staticmethod
    def _validate_sample_weight(X, y, sample_weight):
        sample_weight = _check_sample_weight(
            sample_weight, X, dtype=np.float32, ensure_non_negative=True
        )
        if not np.any(sample_weight):
            raise ValueError(
                "sample_weight is zero for every sample: there is nothing to fit."
            )
        keep = sample_weight != 0
        return X[keep], y[keep], sample_weight[keep]

    def _build_keras_model(self):
        seed = self._random_state
        if self.model is None:
            return self._build_network(seed)
        # The user's own network: scikeras builds (and later compiles) it, seeded
        # through skbig's context rather than scikeras' leaky one.
        self._random_state = None
        try:
            with seeded(seed, user_model=True):
                return super()._build_keras_model()
        finally:
            self._random_state = seed

    def _get_compile_kwargs(self):
        # The user's uncompiled network: scikeras resolves the optimizer with
        # Keras alone, which knows none of skbig's names ("sparse_adagrad", the
        # default) and ignores learning_rate_init; skbig builds it as for its own.
        optimizer, self.optimizer = self.optimizer, _Unused
        try:
            kwargs = super()._get_compile_kwargs()
        finally:
            self.optimizer = optimizer
        return {**kwargs, "optimizer": self._make_optimizer()}

    def _fit_keras_model(
        self, X, y, sample_weight, warm_start, epochs, initial_epoch, **kwargs
    ):
        self._train_network(
            X,
            y,
            sample_weight,
            epochs=epochs,
            initial_epoch=initial_epoch,
            partial=vars(self).pop("_scikeras_partial", False),
            new_network=vars(self).pop("_scikeras_new_network", False),
            seed=self._random_state,
            callbacks=self._fresh_fit_callbacks,
            keras_args=kwargs,
        )

    def _predict_raw(self, X, **kwargs):
        # Unfitted, there are none (and _predict_outputs says it is not fitted).
        # scikeras hands ``callbacks`` to predict as well as fit; those with no
        # predict hook of their own would only force Keras' predict loop, 0.1-0.4
        # s a call instead of milliseconds (a learning-curve callback scoring 5
        # documents after each of 400 epochs: 160 s of a 175 s fit).
        callbacks = [
            callback
            for callback in _flat(getattr(self, "_predict_callbacks", None) or [])
            if _hears_predict(callback)
        ]
        return self._predict_outputs(X, callbacks=callbacks or None, **kwargs)

    def _outputs(self, X):
        """The network's outputs for ``X``, as scikeras' ``predict`` gets them."""
        return self._predict_raw(X)

    @property
    def feature_encoder(self):
        return self._feature_transformer()

    # ------------------------------------------------------- what skbig reads
    def _fresh_fit_callbacks(self):
        """The ``callbacks`` parameters as callbacks, rebuilt for every training run
        (scikeras built them only with a new network, so ``set_params`` would not
        reach a warm start)."""
        self._initialize_callbacks()
        return list(self._fit_callbacks)

    @property
    def _target_kind(self):
        """ "binary", "multiclass", "multilabel-indicator", "continuous", ..."""
        return getattr(self.target_encoder_, "_target_type", "continuous")

    # ------------------------------------------------------------------ state
    # The live callback lists are rebuilt from the ``callbacks`` parameters on
    # loading: they may hold Keras objects (and through them the whole pipeline).
    # The target encoder, a scikeras object, is stored as plain numbers and
    # rebuilt, so that files name no scikeras type (format-1 files hold the
    # object itself, which is kept as it is).
    def __getstate__(self):
        state = super().__getstate__()
        state = {k: v for k, v in state.items() if k not in _LIVE_CALLBACKS}
        encoder = state.get("target_encoder_")
        if encoder is not None and not isinstance(encoder, dict):
            state["target_encoder_"] = self._encoder_state(encoder)
        return state

    def __setstate__(self, state):
        super().__setstate__(state)
        encoder = state.get("target_encoder_")
        if isinstance(encoder, dict):
            self.target_encoder_ = self._rebuilt_encoder(encoder)
        if "model_" in state:
            self._initialize_callbacks()

    def _fitted_encoder(self, y):
        """``target_encoder`` fitted on ``y``, remembering the real target's dtype."""
        encoder = self.target_encoder.fit(y)
        encoder._y_dtype = self.y_dtype_
        return encoder

    @contextlib.contextmanager
    def _partial_call(self):
        """Tell ``_fit_keras_model`` that this fit is one ``partial_fit`` epoch."""
        self._scikeras_partial = True
        try:
            yield
        finally:
            vars(self).pop("_scikeras_partial", None)


def _tags(tags, kind):
    tags.estimator_type = kind
    classifier = kind == "classifier"
    tags.classifier_tags = ClassifierTags(multi_label=True) if classifier else None
    tags.regressor_tags = RegressorTags() if kind == "regressor" else None
    tags.target_tags.required = True
    tags.target_tags.multi_output = True
    tags.input_tags.sparse = True
    return tags


class KerasClassifier(_Seam, _KerasClassifier):
    """scikeras' ``KerasClassifier`` behind skbig's seam, tagged "classifier"."""

    _estimator_type = "classifier"

    @property
    def target_encoder(self):
        categories = "auto" if self.classes_ is None else [self.classes_]
        return ClassifierLabelEncoder(loss=self.loss, categories=categories)

    @staticmethod
    def _encoder_state(encoder):
        return {"target_type": encoder._target_type}

    def _rebuilt_encoder(self, state):
        # The encoder was fitted on labels from classes_; fitting it on classes_
        # (or, multi-label, one row per label) gives the same encoder again.
        kind = state["target_type"]
        classes = np.asarray(self.classes_)
        if kind == "multilabel-indicator":
            y = np.eye(len(classes), dtype=self.y_dtype_)
        else:
            y = classes.reshape(-1, 1) if self.y_ndim_ == 2 else classes
        encoder = self._fitted_encoder(y)
        encoder._target_type = kind
        return encoder

    def _probabilities(self, raw):
        """Class probabilities from the network's outputs, in ``classes_`` order."""
        return self.target_encoder_.inverse_transform(raw, return_proba=True)

    def fit(self, X, y, sample_weight=None):
        if not (self.warm_start and self.initialized_):
            self.classes_ = None  # scikeras also cleared it on warm starts
        # Not KerasClassifier.fit: it multiplies class weights into the caller's
        # sample_weight array in place (skbig weighs classes itself).
        _BaseWrapper.fit(self, X, y, sample_weight=sample_weight)
        return self

    def partial_fit(self, X, y, classes=None, sample_weight=None):
        if classes is not None:
            self.classes_ = np.asarray(classes)
        elif not hasattr(self, "classes_"):
            self.classes_ = None
        with self._partial_call():
            _BaseWrapper.partial_fit(self, X, y, sample_weight=sample_weight)
        return self

    def __sklearn_tags__(self):
        return _tags(super().__sklearn_tags__(), "classifier")


class KerasRegressor(_Seam, _KerasRegressor):
    """scikeras' ``KerasRegressor`` behind skbig's seam, tagged "regressor"."""

    _estimator_type = "regressor"

    @property
    def target_encoder(self):
        # A private fit learns no statistics of the targets outside its guarantee.
        private = self.dp_epsilon is not None
        bounds = self.dp_target_bounds if private else None
        return StandardizedTargetEncoder(standardize=not private, bounds=bounds)

    def partial_fit(self, X, y, sample_weight=None):
        with self._partial_call():
            _BaseWrapper.partial_fit(self, X, y, sample_weight=sample_weight)
        return self

    @staticmethod
    def _encoder_state(encoder):
        return {"mean": encoder.mean_, "scale": encoder.scale_}

    def _rebuilt_encoder(self, state):
        shape = (2, self.n_outputs_) if self.y_ndim_ == 2 else (2,)
        encoder = self._fitted_encoder(np.zeros(shape))
        encoder.mean_, encoder.scale_ = state["mean"], state["scale"]
        return encoder

    def __sklearn_tags__(self):
        return _tags(super().__sklearn_tags__(), "regressor")
