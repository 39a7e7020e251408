r"""The benchmark's results: the headline summary, ``results.json``, the Performance page's tables.

`render_markdown` is what the site's hook (``docs/hooks/bench.py``) puts on the Performance
page at build time, from the ``results.json`` that `write_artifact` wrote.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from mnist_scratch.files import write_atomic

from .measure import BenchError

SCHEMA = 2  # 2: part 2 times the training loop's own epoch (recipe batch, warm-up, 1 thread)
FULL_BATCH_TARGET = 1.3  # step ÷ its two products


def summary(results: dict[str, Any]) -> list[dict[str, Any]]:
    """One row per headline figure: what, measured value, target, and whether it is met."""
    rows: list[dict[str, Any]] = []

    def add(part: str, what: str, value: Any, target: float | None) -> None:
        met = None
        if target is not None and isinstance(value, (int, float)):
            met = bool(value <= target)
        rows.append({"part": part, "measure": what, "value": value, "target": target, "met": met})

    fb = results["full_batch"]
    add("1", "full-batch step ÷ its two products", fb["ratio"], FULL_BATCH_TARGET)
    threads = results["environment"]["blas_threads"]
    for rec in results["minibatch"]["batches"]:
        B = rec["batch"]
        add("2", f"training epoch (H=10, B={B}, BLAS on 1 thread as trained) ÷ one stream of "
                 "the rows", rec["ratio"], None)
        if "ratio_default_threads" in rec:
            add("2", f"same, BLAS on its default {threads} thread(s) (B={B})",
                rec["ratio_default_threads"], None)
        for name, alt in rec["layouts"].items():
            what = {"copy": "a whole shuffled copy per epoch",
                    "uint8": "gathering uint8 pixels"}.get(name, name)
            add("2", f"epoch speed-up of the loop's per-batch gather over {what} (B={B})",
                alt["loop_speedup"], None)
    tv = results["torch"]
    if "skipped" in tv:
        rows.append({"part": "3", "measure": "NumPy ÷ PyTorch", "value": "skipped",
                     "target": None, "met": None})
    else:
        for s in tv["settings"]:
            n = s["numpy_blas_threads"]
            count = f"{n} thread{'s' if n > 1 else ''}"
            add("3", f"NumPy ÷ idiomatic PyTorch (H={s['hidden']}, {count})",
                s["ratio_idiomatic"], s["target"])
            add("3", f"NumPy ÷ PyTorch, same formulas (H={s['hidden']}, {count})",
                s["ratio_formulas"], None)
    tr = results["training"]
    tta = tr["time_to_accuracy"]
    for label, hit in tta["reached"].items():
        add("4", f"training time to {label} test accuracy (s)",
            hit["train_time_s"] if hit else "not reached", None)
    rss = tr["peak_rss"]
    if "peak_rss_gib" in rss:
        add("4", f"peak RSS of `{rss['command']}` (GiB)", rss["peak_rss_gib"], rss["target_gib"])
    return rows


def write_artifact(results: dict[str, Any], out: Path) -> Path:
    """Write ``out/results.json`` whole (`mnist_scratch.files.write_atomic`)."""
    try:
        return write_atomic(Path(out) / "results.json",
                            json.dumps(results, indent=1, allow_nan=False) + "\n")
    except OSError as exc:
        raise BenchError(f"cannot write the results to {out}: {exc.strerror or exc}") from None


def _cell(value: Any) -> str:
    if value is None:
        return "–"
    return str(value).replace("|", "\\|")


def _value(row: dict[str, Any]) -> str:
    """A summary row's value with its target: ``1.169 (target ≤ 1.3: met)``."""
    if row["target"] is None:
        return _cell(row["value"])
    verdict = "met" if row["met"] else "**not met**"
    return f"{_cell(row['value'])} (target ≤ {row['target']}: {verdict})"


def _columns(header: list[str], rows: list[list[Any]]) -> list[str]:
    return ["| " + " | ".join(header) + " |", "|" + "---|" * len(header),
            *("| " + " | ".join(_cell(c) for c in row) + " |" for row in rows)]


