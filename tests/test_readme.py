"""The README tells the truth: its results come from the committed runs, and CI runs its command.

The README's doctest (the trained-network example) runs under pytest through
``--doctest-glob=README.md`` in pyproject.toml.
"""

import re
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from reproduction import TOLERANCE, committed_metrics, current_metrics

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _pct(fraction: float) -> str:
    return f"{100 * fraction:.2f}%"


def _results_rows() -> dict[str, list[str]]:
    """The README's results table: second cell (setup) -> the percentages of the last cell."""
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


def check_row(startswith: str, experiment: str, numbers: Callable[[dict], list[float]]) -> None:
    """The README row quotes the committed run exactly; the run on disk is within TOLERANCE.

    After the main job on another machine the files on disk hold *your* run, which may differ
    from the committed one in the last digits; the README keeps quoting the committed run. A
    README that quotes the run on disk (regenerated, about to be committed) passes too. Anything
    else is a hand edit, or a rerun further from the committed one than BLAS rounding explains.
    """
    shown = _row(startswith)
    committed = numbers(committed_metrics(experiment))
    current = numbers(current_metrics(experiment))
    if shown == [_pct(x) for x in current]:
        return  # the README quotes exactly the files on disk
    assert shown == [_pct(x) for x in committed], (
        f"README row {startswith!r} shows {shown}, but the committed {experiment} run gives "
        f"{[_pct(x) for x in committed]} and the run on disk {[_pct(x) for x in current]}: "
        "was the README edited by hand?"
    )
    for was, now in zip(committed, current, strict=True):
        assert abs(now - was) <= TOLERANCE, (
            f"{experiment}: your regenerated run gives {_pct(now)} where the committed run "
            f"(quoted by the README) gives {_pct(was)}: {100 * abs(now - was):.2f} points apart, "
            f"more than the {100 * TOLERANCE:.1f}-point tolerance for another machine's rounding"
        )


def test_baseline_numbers_match_metrics():
    def at(step: int, key: str) -> Callable[[dict], float]:
        return lambda m: m["summary"]["at"][str(step)][key]

    check_row("the original tutorial's recipe", "baseline", lambda m: [
        at(200, "test_accuracy")(m), at(200, "heldout_accuracy")(m),
        m["summary"]["baseline_reported_heldout_accuracy"],
    ])
    check_row("the same, continued to 500", "baseline",
              lambda m: [at(500, "test_accuracy")(m)])


def test_improved_numbers_match_metrics():
    def mean_min_max(m: dict) -> list[float]:
        acc = m["summary"]["test_accuracy"]
        return [acc["mean"], acc["min"], acc["max"]]

    check_row("784-10-10, He init", "improved", mean_min_max)


def test_widest_network_number_matches_metrics():
    summary = committed_metrics("width")["summary"]
    widest = max(summary["widths"])
    assert f"with {widest} hidden units" in README

    def widest_accuracy(m: dict) -> list[float]:
        s = m["summary"]
        return [s["test_accuracy"][s["widths"].index(max(s["widths"]))]]

    check_row("the improved recipe with", "width", widest_accuracy)


def _shifted(experiment: str, by: float) -> dict:
    """The committed metrics with every improved-run accuracy moved by ``by`` (a fake rerun)."""
    metrics = committed_metrics(experiment)
    for key in ("mean", "min", "max"):
        metrics["summary"]["test_accuracy"][key] += by
    return metrics


def test_a_rerun_within_the_tolerance_passes_and_one_beyond_it_fails(monkeypatch):
    def mean_min_max(m: dict) -> list[float]:
        return [m["summary"]["test_accuracy"][k] for k in ("mean", "min", "max")]

    # Another CPU: a few hundredths of a point, as measured; the README still quotes the commit.
    monkeypatch.setattr(__name__ + ".current_metrics", lambda e: _shifted(e, 0.0004))
    check_row("784-10-10, He init", "improved", mean_min_max)
    monkeypatch.setattr(__name__ + ".current_metrics", lambda e: _shifted(e, 0.004))
    with pytest.raises(AssertionError, match="more than the 0.3-point tolerance"):
        check_row("784-10-10, He init", "improved", mean_min_max)


