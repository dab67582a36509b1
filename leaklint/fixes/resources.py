"""Fixes for the resource rules: LL401 / LL402 (a `with` block), LL403 (`contextlib.closing`),
LL404 (`with lock:`), LL601 (`plt.close(fig)` after the figure's last use)."""

from __future__ import annotations

from typing import List, Optional, Sequence, Tuple

import libcst as cst

from ..types import Applicability, Edit, Fix
from . import FixContext, dotted, fixer, fresh_name, make_fix, name_uses, uses_name
from ._uses import contains, escapes, first_param_names, is_store
from ..knowledge.resources import CONSUMERS
from ..traverse import all_children

# Factories whose result closes itself in `__exit__` (so `with factory(...) as x:` closes it).
CLOSES_ON_EXIT = frozenset({
    "builtins.open", "io.open", "io.FileIO", "codecs.open", "os.fdopen", "tokenize.open", "os.scandir",
    "gzip.open", "gzip.GzipFile", "bz2.open", "bz2.BZ2File", "lzma.open", "lzma.LZMAFile",
    "tarfile.open", "tarfile.TarFile", "zipfile.ZipFile", "shelve.open", "dbm.open", "wave.open",
    "fileinput.input", "fileinput.FileInput", "mmap.mmap",
    "tempfile.TemporaryFile", "tempfile.NamedTemporaryFile", "tempfile.SpooledTemporaryFile",
    "socket.socket", "socket.create_connection", "socket.create_server", "socket.fromfd",
    "urllib.request.urlopen", "ftplib.FTP", "ftplib.FTP_TLS", "smtplib.SMTP", "smtplib.SMTP_SSL",
    "smtplib.LMTP", "imaplib.IMAP4", "imaplib.IMAP4_SSL", "telnetlib.Telnet",
    "selectors.DefaultSelector", "selectors.SelectSelector", "selectors.PollSelector", "selectors.EpollSelector",
    "requests.Session", "requests.session", "httpx.Client", "urllib3.PoolManager",
})
# Factories whose result has close() but whose `with` does not close it (or has no `with`).
CLOSE_ONLY = frozenset({
    "sqlite3.connect", "http.client.HTTPConnection", "http.client.HTTPSConnection", "poplib.POP3",
    "poplib.POP3_SSL", "asyncio.new_event_loop",
})
_PREFERRED = {"open": "fh", "urlopen": "resp", "Popen": "proc", "socket": "sock", "connect": "conn"}

SAFETY_WITH = """Safe when the resource is bound by a plain assignment in a function, every later use
of the name is in the statements that follow it in the same block (they become the `with`
body), the name is not re-bound, and the object does not escape (returned, yielded, stored,
put in a container, captured by a closure): the with block then only adds the close that was
missing, at the point where the object was already dead. A trailing `name.close()` in those
statements is dropped (the `with` closes). Otherwise there is no fix: returning an open file
from a `with` would return a closed file. Objects whose `with` does not close them
(sqlite3.connect, http.client connections) are wrapped in `contextlib.closing`. No fix for
`subprocess.Popen` and executors and pools: their `with` waits for the process or the jobs
(or terminates them), which is a decision, not a mechanical change."""


def _closer(ctx: FixContext, call: cst.Call) -> Optional[str]:
    """"with" when the object's own `with` closes it, "closing" when only close() does."""
    name = ctx.qualified(call.func)
    if name is None:
        return None
    if name.startswith("builtins.") and name != "builtins.open":
        return None
    head = name.split(".")[0]
    # concurrent.futures imported as `from concurrent import futures`
    name = name.replace("concurrent.futures.thread.", "concurrent.futures.").replace("concurrent.futures.process.", "concurrent.futures.")
    if name in CLOSES_ON_EXIT:
        return "with"
    if name in CLOSE_ONLY:
        return "closing"
    if isinstance(call.func, cst.Attribute) and call.func.attr.value == "open" and head not in ctx.imports:
        return "with"  # path.open(), zf.open(name): a method of a value returning a file
    return None


