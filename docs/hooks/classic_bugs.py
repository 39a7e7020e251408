"""The classic-bugs page: each classic back-propagation bug, what it does, and what catches it.

``docs/classic_bugs.md`` holds the words around the line ``<!-- bugs:all -->``; this hook puts
in its place a summary table and one section per bug of `mnist_scratch.exercises.bugs.BUGS`:
the one-line change to the real function (read from the package's source now, so the line
number and the line are the ones on disk), why it is wrong, and what it does.

What it does is measured while the site is built, never typed: when the build starts, the
hook checks that every change still applies to its function (the build stops if one does not),
saves a slice of MNIST to a temporary folder and starts one ``python -m
mnist_scratch.exercises.bugrun`` process per bug, plus one without any bug, two at a time in
the background. Each process installs its bug into itself only and reports the gradient check,
a short training run, which unit tests and doctests fail and what the exercise grader says.
The sentences of the page that depend on those numbers (`mnist_scratch.exercises.bugrun.claims`)
are checked too: the build stops if one no longer holds.
"""

from __future__ import annotations

import concurrent.futures
import json
import math
import subprocess
import sys
import tempfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page

from mnist_scratch.activations import relu
from mnist_scratch.exercises import bugrun, catalogue
from mnist_scratch.exercises.bugs import BUGS, ClassicBug
from mnist_scratch.exercises.changes import ChangeNoLongerApplies, located
from mnist_scratch.files import checkout_root

PAGE = "classic_bugs.md"
DIRECTIVE = "<!-- bugs:all -->"
WORKERS = 2  # bug processes at a time (the build machine has two cores)
PROCESS_TIMEOUT = 900  # seconds for one bug's measurements on a very busy machine


@dataclass
class _Build:
    executor: concurrent.futures.ThreadPoolExecutor | None = None
    results: concurrent.futures.Future | None = None
    folder: tempfile.TemporaryDirectory | None = None


_build = _Build()


def _run(name: str, data: Path) -> dict:
    try:
        done = subprocess.run(
            [sys.executable, "-m", "mnist_scratch.exercises.bugrun", name, str(data)],
            capture_output=True,
            text=True,
            timeout=PROCESS_TIMEOUT,
            cwd=checkout_root(),
        )
    except subprocess.TimeoutExpired:
        raise PluginError(
            f"classic bug {name}: its measurements took over {PROCESS_TIMEOUT} s"
        ) from None
    if done.returncode != 0:
        tail = "\n".join(done.stderr.strip().splitlines()[-15:])
        raise PluginError(f"classic bug {name}: the measuring process failed:\n{tail}")
    return json.loads(done.stdout)


def _measure_all(folder: Path) -> dict[str, dict]:
    data = folder / "mnist-slice.npz"
    bugrun.write_data(data)
    names = [bugrun.NO_BUG, *(b.name for b in BUGS)]
    with concurrent.futures.ThreadPoolExecutor(WORKERS, thread_name_prefix="bugrun") as pool:
        return dict(zip(names, pool.map(lambda n: _run(n, data), names), strict=True))


def on_pre_build(config: MkDocsConfig) -> None:
    _shutdown()
    for bug in BUGS:
        try:
            located(bug.change)
        except ChangeNoLongerApplies as exc:
            raise PluginError(f"classic bug {bug.name}: {exc}") from None
    _build.folder = tempfile.TemporaryDirectory(prefix="mnist-classic-bugs-")
    _build.executor = concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix="classic-bugs")
    _build.results = _build.executor.submit(_measure_all, Path(_build.folder.name))


def _shutdown() -> None:
    if _build.executor is not None:
        _build.executor.shutdown(wait=True, cancel_futures=True)
        _build.executor = None
    if _build.folder is not None:
        _build.folder.cleanup()
        _build.folder = None


def on_post_build(config: MkDocsConfig) -> None:
    _shutdown()


# ----------------------------------------------------------------------------------------------
# Formatting the measurements.


def _value(check: dict) -> str:
    """The gradient check's number and its mark, or what stopped it, in a few words."""
    if "raised" in check:
        return "raises ✗"
    if "shape" in check:
        return "wrong shape ✗"
    e = check["error"]
    return (f"{e:.1e}" if e < 1e-3 else f"{e:.3g}") + (" ✓" if e < bugrun.GRADCHECK_TOL else " ✗")


def _error(check: dict) -> str:
    if "raised" in check:
        return f"`backward` raises `{check['raised']}` ✗"
    if "shape" in check:
        return f"stops at a shape, {check['shape']} ✗"
    number, mark = _value(check).rsplit(" ", 1)
    return f"{number} in {check['gradient']} {mark}"


