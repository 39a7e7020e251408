"""The README tells the truth: its results come from the committed runs, and CI runs its command.

The README's doctest (the trained-network example) runs under pytest through
``--doctest-glob=README.md`` in pyproject.toml.
"""

import json
import re
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
RUNS = ROOT / "docs" / "assets" / "runs"


def _metrics(name: str) -> dict:
    return json.loads((RUNS / name / "metrics.json").read_text(encoding="utf-8"))


def _pct(fraction: float) -> str:
    return f"{100 * fraction:.2f}%"


def _results_rows() -> dict[str, list[str]]:
    """The README's results table: first cell (run) and second (setup) -> last cell."""
    block = re.search(r"<!-- results -->\n(.*?)<!-- /results -->", README, re.S)
    assert block, "README.md has no <!-- results --> block"
    rows = {}
    for line in block[1].splitlines()[2:]:
        cells = [c.strip() for c in line.strip("|").split("|")]
        rows[cells[1]] = re.findall(r"\d+\.\d+%", cells[2])
    return rows


def _row(startswith: str) -> list[str]:
    rows = _results_rows()
    hits = [v for k, v in rows.items() if k.startswith(startswith)]
    assert len(hits) == 1, f"expected one README results row starting {startswith!r}"
    return hits[0]


def test_seed_reproduction_numbers_match_metrics():
    at = _metrics("seed-reproduction")["summary"]["at"]
    reported = _metrics("seed-reproduction")["summary"]["seeds_reported_heldout_accuracy"]
    assert _row("the seeds' recipe") == [
        _pct(at["200"]["test_accuracy"]), _pct(at["200"]["heldout_accuracy"]), _pct(reported)
    ]
    assert _row("the same, continued to 500") == [_pct(at["500"]["test_accuracy"])]


def test_improved_numbers_match_metrics():
    acc = _metrics("improved")["summary"]["test_accuracy"]
    assert _row("784-10-10, He init") == [_pct(acc["mean"]), _pct(acc["min"]), _pct(acc["max"])]


def test_widest_network_number_matches_metrics():
    summary = _metrics("width")["summary"]
    widest = max(summary["widths"])
    assert f"with {widest} hidden units" in README
    assert _row("the improved recipe with") == [
        _pct(summary["test_accuracy"][summary["widths"].index(widest)])
    ]


def _command(marker: str) -> str:
    match = re.search(rf"<!-- {marker} -->\n```bash\n(.+)\n```", README)
    assert match, f"README.md has no {marker} block"
    return match[1]


def test_ci_runs_the_readme_test_command():
    # .ci/run extracts the line after the marker itself; check it finds this exact command.
    script = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    awk = re.search(r"cmd=\$\(awk '(.+?)' README.md\)", script)
    assert awk, ".ci/run no longer extracts the test command from README.md"
    found = subprocess.run(["awk", awk[1], "README.md"], cwd=ROOT, capture_output=True,
                           text=True, check=True).stdout.strip()
    assert found == _command("test-command")
    assert found.endswith("python -m pytest")


@pytest.mark.parametrize("marker", ["main-command", "test-command"])
def test_commands_install_the_pinned_requirements_in_a_fresh_venv(marker):
    assert _command(marker).startswith(
        "python3 -m venv .venv && .venv/bin/pip install -r requirements.txt && "
    )
