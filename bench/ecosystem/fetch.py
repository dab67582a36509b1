#!/usr/bin/env python
"""Download the pinned projects of projects.toml and unpack their .py files.

    python bench/ecosystem/fetch.py [--dest DIR] [--only NAME ...] [--force]

Each project is fetched with `pip download --no-deps` at its pinned version (a wheel for the
fixed target of projects.toml, or the sdist when `dist = "sdist"`), checked against its `sha256`
when one is pinned, and unpacked into <dest>/<name>-<version>/ keeping only the .py files (for an
sdist, without its top-level directory). A finished project holds `.fetched.json`; it is skipped
on later runs unless --force.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from pathlib import Path, PurePosixPath
from typing import Any, Dict, List, Optional

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import DEFAULT_DEST, PROJECTS_TOML, load_projects, project_dirname  # noqa: E402

MARKER = ".fetched.json"


def pip_download(project: Dict[str, Any], target: Dict[str, str], tmp: Path) -> Path:
    spec = f"{project['name']}=={project['version']}"
    cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "--disable-pip-version-check", "-q", "-d", str(tmp)]
    if project.get("dist", "wheel") == "sdist":
        cmd += ["--no-binary", ":all:"]
    else:
        cmd += ["--only-binary", ":all:"]
        for opt in ("python-version", "implementation", "abi", "platform"):
            if target.get(opt):
                cmd += [f"--{opt}", str(target[opt])]
    cmd.append(spec)
    subprocess.run(cmd, check=True)
    files = [p for p in tmp.iterdir() if p.is_file()]
    if len(files) != 1:
        raise RuntimeError(f"{spec}: expected one downloaded file, got {[p.name for p in files]}")
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
        raise RuntimeError(f"unknown archive type: {name}")
    return count


def fetch_one(project: Dict[str, Any], target: Dict[str, str], dest_root: Path, force: bool) -> str:
    dest = dest_root / project_dirname(project)
    marker = dest / MARKER
    if marker.exists() and not force:
        return f"{dest.name}: already fetched"
    with tempfile.TemporaryDirectory(prefix="leaklint-fetch-") as tmpdir:
        tmp = Path(tmpdir)
        dl = tmp / "dl"
        dl.mkdir()
        archive = pip_download(project, target, dl)
        digest = sha256(archive)
        pinned = project.get("sha256")
        if pinned and pinned != digest:
            raise RuntimeError(f"{dest.name}: sha256 of {archive.name} is {digest}, projects.toml pins {pinned}")
        staging = tmp / "out"
        staging.mkdir()
        n = unpack_py(archive, staging)
        (staging / MARKER).write_text(
            json.dumps({"name": project["name"], "version": project["version"], "file": archive.name, "sha256": digest, "py_files": n}, indent=1) + "\n"
        )
        if dest.exists():
            shutil.rmtree(dest)
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(str(staging), str(dest))
    note = "" if pinned else f" (unpinned: sha256 = \"{digest}\")"
    return f"{dest.name}: {n} .py files from {archive.name}{note}"


def main(argv: Optional[List[str]] = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--dest", type=Path, default=DEFAULT_DEST, help="where to unpack (default: %(default)s)")
    ap.add_argument("--projects", type=Path, default=PROJECTS_TOML, help=argparse.SUPPRESS)
    ap.add_argument("--only", nargs="*", default=None, metavar="NAME", help="fetch only these projects")
    ap.add_argument("--force", action="store_true", help="fetch again even if already unpacked")
    args = ap.parse_args(argv)
    data = load_projects(args.projects)
    target = data.get("target", {})
    projects = data["project"]
    if args.only:
        unknown = set(args.only) - {p["name"] for p in projects}
        if unknown:
            ap.error(f"unknown project(s): {', '.join(sorted(unknown))}")
        projects = [p for p in projects if p["name"] in args.only]
    failed = 0
    for project in projects:
        try:
            print(fetch_one(project, target, args.dest, args.force), flush=True)
        except (subprocess.CalledProcessError, RuntimeError, OSError) as exc:
            failed += 1
            print(f"{project_dirname(project)}: FAILED: {exc}", file=sys.stderr, flush=True)
    wanted = {project_dirname(p) for p in data["project"]}
    stale = sorted(d.name for d in args.dest.iterdir() if d.is_dir() and d.name not in wanted) if args.dest.is_dir() else []
    if stale:
        print(f"note: {args.dest} also holds directories not in projects.toml: {', '.join(stale)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
