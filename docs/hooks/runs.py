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
EXPERIMENTS = ("seed-reproduction", "improved", "width")
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


def fmt(value: Any) -> str:
    """A number as the page shows it: integers exactly, floats to 6 significant digits."""
    if isinstance(value, bool) or value is None:
        return f"`{json.dumps(value)}`"
    if isinstance(value, int):
        return f"{value:,}" if abs(value) >= 10_000 else str(value)
    if isinstance(value, float):
        return f"{value:.6g}" if math.isfinite(value) else f"`{value}`"
    if isinstance(value, (list, tuple)):
        return ", ".join(fmt(v) for v in value) if len(value) <= 12 else f"{len(value)} values"
    return f"`{value}`" if isinstance(value, str) and value else str(value)


def percent(value: float) -> str:
    """Accuracies are stored as fractions; the tables show percent."""
    return f"{100 * value:.2f}%"


def _is_scalar(value: Any) -> bool:
    return not isinstance(value, (dict, list))


def _flatten(obj: dict[str, Any], prefix: str = "") -> list[tuple[str, Any]]:
    rows: list[tuple[str, Any]] = []
    for key, value in obj.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            rows += _flatten(value, name + ".")
        else:
            rows.append((name, value))
    return rows


def _escape(text: str) -> str:
    return text.replace("|", "\\|")


def key_value_table(obj: dict[str, Any]) -> str:
    rows = [f"| `{_escape(k)}` | {_escape(fmt(v))} |" for k, v in _flatten(obj)]
    return "\n".join(["| key | value |", "|---|---|", *rows])


def records_table(records: list[dict[str, Any]]) -> str:
    columns: list[str] = []
    for rec in records:
        columns += [k for k in rec if k not in columns]
    lines = ["| " + " | ".join(f"`{c}`" for c in columns) + " |", "|" + "---|" * len(columns)]
    lines += ["| " + " | ".join(_escape(fmt(r.get(c, ""))) for c in columns) + " |" for r in records]
    return "\n".join(lines)


def render_value(title: str, value: Any, level: int) -> str:
    """Any JSON value as Markdown: a table where one fits, nested sections otherwise."""
    if isinstance(value, dict) and all(_is_scalar(v) for v in value.values()):
        body = key_value_table(value)
    elif isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
        body = records_table(value)
    elif isinstance(value, dict):
        scalars = {k: v for k, v in value.items() if _is_scalar(v)}
        parts = [key_value_table(scalars)] if scalars else []
        parts += [render_value(k, v, level + 1) for k, v in value.items() if not _is_scalar(v)]
        body = "\n\n".join(parts)
    else:
        body = fmt(value)
    return f"{'#' * level} `{title}`\n\n{body}"


def _collapsible(summary: str, body: str) -> str:
    indented = "\n".join(("    " + line) if line else "" for line in body.splitlines())
    return f'??? info "{summary}"\n\n{indented}\n'


def _caption(path: Path) -> str:
    return path.stem.replace("_", " ").replace("-", " ").capitalize()


def render_experiment(config: MkDocsConfig, page: Page, name: str) -> str:
    metrics = load_metrics(config, name)
    folder = _runs_dir(config) / name
    base = posixpath.relpath(f"{RUNS_URI}/{name}", posixpath.dirname(page.file.src_uri) or ".")
    parts: list[str] = []
    final = metrics.get("final")
    if isinstance(final, dict):
        parts.append(render_value("final", final, 3))
    images = sorted(p for p in folder.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES)
    if not images:
        raise PluginError(f"{folder} has no figures: {REGENERATE}")
    for img in images:
        parts.append(
            f'<figure class="run-figure" markdown>\n\n![{_caption(img)}]({base}/{img.name})\n\n'
            f"<figcaption>{_caption(img)} (<code>{img.name}</code>)</figcaption>\n</figure>"
        )
    for key, value in metrics.items():
        if key != "final":
            parts.append(_collapsible(f"{key}", render_value(key, value, 4)))
    others = sorted(
        p.name for p in folder.iterdir() if p.is_file() and p not in images and p.name != "metrics.json"
    )
    files = ", ".join(f"[`{n}`]({base}/{n})" for n in ["metrics.json", *others])
    parts.append(f"Files saved by this run: {files}.")
    _shown.add(name)
    return "\n\n".join(parts)


def render_headline(config: MkDocsConfig, page: Page) -> str:
    runs_page = posixpath.relpath("runs.md", posixpath.dirname(page.file.src_uri) or ".")
    lines = ["| experiment | result | value |", "|---|---|---|"]
    for name in EXPERIMENTS:
        final = load_metrics(config, name).get("final", {})
        accs = [(k, v) for k, v in _flatten(final) if "acc" in k and isinstance(v, float)]
        if not accs:
            raise PluginError(f"{RUNS_URI}/{name}/metrics.json has no accuracy under 'final'")
        for key, value in accs:
            lines.append(f"| [{name}]({runs_page}#{name}) | `{key}` | {percent(value)} |")
    return "\n".join(lines)


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
