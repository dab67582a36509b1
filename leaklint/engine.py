"""`lint_source`: the only place that parses and traverses.

1. decode the way Python does (PEP 263 cookie, BOM); NUL bytes and undecodable text are LL000;
2. pick the enabled rules whose text triggers occur in the file; none left: no parse at all;
3. check the file with CPython's own front end (`compile`, about a twentieth of libcst's
   cost): it rejects what Python rejects with Python's own message, and
   it bounds nesting, which libcst's native parser does not (deeply nested input crashes it
   with a stack overflow);
4. parse once with libcst (without its redundant per-node validation), on a worker thread with a large stack (long flat `and` / `or` chains
   that CPython accepts still recurse deeply in libcst);
5. one batched traversal with the engine's context visitors around every enabled rule, resolving
   only the metadata the rules declare (`leaklint.traverse.Walker`: libcst's handler order
   without libcst rebuilding every node it passes);
6. positions only when something was reported (`leaklint.traverse.positions`: PositionProvider's
   ranges at a fraction of its cost); then suppressions, confidence filter, sorting.
"""

from __future__ import annotations

import ast
import dataclasses
import hashlib
import io
import os
import re
import sys
import threading
import time
import tokenize
import warnings
from contextlib import ExitStack
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Dict, List, Optional, Sequence, Set, Tuple, Type, Union

import libcst as cst
from libcst.metadata import MetadataWrapper

from . import suppress
from .fsutil import SourceError, read_bytes  # noqa: F401  (re-exported: engine.SourceError / engine.read_bytes)
from .collector import paused
from .config import Config
from .analysis.facts import collect_facts
from .analysis.scopes import Context, context_visitors
from .fixes import compute_fixes, fixable_codes
from .rule import Rule
from .traverse import Walker
from .traverse import positions as node_positions
from .types import Confidence, Finding

LL000 = "LL000"
LL000_NAME = "file-not-analyzed"

_STACK_SIZE = 512 * 1024 * 1024
_RECURSION_LIMIT = 20000
_executor: Optional[ThreadPoolExecutor] = None
_executor_pid: Optional[int] = None
_executor_lock = threading.Lock()


class FileTimeout(BaseException):
    """The analysis of one file went past its time budget (`lint_source(timeout=...)`). A
    BaseException: raised inside the analysis thread, it must pass every `except Exception` of
    the engine and the rules, which would otherwise turn it into an internal error."""


class InternalError(Exception):
    """A rule (or the engine) raised: a bug in leaklint, never in the user's code."""

    def __init__(self, path: str, where: str, exc: BaseException) -> None:
        super().__init__(f"{path}: internal error in {where}: {type(exc).__name__}: {exc}")
        self.path = path
        self.where = where
        self.exc = exc


def error_finding(path: str, error: SourceError) -> Finding:
    return Finding(
        path=path,
        line=error.line,
        column=error.column,
        end_line=error.line,
        end_column=error.column,
        code=LL000,
        name=LL000_NAME,
        message=error.reason,
        confidence=Confidence.HIGH,
    )


# ------------------------------------------------------------------------------ decoding
def decode_source(data: bytes) -> str:
    """Decode like the interpreter: BOM, then a PEP 263 coding cookie, else UTF-8."""
    if b"\0" in data:
        line = data[: data.index(b"\0")].count(b"\n") + 1
        raise SourceError("source contains NUL bytes; Python cannot run this file", line)
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    except SyntaxError as exc:
        raise SourceError(f"cannot decode: {exc.msg if hasattr(exc, 'msg') else exc}", getattr(exc, "lineno", 1) or 1) from None
    try:
        text = data.decode(encoding)
    except (UnicodeDecodeError, LookupError) as exc:
        line = 1
        if isinstance(exc, UnicodeDecodeError):
            line = data[: exc.start].count(b"\n") + 1
        raise SourceError(f"cannot decode as {encoding}: {exc.reason if isinstance(exc, UnicodeDecodeError) else exc}", line) from None
    if text.startswith("\ufeff"):
        text = text[1:]
    return text


def read_source(path: str, max_size: int = 0) -> str:
    """Read and decode a file; every failure is a SourceError with a one-line reason."""
    return decode_source(read_bytes(path, max_size))


