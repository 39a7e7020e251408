r"""``python -m mnist_scratch.bench``: the command line is `mnist_scratch.bench.cli`.

This file stays this small so that everything heavy is imported inside
`mnist_scratch.cli.entry`, where Ctrl-C or SIGTERM ends in one line.
"""

import sys

from mnist_scratch.cli import entry

if __name__ == "__main__":
    sys.exit(entry("mnist_scratch.bench.cli"))
