"""`leaklint server`: a Language Server Protocol server (over stdio) on pygls.

It publishes leaklint's findings as diagnostics when a Python file is opened, changed or saved,
from the same engine and configuration as the command line: the `[tool.leaklint]` of the nearest
`pyproject.toml` above the file (re-read when that file changes), its excludes and
per-file-ignores, paths relative to the project root (so test-code detection and the baseline
fingerprints are the CLI's), and the same result cache (`.leaklint_cache` in the project root,
or `cache-dir`) for the text on disk.

Edits are linted once the document has been quiet for a short while (`debounce`, 0.3 s by default;
the `debounce` initialization option or `LEAKLINT_LSP_DEBOUNCE`, in seconds, change it): a burst
of keystrokes is linted once, at its last version. Linting runs off the event loop, and a result
is published only if the document is still at the version that was linted, so a slow run never
overwrites newer diagnostics. Open and save lint at once.

Notebook documents (LSP 3.17 `notebookDocument/didOpen|didChange|didSave|didClose`, Python cells
of any notebook): the code cells are linted together as the CLI lints an `.ipynb` (in order,
IPython magics neutralized), and each cell gets its own diagnostics, on its own URI.

Code actions, for each leaklint diagnostic under the cursor:
- the finding's fix when it has one (`Finding.fix`; a safe fix is the preferred quick fix, an
  unsafe one says so in its title);
- "Suppress LLxxx on this line": adds `# noqa: LLxxx` (or the code to the line's `# noqa:` list).

"""

from __future__ import annotations

import asyncio
import dataclasses
import os
import re
import threading
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence, Tuple
from urllib.parse import unquote, urlparse

from lsprotocol import types as lsp
from pygls.lsp.server import LanguageServer

from . import __version__
from .types import Applicability, Edit, Finding

SOURCE = "leaklint"
DEBOUNCE = 0.3  # seconds of quiet after an edit before it is linted
_NOQA = re.compile(r"#\s*noqa:\s*(?P<codes>[A-Z]+[0-9]+(?:[,\s]+[A-Z]+[0-9]+)*)", re.IGNORECASE)


def uri_to_path(uri: str) -> Optional[str]:
    parsed = urlparse(uri)
    if parsed.scheme != "file":
        return None
    return unquote(parsed.path)


# ---------------------------------------------------------------------------- positions
def _utf16_column(line: str, column: int) -> int:
    """LSP counts UTF-16 code units; leaklint counts code points (1-based). 0-based UTF-16."""
    prefix = line[: max(column - 1, 0)]
    return len(prefix.encode("utf-16-le")) // 2


def _position(lines: Sequence[str], line: int, column: int) -> lsp.Position:
    text = lines[line - 1] if 0 < line <= len(lines) else ""
    return lsp.Position(line=max(line - 1, 0), character=_utf16_column(text, column))


def _range(lines: Sequence[str], start: Tuple[int, int], end: Tuple[int, int]) -> lsp.Range:
    return lsp.Range(start=_position(lines, *start), end=_position(lines, *end))


def to_diagnostic(f: Finding, lines: Sequence[str]) -> lsp.Diagnostic:
    end = (f.end_line, f.end_column) if (f.end_line, f.end_column) > (f.line, f.column) else (f.line, f.column + 1)
    href = os.environ.get("LEAKLINT_DOCS_URL", "").strip()
    return lsp.Diagnostic(
        range=_range(lines, (f.line, f.column), end),
        severity=lsp.DiagnosticSeverity.Error if f.code == "LL000" else lsp.DiagnosticSeverity.Warning,
        code=f.code,
        code_description=lsp.CodeDescription(href=f"{href.rstrip('/')}/{f.code}.md") if href else None,
        source=SOURCE,
        message=f"{f.message} ({f.name})",
        data={"fingerprint": f.fingerprint},
    )


