"""The `leaklint` command. Exit codes: 0 no findings, 1 findings, 2 usage / config / internal error."""

from __future__ import annotations

import argparse
import io
import os
import sys
import time
from pathlib import Path
from typing import List, NoReturn, Optional, Sequence, TextIO

from . import __version__

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(EXIT_ERROR, f"leaklint: error: {message}\n")


def _codes(value: str) -> List[str]:
    return [c.strip().upper() if c.strip().upper() != "ALL" else "ALL" for c in value.split(",") if c.strip()]


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(
        prog="leaklint",
        description="Find memory- and resource-leak-prone patterns in Python code.",
        epilog="Exit status: 0 no findings, 1 findings, 2 usage, configuration or internal error.",
    )
    p.add_argument("paths", nargs="*", metavar="PATH", help="files or directories to check (default: .); - reads stdin")
    out = p.add_argument_group("output")
    out.add_argument("--format", choices=("text", "json", "sarif", "github"), default="text", help="output format (default: text)")
    out.add_argument("-o", "--output", metavar="FILE", help="write findings to FILE instead of stdout")
    out.add_argument("--statistics", action="store_true", help="count findings per rule (and stale baseline entries)")
    out.add_argument("-q", "--quiet", action="store_true", help="no summary on stderr")
    out.add_argument("--show-confidence", action="store_true", help="append each finding's confidence in text output")
    out.add_argument("--exit-zero", action="store_true", help="exit 0 even when there are findings")
    sel = p.add_argument_group("rule selection")
    sel.add_argument("--select", type=_codes, metavar="CODES", help="comma-separated codes or prefixes to enable (replaces the defaults)")
    sel.add_argument("--extend-select", type=_codes, metavar="CODES", action="append", default=[], help="codes or prefixes to enable on top of the selection")
    sel.add_argument("--ignore", type=_codes, metavar="CODES", action="append", default=[], help="codes or prefixes to disable")
    sel.add_argument("--min-confidence", choices=("low", "medium", "high"), help="drop findings below this confidence")
    files = p.add_argument_group("files")
    files.add_argument("--config", metavar="FILE", help="a pyproject.toml or TOML file to read [tool.leaklint] from")
    files.add_argument("--extend-exclude", type=lambda v: [x for x in v.split(",") if x], action="append", default=[], metavar="GLOBS", help="more paths to skip while walking directories")
    files.add_argument("--force-exclude", action="store_true", help="apply excludes to paths named on the command line too (for pre-commit)")
    files.add_argument("--stdin-filename", metavar="PATH", help="the path to report for source read from stdin")
    run = p.add_argument_group("running")
    run.add_argument("-j", "--jobs", type=int, metavar="N", help="worker processes (default: all cores)")
    run.add_argument("--no-cache", action="store_true", help="do not read or write the result cache")
    run.add_argument("--cache-dir", metavar="DIR", help="result cache directory (default: .leaklint_cache)")
    base = p.add_argument_group("baseline")
    base.add_argument("--baseline", metavar="FILE", help="report only findings not recorded in FILE")
    base.add_argument("--write-baseline", metavar="FILE", help="record the current findings in FILE and exit 0")
    info = p.add_argument_group("information")
    info.add_argument("--list-rules", action="store_true", help="list every rule (with --format json: as data)")
    info.add_argument("--explain", metavar="CODE", help="print the documentation of one rule")
    info.add_argument("--version", action="version", version=f"leaklint {__version__}")
    _add_presentation_options(p)
    return p


# ---------------------------------------------------------------- presentation and settings
_STDIN_TEXT: dict = {}  # display path -> bytes read from stdin (to show its lines)


def _stdin_lines(data: bytes) -> List[str]:
    try:
        from .engine import decode_source

        return decode_source(data).splitlines()
    except Exception:  # an undecodable input is already an LL000 finding
        return []


def _progress(total: int, args):  # type: ignore[no-untyped-def]
    """A progress bar on stderr for text output on a terminal (never in machine formats, never
    with -q), drawn once the run has lasted a second and a half."""
    from .output import Progress, _isatty

    return Progress(total, sys.stderr, enabled=args.format == "text" and not args.quiet and _isatty(sys.stderr))


def _summary_hints(findings, config) -> List[str]:  # type: ignore[no-untyped-def]
    """Sentences after the summary: how many findings have fixes, how many rules are off."""
    from .output import fix_counts, rule_catalogue
    from .registry import select_rules

    hints = []
    safe, unsafe = fix_counts(findings)
    if safe or unsafe:
        text = f"{safe} fixable with --fix" if safe else "no safe fix"
        if unsafe:
            text += f" ({unsafe} more with --fix --unsafe-fixes)"
        hints.append(text + ".")
    catalogue = rule_catalogue()  # not the rules themselves: a cached run never imports them
    enabled = {r.code for r in select_rules(config.select, config.ignore, config.extend_select, rules=catalogue)}
    opt_in = [r for r in catalogue if r.code not in enabled and not r.default_enabled]
    if opt_in:
        hints.append(
            f"{len(opt_in)} opt-in rule{'s are' if len(opt_in) != 1 else ' is'} off: preview them with "
            f"--extend-select ALL, list them with --list-rules."
        )
    return hints
