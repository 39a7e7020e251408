"""The training loop on real MNIST: determinism, learning, the schedule, and runs that must stop."""

from __future__ import annotations

from dataclasses import fields, replace

import numpy as np
import pytest

from mnist_scratch.data.known import CLASSES
from mnist_scratch.loss import one_hot
from mnist_scratch.network import backward, forward, init_params
from mnist_scratch.optim import learning_rate
from mnist_scratch.train.config import TrainConfig, TrainingError
from mnist_scratch.train.experiments import (
    ABLATION_SEEDS,
    ABLATION_STEPS,
    BASELINE_CONFIG,
    IMPROVED_CONFIG,
    catalogue,
)
from mnist_scratch.train.loop import snapshot_steps, train

SHORT = TrainConfig(epochs=2, batch_size=64, warmup=20)  # 94 steps an epoch on 6,000 rows


def test_same_seed_gives_identical_weights(mnist_slice):
    a = train(SHORT, mnist_slice)
    b = train(SHORT, mnist_slice)
    for name in a.params:
        assert np.array_equal(a.params[name], b.params[name]), name  # bit for bit
    c = train(replace(SHORT, seed=1), mnist_slice)
    assert not np.array_equal(a.params["W1"], c.params["W1"])


def test_full_batch_is_deterministic_and_records_every_iteration(mnist_slice):
    config = replace(BASELINE_CONFIG, epochs=5, holdout=500)
    a, b = train(config, mnist_slice), train(config, mnist_slice)
    assert np.array_equal(a.params["W1"], b.params["W1"])
    assert a.history["step"] == [0, 1, 2, 3, 4, 5]
    assert len(a.history["heldout_accuracy"]) == 6
    assert a.steps_per_epoch == 1


def test_short_run_on_real_data_lowers_the_loss(mnist_slice):
    result = train(SHORT, mnist_slice)
    loss = result.history["train_loss"]
    assert loss[-1] < 0.5 * loss[0]  # from ~2.3 (chance) to well under half of it
    assert result.final["test_accuracy"] > 0.85


def test_full_batch_gradient_descent_lowers_the_loss(mnist_slice):
    loss = train(replace(BASELINE_CONFIG, epochs=30, holdout=0), mnist_slice).history["train_loss"]
    assert loss[-1] < loss[0]


def _reference_run(config: TrainConfig, X_rows: np.ndarray, labels: np.ndarray) -> dict:
    """Gradient descent written out from the math: every step uses all rows (so the order of
    the rows cannot matter), step t's learning rate is ``learning_rate(..., t, ...)``."""
    init_seq = np.random.SeedSequence(config.seed).spawn(3)[0]
    params = init_params(hidden=config.hidden, inputs=X_rows.shape[1], classes=CLASSES,
                         scheme=config.init, rng=np.random.default_rng(init_seq),
                         dtype=np.float64)
    X = X_rows.T.astype(np.float64)
    Y = one_hot(labels, CLASSES, dtype=np.float64)
    velocity = {name: np.zeros_like(p) for name, p in params.items()}
    total = config.epochs
    for step in range(total):
        lr = learning_rate(config.schedule, step, total, config.lr, warmup_steps=config.warmup)
        grads = backward(params, X, Y, forward(params, X))
        for name in params:
            velocity[name] = config.momentum * velocity[name] + grads["d" + name]
            params[name] = params[name] - lr * velocity[name]
    return params


@pytest.mark.parametrize("batch", ["full", "one batch of every row"])
def test_step_t_uses_the_learning_rate_of_step_t(mnist_slice, batch):
    """Kills the off-by-one mutant (``rate(step + 1)``) in both branches of the loop: with a
    5-step warm-up the rates of neighbouring steps differ by 20-100%, far beyond rounding."""
    rows = 1000
    data = replace(mnist_slice, X_train=mnist_slice.X_train[:rows],
                   y_train=mnist_slice.y_train[:rows])
    config = TrainConfig(lr=0.5, schedule="cosine", warmup=5, momentum=0.5, epochs=8,
                         batch_size=0 if batch == "full" else rows)
    result = train(config, data)
    reference = _reference_run(config, data.X_train, data.y_train)
    for name, value in reference.items():
        # float32 training against a float64 reference: rounding only (about 1e-6 relative).
        np.testing.assert_allclose(result.params[name], value, rtol=1e-4, atol=1e-5,
                                   err_msg=name)
    rates = [learning_rate("cosine", t, 8, 0.5, warmup_steps=5) for t in range(9)]
    assert result.history["lr"] == rates  # recorded with the parameters after t updates


def test_huge_learning_rate_stops_with_a_message_naming_it(mnist):
    from mnist_scratch.train.inputs import from_dataset

    # On all 60,000 rows an lr of 1e9 overflows the weights within the first epoch.
    with pytest.raises(TrainingError, match=r"learning rate 1000000000\.0"):
        train(replace(SHORT, lr=1e9, epochs=1), from_dataset(mnist))


def test_dead_hidden_layer_stops_the_run_naming_the_learning_rate(mnist_slice):
    # The recipe at lr 4 with no warm-up kills every ReLU within the first epoch; the loss then
    # stays finite, near chance, and nothing can revive the units: not a success.
    config = replace(IMPROVED_CONFIG, lr=4.0, schedule="constant", warmup=0, epochs=3)
    with pytest.raises(TrainingError, match=r"all 10 hidden units are dead .* learning rate 4\.0"):
        train(config, mnist_slice)


