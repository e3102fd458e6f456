"""The one seam between skbig and scikeras.

scikeras 0.13 is the last release and predates scikit-learn's tag API. Everything that
current scikit-learn needs from it is mended here, and only here:

* ``KerasClassifier`` lists ``ClassifierMixin`` after ``BaseEstimator``, so
  ``BaseEstimator.__sklearn_tags__`` wins and ``is_classifier`` is False:
  cross-validation then stops stratifying. The same holds for ``KerasRegressor``
  and ``is_regressor``.
* Its ``_validate_data`` turns CSR input into ``lil_matrix`` (a per-row Python list
  copy of the whole matrix) and keeps float64; we keep CSR, use float32 and let
  scikit-learn's ``validate_data`` set ``n_features_in_`` / ``feature_names_in_``
  and word the errors.
* Its ``tensorflow_random_state`` context leaves TensorFlow's op determinism switched
  on for the whole process after the first seeded fit (it compares the previous state
  with ``is False``), and unseeded random ops then fail everywhere else. Ours restores
  it, and switches it on only where there is a GPU (see the function).
* Its label encoder folds a multi-label indicator matrix whose rows each hold one label
  into "one-hot multi-class", so a multi-label model would predict with ``argmax``.

No other skbig module imports scikeras.
"""

import contextlib
import os
import random

import numpy as np
import scipy.sparse as sp
import tensorflow as tf
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
from sklearn.utils.class_weight import compute_sample_weight
from sklearn.utils.validation import _check_sample_weight, validate_data

# TensorFlow has no public getter for op determinism, nor a public way to turn it off.
from tensorflow.python.framework import config as _tf_config

__all__ = [
    "ClassifierLabelEncoder",
    "KerasClassifier",
    "KerasRegressor",
    "StandardizedTargetEncoder",
    "tensorflow_random_state",
]


