"""Downloading one distribution from PyPI and unpacking its .py files: shared by
bench/ecosystem/fetch.py and bench/leakfixes/fetch.py.

`fetch_dist` runs `pip download --no-deps` for one (name, version, wheel-or-sdist), checks the
file against a pinned sha256 (and file name) when one is given, and unpacks only the .py files
into <dest> (for an sdist, without its top-level directory). A finished directory holds
`.fetched.json` (name, version, file, sha256, py_files); it is not fetched again unless `force`
or its recorded sha256 differs from the pin.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any, Callable, Dict, Iterable, List, Mapping, Optional, Sequence, Tuple, TypeVar

MARKER = ".fetched.json"
TARGET_OPTIONS = ("python-version", "implementation", "abi", "platform")
PYPI_SIMPLE = "https://pypi.org/simple"


class FetchError(RuntimeError):
    """A download, a hash check or an unpack failed."""


@dataclass
class Fetched:
    dest: Path
    file: str
    sha256: str
    py_files: int
    cached: bool  # already there, nothing downloaded

    def describe(self) -> str:
        if self.cached:
            return f"{self.dest.name}: already fetched"
        return f"{self.dest.name}: {self.py_files} .py files from {self.file}"


def pip_env(pypi_only: bool) -> Dict[str, str]:
    """The environment for pip. With `pypi_only`, pip's configuration files and index settings
    are ignored, so the files come from pypi.org itself (a local mirror or find-links directory
    could hold a rebuilt file whose hash is not PyPI's)."""
    env = dict(os.environ)
    if pypi_only:
        for key in list(env):
            if key in ("PIP_FIND_LINKS", "PIP_INDEX_URL", "PIP_EXTRA_INDEX_URL", "PIP_NO_INDEX", "PIP_CONFIG_FILE"):
                del env[key]
        env["PIP_CONFIG_FILE"] = os.devnull
    return env


def pip_download(
    name: str,
    version: str,
    dist: str,
    target: Mapping[str, str],
    tmp: Path,
    pypi_only: bool = False,
    fast_sdist: bool = False,
    extra: Sequence[str] = (),
) -> Path:
    """Download name==version into the empty directory `tmp`; return the downloaded file.

    With `fast_sdist`, an sdist is first asked for with --no-build-isolation: pip still prepares
    its metadata (it cannot download an sdist without), but with the running interpreter's
    setuptools instead of installing a fresh build backend per sdist (about 1.5 s of CPU instead
    of 14 per sdist); when that fails (another backend, an old setup.py), it retries isolated.
    The downloaded file is the same either way."""
    if dist == "sdist" and fast_sdist:
        try:
            return pip_download(name, version, dist, target, tmp, pypi_only, fast_sdist=False, extra=("--no-build-isolation",))
        except FetchError:
            for leftover in tmp.iterdir():
                if leftover.is_file():
                    leftover.unlink()
    spec = f"{name}=={version}"
    cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "--disable-pip-version-check", "-q", "-d", str(tmp), *extra]
    if pypi_only:
        cmd += ["--index-url", PYPI_SIMPLE]
    if dist == "sdist":
        cmd += ["--no-binary", ":all:"]
    else:
        cmd += ["--only-binary", ":all:"]
        for opt in TARGET_OPTIONS:
            if target.get(opt):
                cmd += [f"--{opt}", str(target[opt])]
    cmd.append(spec)
    res = subprocess.run(cmd, env=pip_env(pypi_only), stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if res.returncode != 0:
        tail = " | ".join(line.strip() for line in res.stdout.strip().splitlines()[-4:])
        tail = re.sub(r"\(from versions: [^)]{80,}\)", "(from versions: ...)", tail)
        raise FetchError(f"pip download {spec} ({dist}) failed with exit {res.returncode}: {tail[-600:]}")
    files = [p for p in tmp.iterdir() if p.is_file()]
    if len(files) != 1:
        raise FetchError(f"{spec}: expected one downloaded file, got {[p.name for p in files]}")
    return files[0]


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _safe_relpath(name: str, strip_top: bool) -> Optional[PurePosixPath]:
    parts = [p for p in PurePosixPath(name).parts if p not in ("", ".")]
    if strip_top:
        parts = parts[1:]
    if not parts or any(p == ".." for p in parts) or name.startswith("/"):
        return None
    if not parts[-1].endswith(".py"):
        return None
    return PurePosixPath(*parts)


def unpack_py(archive: Path, dest: Path) -> int:
    """Extract only the .py files; return how many."""
    count = 0
    name = archive.name
    if name.endswith((".whl", ".zip")):
        strip = name.endswith(".zip")
        with zipfile.ZipFile(archive) as zf:
            for info in zf.infolist():
                if info.is_dir():
                    continue
                rel = _safe_relpath(info.filename, strip)
                if rel is None:
                    continue
                out = dest.joinpath(*rel.parts)
                out.parent.mkdir(parents=True, exist_ok=True)
                with zf.open(info) as src, open(out, "wb") as dst:
                    shutil.copyfileobj(src, dst)
                count += 1
    elif name.endswith((".tar.gz", ".tgz", ".tar.bz2", ".tar")):
        with tarfile.open(archive) as tf:
            for member in tf.getmembers():
                if not member.isfile():
                    continue
                rel = _safe_relpath(member.name, True)
                if rel is None:
                    continue
                out = dest.joinpath(*rel.parts)
                out.parent.mkdir(parents=True, exist_ok=True)
                src = tf.extractfile(member)
                assert src is not None
                with src, open(out, "wb") as dst:
                    shutil.copyfileobj(src, dst)
                count += 1
    else:
        raise FetchError(f"unknown archive type: {name}")
    return count


def read_marker(dest: Path) -> Optional[Dict[str, Any]]:
    try:
        with open(dest / MARKER, encoding="utf-8") as fh:
            return json.load(fh)
    except (OSError, ValueError):
        return None


def fetch_dist(
    name: str,
    version: str,
    dist: str,
    target: Mapping[str, str],
    dest: Path,
    *,
    pinned_sha256: Optional[str] = None,
    pinned_file: Optional[str] = None,
    force: bool = False,
    pypi_only: bool = False,
    fast_sdist: bool = False,
) -> Fetched:
    """Fetch one distribution into `dest` (replaced as a whole once the unpack succeeded)."""
    marker = read_marker(dest)
    if marker is not None and not force and (not pinned_sha256 or marker.get("sha256") == pinned_sha256):
        return Fetched(dest, marker.get("file", "?"), marker.get("sha256", ""), int(marker.get("py_files", 0)), cached=True)
    with tempfile.TemporaryDirectory(prefix="leaklint-fetch-") as tmpdir:
        tmp = Path(tmpdir)
        dl = tmp / "dl"
        dl.mkdir()
        archive = pip_download(name, version, dist, target, dl, pypi_only=pypi_only, fast_sdist=fast_sdist)
        digest = sha256(archive)
        if pinned_sha256 and pinned_sha256 != digest:
            raise FetchError(f"{dest.name}: sha256 of {archive.name} is {digest}, the pin is {pinned_sha256}")
        if pinned_file and pinned_file != archive.name:
            raise FetchError(f"{dest.name}: pip chose {archive.name}, the pin is {pinned_file}")
        staging = tmp / "out"
        staging.mkdir()
        n = unpack_py(archive, staging)
        (staging / MARKER).write_text(
            json.dumps({"name": name, "version": version, "file": archive.name, "sha256": digest, "py_files": n}, indent=1) + "\n"
        )
        if dest.exists():
            shutil.rmtree(dest)
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(str(staging), str(dest))
    return Fetched(dest, archive.name, digest, n, cached=False)


T = TypeVar("T")
R = TypeVar("R")


def run_parallel(items: Sequence[T], fn: Callable[[T], R], jobs: int) -> Iterable[Tuple[T, Optional[R], Optional[BaseException]]]:
    """fn over items with `jobs` threads (the work is pip subprocesses and unpacking); yields
    (item, result, None) or (item, None, error) as each finishes, so one failure never stops
    the others."""
    if jobs <= 1:
        for item in items:
            try:
                yield item, fn(item), None
            except (FetchError, subprocess.SubprocessError, OSError, zipfile.BadZipFile, tarfile.TarError) as exc:
                yield item, None, exc
        return
    from concurrent.futures import as_completed

    with ThreadPoolExecutor(max_workers=jobs) as pool:
        futures = {pool.submit(fn, item): item for item in items}
        for future in as_completed(futures):
            item = futures[future]
            exc = future.exception()
            if exc is None:
                yield item, future.result(), None
            elif isinstance(exc, (FetchError, subprocess.SubprocessError, OSError, zipfile.BadZipFile, tarfile.TarError)):
                yield item, None, exc
            else:
                raise exc


def stale_dirs(dest: Path, wanted: Iterable[str]) -> List[str]:
    keep = set(wanted)
    if not dest.is_dir():
        return []
    return sorted(d.name for d in dest.iterdir() if d.is_dir() and d.name not in keep)
