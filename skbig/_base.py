"""What MLPClassifier and MLPRegressor share: parameters, fitting, predicting, state."""

import contextlib
import copy
import dataclasses
import gc
import typing
import warnings
from collections import defaultdict
from numbers import Integral, Real

import keras
import numpy as np
import scipy.sparse as sp
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import ShuffleSplit, StratifiedShuffleSplit
from sklearn.preprocessing import FunctionTransformer, StandardScaler
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import check_is_fitted

from ._network.batches import PREDICT_BATCH_SIZE, batch_count, predict, sparse_dataset
from ._network.build import build_mlp
from ._network.optimizers import LazyAdam, SparseAdagrad
from ._network.state import network_from_state, network_state
from ._network.stopping import Convergence
from ._plan import training_plan
from ._runtime import limit_tensorflow_threads, quiet
from ._scikeras import tensorflow_random_state

_COMMON_CONSTRAINTS = {
    "hidden_layer_sizes": ["array-like", Interval(Integral, 1, None, closed="left")],
    "activation": [str],
    "alpha": [Interval(Real, 0, None, closed="left")],
    "dropout": [Interval(Real, 0, 1, closed="left")],
    "learning_rate_init": [Interval(Real, 0, None, closed="neither")],
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
}


_LIVE_CALLBACKS = ("_fit_callbacks", "_predict_callbacks")
# skbig's optimizers by name, lower case without underscores ("sparse_adagrad").
_OPTIMIZERS = {"lazyadam": LazyAdam, "sparseadagrad": SparseAdagrad}


