"""Serve MathJax 3 from the site itself, so the math renders with no network.

At build time (``mkdocs build`` and ``mkdocs serve``) this hook takes the pinned npm package
``mathjax@3.2.2`` once, checks the tarball's SHA-256, keeps the few files the site needs in the
user cache, and adds them to the build as generated files under ``assets/vendor/mathjax/``.
Nothing third-party is committed to the repository.

Kept from the package (paths relative to its ``es5/`` folder, where MathJax looks for them):
``tex-chtml.js`` (TeX in, CommonHTML out; not ``tex-mml-chtml.js``, which re-typesets its own
hidden MathML copies), the CommonHTML ``woff-v2`` fonts, and the TeX extensions that
``tex-chtml.js`` autoloads on first use of a macro (``boldsymbol``, ``cancel``, ...).
"""

from __future__ import annotations

import hashlib
import shutil
import tempfile
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files

from mnist_scratch.data.cache import cache_root, locked
from mnist_scratch.data.errors import DataError
from mnist_scratch.data.registry import extract_members, npm_pack

SPEC = "mathjax@3.2.2"
# Of the registry's tarball for SPEC; a different tarball is refused, not served.
TARBALL_SHA256 = "1b9c0a1c44df864e915690558e72adb9cc5203360daefd385084ced3b6c64c09"
ES5 = "package/es5/"
WANTED = ("tex-chtml.js", "output/chtml/fonts/woff-v2", "input/tex/extensions")
SITE_DIR = "assets/vendor/mathjax"


def _cache_dir() -> Path:
    """In the data layer's user cache (``MNIST_SCRATCH_CACHE`` or the XDG cache)."""
    return cache_root() / "vendor" / SPEC.replace("@", "-")


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _fetch(dest: Path) -> None:
    """Fill ``dest`` (which must not exist) with the wanted files, atomically."""
    if shutil.which("npm") is None:
        raise PluginError(
            f"MathJax: npm is not installed; the site serves {SPEC} from its npm package "
            "(install Node.js and npm, then build again)"
        )
    dest.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=dest.parent, prefix=".part-") as tmp:
        out = Path(tmp) / "mathjax"
        tgz = npm_pack(SPEC, Path(tmp))
        if (got := _sha256(tgz)) != TARBALL_SHA256:
            raise PluginError(f"MathJax: {SPEC} tarball has SHA-256 {got}, not {TARBALL_SHA256}")
        # Same layout as the package's es5/ folder: MathJax finds its fonts and extensions
        # relative to tex-chtml.js.
        extract_members(tgz, [ES5 + w for w in WANTED], out, strip=ES5)
        # The licence travels with the code it covers.
        extract_members(tgz, ["package/LICENSE"], out)
        (out / ".complete").write_text(SPEC + "\n")
        out.rename(dest)


def vendored_files() -> dict[str, Path]:
    """Site path (under ``assets/vendor/mathjax/``) -> cached file, fetching on first use."""
    cache = _cache_dir()
    if not (cache / ".complete").is_file():
        try:
            # Two builds at once (a test fixture and `mkdocs serve`) fetch it only once;
            # npm and extraction failures arrive here as the data layer's one-line DataError.
            with locked(cache.parent):
                if not (cache / ".complete").is_file():
                    shutil.rmtree(cache, ignore_errors=True)  # half-written: worth nothing
                    _fetch(cache)
        except DataError as exc:
            raise PluginError(f"MathJax: {exc}") from None
    return {
        f"{SITE_DIR}/{path.relative_to(cache).as_posix()}": path
        for path in sorted(cache.rglob("*"))
        if path.is_file() and path.name != ".complete"
    }


def on_files(files: Files, config: MkDocsConfig) -> Files:
    for uri, path in vendored_files().items():
        files.append(File.generated(config, uri, abs_src_path=str(path)))
    return files
