"""`[tool.leaklint]` configuration: discovery, validation, and the effective Config.

Every key is checked: an unknown key or a value of the wrong type is a `ConfigError` naming the
key and the file, never silently ignored.
"""

from __future__ import annotations

import dataclasses
import fnmatch
import hashlib
import json
import os
import sys
import typing
from functools import lru_cache
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, List, Mapping, Optional, Tuple, Type

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python < 3.11 only
    import tomli as tomllib

from .types import Confidence

if typing.TYPE_CHECKING:  # pragma: no cover
    from .rule import Rule

# The rule modules (and libcst with them) are imported only when rules are needed: a re-run
# whose files all hit the result cache never needs them.

# Paths never walked into unless named explicitly (ruff's and flake8's defaults, merged).
DEFAULT_EXCLUDE: Tuple[str, ...] = (
    ".bzr", ".direnv", ".eggs", ".git", ".git-rewrite", ".hg", ".mypy_cache", ".nox", ".pants.d",
    ".pytype", ".ruff_cache", ".svn", ".tox", ".venv", "__pypackages__", "_build", "buck-out",
    "build", "dist", "node_modules", "venv", "__pycache__", ".leaklint_cache", "site-packages",
)

TOP_LEVEL_KEYS = {
    "select": "list of rule codes or prefixes",
    "ignore": "list of rule codes or prefixes",
    "extend-select": "list of rule codes or prefixes",
    "exclude": "list of glob patterns",
    "extend-exclude": "list of glob patterns",
    "per-file-ignores": "table of glob pattern -> list of codes",
    "min-confidence": "one of high, medium, low",
    "respect-gitignore": "boolean",
    "cache-dir": "path",
    "max-file-size": "integer: bytes; a larger file is LL000, not analyzed (0: no limit)",
    "file-timeout": "number: seconds one file may take before it is LL000 (0: no limit)",
    "fixable": "list of rule codes or prefixes whose fixes --fix may apply (default: ALL)",
    "unfixable": "list of rule codes or prefixes whose fixes --fix never applies",
    "unsafe-fixes": "boolean: apply unsafe fixes too, as --unsafe-fixes does",
}

# A file over either budget is reported as LL000 and the run goes on (about 13 s and 1 GB of
# memory per MB of source: the defaults keep one file from taking a machine down).
DEFAULT_MAX_FILE_SIZE = 4 * 1024 * 1024
DEFAULT_FILE_TIMEOUT = 120.0


class ConfigError(Exception):
    """A configuration problem; the message names the file and the key."""


