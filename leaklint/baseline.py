"""Baselines: adopt leaklint on old code by recording today's findings and reporting only new ones.

A finding is identified by its fingerprint (leaklint.engine.fingerprint): the file, the rule,
the enclosing class / function and the normalized text of the flagged line, plus its occurrence
number among identical findings. No line numbers: inserting lines above a finding does not make
it new, while a second identical finding in the same scope is new.

The file is JSON, sorted, one entry per finding, so that it diffs well in review.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from typing import Dict, Iterable, List, Sequence, Set, Tuple

from . import __version__
from .fsutil import write_text_atomic
from .types import Finding

FORMAT_VERSION = 1


class BaselineError(Exception):
    pass


@dataclass
class Baseline:
    entries: Dict[str, Dict[str, object]]  # fingerprint -> entry

    @classmethod
    def load(cls, path: str) -> "Baseline":
        try:
            with open(path, encoding="utf-8") as fh:
                data = json.load(fh)
        except FileNotFoundError:
            raise BaselineError(f"{path}: baseline file not found") from None
        except (OSError, ValueError) as exc:
            raise BaselineError(f"{path}: cannot read baseline: {' '.join(str(exc).split())}") from None
        except (RecursionError, MemoryError):
            raise BaselineError(f"{path}: cannot read baseline: nested too deeply") from None
        if not isinstance(data, dict) or data.get("version") != FORMAT_VERSION or not isinstance(data.get("findings"), list):
            raise BaselineError(f"{path}: not a leaklint baseline (version {FORMAT_VERSION})")
        entries = {}
        for n, entry in enumerate(data["findings"]):
            # every field the baseline is matched and reported by must be a string: a list
            # as `path` would crash the stale-entry lookup
            if not isinstance(entry, dict) or not isinstance(entry.get("fingerprint"), str):
                raise BaselineError(f"{path}: malformed entry #{n + 1}: expected an object with a string fingerprint")
            for key in ("path", "code", "scope", "message"):
                if key in entry and not isinstance(entry[key], str):
                    raise BaselineError(f"{path}: malformed entry #{n + 1}: {key} must be a string, got {type(entry[key]).__name__}")
            entries[entry["fingerprint"]] = entry
        return cls(entries)

    def filter(self, findings: Iterable[Finding]) -> Tuple[List[Finding], Set[str]]:
        """(new findings, fingerprints of baseline entries that matched)."""
        new, matched = [], set()
        for f in findings:
            if f.fingerprint in self.entries:
                matched.add(f.fingerprint)
            else:
                new.append(f)
        return new, matched

    def stale(self, matched: Set[str], checked_paths: Set[str]) -> List[Dict[str, object]]:
        """Entries for files checked in this run that no longer match a finding (fixed)."""
        return sorted(
            (e for fp, e in self.entries.items() if fp not in matched and e.get("path") in checked_paths),
            key=lambda e: (str(e.get("path")), str(e.get("code")), str(e.get("fingerprint"))),
        )

    def mismatch_warning(self, path: str, matched: Set[str], checked_paths: Sequence[str]) -> str:
        """Why a baseline with entries matched nothing, when no entry names a file of this run
        (the usual cause: written from another directory, so every path differs); "" otherwise."""
        if not self.entries or matched:
            return ""
        checked = set(checked_paths)
        recorded = sorted({str(e.get("path")) for e in self.entries.values()})
        if not checked or any(p in checked for p in recorded):
            return ""
        here = sorted(checked)[0]
        cwd = os.getcwd()
        hint = ""
        for entry_path in recorded:
            # the same file seen from another directory: suggest where to run from
            for run_path in checked:
                if entry_path.endswith("/" + run_path):
                    prefix = entry_path[: -len(run_path) - 1]
                    hint = f" (the baseline's {entry_path!r} looks like this run's {run_path!r}: run leaklint from the directory that contains {prefix!r}, as when the baseline was written)"
                    break
                if run_path.endswith("/" + entry_path):
                    prefix = run_path[: -len(entry_path) - 1]
                    hint = f" (the baseline's {entry_path!r} looks like this run's {run_path!r}: run leaklint from {prefix!r}, as when the baseline was written)"
                    break
            if hint:
                break
        return (
            f"baseline {path}: none of its {len(self.entries)} entries matched a finding, and none names a file "
            f"checked in this run; baseline paths are relative to the directory leaklint ran in when it was "
            f"written (e.g. {recorded[0]!r}), this run's are relative to {cwd} (e.g. {here!r}){hint}"
        )


def write_baseline(path: str, findings: Sequence[Finding]) -> int:
    entries = sorted(
        (
            {
                "fingerprint": f.fingerprint,
                "path": f.path,
                "code": f.code,
                "scope": f.scope,
                "message": f.message,
            }
            for f in findings
        ),
        key=lambda e: (e["path"], e["code"], e["scope"], e["fingerprint"]),
    )
    doc = {"version": FORMAT_VERSION, "generated_by": f"leaklint {__version__}", "findings": entries}
    # written through fsutil: atomic for a regular file, its mode kept (not mkstemp's 0600),
    # a symlink's target written, a device or FIFO written through
    write_text_atomic(path, json.dumps(doc, indent=2, sort_keys=True) + "\n")
    return len(entries)
