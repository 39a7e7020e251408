"""What the package promises about itself: its licence, its citation and the Pythons it runs on.

One list owns the promised Python versions: pyproject.toml's classifiers. The README's promise,
``requires-python`` and the tests workflow's matrix are checked against it, so a version cannot
be promised without being tested (each was proved by hand with pyenv: install + quick run).
"""

from __future__ import annotations

import re
import tomllib
from importlib.metadata import metadata
from pathlib import Path

import yaml

import mnist_scratch

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
PROMISED = [
    c.rsplit(" :: ", 1)[1]
    for c in PYPROJECT["classifiers"]
    if re.fullmatch(r"Programming Language :: Python :: 3\.\d+", c)
]


def test_the_installed_metadata_carries_the_licence():
    meta = metadata("mnist_scratch")
    assert meta["License-Expression"] == "MIT", (
        "the installed metadata has no MIT licence: reinstall with pip install -e ."
    )
    assert "LICENSE" in (meta.get_all("License-File") or [])
    assert (ROOT / "LICENSE").read_text(encoding="utf-8").startswith("MIT License")


def test_the_citation_names_this_version_and_licence():
    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    assert cff["cff-version"] == "1.2.0"
    assert cff["version"] == PYPROJECT["version"] == mnist_scratch.__version__
    assert cff["license"] == PYPROJECT["license"]
    assert cff["title"].startswith("mnist_scratch")


def test_promised_pythons_are_the_ones_required_documented_and_tested():
    assert PROMISED, "pyproject.toml lists no Python classifiers"
    assert PYPROJECT["requires-python"] == f">={PROMISED[0]}"
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    promise = re.search(r"Python (3\.\d+) to (3\.\d+)", readme)
    assert promise, "the README does not say which Pythons it supports"
    assert [promise[1], promise[2]] == [PROMISED[0], PROMISED[-1]]
    workflow = yaml.safe_load((ROOT / ".github/workflows/tests.yml").read_text(encoding="utf-8"))
    matrix = workflow["jobs"]["pytest"]["strategy"]["matrix"]["python"]
    assert matrix == PROMISED
