"""The flake8 plugin: `flake8 --select LL src/` once leaklint is installed.

A thin adapter over `leaklint.engine.lint_source`, registered through the `flake8.extension`
entry point with the prefix `LL`:

- the constructor takes `tree`, so flake8 files the plugin as an AST plugin, but the libcst
  source is built from `lines` (flake8's own decoding; no second read; stdin works);
- `[tool.leaklint]` from the nearest pyproject.toml (found the way the CLI finds it) and the
  `--leaklint-*` flake8 options are resolved once per process in `parse_options`;
- flake8 owns select / ignore / `# noqa`: findings are produced with `noqa=False`, so flake8
  sees every finding and applies `# noqa` itself; leaklint's `# leaklint: ignore[...]` and
  `# leaklint: ignore-file` still apply;
- flake8 reports a file Python cannot parse as E999 and then runs no AST plugin at all, so such a
  file is never reported twice. A file that Python parses but leaklint cannot (syntax newer than
  libcst knows, nesting too deep to analyze) is reported once, as LL000, as the CLI does;
- columns: flake8 wants 0-based offsets and prints them 1-based, the CLI prints 1-based columns,
  so both print the same `path:line:col`;
- the per-file time budget (`file-timeout`): flake8 runs the plugin inside its own processes,
  where leaklint cannot put the file in a process of its own and kill it, so the analysis runs
  in a thread that is stopped past the budget (an exception raised in it: `lint_source(timeout=)`):
  the file is one LL000 "analysis stopped after N s", the same message as the CLI's, and flake8
  goes on with its other files at once. Python code stops at once; native code (libcst's parser)
  only when it returns to Python, and holding the interpreter lock meanwhile it delays the
  verdict until then. Any thread, any OS; on an interpreter other than CPython the thread cannot
  be stopped and runs on in the background (flake8 still goes on).

Options (all also read from flake8's config files, without the leading `--`):
`--leaklint-config FILE`, `--leaklint-select`, `--leaklint-extend-select`,
`--leaklint-min-confidence`, `--leaklint-file-timeout SECONDS`, and one `--leaklint-<section>-<option>` per rule option (the
`[tool.leaklint.<section>]` tables). Exact rule codes named in flake8's own `--select` /
`--extend-select` (`LL501`, not the prefix `LL`) switch on rules that are off by default.
"""

from __future__ import annotations

import argparse
import ast
import dataclasses
import typing
from pathlib import Path
from typing import Any, ClassVar, Dict, Iterator, List, Optional, Sequence, Tuple, Type

from . import __version__
from .config import Config, ConfigError, _field_type, _option_sections, config_from_table, load_config, merge_rule_options
from .engine import LL000, FileTimeout, InternalError, lint_source
from .registry import all_rules

PREFIX = "leaklint-"
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def _flag_name(section: str, field: str) -> str:
    return f"{PREFIX}{section}-{field.replace('_', '-')}"


def _dest(flag: str) -> str:
    return flag.replace("-", "_")


def _kind(f: dataclasses.Field) -> str:
    """How a rule option is written on flake8's command line / config: bool, int, optional-int,
    str, list (comma separated), pairs (comma separated `a=b` items)."""
    hint = _field_type(f)
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if hint is bool:
        return "bool"
    if hint is int:
        return "int"
    if hint is str:
        return "str"
    if origin is typing.Union and type(None) in args:
        inner = [a for a in args if a is not type(None)]
        if inner == [int]:
            return "optional-int"
    if origin is tuple and args and args[-1] is Ellipsis:
        if args[0] is str:
            return "list"
        if typing.get_origin(args[0]) is tuple:
            return "pairs"
    return "str"


def rule_option_flags() -> List[Tuple[str, str, dataclasses.Field]]:
    """(flag without dashes, section, field) for every rule option, in a stable order."""
    out, seen = [], set()
    for section, fields in sorted(_option_sections().items()):
        for name, f in sorted(fields.items()):
            flag = _flag_name(section, name)
            if flag in seen or flag in _FIXED_FLAGS:
                continue  # a name clash between two sections: reachable from [tool.leaklint] only
            seen.add(flag)
            out.append((flag, section, f))
    return out


_FIXED_FLAGS = {f"{PREFIX}{n}" for n in ("config", "select", "extend-select", "min-confidence", "file-timeout")}


def _parse_value(kind: str, raw: Any, flag: str) -> Any:
    """A flake8 option value (a string, or a list for comma separated options) -> the value
    `[tool.leaklint]` would hold, validated afterwards by leaklint.config."""
    if kind == "list":
        return list(raw) if isinstance(raw, list) else [v for v in str(raw).replace(",", " ").split() if v]
    if kind == "pairs":
        items = list(raw) if isinstance(raw, list) else [v for v in str(raw).replace(",", " ").split() if v]
        out = []
        for item in items:
            sep = "=" if "=" in item else ":"
            parts = [p.strip() for p in item.split(sep)]
            if len(parts) < 2 or not all(parts):
                raise ConfigError(f"flake8 option --{flag}: expected items like name=value, got {item!r}")
            out.append(parts)
        return out
    text = str(raw).strip()
    if kind == "bool":
        if text.lower() in _TRUE:
            return True
        if text.lower() in _FALSE:
            return False
        raise ConfigError(f"flake8 option --{flag}: expected true or false, got {text!r}")
    if kind in ("int", "optional-int"):
        if kind == "optional-int" and text.lower() in ("none", ""):
            return None
        try:
            return int(text)
        except ValueError:
            raise ConfigError(f"flake8 option --{flag}: expected an integer, got {text!r}") from None
    return text