@dataclass(frozen=True)
class Config:
    select: Optional[Tuple[str, ...]] = None
    ignore: Tuple[str, ...] = ()
    extend_select: Tuple[str, ...] = ()
    exclude: Tuple[str, ...] = DEFAULT_EXCLUDE
    extend_exclude: Tuple[str, ...] = ()
    per_file_ignores: Tuple[Tuple[str, Tuple[str, ...]], ...] = ()
    min_confidence: Confidence = Confidence.LOW
    respect_gitignore: bool = True
    cache_dir: Optional[str] = None
    max_file_size: int = DEFAULT_MAX_FILE_SIZE
    file_timeout: float = DEFAULT_FILE_TIMEOUT
    # fixes --fix may apply: codes / prefixes (None: all), never-applied ones, unsafe ones too
    fixable: Optional[Tuple[str, ...]] = None
    unfixable: Tuple[str, ...] = ()
    unsafe_fixes: bool = False
    # section -> {option_name: value}, already validated and with snake_case names
    rule_options: Tuple[Tuple[str, Tuple[Tuple[str, Any], ...]], ...] = ()
    # where the config came from ("" for defaults) and the directory paths are relative to
    source: str = ""
    root: str = ""
    # (code, where) of exact rule codes not yet checked against the known rules: the CLI
    # defers that check (it needs the rules, so libcst) until it has a file to lint
    unchecked_codes: Tuple[Tuple[str, str], ...] = field(default=(), compare=False)

    def check_codes(self) -> "Config":
        """Raise ConfigError for the first deferred code that names no rule; the config
        without pending checks otherwise."""
        for code, where in self.unchecked_codes:
            _raise_unknown(code, where)
        return self.replace(unchecked_codes=()) if self.unchecked_codes else self

    # ------------------------------------------------------------------ rules
    def enabled_rules(self) -> Tuple[Type[Rule], ...]:
        return _enabled(self.select, self.ignore, self.extend_select)

    def rules_for(self, path: str) -> Tuple[Type[Rule], ...]:
        rules = self.enabled_rules()
        ignored = self.ignored_codes_for(path)
        if not ignored:
            return rules
        return tuple(r for r in rules if not any(s == "ALL" or r.code.startswith(s) for s in ignored))

    def ignored_codes_for(self, path: str) -> Tuple[str, ...]:
        if not self.per_file_ignores:
            return ()
        rel = self.relative(path)
        out: List[str] = []
        for pattern, codes in self.per_file_ignores:
            if path_matches(rel, pattern):
                out.extend(codes)
        return tuple(out)

    def ignores_file_errors(self, path: str) -> bool:
        """Whether LL000 (file not analyzed) is ignored for `path`: `ignore` or the file's
        per-file-ignores name LL000 (or a prefix of it, or ALL). `select` never drops it."""
        selectors = (*self.ignore, *self.ignored_codes_for(path))
        return any(s == "ALL" or "LL000".startswith(s) for s in selectors)

    def options_for(self, rule: Type[Rule]) -> Any:
        from .rule import options_from_mapping

        values = dict(self.rule_options).get(rule.section())
        return options_from_mapping(rule, dict(values or ()))

    def relative(self, path: str) -> str:
        if not self.root:
            return Path(path).as_posix()
        absolute = Path(os.path.abspath(path))
        try:
            return absolute.relative_to(self.root).as_posix()
        except ValueError:
            pass
        # the root is a resolved path; a path reached through a symbolic link is not
        try:
            return absolute.resolve().relative_to(self.root).as_posix()
        except (ValueError, OSError, RuntimeError):
            return Path(path).as_posix()

    def is_excluded(self, path: str, walking: bool = False) -> bool:
        """Whether `path` matches an exclude glob. While walking a directory (`walking`), a
        pattern without `/` is matched against the entry's own name only: its parents were
        vetted on the way down, and a directory named on the command line is always walked."""
        rel = self.relative(path)
        patterns = (*self.exclude, *self.extend_exclude)
        if walking:
            name = rel.rsplit("/", 1)[-1]
            return any(
                path_matches(rel, p) if "/" in p.rstrip("/").lstrip("./") else fnmatch.fnmatchcase(name, p.rstrip("/"))
                for p in patterns
            )
        return any(path_matches(rel, p) for p in patterns)

    def fingerprint(self) -> str:
        """Stable hash of everything that changes results (for the result cache)."""
        data = {
            "rules": [r.code for r in self.enabled_rules()],
            "per_file_ignores": self.per_file_ignores,
            "min_confidence": int(self.min_confidence),
            "rule_options": repr(self.rule_options),
        }
        return hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()[:16]

    def replace(self, **changes: Any) -> "Config":
        return dataclasses.replace(self, **changes)


@lru_cache(maxsize=64)
def _enabled(select: Optional[Tuple[str, ...]], ignore: Tuple[str, ...], extend: Tuple[str, ...]) -> Tuple[Type[Rule], ...]:
    from .registry import select_rules

    return select_rules(select, ignore, extend)


def path_matches(rel_path: str, pattern: str) -> bool:
    """Glob match the way ruff and flake8 users expect: a pattern without `/` matches any path
    component (`build`, `*_pb2.py`); a pattern with `/` matches the relative path from the
    project root (`src/gen/*.py`, `tests/**`)."""
    pattern = pattern.rstrip("/")
    if pattern.startswith("./"):
        pattern = pattern[2:]
    if "/" not in pattern:
        return any(fnmatch.fnmatchcase(part, pattern) for part in rel_path.split("/"))
    if fnmatch.fnmatchcase(rel_path, pattern):
        return True
    # a directory pattern covers everything below it
    parts = rel_path.split("/")
    for i in range(1, len(parts)):
        if fnmatch.fnmatchcase("/".join(parts[:i]), pattern):
            return True
    if pattern.endswith("/**") and fnmatch.fnmatchcase(rel_path, pattern[:-3]):
        return True
    return False


