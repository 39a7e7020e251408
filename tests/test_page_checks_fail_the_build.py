"""A derivation page's check fails `mkdocs build --strict` whatever the interpreter's flags.

Issue 10: with ``PYTHONOPTIMIZE=1`` in the environment the notebook kernels inherit it, and
``assert`` disappears: a wrong ``relu_prime`` (1 at exactly 0) once passed the strict build.
The pages now check through `mnist_scratch.checks`, which raises. Here a throwaway one-page
site, built the way the real one is (mkdocs-jupyter, executed, errors not allowed), checks a
wrong ``relu_prime`` with ``PYTHONOPTIMIZE=1`` set: the build must fail, at that check. Under
``python -O`` the check itself raises for the wrong function and holds for the package's.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

PAGE = '''\
# %% [markdown]
# # A page check

# %%
from mnist_scratch import checks


def one_at_zero(Z):
    return (Z >= 0).astype(Z.dtype)


checks.check_relu(relu_prime=one_at_zero)
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


def _build(tmp_path: Path) -> subprocess.CompletedProcess[str]:
    project = tmp_path / "site"
    (project / "docs").mkdir(parents=True)
    (project / "docs" / "check.py").write_text(PAGE, encoding="utf-8")
    (project / "mkdocs.yml").write_text(CONFIG, encoding="utf-8")
    env = {
        **os.environ,
        "PYTHONOPTIMIZE": "1",
        "NO_MKDOCS_2_WARNING": "1",
    }
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(project / "site")],
        cwd=project,
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )


def test_a_page_check_fails_the_build_under_pythonoptimize(tmp_path):
    done = _build(tmp_path)
    log = done.stdout + done.stderr
    assert done.returncode != 0, "the build passed with a wrong relu_prime:\n" + log[-2000:]
    # The build failed at the check, not for some other reason: its own message is in the log.
    assert "CheckFailed" in log and "relu_prime matches H(z)" in log


def _check_relu_under_python_minus_o(relu_prime: str) -> subprocess.CompletedProcess[str]:
    code = textwrap.dedent(f"""
        from mnist_scratch import activations, checks
        checks.check_relu(relu_prime={relu_prime})
    """)
    return subprocess.run([sys.executable, "-O", "-c", code], capture_output=True, text=True,
                          timeout=120)  # fmt: skip


def test_the_check_itself_raises_under_python_minus_o():
    done = _check_relu_under_python_minus_o("lambda Z: (Z >= 0).astype(Z.dtype)")
    assert done.returncode != 0 and "CheckFailed" in done.stderr


def test_the_check_passes_the_package_under_python_minus_o():
    # The control: with the package's relu_prime the same check holds, so a failure above is
    # the wrong function's. (The site build runs the real relu page's check in full.)
    done = _check_relu_under_python_minus_o("activations.relu_prime")
    assert done.returncode == 0, done.stderr
