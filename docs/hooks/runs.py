"""Put the saved training runs on the pages: every number from ``metrics.json``, every figure.

``python -m mnist_scratch.train`` writes ``docs/assets/runs/<experiment>/`` (``metrics.json``,
figures, weights). The docs build never trains and no page types a result by hand: a Markdown
page asks for them with a directive on a line of its own, replaced here before MkDocs renders
the page:

``<!-- runs:headline -->``
    the headline table of the home page (one row per experiment);
``<!-- runs:experiment NAME -->``
    everything about one experiment: its final metrics, every figure in its folder, the
    configuration, the full history and the files it saved.

A missing experiment, a missing or unreadable ``metrics.json``, an unknown directive, or a run
folder that no page shows stops the build with one line saying which and how to fix it.
"""

from __future__ import annotations

import json
import math
import posixpath
import re
from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page

RUNS_URI = "assets/runs"
EXPERIMENTS = ("seed-reproduction", "improved", "width", "ablation")
IMAGE_SUFFIXES = (".png", ".svg", ".jpg", ".jpeg", ".gif", ".webp")
DIRECTIVE = re.compile(r"^<!--\s*runs:(?P<what>[\w-]+)(?:\s+(?P<arg>[\w.-]+))?\s*-->[ \t]*$", re.M)
REGENERATE = "run `python -m mnist_scratch.train` to regenerate the runs"

_shown: set[str] = set()  # experiments placed on some page in this build


def _runs_dir(config: MkDocsConfig) -> Path:
    return Path(config.docs_dir) / RUNS_URI


def load_metrics(config: MkDocsConfig, name: str) -> dict[str, Any]:
    path = _runs_dir(config) / name / "metrics.json"
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise PluginError(f"{path} is missing: {REGENERATE}") from None
    except (OSError, ValueError) as exc:
        raise PluginError(f"{path} is unreadable ({exc}): {REGENERATE}") from None


def fmt(value: Any, key: str = "") -> str:
    """A value as the tables show it: accuracies (stored as fractions) in percent, integers
    exactly, other floats to 6 significant digits, lists joined."""
    if isinstance(value, bool) or value is None:
        return f"`{json.dumps(value)}`"
    if isinstance(value, float) and "accuracy" in key and math.isfinite(value):
        return f"{100 * value:.2f}%"
    if isinstance(value, int):
        return f"{value:,}" if abs(value) >= 10_000 else str(value)
    if isinstance(value, float):
        return f"{value:.6g}" if math.isfinite(value) else f"`{value}`"
    if isinstance(value, list):
        return ", ".join(fmt(v, key) for v in value)
    if isinstance(value, dict):
        return ", ".join(f"{k}: {fmt(v, key)}" for k, v in value.items())
    return f"`{value}`" if value != "" else ""


def _scalar(value: Any) -> bool:
    return not isinstance(value, (dict, list))


def _row(cells: list[str]) -> str:
    return "| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |"


def table(header: list[str], rows: list[list[str]]) -> str:
    return "\n".join([_row(header), "|" + "---|" * len(header), *map(_row, rows)])


def key_values(obj: dict[str, Any]) -> str:
    return table(["", ""], [[f"`{k}`", fmt(v, k)] for k, v in obj.items()])


def matrix(obj: dict[str, dict[str, Any]], corner: str) -> str:
    """Rows are the outer keys, columns the inner keys; accuracy formatting by either key."""
    columns = list(dict.fromkeys(c for inner in obj.values() for c in inner))
    rows = [
        [f"`{r}`", *(fmt(inner.get(c, ""), c + r) for c in columns)] for r, inner in obj.items()
    ]
    return table([corner, *(f"`{c}`" for c in columns)], rows)


def columns_table(obj: dict[str, list[Any]]) -> str:
    keys = list(obj)
    length = len(obj[keys[0]])
    return table(
        [f"`{k}`" for k in keys], [[fmt(obj[k][i], k) for k in keys] for i in range(length)]
    )