def _codes(value: Any) -> List[str]:
    if value is None:
        return []
    items = value if isinstance(value, (list, tuple)) else str(value).replace(",", " ").split()
    return [c.strip().upper() if c.strip().upper() != "ALL" else "ALL" for c in items if c.strip()]


def config_from_options(options: argparse.Namespace) -> Config:
    """The effective leaklint Config for a flake8 run: `[tool.leaklint]` (or --leaklint-config),
    then the --leaklint-* options on top. Raises ConfigError."""
    explicit = getattr(options, "leaklint_config", None)
    filenames = list(getattr(options, "filenames", None) or ["."])
    if "-" in filenames and getattr(options, "stdin_display_name", "stdin") not in (None, "", "stdin"):
        start = Path(options.stdin_display_name)
    else:
        start = Path(filenames[0] if filenames[0] != "-" else ".")
    if not start.exists():
        start = Path.cwd()
    config = load_config(Path(explicit) if explicit else None, start=start)

    table: Dict[str, Any] = {}
    select = getattr(options, "leaklint_select", None)
    if select is not None:
        table["select"] = _codes(select)
    extend = _codes(getattr(options, "leaklint_extend_select", None))
    # flake8's own --select / --extend-select naming one rule exactly switch it on, so that
    # `flake8 --extend-select LL501` runs an opt-in rule instead of silently reporting nothing
    known = {r.code for r in all_rules()}
    for attr in ("select", "extend_select"):
        extend += [c for c in _codes(getattr(options, attr, None)) if c in known and c not in extend]
    if extend:
        table["extend-select"] = extend
    confidence = getattr(options, "leaklint_min_confidence", None)
    if confidence:
        table["min-confidence"] = str(confidence).strip().lower()
    timeout = getattr(options, "leaklint_file_timeout", None)
    if timeout is not None and str(timeout).strip():
        try:
            table["file-timeout"] = float(str(timeout).strip())
        except ValueError:
            raise ConfigError(f"flake8 option --{PREFIX}file-timeout: expected a number of seconds (0: no limit), got {timeout!r}") from None
    flags = config_from_table(table, source="flake8 options", prefix="")
    changes: Dict[str, Any] = {}
    if "select" in table:
        changes["select"] = flags.select
    if "extend-select" in table:
        changes["extend_select"] = config.extend_select + flags.extend_select
    if "min-confidence" in table:
        changes["min_confidence"] = flags.min_confidence
    if "file-timeout" in table:
        changes["file_timeout"] = flags.file_timeout
    if changes:
        config = config.replace(**changes)

    per_section: Dict[str, Dict[str, Any]] = {}
    for flag, section, f in rule_option_flags():
        raw = getattr(options, _dest(flag), None)
        if raw is None:
            continue
        per_section.setdefault(section, {})[f.name] = _parse_value(_kind(f), raw, flag)
    for section, values in per_section.items():
        config = merge_rule_options(config, section, values, source=f"flake8 options --{PREFIX}{section}-*")
    return config