def _closing(ctx: FixContext, call: cst.Call) -> Tuple[cst.BaseExpression, Optional[Edit], bool]:
    """`contextlib.closing(call)`, the import it needs (or None), ok."""
    for local, full in ctx.imports.items():
        if full == "contextlib.closing":
            return cst.Call(func=cst.Name(local), args=[cst.Arg(call)]), None, True
    module = ctx.local_name_for_module("contextlib")
    edit = None
    if module is None:
        edit = ctx.import_edit("contextlib")
        if edit is None:
            return call, None, False
        module = "contextlib"
    return cst.Call(func=cst.Attribute(cst.Name(module), cst.Name("closing")), args=[cst.Arg(call)]), edit, True


def _is_close_stmt(stmt: cst.CSTNode, name: str) -> bool:
    if not isinstance(stmt, cst.SimpleStatementLine) or len(stmt.body) != 1:
        return False
    small = stmt.body[0]
    return (
        isinstance(small, cst.Expr)
        and isinstance(small.value, cst.Call)
        and not small.value.args
        and dotted(small.value.func) == f"{name}.close"
    )


def _single_statement(ctx: FixContext, small: cst.CSTNode) -> Optional[cst.SimpleStatementLine]:
    stmt = ctx.parent(small)
    if isinstance(stmt, cst.SimpleStatementLine) and len(stmt.body) == 1:
        return stmt
    return None


def _with(items: Sequence[cst.WithItem], body: Sequence[cst.BaseStatement], first: cst.SimpleStatementLine, asynchronous: bool = False) -> cst.With:
    return cst.With(
        items=list(items),
        body=cst.IndentedBlock(body=list(body) or [cst.SimpleStatementLine([cst.Pass()])], header=first.trailing_whitespace),
        leading_lines=first.leading_lines,
        asynchronous=cst.Asynchronous() if asynchronous else None,
    )


def _uses_outside(ctx: FixContext, fn: cst.CSTNode, name: str, inside: Sequence[cst.CSTNode]) -> bool:
    total = sum(1 for _ in name_uses(fn, name))
    within = sum(sum(1 for _ in name_uses(n, name)) for n in inside)
    return total != within


def _kept_by_call_result(ctx: FixContext, use: cst.CSTNode) -> bool:
    """`obj = Reader(fh)`, `upload = UploadFile(file=fh)`: handed to a call whose result is
    kept, which may keep the resource past a `with` block (LL401's kept-on-the-new-object and
    gathered-across-iterations findings); closing it there would break the object."""
    parent = ctx.parent(use)
    if not isinstance(parent, cst.Arg) or parent.value is not use:
        return False
    call = ctx.parent(parent)
    if not isinstance(call, cst.Call):
        return False
    qn = ctx.qualified(call.func) or ""
    if qn in CONSUMERS or qn.startswith("builtins."):
        return False  # `data = json.load(fh)`: read to the end, nothing of it kept
    holder = ctx.parent(call)
    return isinstance(holder, (cst.Assign, cst.AnnAssign, cst.Return, cst.Element, cst.Arg)) and not (
        isinstance(holder, cst.Assign) and holder.value is not call
    )


# ------------------------------------------------------------------------------ LL401
@fixer("LL401", safety=SAFETY_WITH)
def resource_not_closed(call: cst.CSTNode, ctx: FixContext) -> Optional[Fix]:
    if not isinstance(call, cst.Call):
        return None
    assign = ctx.parent(call)
    if not isinstance(assign, cst.Assign) or assign.value is not call or len(assign.targets) != 1:
        return None
    target = assign.targets[0].target
    if not isinstance(target, cst.Name):
        return None
    name = target.value
    stmt = _single_statement(ctx, assign)
    fn = ctx.function_of(assign)
    if stmt is None or fn is None or name in first_param_names(fn):
        return None
    block = ctx.block_of(stmt)
    if not isinstance(block, cst.IndentedBlock):
        return None
    closer = _closer(ctx, call)
    if closer is None:
        return None
    body = list(block.body)
    i = body.index(stmt)
    rest = body[i + 1 :]
    used = [j for j, s in enumerate(rest) if uses_name(s, name)]
    if not used:
        return None
    region = rest[: used[-1] + 1]
    if _uses_outside(ctx, fn, name, [stmt, *region]):
        return None
    for s in region:
        for use in name_uses(s, name):
            if is_store(ctx, use) or escapes(ctx, use, s) or _kept_by_call_result(ctx, use):
                return None
    wrapped = [s for s in region if not _is_close_stmt(s, name)]
    while wrapped and not uses_name(wrapped[-1], name) and len(wrapped) < len(region):
        # statements after the last remaining use (those closes removed) stay after the with
        break
    if not wrapped:
        return None
    expr: cst.BaseExpression = call
    import_edit = None
    if closer == "closing":
        expr, import_edit, ok = _closing(ctx, call)
        if not ok:
            return None
    item = cst.WithItem(item=expr, asname=cst.AsName(name=cst.Name(name)))
    new_with = _with([item], wrapped, stmt)
    new_block = block.with_changes(body=[*body[:i], new_with, *rest[len(region) :]])
    edit = ctx.replace(block, new_block)
    how = "contextlib.closing(...)" if closer == "closing" else "a with block"
    return make_fix(f"Close `{name}` with {how} around its uses", Applicability.SAFE, [import_edit, edit] if import_edit else [edit])


