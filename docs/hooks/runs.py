"""Put the saved training runs on the pages: every number from ``metrics.json``, every figure once.

``python -m mnist_scratch.train`` writes ``docs/assets/runs/<experiment>/`` (``metrics.json``,
figures, weights). The docs build never trains and no page types a result by hand: a Markdown
page asks for them with a directive on a line of its own, replaced here before MkDocs renders
the page:

``<!-- runs:headline -->``
    the home page's results table: rows chosen by each experiment the main job trains;
``<!-- runs:reproducibility -->``
    what reproduces bit for bit and what another CPU moves, from the measurements kept in
    ``docs/assets/reproducibility.json`` (`mnist_scratch.reproducibility`);
``<!-- runs:experiment NAME -->``
    one experiment: its results table (test accuracy first), the figures it lists, then,
    folded, each run's configuration and history, the versions and the files it saved.

Runs are read through `mnist_scratch.runs.read_metrics`, which checks their structure, and
presented by their experiment (`mnist_scratch.train.experiments`): this hook knows neither the
format nor the list of experiments. A missing or malformed ``metrics.json``, an unknown
directive, or an experiment folder that no page shows stops the build with one line saying
which file and field, and how to fix it. Temporary folders of an interrupted run are not runs.
"""

from __future__ import annotations

import json
import math
import posixpath
import re
import struct
from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page

from mnist_scratch import reproducibility, runs
from mnist_scratch.train.experiments import SHOWN, catalogue, pct

RUNS_URI = "assets/runs"
NARROW_PX = 700  # figures at most this wide are drawn two abreast on a wide screen
IMAGE_SUFFIXES = (".png", ".svg", ".jpg", ".jpeg", ".gif", ".webp")
DIRECTIVE = re.compile(r"^<!--\s*runs:(?P<what>[\w-]+)(?:\s+(?P<arg>[\w.-]+))?\s*-->[ \t]*$", re.M)
REGENERATE = "run `python -m mnist_scratch.train` to regenerate the runs"
# Column headers for readers: metrics.json keys are for programs.
LABELS = {
    "lr": "learning rate", "time_s": "time (s)", "heldout_loss": "held-out loss",
    "heldout_accuracy": "held-out accuracy", "hidden": "hidden units", "init": "initialisation",
    "warmup": "warm-up steps", "batch_size": "batch size (0: full)", "holdout": "held-out rows",
    "mnist_scratch": "mnist_scratch", "cpu_count": "CPUs", "blas": "BLAS",
}
CAPTIONS = {
    "curves": "Loss and accuracy while training", "width": "Accuracy and time by hidden width",
    "ablation": "Test accuracy of each step (dots: seeds, bars: mean)",
    "hidden_weights": "What each hidden unit looks for: its 784 incoming weights as an image",
    "confusion": "Test confusion matrix", "samples": "The first test images, true vs predicted",
    "mistakes": "The most confident mistakes",
}

_shown: set[str] = set()  # experiments placed on some page in this build


def _runs_dir(config: MkDocsConfig) -> Path:
    return Path(config.docs_dir) / RUNS_URI


def label(key: str) -> str:
    """A metrics.json key as a column header: ``train_accuracy`` -> ``train accuracy``."""
    return LABELS.get(key, key.replace("_", " "))


def fmt(value: Any, key: str = "") -> str:
    """A value as the tables show it: accuracies (stored as fractions) in percent, integers
    exactly, other floats to 6 significant digits, lists joined."""
    if isinstance(value, bool) or value is None:
        return f"`{json.dumps(value)}`"
    if isinstance(value, float) and "accuracy" in key and math.isfinite(value):
        return pct(value)
    if isinstance(value, int):
        return f"{value:,}" if abs(value) >= 10_000 else str(value)
    if isinstance(value, float):
        return f"{value:.6g}" if math.isfinite(value) else f"`{value}`"
    if isinstance(value, list):
        return ", ".join(fmt(v, key) for v in value)
    if isinstance(value, dict):
        return ", ".join(f"{k}: {fmt(v, key)}" for k, v in value.items())
    return f"`{value}`" if value != "" else ""


def _row(cells: list[str]) -> str:
    return "| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |"


def table(header: list[str], rows: list[list[str]]) -> str:
    return "\n".join([_row(header), "|" + "---|" * len(header), *map(_row, rows)])


def _folded(title: str, body: str) -> str:
    indented = "\n".join(("    " + line) if line else "" for line in body.splitlines())
    return f'??? note "{title}"\n\n{indented}\n'


