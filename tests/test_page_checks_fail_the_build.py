"""A derivation page's check fails `mkdocs build --strict` whatever the interpreter's flags.

Issue 10: with ``PYTHONOPTIMIZE=1`` in the environment the notebook kernels inherit it, and
``assert`` disappears: a wrong ``relu_prime`` (1 at exactly 0) once passed the strict build.
The pages now check through `mnist_scratch.checks`, which raises. Here a throwaway one-page
site, built the way the real one is (mkdocs-jupyter, executed, errors not allowed), checks a
wrong ``relu_prime`` with ``PYTHONOPTIMIZE=1`` set: the build must fail; the same page with the
package's ``relu_prime`` must build.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

PAGE = '''\
# %% [markdown]
# # A page check

# %%
import os

import numpy as np

from mnist_scratch import activations, checks


def one_at_zero(Z):
    return (Z >= 0).astype(Z.dtype)


wrong = os.environ.get("H4_WRONG_RELU_PRIME") == "1"
checks.check_relu(relu_prime=one_at_zero if wrong else activations.relu_prime)
'''

CONFIG = """\
site_name: page check
strict: true
nav:
  - check.py
plugins:
  - mkdocs-jupyter:
      include: ["*.py"]
      execute: true
      allow_errors: false
      cache: false
      kernel_name: python3
"""


def _build(tmp_path: Path, wrong: bool) -> subprocess.CompletedProcess[str]:
    project = tmp_path / ("wrong" if wrong else "right")
    (project / "docs").mkdir(parents=True)
    (project / "docs" / "check.py").write_text(PAGE, encoding="utf-8")
    (project / "mkdocs.yml").write_text(CONFIG, encoding="utf-8")
    env = {
        **os.environ,
        "PYTHONOPTIMIZE": "1",
        "NO_MKDOCS_2_WARNING": "1",
        "H4_WRONG_RELU_PRIME": "1" if wrong else "0",
    }
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(project / "site")],
        cwd=project,
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )


@pytest.mark.parametrize("wrong", [True, False], ids=["wrong relu_prime", "package relu_prime"])
def test_a_page_check_fails_the_build_under_pythonoptimize(tmp_path, wrong):
    done = _build(tmp_path, wrong)
    log = done.stdout + done.stderr
    if wrong:
        assert done.returncode != 0, "the build passed with a wrong relu_prime:\n" + log[-2000:]
        assert "CheckFailed" in log and "relu_prime matches H(z)" in log
    else:
        assert done.returncode == 0, log[-2000:]


def test_the_check_itself_raises_under_python_minus_o():
    code = textwrap.dedent("""
        from mnist_scratch import checks
        checks.check_relu(relu_prime=lambda Z: (Z >= 0).astype(Z.dtype))
    """)
    done = subprocess.run([sys.executable, "-O", "-c", code], capture_output=True, text=True,
                          timeout=120)  # fmt: skip
    assert done.returncode != 0 and "CheckFailed" in done.stderr