# ---------------------------------------------------------------------------- discovery
def find_pyproject(start: Path) -> Optional[Path]:
    """The nearest pyproject.toml with a [tool.leaklint] table, walking up from `start`."""
    start = start.resolve()
    try:
        if start.is_file():
            start = start.parent
    except OSError:
        start = start.parent
    for directory in (start, *start.parents):
        candidate = directory / "pyproject.toml"
        try:
            if not candidate.is_file():
                continue
        except OSError:  # a directory we may not look into: not where our config is
            continue
        try:
            with candidate.open("rb") as fh:
                data = tomllib.load(fh)
        except (OSError, tomllib.TOMLDecodeError, RecursionError):
            # a broken pyproject.toml that is not ours to judge unless it is the one used
            data = None
        if data is None:
            return candidate
        tool = data.get("tool")
        # `tool = 5` in some other project's pyproject.toml is not ours to judge either
        if isinstance(tool, dict) and "leaklint" in tool:
            return candidate
    return None


def load_config(path: Optional[Path] = None, start: Optional[Path] = None, defer_codes: bool = False) -> Config:
    """Config from `path` (a pyproject.toml or a leaklint TOML file), else from the nearest
    pyproject.toml above `start` that has a [tool.leaklint] table, else defaults.
    `defer_codes`: see `Config.unchecked_codes`."""
    if path is None:
        found = find_pyproject(start or Path.cwd())
        if found is None:
            root = (start or Path.cwd()).resolve()
            return Config(root=str(root if root.is_dir() else root.parent))
        path = found
    try:
        with open(path, "rb") as fh:
            data = tomllib.load(fh)
    except FileNotFoundError:
        raise ConfigError(f"{path}: config file not found") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read config file: {exc.strerror}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}") from None
    except RecursionError:
        raise ConfigError(f"{path}: invalid TOML: nested too deeply") from None
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML: not UTF-8 ({exc.reason})") from None
    tool = data.get("tool", {})
    if not isinstance(tool, dict):
        raise ConfigError(f"{path}: `tool` must be a table, got {_tname(tool)}")
    if Path(path).name == "pyproject.toml":
        table = tool.get("leaklint", {})
        prefix = "tool.leaklint"
    else:
        # a dedicated file may hold the table bare or under [tool.leaklint]
        table = tool.get("leaklint", data)
        prefix = "tool.leaklint" if "tool" in data else ""
    return config_from_table(
        table, source=str(path), root=str(Path(path).resolve().parent), prefix=prefix, defer_codes=defer_codes
    )


def config_from_table(
    table: Mapping[str, Any],
    source: str = "",
    root: str = "",
    prefix: str = "tool.leaklint",
    defer_codes: bool = False,
) -> Config:
    pending: Optional[List[Tuple[str, str]]] = [] if defer_codes else None
    try:
        config = _config_from_table(table, source, root, prefix, pending)
    except ConfigError:
        # an unknown code met earlier in the table is the error reported without deferral
        Config(unchecked_codes=tuple(pending or ())).check_codes()
        raise
    return config.replace(unchecked_codes=tuple(pending)) if pending else config


