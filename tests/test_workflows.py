"""The GitHub workflows are valid: actionlint (from the pinned wheel) finds nothing."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

WORKFLOWS = sorted((Path(__file__).resolve().parents[1] / ".github" / "workflows").glob("*.yml"))


def _actionlint() -> str | None:
    # The pinned wheel installs the binary beside the interpreter.
    beside = Path(sys.executable).with_name("actionlint")
    return str(beside) if beside.exists() else shutil.which("actionlint")


def test_there_are_test_and_docs_workflows():
    assert {p.name for p in WORKFLOWS} >= {"docs.yml", "tests.yml"}


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda p: p.name)
def test_actionlint_is_clean(workflow):
    exe = _actionlint()
    if exe is None:
        pytest.skip("actionlint is not installed (pip install -r requirements.txt)")
    result = subprocess.run([exe, str(workflow)], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr
