r"""Run the grader on a reader's answer in a separate process, with limits it cannot get past.

The answer is the reader's own code, so it may loop forever, allocate without bound, print
without end, crash the interpreter or write into its inputs. None of that may hang or crash
the command that grades it. `grade_files` starts a fresh interpreter (``python -I``: no user
site, no ``PYTHON*`` variables, not the reader's current folder on ``sys.path``) in a
temporary folder, and that process:

* imports NumPy, sympy and the grader first, then lowers its own limits with
  `resource.setrlimit`: address space (what it has now plus ``memory_mb``), CPU seconds, the
  size of any file it writes (so printing is bounded), no core file;
* grades each answer under an alarm of ``time_limit`` seconds, which raises
  `mnist_scratch.exercises.verdict.TimeUp` inside a loop of the reader's;
* writes the verdicts as JSON to a file of its folder.

The parent waits at most the time limits plus a start-up allowance, then kills the whole
process group; it reads at most `OUTPUT_LIMIT` characters of what the answer printed. A
process that dies (a segfault, the kernel's out-of-memory killer) gives an "unusable" verdict
that says so.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
import warnings
from dataclasses import dataclass
from pathlib import Path

from mnist_scratch.exercises.verdict import Verdict

TIME_LIMIT = 10.0  # seconds for grading one answer; the grader itself needs well under one
MEMORY_MB = 1024  # address space the answer may add to the grader's own
STARTUP_S = 60.0  # allowance for the fresh interpreter to import NumPy and sympy on a busy box
FILE_LIMIT = 4 << 20  # bytes any file the process writes may reach (the printed output too)
OUTPUT_LIMIT = 2000  # characters of printed output shown back
ROOT = Path(__file__).resolve().parents[2]  # the folder holding the package

_BOOT = (
    "import sys; sys.path.insert(0, sys.argv[1]); "
    "from mnist_scratch.exercises.sandbox import child; child(sys.argv[2])"
)


@dataclass(frozen=True)
class Job:
    """One answer to grade: the exercise, and the answer's text or the file holding it."""

    name: str
    path: str = ""
    source: str | None = None

    @property
    def filename(self) -> str:
        return self.path or f"<{self.name} answer>"


def grade_file(
    name: str, path: str | Path, *, time_limit: float = TIME_LIMIT, memory_mb: int = MEMORY_MB
) -> Verdict:
    """The verdict on the file ``path`` as an answer to exercise ``name``."""
    return grade_files([Job(name, str(path))], time_limit=time_limit, memory_mb=memory_mb)[0]


def grade_files(
    jobs: list[Job], *, time_limit: float = TIME_LIMIT, memory_mb: int = MEMORY_MB
) -> list[Verdict]:
    """Grade several answers in one sandboxed process, one verdict each, in order.

    Answers graded together share the process: use it for answers that trust each other (the
    site's own worked solutions), and one call per answer for a reader's.
    """
    with tempfile.TemporaryDirectory(prefix="mnist-exercise-") as tmp:
        folder = Path(tmp)
        request = folder / "request.json"
        result = folder / "result.json"
        request.write_text(
            json.dumps(
                {
                    # The grader runs in this temporary folder: a reader's relative path
                    # (``check softmax my_softmax.py``) is made absolute here, where it means
                    # what the reader meant.
                    "jobs": [{**j.__dict__, "path": j.path and os.path.abspath(j.path)}
                             for j in jobs],
                    "result": str(result),
                    "time_limit": time_limit,
                    "memory_mb": memory_mb,
                }
            ),
            encoding="utf-8",
        )
        output = folder / "output.txt"
        env = {
            **os.environ,
            # One BLAS thread: its buffers stay small under the address-space limit.
            "OPENBLAS_NUM_THREADS": "1",
            "OMP_NUM_THREADS": "1",
            "MKL_NUM_THREADS": "1",
        }
        with open(output, "wb") as out:
            proc = subprocess.Popen(
                [sys.executable, "-I", "-c", _BOOT, str(ROOT), str(request)],
                cwd=folder,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                env=env,
                start_new_session=True,  # its own process group: killed as a whole
            )
            wall = STARTUP_S + time_limit * (len(jobs) + 1)
            try:
                proc.wait(timeout=wall)
            except subprocess.TimeoutExpired:
                _kill(proc)
                return [_failed(j, f"did not finish within {wall:.0f} s") for j in jobs]
            finally:
                _kill(proc)
        printed = _read_bounded(output)
        try:
            verdicts = [Verdict.from_dict(d) for d in json.loads(result.read_text("utf-8"))]
        except (OSError, ValueError, TypeError, KeyError):
            return [_failed(j, _death(proc.returncode), printed) for j in jobs]
    if len(verdicts) == 1:
        verdicts[0].output = printed
    return verdicts