def _config_from_table(
    table: Mapping[str, Any], source: str, root: str, prefix: str, pending: Optional[List[Tuple[str, str]]]
) -> Config:
    def where(key: str) -> str:
        return f"{source or '<config>'}: {prefix + '.' if prefix else ''}{key}"

    if not isinstance(table, Mapping):
        raise ConfigError(f"{source}: [{prefix}] must be a table")
    kwargs: Dict[str, Any] = {"source": source, "root": root}
    rule_options: Dict[str, Dict[str, Any]] = {}
    for key, value in table.items():
        # rule option sections need the rules; a table of top-level keys only does not
        sections = _option_sections() if key not in TOP_LEVEL_KEYS else {}
        if key in sections:
            rule_options[key] = _check_section(key, value, sections[key], where)
            continue
        if key not in TOP_LEVEL_KEYS:
            known = ", ".join(sorted([*TOP_LEVEL_KEYS, *sections]))
            raise ConfigError(f"{where(key)}: unknown key '{key}' (known keys: {known})")
        if key in ("select", "ignore", "extend-select", "fixable", "unfixable"):
            codes = _str_list(value, where(key))
            for code in codes:
                _check_selector(code, where(key), pending)
            kwargs[key.replace("-", "_")] = tuple(codes)
        elif key in ("exclude", "extend-exclude"):
            kwargs[key.replace("-", "_")] = tuple(_str_list(value, where(key)))
        elif key == "per-file-ignores":
            if not isinstance(value, Mapping):
                raise ConfigError(f"{where(key)}: expected a table of glob -> list of codes, got {_tname(value)}")
            entries = []
            for pattern, codes in value.items():
                codes = _str_list(codes, f"{where(key)}.{pattern!r}")
                for code in codes:
                    _check_selector(code, where(key), pending)
                entries.append((pattern, tuple(codes)))
            kwargs["per_file_ignores"] = tuple(entries)
        elif key == "min-confidence":
            if not isinstance(value, str):
                raise ConfigError(f"{where(key)}: expected one of high, medium, low, got {_tname(value)}")
            try:
                kwargs["min_confidence"] = Confidence.parse(value)
            except ValueError as exc:
                raise ConfigError(f"{where(key)}: {exc}") from None
        elif key == "respect-gitignore":
            if not isinstance(value, bool):
                raise ConfigError(f"{where(key)}: expected a boolean, got {_tname(value)}")
            kwargs["respect_gitignore"] = value
        elif key == "unsafe-fixes":
            if not isinstance(value, bool):
                raise ConfigError(f"{where(key)}: expected a boolean, got {_tname(value)}")
            kwargs["unsafe_fixes"] = value
        elif key == "cache-dir":
            if not isinstance(value, str):
                raise ConfigError(f"{where(key)}: expected a path string, got {_tname(value)}")
            kwargs["cache_dir"] = value
        elif key == "max-file-size":
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise ConfigError(f"{where(key)}: expected a number of bytes (0: no limit), got {value!r}")
            kwargs["max_file_size"] = value
        elif key == "file-timeout":
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value < float("inf"):
                raise ConfigError(f"{where(key)}: expected a number of seconds (0: no limit), got {value!r}")
            kwargs["file_timeout"] = float(value)
    kwargs["rule_options"] = tuple(
        (section, tuple(sorted(values.items()))) for section, values in sorted(rule_options.items())
    )
    return Config(**kwargs)


def merge_rule_options(config: Config, section: str, values: Mapping[str, Any], source: str = "<flags>") -> Config:
    """Config with `values` (kebab- or snake-case keys) validated and laid over one section."""
    sections = _option_sections()
    if section not in sections:
        raise ConfigError(f"{source}: unknown option section '{section}'")
    checked = _check_section(section, dict(values), sections[section], lambda k: f"{source}: {k}")
    merged = dict(config.rule_options)
    current = dict(merged.get(section, ()))
    current.update(checked)
    merged[section] = tuple(sorted(current.items()))
    return config.replace(rule_options=tuple(sorted(merged.items())))


def every_form(config: Config) -> Config:
    """`config` with every option that turns on more of a rule's forms set (the boolean options
    whose metadata says `"form": True`: `all-forms`, `error-paths`, `include-bounded` ...), for
    measuring what the rules can find at all: `--select ALL` alone runs every rule with the
    forms that are on by default."""
    for section, fields in sorted(_option_sections().items()):
        forms = {name: True for name, f in fields.items() if f.metadata.get("form")}
        if forms:
            config = merge_rule_options(config, section, forms, source="every form")
    return config


def _option_sections() -> Dict[str, Dict[str, dataclasses.Field]]:
    from .registry import all_rules

    sections: Dict[str, Dict[str, dataclasses.Field]] = {}
    for rule in all_rules():
        if rule.Options is None:
            continue
        fields = sections.setdefault(rule.section(), {})
        for f in dataclasses.fields(rule.Options):
            fields[f.name] = f
    return sections


def option_types(section: str) -> Dict[str, Any]:
    sections = _option_sections()
    out = {}
    for name, f in sections.get(section, {}).items():
        out[name] = f
    return out


