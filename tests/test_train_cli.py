"""``python -m mnist_scratch.train`` end to end, in a subprocess: its output and every error path.

Each bad input is built here and must end in one ``error:`` line, a non-zero status, no
traceback and nothing left behind, under ``python`` and ``python -O`` alike.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np
import pytest


def run_cli(*args: str, flags: list[str] = (), cwd: Path | None = None,
            timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, *flags, "-m", "mnist_scratch.train", *args],
        capture_output=True, text=True, cwd=cwd, timeout=timeout,
    )


def no_leftovers(folder: Path) -> bool:
    """No experiment folder and no hidden temporary folder were left behind."""
    return not folder.exists() or not any(folder.iterdir())


def one_error_line(proc: subprocess.CompletedProcess, *words: str, status: int = 2) -> str:
    assert proc.returncode == status, proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), proc.stderr
    assert "Traceback" not in proc.stderr
    for word in words:
        assert word in lines[0]
    return lines[0]


@pytest.fixture(scope="module")
def quick_run(tmp_path_factory, mnist) -> tuple[Path, subprocess.CompletedProcess]:
    out = tmp_path_factory.mktemp("runs")
    proc = run_cli("--quick", "--out", str(out), cwd=out)  # any cwd works
    assert proc.returncode == 0, proc.stderr
    return out / "quick", proc


def test_quick_writes_a_complete_run(quick_run):
    folder, _ = quick_run
    names = {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}
    assert {"metrics.json", "weights/seed0.npz", "weights.json", "snapshots.json",
            "predictions.npz", "figures/curves.png", "figures/confusion.png",
            "figures/samples.png", "figures/hidden_weights.png",
            "figures/mistakes.png"} <= names
    metrics = json.loads((folder / "metrics.json").read_text())
    assert metrics["summary"]["test_accuracy"]["mean"] > 0.85
    assert not [p for p in folder.parent.iterdir() if p.name.startswith(".")]


def test_not_on_a_terminal_it_prints_one_line_per_finished_run(quick_run):
    """Issue 9: redirected to a file, the job still says what it finished; no progress noise."""
    folder, proc = quick_run
    assert proc.stderr == ""  # stderr is not a terminal: no live progress
    metrics = json.loads((folder / "metrics.json").read_text())
    acc = metrics["runs"][0]["final"]["test_accuracy"]
    lines = proc.stdout.splitlines()
    assert lines[0].startswith(f"quick/seed0: test {100 * acc:.2f}% in ")  # the run, when done
    assert lines[0].split(" in ")[1].split(" s")[0].replace(".", "").isdigit()  # its seconds
    assert lines[1].startswith("quick: test ") and str(folder) in lines[1]  # then the experiment


def test_quick_weights_reproduce_the_recorded_accuracy(quick_run, mnist):
    from mnist_scratch.data import design_matrix
    from mnist_scratch.metrics import accuracy
    from mnist_scratch.network import predict

    folder, _ = quick_run
    metrics = json.loads((folder / "metrics.json").read_text())
    with np.load(folder / "weights" / "seed0.npz", allow_pickle=False) as npz:
        params = {k: npz[k] for k in npz.files}
    acc = accuracy(predict(params, design_matrix(mnist.test_images).T), mnist.test_labels)
    assert acc == metrics["runs"][0]["final"]["test_accuracy"]


BAD_ARGUMENTS = {
    "seed": (["--seed", "-1"], ["seed must be 0 or positive", "-1"]),
    "nan": (["--lr", "nan"], ["lr must be a positive number"]),
    "momentum": (["--momentum", "1"], ["momentum must lie in [0, 1)"]),
    "type": (["--epochs", "many"], ["invalid int value: 'many'", "--help"]),
    "flag": (["--no-such-flag"], ["unrecognized arguments: --no-such-flag"]),
    "conflict": (["--experiment", "width"], ["not allowed with argument --quick"]),
    "huge": (["--hidden", "1000000000"], ["784-1000000000-10", "TB of memory, but",
                                          "is available", "hidden units fit"]),
    "dead at lr 4": (["--lr", "4", "--warmup", "0", "--schedule", "constant"],
                     ["hidden units are dead", "learning rate 4.0"]),
    "dead at lr 1e6": (["--lr", "1e6", "--warmup", "0"], ["learning rate 1000000.0"]),
    "diverged at lr 1e9": (["--lr", "1e9", "--warmup", "0"], ["learning rate 1000000000.0"]),
}


def main_in_process(args: list[str], capsys) -> tuple[int, str]:
    from mnist_scratch.train.cli import main

    try:
        status = main(args)
    except SystemExit as exit:  # argparse's own mistakes
        status = exit.code
    return status, capsys.readouterr().err


@pytest.mark.parametrize("case", BAD_ARGUMENTS)
def test_every_bad_value_is_one_error_line_and_writes_nothing(tmp_path, mnist, capsys, case):
    args, words = BAD_ARGUMENTS[case]
    out = tmp_path / "out"
    status, err = main_in_process(["--quick", *args, "--out", str(out)], capsys)
    one_error_line(subprocess.CompletedProcess([], status, "", err), *words)
    assert no_leftovers(out)


UNDER_O = textwrap.dedent("""
    import contextlib, io, json, sys
    from mnist_scratch.train.cli import main

    if __debug__:
        sys.exit("run this under python -O")
    results = {}
    for case, args in json.loads(sys.argv[1]).items():
        err = io.StringIO()
        with contextlib.redirect_stderr(err):
            try:
                status = main(["--quick", *args, "--out", sys.argv[2]])
            except SystemExit as exit:  # argparse's own mistakes
                status = exit.code
        results[case] = [status, err.getvalue()]
    print(json.dumps(results))
