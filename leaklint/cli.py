"""The `leaklint` command. Exit codes: 0 no findings, 1 findings (LL000 included), 2 the run stopped, 130 Ctrl-C, 143 SIGTERM."""

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


def _non_negative_int(value: str) -> int:
    try:
        n = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {value!r}") from None
    if n < 0:
        raise argparse.ArgumentTypeError(f"must be 0 (no limit) or more, got {n}")
    return n


def _non_negative_float(value: str) -> float:
    try:
        n = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number of seconds, got {value!r}") from None
    if not 0 <= n < float("inf"):
        raise argparse.ArgumentTypeError(f"must be 0 (no limit) or more, got {value}")
    return n


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(
        prog="leaklint",
        description="Find memory- and resource-leak-prone patterns in Python code.",
        epilog="Exit status: 0 no findings, 1 findings (LL000 included), 2 the run stopped (usage, configuration, baseline, output), 130 Ctrl-C, 143 SIGTERM.",
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
    fix = p.add_argument_group("fixes")
    fix.add_argument("--fix", action="store_true", help="apply safe fixes (to a fixed point) and report what remains")
    fix.add_argument("--unsafe-fixes", action="store_true", default=None, help="also apply (or show) fixes that may change behaviour")
    fix.add_argument("--no-unsafe-fixes", action="store_false", dest="unsafe_fixes", help="never apply unsafe fixes (overrides unsafe-fixes in the config)")
    fix.add_argument("--diff", action="store_true", help="print the fixes as a unified diff, change nothing; exit 1 when there is something to fix")
    fix.add_argument("--show-fixes", action="store_true", help="list the fixes applied (with --fix) or available (without)")
    files = p.add_argument_group("files")
    files.add_argument("--config", metavar="FILE", help="a pyproject.toml or TOML file to read [tool.leaklint] from")
    files.add_argument("--extend-exclude", type=lambda v: [x for x in v.split(",") if x], action="append", default=[], metavar="GLOBS", help="more paths to skip while walking directories")
    files.add_argument("--force-exclude", action="store_true", help="apply excludes to paths named on the command line too (for pre-commit)")
    files.add_argument("--stdin-filename", metavar="PATH", help="the path to report for source read from stdin")
    run = p.add_argument_group("running")
    run.add_argument("-j", "--jobs", type=int, metavar="N", help="worker processes (default: all cores)")
    run.add_argument("--no-cache", action="store_true", help="do not read or write the result cache")
    run.add_argument("--cache-dir", metavar="DIR", help="result cache directory (default: .leaklint_cache)")
    # budgets and failure reporting (one block)
    run.add_argument("--max-file-size", type=_non_negative_int, metavar="BYTES", help="larger files are LL000, not analyzed (0: no limit; default: max-file-size in the config, 4 MiB)")
    run.add_argument("--file-timeout", type=_non_negative_float, metavar="SECONDS", help="a file taking longer is LL000, its worker replaced (0: no limit; default: file-timeout in the config, 120)")
    run.add_argument("--verbose", action="store_true", help="show the traceback of an internal error under its LL000 finding")
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
    from .runner import Terminated

    previous = _on_sigterm()
    _tolerant_streams()
    try:
        return _main(argv)
    except SystemExit as exc:  # argparse: --help, --version, usage errors
        return exc.code if isinstance(exc.code, int) else EXIT_ERROR
    except KeyboardInterrupt:
        print("leaklint: interrupted", file=sys.stderr)
        return 130
    except Terminated:
        print("leaklint: terminated", file=sys.stderr)
        return 143
    except _Fatal as exc:
        print(f"leaklint: error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except BrokenPipeError:
        # output piped into `head` and closed early: not an error worth a traceback
        try:
            sys.stdout = open(os.devnull, "w")
        except OSError:
            pass
        return EXIT_ERROR
    except Exception as exc:  # the last line of the failure contract: one line, exit 2
        print(f"leaklint: error: internal error: {type(exc).__name__}: {exc}", file=sys.stderr)
        if "--verbose" in (argv if argv is not None else sys.argv):
            import traceback

            traceback.print_exc()
        return EXIT_ERROR
    finally:
        _restore_sigterm(previous)


class _Fatal(Exception):
    """Stops the run: exit 2 with this one line."""


def _on_sigterm():  # type: ignore[no-untyped-def]
    """SIGTERM ends the run like Ctrl-C (workers ended, nothing half-written), exit 143."""
    import signal
    import threading

    from .runner import Terminated

    if threading.current_thread() is not threading.main_thread():
        return None

    def handler(signum, frame):  # type: ignore[no-untyped-def]
        raise Terminated()

    try:
        return signal.signal(signal.SIGTERM, handler)
    except (ValueError, OSError):  # pragma: no cover
        return None


def _restore_sigterm(previous) -> None:  # type: ignore[no-untyped-def]
    import signal

    if previous is not None:
        try:
            signal.signal(signal.SIGTERM, previous)
        except (ValueError, OSError):  # pragma: no cover
            pass


def _tolerant_streams() -> None:
    """File names that are not UTF-8 reach the output as lone surrogates: write them back as
    their bytes on a UTF-8 stream, escaped on any other (a strict `PYTHONIOENCODING=ascii`)."""
    for stream in (sys.stdout, sys.stderr):
        try:
            encoding = (stream.encoding or "").lower().replace("-", "").replace("_", "")
            stream.reconfigure(errors="surrogateescape" if encoding == "utf8" else "backslashreplace")  # type: ignore[union-attr]
        except (AttributeError, ValueError, io.UnsupportedOperation):
            pass


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

    for target in (args.output, args.write_baseline):
        if target:
            problem = _unwritable(target)
            if problem:
                print(f"leaklint: error: cannot write {target}: {problem}", file=sys.stderr)
                return EXIT_ERROR
    from . import runner

    runner.VERBOSE = bool(args.verbose)
    started = time.perf_counter()
    baseline = None
    if args.baseline:
        from .baseline import Baseline, BaselineError

        try:
            baseline = Baseline.load(args.baseline)
        except BaselineError as exc:
            print(f"leaklint: error: {exc}", file=sys.stderr)
            return EXIT_ERROR

    if (args.fix or args.diff) and (args.write_baseline or args.baseline):
        print("leaklint: error: --fix and --diff cannot be combined with --baseline / --write-baseline", file=sys.stderr)
        return EXIT_ERROR
    if (args.fix or args.diff) and "-" in paths:
        if len(paths) > 1:
            print("leaklint: error: --fix / --diff with stdin ('-') take no other paths", file=sys.stderr)
            return EXIT_ERROR
        return _fix_stdin(config, args)

    try:
        findings, internal_errors, checked = _collect(paths, config, args)
    except ConfigError as exc:  # a deferred code check
        print(f"leaklint: error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    if findings is None:
        return EXIT_ERROR

    if args.write_baseline:
        from .baseline import write_baseline

        from .fsutil import WriteError

        try:
            n = write_baseline(args.write_baseline, findings)
        except WriteError as exc:
            raise _Fatal(str(exc)) from None
        if not args.quiet:
            print(f"leaklint: wrote {n} finding(s) to {args.write_baseline}", file=sys.stderr)
        return EXIT_ERROR if internal_errors else EXIT_CLEAN

    fixes = None
    if args.fix or args.diff:
        options = _fix_options(config, args)
        fixes = _fix_files(findings, targets_by_display(checked, paths, config, args), config, options, args)
        findings = fixes.findings
        internal_errors.extend(fixes.errors)
        if args.diff:
            sys.stdout.write("".join(fixes.diffs))
            for message in internal_errors:
                print(f"leaklint: {message}", file=sys.stderr)
            if not args.quiet:
                n = len(fixes.applied)
                print(f"leaklint: {n} fix{'es' if n != 1 else ''} would be applied in {len(fixes.diffs)} file{'s' if len(fixes.diffs) != 1 else ''}; nothing written.", file=sys.stderr)
            if internal_errors and not fixes.diffs:
                return EXIT_ERROR
            return EXIT_FINDINGS if fixes.diffs else EXIT_CLEAN

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
        print(f"leaklint: {message.splitlines()[0]}", file=sys.stderr)
    if args.show_fixes:
        _show_fixes(findings, fixes, config, args)
    if not args.quiet:
        elapsed = time.perf_counter() - started
        files = {f.path for f in findings}
        parts = [f"{len(findings)} finding{'s' if len(findings) != 1 else ''}" if findings else "no findings"]
        if findings:
            parts[0] += f" in {len(files)} file{'s' if len(files) != 1 else ''}"
        parts.append(f"{len(checked)} file{'s' if len(checked) != 1 else ''} checked in {elapsed:.2f}s")
        if baseline is not None:
            parts.append(f"{known} known from the baseline")
        parts.extend(_fix_summary(findings, fixes, config, args))
        print(f"leaklint: {'; '.join(parts)}.", file=sys.stderr)
        if args.format == "text" and not args.output:
            for hint in _summary_hints(findings, config):
                print(f"leaklint: {hint}", file=sys.stderr)
    # an internal error in one file is an LL000 finding for it (the failure contract): the run
    # went on and reported everything else, but leaklint failed, so the exit status says so
    # (2), and --exit-zero does not hide it
    if internal_errors:
        return EXIT_ERROR
    if findings and not args.exit_zero:
        return EXIT_FINDINGS
    return EXIT_CLEAN


def _fix_options(config, args):  # type: ignore[no-untyped-def]
    from .fix import FixOptions

    unsafe = config.unsafe_fixes if args.unsafe_fixes is None else args.unsafe_fixes
    return FixOptions(unsafe=bool(unsafe), fixable=config.fixable, unfixable=config.unfixable)


def targets_by_display(checked, paths, config, args):  # type: ignore[no-untyped-def]
    """display path -> path on disk, for the files just checked."""
    from .files import display_path, iter_python_files

    targets = [t for t in iter_python_files([p for p in paths if p != "-"], config)]
    if args.force_exclude:
        targets = [t for t in targets if not config.is_excluded(t)]
    return {display_path(t): t for t in targets}


class _FixRun:
    def __init__(self) -> None:
        self.findings: list = []
        self.errors: List[str] = []
        self.diffs: List[str] = []
        self.applied: list = []  # (display, Applied)
        self.files_written = 0


def _fix_files(findings, targets, config, options, args):  # type: ignore[no-untyped-def]
    """Fix every file that has a wanted fix; the findings after fixing, and what happened."""
    from .engine import InternalError, lint_source
    from .fix import fix_file, unified_diff, wanted

    run = _FixRun()
    by_file: dict = {}
    for f in findings:
        by_file.setdefault(f.path, []).append(f)
    for display, file_findings in by_file.items():
        path = targets.get(display)
        if path is None or not any(wanted(f, options) for f in file_findings):
            run.findings.extend(file_findings)
            continue
        try:
            done = fix_file(path, display, lambda text, shown: lint_source(text, shown, config), options, write=not args.diff)
        except InternalError as exc:
            run.errors.append(str(exc))
            run.findings.extend(file_findings)
            continue
        if done.error:
            run.errors.append(done.error)
        result = done.result
        if result is None:
            run.findings.extend(file_findings)
            continue
        for dropped in result.dropped:
            f = dropped.finding
            run.errors.append(f"{display}:{f.line}:{f.column}: fix for {f.code} dropped: the fixed source {dropped.reason}")
        if not result.converged:
            run.errors.append(
                f"{display}: fixes did not reach a fixed point after {result.passes} passes; "
                f"the last pass's source {'was written' if done.written else 'is kept'}, and fixable findings remain"
            )
        written = done.written or (args.diff and result.changed)
        if written:
            run.applied.extend((display, a) for a in result.applied)
            run.files_written += 1
            run.findings.extend(f for f in result.remaining if f.code != "LL000" or not config.ignores_file_errors(f.path))
            if args.diff:
                run.diffs.append(unified_diff(display, result.original, result.source))
        else:
            run.findings.extend(file_findings)
    return run


def _fix_stdin(config, args) -> int:  # type: ignore[no-untyped-def]
    """--fix / --diff on stdin: the fixed source (or the diff) goes to stdout, findings that
    remain to stderr."""
    from . import output
    from .engine import InternalError, decode_source, lint_source, SourceError
    from .fix import fix_source, unified_diff

    data = sys.stdin.buffer.read()
    shown = args.stdin_filename or "-"
    try:
        text = decode_source(data)
    except SourceError as exc:
        sys.stdout.buffer.write(data) if args.fix else None
        print(f"leaklint: {shown}: not fixed: {exc.reason}", file=sys.stderr)
        return EXIT_FINDINGS
    try:
        result = fix_source(text, lambda t: lint_source(t, shown, config), _fix_options(config, args), shown)
    except InternalError as exc:
        if args.fix:
            sys.stdout.write(text)
        print(f"leaklint: {exc}", file=sys.stderr)
        return EXIT_ERROR
    for dropped in result.dropped:
        f = dropped.finding
        print(f"leaklint: {shown}:{f.line}:{f.column}: fix for {f.code} dropped: the fixed source {dropped.reason}", file=sys.stderr)
    if args.diff:
        sys.stdout.write(unified_diff(shown, result.original, result.source))
        return EXIT_FINDINGS if result.changed else EXIT_CLEAN
    sys.stdout.write(result.source)
    sys.stdout.flush()
    if result.remaining and not args.quiet:
        output.write_text(result.remaining, sys.stderr, show_confidence=args.show_confidence)
    if not args.quiet:
        n = len(result.applied)
        print(f"leaklint: fixed {n} finding{'s' if n != 1 else ''}, {len(result.remaining)} remaining.", file=sys.stderr)
    return EXIT_FINDINGS if result.remaining and not args.exit_zero else EXIT_CLEAN


def _fix_summary(findings, fixes, config, args) -> List[str]:  # type: ignore[no-untyped-def]
    from .fix import wanted, withheld_unsafe

    options = _fix_options(config, args)
    parts = []
    if fixes is not None and args.fix:
        n = len(fixes.applied)
        parts.append(f"fixed {n} finding{'s' if n != 1 else ''} in {fixes.files_written} file{'s' if fixes.files_written != 1 else ''} ({len(findings)} remaining)")
    else:
        n = sum(1 for f in findings if wanted(f, options))
        if n:
            parts.append(f"{n} fixable with --fix")
    more = sum(1 for f in findings if withheld_unsafe(f, options))
    if more:
        parts.append(f"{more} more with --unsafe-fixes")
    return parts


def _show_fixes(findings, fixes, config, args) -> None:  # type: ignore[no-untyped-def]
    from .fix import wanted, withheld_unsafe

    stream = sys.stdout if args.format == "text" and not args.output else sys.stderr
    options = _fix_options(config, args)
    if fixes is not None and args.fix:
        if not fixes.applied:
            stream.write("No fixes applied.\n")
            return
        stream.write(f"Fixed {len(fixes.applied)} finding{'s' if len(fixes.applied) != 1 else ''}:\n")
        counts: dict = {}
        for display, applied in fixes.applied:
            key = (display, applied.finding.code, applied.finding.name)
            counts[key] = counts.get(key, 0) + 1
        for (display, code, name), n in counts.items():
            stream.write(f"- {display}: {n} \u00d7 {code} ({name})\n")
        return
    available = [f for f in findings if wanted(f, options) or withheld_unsafe(f, options)]
    if not available:
        stream.write("No fixes available.\n")
        return
    stream.write("Fixes available:\n")
    for f in available:
        assert f.fix is not None
        stream.write(f"- {f.path}:{f.line}:{f.column}: {f.code} [{f.fix.applicability}] {f.fix.message}\n")


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
    if args.max_file_size is not None:
        changes["max_file_size"] = args.max_file_size
    if args.file_timeout is not None:
        changes["file_timeout"] = args.file_timeout
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
            from .engine import SourceError, add_fingerprints, error_finding
            from .runner import check_source

            shown = display_path(display) if args.stdin_filename else "-"
            try:
                data = _read_stdin(config.max_file_size)
            except SourceError as err:
                findings.extend(add_fingerprints([error_finding(shown, err)], ""))
            else:
                _STDIN_TEXT[shown] = data
                # the supervision files get: a time budget, a worker that may die (runner)
                stdin_result = check_source(data, shown, config)
                if stdin_result.error:
                    errors.append(f"{shown}: {stdin_result.error}")
                findings.extend(stdin_result.findings)
            checked.append(shown)
    targets = list(iter_python_files(file_paths, config))
    if args.force_exclude:
        targets = [t for t in targets if not config.is_excluded(t)]
    jobs = args.jobs or default_jobs()  # never more than the cores: see runner.effective_jobs
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
    warned = []

    def warn(message: str) -> None:
        if not warned:
            warned.append(message)
            print(f"leaklint: warning: {message}", file=sys.stderr)

    progress = _progress(len(targets), args)
    try:
        for result in check_files(targets, config, jobs, cache_dir, before_linting=verify, warn=warn):
            checked.append(result.path)
            findings.extend(result.findings)
            if result.error:
                errors.append(f"{result.path}: {result.error}")
            progress.advance()
    finally:
        progress.finish()
    # LL000 is produced before any rule runs; `ignore` / per-file-ignores naming it apply here
    findings = [f for f in findings if f.code != "LL000" or not config.ignores_file_errors(f.path)]
    # sorted by path and position whatever order the walk found the files in
    findings.sort(key=lambda f: f.sort_key())
    return findings, errors, checked


def _read_stdin(max_size: int) -> bytes:
    from .engine import SourceError

    stream = sys.stdin
    if stream is None or getattr(stream, "buffer", None) is None:
        raise SourceError("cannot read stdin: it is closed")
    try:
        data = stream.buffer.read(max_size + 1) if max_size else stream.buffer.read()
    except (OSError, ValueError) as exc:
        raise SourceError(f"cannot read stdin: {getattr(exc, 'strerror', None) or exc}") from None
    if max_size and len(data) > max_size:
        raise SourceError(f"file too large to analyze: more than {max_size} bytes (max-file-size)")
    return data


def _unwritable(target: str) -> Optional[str]:
    """Why `target` cannot be written, checked before the run (the write itself checks again)."""
    real = os.path.realpath(target)
    if os.path.isdir(real):
        return "is a directory"
    directory = os.path.dirname(real) or "."
    if not os.path.isdir(directory):
        return f"directory {directory} does not exist"
    return None


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
            from .fsutil import WriteError, write_output

            try:
                # atomic for a regular file (mode kept); written through to a device, a FIFO
                # or a symlink's target
                write_output(self.path, self.buffer.getvalue())
            except WriteError as err:
                raise _Fatal(str(err)) from None


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