def render_markdown(results: dict[str, Any]) -> str:
    """The results as Markdown tables of at most three columns (they must fit a phone): the
    headline summary, the machine, then each part's measurements."""
    if results.get("schema") != SCHEMA:
        raise KeyError(f"schema {SCHEMA} (found {results.get('schema')!r})")
    env = results["environment"]
    blas = next((p for p in env["threadpools"] if p.get("user_api") == "blas"), {})
    lines = ["| part | measure | value |", "|---|---|---|"]
    lines += [f"| {r['part']} | {_cell(r['measure'])} | {_value(r)} |" for r in results["summary"]]
    lines += ["", f"Measured with `{results['command']}` on {results['created']} "
              f"({'quick run, ' if results['quick'] else ''}{results['data']['source']} data, "
              f"{results['data']['train_rows']:,} training rows).", ""]
    lines += ["| machine | |", "|---|---|",
              f"| CPU | {env['cpu']} ({env['usable_cpus']} usable of {env['logical_cpus']}) |",
              f"| platform | {env['platform']} |",
              f"| Python / NumPy | {env['python']} / {env['numpy']} |",
              f"| BLAS | {blas.get('internal_api', '?')} {blas.get('version', '')}, kernel "
              f"{blas.get('architecture', '?')}, {env['blas_threads']} thread(s) by default |"]
    lines += [f"| `{k}` | {'unset' if v is None else _cell(v)} |" for k, v in env["env"].items()]
    lines += [f"| load average (start → end) | {env['load_average_start']} → "
              f"{env.get('load_average_end')} |"]
    mb = results["minibatch"]
    r = mb["recipe"]
    batches = mb["batches"]
    lines += ["", f"The training loop's epoch at hidden width 10: learning rate {r['lr']} "
              f"({r['warmup']} warm-up steps, then {r['schedule']}), momentum {r['momentum']}; "
              "milliseconds, BLAS on one thread unless said.", ""]
    parts = [
        ("epoch", lambda b: b["epoch_ms"]),
        ("one stream of the rows", lambda b: b["stream_ms"]),
        ("shuffle", lambda b: b["split_ms"]["shuffle"]),
        ("gathers", lambda b: b["split_ms"]["gather"]),
        ("BLAS products", lambda b: b["split_ms"]["blas_products"]),
        ("fixed per-step cost", lambda b: b["split_ms"]["fixed_per_step_overhead"]),
        ("remainder", lambda b: b["split_ms"]["remainder"]),
        ("fixed cost per step (µs)", lambda b: b["fixed_us_per_step"]),
        ("epoch, BLAS on its default threads", lambda b: b.get("epoch_default_threads_ms")),
        ("epoch, a whole shuffled copy per epoch", lambda b: b["layouts"]["copy"]["epoch_ms"]),
        ("epoch, uint8 pixels gathered", lambda b: b["layouts"]["uint8"]["epoch_ms"]),
    ]
    lines += _columns(["", *(f"batch {b['batch']}" for b in batches)],
                      [[name, *(get(b) for b in batches)] for name, get in parts])
    tv = results["torch"]
    if "settings" in tv:
        rt = tv["recipe"]
        lines += ["", f"PyTorch {tv['torch']}, batch {tv['batch']}, SGD momentum "
                  f"{rt['momentum']}, learning rate {rt['lr']} with {rt['warmup']} warm-up "
                  f"steps then {rt['schedule']}; milliseconds per epoch (threads: NumPy's BLAS "
                  "/ torch's).", ""]
        lines += _columns(
            ["setting", "NumPy, the loop's epoch", "PyTorch idiomatic / hand-written"],
            [[f"H = {s['hidden']}, {s['numpy_blas_threads']} / {s['torch_threads']} threads",
              s["numpy_ms"], f"{s['torch_idiomatic_ms']} / {s['torch_formulas_ms']}"]
             for s in tv["settings"]])
    return "\n".join(lines)