# ------------------------------------------------------------------------------ LL402
_NOT_HOISTABLE = (cst.Lambda, cst.IfExp, cst.BooleanOperation, cst.ListComp, cst.SetComp, cst.DictComp,
                  cst.GeneratorExp, cst.Yield, cst.NamedExpr, cst.FunctionDef, cst.ClassDef)


@fixer("LL402", safety="""Safe when the resource is created in a statement of its own line in a
function and nothing in that statement runs before it (the `with` now creates it just before
the statement); unsafe when another call in the statement used to run first (the order of the
two changes). No fix inside a lambda, a comprehension, a conditional expression or a boolean
operator (it may not run at all), nor for `TemporaryDirectory().name` (the right fix keeps the
directory for as long as it is used, which needs a decision).""")
def resource_used_inline(call: cst.CSTNode, ctx: FixContext) -> Optional[Fix]:
    if not isinstance(call, cst.Call):
        return None
    stmt = ctx.statement_of(call)
    if stmt is None or len(stmt.body) != 1 or ctx.function_of(stmt) is None:
        return None
    block = ctx.block_of(stmt)
    if not isinstance(block, cst.IndentedBlock):
        return None
    for anc in ctx.ancestors(call):
        if anc is stmt:
            break
        if isinstance(anc, _NOT_HOISTABLE):
            return None
        if isinstance(anc, cst.Await):
            return None
    closer = _closer(ctx, call)
    qn = ctx.qualified(call.func) or ""
    if closer is None or qn == "tempfile.TemporaryDirectory":
        return None
    small = stmt.body[0]
    if isinstance(small, (cst.Global, cst.Nonlocal, cst.Import, cst.ImportFrom, cst.Del)):
        return None
    if isinstance(small, cst.Expr) and small.value is call:
        return None  # a statement that only creates it: nothing to put in the with
    fn = ctx.function_of(stmt)
    last = qn.rsplit(".", 1)[-1] if qn else ""
    name = fresh_name(fn, [_PREFERRED.get(last, "res")])
    new_stmt = stmt.deep_replace(call, cst.Name(name))
    expr: cst.BaseExpression = call
    import_edit = None
    if closer == "closing":
        expr, import_edit, ok = _closing(ctx, call)
        if not ok:
            return None
    new_stmt = new_stmt.with_changes(leading_lines=(), trailing_whitespace=cst.TrailingWhitespace())
    new_with = _with([cst.WithItem(item=expr, asname=cst.AsName(name=cst.Name(name)))], [new_stmt], stmt)
    body = list(block.body)
    i = body.index(stmt)
    new_block = block.with_changes(body=[*body[:i], new_with, *body[i + 1 :]])
    edit = ctx.replace(block, new_block)
    start = ctx.positions.get(call)
    earlier = False
    if start is not None:
        for node in _calls(stmt):
            if node is call or _inside(ctx, node, call):
                continue
            pos = ctx.positions.get(node)
            if pos is not None and (pos[0], pos[1]) < (start[0], start[1]) and not _inside(ctx, call, node):
                earlier = True
    safety = Applicability.UNSAFE if earlier else Applicability.SAFE
    return make_fix(f"Open it in a with block (`{name}`) around the statement", safety, [import_edit, edit] if import_edit else [edit])


def _calls(node: cst.CSTNode) -> List[cst.Call]:
    out: List[cst.Call] = []
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, (cst.Call, cst.Await, cst.Subscript)):
            out.append(current)  # type: ignore[arg-type]
        stack.extend(all_children(current))
    return out