def summary_tables(summary: dict[str, Any]) -> str:
    """The experiment's `summary`, whatever its shape, as tables: nothing in it is left out."""
    parts = []
    nested = {
        k: v
        for k, v in summary.items()
        if isinstance(v, dict) and not all(_scalar(x) for x in v.values())
    }
    for key, value in nested.items():
        parts.append(matrix(value, f"`{key}`"))
    lists = {k: v for k, v in summary.items() if isinstance(v, list)}
    if len(lists) >= 2 and len({len(v) for v in lists.values()}) == 1:
        parts.append(columns_table(lists))
        lists = {}
    flat = {k: v for k, v in summary.items() if isinstance(v, dict) and k not in nested}
    if flat:
        parts.append(matrix(flat, ""))
    scalars = {k: v for k, v in summary.items() if _scalar(v) or k in lists}
    if scalars:
        parts.append(key_values(scalars))
    return "\n\n".join(parts)


def _collapsible(summary: str, body: str) -> str:
    indented = "\n".join(("    " + line) if line else "" for line in body.splitlines())
    return f'??? info "{summary}"\n\n{indented}\n'


def _caption(name: str) -> str:
    return name.replace("_", " ").replace("-", " ").capitalize()


def render_experiment(config: MkDocsConfig, page: Page, name: str) -> str:
    metrics = load_metrics(config, name)
    folder = _runs_dir(config) / name
    base = posixpath.relpath(f"{RUNS_URI}/{name}", posixpath.dirname(page.file.src_uri) or ".")
    try:
        runs, summary, artifacts = metrics["runs"], metrics["summary"], metrics["artifacts"]
        figures = artifacts["figures"]
    except (KeyError, TypeError) as exc:
        raise PluginError(f"{folder}/metrics.json has no {exc}: {REGENERATE}") from None
    parts = [
        f"> {metrics.get('description', '')}",
        f"Made by `{metrics.get('command', '')}` in {fmt(metrics.get('wall_time_s'))} s.",
        "### Summary",
        summary_tables(summary),
        "### Runs",
        table(
            ["run", *(f"`{k}`" for k in runs[0]["final"]), "`train_time_s`", "`wall_time_s`"],
            [
                [
                    f"`{r['id']}`",
                    *(fmt(v, k) for k, v in r["final"].items()),
                    fmt(r.get("train_time_s")),
                    fmt(r.get("wall_time_s")),
                ]
                for r in runs
            ],
        ),
        "### Figures",
    ]
    shown = set()
    for fig_name, rel in figures.items():
        if not (folder / rel).is_file():
            raise PluginError(f"{folder}/{rel} is missing: {REGENERATE}")
        shown.add(rel)
        parts.append(
            f'<figure class="run-figure" markdown>\n\n![{_caption(fig_name)}]({base}/{rel})\n\n'
            f"<figcaption>{_caption(fig_name)} (<code>{rel}</code>)</figcaption>\n</figure>"
        )
    unlisted = sorted(
        p.relative_to(folder).as_posix()
        for p in folder.rglob("*")
        if p.suffix.lower() in IMAGE_SUFFIXES and p.relative_to(folder).as_posix() not in shown
    )
    if unlisted:
        raise PluginError(f"{folder}: figures not listed in metrics.json: {', '.join(unlisted)}")
    if not shown:
        raise PluginError(f"{folder} has no figures: {REGENERATE}")
    configs = {r["id"]: r["config"] for r in runs}
    keys = list(dict.fromkeys(k for c in configs.values() for k in c))
    parts.append(
        _collapsible(
            "Configuration of each run",
            table(
                ["", *(f"`{rid}`" for rid in configs)],
                [[f"`{k}`", *(fmt(c.get(k, ""), k) for c in configs.values())] for k in keys],
            ),
        )
    )
    for r in runs:
        history = r["history"]
        parts.append(
            _collapsible(
                f"History of run {r['id']} ({len(next(iter(history.values()), []))} rows, "
                f"one per {r.get('unit', 'step')})",
                columns_table(history),
            )
        )
    files = metrics.get("data", {}).get("files", {})
    parts.append(
        _collapsible(
            "Library versions and data files",
            key_values(metrics.get("versions", {}))
            + "\n\n"
            + table(
                ["file", "sha256", "source"],
                [
                    [f"`{n}`", f"`{f.get('sha256', '')}`", fmt(f.get("source", ""))]
                    for n, f in files.items()
                ],
            ),
        )
    )
    saved = sorted(
        p.relative_to(folder).as_posix()
        for p in folder.rglob("*")
        if p.is_file() and p.suffix.lower() not in IMAGE_SUFFIXES
    )
    parts.append(
        "Files saved by this run: " + ", ".join(f"[`{n}`]({base}/{n})" for n in saved) + "."
    )
    _shown.add(name)
    return "\n\n".join(parts)


