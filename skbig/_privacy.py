"""Differentially private fits: the guarantee, its accounting, what it covers.

``MLPClassifier(dp_epsilon=...)`` / ``MLPRegressor(dp_epsilon=...)`` train with
DP-SGD (``_network/private.py``). The noise multiplier is calibrated with
dp-accounting's privacy-loss-distribution (PLD) accountant for the planned steps
at the Poisson sampling rate, so that the whole training run is (epsilon,
delta)-DP with respect to adding or removing one training example; skbig never
does epsilon arithmetic itself. dp-accounting is the ``privacy`` extra, imported
only by a private fit.
"""

import dataclasses

import numpy as np
import scipy.sparse as sp

from ._names import public
from ._network.private import PrivateTrainer, planned_steps
from ._runtime import quiet

#: What a private fit sets, and what any other fit clears.
ATTRIBUTES = ("epsilon_", "delta_", "noise_multiplier_", "sampling_rate_", "steps_")
#: What ``epochs="auto"`` and ``batch_size="auto"`` mean in a private fit: many
#: passes in large expected batches, where the noise is small against the sum of
#: clipped gradients.
AUTO_EPOCHS = 30
#: learning_rate_init="auto": 3e-3 when not private; in a private fit, the rate
#: that moves a weight by about ``PRIVATE_NOISE_STEP`` per step through the noise
#: alone (rate x sigma x clip / expected batch), so that more noise (a smaller
#: epsilon, a smaller corpus) takes smaller steps. Fitted on 20 Newsgroups at
#: epsilon 8 with 20 % of the training split held out (best rate 8 there).
DEFAULT_LEARNING_RATE = 3e-3
PRIVATE_NOISE_STEP = 0.007
MAX_PRIVATE_LEARNING_RATE = 10.0
AUTO_BATCH_FRACTION = 0.25
MIN_AUTO_BATCH = 256
#: The PLD accountant's grid of privacy losses (dp-accounting's estimate stays
#: pessimistic, a valid bound; 1e-4 gives the same noise multiplier to four
#: digits, 5-10x slower).
PLD_DISCRETIZATION = 1e-3
#: Above this epsilon the noise is calibrated with the RDP accountant instead.
PLD_MAX_EPSILON = 100.0
#: A private regressor with ``dp_target_bounds`` trains on its targets mapped from
#: the bounds to [-TARGET_REACH, TARGET_REACH]: the noise moves the weights by a
#: fixed amount a step ("auto" rate), so targets too small drown in it and too
#: large take many steps to reach (benchmarks/README.md, "Private text regression").
TARGET_REACH = 8.0


@public
class PrivacyWarning(UserWarning):
    """Something in a private fit that its (epsilon, delta) guarantee does not
    cover: data-derived class weights, a vocabulary learnt from the same data."""


@dataclasses.dataclass
class PrivatePlan:
    epochs: int
    batch_size: int  # the expected batch: sampling_rate * n_samples
    sampling_rate: float
    steps: int
    delta: float


def _dp_accounting():
    try:
        import dp_accounting
    except ImportError:
        raise ImportError(
            "Training with dp_epsilon needs dp-accounting to calibrate the noise: "
            'pip install "skbig[privacy]"'
        ) from None
    return dp_accounting


def dp_event(noise_multiplier, sampling_rate, steps):
    """The dp-accounting event of a private fit: ``steps`` Poisson-sampled
    Gaussian mechanisms."""
    dpa = _dp_accounting()
    gaussian = dpa.GaussianDpEvent(noise_multiplier)
    return dpa.SelfComposedDpEvent(
        dpa.PoissonSampledDpEvent(sampling_rate, gaussian), steps
    )


def _accountant(name):
    dpa = _dp_accounting()
    if name == "PLD":
        return dpa.pld.PLDAccountant(value_discretization_interval=PLD_DISCRETIZATION)
    return dpa.rdp.RdpAccountant()


def accountant_for(epsilon):
    """PLD, the tighter accountant, up to ``PLD_MAX_EPSILON``; RDP beyond, where
    the noise is too small for a guarantee worth the name and PLD's grid slow."""
    return "PLD" if epsilon <= PLD_MAX_EPSILON else "RDP"


def epsilon_of(noise_multiplier, sampling_rate, steps, delta, accountant="PLD"):
    """The epsilon dp-accounting's ``accountant`` ("PLD" or "RDP") gives the fit
    at ``delta``."""
    tally = _accountant(accountant)
    tally.compose(dp_event(noise_multiplier, sampling_rate, steps))
    with quiet():  # RDP logs orders it skips to absl
        return float(tally.get_epsilon(delta))


def noise_for(epsilon, delta, sampling_rate, steps, accountant="PLD"):
    """The smallest noise multiplier that keeps the fit (epsilon, delta)-DP by
    ``accountant``."""
    dpa = _dp_accounting()
    with quiet():
        return float(
            dpa.calibrate_dp_mechanism(
                lambda: _accountant(accountant),
                lambda sigma: dp_event(sigma, sampling_rate, steps),
                epsilon,
                delta,
            )
        )


def target_bounds(bounds, n_outputs):
    """``dp_target_bounds`` as arrays ``low``, ``high`` of one value per output."""
    try:
        low, high = (np.asarray(b, dtype=np.float64).reshape(-1) for b in bounds)
        low, high = np.broadcast_to(low, n_outputs), np.broadcast_to(high, n_outputs)
    except (TypeError, ValueError):
        raise ValueError(
            f"dp_target_bounds must be (low, high), each a number or one per "
            f"target ({n_outputs}), not {bounds!r}."
        ) from None
    if not (np.isfinite(low).all() and np.isfinite(high).all() and (low < high).all()):
        raise ValueError(
            f"dp_target_bounds must be finite with low < high, not {bounds!r}."
        )
    return low, high


