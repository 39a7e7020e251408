"""The benchmark times the training loop's own code, runs end to end, and writes a sound artifact.

No assertion here depends on speed (these machines are noisy): only that what is timed is the
loop itself, that every part ran, that the JSON has the documented structure, and that every
ratio is a finite positive number.
"""

from __future__ import annotations

import json
import math
import subprocess
import sys
from dataclasses import replace

import numpy as np
import pytest

from mnist_scratch.bench import cli, epochs, report
from mnist_scratch.bench.measure import Rows, synthetic_bytes, synthetic_rows
from mnist_scratch.bench.versus_torch import versus_torch
from mnist_scratch.memory import human
from mnist_scratch.network import init_params
from mnist_scratch.train import loop
from mnist_scratch.train.experiments import IMPROVED_CONFIG

ROWS = 1024  # enough for several batches of 128; small enough to run in seconds


def _ratios(results: dict) -> dict[str, float]:
    """Every ratio in the results, by a readable path."""
    found = {
        "full_batch.ratio": results["full_batch"]["ratio"],
        "full_batch.products_over_stream": results["full_batch"]["products_over_stream"],
    }
    for rec in results["minibatch"]["batches"]:
        for key in ("ratio", "ratio_default_threads"):
            if key in rec:
                found[f"minibatch.B{rec['batch']}.{key}"] = rec[key]
        for name, alt in rec["layouts"].items():
            found[f"minibatch.B{rec['batch']}.{name}.loop_speedup"] = alt["loop_speedup"]
    for s in results["torch"].get("settings", []):
        name = f"torch.H{s['hidden']}.T{s['numpy_blas_threads']}"
        found[f"{name}.idiomatic"] = s["ratio_idiomatic"]
        found[f"{name}.formulas"] = s["ratio_formulas"]
    return found


@pytest.fixture(scope="module")
def quick_no_torch(tmp_path_factory):
    out = tmp_path_factory.mktemp("bench")
    status = cli.main(["--quick", "--synthetic", str(ROWS), "--no-torch", "--out", str(out)])
    assert status == 0
    return json.loads((out / "results.json").read_text(encoding="utf-8"))


def test_the_benchmark_times_the_loops_own_functions():
    assert epochs.minibatch_epoch is loop.minibatch_epoch
    assert epochs.full_batch_step is loop.full_batch_step
    assert issubclass(epochs.CopyBatches, loop.Batches)
    assert issubclass(epochs.Uint8Batches, loop.Batches)
    assert cli.BATCHES[0] == IMPROVED_CONFIG.batch_size  # the recipe's batch, not another


def test_the_benchmarks_epoch_is_the_first_epoch_of_a_training_run(mnist_slice):
    """Started from train's own initial weights and shuffle, the timed epoch lands on exactly
    the weights of a one-epoch run of the recipe: same batches, same warm-up, same bits."""
    config = replace(IMPROVED_CONFIG, epochs=1, warmup=50)
    trained = loop.train(config, mnist_slice).params
    init_seq, shuffle_seq, _ = np.random.SeedSequence(config.seed).spawn(3)
    rows = Rows(mnist_slice.X_train, np.zeros(0, np.uint8), mnist_slice.y_train,
                mnist_slice.X_test, mnist_slice.y_test, mnist_slice.test_images, "mnist")
    epoch = epochs.Epoch(rows, config, hidden=10,
                         batches=loop.Batches(rows.X_train, rows.y_train, config.batch_size))
    epoch.descent = loop.Descent(init_params(hidden=10, inputs=784, scheme=config.init,
                                             rng=np.random.default_rng(init_seq)),
                                 config.momentum)
    epoch.rng = np.random.default_rng(shuffle_seq)
    with loop.one_blas_thread():
        epoch()
    for name, value in trained.items():
        assert np.array_equal(epoch.descent.params[name], value), name


