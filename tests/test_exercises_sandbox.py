"""The sandbox and the command line: a reader's code cannot hang or crash the grader.

One sandboxed process grades the hostile answers together (an endless loop, an unbounded
allocation, a syntax error, an answer that writes into its inputs, one that prints without
end) next to a right one, so the whole file costs a few seconds. The command line is driven
in process, except where its exit status is the point.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

from mnist_scratch.exercises import cli
from mnist_scratch.exercises.bugs import bug
from mnist_scratch.exercises.catalogue import EXERCISES, IMPLEMENT
from mnist_scratch.exercises.changes import answer_source
from mnist_scratch.exercises.sandbox import Job, grade_file, grade_files

LIMIT = 2.0  # seconds per answer: the endless loop costs exactly this much

HOSTILE = {
    "loop": ("relu_prime", "def relu_prime(Z):\n    while True:\n        pass\n"),
    "memory": (
        "relu_prime",
        "def relu_prime(Z):\n    hoard = []\n    while True:\n"
        "        hoard.append(bytearray(50_000_000))\n",
    ),
    "syntax": ("softmax", "import numpy as np\n\n\ndef softmax(Z)\n    return Z\n"),
    "writes": (
        "softmax",
        "import numpy as np\n\n\ndef softmax(Z):\n    Z -= Z.max(axis=0, keepdims=True)\n"
        "    np.exp(Z, out=Z)\n    Z /= Z.sum(axis=0, keepdims=True)\n    return Z\n",
    ),
    "prints": ("relu_prime", "def relu_prime(Z):\n    while True:\n        print('x' * 1000)\n"),
    "right": ("softmax", EXERCISES["softmax"].solution()),
}


@pytest.fixture(scope="module")
def verdicts(tmp_path_factory):
    folder = tmp_path_factory.mktemp("answers")
    jobs = []
    for label, (name, source) in HOSTILE.items():
        path = folder / f"{label}.py"
        path.write_text(source, encoding="utf-8")
        jobs.append(Job(name, str(path)))
    return dict(zip(HOSTILE, grade_files(jobs, time_limit=LIMIT, memory_mb=256), strict=True))


def test_an_endless_loop_is_stopped_at_the_time_limit(verdicts):
    assert verdicts["loop"].status == "unusable"
    assert "time limit of 2 s" in verdicts["loop"].detail


def test_an_unbounded_allocation_is_stopped_at_the_memory_limit(verdicts):
    assert verdicts["memory"].status == "unusable"
    assert "memory" in verdicts["memory"].detail


def test_a_syntax_error_is_reported_with_the_readers_line(verdicts):
    assert verdicts["syntax"].status == "unusable"
    assert "syntax error at line 4" in verdicts["syntax"].detail
    assert "def softmax(Z)" in verdicts["syntax"].detail


def test_an_answer_that_writes_into_its_input_is_wrong(verdicts):
    assert verdicts["writes"].status == "wrong"
    assert "changed its input `Z` in place" in verdicts["writes"].detail


def test_endless_printing_is_cut_off(verdicts):
    assert verdicts["prints"].status == "unusable"
    assert "output limit" in verdicts["prints"].detail


def test_the_right_answer_graded_next_to_them_is_still_correct(verdicts):
    assert verdicts["right"].status == "correct", verdicts["right"].text()


def test_a_crash_of_the_interpreter_is_reported_not_raised(tmp_path):
    path = tmp_path / "crash.py"
    path.write_text("import ctypes\nctypes.string_at(0)\n", encoding="utf-8")
    verdict = grade_file("relu_prime", path, time_limit=LIMIT)
    assert verdict.status == "unusable" and "SIGSEGV" in verdict.detail


def test_check_exits_0_for_right_1_for_wrong_2_for_unusable(tmp_path, capsys):
    wrong = tmp_path / "wrong.py"
    wrong.write_text(answer_source(bug("keepdims-dropped").change), encoding="utf-8")
    right = EXERCISES["bias_gradient"].solution_path
    assert cli.main(["check", "bias_gradient", str(right)]) == 0
    assert cli.main(["check", "bias_gradient", str(wrong)]) == 1
    out = capsys.readouterr().out
    assert "bias_gradient: correct" in out and "bias_gradient: wrong" in out
    assert "A 1-D db broadcasts" in out.split("bias_gradient: wrong")[1]  # the bug's hint
    assert cli.main(["check", "bias_gradient", str(tmp_path / "missing.py")]) == 2
    assert cli.main(["check", "no_such_exercise", str(right)]) == 2
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 2 and all(line.startswith("error: ") for line in err)


def test_check_takes_a_path_relative_to_where_the_reader_is(tmp_path, capsys, monkeypatch):
    """``check softmax my_softmax.py``, as the pages print it, from the answer's own folder."""
    (tmp_path / "my_relu.py").write_text(
        EXERCISES["relu_prime"].solution_path.read_text(encoding="utf-8"), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert cli.main(["check", "relu_prime", "my_relu.py"]) == 0, capsys.readouterr()
    assert "relu_prime: correct" in capsys.readouterr().out


def test_list_show_hint_and_solution(capsys):
    assert cli.main([]) == 0
    listed = capsys.readouterr().out
    for exercise in EXERCISES.values():
        assert exercise.name in listed and exercise.page in listed
    assert cli.main(["show", "hidden-error-entry"]) == 0
    shown = capsys.readouterr().out
    assert "delta2" in shown and "check hidden-error-entry" in shown
    assert cli.main(["hint", "softmax"]) == 0
    assert capsys.readouterr().out.strip()
    assert cli.main(["solution", "backward"]) == 0
    assert "def backward(params, X, Y, cache)" in capsys.readouterr().out
    assert len(IMPLEMENT) >= 8


def test_the_module_runs_as_a_command():
    done = subprocess.run(
        [sys.executable, "-m", "mnist_scratch.exercises", "show", "softmax"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0 and "def softmax(Z)" in done.stdout