""")


def test_the_checks_hold_under_python_O(tmp_path, mnist):
    """No check is an `assert`: under ``python -O`` every bad value ends the same way."""
    cases = {case: args for case, (args, _) in BAD_ARGUMENTS.items()}
    done = subprocess.run([sys.executable, "-O", "-c", UNDER_O, json.dumps(cases),
                           str(tmp_path / "out")], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    for case, (status, err) in json.loads(done.stdout).items():
        one_error_line(subprocess.CompletedProcess([], status, "", err), *BAD_ARGUMENTS[case][1])
    assert no_leftovers(tmp_path / "out")


def test_bad_data_dir_is_one_line(tmp_path, no_env):
    proc = run_cli("--quick", "--data-dir", str(tmp_path / "nowhere"), "--out",
                   str(tmp_path / "out"))
    one_error_line(proc, "nowhere")
    assert not (tmp_path / "out").exists()


def test_unwritable_out_is_refused_before_training(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    one_error_line(run_cli("--quick", "--out", str(blocker / "runs")), "a-file")
    if os.geteuid() != 0:  # root writes anywhere; the read-only case only means something else
        locked = tmp_path / "locked"
        locked.mkdir(mode=0o500)
        one_error_line(run_cli("--quick", "--out", str(locked)), "not writable")


def test_the_package_and_its_entry_import_no_numpy():
    """Ctrl-C in the first fraction of a second lands inside `mnist_scratch.cli.entry`: the
    modules `python -m mnist_scratch.train` (and `.bench`) import before it are light."""
    code = ("import sys, mnist_scratch.train, mnist_scratch.train.__main__, "
            "mnist_scratch.bench, mnist_scratch.bench.__main__; print('numpy' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True)
    assert done.stdout.strip() == "False"


SIGTERM_WHILE_WRITING = textwrap.dedent("""
    import os, signal, sys
    import numpy as np
    from mnist_scratch import runs
    from mnist_scratch.cli import terminate_as_interrupt

    terminate_as_interrupt()  # what `python -m mnist_scratch.train` runs under
    out = sys.argv[1]

    def draw(folder):  # SIGTERM arrives while the run folder is half written
        os.kill(os.getpid(), signal.SIGTERM)

    try:
        runs.write_experiment(os.path.join(out, "quick"), {"schema": runs.SCHEMA},
                              {"seed0": {"W1": np.zeros((2, 2), np.float32)}},
                              {"test_labels": np.zeros(3, np.uint8)}, draw=draw)
    except KeyboardInterrupt:
        print("interrupted", sorted(os.listdir(out)))
""")


def test_sigterm_while_writing_leaves_no_temporary_folder(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    done = subprocess.run([sys.executable, "-c", SIGTERM_WHILE_WRITING, str(out)],
                          capture_output=True, text=True, timeout=60)
    assert done.stdout.strip() == "interrupted []", done.stderr


def _processes_naming(text: str) -> list[int]:
    found = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            if text in cmdline.read_bytes().decode(errors="replace"):
                found.append(int(cmdline.parent.name))
        except OSError:  # the process ended meanwhile
            pass
    return found


@pytest.mark.skipif(not Path("/proc/self/cmdline").exists(), reason="needs Linux's /proc")
def test_sigterm_during_training_is_one_line_and_ends_the_workers(tmp_path, mnist):
    out = tmp_path / "out"
    # Five long runs: two worker processes train while the parent waits for them.
    child = subprocess.Popen([sys.executable, "-m", "mnist_scratch.train", "--experiment",
                              "improved", "--epochs", "200", "--out", str(out)],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    while len(_processes_naming(str(out))) < 3 and child.poll() is None:  # job + 2 workers
        assert time.monotonic() < deadline, "the workers never started"
        time.sleep(0.05)
    child.send_signal(signal.SIGTERM)
    _, err = child.communicate(timeout=60)
    assert child.returncode == 130, err
    assert err.startswith("error: interrupted") and err.count("\n") == 1, err
    assert no_leftovers(out)
    assert _processes_naming(str(out)) == []  # no worker outlives the job


def test_a_stale_temporary_folder_is_swept_by_the_next_run(tmp_path, mnist, capsys):
    out = tmp_path / "out"
    stale = out / ".quick.tmp-999999999-abcd"  # left by a killed run: no process has this pid
    stale.mkdir(parents=True)
    (stale / "metrics.json").write_text("{}")
    status, err = main_in_process(["--quick", "--out", str(out)], capsys)
    assert status == 0, err
    assert sorted(p.name for p in out.iterdir()) == ["quick"]
    assert ".quick.tmp-999999999-abcd" in err  # said what it removed
