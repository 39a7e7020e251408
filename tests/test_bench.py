"""The benchmark runs end to end on tiny synthetic data and writes a well-formed artifact.

No assertion here depends on speed (these machines are noisy): only that every part ran, that
the JSON has the documented structure, and that every ratio is a finite positive number.
"""

from __future__ import annotations

import json
import math

import pytest

from mnist_scratch import bench

ROWS = 1024  # enough for several batches of 128; small enough to run in seconds


def _ratios(results: dict) -> dict[str, float]:
    """Every ratio in the results, by a readable path."""
    found = {
        "full_batch.ratio": results["full_batch"]["ratio"],
        "full_batch.products_over_stream": results["full_batch"]["products_over_stream"],
    }
    for rec in results["minibatch"]["batches"]:
        for key in ("ratio", "ratio_blas1", "blas1_speedup"):
            if key in rec:
                found[f"minibatch.B{rec['batch']}.{key}"] = rec[key]
        for g, alt in rec["gather_alternatives"].items():
            found[f"minibatch.B{rec['batch']}.{g}.speedup"] = alt["speedup"]
    for s in results["torch"].get("settings", []):
        name = f"torch.H{s['hidden']}.T{s['numpy_blas_threads']}"
        found[f"{name}.idiomatic"] = s["ratio_idiomatic"]
        found[f"{name}.formulas"] = s["ratio_formulas"]
    return found


@pytest.fixture(scope="module")
def quick_no_torch(tmp_path_factory):
    out = tmp_path_factory.mktemp("bench")
    status = bench.main(["--quick", "--synthetic", str(ROWS), "--no-torch", "--out", str(out)])
    assert status == 0
    return json.loads((out / "results.json").read_text(encoding="utf-8"))


def test_artifact_structure(quick_no_torch):
    r = quick_no_torch
    assert r["schema"] == bench.SCHEMA
    assert r["quick"] is True
    assert r["data"] == {"source": "synthetic", "train_rows": ROWS,
                         "test_rows": r["data"]["test_rows"], "dtype": "float32"}
    for key in ("environment", "full_batch", "minibatch", "training", "torch", "summary"):
        assert key in r, key
    env = r["environment"]
    assert env["blas_threads"] >= 1 and env["numpy"]
    # The BLAS variables are reported exactly as found, never set by the benchmark.
    assert set(env["env"]) >= {"OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE"}
    assert [rec["batch"] for rec in r["minibatch"]["batches"]] == [128, 64]
    for rec in r["minibatch"]["batches"]:
        assert set(rec["split_ms"]) == {"shuffle", "blas_products", "remainder",
                                        "fixed_per_step_overhead"}
        assert set(rec["gather_alternatives"]) == {"batch", "uint8"}
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
    page = bench.render_markdown(quick_no_torch)
    assert page.startswith("| part | measure | value | target | met |")
    assert "OPENBLAS_CORETYPE" in page and "skipped" in page


def test_torch_part_when_installed(tmp_path):
    pytest.importorskip("torch")
    rows = bench.synthetic_rows(512)
    opt = dict(bench.FALLBACK_RECIPE, batch_size=128)
    part = bench.versus_torch(rows, rounds=1, hiddens=(10,), opt=opt, blas_threads=1)
    assert part["settings"], part
    for s in part["settings"]:
        for key in ("ratio_idiomatic", "ratio_formulas"):
            assert math.isfinite(s[key]) and s[key] > 0


def test_bad_option_is_one_line_error(tmp_path, capsys):
    assert bench.main(["--synthetic", "10", "--no-torch", "--out", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and err.count("\n") == 1


def test_gather_layouts_train_identically():
    """The alternative layouts the benchmark times change speed only: same batches, same bits."""
    import numpy as np

    rows = bench.synthetic_rows(300)
    opt = dict(bench.FALLBACK_RECIPE, batch_size=64)
    trained = {}
    for gather in bench.NumpyEpoch.GATHERS:
        e = bench.NumpyEpoch(rows, hidden=4, batch=64, opt=opt, seed=3, gather=gather)
        with np.errstate(all="ignore"):
            e.epoch()
            e.epoch()
        trained[gather] = e.params
    assert all(np.isfinite(p).all() for p in trained["copy"].values())
    for gather, params in trained.items():
        for name, value in params.items():
            np.testing.assert_array_equal(value, trained["copy"][name], err_msg=gather)