def text_edit(edit: Edit, lines: Sequence[str]) -> lsp.TextEdit:
    return lsp.TextEdit(range=_range(lines, (edit.start_line, edit.start_column), (edit.end_line, edit.end_column)), new_text=edit.content)


def suppression_edit(f: Finding, lines: Sequence[str]) -> lsp.TextEdit:
    """`# noqa: CODE` at the end of the reported line, or CODE added to a `# noqa:` already there."""
    text = lines[f.line - 1] if 0 < f.line <= len(lines) else ""
    match = _NOQA.search(text)
    if match:
        end = match.end("codes")
        new = f", {f.code}"
        pos = lsp.Position(line=f.line - 1, character=_utf16_column(text, end + 1))
        return lsp.TextEdit(range=lsp.Range(start=pos, end=pos), new_text=new)
    stripped = text.rstrip()
    pos = lsp.Position(line=f.line - 1, character=_utf16_column(text, len(stripped) + 1))
    end = lsp.Position(line=f.line - 1, character=_utf16_column(text, len(text) + 1))
    return lsp.TextEdit(range=lsp.Range(start=pos, end=end), new_text=f"  # noqa: {f.code}")


# ---------------------------------------------------------------------------- the server
class LeaklintServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__(
            "leaklint",
            __version__,
            text_document_sync_kind=lsp.TextDocumentSyncKind.Incremental,
            notebook_document_sync=lsp.NotebookDocumentSyncOptions(
                notebook_selector=[lsp.NotebookDocumentFilterWithCells(cells=[lsp.NotebookCellLanguage(language="python")], notebook="*")],
                save=True,
            ),
        )
        self.findings: Dict[str, List[Tuple[lsp.Diagnostic, Finding]]] = {}
        self._configs: Dict[str, Tuple[Any, Any]] = {}
        self._lock = threading.Lock()
        self._pending: Dict[str, "asyncio.Task[None]"] = {}
        self.debounce = _seconds(os.environ.get("LEAKLINT_LSP_DEBOUNCE"), DEBOUNCE)
        self.notebook_cells: Dict[str, List[str]] = {}  # notebook URI -> the cell URIs it published to
        self._notes: List[Tuple[lsp.MessageType, str, bool]] = []
        self._notes_lock = threading.Lock()

    def _note(self, kind: lsp.MessageType, text: str, show: bool) -> None:
        """Queue a message for the editor: linting may run on a worker thread, and only the
        event loop writes to the client (`_flush_notes`)."""
        with self._notes_lock:
            self._notes.append((kind, text, show))

    def _flush_notes(self) -> None:
        with self._notes_lock:
            notes, self._notes = self._notes, []
        for kind, text, show in notes:
            if show:
                self.window_show_message(lsp.ShowMessageParams(type=kind, message=text))
            else:
                self.window_log_message(lsp.LogMessageParams(type=kind, message=text))

    # ------------------------------------------------------------------ scheduling
    def schedule(self, uri: str, notebook: bool = False) -> None:
        """Lint `uri` once it has been quiet for `debounce` seconds; an edit before then starts
        the wait again, so only the last version of a burst is linted."""
        self.cancel(uri)
        self._pending[uri] = asyncio.ensure_future(self._after_quiet(uri, notebook))

    def cancel(self, uri: str) -> None:
        pending = self._pending.pop(uri, None)
        if pending is not None:
            pending.cancel()

    async def _after_quiet(self, uri: str, notebook: bool) -> None:
        await asyncio.sleep(self.debounce)
        if self._pending.get(uri) is asyncio.current_task():
            del self._pending[uri]
        await (self.publish_notebook_async(uri) if notebook else self.publish_async(uri))

    def _still(self, uri: str, stamp: Any, notebook: bool) -> bool:
        """Whether the document is still open at the version `stamp` that was linted."""
        return self._stamp(uri, notebook) == stamp

    def _stamp(self, uri: str, notebook: bool) -> Any:
        if notebook:
            nb = self.workspace.get_notebook_document(notebook_uri=uri)
            if nb is None:
                return None
            return (nb.version, tuple((c.document, self.workspace.get_text_document(c.document).version) for c in nb.cells))
        if uri not in self.workspace.text_documents:
            return None
        return self.workspace.get_text_document(uri).version

    def config_for(self, path: str) -> Any:
        """The CLI's configuration for `path`, cached until its pyproject.toml changes."""
        from .config import find_pyproject, load_config

        found = find_pyproject(Path(path))
        key = str(found) if found else ""
        stamp = None
        if found is not None:
            try:
                st = found.stat()
                stamp = (st.st_mtime_ns, st.st_size)
            except OSError:
                stamp = None
        cached = self._configs.get(key)
        if cached is not None and cached[0] == stamp:
            return cached[1]
        config = load_config(found, start=Path(path)).check_codes()
        self._configs[key] = (stamp, config)
        return config

    def lint(self, uri: str, text: str) -> List[Finding]:
        from .config import ConfigError
        from .engine import InternalError, lint_source

        path = uri_to_path(uri) or "untitled.py"
        try:
            config = self.config_for(path)
        except ConfigError as exc:
            self._note(lsp.MessageType.Error, f"leaklint: {exc}", show=True)
            return []
        if config.is_excluded(path):
            return []
        shown = config.relative(path)
        data = text.encode("utf-8", "surrogatepass")
        cache = _cache(config, path)
        key = None
        if cache is not None:
            key = cache.key(shown, data)
            hit = cache.get(key)
            if hit is not None:
                return hit
        try:
            findings = lint_source(text, shown, config, notebook=False)
        except InternalError as exc:
            self._note(lsp.MessageType.Error, str(exc), show=False)
            return []
        if cache is not None and key is not None:
            try:
                cache.put(key, findings)
            except OSError:
                pass
        return findings

    def publish(self, uri: str) -> None:
        """Lint and publish at once, on this thread (tests and callers outside the event loop)."""
        document = self.workspace.get_text_document(uri)
        text, version = document.source, document.version
        pairs = self._diagnose(uri, text)
        self._flush_notes()
        self._send(uri, pairs, version)

    async def publish_async(self, uri: str) -> None:
        """Lint the document's current text off the event loop; publish only if it has not
        changed meanwhile (a newer run, already scheduled, publishes that one)."""
        stamp = self._stamp(uri, False)
        if stamp is None:
            return
        document = self.workspace.get_text_document(uri)
        text = document.source
        pairs = await asyncio.get_running_loop().run_in_executor(None, self._diagnose, uri, text)
        self._flush_notes()
        if self._still(uri, stamp, False):
            self._send(uri, pairs, stamp)

    def _diagnose(self, uri: str, text: str) -> List[Tuple[lsp.Diagnostic, Finding]]:
        lines = text.splitlines()
        with self._lock:
            found = self.lint(uri, text)
        return [(to_diagnostic(f, lines), f) for f in found]

    def _send(self, uri: str, pairs: List[Tuple[lsp.Diagnostic, Finding]], version: Optional[int]) -> None:
        self.findings[uri] = pairs
        self.text_document_publish_diagnostics(
            lsp.PublishDiagnosticsParams(uri=uri, diagnostics=[d for d, _ in pairs], version=version)
        )

    # ------------------------------------------------------------------ notebooks
    async def publish_notebook_async(self, uri: str) -> None:
        """Lint a notebook's code cells together, as the CLI lints an `.ipynb`, and publish each
        cell's diagnostics on the cell's URI (an empty list for a cell without findings, so
        fixed findings disappear)."""
        stamp = self._stamp(uri, True)
        nb = self.workspace.get_notebook_document(notebook_uri=uri)
        if stamp is None or nb is None:
            return
        cells = []
        for number, cell in enumerate(nb.cells, 1):
            if cell.kind != lsp.NotebookCellKind.Code:
                continue
            document = self.workspace.get_text_document(cell.document)
            if document.language_id not in (None, "", "python"):
                continue
            cells.append((number, cell.document, document.source, document.version))
        per_cell = await asyncio.get_running_loop().run_in_executor(None, self._diagnose_notebook, uri, cells)
        self._flush_notes()
        if not self._still(uri, stamp, True):
            return
        for cell_uri, pairs, version in per_cell:
            self._send(cell_uri, pairs, version)
        self.notebook_cells[uri] = [cell_uri for cell_uri, _, _ in per_cell]

    def _diagnose_notebook(self, uri: str, cells: Sequence[Tuple[int, str, str, int]]) -> List[Tuple[str, List[Tuple[lsp.Diagnostic, Finding]], int]]:
        from .notebook import from_cells

        source = from_cells([(number, text) for number, _, text, _ in cells])
        with self._lock:
            found = self.lint(uri, source.text)
        by_cell: Dict[int, List[Finding]] = {}
        for f in found:
            cell, line = source.locate(f.line)
            end_cell, end_line = source.locate(f.end_line)
            by_cell.setdefault(cell, []).append(
                dataclasses.replace(f, line=line, end_line=end_line if end_cell == cell else line, cell=cell, fix=_cell_fix(f, source, cell))
            )
        out = []
        for number, cell_uri, text, version in cells:
            lines = text.splitlines()
            out.append((cell_uri, [(to_diagnostic(f, lines), f) for f in by_cell.get(number, [])], version))
        return out

    def close_notebook(self, uri: str, cell_uris: Sequence[str]) -> None:
        self.cancel(uri)
        for cell_uri in {*cell_uris, *self.notebook_cells.pop(uri, [])}:
            self.findings.pop(cell_uri, None)
            self.text_document_publish_diagnostics(lsp.PublishDiagnosticsParams(uri=cell_uri, diagnostics=[]))

    def code_actions(self, params: lsp.CodeActionParams) -> List[lsp.CodeAction]:
        uri = params.text_document.uri
        document = self.workspace.get_text_document(uri)
        lines = document.source.splitlines()
        wanted = {(d.code, d.range.start.line, d.range.start.character) for d in params.context.diagnostics if d.source == SOURCE}
        actions: List[lsp.CodeAction] = []
        for diagnostic, f in self.findings.get(uri, []):
            if (diagnostic.code, diagnostic.range.start.line, diagnostic.range.start.character) not in wanted:
                continue
            if f.fix is not None and f.fix.edits:
                unsafe = f.fix.applicability != Applicability.SAFE
                actions.append(
                    lsp.CodeAction(
                        title=f"{f.code}: {f.fix.message}" + (" (unsafe fix: may change behaviour)" if unsafe else ""),
                        kind=lsp.CodeActionKind.QuickFix,
                        diagnostics=[diagnostic],
                        is_preferred=not unsafe,
                        edit=lsp.WorkspaceEdit(changes={uri: [text_edit(e, lines) for e in f.fix.edits]}),
                    )
                )
            actions.append(
                lsp.CodeAction(
                    title=f"{f.code}: suppress on this line (# noqa: {f.code})",
                    kind=lsp.CodeActionKind.QuickFix,
                    diagnostics=[diagnostic],
                    edit=lsp.WorkspaceEdit(changes={uri: [suppression_edit(f, lines)]}),
                )
            )
        return actions


