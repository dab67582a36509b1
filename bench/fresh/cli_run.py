#!/usr/bin/env python
"""Lint each fresh project with the leaklint CLI and a config file; write run.py's format.

    python bench/fresh/cli_run.py --config opts.toml --corpus /work/fresh-corpus -o bench/fresh/optin-options-main.json

run.py runs rules with their default options only. This runs `python -m leaklint --config CFG
--no-cache --format json .` inside each project of bench/fresh/projects.toml (so paths, and
fingerprints, are relative to the project root as in run.py) and writes one findings document
that label.py and report.py read. The config text is stored in the output under "config". The
leaklint run is the first one on sys.path (PYTHONPATH), as for run.py.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import List, Optional

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "ecosystem"))
from _common import finding_key, load_projects, load_toml, project_dirname, write_json  # noqa: E402

FIELDS = ("path", "line", "column", "end_line", "end_column", "code", "name", "message", "confidence", "scope", "fingerprint")


def main(argv: Optional[List[str]] = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--config", type=Path, required=True, help="a TOML file with [tool.leaklint]")
    ap.add_argument("--corpus", type=Path, required=True, help="where fetch.py unpacked the projects")
    ap.add_argument("--projects", type=Path, default=HERE / "projects.toml")
    ap.add_argument("--output", "-o", type=Path, required=True)
    args = ap.parse_args(argv)
    env = dict(os.environ)
    # the checkout's leaklint unless PYTHONPATH names another one first
    env["PYTHONPATH"] = os.pathsep.join(p for p in (env.get("PYTHONPATH", ""), str(HERE.parent.parent)) if p)
    findings = []
    projects = []
    for p in load_projects(args.projects)["project"]:
        name = project_dirname(p)
        root = args.corpus / name
        if not root.is_dir():
            print(f"missing: {root}", file=sys.stderr)
            return 2
        cmd = [sys.executable, "-m", "leaklint", "--config", str(args.config.resolve()), "--no-cache", "--format", "json", "."]
        r = subprocess.run(cmd, cwd=root, env=env, capture_output=True, text=True)
        if r.returncode not in (0, 1):
            print(f"{name}: leaklint exited {r.returncode}: {r.stderr}", file=sys.stderr)
            return 1
        for f in json.loads(r.stdout):
            findings.append({"project": name, **{k: f[k] for k in FIELDS}})
        projects.append({"name": name})
        print(f"{name}: {(r.stderr.strip().splitlines() or [''])[-1]}", file=sys.stderr)
    doc = {
        "rules": sorted(set(load_toml(args.config).get("tool", {}).get("leaklint", {}).get("select", [])) | {f["code"] for f in findings}),
        "config": args.config.read_text(),
        "projects": projects,
        "findings": sorted(findings, key=finding_key),
        "not_analyzed": [],
        "errors": [],
    }
    write_json(args.output, doc)
    return 0


if __name__ == "__main__":
    sys.exit(main())