class _MLPMixin:
    """What MLPClassifier and MLPRegressor share; scikeras does the bookkeeping."""

    def __sklearn_is_fitted__(self):
        return hasattr(self, "model_")

    @property
    def feature_encoder(self):
        # Dense features are standardised inside, as a network needs: unscaled
        # columns (a breast-cancer area in the thousands beside a smoothness near
        # 0.1) stall training. Sparse input (TF-IDF) is already on one scale, and
        # centring it would make it dense.
        if getattr(self, "_sparse_input", True):
            return FunctionTransformer()
        return StandardScaler()

    # Store the network as a .keras file ourselves (inside the pickle, or beside
    # the estimator in an skbig.save file) rather than through the
    # ``keras.Model.__reduce__`` that importing scikeras installs process-wide.
    # The live callback lists are rebuilt from the ``callbacks`` parameters on
    # loading: they may hold Keras objects (and through them the whole pipeline).
    def __getstate__(self):
        state = super().__getstate__()
        if isinstance(state.get("model_"), keras.Model):
            state = dict(state, model_=network_state(state["model_"]))
        return {k: v for k, v in state.items() if k not in _LIVE_CALLBACKS}

    def __setstate__(self, state):
        if "model_" in state:
            state = dict(state, model_=network_from_state(state["model_"]))
        super().__setstate__(state)
        if "model_" in state:
            self._initialize_callbacks()

    @contextlib.contextmanager
    def _all_or_nothing(self, continues):
        """Leave the estimator as it was when fitting stops part-way.

        Ctrl-C (``KeyboardInterrupt``) or an error in the middle of training must
        not leave a half-trained network behind: a new fit restores the previous
        attributes (unfitted, or the previous fit); a warm start or ``partial_fit``
        (``continues``), which trains the existing network in place, also puts its
        weights and optimizer state back.
        """
        limit_tensorflow_threads()
        saved = dict(vars(self))
        if "history_" in saved:
            saved["history_"] = copy.deepcopy(saved["history_"])
        model = saved.get("model_") if continues else None
        variables = []
        if model is not None:
            variables = list(model.variables)  # weights and dropout seed state
            if getattr(model, "optimizer", None) is not None:
                variables += list(model.optimizer.variables)
        values = [v.numpy() for v in variables]
        try:
            yield
        except BaseException:
            vars(self).clear()
            vars(self).update(saved)
            for variable, value in zip(variables, values, strict=True):
                variable.assign(value)
            raise

    # ----------------------------------------------------------------- building
    def _build_keras_model(self):
        if self.model is not None:
            # The user's own network: scikeras builds (and later compiles) it,
            # seeded through our context rather than scikeras' leaky one.
            seed, self._random_state = self._random_state, None
            try:
                with _seeded(seed):
                    return super()._build_keras_model()
            finally:
                self._random_state = seed
        n_outputs, output_activation, loss = self._output_spec()
        model = build_mlp(
            self.n_features_in_,
            n_outputs,
            output_activation,
            hidden_layer_sizes=_as_sizes(self.hidden_layer_sizes),
            activation=self.activation,
            dropout=self.dropout,
            alpha=self.alpha,
            sparse=self._sparse_input,
            random_state=self._random_state,
        )
        model.compile(
            optimizer=self._make_optimizer(),
            loss=self.loss if self.loss is not None else loss,
            metrics=self.metrics,
        )
        return model

    def _make_optimizer(self):
        """A fresh optimizer from ``optimizer``, ``learning_rate_init`` and
        ``optimizer__*`` parameters."""
        optimizer = self.optimizer
        if isinstance(optimizer, keras.optimizers.Optimizer):
            # Never share an optimizer (and its slots) between fitted models.
            return optimizer.__class__.from_config(optimizer.get_config())
        if isinstance(optimizer, str):
            name = optimizer.lower().replace("_", "")
            if name in _OPTIMIZERS:
                optimizer = _OPTIMIZERS[name]
            else:
                optimizer = type(keras.optimizers.get(optimizer))
        kwargs = {"learning_rate": self.learning_rate_init}
        kwargs.update(_routed(self.get_params(), "optimizer"))
        return optimizer(**kwargs)

    # ------------------------------------------------------------------ fitting
    def _validate_data(self, X=None, y=None, reset=False, y_numeric=False):
        X, y = super()._validate_data(X, y, reset=reset, y_numeric=y_numeric)
        if reset and X is not None:
            self._sparse_input = sp.issparse(X)
        return X, y

    def _fit_keras_model(
        self, X, y, sample_weight, warm_start, epochs, initial_epoch, **kwargs
    ):
        partial = kwargs.pop("skbig_partial", False)
        plan = training_plan(self, X.shape[0], partial=partial, epochs=epochs)
        # A plain dict: model files hold only types anyone can load safely.
        self.training_plan_ = dataclasses.asdict(plan)
        validation = None
        X_all, y_all, weights_all = X, y, sample_weight
        if plan.early_stopping:
            X, y, sample_weight, validation = self._split_validation(
                X, y, sample_weight, plan.n_validation
            )
        patience = np.inf if partial else plan.patience
        new_network = vars(self).pop("_new_network", False)
        refit = plan.refit and validation is not None and new_network
        first = self._train(
            X, y, sample_weight, plan.epochs, initial_epoch, plan, validation,
            patience, kwargs, keep_weights=not refit,
        )  # fmt: skip
        hist = first.history
        if not partial:
            # Also without a held-out part, so a refit never keeps the previous
            # fit's temperature or thresholds for its new network.
            held_out = validation[1] if validation is not None else None
            self._learn_from_validation(first.best_raw, held_out)
        best = first.best_epoch - initial_epoch
        if refit and best > 0:
            # The held-out part has told how long to train; now train a new
            # network on all the data for that many epochs.
            self.model_ = None
            gc.collect()  # the first network's weights and slots, before the next
            self.model_ = self._build_keras_model()
            again = self._train(
                X_all, y_all, weights_all, best, 0, plan, None, np.inf, kwargs
            )
            hist = {**hist, "refit_loss": again.history["loss"]}
        self._record_history(hist, warm_start, partial, validation, first)
        ran = len(first.history["loss"])
        self._unconverged = not partial and not first.stopped and ran >= plan.epochs

    def _warn_if_unconverged(self):
        """After ``fit``: warn, as scikit-learn's MLP does, when training ended at
        the epoch ceiling while it was still improving."""
        if not vars(self).pop("_unconverged", False):
            return
        plan = self.training_plan_
        advice = "raise epochs="
        if not plan["early_stopping"]:
            advice += " or set early_stopping=True to stop on held-out data"
        warnings.warn(
            f"{type(self).__name__} reached epochs={plan['epochs']} while still "
            f"improving: training has not converged; {advice}.",
            ConvergenceWarning,
            stacklevel=3,
        )

    def _train(
        self, X, y, sample_weight, epochs, initial_epoch, plan, validation, patience,
        keras_args, keep_weights=True,
    ):  # fmt: skip
        """One Keras fit of ``self.model_``; returns what its monitor saw."""
        fit_args = {
            "batch_size": plan.batch_size,
            "verbose": self.verbose,
            "shuffle": True,
        }
        fit_args.update(_routed(self.get_params(), "fit"))
        fit_args.update(keras_args)
        # Rebuilt on every fit so that set_params(callbacks=...) also reaches
        # warm-started fits (scikeras built them only with a new network).
        self._initialize_callbacks()
        callbacks = list(self._fit_callbacks)
        monitor = Convergence(
            tol=self.tol,
            patience=patience,
            validation=validation,
            score=self._validation_score,
            loss=self._validation_loss,
            batch_size=PREDICT_BATCH_SIZE,
            keep_weights=keep_weights,
        )
        callbacks.append(monitor)
        data = {"x": X, "y": y, "sample_weight": sample_weight}
        if _streamable(X, y, fit_args):
            batch_size = fit_args.pop("batch_size")
            data = {
                "x": sparse_dataset(
                    X,
                    y,
                    sample_weight,
                    batch_size=batch_size,
                    shuffle=bool(fit_args.pop("shuffle")),
                    seed=self._random_state,
                    repeat=True,
                ),
                "shuffle": False,  # the dataset shuffles; Keras would warn
            }
            fit_args.setdefault("steps_per_epoch", batch_count(X.shape[0], batch_size))
        with _seeded(self._random_state):
            hist = self.model_.fit(
                **data,
                epochs=initial_epoch + epochs,
                initial_epoch=initial_epoch,
                callbacks=callbacks,
                **fit_args,
            )
        # A plain record, not the callback: the callback holds the network and a
        # copy of its best weights (230 MB on 20 Newsgroups), which a refit must
        # not keep alive beside the new network.
        return TrainingResult(
            history={k: [float(v) for v in vs] for k, vs in hist.history.items()},
            best=float(monitor.best),
            best_epoch=int(monitor.best_epoch),
            stopped=bool(monitor.stopped),
            best_raw=monitor.best_raw,
        )

    def _record_history(self, hist, warm_start, partial, validation, first):
        if not (warm_start or partial) or not hasattr(self, "history_"):
            self.history_ = defaultdict(list)
        for key, values in hist.items():
            self.history_[key] += values
        # n_iter_ and loss_curve_ describe the network that was kept: after a
        # refit, the new one's epochs; history_ keeps the held-out curves too.
        final = "refit_loss" if "refit_loss" in hist else "loss"
        self.n_iter_ = len(self.history_[final])
        self.loss_curve_ = list(self.history_[final])
        if validation is not None:
            self.validation_scores_ = list(self.history_["val_score"])
            self.best_validation_score_ = first.best
            self.best_epoch_ = first.best_epoch
        elif not partial:
            self.validation_scores_ = None
            self.best_validation_score_ = None
            self.best_epoch_ = None

    def _split_validation(self, X, y, sample_weight, n_val):
        """Hold out a shuffled (stratified where possible) validation set.

        Keras' own ``validation_split`` takes the last rows unshuffled, which on
        label-sorted corpora holds out one or two classes only.
        """
        n = X.shape[0]
        seed = self._random_state
        stratify = self._stratify_labels(y)
        splitter = ShuffleSplit(n_splits=1, test_size=n_val, random_state=seed)
        if stratify is not None:
            _, counts = np.unique(stratify, return_counts=True)
            if counts.min() >= 2 and n_val >= len(counts) and n - n_val >= len(counts):
                splitter = StratifiedShuffleSplit(
                    n_splits=1, test_size=n_val, random_state=seed
                )
        train, val = next(splitter.split(np.zeros(n), stratify))
        weights = None if sample_weight is None else sample_weight[train]
        return X[train], y[train], weights, (X[val], y[val])

    def _stratify_labels(self, y):
        return None

    def _learn_from_validation(self, raw, y_val):
        """Hook: what the best epoch's held-out outputs teach besides when to stop.

        ``raw`` is None when nothing was held out.
        """

    # --------------------------------------------------------------- predicting
    def _predict_raw(self, X, **kwargs):
        check_is_fitted(self)
        X, _ = self._validate_data(X, reset=False)
        X = self.feature_encoder_.transform(X)
        args = {"batch_size": PREDICT_BATCH_SIZE, "verbose": 0}
        args.update(_routed(self.get_params(), "predict"))
        args.update(kwargs)
        with quiet(self.verbose):
            raw = predict(self.model_, X, callbacks=self._predict_callbacks, **args)
        return np.asarray(raw)

    def _initialize(self, X, y=None):
        self._validate_params()
        self._new_network = True  # not a warm start of an existing one
        return super()._initialize(X, y)