@contextlib.contextmanager
def tensorflow_random_state(seed):
    """Seed Python, NumPy and TensorFlow, then restore.

    Where TensorFlow sees a GPU, ops are also made deterministic for the duration
    (scatters and segment sums there accumulate with atomics). On CPU the kernels
    are deterministic already: 20 Newsgroups trained to bit-identical weights with
    and without op determinism, which cost 0.3 s of a 2.1 s epoch, so it stays off.
    """
    python_state = random.getstate()
    numpy_state = np.random.get_state()  # noqa: NPY002 (legacy global RNG)
    env = os.environ.get("TF_DETERMINISTIC_OPS")
    was_deterministic = bool(_tf_config.is_op_determinism_enabled())
    deterministic = bool(tf.config.list_physical_devices("GPU"))
    try:
        if deterministic:
            os.environ["TF_DETERMINISTIC_OPS"] = "1"
            _tf_config.enable_op_determinism()
        random.seed(seed)
        np.random.seed(seed)  # noqa: NPY002
        tf.random.set_seed(seed)
        yield
    finally:
        if deterministic and not was_deterministic:
            _tf_config.disable_op_determinism()
        if env is None:
            os.environ.pop("TF_DETERMINISTIC_OPS", None)
        else:
            os.environ["TF_DETERMINISTIC_OPS"] = env
        random.setstate(python_state)
        np.random.set_state(numpy_state)  # noqa: NPY002
        tf.random.set_seed(None)


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
    learning rate as one near 1.
    """

    def fit(self, y):
        super().fit(y)
        values = np.asarray(y, dtype=np.float64).reshape(len(y), -1)
        self.mean_ = values.mean(axis=0)
        scale = values.std(axis=0)
        self.scale_ = np.where(scale > 0, scale, 1.0)
        return self

    def transform(self, y):
        y = super().transform(y)
        values = np.asarray(y, dtype=np.float64).reshape(len(y), -1)
        return ((values - self.mean_) / self.scale_).reshape(y.shape)

    def inverse_transform(self, y):
        values = np.asarray(y, dtype=np.float64).reshape(len(y), -1)
        return super().inverse_transform(values * self.scale_ + self.mean_)


class _ScikitLearnValidation:
    """Input validation and repr done the current scikit-learn way."""

    # scikeras prints every parameter on its own tab-indented line.
    __repr__ = BaseEstimator.__repr__

    # scikeras reads these attributes; skbig does not expose them as parameters, and
    # class attributes keep them out of ``get_params``.
    build_fn = None
    validation_split = 0.0
    validation_batch_size = None
    shuffle = True
    run_eagerly = False

    def _validate_data(self, X=None, y=None, reset=False, y_numeric=False):
        if X is not None:
            kwargs = dict(
                accept_sparse=("csr", "csc", "coo"),
                dtype=np.float32,
                reset=reset,
            )
            if y is not None or reset:
                # With y=None at fit time scikit-learn raises its "requires y" error.
                X, y = validate_data(
                    self, X, y, multi_output=True, y_numeric=y_numeric, **kwargs
                )
            else:
                X = validate_data(self, X, **kwargs)
            if reset:
                # scikeras' metadata, read by users' build functions (``meta``).
                self.X_shape_ = X.shape
                self.X_dtype_ = X.dtype
            if sp.issparse(X):
                # Keras turns each batch into a tf.SparseTensor, which wants
                # canonical (sorted, duplicate-free) CSR; never edit the caller's.
                X = sp.csr_matrix(X)
                if not X.has_canonical_format:
                    X = X.copy()
                    X.sum_duplicates()
        if y is not None:
            y = np.asarray(y)
            if y_numeric and y.dtype.kind in "OUS":
                y = y.astype(np.float64)
            if reset:
                self.target_type_ = self._type_of_target(y)
                self.y_dtype_ = y.dtype
                self.y_ndim_ = y.ndim
            elif y.ndim != self.y_ndim_:
                raise ValueError(
                    f"y has {y.ndim} dimensions, but this {type(self).__name__} was "
                    f"fitted with {self.y_ndim_}-dimensional y."
                )
        return X, y

    @staticmethod
    def _validate_sample_weight(X, y, sample_weight):
        # scikeras indexes with ``X[mask, ...]``, which sparse matrices reject.
        sample_weight = _check_sample_weight(sample_weight, X, dtype=np.float32)
        if not np.any(sample_weight):
            raise ValueError(
                "sample_weight is zero for every sample: there is nothing to fit."
            )
        keep = sample_weight != 0
        return X[keep], y[keep], sample_weight[keep]


class KerasClassifier(_ScikitLearnValidation, _KerasClassifier):
    """scikeras' ``KerasClassifier`` with scikit-learn tags that say "classifier"."""

    _estimator_type = "classifier"

    @property
    def target_encoder(self):
        categories = "auto" if self.classes_ is None else [self.classes_]
        return ClassifierLabelEncoder(loss=self.loss, categories=categories)

    def _class_weighted(self, y, sample_weight):
        # scikeras multiplies the caller's sample_weight array in place.
        if self.class_weight is None:
            return sample_weight
        if y is None:
            return sample_weight  # validation then says that y is required
        y = np.asarray(y)
        if self.class_weight == "balanced_sqrt":
            if y.ndim == 2 and y.shape[1] > 1:
                return sample_weight  # multi-label: each label is its own output
            weights = np.sqrt(compute_sample_weight("balanced", y))
        else:
            weights = compute_sample_weight(self.class_weight, y)
        if sample_weight is None:
            return weights
        return np.asarray(sample_weight, dtype=np.float64) * weights

    def fit(self, X, y, sample_weight=None, **kwargs):
        if not (self.warm_start and self.initialized_):
            self.classes_ = None  # scikeras also cleared it on warm starts
        sample_weight = self._class_weighted(y, sample_weight)
        _BaseWrapper.fit(self, X, y, sample_weight=sample_weight, **kwargs)
        return self

    def partial_fit(self, X, y, classes=None, sample_weight=None, **kwargs):
        if classes is not None:
            self.classes_ = np.asarray(classes)
        elif not hasattr(self, "classes_"):
            self.classes_ = None
        sample_weight = self._class_weighted(y, sample_weight)
        _BaseWrapper.partial_fit(self, X, y, sample_weight=sample_weight, **kwargs)
        return self

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.estimator_type = "classifier"
        tags.classifier_tags = ClassifierTags(multi_label=True)
        tags.regressor_tags = None
        tags.target_tags.required = True
        tags.target_tags.multi_output = True
        tags.input_tags.sparse = True
        return tags


class KerasRegressor(_ScikitLearnValidation, _KerasRegressor):
    """scikeras' ``KerasRegressor`` with scikit-learn tags that say "regressor"."""

    _estimator_type = "regressor"

    @property
    def target_encoder(self):
        return StandardizedTargetEncoder()

    def _validate_data(self, X=None, y=None, reset=False, y_numeric=True):
        return super()._validate_data(X, y, reset=reset, y_numeric=True)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.estimator_type = "regressor"
        tags.regressor_tags = RegressorTags()
        tags.classifier_tags = None
        tags.target_tags.required = True
        tags.target_tags.multi_output = True
        tags.input_tags.sparse = True
        return tags