def test_a_hand_edited_readme_number_fails(monkeypatch):
    row = _row("784-10-10, He init")
    edited = README.replace(row[0], f"{float(row[0][:-1]) + 0.01:.2f}%", 1)
    monkeypatch.setattr(__name__ + ".README", edited)
    with pytest.raises(AssertionError, match="edited by hand"):
        test_improved_numbers_match_metrics()


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


# ----------------------------------------------------------------------------------------------
# "What to expect" in the README: the measured figures, from docs/assets/reproducibility.json.

def reproducibility_sentence(readme: str) -> str:
    """The README's 'Another CPU' bullet, on one line."""
    found = re.search(r"- \*\*Another CPU:.*?(?=\n- |\n\n)", readme, re.S)
    assert found, "README.md has no '**Another CPU:' bullet"
    return " ".join(found[0].split())


def expected_reproducibility_words(sentence: str) -> list[str]:
    """What the bullet must say, computed from the kept measurements (in the bullet's order)."""
    from mnist_scratch.reproducibility import MEASUREMENTS, read_measurements

    kept = read_measurements(ROOT / MEASUREMENTS)
    same = [e for e in kept.values() if e["identical_weight_files"] == e["weight_files"]]
    moved = [e for e in kept.values() if e["identical_weight_files"] < e["weight_files"]]
    assert same and moved, "the README compares one bit-identical family with others"
    moved.sort(key=lambda e: sentence.find(f"`{e['label'].split('=')[1]}`"))
    largest = max(moved, key=lambda e: e["max_change_points"])
    big = largest["largest"]
    experiment, run, split = big["run"].split("/")
    means = " and ".join(f"{e['mean_change_points']:.2f}" for e in moved)
    maxima = " and ".join(f"{e['max_change_points']:.2f}" for e in moved)
    return [
        *(f"`{e['label']}` gave bit-identical weights" for e in same),
        *(f"`{e['label'].split('=')[1]}`" for e in moved),
        f"changed all {moved[0]['weight_files']} weight files",
        f"moved the {moved[0]['accuracies']} final accuracies by {means} points on average",
        f"at most {maxima} points",
        f"(the largest: `{experiment}/{run}`, {split} accuracy, "
        f"{_pct(big['reference'])} -> {_pct(big['other'])})",
    ]


def test_the_readme_quotes_the_measured_reproducibility():
    sentence = reproducibility_sentence(README)
    missing = [w for w in expected_reproducibility_words(sentence) if w not in sentence]
    assert not missing, (
        "the README's 'Another CPU' bullet does not say what docs/assets/reproducibility.json "
        f"measured; expected to find: {missing}\nin: {sentence}")


def test_a_hand_edited_reproducibility_figure_fails(monkeypatch):
    edited = README.replace("at most 0.", "at most 1.", 1)
    assert edited != README
    monkeypatch.setattr(__name__ + ".README", edited)
    with pytest.raises(AssertionError, match="does not say what"):
        test_the_readme_quotes_the_measured_reproducibility()


def test_the_readme_counts_the_exercises_and_the_classic_bugs():
    from mnist_scratch.exercises.bugs import BUGS
    from mnist_scratch.exercises.catalogue import EXERCISES

    numbers = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
               "ten", "eleven", "twelve"]
    assert f"lists {len(EXERCISES)} exercises" in README
    bugs = numbers[len(BUGS)] if len(BUGS) < len(numbers) else str(len(BUGS))
    assert f"shows {bugs} one-line mistakes" in README
    home = (ROOT / "docs" / "index.md").read_text(encoding="utf-8")
    assert f"{bugs} one-line mistakes" in home
