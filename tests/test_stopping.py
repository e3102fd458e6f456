"""skbig._network.stopping: the Convergence callback, epoch by epoch."""

import keras
import numpy as np
import pytest

from skbig._network.stopping import (
    LOSS_RTOL,
    Convergence,
    lead,
    outputs_per_row,
)


@pytest.fixture
def network():
    inputs = keras.Input(shape=(2,))
    return keras.Model(inputs, keras.layers.Dense(1)(inputs))


def _run(network, scores, losses, patience, keep_weights=True, outputs=1, lead="score"):
    scores, losses = iter(scores), iter(losses)
    monitor = Convergence(
        tol=1e-4,
        patience=patience,
        validation=(np.zeros((3, 2), np.float32), np.zeros(3)),
        score=lambda y, raw: next(scores),
        loss=lambda y, raw: next(losses),
        keep_weights=keep_weights,
        outputs_per_row=outputs,
        lead=lead,
    )
    monitor.set_model(network)
    network.stop_training = False  # what Keras sets when training begins
    epochs = 0
    while not network.stop_training and epochs < 50:
        network.layers[-1].kernel.assign(np.full((2, 1), epochs, np.float32))
        logs = {}
        monitor.on_epoch_end(epochs, logs)
        epochs += 1
    monitor.on_train_end()
    return monitor, epochs, logs


def test_stops_after_patience_epochs_without_a_better_score(network):
    scores = [0.5, 0.7, 0.7, 0.6, 0.7, 0.7]
    monitor, epochs, logs = _run(network, scores, [1.0] * 6, patience=3)
    assert (epochs, monitor.best_epoch, monitor.best) == (5, 2, 0.7)
    assert monitor.stopped and logs["val_score"] == 0.7
    # The best epoch's weights (epoch index 1) are put back.
    np.testing.assert_array_equal(network.layers[-1].kernel.numpy(), 1)


def test_equal_score_counts_as_progress_only_with_a_clearly_lower_loss(network):
    scores = [0.8] * 6
    small = 1 - LOSS_RTOL / 2  # lower, but by less than LOSS_RTOL: polish
    losses = [1.0, 0.5, 0.5 * small, 0.5 * small**2, 0.5 * small**3, 0.1]
    monitor, epochs, _ = _run(network, scores, losses, patience=3)
    assert epochs == 5  # epochs 3-5 were no progress
    assert monitor.best_epoch == 5  # yet each lower loss was a better epoch


@pytest.mark.parametrize("outputs, epochs, best", [(1, 6, 6), (100, 15, 10)])
def test_one_percent_of_a_tiny_loss_is_no_progress(network, outputs, epochs, best):
    # Every row right but a few: nine epochs each take 3 % off a loss of 0.02 a
    # row, 0.0006, under 1 % of the 0.1 floor; then the loss stays. Averaged
    # over 100 outputs a row (multi-label), the same loss is 2 nats a row.
    losses = [0.02 * 0.97 ** min(k, 9) for k in range(30)]
    monitor, ran, _ = _run(network, [0.99] * 30, losses, 5, outputs=outputs)
    assert ran == epochs and monitor.best_epoch == best


def test_outputs_per_row_counts_each_output_with_its_own_loss():
    y = np.zeros((7, 3))
    assert outputs_per_row(None, "multiclass") == 1
    assert outputs_per_row((None, y), "multiclass") == 1  # one-hot rows
    assert outputs_per_row((None, y[:, 0]), "binary") == 1
    assert outputs_per_row((None, y), "multilabel-indicator") == 3
    assert outputs_per_row((None, y), "continuous-multioutput") == 3
    assert outputs_per_row((None, y[:, 0]), "continuous") == 1


def test_without_keep_weights_the_last_weights_stay(network):
    monitor, _, _ = _run(network, [0.9, 0.1, 0.1], [1.0] * 3, 2, keep_weights=False)
    assert monitor.best_epoch == 1 and monitor.best_raw is not None
    np.testing.assert_array_equal(network.layers[-1].kernel.numpy(), 2)


def test_when_the_loss_leads_the_lowest_loss_wins_whatever_the_accuracy(network):
    # Epoch 3 has the highest accuracy, epoch 4 the lowest loss. Epoch 4's loss is
    # lower by under LOSS_RTOL, so it does not restart the patience: the run stops
    # 2 epochs after epoch 2, the last to lower the loss by enough.
    small = 1 - LOSS_RTOL / 2
    scores = [0.5, 0.6, 0.9, 0.7, 0.8, 0.8]
    losses = [1.0, 0.5, 0.6, 0.5 * small, 0.55, 0.4]
    monitor, epochs, logs = _run(network, scores, losses, patience=2, lead="loss")
    assert (epochs, monitor.best_epoch, monitor.best) == (4, 4, 0.7)
    assert logs["val_loss"] == 0.5 * small
    np.testing.assert_array_equal(network.layers[-1].kernel.numpy(), 3)
    # The same curves under the score's lead: epoch 3 wins, and patience runs on.
    monitor, epochs, _ = _run(network, scores, losses, patience=2)
    assert (epochs, monitor.best_epoch) == (5, 3)


def test_when_the_loss_leads_a_tiny_loss_must_fall_by_a_share_of_the_floor(network):
    # 0.02 nat a row falling 3 % an epoch: under LOSS_RTOL of the 0.1 floor.
    losses = [0.02 * 0.97**k for k in range(30)]
    monitor, ran, _ = _run(network, [0.99] * 30, losses, 3, lead="loss")
    assert ran == 4 and monitor.best_epoch == 4


def test_class_labels_follow_the_loss_and_other_targets_the_score(network):
    assert lead("binary") == lead("multiclass") == "loss"
    for kind in ("multilabel-indicator", "continuous", "continuous-multioutput"):
        assert lead(kind) == "score"
    with pytest.raises(ValueError, match="lead='loss' needs"):
        Convergence(tol=1e-4, patience=2, lead="loss")


def test_the_held_out_weights_reach_the_loss_and_not_the_score(network):
    seen = {}

    def loss(y, raw, sample_weight=None):
        seen["loss"] = sample_weight
        return 1.0

    def score(y, raw):
        return 0.5

    weight = np.array([1.0, 2.0, 3.0])
    validation = (np.zeros((3, 2), np.float32), np.zeros(3), weight)
    monitor = Convergence(
        tol=1e-4, patience=1, validation=validation, score=score, loss=loss,
        lead="loss",
    )  # fmt: skip
    monitor.set_model(network)
    monitor.on_epoch_end(0, {})
    assert seen["loss"] is weight
    # Without weights (a streamed hold-out), the loss is called without them.
    monitor.validation = validation[:2]
    monitor.on_epoch_end(1, {})
    assert seen["loss"] is None
