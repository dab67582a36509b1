"""Recall on the leak-fix corpus with the lifetime model: bench/leakfixes/score.py, each file
linted with the ProjectIndex of its own distribution (as the CLI does for a project it checks).

The scorer lints each file in-process with `lint_source(text, path, config)`, which gives rules
no project. This wrapper runs the same scorer with one change: `run_leaklint` builds the
lifetime model of each unpacked distribution once (`build_index(root=corpus/<dist>)`, summaries
cached under --summaries) and passes it, with the file's module name, to `lint_source`.

    PYTHONPATH=<this checkout> python bench/lifetime_recall.py --scorer bench/leakfixes/score.py \\
        -- --no-peers --markdown -o results-project.json

Everything after `--` goes to the scorer unchanged.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import sys
from typing import Any, Dict, List, Optional, Sequence, Tuple


def _load(path: str) -> Any:
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(path))))
    sys.path.insert(0, os.path.dirname(os.path.abspath(path)))
    spec = importlib.util.spec_from_file_location("leakfixes_score", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["leakfixes_score"] = module
    spec.loader.exec_module(module)
    return module


def with_project(summaries: Optional[str]) -> Any:
    from leaklint.analysis.project import build_index
    from leaklint.config import Config
    from leaklint.engine import LL000, InternalError, SourceError, lint_source, read_source

    indexes: Dict[str, Any] = {}

    def run_leaklint(paths: Sequence[Tuple[str, str]], select: Optional[Tuple[str, ...]]) -> Tuple[Dict[str, List[Dict[str, Any]]], List[str]]:
        config = Config(select=select)
        out: Dict[str, List[Dict[str, Any]]] = {}
        errors: List[str] = []
        for path, shown in paths:
            out[path] = []
            root = path[: -len(shown)].rstrip("/\\") if path.endswith(shown) else os.path.dirname(path)
            if root not in indexes:
                indexes[root] = build_index([path], root=root, cache_dir=summaries)
            project = indexes[root]
            try:
                text = read_source(path)
                found = lint_source(text, shown, config, project=project, module=project.module_of(path))
            except SourceError as exc:
                errors.append(f"{path}: not analysed: {exc}")
                continue
            except InternalError as exc:
                errors.append(f"{path}: leaklint crashed: {exc}")
                continue
            for f in found:
                if f.code == LL000:
                    errors.append(f"{path}: not analysed: {f.message}")
                    continue
                out[path].append({"line": f.line, "code": f.code, "message": f.message})
        return out, errors

    return run_leaklint


def main(argv: Optional[List[str]] = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    rest: List[str] = []
    if "--" in argv:
        i = argv.index("--")
        argv, rest = argv[:i], argv[i + 1 :]
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scorer", default="bench/leakfixes/score.py", help="path of bench/leakfixes/score.py")
    parser.add_argument("--summaries", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), ".lifetime-cache"), help="summary cache directory ('' for none)")
    args = parser.parse_args(argv)
    import leaklint  # this checkout's (PYTHONPATH), pinned before the scorer edits sys.path

    print(f"leaklint from {os.path.dirname(leaklint.__file__)}", file=sys.stderr)
    score = _load(args.scorer)
    score.run_leaklint = with_project(args.summaries or None)
    return int(score.main(rest) or 0)


if __name__ == "__main__":
    raise SystemExit(main())