def _get(metrics: dict[str, Any], name: str, *path: str) -> Any:
    value: Any = metrics
    for key in path:
        try:
            value = value[key]
        except (KeyError, IndexError, TypeError):
            raise PluginError(
                f"{RUNS_URI}/{name}/metrics.json has no {'.'.join(path)}: {REGENERATE}"
            ) from None
    return value


def render_headline(config: MkDocsConfig, page: Page) -> str:
    """One row per experiment: the numbers a reader asks for first."""
    runs_page = posixpath.relpath("runs.md", posixpath.dirname(page.file.src_uri) or ".")
    rows = []
    seed = load_metrics(config, "seed-reproduction")
    at = _get(seed, "seed-reproduction", "summary", "at")
    reported = _get(seed, "seed-reproduction", "summary", "seeds_reported_heldout_accuracy")
    for step, values in at.items():
        rows.append(
            [
                f"[seed-reproduction]({runs_page}#seed-reproduction)",
                f"seeds' setup, {step} full-batch iterations",
                f"{fmt(values['heldout_accuracy'], 'accuracy')} held out "
                f"(seeds report {fmt(reported, 'accuracy')}), "
                f"{fmt(values['test_accuracy'], 'accuracy')} test",
            ]
        )
    improved = load_metrics(config, "improved")
    test = _get(improved, "improved", "summary", "test_accuracy")
    seeds = _get(improved, "improved", "summary", "seeds")
    rows.append(
        [
            f"[improved]({runs_page}#improved)",
            f"784-10-10 trained well, {len(seeds)} seeds",
            f"{fmt(test['mean'], 'accuracy')} mean test (min {fmt(test['min'], 'accuracy')}, "
            f"max {fmt(test['max'], 'accuracy')})",
        ]
    )
    width = load_metrics(config, "width")
    widths = _get(width, "width", "summary", "widths")
    accs = _get(width, "width", "summary", "test_accuracy")
    times = _get(width, "width", "summary", "train_time_s")
    for hidden, acc, seconds in zip(widths, accs, times, strict=True):
        rows.append(
            [
                f"[width]({runs_page}#width)",
                f"784-{hidden}-10, improved recipe",
                f"{fmt(acc, 'accuracy')} test, trained in {seconds:.1f} s",
            ]
        )
    return table(["experiment", "setup", "result"], rows)


def on_pre_build(config: MkDocsConfig) -> None:
    _shown.clear()


def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    if page.file.src_uri.endswith((".py", ".ipynb")):
        return markdown  # notebook source, not Markdown

    def replace(match: re.Match[str]) -> str:
        what, arg = match["what"], match["arg"]
        if what == "headline" and arg is None:
            return render_headline(config, page)
        if what == "experiment" and arg:
            return render_experiment(config, page, arg)
        raise PluginError(f"{page.file.src_uri}: unknown directive {match[0]!r}")

    return DIRECTIVE.sub(replace, markdown)


def on_post_build(config: MkDocsConfig) -> None:
    runs = _runs_dir(config)
    saved = sorted(p.name for p in runs.iterdir() if p.is_dir()) if runs.is_dir() else []
    missing = [name for name in (*EXPERIMENTS, *saved) if name not in _shown]
    if missing:
        raise PluginError(
            f"no page shows the run(s) {', '.join(dict.fromkeys(missing))}: "
            "add <!-- runs:experiment NAME --> to docs/runs.md"
        )