class Plugin:
    """flake8 entry point `LL = leaklint.flake8:Plugin`."""

    name = "leaklint"
    version = __version__

    # resolved once per process by parse_options (inherited by flake8's forked workers, rebuilt
    # by parse_options in spawned ones); loaded lazily when flake8 never called parse_options
    _config: ClassVar[Optional[Config]] = None

    def __init__(self, tree: ast.AST, lines: Sequence[str], filename: str = "stdin") -> None:
        self.tree = tree  # unused: flake8 needs the parameter to run the plugin once per file
        self.lines = lines
        self.filename = filename

    # --------------------------------------------------------------------------- options
    @classmethod
    def add_options(cls, manager: Any) -> None:
        manager.add_option(
            f"--{PREFIX}config", metavar="FILE", default=None, parse_from_config=True, normalize_paths=True,
            help="leaklint: a pyproject.toml or TOML file to read [tool.leaklint] from "
            "(default: the nearest pyproject.toml with a [tool.leaklint] table)",
        )
        manager.add_option(
            f"--{PREFIX}select", metavar="CODES", default=None, parse_from_config=True, comma_separated_list=True,
            help="leaklint: rule codes or prefixes to run, replacing the default rules (flake8's "
            "--select / --ignore still filter what is shown)",
        )
        manager.add_option(
            f"--{PREFIX}extend-select", metavar="CODES", default=None, parse_from_config=True, comma_separated_list=True,
            help="leaklint: rule codes or prefixes to run on top of the selection (opt-in rules)",
        )
        manager.add_option(
            f"--{PREFIX}min-confidence", metavar="LEVEL", default=None, parse_from_config=True,
            choices=("high", "medium", "low"),
            help="leaklint: drop findings below this confidence (high, medium, low)",
        )
        manager.add_option(
            f"--{PREFIX}file-timeout", metavar="SECONDS", default=None, parse_from_config=True,
            help="leaklint: seconds one file may take before it is LL000 (0: no limit; default: "
            "file-timeout in [tool.leaklint], 120)",
        )
        for flag, section, f in rule_option_flags():
            kind = _kind(f)
            helptext = " ".join(str(f.metadata.get("help", "")).split())
            syntax = {
                "bool": "true or false", "int": "an integer", "optional-int": "an integer or none",
                "list": "comma separated", "pairs": "comma separated name=value items", "str": "a string",
            }[kind]
            manager.add_option(
                f"--{flag}", metavar="VALUE", default=None, parse_from_config=True,
                comma_separated_list=kind in ("list", "pairs"),
                help=f"leaklint [tool.leaklint.{section}] {f.name.replace('_', '-')} ({syntax}): {helptext}".rstrip(": "),
            )

    @classmethod
    def parse_options(cls, options: argparse.Namespace) -> None:
        try:
            cls._config = config_from_options(options)
        except ConfigError as exc:
            from flake8.exceptions import ExecutionError

            raise ExecutionError(f"leaklint: {exc}") from None
        cls._config.enabled_rules()  # discover and select the rules now, once

    @classmethod
    def config(cls) -> Config:
        if cls._config is None:
            cls._config = load_config(start=Path.cwd())
        return cls._config

    # --------------------------------------------------------------------------- checking
    # the lifetime model of each project seen, built once per process on first use (the same
    # model the CLI builds once per run: the parity between the two holds)
    _projects: ClassVar[Dict[str, Any]] = {}
    _warm: ClassVar[bool] = False

    @classmethod
    def project_for(cls, filename: str) -> Any:
        """The ProjectIndex of the project holding `filename`, or None (stdin, an unreadable
        tree): rules then judge the file alone."""
        import os

        from .analysis.project import build_index, find_project_root
        from .runner import CACHE_LAYOUT, solve_project

        if filename in ("stdin", "-", "<stdin>") or not os.path.isfile(filename):
            return None
        root = find_project_root(filename)
        if root not in cls._projects:
            config = cls.config()
            cache_dir = config.cache_dir
            if cache_dir and config.root and not os.path.isabs(cache_dir):
                cache_dir = os.path.join(config.root, cache_dir)
            try:
                # no explicit root: build_index discovers the same `root` and walks it as the CLI
                # does (default excludes, .gitignore), so a downloaded corpus or a virtual
                # environment inside the checkout is not summarized on every flake8 run
                index = build_index([filename], cache_dir=os.path.join(cache_dir, CACHE_LAYOUT) if cache_dir else None)
                cls._projects[root] = solve_project(index)
            except (OSError, RecursionError, MemoryError, ValueError):
                cls._projects[root] = None
        return cls._projects[root]

    def run(self) -> Iterator[Tuple[int, int, str, Type["Plugin"]]]:
        source = "".join(self.lines)
        config = self.config()
        # the CLI's failure contract: one LL000 for this file, and flake8 goes on with the others
        size = len(source.encode("utf-8", "surrogatepass"))
        if config.max_file_size and size > config.max_file_size:
            if not config.ignores_file_errors(self.filename):
                yield 1, 0, f"{LL000} file too large to analyze: {size} bytes (max-file-size is {config.max_file_size})", type(self)
            return
        try:
            project = self.project_for(self.filename)
            # once per process, not per file, so outside the budget: the project model, and what
            # the first files would do on first use (the walker plans each node type once)
            if config.file_timeout and not Plugin._warm:
                from .runner import _warm_up

                _warm_up(config)
                Plugin._warm = True
            findings = lint_source(source, self.filename, config, noqa=False, project=project, timeout=config.file_timeout)
        except FileTimeout:
            if not config.ignores_file_errors(self.filename):
                from .runner import timeout_message

                yield 1, 0, f"{LL000} {timeout_message(config.file_timeout)}", type(self)
            return
        except InternalError as exc:
            # a bug in leaklint: say so on this file and let flake8 go on with the others
            yield 1, 0, f"{LL000} file not analyzed: {exc} (please report this leaklint bug)", type(self)
            return
        except (RecursionError, MemoryError) as exc:
            yield 1, 0, f"{LL000} cannot analyze: {type(exc).__name__}", type(self)
            return
        except Exception as exc:
            message = " ".join(f"{type(exc).__name__}: {exc}".split())
            yield 1, 0, f"{LL000} file not analyzed: {self.filename}: internal error in engine: {message} (please report this leaklint bug)", type(self)
            return
        for f in findings:
            if f.code == LL000 and config.ignores_file_errors(f.path):
                continue
            yield f.line, max(f.column - 1, 0), f"{f.code} {f.message}", type(self)


__all__ = ["Plugin", "config_from_options", "rule_option_flags"]
