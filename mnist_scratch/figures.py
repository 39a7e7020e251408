r"""Figures of a training run, drawn only from the files the run saved.

`render` reads an experiment folder written by `mnist_scratch.runs` (``metrics.json``,
``weights/*.npz``, ``predictions.npz``) and draws the figures its ``metrics.json`` lists (each
experiment chooses its own, see `mnist_scratch.train.experiments`) into its ``figures/``: it
never trains and never loads the dataset, so a figure can be redrawn from the committed
artifacts alone::

    python -m mnist_scratch.figures docs/assets/runs/improved

PNGs are deterministic for a given matplotlib (no timestamps, no version stamp).
"""

from __future__ import annotations

import sys

if __name__ == "__main__":  # `python -m`: run inside the interrupt guard, before matplotlib loads
    from mnist_scratch.cli import entry

    sys.exit(entry("mnist_scratch.figures"))

from pathlib import Path  # noqa: E402 - after the guard above, on purpose

import matplotlib  # noqa: E402

matplotlib.use("Agg")  # files only; never a window, works without a display

import matplotlib.pyplot as plt  # noqa: E402 - the backend must be chosen first
import numpy as np  # noqa: E402

from mnist_scratch.cli import fail  # noqa: E402
from mnist_scratch.data.known import CLASSES  # noqa: E402
from mnist_scratch.metrics import confusion_matrix  # noqa: E402
from mnist_scratch.runs import RunFormatError, load_weights, read_metrics  # noqa: E402

DPI = 100
MAX_UNITS = 32  # hidden units drawn as images; a 256-wide layer shows its first 32
STYLE = {
    "font.size": 9,
    "axes.titlesize": 10,
    "axes.spines.top": False,
    "axes.spines.right": False,
}