def _cache(config: Any, path: str) -> Any:
    """The CLI's result cache for the project of `path` (None when it cannot be used)."""
    from .runner import Cache, ensure_cache_dir

    root = config.root or os.path.dirname(path)
    directory = os.path.join(root, config.cache_dir) if config.cache_dir else os.path.join(root, ".leaklint_cache")
    try:
        ensure_cache_dir(directory)
        return Cache(directory, config)
    except OSError:
        return None


def _is_python(uri: str, language_id: Optional[str] = None) -> bool:
    return language_id == "python" or uri.endswith((".py", ".pyi", ".pyw"))


def _seconds(value: Any, default: float) -> float:
    try:
        seconds = float(value)
    except (TypeError, ValueError):
        return default
    return seconds if seconds >= 0 else default


def _cell_fix(f: Finding, source: Any, cell: int) -> Any:
    """A fix's edits moved from the notebook's joined module to lines of `cell`; no fix when
    an edit would reach into another cell."""
    if f.fix is None:
        return None
    edits = []
    for edit in f.fix.edits:
        start_cell, start = source.locate(edit.start_line)
        end_cell, end = source.locate(edit.end_line)
        if start_cell != cell or end_cell != cell:
            return None
        edits.append(dataclasses.replace(edit, start_line=start, end_line=end))
    return dataclasses.replace(f.fix, edits=tuple(edits))


