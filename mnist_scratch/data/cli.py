r"""``python -m mnist_scratch.data``: fetch and verify a dataset, print where each file came from.

    python -m mnist_scratch.data [--dataset mnist|fashion] [--data-dir DIR] [--force]

Prints one line per file (name, source, SHA-256). Errors print ``error: <message>`` on stderr
and exit with status 2; an interrupt (Ctrl-C or SIGTERM) prints one line and exits with 130,
having removed anything half-written.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Sequence

from mnist_scratch.cli import fail

from .dataset import load
from .errors import DataError


def build_parser() -> argparse.ArgumentParser:
    r"""The command-line options.

    Examples
    --------
    >>> build_parser().parse_args(["--dataset", "fashion"]).dataset
    'fashion'
    """
    parser = argparse.ArgumentParser(
        prog="python -m mnist_scratch.data",
        description="Fetch and verify MNIST or Fashion-MNIST into the user cache "
                    "(MNIST_SCRATCH_CACHE) and print where each file came from.")
    parser.add_argument("--dataset", choices=("mnist", "fashion"), default="mnist",
                        help="which dataset (default: mnist)")
    parser.add_argument("--data-dir", metavar="DIR", default=None,
                        help="use the files in DIR (IDX, .gz or CSV) instead of fetching; "
                             "default: $MNIST_SCRATCH_DATA_DIR")
    parser.add_argument("--force", action="store_true",
                        help="ignore the cache: fetch and verify again")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    r"""Run the command; return the exit status (0 ok, 2 data error).

    Run it through ``mnist_scratch.cli.entry`` (as ``python -m mnist_scratch.data`` does) for
    the interrupt handling.
    """
    args = build_parser().parse_args(argv)
    start = time.perf_counter()
    try:
        ds = load(args.dataset, data_dir=args.data_dir, force=args.force)
    except DataError as exc:
        return fail(str(exc))
    width = max(len(n) for n in ds.files)
    src_width = max(len(r.source) for r in ds.files.values())
    for rec in ds.files.values():
        print(f"{rec.name:<{width}}  {rec.source:<{src_width}}  {rec.sha256}")
    print(f"{args.dataset}: {len(ds.train_labels)} train and {len(ds.test_labels)} test "
          f"examples verified in {time.perf_counter() - start:.2f} s "
          f"({ds.files['train-images-idx3-ubyte'].path.parent})")
    return 0
