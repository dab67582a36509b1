"""Paths -> the .py files to check.

Directories are walked for `*.py` and `*.ipynb` (stubs `.pyi` are skipped: they hold no runtime code).
While walking, `exclude` / `extend-exclude` globs and `.gitignore` files are honoured (each
`.gitignore` applies to its own directory and below, as git does). Paths named on the command
line are always checked, like ruff and flake8 do.
"""

from __future__ import annotations

import fnmatch
import os
import re
from typing import Iterator, List, Optional, Sequence, Tuple

from .config import Config


class GitIgnore:
    """One .gitignore file: ordered rules, last match wins, `!` negates, `/` anchors."""

    def __init__(self, base: str, lines: Sequence[str]) -> None:
        self.base = base
        self.rules: List[Tuple[re.Pattern, bool, bool]] = []  # (regex, negated, dir_only)
        for raw in lines:
            line = raw.rstrip("\n")
            if not line.strip() or line.startswith("#"):
                continue
            line = line.rstrip()  # trailing spaces are ignored unless escaped (rare)
            negated = line.startswith("!")
            if negated:
                line = line[1:]
            if line.startswith("\\"):
                line = line[1:]
            dir_only = line.endswith("/")
            line = line.rstrip("/")
            if not line:
                continue
            anchored = "/" in line
            line = line.lstrip("/")
            self.rules.append((_glob_to_regex(line, anchored), negated, dir_only))

    @classmethod
    def load(cls, directory: str) -> Optional["GitIgnore"]:
        path = os.path.join(directory, ".gitignore")
        try:
            with open(path, encoding="utf-8", errors="replace") as fh:
                return cls(directory, fh.readlines())
        except OSError:
            return None

    def match(self, path: str, is_dir: bool) -> Optional[bool]:
        """True: ignored, False: re-included, None: no rule matched."""
        rel = os.path.relpath(path, self.base).replace(os.sep, "/")
        result: Optional[bool] = None
        for regex, negated, dir_only in self.rules:
            if dir_only and not is_dir:
                continue
            if regex.match(rel):
                result = not negated
        return result


def _glob_to_regex(pattern: str, anchored: bool) -> re.Pattern:
    i, out = 0, []
    while i < len(pattern):
        c = pattern[i]
        if pattern.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
            continue
        if pattern.startswith("/**", i) and i + 3 == len(pattern):
            out.append("/.*")
            i += 3
            continue
        if pattern.startswith("**", i):
            out.append(".*")
            i += 2
            continue
        if c == "*":
            out.append("[^/]*")
        elif c == "?":
            out.append("[^/]")
        elif c == "[":
            j = pattern.find("]", i + 1)
            if j == -1:
                out.append(re.escape(c))
            else:
                body = pattern[i + 1 : j].replace("\\", "\\\\")
                if body.startswith("!"):
                    body = "^" + body[1:]
                out.append(f"[{body}]")
                i = j
        else:
            out.append(re.escape(c))
        i += 1
    body = "".join(out)
    prefix = "" if anchored else "(?:.*/)?"
    return re.compile(f"^{prefix}{body}$")


def _git_root(start: str) -> Optional[str]:
    current = os.path.abspath(start)
    while True:
        if os.path.exists(os.path.join(current, ".git")):
            return current
        parent = os.path.dirname(current)
        if parent == current:
            return None
        current = parent


def _ignores_above(directory: str) -> List[GitIgnore]:
    """The .gitignore files from the repository root down to (not including) `directory`."""
    root = _git_root(directory)
    if root is None:
        return []
    chain: List[str] = []
    current = os.path.abspath(directory)
    while True:
        parent = os.path.dirname(current)
        if parent == current or not current.startswith(root) or current == root:
            break
        current = parent
        chain.append(current)
    out = []
    for d in reversed(chain):
        gi = GitIgnore.load(d)
        if gi is not None:
            out.append(gi)
    return out


def _ignored(path: str, is_dir: bool, ignores: Sequence[GitIgnore]) -> bool:
    verdict = False
    for gi in ignores:
        m = gi.match(path, is_dir)
        if m is not None:
            verdict = m
    return verdict


def iter_python_files(paths: Sequence[str], config: Config) -> Iterator[str]:
    """Yield files to check, in a stable order, without duplicates. Paths that do not exist and
    directories that cannot be listed are yielded as they are (reported as LL000)."""
    seen = set()

    def emit(path: str) -> Iterator[str]:
        key = os.path.normcase(os.path.abspath(path))
        if key not in seen:
            seen.add(key)
            yield path

    for given in paths:
        if os.path.isdir(given):
            ignores = _ignores_above(given) if config.respect_gitignore else []
            yield from _walk(given, config, ignores, emit)
        else:
            # named explicitly: always checked (missing or broken paths become LL000)
            yield from emit(given)


def _walk(top: str, config: Config, ignores: List[GitIgnore], emit) -> Iterator[str]:  # type: ignore[no-untyped-def]
    if config.respect_gitignore:
        own = GitIgnore.load(top)
        if own is not None:
            ignores = [*ignores, own]
    try:
        with os.scandir(top) as it:
            entries = sorted(it, key=lambda e: e.name)
    except OSError:
        # a directory that cannot be listed (permission denied ...) is not silently "0 files":
        # it is yielded itself, and reading it reports why it was not checked (LL000)
        yield from emit(top)
        return
    dirs = []
    for entry in entries:
        path = os.path.join(top, entry.name) if top != "." else entry.name
        try:
            is_dir = entry.is_dir()
        except OSError:
            is_dir = False
        if config.is_excluded(path, walking=True) or (ignores and _ignored(path, is_dir, ignores)):
            continue
        if is_dir:
            if not entry.is_symlink():
                dirs.append(path)
        elif entry.name.endswith((".py", ".ipynb")):
            yield from emit(path)
    for d in dirs:
        yield from _walk(d, config, ignores, emit)


PYTHON_SUFFIXES = (".py", ".pyi", ".pyw", ".ipynb")


def is_python_path(path: str) -> bool:
    """Whether a path named on the command line is one to check: a directory, a missing path
    (reported as LL000), a Python file or notebook, or an extensionless script whose first line
    is a python shebang (pre-commit's `types: [python]` passes those)."""
    if os.path.isdir(path) or not os.path.exists(path) or path.endswith(PYTHON_SUFFIXES):
        return True
    if os.path.splitext(os.path.basename(path))[1]:
        return False
    try:
        with open(path, "rb") as fh:
            first = fh.readline(200)
    except OSError:
        return True  # unreadable: let the engine report it
    return first.startswith(b"#!") and b"python" in first


def display_path(path: str) -> str:
    """Paths as users typed them, relative when under the current directory, with `/`."""
    if path == "-":
        return path
    try:
        rel = os.path.relpath(path)
    except ValueError:
        return path
    if rel.startswith(".." + os.sep) or rel == "..":
        return path
    return rel.replace(os.sep, "/")


__all__ = ["iter_python_files", "display_path", "is_python_path", "GitIgnore", "fnmatch"]