# (`leaklint server`, --show-settings, colour, source snippets, progress, skipped-path notes)
def _add_presentation_options(p: argparse.ArgumentParser) -> None:
    p.epilog = (p.epilog or "") + " `leaklint server` runs the language server (LSP) over stdio for editors."
    show = p.add_argument_group("presentation")
    show.add_argument("--color", choices=("auto", "always", "never"), default="auto", help="colour in text output (auto: on a terminal, unless NO_COLOR is set; FORCE_COLOR forces it)")
    show.add_argument("--show-source", action=argparse.BooleanOptionalAction, default=None, help="print the source line with a caret, the fix and the rule page under each finding (default: on a terminal)")
    show.add_argument("--show-settings", action="store_true", help="print the resolved configuration, where each value came from, and exit")


def _server_requested(argv: Optional[Sequence[str]]) -> bool:
    """`leaklint server [--stdio]`: the language server. (A directory named `server` is
    checked with `leaklint ./server`.)"""
    args = list(sys.argv[1:] if argv is None else argv)
    return bool(args) and args[0] == "server"


def _run_server(argv: Optional[Sequence[str]]) -> int:
    args = list(sys.argv[1:] if argv is None else argv)[1:]
    if any(a not in ("--stdio",) for a in args):
        if args and args[0] in ("-h", "--help"):
            print("usage: leaklint server [--stdio]\n\nRun the leaklint language server over stdin/stdout (LSP).")
            return EXIT_CLEAN
        print(f"leaklint: error: leaklint server takes only --stdio, got {' '.join(args)}", file=sys.stderr)
        return EXIT_ERROR
    try:
        from .server import serve
    except ImportError as exc:  # pygls missing on an old install
        print(f"leaklint: error: the language server needs pygls ({exc})", file=sys.stderr)
        return EXIT_ERROR
    serve()
    return EXIT_CLEAN


def _skip_non_python(paths: Sequence[str], quiet: bool) -> List[str]:
    """Drop files named on the command line that are not Python (README.md, setup.cfg), with a
    note, as ruff does; directories, missing paths, notebooks and extensionless scripts with a
    python shebang stay."""
    from .files import is_python_path

    kept = []
    for path in paths:
        if path == "-" or is_python_path(path):
            kept.append(path)
        elif not quiet:
            print(f"leaklint: {path}: not a Python file or notebook (.py, .pyi, .pyw, .ipynb, or a python script), skipped", file=sys.stderr)
    return kept


def _show_settings(config, args) -> int:  # type: ignore[no-untyped-def]
    from .config import describe_settings

    flags = set()
    for name in ("select", "min_confidence"):
        if getattr(args, name) not in (None, [], False):
            flags.add(name.replace("_", "-"))
    for name in ("extend_select", "ignore", "extend_exclude"):
        if getattr(args, name):
            flags.add(name.replace("_", "-"))
    sys.stdout.write(describe_settings(config, flags))
    return EXIT_CLEAN