def test_artifact_structure(quick_no_torch):
    r = quick_no_torch
    assert r["schema"] == report.SCHEMA
    assert r["quick"] is True
    assert r["data"] == {"source": "synthetic", "train_rows": ROWS,
                         "test_rows": r["data"]["test_rows"], "dtype": "float32"}
    env = r["environment"]
    assert env["blas_threads"] >= 1 and env["numpy"]
    # The BLAS variables are reported exactly as found, never set by the benchmark.
    assert set(env["env"]) >= {"OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE"}
    assert [rec["batch"] for rec in r["minibatch"]["batches"]] == list(cli.BATCHES)
    assert r["minibatch"]["recipe"]["warmup"] == IMPROVED_CONFIG.warmup
    for rec in r["minibatch"]["batches"]:
        assert set(rec["split_ms"]) == {"shuffle", "gather", "blas_products", "remainder",
                                        "fixed_per_step_overhead"}
        assert set(rec["layouts"]) == {"copy", "uint8"}
    assert r["torch"] == {"skipped": "--no-torch"}
    assert "skipped" in r["training"]["peak_rss"]  # the training CLI needs real MNIST
    tta = r["training"]["time_to_accuracy"]
    assert set(tta["reached"]) == {"92%", "94%"}
    assert tta["config"]["epochs"] == 2


def test_ratios_are_finite_and_positive(quick_no_torch):
    ratios = _ratios(quick_no_torch)
    assert len(ratios) >= 8
    bad = {k: v for k, v in ratios.items() if not (math.isfinite(v) and v > 0)}
    assert not bad


def test_summary_and_page_table(quick_no_torch):
    rows = quick_no_torch["summary"]
    assert {row["part"] for row in rows} == {"1", "2", "3", "4"}
    assert all(set(row) == {"part", "measure", "value", "target", "met"} for row in rows)
    page = report.render_markdown(quick_no_torch)
    assert page.startswith("| part | measure | value |")  # three columns: fits a phone
    assert "(target ≤ 1.3: " in page
    assert "OPENBLAS_CORETYPE" in page and "skipped" in page
    with pytest.raises(KeyError, match="schema"):
        report.render_markdown({**quick_no_torch, "schema": 1})  # an old results.json


def test_torch_part_when_installed():
    pytest.importorskip("torch")
    rows = synthetic_rows(512)
    part = versus_torch(rows, rounds=1, hiddens=(10,), recipe=replace(IMPROVED_CONFIG,
                                                                       batch_size=128),
                        blas_threads=1)
    assert part["settings"], part
    for s in part["settings"]:
        for key in ("ratio_idiomatic", "ratio_formulas"):
            assert math.isfinite(s[key]) and s[key] > 0


@pytest.mark.parametrize(("args", "words"), [
    (["--synthetic", "10"], "needs at least 256 rows"),
    (["--synthetic", "10000000000"], "of memory, but"),
    (["--synthetic", "1e10"], "invalid int value: '1e10'"),
])
def test_bad_option_is_one_line_error(tmp_path, capsys, args, words):
    try:
        status = cli.main([*args, "--no-torch", "--out", str(tmp_path)])
    except SystemExit as exit:
        status = exit.code
    err = capsys.readouterr().err
    assert status == 2 and err.startswith("error: ") and err.count("\n") == 1, err
    assert words in err
    assert list(tmp_path.iterdir()) == []


def test_huge_synthetic_is_refused_under_python_O(tmp_path):
    done = subprocess.run([sys.executable, "-O", "-m", "mnist_scratch.bench", "--synthetic",
                           "10000000000", "--no-torch", "--out", str(tmp_path)],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 2 and done.stderr.count("\n") == 1, done.stderr
    needed = human(synthetic_bytes(10**10))  # images, their float32 rows, a shuffled copy
    assert f"--synthetic 10000000000 needs about {needed} of memory" in done.stderr


def test_the_layouts_train_identically():
    """The other layouts the benchmark times change speed only: same batches, same bits."""
    rows = synthetic_rows(300)
    config = replace(IMPROVED_CONFIG, batch_size=64, warmup=5)
    trained = {}
    for name in epochs.LAYOUTS:
        epoch = epochs.Epoch(rows, config, hidden=4, batches=epochs.layout(name, rows, 64),
                             seed=3)
        with np.errstate(all="ignore"):
            epoch()
            epoch()
        trained[name] = epoch.descent.params
    assert all(np.isfinite(p).all() for p in trained["batch"].values())
    for name, params in trained.items():
        for key, value in params.items():
            np.testing.assert_array_equal(value, trained["batch"][key], err_msg=name)