def _percent(x: float) -> str:
    return f"{100 * x:.2f}%"


def _run_text(run: dict, base: dict) -> str:
    if "error" in run:
        return f"stops: `{run['error']}`"
    same = run["params_sha256"] == base["params_sha256"]
    text = (
        f"test loss {run['test_loss']:.4f} and test accuracy {_percent(run['test_accuracy'])} "
        f"(without the bug {base['test_loss']:.4f} and {_percent(base['test_accuracy'])})"
    )
    if same:
        text += "; the final weights are bit-identical to the run without the bug"
    if run["dead_units"]:
        text += f"; {run['dead_units']} of {run['hidden']} hidden units dead at the end"
    return text


def _test_name(nodeid: str) -> str:
    if "::mnist_scratch." in nodeid:  # a doctest: path::module.function
        return f"the doctest of `{nodeid.rsplit('.', 1)[1]}`"
    file, _, test = nodeid.partition("::")
    return f"`{Path(file).name}::{test.split('[')[0]}`"


def _tests_text(tests: dict, base: dict) -> tuple[str, int]:
    if "error" in tests or tests.get("broken"):
        why = tests.get("error") or "collection failed: " + ", ".join(tests["broken"])
        return f"could not run ({why})", 0
    known = set(base.get("failed", []))
    failed = [t for t in tests["failed"] if t not in known]
    if not failed:
        return f"all {tests['ran']} pass", 0
    counts = Counter(_test_name(t) for t in failed)
    named = [f"{n} ({c} cases)" if c > 1 else n for n, c in counts.items()]
    shown = ", ".join(named[:4]) + (f" and {len(named) - 4} more" if len(named) > 4 else "")
    return f"{len(failed)} of {tests['ran']} fail: {shown}", len(failed)


def _grader_text(bug: ClassicBug, grader: dict) -> str:
    ex = catalogue.EXERCISES[bug.exercise]
    link = f"[`{ex.name}` exercise]({ex.page}#{catalogue.anchor(ex)})"
    if grader["status"] == "correct":
        return f"the {link} accepts it"
    return f"the {link} rejects it at “{grader['failed']}”, with the hint: *{grader['hint']}*"


def _diff(bug: ClassicBug) -> tuple[str, str]:
    path, line, old = located(bug.change)
    root = checkout_root()
    shown = Path(path).resolve().relative_to(root).as_posix() if root else Path(path).name
    indent = old[: len(old) - len(old.lstrip())]
    lines = [f"-{old}"] + ([f"+{indent}{bug.change.new}"] if bug.change.new is not None else [])
    where = (
        f"In [`{bug.change.function}`][{bug.change.target}] (`{shown}`, line {line}), "
        + ("one line deleted:" if bug.change.new is None else "one line changed:")
    )
    return where, "```diff\n" + "\n".join(lines) + "\n```"


def _convention(bug: ClassicBug, result: dict, base: dict) -> str:
    h = 1e-6
    central = float((relu(np.array([h])) - relu(np.array([-h])))[0] / (2 * h))
    same = result["training"].get("params_sha256") == base["training"].get("params_sha256")
    return "\n".join(
        [
            "### Why this one is a convention, and when it matters",
            "",
            "At $z = 0$ ReLU has a corner: the slope is 0 on the left and 1 on the right, and "
            "any value in $[0, 1]$ is a valid subgradient. The package takes "
            f"$\\mathrm{{ReLU}}'(0) = {result_value(base)}$; the changed function takes "
            f"{result_value(result)}. A central difference at exactly 0 gives neither: "
            f"$(\\mathrm{{ReLU}}(h) - \\mathrm{{ReLU}}(-h))/2h = {central:g}$. So the choice "
            "can only matter where a pre-activation is *exactly* 0, which real data almost "
            "never produces: "
            + (
                "the short run above ended with bit-identical weights either way."
                if same
                else "in the short run above it changed the weights."
            ),
            "",
            "It matters when exact zeros are common: a layer initialised to all zeros (with "
            "$H(0) = 0$ no unit ever gets a gradient; with $H(0) = 1$ they all do, identically), "
            "a zero input meeting a zero bias (padding), or a gradient check placed exactly on "
            "the corner, where no choice agrees with the finite difference. The package's tests "
            "hold it to $H(0) = 0$, so they fail; the exercise asks for the same convention.",
        ]
    )


def result_value(result: dict) -> str:
    return f"{result['relu_prime_at_zero']:g}"