# ------------------------------------------------------------------------------ big stack
def _run_on_big_stack(fn: Any, *args: Any) -> Any:
    global _executor, _executor_pid
    if _executor is None or _executor_pid != os.getpid():
        with _executor_lock:
            if _executor is None or _executor_pid != os.getpid():
                old = threading.stack_size()
                try:
                    threading.stack_size(_STACK_SIZE)
                    executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="leaklint")
                    # start the thread now, while the large stack size is in force
                    executor.submit(lambda: None).result()
                finally:
                    threading.stack_size(old)
                _executor, _executor_pid = executor, os.getpid()
                if sys.getrecursionlimit() < _RECURSION_LIMIT:
                    sys.setrecursionlimit(_RECURSION_LIMIT)
    return _executor.submit(fn, *args).result()


def _checkpoint() -> None:
    """A Python call: an exception set asynchronously on this thread is raised here at the
    latest."""


def _stop_thread(ident: int) -> bool:
    """Raise FileTimeout in thread `ident` as soon as it runs Python code again (CPython)."""
    try:
        import ctypes

        done = ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(ident), ctypes.py_object(FileTimeout))
    except (ImportError, AttributeError):  # pragma: no cover - not CPython: the thread runs on
        return False
    return done == 1


# a thread told to stop gets this long to do so before it is left behind
_STOP_GRACE = 2.0


def _run_with_budget(seconds: float, fn: Any, *args: Any) -> Any:
    """_run_on_big_stack with a time budget, for callers that cannot kill a process (the flake8
    plugin, inside flake8's own processes): `fn` runs in a thread of its own; past `seconds`
    FileTimeout is raised in that thread (it stops at its next Python instruction: pure-Python
    work at once, native code such as libcst's parser when it returns) and here. A thread still
    in native code after a grace period is left behind (a daemon: it ends when that code returns;
    the next file gets a new thread)."""
    box: Dict[str, Any] = {}
    lock = threading.Lock()
    state = ["running"]

    def target() -> None:
        try:
            try:
                box["value"] = fn(*args)
            except BaseException as exc:
                box["error"] = exc
            finally:
                with lock:
                    state[0] = "done"
            _checkpoint()
        except FileTimeout:  # told to stop just as `fn` returned: its result stands
            pass

    with _executor_lock:
        old = threading.stack_size()
        try:
            threading.stack_size(_STACK_SIZE)
            thread = threading.Thread(target=target, name="leaklint-budget", daemon=True)
            thread.start()
        finally:
            threading.stack_size(old)
        if sys.getrecursionlimit() < _RECURSION_LIMIT:
            sys.setrecursionlimit(_RECURSION_LIMIT)
    thread.join(seconds)
    if thread.is_alive():
        with lock:
            # only while `fn` runs: an exception set later would end up in threading's code
            if state[0] == "running" and thread.ident is not None:
                _stop_thread(thread.ident)
        thread.join(_STOP_GRACE)
        if thread.is_alive():
            raise FileTimeout(seconds)
    try:
        if "error" in box:
            if isinstance(box["error"], FileTimeout):
                raise FileTimeout(seconds)
            raise box["error"]
        return box["value"]
    finally:
        box.clear()  # the error's traceback references target's frame, which references box


# ------------------------------------------------------------------------------ linting
@dataclass
class _Prepared:
    rules: Tuple[Tuple[Type[Rule], Any], ...]


def _syntax_error(exc: SyntaxError) -> SourceError:
    msg = exc.msg or "invalid syntax"
    return SourceError(f"syntax error: {msg}", exc.lineno or 1, (exc.offset or 1))


_FATAL_SYNTAX = ("too many nested parentheses", "too many levels of indentation", "too many statically nested blocks")


def _python_check(text: str) -> Optional[SyntaxError]:
    """CPython's verdict. Raises SourceError for input too deep for any parser and for what
    CPython rejects only when it compiles (`return` outside a function, module-level
    `nonlocal`, duplicate arguments, `global` after use: libcst's grammar accepts all of
    those); returns the parser's SyntaxError (if any) so that syntax newer than this
    interpreter can still be tried with libcst."""
    error = _compile_error(text)
    if error is None:
        return None
    if _parse_error(text) is None:
        # the parser accepted it: the compiler's verdict is final whatever libcst says
        raise _syntax_error(error)
    # The parser stopped at the first construct it does not know (newer syntax, or a real
    # error). Its nesting guards never saw the rest of the file: blank each rejected line and
    # ask again, so that deep nesting after a `type` statement is still refused before libcst
    # (whose parser has no such guard) spends minutes on it.
    # A few rounds only: a file with a real error would otherwise be parsed again and again
    # (newer syntax is a handful of `type` / `def f[T]` lines in practice).
    if _TOKENIZER_ERRORS.search(error.msg or ""):
        return error  # not newer syntax: the tokenizer itself gave up
    lines = text.splitlines(keepends=True)
    last = -1
    for _ in range(8):
        err = _parse_error("".join(lines))
        if err is None:
            break
        lineno = (err.lineno or 0) - 1
        if not last < lineno < len(lines) or not lines[lineno].strip() or _TOKENIZER_ERRORS.search(err.msg or ""):
            break
        last = lineno
        line = lines[lineno]
        lines[lineno] = line[len(line.rstrip("\r\n")) :] or "\n"
    return error