def _save(fig: plt.Figure, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    # No "Software" stamp: the same run gives the same bytes.
    fig.savefig(path, dpi=DPI, metadata={"Software": None})
    plt.close(fig)
    return path


def _pct(values) -> np.ndarray:
    return 100 * np.asarray(values, dtype=float)


def curves(metrics: dict, path: Path) -> Path:
    """Loss and accuracy against iterations or epochs, for every run of the experiment."""
    runs = metrics["runs"]
    fig, (ax_loss, ax_acc) = plt.subplots(1, 2, figsize=(9, 3.4), layout="constrained")
    single = len(runs) == 1
    colors = plt.get_cmap("tab10").colors
    low, high = 100.0, 0.0
    for i, run in enumerate(runs):
        h = run["history"]
        x = h["step"] if run["unit"] == "iteration" else h["epoch"]
        # A mini-batch run's step 0 is the untrained net: leave it out of the accuracy zoom.
        skip = 0 if run["unit"] == "iteration" else 1
        if single:
            splits = [s for s in ("train", "heldout", "test") if f"{s}_loss" in h]
            for j, split in enumerate(splits):
                ax_loss.plot(x, h[f"{split}_loss"], color=colors[j], label=split)
                ax_acc.plot(x, _pct(h[f"{split}_accuracy"]), color=colors[j], label=split)
                low = min(low, _pct(h[f"{split}_accuracy"][skip:]).min())
                high = max(high, _pct(h[f"{split}_accuracy"]).max())
        else:
            c = colors[i % len(colors)]
            ax_loss.plot(x, h["train_loss"], color=c, label=f"{run['id']} train")
            ax_loss.plot(x, h["test_loss"], color=c, ls="--", lw=0.9)
            ax_acc.plot(x, _pct(h["test_accuracy"]), color=c, label=f"{run['id']} test")
            ax_acc.plot(x, _pct(h["train_accuracy"]), color=c, ls="--", lw=0.9)
            low = min(low, _pct(h["test_accuracy"][skip:]).min())
            high = max(high, _pct(h["train_accuracy"]).max())
    unit = runs[0]["unit"]
    ax_loss.set(xlabel=unit, ylabel="cross-entropy", yscale="log", title="Loss")
    ax_acc.set(xlabel=unit, ylabel="accuracy (%)", title="Accuracy")
    if unit == "epoch":
        ax_acc.set_ylim(max(0.0, low - 1.0), min(100.0, high + 0.5))
    if not single:
        ax_loss.set_title("Loss (solid: train, dashed: test)")
        ax_acc.set_title("Accuracy (solid: test, dashed: train)")
    ax_loss.legend(fontsize=7, frameon=False)
    ax_acc.legend(fontsize=7, frameon=False, loc="lower right")
    for ax in (ax_loss, ax_acc):
        ax.grid(alpha=0.3)
    return _save(fig, path)


def confusion(pred: dict, path: Path, title: str) -> Path:
    """Confusion matrix of the test set: rows true digits, columns predicted."""
    C = confusion_matrix(pred["test_predictions"], pred["test_labels"], k=CLASSES)  # (10, 10)
    fig, ax = plt.subplots(figsize=(4.6, 4.2), layout="constrained")
    # Log colour so the off-diagonal mistakes are visible next to the ~1000 diagonal counts.
    ax.imshow(np.log1p(C), cmap="Blues")
    for (r, c), n in np.ndenumerate(C):
        if n:
            ax.text(c, r, str(n), ha="center", va="center", fontsize=6.5,
                    color="white" if n > C.max() / 3 else "black")
    ax.set(xticks=range(10), yticks=range(10), xlabel="predicted", ylabel="true", title=title)
    ax.spines[:].set_visible(False)
    return _save(fig, path)


def _digit_grid(images, captions, colors, path: Path, title: str, cols: int = 8) -> Path:
    rows = int(np.ceil(len(images) / cols))
    fig, axes = plt.subplots(rows, cols, figsize=(cols * 0.95, rows * 1.1 + 0.3),
                             layout="constrained", squeeze=False)
    for ax in axes.flat:
        ax.axis("off")
    for ax, img, caption, color in zip(axes.flat, images, captions, colors, strict=False):
        ax.imshow(np.asarray(img).reshape(28, 28), cmap="gray_r", vmin=0, vmax=255)
        ax.set_title(caption, fontsize=7.5, color=color)
    fig.suptitle(title, fontsize=10)
    return _save(fig, path)


def samples(pred: dict, path: Path) -> Path:
    """The first test images with their true and predicted labels (red when wrong)."""
    idx = pred["sample_index"]
    true = pred["test_labels"][idx]
    guess = pred["sample_probabilities"].argmax(axis=1)
    return _digit_grid(
        pred["sample_images"],
        [f"true {t} / pred {g}" for t, g in zip(true, guess, strict=True)],
        ["black" if t == g else "crimson" for t, g in zip(true, guess, strict=True)],
        path,
        f"The first {len(idx)} test images: true vs predicted",
    )


def mistakes(pred: dict, path: Path) -> Path:
    """The test images the network got wrong with the highest confidence."""
    idx = pred["mistake_index"]
    probs = pred["mistake_probabilities"]
    true = pred["test_labels"][idx]
    guess = probs.argmax(axis=1)
    return _digit_grid(
        pred["mistake_images"],
        [f"true {t} / pred {g}\n{100 * p.max():.1f}%" for t, g, p in
         zip(true, guess, probs, strict=True)],
        ["crimson"] * len(idx),
        path,
        "Most confident mistakes (confidence of the wrong class)",
    )


def hidden_weights(W1: np.ndarray, path: Path, title: str) -> Path:
    """Each hidden unit's 784 incoming weights drawn as a 28x28 image (red +, blue -)."""
    units = W1[:MAX_UNITS]  # (units, 784)
    cols = min(len(units), 8 if len(units) > 10 else 5)
    rows = int(np.ceil(len(units) / cols))
    fig, axes = plt.subplots(rows, cols, figsize=(cols * 1.3, rows * 1.4 + 0.3),
                             layout="constrained", squeeze=False)
    for ax in axes.flat:
        ax.axis("off")
    for i, (ax, w) in enumerate(zip(axes.flat, units, strict=False)):
        scale = float(np.abs(w).max()) or 1.0  # each unit on its own symmetric scale
        ax.imshow(w.reshape(28, 28), cmap="RdBu_r", vmin=-scale, vmax=scale)
        ax.set_title(f"unit {i}", fontsize=7.5)
    fig.suptitle(title, fontsize=10)
    return _save(fig, path)


def width_summary(metrics: dict, path: Path) -> Path:
    """Test accuracy and training time against hidden width."""
    s = metrics["summary"]
    widths = s["widths"]
    fig, (ax_acc, ax_time) = plt.subplots(1, 2, figsize=(8, 3.2), layout="constrained")
    ax_acc.plot(widths, _pct(s["test_accuracy"]), "o-", label="test")
    ax_acc.plot(widths, _pct(s["train_accuracy"]), "s--", label="train", alpha=0.7)
    for w, a in zip(widths, _pct(s["test_accuracy"]), strict=True):
        ax_acc.annotate(f"{a:.2f}%", (w, a), textcoords="offset points", xytext=(0, 7),
                        ha="center", fontsize=7.5)
    ax_acc.set(xscale="log", xlabel="hidden units", ylabel="accuracy (%)",
               title="Accuracy by hidden width")
    ax_acc.set_xticks(widths, [str(w) for w in widths])
    ax_acc.legend(frameon=False)
    ax_time.bar([str(w) for w in widths], s["train_time_s"], color="tab:gray")
    for i, t in enumerate(s["train_time_s"]):
        ax_time.text(i, t, f"{t:.1f}s", ha="center", va="bottom", fontsize=7.5)
    ax_time.set(xlabel="hidden units", ylabel="seconds", title="Training time")
    for ax in (ax_acc, ax_time):
        ax.grid(alpha=0.3)
    return _save(fig, path)


def ablation_summary(metrics: dict, path: Path) -> Path:
    """Test accuracy of each ablation step: every seed as a dot, the mean as a bar."""
    s = metrics["summary"]
    fig, ax = plt.subplots(figsize=(8, 3.4), layout="constrained")
    x = np.arange(len(s["step"]))
    means = _pct(s["test_accuracy_mean"])
    ax.bar(x, means, color="tab:blue", alpha=0.35, width=0.6, label="mean over seeds")
    for i, accs in enumerate(s["test_accuracy_by_seed"]):
        ax.plot([i] * len(accs), _pct(accs), "o", color="tab:blue", ms=4,
                label="one seed" if i == 0 else None)
        ax.annotate(f"{means[i]:.2f}%", (i, means[i]), textcoords="offset points", xytext=(0, 8),
                    ha="center", fontsize=7.5)
    # The first step (the baseline's full-batch method) is far below the rest: zoom on the rest.
    rest = _pct([a for accs in s["test_accuracy_by_seed"][1:] for a in accs])
    if rest.size:
        ax.set_ylim(rest.min() - 1.0, rest.max() + 0.5)
        ax.annotate(f"{means[0]:.2f}% (off the scale)", (0, rest.min() - 0.9),
                    ha="center", fontsize=7.5)
    ax.set_xticks(x, [f"{k}" if i == 0 else f"+ {k}" for i, k in enumerate(s["step"])])
    ax.set(ylabel="test accuracy (%)", title="Ablation: one change at a time")
    ax.legend(frameon=False, fontsize=7.5, loc="upper left")
    ax.grid(alpha=0.3, axis="y")
    return _save(fig, path)


DRAWN_BY = {
    "curves": lambda folder: curves(folder.metrics, folder.out / "curves.png"),
    "width": lambda folder: width_summary(folder.metrics, folder.out / "width.png"),
    "ablation": lambda folder: ablation_summary(folder.metrics, folder.out / "ablation.png"),
    "hidden_weights": lambda folder: hidden_weights(
        folder.showcase_W1(), folder.out / "hidden_weights.png",
        f"Hidden units' weights ({folder.label})"),
    "confusion": lambda folder: confusion(
        folder.predictions(), folder.out / "confusion.png",
        f"Test confusion matrix ({folder.accuracy():.2f}%)"),
    "samples": lambda folder: samples(folder.predictions(), folder.out / "samples.png"),
    "mistakes": lambda folder: mistakes(folder.predictions(), folder.out / "mistakes.png"),
}


class _Folder:
    """An experiment folder's saved files, each read once, as the drawing functions need them."""

    def __init__(self, run_dir: Path):
        self.dir = run_dir
        self.out = run_dir / "figures"
        self.metrics = read_metrics(run_dir)
        self.showcase = next(r for r in self.metrics["runs"]
                             if r["id"] == self.metrics["showcase"])
        self.label = f"784-{self.showcase['config']['hidden']}-10, {self.showcase['id']}"
        self._pred: dict | None = None

    def showcase_W1(self) -> np.ndarray:
        return load_weights(self.dir / self.showcase["weights"])["W1"]

    def predictions(self) -> dict:
        if self._pred is None:
            with np.load(self.dir / self.metrics["artifacts"]["predictions"],
                         allow_pickle=False) as npz:
                self._pred = {name: npz[name] for name in npz.files}
        return self._pred

    def accuracy(self) -> float:
        pred = self.predictions()
        return 100 * float(np.mean(pred["test_predictions"] == pred["test_labels"]))


def render(run_dir: Path) -> dict[str, Path]:
    """Draw the figures an experiment folder's ``metrics.json`` lists, into ``run_dir/figures/``.

    Reads only the folder's saved artifacts. Returns a mapping figure name -> path.

    Raises
    ------
    mnist_scratch.runs.RunFormatError
        If ``metrics.json`` is malformed or lists a figure no function here draws.
    """
    folder = _Folder(Path(run_dir))
    listed = folder.metrics["artifacts"]["figures"]
    unknown = sorted(set(listed) - set(DRAWN_BY))
    if unknown:
        raise RunFormatError(f"{folder.metrics.path}: field artifacts.figures lists "
                             f"{', '.join(unknown)}, which no function draws "
                             f"(known: {', '.join(DRAWN_BY)})")
    drawn: dict[str, Path] = {}
    with plt.rc_context(STYLE):
        for name, rel in listed.items():
            path = DRAWN_BY[name](folder)
            if path != folder.dir / rel:
                raise RunFormatError(f"{folder.metrics.path}: field artifacts.figures.{name} "
                                     f"is {rel}, but the figure is drawn to "
                                     f"{path.relative_to(folder.dir).as_posix()}")
            drawn[name] = path
    return drawn


def main(argv: list[str] | None = None) -> int:
    """Redraw the figures of the experiment folders named on the command line."""
    argv = sys.argv[1:] if argv is None else argv
    if not argv:
        return fail("name at least one run folder: python -m mnist_scratch.figures RUN_DIR ...")
    for name in argv:
        try:
            paths = render(Path(name))
        except RunFormatError as exc:
            return fail(str(exc))
        except OSError as exc:
            return fail(f"cannot draw the figures of {name}: {exc}")
        for path in paths.values():
            print(path)
    return 0
