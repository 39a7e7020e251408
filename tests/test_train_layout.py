"""The shape of the code around the math: no import cycles, small modules, one owner per rule.

These read the source (with `ast`, imports inside functions included); nothing is imported.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from mnist_scratch.train.experiments import catalogue

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "mnist_scratch"
# Every module of the package must stay readable in one sitting (issue 11); the sympy proofs,
# which the issue allowed to be longer, fit too.
MINE = sorted(PACKAGE.rglob("*.py"))
MAX_LINES = 400


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules() -> dict[str, Path]:
    return {module_name(p): p for p in PACKAGE.rglob("*.py")}


def imports_of(name: str, path: Path, known: set[str]) -> set[str]:
    """The package's modules that ``name`` imports, at module level or inside functions."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, *([base] if base else [])])
            # `from pkg import mod` imports the module pkg.mod; `from mod import f`, mod.
            targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in known else base
                       for a in node.names]
        else:
            continue
        found |= {t for t in targets if t in known and t != name}
    return found


def test_no_import_cycle_in_the_package():
    known = modules()
    graph = {name: imports_of(name, path, set(known)) for name, path in known.items()}
    cycles, state = [], {}

    def visit(node: str, trail: list[str]) -> None:
        state[node] = "open"
        for nxt in sorted(graph[node]):
            if state.get(nxt) == "open":
                cycles.append(" -> ".join(trail[trail.index(nxt):] + [nxt]))
            elif nxt not in state:
                visit(nxt, [*trail, nxt])
        state[node] = "done"

    for start in sorted(graph):
        if start not in state:
            visit(start, [start])
    assert not cycles, cycles


def test_the_cycle_finder_finds_a_cycle():
    """The test above can fail: a module importing its importer is seen, even in a function."""
    known = {"mnist_scratch.runs", "mnist_scratch.figures"}
    source = PACKAGE / "runs.py"
    assert "mnist_scratch.figures" not in imports_of("mnist_scratch.runs", source, known)
    fake = ROOT / "tests" / "_cycle_probe.py"
    try:
        fake.write_text("def f():\n    from mnist_scratch import figures\n", encoding="utf-8")
        assert imports_of("mnist_scratch.runs", fake, known) == {"mnist_scratch.figures"}
    finally:
        fake.unlink()


@pytest.mark.parametrize("path", MINE, ids=lambda p: p.relative_to(PACKAGE).as_posix())
def test_modules_stay_small(path):
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_LINES, f"{path.name}: {lines} lines"


def test_the_run_format_imports_neither_training_nor_figures():
    known = set(modules())
    imported = imports_of("mnist_scratch.runs", PACKAGE / "runs.py", known)
    assert not {m for m in imported if m.startswith(("mnist_scratch.train",
                                                      "mnist_scratch.figures"))}, imported


def _names_an_experiment(node: ast.AST) -> bool:
    """``exp.name``, ``args.experiment`` or ``metrics["experiment"]``: an experiment's name.
    (A plain variable is left alone: "baseline" is also the exercises' word for "no bug".)"""
    if isinstance(node, ast.Attribute):
        return node.attr in ("name", "experiment")
    if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant):
        return node.slice.value == "experiment"
    return False


def test_no_experiment_is_asked_its_name_outside_the_experiments_module():
    names = set(catalogue())
    offenders = []
    files = [*PACKAGE.rglob("*.py"), *(ROOT / "docs" / "hooks").glob("*.py")]
    for path in files:
        if path == PACKAGE / "train" / "experiments.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Compare):
                sides = [node.left, *node.comparators]
                strings = {s.value for s in sides if isinstance(s, ast.Constant)}
                if strings & names and any(map(_names_an_experiment, sides)):
                    offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert not offenders, offenders


THE_SEEDS = re.compile(r"\bthe seeds\b|\bseeds'|seed code|seed-reproduction|seeds_reported",
                       re.IGNORECASE)


def test_the_original_tutorial_is_never_called_the_seeds():
    """Issue 12: "seed" means a random seed; the project's origin is the original tutorial."""
    files = [*MINE, ROOT / "docs" / "hooks" / "runs.py", ROOT / "docs" / "hooks" / "bench.py",
             *(ROOT / "docs" / name for name in ("runs.md", "performance.md", "contributing.md")),
             *(ROOT / "docs" / "assets" / "runs").rglob("*.json")]
    found = [f"{p.relative_to(ROOT)}: {m[0]!r}" for p in files
             for m in THE_SEEDS.finditer(p.read_text(encoding="utf-8"))]
    assert not found, found