def bug_markdown(n: int, bug: ClassicBug, result: dict, base: dict) -> str:
    where, diff = _diff(bug)
    checks = result["gradient_check"]
    tests, _ = _tests_text(result["tests"], base["tests"])
    lines = [
        f"## {n}. {bug.title} {{ #{bug.name} }}",
        "",
        where,
        "",
        diff,
        "",
        bug.explanation,
        "",
        f"- **Gradient check**, some hidden units off: {_error(checks['some_off'])}; every "
        f"unit on: {_error(checks['all_on'])}.",
        f"- **Short training run**: {_run_text(result['training'], base['training'])}.",
        f"- **Unit tests and doctests**: {tests}.",
        f"- **Exercise grader**: {_grader_text(bug, result['grader'])}",
    ]
    if bug.convention:
        lines += ["", _convention(bug, result, base)]
    return "\n".join(lines)


def summary_markdown(results: dict[str, dict]) -> str:
    base = results[bugrun.NO_BUG]
    rows = [
        "| bug | gradient check | short run | tests failing |",
        "|---|---|---|---|",
    ]
    for n, bug in enumerate(BUGS, 1):
        r = results[bug.name]
        run = r["training"]
        acc = "stops" if "error" in run else _percent(run["test_accuracy"])
        _, failing = _tests_text(r["tests"], base["tests"])
        rows.append(
            f"| [{n}. {bug.title}](#{bug.name}) | {_value(r['gradient_check']['some_off'])} "
            f"| {acc} | {failing} of {r['tests']['ran']} |"
        )
    rows.append(
        f"| without a bug | {_value(base['gradient_check']['some_off'])} "
        f"| {_percent(base['training']['test_accuracy'])} "
        f"| {len(base['tests'].get('failed', []))} of {base['tests'].get('ran', 0)} |"
    )
    return "\n".join(rows)


def setup_markdown(base: dict) -> str:
    g, run, tests = bugrun.GRADCHECK, base["training"], base["tests"]
    cfg = run["config"]
    files = ", ".join(f"`{f}`" for f in tests.get("files", []) if f.startswith("tests/"))
    modules = ", ".join(
        f"`{Path(f).stem}`" for f in tests.get("files", []) if f.startswith("mnist_scratch/")
    )
    already = base["tests"].get("failed", [])
    note = (
        f" Without any bug {len(already)} of them already fail in this build; they are left "
        "out of every count below."
        if already
        else ""
    )
    return "\n".join(
        [
            f"- **Gradient check**: `backward` against central finite differences "
            f"(step $10^{{{int(math.log10(bugrun.H))}}}$) of the mean loss, in float64, on a "
            f"{g['inputs']}-{g['hidden']}-{g['classes']} network ($W_2$ square, as in the real "
            f"one) with $m = {g['m']}$, at a point where some hidden units are off and at one "
            "where all are on. The number is the largest error relative to the gradient's "
            f"largest entry; below {bugrun.GRADCHECK_TOL:g} it passes (✓).",
            f"- **Short training run**: the package's own trainer with its default recipe "
            f"(learning rate {cfg['lr']:g}, momentum {cfg['momentum']:g}, batches of "
            f"{cfg['batch_size']}, {cfg['schedule']} schedule) for {run['epochs']} epochs of the "
            f"first {run['rows']:,} training images, measured on the first {run['test_rows']:,} "
            "test images.",
            f"- **Unit tests and doctests**: {files} and the doctests of {modules}, "
            f"{tests.get('ran', 0)} tests, run by pytest with the bug installed.{note}",
            "- **Exercise grader**: the changed function graded as an answer to its exercise.",
        ]
    )


def page_markdown(results: dict[str, dict]) -> str:
    base = results[bugrun.NO_BUG]
    problems = [
        f"{bug.name}: {claim.text}"
        for bug in BUGS
        for claim in bugrun.claims(bug, results[bug.name], base)
        if not claim.holds
    ]
    if problems:
        raise PluginError(
            "classic bugs: the page says something the measurements no longer show:\n"
            + "\n".join(problems)
        )
    parts = [setup_markdown(base), "", summary_markdown(results)]
    parts += ["", *(bug_markdown(n, b, results[b.name], base) + "\n" for n, b in
                   enumerate(BUGS, 1))]
    return "\n".join(parts)


def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    if page.file.src_uri != PAGE:
        return markdown
    if DIRECTIVE not in markdown:
        raise PluginError(f"{PAGE} lost its {DIRECTIVE} line")
    if _build.results is None:
        raise PluginError("classic bugs: the measurements were not started")
    return markdown.replace(DIRECTIVE, page_markdown(_build.results.result()))