def build_server() -> LeaklintServer:
    server = LeaklintServer()

    @server.feature(lsp.INITIALIZE)
    def initialize(ls: LeaklintServer, params: lsp.InitializeParams) -> None:
        options = params.initialization_options
        if isinstance(options, dict) and "debounce" in options:
            ls.debounce = _seconds(options["debounce"], ls.debounce)

    @server.feature(lsp.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: LeaklintServer, params: lsp.DidOpenTextDocumentParams) -> None:
        if _is_python(params.text_document.uri, params.text_document.language_id):
            ls.cancel(params.text_document.uri)
            ls.publish(params.text_document.uri)

    @server.feature(lsp.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: LeaklintServer, params: lsp.DidChangeTextDocumentParams) -> None:
        if _is_python(params.text_document.uri) or params.text_document.uri in ls.findings:
            ls.schedule(params.text_document.uri)

    @server.feature(lsp.TEXT_DOCUMENT_DID_SAVE)
    def did_save(ls: LeaklintServer, params: lsp.DidSaveTextDocumentParams) -> None:
        if _is_python(params.text_document.uri) or params.text_document.uri in ls.findings:
            ls.cancel(params.text_document.uri)
            ls.publish(params.text_document.uri)

    @server.feature(lsp.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: LeaklintServer, params: lsp.DidCloseTextDocumentParams) -> None:
        ls.cancel(params.text_document.uri)
        ls.findings.pop(params.text_document.uri, None)
        ls.text_document_publish_diagnostics(lsp.PublishDiagnosticsParams(uri=params.text_document.uri, diagnostics=[]))

    @server.feature(lsp.NOTEBOOK_DOCUMENT_DID_OPEN)
    async def notebook_open(ls: LeaklintServer, params: lsp.DidOpenNotebookDocumentParams) -> None:
        ls.cancel(params.notebook_document.uri)
        await ls.publish_notebook_async(params.notebook_document.uri)

    @server.feature(lsp.NOTEBOOK_DOCUMENT_DID_CHANGE)
    def notebook_change(ls: LeaklintServer, params: lsp.DidChangeNotebookDocumentParams) -> None:
        ls.schedule(params.notebook_document.uri, notebook=True)

    @server.feature(lsp.NOTEBOOK_DOCUMENT_DID_SAVE)
    async def notebook_save(ls: LeaklintServer, params: lsp.DidSaveNotebookDocumentParams) -> None:
        ls.cancel(params.notebook_document.uri)
        await ls.publish_notebook_async(params.notebook_document.uri)

    @server.feature(lsp.NOTEBOOK_DOCUMENT_DID_CLOSE)
    def notebook_close(ls: LeaklintServer, params: lsp.DidCloseNotebookDocumentParams) -> None:
        ls.close_notebook(params.notebook_document.uri, [c.uri for c in params.cell_text_documents])

    @server.feature(
        lsp.TEXT_DOCUMENT_CODE_ACTION,
        lsp.CodeActionOptions(code_action_kinds=[lsp.CodeActionKind.QuickFix]),
    )
    def code_action(ls: LeaklintServer, params: lsp.CodeActionParams) -> List[lsp.CodeAction]:
        return ls.code_actions(params)

    return server


def serve() -> None:
    build_server().start_io()
