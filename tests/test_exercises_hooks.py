"""The two build hooks stop the build when what a page would show is not true.

``docs/hooks/exercises.py`` refuses a worked solution (or a package function, or a derive step)
that the grader does not accept; ``docs/hooks/classic_bugs.py`` refuses a classic bug whose
line is no longer in its function, and a sentence of the page its measurements contradict.
These run without building the site.
"""

from __future__ import annotations

import concurrent.futures
import importlib.util
import sys
from pathlib import Path

import pytest
from mkdocs.exceptions import PluginError

from mnist_scratch.exercises import bugrun, catalogue
from mnist_scratch.exercises.bugs import BUGS, ClassicBug
from mnist_scratch.exercises.changes import Change
from mnist_scratch.exercises.verdict import Verdict

HOOKS = Path(__file__).resolve().parents[1] / "docs" / "hooks"


def _load(name: str):
    spec = importlib.util.spec_from_file_location(f"hook_{name}", HOOKS / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def exercises_hook():
    return _load("exercises")


@pytest.fixture(scope="module")
def bugs_hook():
    return _load("classic_bugs")


def _graded(hook, wrong_at: int | None = None) -> None:
    jobs, labels = hook._jobs()
    verdicts = [Verdict(name, "correct", passed=["a property"]) for name, _ in labels]
    if wrong_at is not None:
        verdicts[wrong_at] = Verdict(labels[wrong_at][0], "wrong", failed="a property")
    done: concurrent.futures.Future = concurrent.futures.Future()
    done.set_result(verdicts)
    hook._build.jobs, hook._build.verdicts = labels, done


def test_every_worked_solution_package_function_and_derive_step_is_graded(exercises_hook):
    jobs, labels = exercises_hook._jobs()
    whats = {(name, what) for name, what in labels}
    for ex in catalogue.IMPLEMENT:
        assert (ex.name, "the worked solution") in whats
        assert (ex.name, f"the package's {ex.name}") in whats
    for ex in catalogue.DERIVE:
        assert (ex.name, "the answer") in whats
        assert all((ex.name, f"step {n} of the worked solution") in whats
                   for n in range(1, len(ex.steps) + 1))
    assert len(jobs) == len(labels)


def test_a_page_shows_statement_command_hint_and_solution(exercises_hook):
    _graded(exercises_hook)
    exercises = catalogue.by_page()["derivations/gradients.py"]
    text = exercises_hook.section_markdown(exercises, "../../exercises/")
    for ex in exercises:
        assert f"{{ #{catalogue.anchor(ex)} }}" in text
        assert catalogue.check_command(ex) in text
    assert text.count('??? tip "Hint"') == len(exercises)
    assert text.count('??? success "Worked solution"') == len(exercises)
    assert "def backward(params, X, Y, cache):" in text  # the graded file itself


@pytest.mark.parametrize("wrong_at", [0, 1, -1])
def test_the_build_stops_when_a_graded_answer_is_not_correct(exercises_hook, wrong_at):
    _graded(exercises_hook, wrong_at % len(exercises_hook._jobs()[1]))
    with pytest.raises(PluginError, match="is graded wrong"):
        exercises_hook.section_markdown(catalogue.IMPLEMENT[:1], "../")


def test_the_build_stops_when_a_classic_bug_no_longer_applies(bugs_hook, monkeypatch):
    gone = ClassicBug(
        name="gone",
        title="a line that is not there",
        change=Change("mnist_scratch.gradients.output_error", "return Y - A2", "return A2"),
        exercise="output_error",
        hint="",
        explanation="",
    )
    monkeypatch.setattr(bugs_hook, "BUGS", (*BUGS, gone))
    with pytest.raises(PluginError, match="classic bug gone: the line `return Y - A2`"):
        bugs_hook.on_pre_build(None)
    assert bugs_hook._build.executor is None  # nothing was started


def test_the_build_stops_when_a_sentence_no_longer_matches_its_numbers(bugs_hook, monkeypatch):
    monkeypatch.setattr(
        bugrun, "claims", lambda bug, result, base: [bugrun.Claim("it is so", bug is not BUGS[0])]
    )
    results = {bugrun.NO_BUG: {}, **{b.name: {} for b in BUGS}}
    only_the_first = f"no longer show:\\n{BUGS[0].name}: it is so$"
    with pytest.raises(PluginError, match=only_the_first):
        bugs_hook.page_markdown(results)


def test_the_claims_fail_on_numbers_that_contradict_them():
    bug = next(b for b in BUGS if b.name == "learning-rate-kills-relus")
    passing = {"error": 1e-9, "gradient": "dW1"}
    diverged = "TrainingError: the loss became nan at step 313 with learning rate 0.1"
    result = {
        "gradient_check": {"some_off": passing, "all_on": passing},
        "training": {"error": diverged},
    }
    held = [c.holds for c in bugrun.claims(bug, result, {})]
    assert held == [False, True]  # the run did not stop for dead units; the check passed
