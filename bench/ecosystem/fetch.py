#!/usr/bin/env python
"""Download the pinned projects of projects.toml and unpack their .py files.

    python bench/ecosystem/fetch.py [--dest DIR] [--only NAME ...] [--force]

Each project is fetched with `pip download --no-deps` at its pinned version (a wheel for the
fixed target of projects.toml, or the sdist when `dist = "sdist"`), checked against its `sha256`
when one is pinned, and unpacked into <dest>/<name>-<version>/ keeping only the .py files (for an
sdist, without its top-level directory). A finished project holds `.fetched.json`; it is skipped
on later runs unless --force or its pinned sha256 changed. The download and unpack code is
bench/_fetch.py, shared with bench/leakfixes/fetch.py.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path
from typing import Any, Dict, List, Optional

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from _common import DEFAULT_DEST, PROJECTS_TOML, load_projects, project_dirname  # noqa: E402
from _fetch import FetchError, fetch_dist, stale_dirs  # noqa: E402  (bench/_fetch.py, shared with bench/leakfixes)


def fetch_one(project: Dict[str, Any], target: Dict[str, str], dest_root: Path, force: bool) -> str:
    dest = dest_root / project_dirname(project)
    pinned = project.get("sha256")
    got = fetch_dist(project["name"], project["version"], project.get("dist", "wheel"), target, dest, pinned_sha256=pinned, force=force)
    note = "" if pinned or got.cached else f" (unpinned: sha256 = \"{got.sha256}\")"
    return got.describe() + note


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
        except (FetchError, subprocess.SubprocessError, OSError) as exc:
            failed += 1
            print(f"{project_dirname(project)}: FAILED: {exc}", file=sys.stderr, flush=True)
    wanted = {project_dirname(p) for p in data["project"]}
    stale = stale_dirs(args.dest, wanted)
    if stale:
        print(f"note: {args.dest} also holds directories not in projects.toml: {', '.join(stale)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