def test_a_loss_that_never_falls_stops_the_run(mnist_slice):
    config = replace(SHORT, lr=1e-12, warmup=0)
    with pytest.raises(TrainingError, match=r"never fell below its start .* learning rate 1e-12"):
        train(config, mnist_slice)


@pytest.mark.parametrize(
    ("change", "words"),
    [({"hidden": 0}, "hidden"), ({"momentum": 1.0}, "momentum"), ({"lr": -1.0}, "lr"),
     ({"lr": float("nan")}, "lr"), ({"momentum": float("nan")}, "momentum"),
     ({"batch_size": -1}, "batch"), ({"epochs": 0}, "epochs"), ({"init": "zeros"}, "init"),
     ({"seed": -1}, "seed"), ({"dataset": "cifar"}, "dataset"), ({"warmup": -1}, "warmup"),
     ({"schedule": "constant"}, "warm-up .* cosine"), ({"schedule": "step"}, "schedule")],
)
def test_bad_config_is_one_clear_error(change, words):
    with pytest.raises(TrainingError, match=words) as caught:
        replace(TrainConfig(), **change).check()
    assert "\n" not in str(caught.value)


def test_choices_come_from_their_owners():
    from mnist_scratch.data.known import DATASETS
    from mnist_scratch.network import INIT_SCHEMES
    from mnist_scratch.optim import SCHEDULES

    for name, choices in (("init", INIT_SCHEMES), ("schedule", SCHEDULES),
                          ("dataset", DATASETS)):
        for choice in choices:
            change = {name: choice, "warmup": 0}
            assert replace(TrainConfig(), **change).problems() == [], (name, choice)


def test_a_huge_network_is_refused_before_anything_is_allocated(mnist_slice):
    with pytest.raises(TrainingError, match=r"needs about .* TB of memory, but .* available, "
                                            r"so at most about [\d,]+ hidden units fit"):
        train(replace(SHORT, hidden=10**9), mnist_slice)


def test_snapshots_are_taken_at_geometric_steps(mnist_slice):
    result = train(SHORT, mnist_slice, snapshots=6)
    steps = [s["step"] for s in result.snapshots]
    assert steps == snapshot_steps(2 * result.steps_per_epoch, 6)
    assert steps[0] == 0 and steps[-1] == 2 * result.steps_per_epoch
    assert result.snapshots[0]["W1"].shape == (10, 784)
    # The network learns between the first and last frame.
    assert result.snapshots[-1]["test_accuracy"] > result.snapshots[0]["test_accuracy"] + 0.5


def test_history_is_measured_after_each_epoch(mnist_slice):
    result = train(SHORT, mnist_slice)
    h = result.history
    assert h["epoch"] == [0.0, 1.0, 2.0]
    assert h["test_accuracy"][-1] == result.final["test_accuracy"]
    assert all(np.diff(h["time_s"]) > 0)


def test_warmup_ramps_the_first_steps_and_must_fit_the_run(mnist_slice):
    result = train(replace(SHORT, epochs=1, warmup=0), mnist_slice)
    # Recorded per epoch: step 0 of a warmed-up run starts at lr / W instead of lr.
    warm = train(replace(SHORT, epochs=1, warmup=50), mnist_slice)
    assert result.history["lr"][0] == SHORT.lr
    assert warm.history["lr"][0] == pytest.approx(SHORT.lr / 50)
    assert not np.array_equal(result.params["W1"], warm.params["W1"])
    assert warm.final["test_accuracy"] > 0.8  # one epoch on 6,000 rows
    with pytest.raises(TrainingError, match="warmup 500 must be shorter"):
        train(replace(SHORT, epochs=1, warmup=500), mnist_slice)


def test_overrides_reach_every_run_and_each_experiment_names_its_own():
    exps = catalogue()
    improved = exps["improved"].override({"seed": 10, "epochs": 3})
    assert [c.seed for _, c in improved.runs] == [10, 11, 12, 13, 14]
    assert {c.epochs for _, c in improved.runs} == {3}
    assert improved.showcase == "seed10"
    width = exps["width"].override({"hidden": 64})
    assert [rid for rid, _ in width.runs] == ["hidden64"] and width.showcase == "hidden64"
    ablation = exps["ablation"].override({"seed": 10})
    assert ablation.runs[0][0] == "baseline-seed10" and ablation.showcase == "warmup-seed10"


def test_ablation_goes_from_the_baseline_to_the_improved_recipe_one_change_at_a_time():
    configs = [c for _, _, c in ABLATION_STEPS]
    assert configs[-1] == IMPROVED_CONFIG  # the last step is the recipe the site reports
    first = configs[0]
    assert (first.init, first.batch_size, first.lr, first.schedule) == (
        BASELINE_CONFIG.init, 0, BASELINE_CONFIG.lr, "constant")
    assert {c.epochs for c in configs} == {IMPROVED_CONFIG.epochs}  # same data budget
    for before, after in zip(configs[1:], configs[2:], strict=False):
        changed = [f.name for f in fields(before) if getattr(before, f.name) !=
                   getattr(after, f.name)]
        assert len(changed) == 1, changed  # exactly one change per step after mini-batching
    assert len(catalogue()["ablation"].runs) == len(ABLATION_STEPS) * len(ABLATION_SEEDS)
