"""The training loop on real MNIST: determinism, learning, divergence, snapshots, overrides."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from mnist_scratch.train import (
    TrainConfig,
    TrainingError,
    _snapshot_steps,
    apply_overrides,
    experiments,
    from_dataset,
    train,
)


@pytest.fixture(scope="module")
def small(mnist):
    """The first 6,000 training rows and the full test set: a run takes a fraction of a second."""
    return from_dataset(mnist, train_rows=6000)


SHORT = TrainConfig(epochs=2, batch_size=64, warmup=20)  # 94 steps an epoch on 6,000 rows


def test_same_seed_gives_identical_weights(small):
    a = train(SHORT, small)
    b = train(SHORT, small)
    for name in a.params:
        assert np.array_equal(a.params[name], b.params[name]), name  # bit for bit
    c = train(replace(SHORT, seed=1), small)
    assert not np.array_equal(a.params["W1"], c.params["W1"])


def test_full_batch_is_deterministic_and_records_every_iteration(small):
    config = TrainConfig(init="uniform", lr=0.3, schedule="constant", warmup=0, momentum=0.0,
                         epochs=5, batch_size=0, holdout=500)
    a, b = train(config, small), train(config, small)
    assert np.array_equal(a.params["W1"], b.params["W1"])
    assert a.history["step"] == [0, 1, 2, 3, 4, 5]
    assert len(a.history["heldout_accuracy"]) == 6
    assert a.steps_per_epoch == 1


def test_short_run_on_real_data_lowers_the_loss(small):
    result = train(SHORT, small)
    loss = result.history["train_loss"]
    assert loss[-1] < 0.5 * loss[0]  # from ~2.3 (chance) to well under half of it
    assert result.final["test_accuracy"] > 0.85


def test_momentum_and_constant_schedule_also_learn(small):
    config = replace(SHORT, momentum=0.9, lr=0.02, schedule="constant", warmup=0)
    result = train(config, small)
    assert result.history["train_loss"][-1] < result.history["train_loss"][0]
    assert result.history["lr"] == [0.02] * 3


def test_full_batch_gradient_descent_lowers_the_loss(small):
    config = TrainConfig(init="uniform", lr=0.3, schedule="constant", warmup=0, momentum=0.0,
                         epochs=30, batch_size=0)
    loss = train(config, small).history["train_loss"]
    assert loss[-1] < loss[0]


def test_huge_learning_rate_stops_with_a_message_naming_it(mnist):
    # On all 60,000 rows an lr of 1e9 overflows the weights within the first epoch.
    with pytest.raises(TrainingError, match=r"learning rate 1000000000\.0"):
        train(replace(SHORT, lr=1e9, epochs=1), from_dataset(mnist))


@pytest.mark.parametrize(
    ("change", "words"),
    [({"hidden": 0}, "hidden"), ({"momentum": 1.0}, "momentum"), ({"lr": -1.0}, "lr"),
     ({"batch_size": -1}, "batch"), ({"epochs": 0}, "epochs"), ({"init": "zeros"}, "init"),
     ({"warmup": -1}, "warmup"), ({"schedule": "constant"}, "warm-up .* cosine")],
)
def test_bad_config_is_one_clear_error(change, words):
    with pytest.raises(TrainingError, match=words):
        replace(TrainConfig(), **change).check()


def test_snapshots_are_taken_at_geometric_steps(small):
    result = train(SHORT, small, snapshots=6)
    steps = [s["step"] for s in result.snapshots]
    assert steps == _snapshot_steps(2 * result.steps_per_epoch, 6)
    assert steps[0] == 0 and steps[-1] == 2 * result.steps_per_epoch
    assert result.snapshots[0]["W1"].shape == (10, 784)
    # The network learns between the first and last frame.
    assert result.snapshots[-1]["test_accuracy"] > result.snapshots[0]["test_accuracy"] + 0.5


def test_history_is_measured_after_each_epoch(small):
    result = train(SHORT, small)
    h = result.history
    assert h["epoch"] == [0.0, 1.0, 2.0]
    assert h["test_accuracy"][-1] == result.final["test_accuracy"]
    assert all(np.diff(h["time_s"]) > 0)


def test_overrides_reach_every_run():
    exps = experiments()
    improved = apply_overrides(exps["improved"], {"seed": 10, "epochs": 3})
    assert [c.seed for _, c in improved.runs] == [10, 11, 12, 13, 14]
    assert {c.epochs for _, c in improved.runs} == {3}
    assert improved.showcase == "seed10"
    width = apply_overrides(exps["width"], {"hidden": 64})
    assert [rid for rid, _ in width.runs] == ["hidden64"] and width.showcase == "hidden64"


def test_warmup_ramps_the_first_steps_and_must_fit_the_run(small):
    result = train(replace(SHORT, epochs=1, warmup=0), small)
    # Recorded per epoch: step 0 of a warmed-up run starts at lr / W instead of lr.
    warm = train(replace(SHORT, epochs=1, warmup=50), small)
    assert result.history["lr"][0] == SHORT.lr
    assert warm.history["lr"][0] == pytest.approx(SHORT.lr / 50)
    assert not np.array_equal(result.params["W1"], warm.params["W1"])
    assert warm.final["test_accuracy"] > 0.8  # one epoch on 6,000 rows
    with pytest.raises(TrainingError, match="warmup 500 must be shorter"):
        train(replace(SHORT, epochs=1, warmup=500), small)


def test_ablation_goes_from_the_seeds_to_the_improved_recipe_one_change_at_a_time():
    from dataclasses import fields

    from mnist_scratch.train import ABLATION_SEEDS, ABLATION_STEPS, IMPROVED_CONFIG, SEED_CONFIG

    configs = [c for _, _, c in ABLATION_STEPS]
    assert configs[-1] == IMPROVED_CONFIG  # the last step is the recipe the site reports
    first = configs[0]
    assert (first.init, first.batch_size, first.lr, first.schedule) == (
        SEED_CONFIG.init, 0, SEED_CONFIG.lr, "constant")
    assert {c.epochs for c in configs} == {IMPROVED_CONFIG.epochs}  # same data budget
    for before, after in zip(configs[1:], configs[2:], strict=False):
        changed = [f.name for f in fields(before) if getattr(before, f.name) !=
                   getattr(after, f.name)]
        assert len(changed) == 1, changed  # exactly one change per step after mini-batching
    exp = experiments()["ablation"]
    assert len(exp.runs) == len(ABLATION_STEPS) * len(ABLATION_SEEDS)
    shifted = apply_overrides(exp, {"seed": 10})
    assert shifted.runs[0][0] == "seeds-seed10" and shifted.showcase == "warmup-seed10"