def main(argv: Optional[Sequence[str]] = None) -> int:
    try:
        return _main(argv)
    except SystemExit as exc:  # argparse: --help, --version, usage errors
        return exc.code if isinstance(exc.code, int) else EXIT_ERROR
    except KeyboardInterrupt:
        print("leaklint: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # output piped into `head` and closed early: not an error worth a traceback
        try:
            sys.stdout = open(os.devnull, "w")
        except OSError:
            pass
        return EXIT_ERROR


def _main(argv: Optional[Sequence[str]]) -> int:
    if _server_requested(argv):
        return _run_server(argv)
    args = build_parser().parse_args(argv)
    from .config import ConfigError, load_config

    if args.jobs is not None and args.jobs < 1:
        print("leaklint: error: --jobs must be at least 1", file=sys.stderr)
        return EXIT_ERROR
    paths = args.paths or ["."]
    start = Path(args.stdin_filename or (paths[0] if paths[0] != "-" else "."))
    if not start.exists():
        start = Path.cwd()
    try:
        # exact rule codes are checked against the rules only when something is linted: a
        # run answered entirely from the cache never loads the rules (or libcst)
        config = load_config(Path(args.config) if args.config else None, start=start, defer_codes=True)
        config = _apply_flags(config, args)
        if args.explain or args.list_rules or args.show_settings or args.baseline or args.write_baseline or "-" in paths:
            config = config.check_codes()
    except ConfigError as exc:
        print(f"leaklint: error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    if args.show_settings:
        return _show_settings(config, args)
    paths = _skip_non_python(paths, args.quiet)
    if not paths:
        print("leaklint: nothing to check", file=sys.stderr)
        return EXIT_CLEAN

    if args.explain:
        return _explain(args.explain)
    if args.list_rules:
        from .output import write_rule_list
        from .registry import all_rules

        enabled = [r.code for r in config.enabled_rules()]
        with _open_output(args.output) as out:
            write_rule_list(all_rules(), out, "json" if args.format == "json" else "text", enabled)
        return EXIT_CLEAN

    started = time.perf_counter()
    baseline = None
    if args.baseline:
        from .baseline import Baseline, BaselineError

        try:
            baseline = Baseline.load(args.baseline)
        except BaselineError as exc:
            print(f"leaklint: error: {exc}", file=sys.stderr)
            return EXIT_ERROR

    try:
        findings, internal_errors, checked = _collect(paths, config, args)
    except ConfigError as exc:  # a deferred code check
        print(f"leaklint: error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    if findings is None:
        return EXIT_ERROR

    if args.write_baseline:
        from .baseline import write_baseline

        n = write_baseline(args.write_baseline, findings)
        if not args.quiet:
            print(f"leaklint: wrote {n} finding(s) to {args.write_baseline}", file=sys.stderr)
        return EXIT_ERROR if internal_errors else EXIT_CLEAN

    stale: List[dict] = []
    known = 0
    if baseline is not None:
        new, matched = baseline.filter(findings)
        known = len(findings) - len(new)
        stale = baseline.stale(matched, set(checked))
        findings = new
        warning = baseline.mismatch_warning(args.baseline, matched, checked)
        if warning:
            print(f"leaklint: warning: {warning}", file=sys.stderr)

    _write(findings, config, args, internal_errors)
    if args.statistics:
        _statistics(findings, stale, args)
    for message in internal_errors:
        print(f"leaklint: {message}", file=sys.stderr)
    if not args.quiet:
        elapsed = time.perf_counter() - started
        files = {f.path for f in findings}
        parts = [f"{len(findings)} finding{'s' if len(findings) != 1 else ''}" if findings else "no findings"]
        if findings:
            parts[0] += f" in {len(files)} file{'s' if len(files) != 1 else ''}"
        parts.append(f"{len(checked)} file{'s' if len(checked) != 1 else ''} checked in {elapsed:.2f}s")
        if baseline is not None:
            parts.append(f"{known} known from the baseline")
        print(f"leaklint: {'; '.join(parts)}.", file=sys.stderr)
        if args.format == "text" and not args.output:
            for hint in _summary_hints(findings, config):
                print(f"leaklint: {hint}", file=sys.stderr)
    if internal_errors:
        return EXIT_ERROR
    if findings and not args.exit_zero:
        return EXIT_FINDINGS
    return EXIT_CLEAN


def _apply_flags(config, args):  # type: ignore[no-untyped-def]
    from .config import Confidence, ConfigError, config_from_table

    changes = {}
    # validate flag codes with the same checks as config values
    flag_table = {}
    if args.select is not None:
        flag_table["select"] = args.select
    if args.extend_select:
        flag_table["extend-select"] = [c for group in args.extend_select for c in group]
    if args.ignore:
        flag_table["ignore"] = [c for group in args.ignore for c in group]
    if args.extend_exclude:
        flag_table["extend-exclude"] = [c for group in args.extend_exclude for c in group]
    try:
        checked = config_from_table(flag_table, source="command line", prefix="", defer_codes=True)
    except ConfigError:
        config.check_codes()  # the config file's own errors come first
        raise
    if checked.unchecked_codes:
        changes["unchecked_codes"] = config.unchecked_codes + checked.unchecked_codes
    if args.select is not None:
        changes["select"] = checked.select
    if args.extend_select:
        changes["extend_select"] = config.extend_select + checked.extend_select
    if args.ignore:
        changes["ignore"] = config.ignore + checked.ignore
    if args.extend_exclude:
        changes["extend_exclude"] = config.extend_exclude + checked.extend_exclude
    if args.min_confidence:
        changes["min_confidence"] = Confidence.parse(args.min_confidence)
    return config.replace(**changes) if changes else config


def _explain(code: str) -> int:
    from .docs import render_rule
    from .registry import rule_by_code

    if code.strip().upper() == "LL000" or code.strip().lower() == "file-not-analyzed":
        from .docs import render_ll000

        text = render_ll000()
        sys.stdout.write("\n".join(line for line in text.splitlines() if not line.startswith("<!--")).lstrip("\n") + "\n")
        return EXIT_CLEAN
    rule = rule_by_code(code)
    if rule is None:
        print(f"leaklint: error: unknown rule '{code}' (see leaklint --list-rules)", file=sys.stderr)
        return EXIT_ERROR
    text = render_rule(rule)
    text = "\n".join(line for line in text.splitlines() if not line.startswith("<!--")).lstrip("\n")
    sys.stdout.write(text + "\n")
    return EXIT_CLEAN


def _collect(paths: Sequence[str], config, args):  # type: ignore[no-untyped-def]
    """(findings, internal error messages, display paths checked); findings None on a fatal error."""
    from .files import display_path, iter_python_files
    from .runner import check_files, default_jobs

    findings = []
    errors: List[str] = []
    checked: List[str] = []
    file_paths = [p for p in paths if p != "-"]
    if "-" in paths:
        display = args.stdin_filename or "-"
        if args.force_exclude and args.stdin_filename and config.is_excluded(args.stdin_filename):
            pass
        else:
            from .engine import InternalError, lint_source

            data = sys.stdin.buffer.read()
            shown = display_path(display) if args.stdin_filename else "-"
            _STDIN_TEXT[shown] = data
            try:
                findings.extend(lint_source(data, shown, config))
            except InternalError as exc:
                errors.append(str(exc))
            checked.append(shown)
    targets = list(iter_python_files(file_paths, config))
    if args.force_exclude:
        targets = [t for t in targets if not config.is_excluded(t)]
    jobs = args.jobs or default_jobs()
    cache_dir = None
    if not args.no_cache and not args.write_baseline:
        # --cache-dir is relative to the current directory, like every path on the command
        # line; cache-dir in [tool.leaklint] to the project root, like every path in the config
        cache_dir = args.cache_dir or (
            os.path.join(config.root, config.cache_dir) if config.cache_dir and config.root else config.cache_dir
        ) or os.path.join(config.root or ".", ".leaklint_cache")
    if not targets:
        config.check_codes()
    verify = config.check_codes if config.unchecked_codes else None
    progress = _progress(len(targets), args)
    try:
        for result in check_files(targets, config, jobs, cache_dir, before_linting=verify):
            checked.append(result.path)
            findings.extend(result.findings)
            if result.error:
                errors.append(result.error)
            progress.advance()
    finally:
        progress.finish()
    # LL000 is produced before any rule runs; `ignore` / per-file-ignores naming it apply here
    findings = [f for f in findings if f.code != "LL000" or not config.ignores_file_errors(f.path)]
    return findings, errors, checked


class _Output:
    def __init__(self, path: Optional[str]) -> None:
        self.path = path
        self.buffer: Optional[TextIO] = None

    def __enter__(self) -> TextIO:
        if self.path is None:
            return sys.stdout
        self.buffer = io.StringIO()
        return self.buffer

    def __exit__(self, *exc: object) -> None:
        if self.path is not None and self.buffer is not None and exc[0] is None:
            target = Path(self.path)
            tmp = target.with_name(f".{target.name}.tmp{os.getpid()}")
            tmp.write_text(self.buffer.getvalue(), encoding="utf-8")
            os.replace(tmp, target)


def _open_output(path: Optional[str]) -> _Output:
    return _Output(path)


def _write(findings, config, args, errors=()) -> None:  # type: ignore[no-untyped-def]
    from . import output

    with _open_output(args.output) as out:
        if args.format == "json":
            output.write_json(findings, out)
        elif args.format == "sarif":
            output.write_sarif(findings, out, config.enabled_rules(), root=os.getcwd(), errors=errors)
        elif args.format == "github":
            output.write_github(findings, out)
        elif not args.statistics:
            to_terminal = args.output is None and output._isatty(sys.stdout)
            show_source = to_terminal if args.show_source is None else args.show_source
            color = output.use_color(args.color, out if args.output is None else io.StringIO())
            output.write_text(
                findings, out, show_confidence=args.show_confidence, show_source=show_source, color=color,
                sources={path: _stdin_lines(data) for path, data in _STDIN_TEXT.items()},
            )


def _statistics(findings, stale, args) -> None:  # type: ignore[no-untyped-def]
    from . import output

    # in text format the statistics replace the listing (as in ruff); elsewhere they go to
    # stderr so the machine-readable output stays valid
    stream = sys.stdout if args.format == "text" and not args.output else sys.stderr
    output.write_statistics(findings, stream)
    if args.baseline:
        stream.write(f"{len(stale):>6}\tstale baseline entr{'y' if len(stale) == 1 else 'ies'} (fixed since the baseline was written)\n")
        for entry in stale:
            stream.write(f"\t{entry.get('path')}: {entry.get('code')} in {entry.get('scope') or '<module>'}: {entry.get('message')}\n")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
