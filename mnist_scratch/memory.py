r"""Memory a command may ask for: a size the machine cannot hold is refused before it is allocated.

A typo such as ``--hidden 1000000000`` would otherwise reach NumPy, which fails with a
``_ArrayMemoryError`` traceback, or worse, makes the machine swap. Commands estimate what a job
needs and call `shortfall` first; the rule is simply *memory needed against memory available*.
"""

from __future__ import annotations

import os

try:
    import resource
except ImportError:  # Windows: no address-space limits to read
    resource = None

UNITS = ("bytes", "KB", "MB", "GB", "TB", "PB", "EB")


def available_bytes() -> int | None:
    r"""Memory this process could still take: the kernel's ``MemAvailable`` (Linux), else free
    physical pages, capped by an address-space limit (``ulimit -v``) if one is set; ``None``
    when the system does not say."""
    found = None
    try:
        with open("/proc/meminfo", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("MemAvailable:"):
                    found = int(line.split()[1]) * 1024
                    break
    except (OSError, ValueError, IndexError):
        pass
    if found is None:
        try:
            found = os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
        except (AttributeError, OSError, ValueError):
            found = None
    if resource is not None:
        soft, _ = resource.getrlimit(resource.RLIMIT_AS)
        if soft != resource.RLIM_INFINITY:
            found = soft if found is None else min(found, soft)
    return found


def human(nbytes: float) -> str:
    r"""A byte count as people read it, in powers of 1000.

    Examples
    --------
    >>> human(512), human(3_136_000_000_000), human(1.5e6)
    ('512 bytes', '3.1 TB', '1.5 MB')
    """
    value, unit = float(nbytes), 0
    while value >= 1000 and unit < len(UNITS) - 1:
        value, unit = value / 1000, unit + 1
    return f"{value:.0f} {UNITS[unit]}" if unit == 0 else f"{value:.1f} {UNITS[unit]}"


def shortfall(needed: int, what: str, available: int | None = None) -> str | None:
    r"""``None`` if ``needed`` bytes fit in the memory available, else a one-line reason.

    ``available`` defaults to `available_bytes`; when the system cannot say, nothing is refused.

    Examples
    --------
    >>> shortfall(2_000, "the weights", available=10_000) is None
    True
    >>> shortfall(3 * 10**12, "784-1000000000-10", available=8 * 10**9)
    '784-1000000000-10 needs about 3.0 TB of memory, but 8.0 GB is available'
    """
    if available is None:
        available = available_bytes()
    if available is None or needed <= available:
        return None
    return f"{what} needs about {human(needed)} of memory, but {human(available)} is available"
