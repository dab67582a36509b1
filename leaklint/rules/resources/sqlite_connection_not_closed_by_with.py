from __future__ import annotations

from typing import Any, Dict, List, Optional, Tuple

import libcst as cst

from ...analysis.calls import CallNames
from ...analysis.flow import FlowWalker, group_by_name, released_or_passed_on
from ...matchers import self_name
from ...rule import Rule
from ...types import Confidence, Invalid, Valid
from ._common import SQLITE

ALL_ITEMS = "*"


class SqliteConnectionNotClosedByWith(Rule):
    """
    ## What it does
    Checks for `with sqlite3.connect(...) as conn:` (and `with sqlite3.connect(...):`) when the
    connection is not closed afterwards.

    ## Why is this bad?
    A `sqlite3.Connection` used as a context manager commits the transaction when the block
    succeeds and rolls it back when it raises; it does **not** close the connection. The
    connection, its file descriptor, its page cache and any file lock it still holds stay
    alive until the object is collected: after the function returns on CPython, much later
    when an exception's traceback keeps the frame (an error log, a retried job), and at some
    later garbage collection on PyPy. Code that opens a connection per request or per job
    accumulates open database files and, on Windows, cannot delete or replace them. The `with`
    reads like `with open(p) as f:`, which is why the mistake is common (cpython#123739,
    cpython#135333).

    An in-memory database (`sqlite3.connect(":memory:")`) is not reported: it holds no file
    descriptor and no file lock, only memory that goes with the object.

    ## Known problems
    A `close()` of the `as` name anywhere in the same function (or returning or handing the
    name over) silences the finding, even when it is not in a `finally`.

    ## Fix safety
    There is no automatic fix. Close the connection and keep the transaction handling:
    `with contextlib.closing(sqlite3.connect(db)) as conn, conn:`. Wrapping the connection in
    `contextlib.closing(...)` alone closes it but no longer commits: add `conn.commit()`.

    ## References
    - [sqlite3: How to use the connection context manager](https://docs.python.org/3/library/sqlite3.html#sqlite3-connection-context-manager)
    - [contextlib.closing](https://docs.python.org/3/library/contextlib.html#contextlib.closing)
    - [cpython#123739](https://github.com/python/cpython/issues/123739),
      [cpython#135333](https://github.com/python/cpython/issues/135333)
    - No peer rule checks this; pylint `R1732` and ruff `SIM115` accept the `with` as closing.
    """

    code = "LL403"
    requires = (CallNames,)
    name = "sqlite-connection-not-closed-by-with"
    message = "a with block on {resource} commits or rolls back but never closes the connection"
    confidence = Confidence.HIGH
    triggers = ("sqlite3",)
    fix_title = "Use with contextlib.closing(sqlite3.connect(...)) as conn, conn:"

    VALID = [
        Valid(
            """
            import contextlib
            import sqlite3

            def save(db, row):
                with contextlib.closing(sqlite3.connect(db)) as conn, conn:
                    conn.execute("insert into t values (?)", row)
            """,
            id="closing-and-transaction",
        ),
        Valid(
            """
            import sqlite3

            def save(db, row):
                with sqlite3.connect(db) as conn:
                    conn.execute("insert into t values (?)", row)
                conn.close()

            def connect(db):
                with sqlite3.connect(db) as conn:
                    conn.execute("pragma journal_mode=wal")
                return conn
            """,
            id="closed-after-or-returned",
        ),
        Valid(
            """
            import sqlite3

            def save(conn, row):
                with conn:
                    conn.execute("insert into t values (?)", row)
            """,
            id="transaction-on-a-connection-owned-elsewhere",
        ),
    ]

    INVALID = [
        Invalid(
            """
            import sqlite3

            def save(db, row):
                with sqlite3.connect(db) as conn:  # LL403
                    conn.execute("insert into t values (?)", row)
            """,
            id="with-connect-as",
        ),
        Invalid(
            """
            import sqlite3 as sq
            from sqlite3 import connect as open_db

            def migrate(db):
                with sq.connect(db):  # LL403
                    pass
                with open_db(db) as conn, open("log", "a") as log:  # LL403
                    log.write(str(conn.total_changes))
            """,
            id="aliases-and-several-items",
        ),
    ]

    def __init__(self, context: Any, options: Any = None) -> None:
        super().__init__(context, options)
        # per enclosing function (or module): [(call, as-name or None)]
        self.stack: List[List[Tuple[cst.Call, Optional[str]]]] = [[]]
        self.callnames: Dict[int, str] = self.fact(CallNames).names  # for the flow walker

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self.stack.append([])

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        self._decide(original_node.body, self.stack.pop())

    def leave_Module(self, original_node: cst.Module) -> None:
        self._decide(original_node, self.stack.pop())

    def visit_WithItem(self, node: cst.WithItem) -> None:
        item = node.item
        if not isinstance(item, cst.Call):
            return
        if self.context.call_name(item) not in SQLITE:
            return
        if _in_memory(item):
            return
        name = None
        if node.asname is not None and isinstance(node.asname.name, cst.Name):
            name = node.asname.name.value
        self.stack[-1].append((item, name))

    def _decide(self, body: cst.CSTNode, items: List[Tuple[cst.Call, Optional[str]]]) -> None:
        if not items:
            return
        names = {name for _, name in items if name is not None}
        released = set()
        if names:
            # the shared flow walker: what happens to each `as` name in this body
            walker = FlowWalker(names, {}, self.callnames, self_name(self.context))
            by_name = group_by_name(walker.run(body))
            released = {name for name, events in by_name.items() if released_or_passed_on(events)}
        for call, name in items:
            if name is not None and name in released:
                continue
            self.report(call, resource="sqlite3.connect()")


def _in_memory(call: cst.Call) -> bool:
    """`sqlite3.connect(":memory:")`: no file, no lock; only memory, freed with the object."""
    for arg in call.args:
        if arg.keyword is None or arg.keyword.value == "database":
            value = arg.value
            if isinstance(value, cst.SimpleString):
                return value.evaluated_value == ":memory:"
            return False
    return False