def _png_size(path: Path) -> tuple[int, int] | None:
    head = path.read_bytes()[:24]
    if path.suffix.lower() != ".png" or head[:8] != b"\x89PNG\r\n\x1a\n":
        return None
    return struct.unpack(">II", head[16:24])


def read(config: MkDocsConfig, name: str) -> runs.Metrics:
    """The checked metrics.json of experiment ``name``, or one line that stops the build."""
    try:
        metrics = runs.read_metrics(_runs_dir(config) / name)
    except runs.RunFormatError as exc:
        raise PluginError(f"{exc}: {REGENERATE}") from None
    if metrics["experiment"] != name:
        raise PluginError(f"{metrics.path}: field experiment is {metrics['experiment']!r}, "
                          f"not the folder's name {name!r}: {REGENERATE}")
    return metrics


def _experiment(metrics: runs.Metrics):
    exp = catalogue().get(metrics["experiment"])
    if exp is None:
        raise PluginError(f"{metrics.path}: field experiment names {metrics['experiment']!r}, "
                          "which mnist_scratch.train does not know: remove the folder or "
                          f"{REGENERATE}")
    return exp


def _figures(metrics: runs.Metrics, folder: Path, base: str) -> list[str]:
    """Every figure the experiment lists, once; an image it does not list stops the build."""
    parts, listed = [], set()
    for name, rel in metrics["artifacts"]["figures"].items():
        path = folder / rel
        if not path.is_file():
            raise PluginError(f"{path} is missing: {REGENERATE}")
        listed.add(rel)
        caption = CAPTIONS.get(name, label(name).capitalize())
        size = _png_size(path)
        attrs = "" if size is None else f'{{ width="{size[0]}" height="{size[1]}" }}'
        # A narrow figure (a 5-column grid, the confusion matrix) may sit beside another.
        kind = "run-figure" if size is None or size[0] > NARROW_PX else "run-figure narrow"
        parts.append(f'<figure class="{kind}" markdown>\n\n![{caption}]({base}/{rel}){attrs}'
                     f"\n\n<figcaption>{caption}</figcaption>\n</figure>")
    unlisted = sorted(
        p.relative_to(folder).as_posix() for p in folder.rglob("*")
        if p.suffix.lower() in IMAGE_SUFFIXES and p.relative_to(folder).as_posix() not in listed
    )
    if unlisted:
        raise PluginError(f"{folder}: figures not listed in metrics.json: {', '.join(unlisted)}")
    return parts


def _configurations(metrics: runs.Metrics) -> str:
    """What all runs share in one sentence, then a table of only what differs between them."""
    configs = {r["id"]: r["config"] for r in metrics["runs"]}
    keys = list(dict.fromkeys(k for c in configs.values() for k in c))
    same = [k for k in keys if len({json.dumps(c.get(k)) for c in configs.values()}) == 1]
    first = next(iter(configs.values()))
    text = "Every run: " + ", ".join(f"{label(k)} {fmt(first.get(k), k)}" for k in same) + "."
    differ = [k for k in keys if k not in same]
    if differ:
        text += "\n\n" + table(["run", *map(label, differ)],
                               [[f"`{rid}`", *(fmt(c.get(k, ""), k) for k in differ)]
                                for rid, c in configs.items()])
    return text


def _histories(metrics: runs.Metrics) -> str:
    parts = []
    for r in metrics["runs"]:
        history = r["history"]
        rows = len(history["step"])
        parts.append(f"**`{r['id']}`**: {rows} rows, one per {r['unit']}\n\n"
                     + table([label(k) for k in history],
                             [[fmt(history[k][i], k) for k in history] for i in range(rows)]))
    return "\n\n".join(parts)


