"""Shared helpers for the ecosystem check (fetch / run / label / report)."""

from __future__ import annotations

import json
import os
import sys
import sysconfig
from pathlib import Path
from typing import Any, Dict, List

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
PROJECTS_TOML = HERE / "projects.toml"
DEFAULT_DEST = HERE / "corpus"
FINDINGS_JSON = HERE / "findings.json"
LABELS_DIR = HERE / "labels"
LABEL_KEYS = ("project", "path", "line", "code", "message", "fingerprint", "label", "reason")

if str(ROOT) not in sys.path:  # import the checkout's leaklint, not an installed one
    sys.path.insert(0, str(ROOT))


def load_toml(path: Path) -> Dict[str, Any]:
    try:
        import tomllib  # type: ignore[import-not-found]
    except ImportError:  # Python < 3.11
        import tomli as tomllib  # type: ignore[no-redef]
    with open(path, "rb") as fh:
        return tomllib.load(fh)


def load_projects(path: Path = PROJECTS_TOML) -> Dict[str, Any]:
    data = load_toml(path)
    projects = data.get("project", [])
    seen = set()
    for p in projects:
        if not p.get("name") or not p.get("version"):
            raise SystemExit(f"{path}: every [[project]] needs name and version: {p}")
        if p["name"] in seen:
            raise SystemExit(f"{path}: duplicate project {p['name']}")
        seen.add(p["name"])
    return data


def project_dirname(project: Dict[str, Any]) -> str:
    return f"{project['name']}-{project['version']}"


def stdlib_name() -> str:
    return "stdlib-%d.%d" % sys.version_info[:2]


def stdlib_path() -> Path:
    return Path(sysconfig.get_paths()["stdlib"])


def default_corpus() -> Path:
    """--corpus default: $LEAKLINT_CORPUS, else bench/ecosystem/corpus, else /work/corpus."""
    env = os.environ.get("LEAKLINT_CORPUS")
    if env:
        return Path(env)
    return DEFAULT_DEST


def write_json(path: Path, data: Any) -> None:
    tmp = path.with_suffix(path.suffix + ".tmp")
    with open(tmp, "w", encoding="utf-8") as fh:
        json.dump(data, fh, indent=1, ensure_ascii=False, sort_keys=False)
        fh.write("\n")
    os.replace(tmp, path)


def read_json(path: Path, default: Any = None) -> Any:
    if not path.exists():
        return default
    with open(path, encoding="utf-8") as fh:
        return json.load(fh)


def finding_key(f: Dict[str, Any]) -> tuple:
    return (f["project"], f["path"], f["line"], f.get("column", 0), f["code"], f["fingerprint"])


def label_key(entry: Dict[str, Any]) -> tuple:
    return (entry["project"], entry["path"], entry["line"], entry["code"], entry["fingerprint"])


def load_labels(labels_dir: Path = LABELS_DIR) -> Dict[str, Dict[str, Any]]:
    """All labels, keyed by entry_id (project name without version + fingerprint)."""
    out: Dict[str, Dict[str, Any]] = {}
    if not labels_dir.is_dir():
        return out
    for file in sorted(labels_dir.glob("*.json")):
        for entry in read_json(file, []):
            out[entry_id(entry)] = entry
    return out


def project_base(project: str) -> str:
    """`django-5.0.7` -> `django`, `stdlib-3.11` -> `stdlib`."""
    head, sep, tail = project.rpartition("-")
    return head if sep and tail[:1].isdigit() else project


def entry_id(entry: Dict[str, Any]) -> str:
    """A finding's identity across runs: its project name (without the version, so a label
    survives a version bump when the flagged code did not change) and its fingerprint (computed
    from the path relative to the project root, the enclosing scope and the flagged line's text,
    so it does not depend on the machine or on line numbers)."""
    return f"{project_base(entry['project'])}::{entry['fingerprint']}"


def read_rule_labels(code: str, labels_dir: Path = LABELS_DIR) -> List[Dict[str, Any]]:
    return read_json(labels_dir / f"{code}.json", [])


def write_rule_labels(code: str, entries: List[Dict[str, Any]], labels_dir: Path = LABELS_DIR) -> None:
    labels_dir.mkdir(parents=True, exist_ok=True)
    entries = sorted(({k: e[k] for k in LABEL_KEYS} for e in entries), key=label_key)
    path = labels_dir / f"{code}.json"
    if entries:
        write_json(path, entries)
    elif path.exists():
        path.unlink()
