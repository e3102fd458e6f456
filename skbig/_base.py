"""What MLPClassifier and MLPRegressor share: parameters, fitting, predicting, state."""

from . import _runtime  # first: it starts TensorFlow quietly, before keras

# isort: split
import contextlib
import copy
import dataclasses
import functools
import gc
import typing
import warnings
from collections import defaultdict

import keras
import numpy as np
import scipy.sparse as sp
from sklearn.preprocessing import FunctionTransformer, StandardScaler
from sklearn.utils.validation import check_is_fitted

from . import _privacy, _validation
from ._inputs import checked_features, numeric_targets
from ._linear import blended, check_linear_part, fit_linear_part
from ._network import batches
from ._network.build import InitialState, build_mlp
from ._network.optimizers import make_optimizer
from ._network.state import Rollback, dropout_states, network_from_state, network_state
from ._network.stopping import Convergence, lead, outputs_per_row
from ._network.streamed import fit_inputs
from ._params import as_sizes, refuse_unknown_parameters, routed
from ._plan import hold_out, resolved_alpha, training_plan, warn_unconverged
from ._runtime import check_not_forked, limit_tensorflow_threads, quiet, seeded
from ._weights import kept_weights, learned_weights, learns_weights, weighted


class _MLPMixin:
    """What MLPClassifier and MLPRegressor share.

    scikeras (behind ``skbig._scikeras``) runs ``fit`` and ``predict`` and calls the
    methods of the "scikeras asks" section with what they need as arguments.
    """

    #: Whether targets are numbers to regress on (validation casts them).
    _numeric_target = False
    #: Parameters added since a model file could have been written, as the
    #: file's network was trained (``__setstate__``).
    _ADDED_PARAMS = {"dp_epsilon": None, "dp_delta": None, "dp_clip_norm": 1.0,
                     "dp_intercept_scaling": 1.0}  # fmt: skip

    def __sklearn_is_fitted__(self):
        return hasattr(self, "model_")

    # ------------------------------------------------------------ scikeras asks
    def _check_params(self):
        """Before every fit and partial_fit: the parameters are valid together,
        and every keyword given to the constructor means something."""
        self._validate_params()
        refuse_unknown_parameters(self)

    @contextlib.contextmanager
    def _fitting(self, continues, X=None):
        """Around ``fit``/``partial_fit`` on ``X``: valid parameters, quiet logs at
        ``verbose=0``, arrays from skbig's transformers, and all or nothing."""
        self._check_params()
        plain = _runtime.plain_output()
        with quiet(self.verbose), plain, self._all_or_nothing(continues, X):
            yield

    def _check_data(self, X=None, y=None, reset=False):
        """Validate ``X`` and ``y`` once (``skbig._inputs``); with ``reset`` (a new
        fit) it also records ``n_features_in_``, ``feature_names_in_``, the
        target's type and whether the network trains on sparse input.
        """
        if X is not None:
            X, y = checked_features(self, X, y, reset)
        if y is not None:
            # A sparse label indicator matrix too, as scikit-learn's metrics take it.
            y = y.toarray() if sp.issparse(y) else np.asarray(y)
            if self._numeric_target and y.dtype.kind in "OUS":
                y = numeric_targets(type(self).__name__, y)
            if reset:
                self.target_type_ = self._type_of_target(y)
                self.y_dtype_ = y.dtype
                self.y_ndim_ = y.ndim
            elif y.ndim == 2 and y.shape[1] == 1 and self.y_ndim_ == 1:
                y = y.ravel()  # scoring a column, as scikit-learn's metrics take it
            elif y.ndim != self.y_ndim_:
                raise ValueError(
                    f"y has {y.ndim} dimensions, but this {type(self).__name__} was "
                    f"fitted with {self.y_ndim_}-dimensional y."
                )
        return X, y

    def _feature_transformer(self):
        """The transformer fitted on the validated input before the network.

        Dense features are standardised inside, as a network needs: unscaled
        columns (a breast-cancer area in the thousands beside a smoothness near
        0.1) stall training. Sparse input (TF-IDF) is on one scale already.
        """
        # A private fit learns no statistics of the data outside the guarantee.
        if getattr(self, "_sparse_input", True) or self.dp_epsilon is not None:
            return FunctionTransformer()
        return StandardScaler()

    # The network as a .keras file of our own (in the pickle, or beside the estimator
    # in a model file), not the keras.Model.__reduce__ scikeras installs for all.
    def __getstate__(self):
        state = super().__getstate__()
        if isinstance(model := state.get("model_"), keras.Model):
            seeds = dropout_states(model)  # where its masks got to: training goes on
            state = dict(state, model_=network_state(model), _dropout_states=seeds)
        return state

    def __setstate__(self, state):
        state = {**self._ADDED_PARAMS, **state}
        if "model_" in state:  # older files have no _dropout_states
            seeds = state.pop("_dropout_states", None)
            state = dict(state, model_=network_from_state(state["model_"], seeds))
        super().__setstate__(state)

    @contextlib.contextmanager
    def _all_or_nothing(self, continues, X=None):
        """Leave the estimator as it was when fitting stops part-way.

        Ctrl-C (``KeyboardInterrupt``) or an error in the middle of training must
        not leave a half-trained network behind: a new fit restores the previous
        attributes (unfitted, or the previous fit); a warm start or ``partial_fit``
        (``continues``), which trains the existing network in place, also puts its
        weights, dropout's seed state and optimizer state back (for skbig's own
        network, only the rows of a sparse first layer that ``X`` can change).
        """
        limit_tensorflow_threads()
        saved = dict(vars(self))
        if "history_" in saved:
            saved["history_"] = copy.deepcopy(saved["history_"])
        model = saved.get("model_") if continues else None
        # Not for a user's network (it may feed SparseDense dense input) nor a
        # stream (fit_stream's rows are not X).
        own = self.model is None and "_streamed_rows" not in saved
        kept = None if model is None else Rollback(model, X if own else None)
        try:
            yield
        except BaseException:
            vars(self).clear()
            vars(self).update(saved)
            if kept is not None:
                kept.restore()
            raise

    # ----------------------------------------------------------------- building
    def _build_network(self, seed):
        """skbig's own network, compiled, its weights and dropout seeded by ``seed``."""
        n_outputs, output_activation, loss = self._output_spec()
        partial = vars(self).get("_scikeras_partial", False)
        n, sparse = self.X_shape_[0], self._sparse_input
        self.alpha_ = resolved_alpha(self, n, sparse=sparse, partial=partial)
        model = build_mlp(
            self.n_features_in_,
            n_outputs,
            output_activation,
            hidden_layer_sizes=as_sizes(self.hidden_layer_sizes),
            activation=self.activation,
            dropout=self.dropout,
            alpha=self.alpha_,
            sparse=sparse,
            random_state=seed,
        )
        model.compile(
            optimizer=self._make_optimizer(),
            loss=self.loss if self.loss is not None else loss,
            metrics=self.metrics,
        )
        # The optimizer's slots are made here, eagerly: left to Keras, they are
        # made while the train step is traced, each initialised under a tf.cond
        # whose function definition TensorFlow kept for good (16 a fit).
        model.optimizer.build(model.trainable_variables)
        return model

    def _make_optimizer(self):
        return make_optimizer(
            self.optimizer,
            _privacy.DEFAULT_LEARNING_RATE
            if self.learning_rate_init == "auto"
            else self.learning_rate_init,
            routed(self.get_params(), "optimizer"),
        )

    # ------------------------------------------------------------------ fitting
    def _train_network(
        self, X, y, sample_weight, *, epochs, initial_epoch, partial, new_network,
        seed, callbacks, keras_args,
    ):  # fmt: skip
        """Train on encoded ``X``, ``y``: the stopping rule, then maybe a refit.

        ``partial``: one ``partial_fit`` epoch; ``new_network``: the network was
        just built (not a warm start); ``callbacks()`` gives the user's callbacks
        afresh for each training run.
        """
        for name in _privacy.ATTRIBUTES:
            vars(self).pop(name, None)
        if new_network:
            self.feature_weights_ = None  # until this fit learns its own
        streamed = vars(self).pop("_streamed_rows", None)
        if streamed is not None:
            # skbig.fit_stream: X and y were one placeholder row per class, whose
            # targets and weights label the streamed rows.
            X, y, sample_weight = streamed.labelled(y, sample_weight), None, None
        check_linear_part(self, new_network)
        if self.dp_epsilon is not None:
            _privacy.check_private_fit(self, partial=partial, new_network=new_network)
            _privacy.fit_privately(self, X, y, sample_weight, seed)
            return
        given = None if partial else vars(self).get("_held_out")  # X_val, y_val
        plan = training_plan(
            self, X.shape[0], partial=partial, epochs=epochs,
            max_validation=getattr(X, "max_validation", None),
            n_given=None if given is None else len(given.y),
        )  # fmt: skip
        # A plain dict: model files hold only types anyone can load safely.
        self.training_plan_ = {
            **dataclasses.asdict(plan),
            "n_validation_copies": 0,
            "validation_given": given is not None,
        }
        validation = features = None
        learn = learns_weights(self, X, new_network and not partial)
        if not learn:  # a warm start or partial_fit keeps the fitted weights
            X = kept_weights(self, X)
        X_all, y_all, weights_all = X, y, sample_weight
        if given is not None:  # stopped on as given: no near copies are left out
            validation = _validation.encoded(self, given)
            if not learn:
                validation = (kept_weights(self, validation[0]), *validation[1:])
        elif plan.early_stopping:  # (streamed rows hold out a sample of their own)
            X, y, sample_weight, validation = hold_out(
                X, y, sample_weight, plan.n_validation, seed, self._stratify_labels(y)
            )
            judged = validation[0].shape[0]  # held-out copies are judged by neither
            self.training_plan_["n_validation_copies"] = plan.n_validation - judged
            if sp.issparse(validation[0]):  # near copies, for the temperature
                features = (X, validation[0])
        if learn:  # from the rows this run trains on, never the held-out ones
            X, validation = learned_weights(self, X, y, validation)
        patience = np.inf if partial else plan.patience
        run = functools.partial(
            self._train, plan=plan, seed=seed, callbacks=callbacks,
            keras_args=keras_args,
        )  # fmt: skip
        refit = plan.refit and validation is not None and new_network
        initial = InitialState.of(self.model_) if refit else None
        first = run(
            X, y, sample_weight, plan.epochs, initial_epoch, validation, patience,
            keep_weights=not refit,
        )  # fmt: skip
        hist = first.history
        if not partial:
            # Also without a held-out part, so a refit never keeps the previous
            # fit's temperature or thresholds for its new network.
            held_out = validation[1] if validation is not None else None
            self._learn_from_validation(first.best_raw, held_out, features)
            if new_network:  # a regressor's ridge, weighed against the network
                train = (X, y, sample_weight)
                fit_linear_part(
                    self, train, validation, first.best_raw, refit=given is None
                )
        best = first.best_epoch - initial_epoch
        if refit and best > 0:
            # The held-out part has told how long to train; now train the network
            # again from its initial state (or a new one, if its initializers cannot
            # be redrawn in place) on all the data for that many epochs.
            if initial is not None:
                initial.restore()
            else:
                self.model_ = None
                gc.collect()  # the first network's weights and slots, before the next
                self.model_ = self._build_network(seed)
            if learn:
                X_all, _ = learned_weights(self, X_all, y_all)
            again = run(X_all, y_all, weights_all, best, 0, None, np.inf)
            hist = {**hist, "refit_loss": again.history["loss"]}
        self._record_history(hist, self.warm_start, partial, validation, first)
        ran = len(first.history["loss"])
        self._unconverged = not partial and not first.stopped and ran >= plan.epochs

    def _warn_after_fit(self):
        """After ``fit`` (outside its quieted block): what a private fit's
        guarantee does not cover, and a training that did not converge."""
        for message in vars(self).pop("_privacy_notes", ()):
            warnings.warn(message, _privacy.PrivacyWarning, stacklevel=3)
        if vars(self).pop("_unconverged", False):
            warn_unconverged(self, stacklevel=4)

    def _train(
        self, X, y, sample_weight, epochs, initial_epoch, validation, patience, *,
        plan, seed, callbacks, keras_args, keep_weights=True,
    ):  # fmt: skip
        """One Keras fit of ``self.model_``; returns what its monitor saw."""
        fit_args = {
            "batch_size": plan.batch_size,
            "verbose": self.verbose,
            "shuffle": True,
        }
        fit_args.update(routed(self.get_params(), "fit"))
        fit_args.update(keras_args)
        callbacks = callbacks()
        monitor = Convergence(
            tol=self.tol,
            patience=patience,
            validation=validation,
            score=functools.partial(self._validation_score, kind=self._target_kind),
            loss=functools.partial(self._validation_loss, kind=self._target_kind),
            keep_weights=keep_weights,
            outputs_per_row=outputs_per_row(validation, self._target_kind),
            lead=lead(self._target_kind),
        )
        callbacks.append(monitor)
        data = fit_inputs(X, y, sample_weight, fit_args, seed, passes=epochs)
        with seeded(seed, user_model=self.model is not None):
            hist = self.model_.fit(
                **data,
                epochs=initial_epoch + epochs,
                initial_epoch=initial_epoch,
                callbacks=callbacks,
                **fit_args,
            )
        # A plain record, not the callback: the callback holds the network and a
        # copy of its best weights (230 MB on 20 Newsgroups), which a refit must
        # not keep alive during the refit.
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

    def _stratify_labels(self, y):
        return None

    def _learn_from_validation(self, raw, y_val, features=None):
        """Hook: what the best epoch's held-out outputs teach besides when to stop.

        ``raw`` is None when nothing was held out; ``features`` is the training and
        held-out parts' sparse features, or None.
        """

    # --------------------------------------------------------------- predicting
    def _predict_outputs(self, X, callbacks=None, **kwargs):
        """The network's outputs for ``X``, ``PREDICT_BATCH_SIZE`` rows at a time."""
        check_is_fitted(self)
        check_not_forked()
        X, _ = self._check_data(X, reset=False)
        with _runtime.plain_output():
            X = self.feature_encoder_.transform(X)
        X = weighted(X, getattr(self, "feature_weights_", None))
        args = {"batch_size": batches.PREDICT_BATCH_SIZE, "verbose": 0}
        args.update(routed(self.get_params(), "predict"))
        args.update(kwargs)
        # No quiet(): it changes process-wide state (loggers, warning filters).
        raw = np.asarray(batches.predict(self.model_, X, callbacks=callbacks, **args))
        raw = blended(self, X, raw)  # with the regressor's linear part, if any
        if raw.dtype.kind == "f" and not np.isfinite(raw).all():
            raise ValueError(
                "the network's outputs are not finite (NaN or infinity) for some "
                "rows: its weights or these features have left the float range"
            )
        return raw


class TrainingResult(typing.NamedTuple):
    """What one training run's convergence monitor saw."""

    history: dict
    best: float
    best_epoch: int
    stopped: bool
    best_raw: object  # the best epoch's held-out outputs, or None