def render_experiment(config: MkDocsConfig, page: Page, name: str) -> str:
    metrics = read(config, name)
    exp = _experiment(metrics)
    folder = _runs_dir(config) / name
    base = posixpath.relpath(f"{RUNS_URI}/{name}", posixpath.dirname(page.file.src_uri) or ".")
    try:
        header, rows = exp.results(metrics)
    except runs.RunFormatError as exc:
        raise PluginError(f"{exc}: {REGENERATE}") from None
    figures = _figures(metrics, folder, base)
    if not figures:
        raise PluginError(f"{folder} has no figures: {REGENERATE}")
    versions = table(["", ""], [[label(k), fmt(v)] for k, v in metrics["versions"].items()])
    files = metrics["data"].get("files", {})
    data = table(["file", "sha256", "source"],
                 [[f"`{n}`", f"`{f.get('sha256', '')}`", fmt(f.get("source", ""))]
                  for n, f in files.items()])
    saved = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*")
                   if p.is_file() and p.suffix.lower() not in IMAGE_SUFFIXES)
    made = (f"Made by `{metrics['command']}` in {metrics['wall_time_s']:.0f} s of training "
            "time (summed over its runs). Files: "
            + ", ".join(f"[`{n}`]({base}/{n})" for n in saved) + ".")
    _shown.add(name)
    return "\n\n".join([
        table(header, rows),
        '<div class="run-figures" markdown>',
        *figures,
        "</div>",
        _folded("Configuration of each run",
                f"{metrics['description']}\n\n{_configurations(metrics)}"),
        _folded(f"History of each run ({len(metrics['runs'])})", _histories(metrics)),
        _folded("Versions, data files and saved files", f"{made}\n\n{versions}\n\n{data}"),
    ])


def render_headline(config: MkDocsConfig, page: Page) -> str:
    """One row per result each experiment the main job trains puts on the home page."""
    runs_page = posixpath.relpath("runs.md", posixpath.dirname(page.file.src_uri) or ".")
    rows = []
    for name in SHOWN:
        metrics = read(config, name)
        try:
            lines = _experiment(metrics).headline(metrics)
        except runs.RunFormatError as exc:
            raise PluginError(f"{exc}: {REGENERATE}") from None
        rows += [[f"[{name}]({runs_page}#{name})", setup, result] for setup, result in lines]
    return table(["experiment", "setup", "result"], rows)


def render_reproducibility(config: MkDocsConfig) -> str:
    """What the same seeds give on this machine and on others, as measured and kept."""
    path = Path(config.docs_dir).parent / reproducibility.MEASUREMENTS
    try:
        kept = reproducibility.read_measurements(path)
    except ValueError as exc:
        raise PluginError(str(exc)) from None
    if not kept:
        raise PluginError(f"{path} holds no measurement: run python -m "
                          "mnist_scratch.reproducibility OTHER --label L --write")
    rows = []
    for entry in kept.values():
        big = entry["largest"]
        moved = (f"{entry['mean_change_points']:.2f} on average, at most "
                 f"{entry['max_change_points']:.2f}")
        if entry["max_change_points"] > 0:
            moved += f" (`{big['run']}`: {big['reference']:.2%} → {big['other']:.2%})"
        rows.append([entry["label"].removeprefix("OPENBLAS_CORETYPE="),
                     f"{entry['identical_weight_files']} of {entry['weight_files']}",
                     f"{moved}, over {entry['accuracies']} accuracies"])
    return "\n\n".join([
        "**What reproduces bit for bit.** The same seed on the same machine with the same BLAS "
        "gives the same weights, bit for bit: the main job run again on the machine that made "
        "these runs rewrites the same bytes. On another CPU, BLAS picks other kernels, which "
        "round differently: the weights change and the accuracies move a little. Measured on "
        "one machine by forcing OpenBLAS onto other kernel families, each training every run "
        "again (`python -m mnist_scratch.reproducibility`, against the runs on this page):",
        table(["`OPENBLAS_CORETYPE`", "weight files identical", "accuracy moved (points)"],
              rows),
        f"So a number below may differ from yours in its last digit. The tests hold the "
        f"committed runs exactly and runs you regenerate to within "
        f"{reproducibility.TOLERANCE_POINTS} points of them.",
    ])


def on_pre_build(config: MkDocsConfig) -> None:
    _shown.clear()


def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    if page.file.src_uri.endswith((".py", ".ipynb")):
        return markdown  # notebook source, not Markdown

    def replace(match: re.Match[str]) -> str:
        what, arg = match["what"], match["arg"]
        if what == "headline" and arg is None:
            return render_headline(config, page)
        if what == "reproducibility" and arg is None:
            return render_reproducibility(config)
        if what == "experiment" and arg:
            return render_experiment(config, page, arg)
        raise PluginError(f"{page.file.src_uri}: unknown directive {match[0]!r}")

    return DIRECTIVE.sub(replace, markdown)


def on_post_build(config: MkDocsConfig) -> None:
    missing = [p.name for p in runs.experiment_folders(_runs_dir(config)) if p.name not in _shown]
    if missing:
        raise PluginError(
            f"no page shows the run(s) {', '.join(missing)} in {_runs_dir(config)}: add "
            "<!-- runs:experiment NAME --> to docs/runs.md, or delete a folder you do not want"
        )