def private_plan(estimator, n_samples):
    """Resolve epochs, expected batch, sampling rate, steps and delta."""
    batch = estimator.batch_size
    if batch == "auto":
        batch = max(MIN_AUTO_BATCH, round(AUTO_BATCH_FRACTION * n_samples))
    sampling_rate = min(1.0, batch / n_samples)
    epochs = AUTO_EPOCHS if estimator.epochs == "auto" else estimator.epochs
    delta = estimator.dp_delta
    if delta is None:
        delta = 1.0 / (10 * n_samples)
    return PrivatePlan(
        epochs=int(epochs),
        batch_size=round(sampling_rate * n_samples),
        sampling_rate=sampling_rate,
        steps=planned_steps(epochs, sampling_rate),
        delta=float(delta),
    )


def check_private_fit(estimator, *, partial, new_network):
    """Refuse what a private fit cannot account for; warn about what its
    guarantee does not cover."""
    name = type(estimator).__name__
    refused = None
    if estimator.model is not None or estimator.loss is not None:
        refused = "a user model or loss (DP-SGD is built for skbig's own network)"
    elif partial:
        refused = "partial_fit: each call would spend privacy no accountant sees"
    elif not new_network:
        refused = "warm_start: the guarantee covers one fit from a fresh network"
    elif estimator.early_stopping is True:
        refused = (
            "early_stopping=True: choosing the epoch on private held-out data is "
            "not covered; set epochs= (chosen on public data)"
        )
    if refused:
        raise ValueError(
            f"{name}(dp_epsilon={estimator.dp_epsilon}) cannot train with {refused}."
        )
    weighting = getattr(estimator, "class_weight", None)
    estimator._privacy_notes = []  # said after the fit, outside its quiet block
    if weighting in ("balanced", "balanced_sqrt"):
        estimator._privacy_notes.append(
            f"class_weight={weighting!r} is computed from the class counts of the "
            "private data, which the privacy guarantee does not cover; pass "
            "class_weight=None or weights from public knowledge."
        )


def fit_privately(estimator, X, y, sample_weight, seed):
    """Train ``estimator.model_`` with DP-SGD and record the guarantee."""
    n_samples = X.shape[0]
    plan = private_plan(estimator, n_samples)
    accountant = accountant_for(estimator.dp_epsilon)
    sigma = noise_for(
        estimator.dp_epsilon, plan.delta, plan.sampling_rate, plan.steps, accountant
    )
    trainer = PrivateTrainer(
        estimator.model_,
        kind=estimator._target_kind,
        n_samples=n_samples,
        sampling_rate=plan.sampling_rate,
        noise_multiplier=sigma,
        clip_norm=estimator.dp_clip_norm,
        alpha=estimator.alpha_,
        sparse=sp.issparse(X),
        intercept_scaling=estimator.dp_intercept_scaling,
    )
    rate = estimator.learning_rate_init
    if rate == "auto":
        noise = sigma * estimator.dp_clip_norm / plan.batch_size
        rate = min(MAX_PRIVATE_LEARNING_RATE, PRIVATE_NOISE_STEP / noise)
        estimator.model_.optimizer.learning_rate.assign(rate)
    losses = trainer.train(X, y, sample_weight, plan.steps, seed)
    estimator.noise_multiplier_ = sigma
    estimator.sampling_rate_ = plan.sampling_rate
    estimator.steps_ = plan.steps
    estimator.delta_ = plan.delta
    estimator.epsilon_ = epsilon_of(
        sigma, plan.sampling_rate, plan.steps, plan.delta, accountant
    )
    estimator.training_plan_ = {
        **dataclasses.asdict(plan),
        "learning_rate": float(rate),
        "early_stopping": False,
        "accountant": accountant,
    }
    # The loss curve is computed on the private data: it stays in the fitted
    # estimator and is not covered by the guarantee (the network's weights are).
    estimator.history_ = {"loss": losses}
    estimator.n_iter_ = len(losses)
    estimator.loss_curve_ = list(losses)
    estimator.validation_scores_ = None
    estimator.best_validation_score_ = None
    estimator.best_epoch_ = None
    estimator._learn_from_validation(None, None)
    estimator._unconverged = False


def guarantee(estimator):
    """The privacy guarantee of a fitted estimator (or of the one at the end of a
    pipeline or inside a fitted search) as plain numbers, or None."""
    estimator = getattr(estimator, "best_estimator_", estimator)
    steps = getattr(estimator, "steps", None)
    if steps:
        return guarantee(steps[-1][1])
    if getattr(estimator, "epsilon_", None) is None:
        return None
    # Fits before the PLD accountant recorded none: they used RDP.
    plan = getattr(estimator, "training_plan_", None) or {}
    accountant = plan.get("accountant", "RDP")
    facts = {
        "epsilon": float(estimator.epsilon_),
        "delta": float(estimator.delta_),
        "noise_multiplier": float(estimator.noise_multiplier_),
        "sampling_rate": float(estimator.sampling_rate_),
        "steps": int(estimator.steps_),
        "clip_norm": float(estimator.dp_clip_norm),
        "accountant": f"dp-accounting {accountant}; Poisson-sampled Gaussian; "
        "add/remove one",
        "covers": "the network's weights, not what was fitted before it on the data",
    }
    # A bounded regressor's bounds are public inputs the guarantee rests on: the
    # targets were clipped into them and so is every prediction.
    encoder = getattr(estimator, "target_encoder_", None)
    if getattr(encoder, "bounds", None) is not None:
        low, high = encoder.low_.tolist(), encoder.high_.tolist()
        facts["target_bounds"] = [low[0], high[0]] if len(low) == 1 else [low, high]
    return facts
