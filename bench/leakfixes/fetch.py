#!/usr/bin/env python
"""Download the leaky and fixed releases of every case and unpack their .py files.

    python bench/leakfixes/fetch.py [--dest DIR] [--jobs 4] [--force] [--only PROJECT ...]
    python bench/leakfixes/fetch.py --pin        # download what dists.toml does not pin yet, record it

Each distinct (project, version, dist) of cases/*.toml is fetched once with
`pip download --no-deps` from pypi.org (pip's configuration and local mirrors ignored), as a
wheel for the [target] of dists.toml (a pure-python wheel when the release has one; for an old
binary release without a wheel for the target, the wheel of the newest older CPython that has
one) or as the sdist when the case says `dist = "sdist"` (pip prepares an sdist's metadata with this
interpreter's setuptools first, in an isolated build environment only when that fails), and unpacked into <dest>/<project>-<version>/
keeping only the .py files (an sdist without its top-level directory). dists.toml pins the file
name and sha256 of every distribution; a download whose hash or file name differs is refused.
Without --pin, unpinned distributions are fetched but reported, and the run exits 1.

Downloads run a few at a time (--jobs); one that fails is reported and the others go on. The
default destination is $LEAKLINT_LEAKFIXES, else bench/leakfixes/corpus (gitignored).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))
import manifest  # noqa: E402
from _fetch import Fetched, FetchError, fetch_dist, run_parallel, stale_dirs  # noqa: E402  (bench/_fetch.py)

# Wheels are chosen for this target, not for the machine that runs the fetch, so every machine
# unpacks the same files. A release with a pure-python wheel gives that one whatever the target.
DEFAULT_TARGET = {"python-version": "3.11", "implementation": "cp", "abi": "cp311", "platform": "manylinux2014_x86_64"}

# When a release has no wheel for the target (an old binary release), the wheels of older
# CPythons are tried in this order; the pin then records which file it was, and later fetches ask
# for that file's own tags.
FALLBACK_PYTHONS = (("3.10", "cp310"), ("3.9", "cp39"), ("3.8", "cp38"), ("3.7", "cp37m"), ("3.6", "cp36m"))
NO_MATCH = ("No matching distribution", "Could not find a version")

Key = Tuple[str, str, str]  # (canonical project, version, dist)

HEADER = """\
# Pinned distributions of the leak-fix corpus: written by `python bench/leakfixes/fetch.py --pin`.
# fetch.py refuses a download whose file name or sha256 differs from the pin here. Wheels are
# requested for [target] (a pure-python wheel is compatible with any target).
"""


def load_pins(path: Path = manifest.DISTS_TOML) -> Tuple[Dict[str, str], Dict[Key, Dict[str, str]]]:
    if not path.exists():
        return dict(DEFAULT_TARGET), {}
    data = manifest.load_toml(path)
    pins: Dict[Key, Dict[str, str]] = {}
    for d in data.get("dist", []):
        pins[(manifest.canonical(d["project"]), str(d["version"]), d["dist"])] = {"file": d["file"], "sha256": d["sha256"]}
    return dict(data.get("target", DEFAULT_TARGET)), pins


def _q(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def write_pins(path: Path, target: Dict[str, str], pins: Dict[Key, Dict[str, str]]) -> None:
    lines = [HEADER, "[target]"]
    lines += [f"{k} = {_q(str(v))}" for k, v in target.items()]
    for (project, version, dist), pin in sorted(pins.items()):
        lines += [
            "",
            "[[dist]]",
            f"project = {_q(project)}",
            f"version = {_q(version)}",
            f"dist = {_q(dist)}",
            f"file = {_q(pin['file'])}",
            f"sha256 = {_q(pin['sha256'])}",
        ]
    tmp = path.with_suffix(".tmp")
    tmp.write_text("\n".join(lines) + "\n", encoding="utf-8")
    tmp.replace(path)


def wheel_target(filename: str, default: Dict[str, str]) -> Dict[str, str]:
    """The target that makes pip choose the pinned wheel `filename` again."""
    parts = filename[: -len(".whl")].split("-")
    if not filename.endswith(".whl") or len(parts) < 5:
        return dict(default)
    py, abi = parts[-3].split(".")[0], parts[-2].split(".")[0]
    if abi in ("none", "abi3") or not py.startswith("cp") or len(py) < 4:
        return dict(default)
    # the platform stays the target's: pip accepts older manylinux tags for it
    return {**default, "python-version": f"{py[2]}.{py[3:]}", "abi": abi}


def targets_for(key: Key, pins: Dict[Key, Dict[str, str]], target: Dict[str, str]) -> List[Dict[str, str]]:
    if key[2] == "sdist":
        return [target]
    pin = pins.get(key)
    if pin:
        return [wheel_target(pin["file"], target)]
    return [target] + [{**target, "python-version": py, "abi": abi} for py, abi in FALLBACK_PYTHONS]


def fetch_all(
    keys: List[Key],
    dest: Path,
    target: Dict[str, str],
    pins: Dict[Key, Dict[str, str]],
    jobs: int = 4,
    force: bool = False,
    log: Any = print,
) -> Tuple[Dict[Key, Fetched], Dict[Key, str]]:
    """Fetch `keys` in parallel; ({key: Fetched}, {key: error message})."""

    def one(key: Key) -> Fetched:
        project, version, dist = key
        pin = pins.get(key, {})
        tries = targets_for(key, pins, target)
        for n, tgt in enumerate(tries):
            try:
                return fetch_dist(
                    project, version, dist, tgt, dest / manifest.dist_dirname(project, version),
                    pinned_sha256=pin.get("sha256"), pinned_file=pin.get("file"), force=force, pypi_only=True, fast_sdist=True,
                )
            except FetchError as exc:
                if n + 1 == len(tries) or not any(m in str(exc) for m in NO_MATCH):
                    raise
        raise AssertionError("unreachable")

    done: Dict[Key, Fetched] = {}
    failed: Dict[Key, str] = {}
    for key, result, exc in run_parallel(keys, one, jobs):
        name = manifest.dist_dirname(key[0], key[1])
        if exc is not None or result is None:
            failed[key] = str(exc)
            log(f"{name}: FAILED: {exc}", file=sys.stderr, flush=True)
        else:
            done[key] = result
            log(result.describe(), flush=True)
    return done, failed


def main(argv: Optional[List[str]] = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--dest", type=Path, default=None, help="where to unpack (default: $LEAKLINT_LEAKFIXES or bench/leakfixes/corpus)")
    ap.add_argument("--cases", type=Path, default=manifest.CASES_DIR, help=argparse.SUPPRESS)
    ap.add_argument("--dists", type=Path, default=manifest.DISTS_TOML, help=argparse.SUPPRESS)
    ap.add_argument("--jobs", "-j", type=int, default=4, help="downloads at once (default: %(default)s)")
    ap.add_argument("--only", nargs="*", default=None, metavar="PROJECT", help="fetch only these projects")
    ap.add_argument("--force", action="store_true", help="fetch again even if already unpacked")
    ap.add_argument("--pin", action="store_true", help="fetch what dists.toml does not pin and record its file and sha256 (drops pins no case uses)")
    args = ap.parse_args(argv)
    dest = args.dest or manifest.default_corpus()
    try:
        cases = manifest.load_cases(args.cases)
    except manifest.ManifestError as exc:
        for p in exc.problems:
            print(f"error: {p}", file=sys.stderr)
        return 2
    keys = manifest.distributions(cases)
    if args.only:
        wanted = {manifest.canonical(p) for p in args.only}
        keys = [k for k in keys if k[0] in wanted]
    target, pins = load_pins(args.dists)
    start = time.perf_counter()
    done, failed = fetch_all(keys, dest, target, pins, jobs=args.jobs, force=args.force)
    elapsed = time.perf_counter() - start
    unpinned = sorted(k for k in done if k not in pins)
    if args.pin:
        all_keys = set(manifest.distributions(cases))
        new_pins = {k: v for k, v in pins.items() if k in all_keys}
        for k in unpinned:
            new_pins[k] = {"file": done[k].file, "sha256": done[k].sha256}
        write_pins(args.dists, target, new_pins)
        print(f"pinned {len(unpinned)} new distribution(s) in {args.dists} ({len(new_pins)} in all)")
    elif unpinned:
        print(f"{len(unpinned)} distribution(s) not pinned in {args.dists.name}; run fetch.py --pin: "
              + ", ".join(manifest.dist_dirname(k[0], k[1]) for k in unpinned), file=sys.stderr)
    downloaded = sum(1 for f in done.values() if not f.cached)
    print(f"{len(keys)} distribution(s): {downloaded} downloaded, {len(done) - downloaded} already there, {len(failed)} failed, "
          f"in {elapsed:.1f}s with {args.jobs} at once")
    stale = stale_dirs(dest, {manifest.dist_dirname(k[0], k[1]) for k in manifest.distributions(cases)})
    if stale:
        print(f"note: {dest} also holds directories no case uses: {', '.join(stale)}", file=sys.stderr)
    return 1 if failed or (unpinned and not args.pin) else 0


if __name__ == "__main__":
    sys.exit(main())