def _inside(ctx: FixContext, node: cst.CSTNode, outer: cst.CSTNode) -> bool:
    return any(anc is outer for anc in ctx.ancestors(node))


# ------------------------------------------------------------------------------ LL403
@fixer("LL403", safety="""Safe: `with contextlib.closing(sqlite3.connect(db)) as conn, conn:` keeps the
transaction handling of `with conn:` (commit, or roll back on an exception) and closes the
connection when the block ends. Unsafe when the function still uses the connection after the
`with` block (it is now closed there).""")
def sqlite_with(call: cst.CSTNode, ctx: FixContext) -> Optional[Fix]:
    if not isinstance(call, cst.Call):
        return None
    item = ctx.parent(call)
    if not isinstance(item, cst.WithItem) or item.item is not call:
        return None
    with_stmt = ctx.parent(item)
    if not isinstance(with_stmt, cst.With) or with_stmt.asynchronous is not None:
        return None
    scope = ctx.function_of(with_stmt) or ctx.module
    if item.asname is None:
        name = fresh_name(scope, ["conn", "connection"])
    elif isinstance(item.asname.name, cst.Name):
        name = item.asname.name.value
    else:
        return None
    wrapped, import_edit, ok = _closing(ctx, call)
    if not ok:
        return None
    first = item.with_changes(item=wrapped, asname=cst.AsName(name=cst.Name(name)), comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")))
    second = cst.WithItem(item=cst.Name(name), comma=item.comma)
    items = []
    for it in with_stmt.items:
        if it is item:
            items.extend([first, second])
        else:
            items.append(it)
    new_with = with_stmt.with_changes(items=items)
    edit = ctx.replace(with_stmt, new_with)
    later = _uses_outside(ctx, scope, name, [with_stmt]) if item.asname is not None else False
    applicability = Applicability.UNSAFE if later else Applicability.SAFE
    return make_fix("Close the connection: `with contextlib.closing(sqlite3.connect(...)) as conn, conn:`", applicability, [import_edit, edit] if import_edit else [edit])


# ------------------------------------------------------------------------------ LL404
@fixer("LL404", safety="""Safe when `lock.acquire()` (no arguments: its result is not used) and
`lock.release()` are statements of the same block and nothing between them returns, raises,
breaks, continues or yields: `with lock:` then releases at the same point on the normal path
and also on an exception. Unsafe when something between them leaves the block early (the lock
is now released on that path too, which is usually the bug being fixed, but changes what
happens). No fix when the release is elsewhere, when there is none, or when the lock is
acquired with a timeout or non-blocking (the result decides what happens next).""")
def lock_acquire(call: cst.CSTNode, ctx: FixContext) -> Optional[Fix]:
    if not isinstance(call, cst.Call) or call.args or not isinstance(call.func, cst.Attribute):
        return None
    lock = dotted(call.func.value)
    if lock is None:
        return None
    parent = ctx.parent(call)
    asynchronous = False
    if isinstance(parent, cst.Await):
        asynchronous = True
        parent = ctx.parent(parent)
    if not isinstance(parent, cst.Expr):
        return None
    stmt = _single_statement(ctx, parent)
    if stmt is None:
        return None
    block = ctx.block_of(stmt)
    if not isinstance(block, cst.IndentedBlock):
        return None
    body = list(block.body)
    i = body.index(stmt)
    j = None
    for k in range(i + 1, len(body)):
        if _is_call_stmt(body[k], f"{lock}.release"):
            j = k
            break
    if j is None:
        return None
    region = body[i + 1 : j]
    for s in region:
        for node in _calls(s):
            if isinstance(node, cst.Call) and dotted(node.func) in (f"{lock}.release", f"{lock}.acquire"):
                return None
    release = body[j]
    assert isinstance(release, cst.SimpleStatementLine)
    new_with = _with([cst.WithItem(item=cst.parse_expression(lock))], region, stmt, asynchronous)
    new_block = block.with_changes(body=[*body[:i], new_with, *body[j + 1 :]])
    edit = ctx.replace(block, new_block)
    leaves = contains(region, (cst.Return, cst.Raise, cst.Break, cst.Continue, cst.Yield))
    return make_fix(f"Hold the lock with `{'async ' if asynchronous else ''}with {lock}:`", Applicability.UNSAFE if leaves else Applicability.SAFE, [edit])


def _is_call_stmt(stmt: cst.CSTNode, func: str) -> bool:
    if not isinstance(stmt, cst.SimpleStatementLine) or len(stmt.body) != 1:
        return False
    small = stmt.body[0]
    return isinstance(small, cst.Expr) and isinstance(small.value, cst.Call) and not small.value.args and dotted(small.value.func) == func


# ------------------------------------------------------------------------------ LL601
_FIGURE_FIRST = ("subplots", "subplot_mosaic")


@fixer("LL601", safety="""Adds `plt.close(fig)` after the last statement of the block that uses
the figure, its axes or pyplot itself. Safe when the code after that point calls only methods
of the function's own local values (nothing there can draw on pyplot's current figure, which
is now a new one); unsafe when it calls other functions. No fix when the figure escapes
(returned, stored, captured), when it is used after the block, or when it has no name.""")
def pyplot_close(call: cst.CSTNode, ctx: FixContext) -> Optional[Fix]:
    if not isinstance(call, cst.Call) or not isinstance(call.func, cst.Attribute):
        return None
    pyplot = dotted(call.func.value)
    if pyplot is None or "." in pyplot:
        return None
    assign = ctx.parent(call)
    if not isinstance(assign, cst.Assign) or assign.value is not call or len(assign.targets) != 1:
        return None
    target = assign.targets[0].target
    if isinstance(target, cst.Name) and call.func.attr.value not in _FIGURE_FIRST:
        fig = target.value
        names = [fig]
    elif isinstance(target, (cst.Tuple, cst.List)) and call.func.attr.value in _FIGURE_FIRST:
        elems = [e.value for e in target.elements]
        if not elems or not all(isinstance(e, cst.Name) for e in elems):
            return None
        names = [e.value for e in elems]  # type: ignore[union-attr]
        fig = names[0]
    else:
        return None
    stmt = _single_statement(ctx, assign)
    fn = ctx.function_of(assign)
    if stmt is None or fn is None:
        return None
    block = ctx.block_of(stmt)
    if not isinstance(block, cst.IndentedBlock):
        return None
    body = list(block.body)
    i = body.index(stmt)
    rest = body[i + 1 :]
    last = -1
    for j, s in enumerate(rest):
        if any(uses_name(s, n) for n in names) or uses_name(s, pyplot):
            last = j
    region = rest[: last + 1]
    for n in names:
        if _uses_outside(ctx, fn, n, [stmt, *region]):
            return None
        for s in region:
            for use in name_uses(s, n):
                if is_store(ctx, use) or escapes(ctx, use, s):
                    return None
    if region and (contains([region[-1]], (cst.Return, cst.Raise)) and not isinstance(region[-1], cst.BaseCompoundStatement)):
        return None
    if any(_is_call_stmt(s, f"{pyplot}.close") for s in region):
        return None
    close = cst.parse_statement(f"{pyplot}.close({fig})")
    new_block = block.with_changes(body=[*body[: i + 1 + len(region)], close, *rest[len(region) :]])
    edit = ctx.replace(block, new_block)
    after = [*rest[len(region) :]]
    local = _locals(fn)
    unsafe = False
    for s in after:
        for node in _calls(s):
            if isinstance(node, cst.Call):
                root = node.func
                while isinstance(root, cst.Attribute):
                    root = root.value
                if not (isinstance(node.func, cst.Attribute) and isinstance(root, cst.Name) and root.value in local):
                    unsafe = True
    return make_fix(f"Close the figure after its last use: `{pyplot}.close({fig})`", Applicability.UNSAFE if unsafe else Applicability.SAFE, [edit])


def _locals(fn: cst.FunctionDef) -> set:
    out = set()
    stack: List[cst.CSTNode] = [fn.body]
    while stack:
        node = stack.pop()
        if isinstance(node, cst.AssignTarget):
            for n in _target_names(node.target):
                out.add(n)
        if isinstance(node, (cst.FunctionDef, cst.ClassDef, cst.Lambda)):
            continue
        stack.extend(all_children(node))
    return out


def _target_names(target: cst.CSTNode) -> List[str]:
    if isinstance(target, cst.Name):
        return [target.value]
    if isinstance(target, (cst.Tuple, cst.List)):
        return [n for e in target.elements for n in _target_names(e.value)]
    return []