def _check_section(section: str, value: Any, fields: Mapping[str, dataclasses.Field], where: Any) -> Dict[str, Any]:
    if not isinstance(value, Mapping):
        raise ConfigError(f"{where(section)}: expected a table of options, got {_tname(value)}")
    out: Dict[str, Any] = {}
    for key, item in value.items():
        name = key.replace("-", "_")
        f = fields.get(name)
        if f is None:
            known = ", ".join(sorted(n.replace("_", "-") for n in fields)) or "none"
            raise ConfigError(f"{where(section + '.' + key)}: unknown option '{key}' (known: {known})")
        out[name] = _coerce(item, f, where(section + "." + key))
    return out


def _field_type(f: dataclasses.Field) -> Any:
    hint = f.type
    if isinstance(hint, str):
        hint = hint.replace("typing.", "")
        mapping = {
            "bool": bool, "int": int, "str": str, "float": float,
            "Tuple[str, ...]": Tuple[str, ...], "tuple[str, ...]": Tuple[str, ...],
            "Tuple[Tuple[str, str], ...]": Tuple[Tuple[str, str], ...],
            "tuple[tuple[str, str], ...]": Tuple[Tuple[str, str], ...],
            "Optional[int]": Optional[int],
        }
        return mapping.get(hint, hint)
    return hint


def _coerce(value: Any, f: dataclasses.Field, where: str) -> Any:
    hint = _field_type(f)
    origin = typing.get_origin(hint)
    args = typing.get_args(hint)
    if hint is bool:
        if isinstance(value, bool):
            return value
        raise ConfigError(f"{where}: expected a boolean, got {_tname(value)}")
    if hint is int:
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        raise ConfigError(f"{where}: expected an integer, got {_tname(value)}")
    if hint is str:
        if isinstance(value, str):
            return value
        raise ConfigError(f"{where}: expected a string, got {_tname(value)}")
    if origin is typing.Union and type(None) in args:
        if value is None:
            return None
        inner = [a for a in args if a is not type(None)][0]
        fake = dataclasses.field()
        fake.type = inner  # type: ignore[attr-defined]
        return _coerce(value, fake, where)
    if origin is tuple and args and args[-1] is Ellipsis:
        if not isinstance(value, list):
            raise ConfigError(f"{where}: expected a list, got {_tname(value)}")
        item_type = args[0]
        if item_type is str:
            for v in value:
                if not isinstance(v, str):
                    raise ConfigError(f"{where}: expected a list of strings, found {_tname(v)}")
            return tuple(value)
        if typing.get_origin(item_type) is tuple:
            n = len(typing.get_args(item_type))
            out = []
            for v in value:
                if not (isinstance(v, list) and len(v) == n and all(isinstance(x, str) for x in v)):
                    raise ConfigError(f"{where}: expected a list of [{', '.join(['string'] * n)}] pairs, found {v!r}")
                out.append(tuple(v))
            return tuple(out)
    raise ConfigError(f"{where}: unsupported option type {hint!r}")  # pragma: no cover - rule bug


def _str_list(value: Any, where: str) -> List[str]:
    if isinstance(value, str) or not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{where}: expected a list of strings, got {value!r}")
    return list(value)


def _check_selector(code: str, where: str, pending: Optional[List[Tuple[str, str]]] = None) -> None:
    from .registry import is_valid_selector

    if code == "LL000" or code == "ALL":
        return
    if not is_valid_selector(code):
        raise ConfigError(f"{where}: '{code}' is not a rule code or prefix (expected e.g. LL103, LL1 or ALL)")
    # a code or a prefix that names no rule is an error: `--select LL9` (a typo for LL4?) would
    # otherwise run nothing and exit 0 for ever
    if pending is not None:
        pending.append((code, where))
    else:
        _raise_unknown(code, where)


def _raise_unknown(code: str, where: str) -> None:
    if code == "ALL" or "LL000".startswith(code):  # LL, LL0, LL00 cover LL000 (file errors)
        return
    if len(code) == 5:
        if not _known_code(code):
            raise ConfigError(f"{where}: unknown rule code '{code}' (see leaklint --list-rules)")
        return
    from .registry import all_rules

    if not any(r.code.startswith(code) for r in all_rules()):
        families = sorted({r.code[:3] for r in all_rules()})
        raise ConfigError(
            f"{where}: '{code}' matches no rule (rule families: {', '.join(families)}; see leaklint --list-rules)"
        )


