r"""A one-line progress bar on stderr, shown only when stderr is a terminal."""

from __future__ import annotations

import sys
import time
from typing import TextIO


class Progress:
    r"""Draw ``label [#####.....]  45%  4.5/9.9 MB`` on one line, redrawn at most 10 times a second.

    Parameters
    ----------
    label
        What is being fetched.
    total
        Expected number of bytes, or ``None`` when unknown (then only the count is shown).
    enabled
        ``True`` or ``False`` forces it on or off; ``None`` shows it only when ``stream`` is a
        terminal, so logs and pipes stay clean.
    stream
        Where to draw (default: ``sys.stderr``).

    Examples
    --------
    >>> import io
    >>> out = io.StringIO()
    >>> with Progress("t10k-labels", total=2_000_000, enabled=True, stream=out) as bar:
    ...     bar.update(1_000_000)
    >>> out.getvalue().splitlines()[-1].strip()
    't10k-labels [##############################] 100%   2.0/2.0 MB'
    >>> out = io.StringIO()  # not a terminal: nothing is drawn
    >>> with Progress("x", total=10, stream=out) as bar:
    ...     bar.update(10)
    >>> out.getvalue()
    ''
    """

    width = 30

    def __init__(self, label: str, total: int | None = None, *, enabled: bool | None = None,
                 stream: TextIO | None = None) -> None:
        self.label = label
        self.total = total
        self.done = 0
        self.stream = sys.stderr if stream is None else stream
        if enabled is None:
            isatty = getattr(self.stream, "isatty", None)
            enabled = bool(isatty and isatty())
        self.enabled = enabled
        self._last = 0.0

    def update(self, n: int) -> None:
        r"""Count ``n`` more bytes and redraw if 0.1 s have passed."""
        self.done += n
        now = time.monotonic()
        if self.enabled and now - self._last >= 0.1:
            self._last = now
            self._draw()

    def _draw(self) -> None:
        mb = self.done / 1e6
        if self.total:
            frac = min(self.done / self.total, 1.0)
            bar = "#" * round(frac * self.width)
            text = (f"{self.label} [{bar:.<{self.width}}] {frac:4.0%} "
                    f"{mb:5.1f}/{self.total / 1e6:.1f} MB")
        else:
            text = f"{self.label} {mb:6.1f} MB"
        self.stream.write("\r" + text)
        self.stream.flush()

    def __enter__(self) -> Progress:
        if self.enabled:
            self._draw()
        return self

    def __exit__(self, *exc) -> None:
        if self.enabled:
            if exc[0] is None and self.total:
                self.done = max(self.done, self.total)
            self._draw()
            self.stream.write("\n")
            self.stream.flush()