_TOKENIZER_ERRORS = re.compile(r"unterminated|was never closed|unmatched|does not match|unindent|EOF|invalid character|invalid decimal|invalid hexadecimal|invalid octal|invalid binary|non-printable|unexpected character after line continuation")


def _compile_error(text: str) -> Optional[SyntaxError]:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            # the whole of CPython's front end: parser, symbol table and compiler (no slower
            # than the symbol table alone, which misses `return` / `yield` / `await` / `break`
            # outside their blocks)
            compile(text, "<source>", "exec", dont_inherit=True)
    except (RecursionError, MemoryError):
        raise SourceError("nested too deeply to analyze") from None
    except SyntaxError as exc:
        if any(f in (exc.msg or "") for f in _FATAL_SYNTAX):
            raise _syntax_error(exc) from None
        return exc
    except ValueError as exc:  # e.g. "source code string cannot contain null bytes"
        raise SourceError(str(exc)) from None
    return None


def _parse_error(text: str) -> Optional[SyntaxError]:
    """The parser's own verdict (no symbol table, no compiler); too deep is fatal."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            compile(text, "<source>", "exec", ast.PyCF_ONLY_AST, dont_inherit=True)
    except (RecursionError, MemoryError):
        raise SourceError("nested too deeply to analyze") from None
    except SyntaxError as exc:
        if any(f in (exc.msg or "") for f in _FATAL_SYNTAX):
            raise _syntax_error(exc) from None
        return exc
    except ValueError as exc:
        raise SourceError(str(exc)) from None
    return None


def lint_source(
    source: Union[str, bytes],
    path: str = "<stdin>",
    config: Optional[Config] = None,
    *,
    rules: Optional[Sequence[Type[Rule]]] = None,
    noqa: bool = True,
    notebook: Optional[bool] = None,
    project: Any = None,
    module: Optional[str] = None,
    timeout: float = 0,
) -> List[Finding]:
    """Lint one file's source. Problems with the input become LL000 findings; a bug in a rule
    raises InternalError; with `timeout` (seconds, 0: none), an analysis past it is stopped and
    raises FileTimeout (see _run_with_budget: for callers that cannot run the file in a process
    of their own and kill it, as the CLI does). `notebook` (default: the path ends in `.ipynb`): the source is a
    Jupyter notebook's JSON, checked cell by cell (leaklint.notebook). `project` is the lifetime
    model of the project the file belongs to (`leaklint.analysis.project.build_index`); without
    it rules judge from this file alone. `module` is the file's dotted module name (default:
    looked up in `project` by path)."""
    if notebook is None:
        notebook = path.endswith(".ipynb")
    if notebook:
        from .notebook import lint_notebook

        return lint_notebook(source, path, config, rules=rules, noqa=noqa)
    if project is not None and module is None:
        module = project.module_of(path)
    config = config or Config()
    try:
        text = decode_source(source) if isinstance(source, bytes) else source
        if "\0" in text:
            raise SourceError("source contains NUL bytes; Python cannot run this file", text[: text.index("\0")].count("\n") + 1)
    except SourceError as err:
        return add_fingerprints([error_finding(path, err)], "")
    if suppress.file_is_ignored(text):
        return []
    selected = tuple(rules) if rules is not None else config.rules_for(path)
    active: List[Tuple[Type[Rule], Any]] = []
    for rule, options, triggers in _rule_plan(config, selected):
        if not triggers or any(t in text for t in triggers):
            active.append((rule, options))
    run: Any = _run_on_big_stack
    if timeout:
        started = time.monotonic()

        def run(fn: Any, *args: Any) -> Any:
            return _run_with_budget(max(0.001, timeout - (time.monotonic() - started)), fn, *args)

    try:
        # Every file gets CPython's syntax check (about a tenth of a libcst parse), so a file
        # that no rule needs to parse is still reported when Python could not run it.
        python_error = _python_check(text)
        if not active:
            if python_error is not None:
                run(_libcst_parse, text, python_error)
            return []
        findings = run(_lint_parsed, text, path, tuple(active), python_error, project, module or "")
    except SourceError as err:
        return add_fingerprints([error_finding(path, err)], text)
    peers = {rule.code: rule.peer_codes for rule, _ in active if rule.peer_codes}
    findings = suppress.apply(findings, text, noqa=noqa, peers=peers)
    if config.min_confidence > Confidence.LOW:
        findings = [f for f in findings if f.confidence >= config.min_confidence]
    findings.sort(key=Finding.sort_key)
    return add_fingerprints(findings, text)


_PLANS: Dict[Tuple[Config, Tuple[Type[Rule], ...]], Tuple[Tuple[Type[Rule], Any, Tuple[str, ...]], ...]] = {}


def _rule_plan(config: Config, selected: Tuple[Type[Rule], ...]) -> Tuple[Tuple[Type[Rule], Any, Tuple[str, ...]], ...]:
    """(rule, options, text triggers) of each selected rule: built once per config and rule
    set, not per file (building the options was 7% of a run)."""
    try:
        return _PLANS[(config, selected)]
    except KeyError:
        pass
    except TypeError:  # an option value that cannot be hashed: no caching
        return tuple(_plan_entry(config, rule) for rule in selected)
    plan = tuple(_plan_entry(config, rule) for rule in selected)
    if len(_PLANS) > 64:
        _PLANS.clear()
    _PLANS[(config, selected)] = plan
    return plan


def _plan_entry(config: Config, rule: Type[Rule]) -> Tuple[Type[Rule], Any, Tuple[str, ...]]:
    options = config.options_for(rule)
    return rule, options, tuple(rule.active_triggers(options))


def fingerprint(path: str, code: str, scope: str, line_text: str) -> str:
    """Identity of a finding that survives unrelated edits: no line numbers, only where it is
    (file, enclosing class / function) and what the flagged line says."""
    normalized = " ".join(line_text.split())
    data = "\0".join((path.replace(os.sep, "/"), code, scope, normalized))
    return hashlib.sha256(data.encode("utf-8", "surrogatepass")).hexdigest()[:20]


def add_fingerprints(findings: List[Finding], text: str) -> List[Finding]:
    """Fingerprint each finding; identical ones get :1, :2 ... in source order, so a second
    identical finding in the same scope is still a new finding."""
    if not findings:
        return findings
    lines = text.splitlines()
    seen: Dict[str, int] = {}
    out = []
    for f in findings:
        line_text = lines[f.line - 1] if 0 < f.line <= len(lines) else ""
        base = fingerprint(f.path, f.code, f.scope, line_text)
        n = seen.get(base, 0)
        seen[base] = n + 1
        out.append(dataclasses.replace(f, fingerprint=f"{base}:{n}"))
    return out


def _no_validation(self: cst.CSTNode) -> None:
    return None


_VALIDATING_POST_INIT = cst.CSTNode.__dict__["__post_init__"]


def _parse_module(text: str) -> cst.Module:
    """`cst.parse_module` without libcst's per-node validation. Every node the native parser
    builds runs `CSTNode.__post_init__` -> `_validate()`, which re-checks invariants the parser
    already guarantees (libcst's own comment there suggests moving it out of parsing); it is
    about 8% of a parse. A tree parsed this way is equal (`deep_equals`, same code) to a
    validated one: tests/test_engine.py checks that on the standard library. Nodes built by
    anyone else meanwhile (another thread) are merely not validated either."""
    cst.CSTNode.__post_init__ = _no_validation  # type: ignore[method-assign]
    try:
        return cst.parse_module(text)
    finally:
        cst.CSTNode.__post_init__ = _VALIDATING_POST_INIT  # type: ignore[method-assign]


def _libcst_parse(text: str, python_error: Optional[SyntaxError]) -> cst.Module:
    """Parse with libcst. When CPython also rejected the file, its message is the one users
    know; when only CPython rejected it, the file uses syntax newer than this interpreter and
    libcst's parse stands."""
    try:
        # When CPython rejected the file, libcst's own validation runs too: without it libcst
        # accepts what neither parser allows (`b"x" "y"`: bytes and str literals mixed), and
        # the file would pass as syntax newer than this interpreter (found by tests/fuzz.py)
        return cst.parse_module(text) if python_error is not None else _parse_module(text)
    except cst.ParserSyntaxError as exc:
        if python_error is not None:
            raise _syntax_error(python_error) from None
        # Python accepted the file: a construct libcst's grammar lacks (`(x): int`), not an error
        raise SourceError(
            f"cannot analyze: libcst cannot parse this file, although Python accepts it: {exc.message}",
            exc.raw_line,
            exc.raw_column + 1,
        ) from None
    except RecursionError:
        raise SourceError("nested too deeply to analyze") from None
    except cst.CSTValidationError:
        if python_error is not None:  # CPython's message is the one users know
            raise _syntax_error(python_error) from None
        raise
    except Exception as exc:  # the native parser's own failures
        raise SourceError(f"cannot parse: {type(exc).__name__}: {exc}") from None


def _lint_parsed(
    text: str,
    path: str,
    active: Tuple[Tuple[Type[Rule], Any], ...],
    python_error: Optional[SyntaxError],
    project: Any = None,
    module_name: str = "",
) -> List[Finding]:
    with paused():  # leaklint.collector: the cyclic collector waits until the file is done
        return _lint_parsed_unpaused(text, path, active, python_error, project, module_name)


def _lint_parsed_unpaused(
    text: str,
    path: str,
    active: Tuple[Tuple[Type[Rule], Any], ...],
    python_error: Optional[SyntaxError],
    project: Any,
    module_name: str,
) -> List[Finding]:
    module = _libcst_parse(text, python_error)

    ctx = Context(path, text, project, module_name)
    enter, leave = context_visitors(ctx)
    try:
        facts = collect_facts(ctx, [rule for rule, _ in active])
    except Exception as exc:
        raise InternalError(path, "engine", exc) from exc
    instances = []
    for rule, options in active:
        try:
            instances.append(rule(ctx, options))
        except Exception as exc:
            raise InternalError(path, rule.code, exc) from exc
    dependencies: Set[Any] = set()
    for visitor in (*facts, *instances):
        dependencies.update(visitor.get_inherited_dependencies())
    visitors: List[cst.BatchableCSTVisitor] = [enter, *facts, *instances, leave]
    try:
        if dependencies:
            # what MetadataWrapper.visit_batched does, with the engine's own walker
            wrapper = MetadataWrapper(module, unsafe_skip_copy=True)
            with ExitStack() as stack:
                for visitor in visitors:
                    stack.enter_context(visitor.resolve(wrapper))
                Walker(visitors).visit(wrapper.module)
        else:
            Walker(visitors).visit(module)
    except RecursionError:
        raise SourceError("nested too deeply to analyze") from None
    except Exception as exc:
        where = _blame(exc, instances)
        raise InternalError(path, where, exc) from exc

    reports = [(inst, rep) for inst in instances for rep in inst.reports]
    if not reports:
        return []
    try:
        # up to the module-level statement of the last reported node: the definitions around
        # each reported node and everything a fixer reads (the statement, the ones before it,
        # the imports at the top) end before that
        positions = node_positions(module, [rep.node for _, rep in reports])
    except RecursionError:
        raise SourceError("nested too deeply to analyze") from None
    scopes = _definition_ranges(ctx, positions)
    try:
        fixes = compute_fixes(module, text, positions, [(inst.code, rep.node) for inst, rep in reports])
    except RecursionError:
        raise SourceError("nested too deeply to analyze") from None
    except Exception as exc:
        where = next((f"{inst.code} fixer" for inst, rep in reports if inst.code in _fixer_codes()), "fixer")
        raise InternalError(path, where, exc) from exc
    located = []
    for (inst, rep), fix in zip(reports, fixes):
        pos = positions.get(rep.node)
        if pos is None:
            raise InternalError(path, inst.code, LookupError("reported a node that is not part of the module"))
        located.append((inst, rep, pos, fix))
    scope_names = _scopes_for(scopes, [(pos[0], pos[1]) for _, _, pos, _ in located])
    findings: List[Finding] = []
    for (inst, rep, pos, fix), scope in zip(located, scope_names):
        line, col, end_line, end_col = pos
        message = rep.message
        if "\n" in message or "\r" in message:
            # one finding, one output line: source quoted in a message (a multi-line value)
            # is folded onto one line
            message = " ".join(message.split())
        findings.append(
            Finding(
                path=path,
                line=line,
                column=col + 1,
                end_line=end_line,
                end_column=end_col + 1,
                code=inst.code,
                name=inst.name,
                message=message,
                confidence=rep.confidence,
                scope=scope,
                fix=fix,
            )
        )
    return findings


def _fixer_codes() -> List[str]:
    return fixable_codes()


def _blame(exc: BaseException, instances: Sequence[Rule]) -> str:
    tb = exc.__traceback__
    modules = {type(i).__module__: type(i).code for i in instances}
    where = "engine"
    while tb is not None:
        mod = tb.tb_frame.f_globals.get("__name__")
        if mod in modules:
            where = modules[mod]
        tb = tb.tb_next
    return where


def _definition_ranges(ctx: Context, positions: Any) -> List[Tuple[Tuple[int, int], Tuple[int, int], str]]:
    out = []
    for node, qualname in ctx.definitions:
        pos = positions.get(node)
        if pos is not None:
            out.append(((pos[0], pos[1]), (pos[2], pos[3]), qualname))
    return out


def _scopes_for(
    ranges: Sequence[Tuple[Tuple[int, int], Tuple[int, int], str]], points: Sequence[Tuple[int, int]]
) -> List[str]:
    """The qualified name of the innermost definition around each point ("" at module level),
    in one sweep over definitions and points both sorted: O((d + p) log(d + p)), not d * p
    (20,000 findings in one file took 100 s when each one scanned every definition).
    Definitions nest (they are syntax ranges), so the innermost open one is a stack's top."""
    order = sorted(range(len(points)), key=lambda i: points[i])
    spans = sorted(ranges, key=lambda r: (r[0], (-r[1][0], -r[1][1])))
    out = [""] * len(points)
    stack: List[Tuple[Tuple[int, int], Tuple[int, int], str]] = []
    k = 0
    for i in order:
        point = points[i]
        while k < len(spans) and spans[k][0] <= point:
            span = spans[k]
            while stack and stack[-1][1] < span[0]:
                stack.pop()
            stack.append(span)
            k += 1
        while stack and stack[-1][1] < point:
            stack.pop()
        out[i] = stack[-1][2] if stack else ""
    return out


def internal_error_finding(path: str, where: str, exc: BaseException, verbose: bool = False) -> Finding:
    """The failure contract: an exception while analysing one file is an LL000 finding for
    that file ("internal error in <rule>"), and the run goes on. The traceback is appended
    under `verbose`."""
    import traceback

    message = f"internal error in {where}: {type(exc).__name__}: {exc}"
    message = " ".join(message.split())
    if verbose:
        message += "\n" + "".join(traceback.format_exception(type(exc), exc, exc.__traceback__)).rstrip()
    return Finding(
        path=path, line=1, column=1, end_line=1, end_column=1, code=LL000, name=LL000_NAME, message=message,
        confidence=Confidence.HIGH,
    )


def analyze(
    source: Union[str, bytes],
    path: str = "<stdin>",
    config: Optional[Config] = None,
    verbose: bool = False,
    project: Any = None,
    module: Optional[str] = None,
) -> List[Finding]:
    """`lint_source` under the failure contract: never raises (but for KeyboardInterrupt /
    SystemExit); a bug in a rule or in the engine is an LL000 "internal error in <rule>"."""
    try:
        return lint_source(source, path, config, project=project, module=module)
    except InternalError as exc:
        return add_fingerprints([internal_error_finding(path, exc.where, exc.exc, verbose)], "")
    except (RecursionError, MemoryError) as exc:
        return add_fingerprints([error_finding(path, SourceError(f"cannot analyze: {type(exc).__name__}"))], "")
    except Exception as exc:
        return add_fingerprints([internal_error_finding(path, "engine", exc, verbose)], "")


def lint_file(path: str, config: Optional[Config] = None, display_path: Optional[str] = None, project: Any = None) -> List[Finding]:
    """Read and lint one file; unreadable files are LL000."""
    shown = display_path or path
    try:
        text = read_source(path)
    except SourceError as err:
        return add_fingerprints([error_finding(shown, err)], "")
    return lint_source(text, shown, config, project=project, module=project.module_of(path) if project is not None else None)