def _tname(value: Any) -> str:
    return {str: "a string", bool: "a boolean", int: "an integer", float: "a number", list: "a list", dict: "a table"}.get(type(value), type(value).__name__)


def _known_code(code: str) -> bool:
    from .registry import all_rules

    return any(r.code == code for r in all_rules())


# ---------------------------------------------------------------------------- --show-settings
def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, Confidence):
        return json.dumps(str(value))
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    if value is None:
        return "(none)"
    return json.dumps(str(value))  # pragma: no cover - no other option type exists


def _file_keys(config: Config) -> Dict[str, Any]:
    """The keys the config file itself set (top-level and `section.option`), to say where each
    resolved value came from."""
    if not config.source:
        return {}
    try:
        with open(config.source, "rb") as fh:
            data = tomllib.load(fh)
    except (OSError, tomllib.TOMLDecodeError):  # pragma: no cover - it was read a moment ago
        return {}
    table = data.get("tool", {}).get("leaklint", {}) if Path(config.source).name == "pyproject.toml" else data.get("tool", {}).get("leaklint", data)
    out: Dict[str, Any] = {}
    for key, value in table.items():
        if key in TOP_LEVEL_KEYS:
            out[key] = value
        elif isinstance(value, Mapping):
            for option in value:
                out[f"{key}.{option.replace('_', '-')}"] = value[option]
    return out


def describe_settings(config: Config, flags: typing.Iterable[str] = ()) -> str:
    """The resolved configuration as TOML, each value followed by where it came from: the
    config file, the command line, or leaklint's default. Also the rules this resolves to."""
    import dataclasses as _dc

    flags = set(flags)
    in_file = _file_keys(config)
    table = f"[tool.leaklint] of {config.source}" if config.source else ""

    def origin(key: str) -> str:
        if key in flags:
            return "command line" + (f" (over {table})" if key in in_file else "")
        if key in in_file:
            return table
        return "default"

    lines = [
        f"# configuration file: {config.source or '(none found: defaults)'}",
        f"# project root (relative paths and globs start here): {config.root or os.getcwd()}",
        "[tool.leaklint]",
    ]
    values = [
        ("select", list(config.select) if config.select is not None else None),
        ("extend-select", list(config.extend_select)),
        ("ignore", list(config.ignore)),
        ("exclude", list(config.exclude)),
        ("extend-exclude", list(config.extend_exclude)),
        ("min-confidence", str(config.min_confidence)),
        ("respect-gitignore", config.respect_gitignore),
        ("cache-dir", config.cache_dir or ".leaklint_cache"),
    ]
    for key, value in values:
        shown = "(the rules on by default)" if key == "select" and value is None else _toml_value(value)
        lines.append(f"{key} = {shown}  # {origin(key)}")
    if config.per_file_ignores:
        lines.append("")
        lines.append(f"[tool.leaklint.per-file-ignores]  # {origin('per-file-ignores')}")
        for pattern, codes in config.per_file_ignores:
            lines.append(f"{json.dumps(pattern)} = {_toml_value(list(codes))}")
    set_options = {section: dict(values) for section, values in config.rule_options}
    for section, fields in sorted(_option_sections().items()):
        lines.append("")
        lines.append(f"[tool.leaklint.{section}]")
        for name, f in sorted(fields.items()):
            key = name.replace("_", "-")
            if name in set_options.get(section, {}):
                value = set_options[section][name]
                where = origin(f"{section}.{key}")
                if where == "default":
                    where = "command line"
            else:
                value = f.default if f.default is not _dc.MISSING else f.default_factory()  # type: ignore[misc]
                where = "default"
            lines.append(f"{key} = {_toml_value(value)}  # {where}")
    enabled = config.enabled_rules()
    from .registry import all_rules

    off = [r.code for r in all_rules() if r not in enabled]
    lines.append("")
    lines.append(f"# rules that run ({len(enabled)}): {', '.join(r.code for r in enabled) or 'none'}")
    lines.append(f"# rules that do not run ({len(off)}): {', '.join(off) or 'none'}")
    return "\n".join(lines) + "\n"