class TrainingResult(typing.NamedTuple):
    """What one training run's convergence monitor saw."""

    history: dict
    best: float
    best_epoch: int
    stopped: bool
    best_raw: object  # the best epoch's held-out outputs, or None


def _streamable(X, y, keras_args):
    """Whether skbig's own sparse batches (see ``_network.batches``) can feed Keras' fit.

    Anything they do not cover takes Keras' own path: targets that are not one
    array (a user's multi-output model) and Keras' ``validation_split``.
    """
    return (
        (sp.issparse(X) or isinstance(X, np.ndarray))
        and isinstance(y, np.ndarray)
        and "validation_split" not in keras_args
        and keras_args.get("batch_size") is not None
    )


def _seeded(seed):
    if seed is None:
        return contextlib.nullcontext()
    return tensorflow_random_state(seed)


def _routed(params, destination):
    """``destination__name`` parameters, without the prefix (one level only)."""
    prefix = destination + "__"
    return {
        key[len(prefix) :]: value
        for key, value in params.items()
        if key.startswith(prefix) and "__" not in key[len(prefix) :]
    }


def _as_sizes(hidden_layer_sizes):
    if isinstance(hidden_layer_sizes, Integral):
        return (int(hidden_layer_sizes),)
    return tuple(int(units) for units in hidden_layer_sizes)