def _kill(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            proc.kill()
        proc.wait()


def _read_bounded(path: Path) -> str:
    """The start of what the answer printed: at most `OUTPUT_LIMIT` characters, 20 lines."""
    with open(path, "rb") as f:
        data = f.read(OUTPUT_LIMIT + 1)
    lines = data[:OUTPUT_LIMIT].decode("utf-8", errors="replace").rstrip().splitlines()
    shown = [ln if len(ln) <= 120 else ln[:120] + " ..." for ln in lines[:20]]
    cut = len(data) > OUTPUT_LIMIT or len(lines) > 20 or shown != lines
    return "\n".join(shown) + ("\n... (more output not shown)" if cut else "")


def _death(status: int | None) -> str:
    if status is not None and status < 0:
        name = signal.Signals(-status).name
        why = {
            "SIGKILL": " (the system's memory limit, or a kill)",
            "SIGSEGV": " (a crash inside the interpreter or a C extension)",
            "SIGXCPU": " (the CPU-time limit)",
        }.get(name, "")
        return f"the process grading it was killed by {name}{why}"
    return f"the process grading it stopped with status {status} before it could report"


def _failed(job: Job, why: str, printed: str = "") -> Verdict:
    return Verdict(job.name, "unusable", detail=f"the answer could not be graded: {why}",
                   output=printed)


# ----------------------------------------------------------------------------------------------
# The child process.


def _limit(kind: str, soft: int) -> None:
    import resource

    which = getattr(resource, kind, None)
    if which is None:
        return
    _, hard = resource.getrlimit(which)
    if hard != resource.RLIM_INFINITY:
        soft = min(soft, hard)
    try:
        resource.setrlimit(which, (soft, hard))
    except (ValueError, OSError):  # a platform that does not enforce this limit
        pass


def _address_space() -> int:
    """Bytes of address space this process uses now (Linux), or 0 if unknown."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmSize:"):
                return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return 0


def _set_limits(time_limit: float, memory_mb: int, jobs: int) -> None:
    try:
        import resource  # noqa: F401  (POSIX only)
    except ImportError:  # Windows: the parent's wall-clock limit still applies
        return
    if used := _address_space():
        _limit("RLIMIT_AS", used + memory_mb * (1 << 20))
    _limit("RLIMIT_CPU", int(time_limit * (jobs + 1)) + 30)
    _limit("RLIMIT_FSIZE", FILE_LIMIT)
    _limit("RLIMIT_CORE", 0)


def _alarm(signum, frame):
    from mnist_scratch.exercises.verdict import TimeUp

    raise TimeUp


def child(request_path: str) -> None:
    """Entry point of the sandboxed process: grade every job of the request, write verdicts."""
    request = json.loads(Path(request_path).read_text(encoding="utf-8"))
    jobs = [Job(**j) for j in request["jobs"]]
    time_limit, memory_mb = float(request["time_limit"]), int(request["memory_mb"])
    # Everything the grader needs is imported before the limits and the clock start.
    import numpy  # noqa: F401
    import sympy  # noqa: F401

    from mnist_scratch.exercises import derive, grading, implement  # noqa: F401
    from mnist_scratch.exercises.verdict import TimeUp

    # NumPy's warnings (overflow in exp, mean of an empty slice) are the grader's business:
    # a verdict says what went wrong, and what the answer printed stays the answer's own.
    warnings.simplefilter("ignore")
    _set_limits(time_limit, memory_mb, len(jobs))
    has_alarm = hasattr(signal, "setitimer")
    if has_alarm:
        signal.signal(signal.SIGALRM, _alarm)
    verdicts = []
    for job in jobs:
        try:
            if job.source is None:
                source = Path(job.path).read_text(encoding="utf-8")
                # The answer may import a helper of its own folder; appended, so nothing
                # there can shadow a module the grader uses.
                sys.path.append(str(Path(job.path).resolve().parent))
            else:
                source = job.source
            if has_alarm:
                signal.setitimer(signal.ITIMER_REAL, time_limit)
            try:
                verdict = grading.grade_answer(job.name, source, job.filename)
            finally:
                if has_alarm:
                    signal.setitimer(signal.ITIMER_REAL, 0)
        except TimeUp:
            verdict = Verdict(
                job.name,
                "unusable",
                detail=f"it did not finish within the time limit of {time_limit:g} s "
                "(an endless loop?)",
            )
        except MemoryError:
            verdict = Verdict(
                job.name, "unusable", detail=f"it used more than the memory limit of {memory_mb} MB"
            )
        except RecursionError:
            verdict = Verdict(job.name, "unusable", detail="it recursed without end")
        except (OSError, UnicodeDecodeError) as exc:
            verdict = Verdict(job.name, "unusable", detail=f"the answer cannot be read: {exc}")
        verdicts.append(verdict.to_dict())
    with open(request["result"], "w", encoding="utf-8") as f:
        json.dump(verdicts, f)
    try:
        sys.stdout.flush()
    except OSError:  # the output limit was reached: what was printed is cut, as shown
        pass
    os._exit(0)  # no second flush of a full stdout at shutdown
