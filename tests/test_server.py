"""`leaklint server`, driven by a real LSP client (pygls's) over stdio: diagnostics on open,
change and save from the CLI's engine and configuration, code actions for fixes and
suppressions, the result cache."""

import asyncio
import os
import sys
from pathlib import Path
from typing import Any, Dict, List

import pytest
from lsprotocol import types as lsp
from pygls.lsp.client import LanguageClient

from leaklint.server import suppression_edit, text_edit, to_diagnostic
from leaklint.types import Applicability, Confidence, Edit, Finding, Fix

ROOT = Path(__file__).resolve().parent.parent
LEAKY = "def read(p):\n    f = open(p)\n    return f.read()\n"
CLEAN = "def read(p):\n    with open(p) as f:\n        return f.read()\n"
TIMEOUT = 60


class Client(LanguageClient):
    def __init__(self) -> None:
        super().__init__("leaklint-test", "1")
        self.published: Dict[str, List[lsp.PublishDiagnosticsParams]] = {}
        self.messages: List[str] = []
        self.event = asyncio.Event()
        self.init_result: Any = None

        @self.feature(lsp.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        def on_diagnostics(params: lsp.PublishDiagnosticsParams) -> None:
            self.published.setdefault(params.uri, []).append(params)
            self.event.set()

        @self.feature(lsp.WINDOW_SHOW_MESSAGE)
        def on_message(params: lsp.ShowMessageParams) -> None:
            self.messages.append(params.message)
            self.event.set()

    async def wait_for(self, uri: str, count: int) -> lsp.PublishDiagnosticsParams:
        async def until() -> None:
            while len(self.published.get(uri, [])) < count:
                self.event.clear()
                await self.event.wait()

        await asyncio.wait_for(until(), TIMEOUT)
        return self.published[uri][count - 1]


async def session(project: Path, body: Any, options: Any = None, capabilities: Any = None) -> None:
    client = Client()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("LEAKLINT_DOCS_URL", None)
    env.pop("LEAKLINT_LSP_DEBOUNCE", None)
    await client.start_io(sys.executable, "-m", "leaklint", "server", cwd=str(project), env=env)
    try:
        client.init_result = await asyncio.wait_for(
            client.initialize_async(
                lsp.InitializeParams(
                    capabilities=capabilities or lsp.ClientCapabilities(), root_uri=project.as_uri(), process_id=os.getpid(),
                    initialization_options=options,
                )
            ),
            TIMEOUT,
        )
        client.initialized(lsp.InitializedParams())
        await body(client)
        await asyncio.wait_for(client.shutdown_async(None), TIMEOUT)
        client.exit(None)
    finally:
        server = client._server  # never hang on a server that did not exit
        if server is not None and server.returncode is None:
            try:
                await asyncio.wait_for(server.wait(), 10)
            except asyncio.TimeoutError:
                server.kill()
        await asyncio.wait_for(client.stop(), TIMEOUT)


def open_doc(client: Client, path: Path, text: str) -> str:
    uri = path.as_uri()
    client.text_document_did_open(lsp.DidOpenTextDocumentParams(text_document=lsp.TextDocumentItem(uri=uri, language_id="python", version=1, text=text)))
    return uri


def test_diagnostics_on_open_change_save_and_code_actions(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.leaklint]\nextend-exclude = ["generated"]\n')
    (tmp_path / "pkg").mkdir()
    path = tmp_path / "pkg" / "mod.py"
    path.write_text(LEAKY)

    async def body(client: Client) -> None:
        uri = open_doc(client, path, LEAKY)
        published = await client.wait_for(uri, 1)
        assert [(d.code, d.source, d.range.start.line, d.range.start.character, d.severity) for d in published.diagnostics] == [
            ("LL401", "leaklint", 1, 8, lsp.DiagnosticSeverity.Warning)
        ]
        assert published.diagnostics[0].message.startswith("open() bound to f is never closed")
        diagnostic = published.diagnostics[0]

        actions = await asyncio.wait_for(
            client.text_document_code_action_async(
                lsp.CodeActionParams(
                    text_document=lsp.TextDocumentIdentifier(uri=uri),
                    range=diagnostic.range,
                    context=lsp.CodeActionContext(diagnostics=[diagnostic]),
                )
            ),
            TIMEOUT,
        )
        titles = [a.title for a in actions]
        # the rule's own fix first (LL401 offers a `with` block here), then the suppression
        assert titles == ["LL401: Close `f` with a with block around its uses", "LL401: suppress on this line (# noqa: LL401)"]
        assert actions[0].is_preferred
        edit = actions[1].edit.changes[uri][0]
        assert edit.new_text == "  # noqa: LL401" and edit.range.start == lsp.Position(line=1, character=15)

        # a change that fixes the leak clears the diagnostics; one that suppresses it too
        client.text_document_did_change(
            lsp.DidChangeTextDocumentParams(
                text_document=lsp.VersionedTextDocumentIdentifier(uri=uri, version=2),
                content_changes=[lsp.TextDocumentContentChangeWholeDocument(text=CLEAN)],
            )
        )
        assert (await client.wait_for(uri, 2)).diagnostics == ()
        client.text_document_did_change(
            lsp.DidChangeTextDocumentParams(
                text_document=lsp.VersionedTextDocumentIdentifier(uri=uri, version=3),
                content_changes=[lsp.TextDocumentContentChangeWholeDocument(text=LEAKY.replace("open(p)", "open(p)  # noqa: LL401"))],
            )
        )
        assert (await client.wait_for(uri, 3)).diagnostics == ()
        client.text_document_did_change(
            lsp.DidChangeTextDocumentParams(
                text_document=lsp.VersionedTextDocumentIdentifier(uri=uri, version=4),
                content_changes=[lsp.TextDocumentContentChangeWholeDocument(text=LEAKY)],
            )
        )
        assert len((await client.wait_for(uri, 4)).diagnostics) == 1
        client.text_document_did_save(lsp.DidSaveTextDocumentParams(text_document=lsp.TextDocumentIdentifier(uri=uri)))
        assert len((await client.wait_for(uri, 5)).diagnostics) == 1

        # the project's configuration applies: excluded paths get nothing, a test file is test code
        (tmp_path / "generated").mkdir()
        excluded = open_doc(client, tmp_path / "generated" / "x.py", LEAKY)
        assert (await client.wait_for(excluded, 1)).diagnostics == ()
        (tmp_path / "tests").mkdir()
        test_file = open_doc(client, tmp_path / "tests" / "test_x.py", LEAKY.replace("def read", "def test_read"))
        assert (await client.wait_for(test_file, 1)).diagnostics == ()  # LL401 skips test code, as the CLI does

        # a config edit is picked up; a broken config is shown, not swallowed
        (tmp_path / "pyproject.toml").write_text('[tool.leaklint]\nselect = ["LL9"]\n')
        broken = open_doc(client, tmp_path / "pkg" / "other.py", LEAKY)
        await client.wait_for(broken, 1)
        assert any("'LL9' matches no rule" in m for m in client.messages)
        # ... also when the lint runs on a worker thread (a debounced change)
        shown = len(client.messages)
        change(client, uri, 6, LEAKY + "\n")
        assert (await client.wait_for(uri, 6)).diagnostics == ()
        assert len(client.messages) > shown and "'LL9' matches no rule" in client.messages[-1]

    asyncio.run(session(tmp_path, body))
    # the server wrote the CLI's result cache in the project root
    assert any((tmp_path / ".leaklint_cache").rglob("*.json"))


def test_fix_and_suppression_edits_from_findings() -> None:
    lines = ["def read(p):", "    f = open(p)  # noqa: E501", "    return 'é' + f.read()"]
    f = Finding("m.py", 2, 9, 2, 16, "LL401", "resource-not-closed", "never closed", Confidence.HIGH)
    # a `# noqa:` already on the line gets the code appended
    edit = suppression_edit(f, lines)
    assert edit.new_text == ", LL401" and edit.range.start == lsp.Position(line=1, character=len(lines[1]))
    # LSP columns are UTF-16 code units; ours are code points
    wide = Finding("m.py", 3, 20, 3, 26, "LL401", "resource-not-closed", "x", Confidence.HIGH)
    lines3 = ["", "", "    return '𝄞' + f.read()"]
    assert to_diagnostic(wide, lines3).range.start.character == 20  # one astral char counts twice
    fix = Fix("Open it in a with block", Applicability.SAFE, (Edit(2, 5, 2, 16, "with open(p) as f:"),))
    assert text_edit(fix.edits[0], lines).range == lsp.Range(start=lsp.Position(line=1, character=4), end=lsp.Position(line=1, character=15))


def test_code_action_offers_a_findings_fix(tmp_path: Path) -> None:
    """A finding that carries a Fix becomes a preferred quick fix (unsafe ones say so)."""
    from leaklint.server import build_server

    from pygls.workspace import Workspace

    server = build_server()
    server.protocol._workspace = Workspace(tmp_path.as_uri())  # what `initialize` sets up
    uri = (tmp_path / "m.py").as_uri()
    text = LEAKY
    server.workspace.put_text_document(lsp.TextDocumentItem(uri=uri, language_id="python", version=1, text=text))
    lines = text.splitlines()
    for applicability, preferred, suffix in ((Applicability.SAFE, True, ""), (Applicability.UNSAFE, False, " (unsafe fix: may change behaviour)")):
        f = Finding("m.py", 2, 9, 2, 16, "LL401", "resource-not-closed", "never closed", Confidence.HIGH,
                    fix=Fix("Close it with a with block", applicability, (Edit(2, 5, 3, 20, "with open(p) as f:\n        return f.read()"),)))
        diagnostic = to_diagnostic(f, lines)
        server.findings[uri] = [(diagnostic, f)]
        actions = server.code_actions(lsp.CodeActionParams(
            text_document=lsp.TextDocumentIdentifier(uri=uri), range=diagnostic.range,
            context=lsp.CodeActionContext(diagnostics=[diagnostic])))
        assert [a.title for a in actions] == [f"LL401: Close it with a with block{suffix}", "LL401: suppress on this line (# noqa: LL401)"]
        assert actions[0].is_preferred is preferred
        change = actions[0].edit.changes[uri][0]
        assert change.new_text.startswith("with open(p) as f:") and change.range.end == lsp.Position(line=2, character=19)


def test_server_command_line(capsys: pytest.CaptureFixture) -> None:
    from leaklint.cli import main

    assert main(["server", "--help"]) == 0
    assert capsys.readouterr().out.startswith("usage: leaklint server [--stdio]")
    assert main(["server", "--port", "1"]) == 2
    assert "takes only --stdio" in capsys.readouterr().err
    assert main(["--help"]) == 0
    assert "`leaklint server` runs the language server" in capsys.readouterr().out.replace("\n", " ")


def change(client: Client, uri: str, version: int, text: str) -> None:
    client.text_document_did_change(
        lsp.DidChangeTextDocumentParams(
            text_document=lsp.VersionedTextDocumentIdentifier(uri=uri, version=version),
            content_changes=[lsp.TextDocumentContentChangeWholeDocument(text=text)],
        )
    )


TWO_LEAKS = LEAKY + "\n\ndef write(p):\n    g = open(p, 'w')\n    g.write('x')\n"


async def burst_of_changes(client: Client, tmp_path: Path) -> None:
    """Five edits sent back to back, well inside one quiet period (1 s here): one lint, of the
    last version; none of the intermediate texts (CLEAN has no finding) is published."""
    path = tmp_path / "mod.py"
    path.write_text(LEAKY)
    uri = open_doc(client, path, LEAKY)
    assert (await client.wait_for(uri, 1)).version == 1
    for version, text in enumerate([CLEAN, LEAKY, CLEAN, LEAKY, TWO_LEAKS], start=2):
        change(client, uri, version, text)
    published = await client.wait_for(uri, 2)
    assert published.version == 6 and [d.range.start.line for d in published.diagnostics] == [1, 6]
    # a save lints at once; nothing was published in between
    client.text_document_did_save(lsp.DidSaveTextDocumentParams(text_document=lsp.TextDocumentIdentifier(uri=uri)))
    await client.wait_for(uri, 3)
    assert [p.version for p in client.published[uri]] == [1, 6, 6]


def test_a_result_for_an_outdated_version_is_never_published(tmp_path: Path) -> None:
    """Linting runs off the event loop; when the document changes while it runs, that run's
    result is dropped (the run scheduled by the change publishes the newer version)."""
    from pygls.workspace import Workspace

    from leaklint.server import build_server

    server = build_server()
    server.protocol._workspace = Workspace(tmp_path.as_uri())
    uri = (tmp_path / "m.py").as_uri()
    server.workspace.put_text_document(lsp.TextDocumentItem(uri=uri, language_id="python", version=1, text=LEAKY))
    sent: List[lsp.PublishDiagnosticsParams] = []
    server.text_document_publish_diagnostics = sent.append  # type: ignore[method-assign]
    diagnose = server._diagnose

    def edited_while_linting(uri: str, text: str) -> Any:
        result = diagnose(uri, text)
        server.workspace.update_text_document(
            lsp.VersionedTextDocumentIdentifier(uri=uri, version=2), lsp.TextDocumentContentChangeWholeDocument(text=CLEAN)
        )
        return result

    server._diagnose = edited_while_linting  # type: ignore[method-assign]
    asyncio.run(server.publish_async(uri))
    assert sent == []  # the LEAKY result would have been stale
    server._diagnose = diagnose  # type: ignore[method-assign]
    asyncio.run(server.publish_async(uri))
    assert [(p.version, p.diagnostics) for p in sent] == [(2, [])]
    # a document closed while it was being linted gets nothing either
    server.workspace.remove_text_document(uri)
    asyncio.run(server.publish_async(uri))
    assert len(sent) == 1


NB_CELLS = [
    (lsp.NotebookCellKind.Markup, "markdown", "# Notes"),
    (lsp.NotebookCellKind.Code, "python", "import functools\n%matplotlib inline\n"),
    (lsp.NotebookCellKind.Code, "python", "class Service:\n    @functools.lru_cache(maxsize=None)\n    def lookup(self, key):\n        return key\n"),
    (lsp.NotebookCellKind.Code, "python", "def load(p):\n    f = open(p)  # noqa: LL401\n    return f.read()\n\ndef read(p):\n    g = open(p)\n    return g.read()\n"),
]


async def notebook_documents(client: Client, tmp_path: Path) -> None:
    """A notebook document's code cells are linted together, each cell published on its own
    URI; edits (debounced), save and close."""
    nb_uri = (tmp_path / "nb.ipynb").as_uri()
    cell_uris = [f"vscode-notebook-cell:{(tmp_path / 'nb.ipynb').as_posix()}#cell{i}" for i in range(len(NB_CELLS))]
    sync = client.init_result.capabilities.notebook_document_sync  # advertised, for Python cells
    assert sync.save and [c.language for c in sync.notebook_selector[0].cells] == ["python"]
    client.notebook_document_did_open(
        lsp.DidOpenNotebookDocumentParams(
            notebook_document=lsp.NotebookDocument(
                uri=nb_uri, notebook_type="jupyter-notebook", version=1,
                cells=[lsp.NotebookCell(kind=kind, document=cell_uris[i]) for i, (kind, _, _) in enumerate(NB_CELLS)],
            ),
            cell_text_documents=[
                lsp.TextDocumentItem(uri=cell_uris[i], language_id=language, version=1, text=text) for i, (_, language, text) in enumerate(NB_CELLS)
            ],
        )
    )
    # the code cells are linted together (cell 2 needs cell 1's import), each published on its own URI
    found = {i: [(d.code, d.range.start.line) for d in (await client.wait_for(cell_uris[i], 1)).diagnostics] for i in (1, 2, 3)}
    assert found == {1: [], 2: [("LL103", 2)], 3: [("LL401", 5)]}  # the noqa in cell 3 holds
    assert cell_uris[0] not in client.published  # markdown is not Python

    # a suppression code action edits the cell, at the cell's line
    diagnostic = client.published[cell_uris[3]][0].diagnostics[0]
    actions = await asyncio.wait_for(
        client.text_document_code_action_async(
            lsp.CodeActionParams(
                text_document=lsp.TextDocumentIdentifier(uri=cell_uris[3]), range=diagnostic.range,
                context=lsp.CodeActionContext(diagnostics=[diagnostic]),
            )
        ),
        TIMEOUT,
    )
    suppress = [a for a in actions if "suppress" in a.title][0]
    assert suppress.edit.changes[cell_uris[3]][0].range.start.line == 5

    # an edit of one cell (debounced) re-lints the notebook; the fixed cell is cleared
    fixed = NB_CELLS[3][2].replace("    g = open(p)\n    return g.read()\n", "    with open(p) as g:\n        return g.read()\n")
    client.notebook_document_did_change(
        lsp.DidChangeNotebookDocumentParams(
            notebook_document=lsp.VersionedNotebookDocumentIdentifier(uri=nb_uri, version=2),
            change=lsp.NotebookDocumentChangeEvent(
                cells=lsp.NotebookDocumentCellChanges(
                    text_content=[
                        lsp.NotebookDocumentCellContentChanges(
                            document=lsp.VersionedTextDocumentIdentifier(uri=cell_uris[3], version=2),
                            changes=[lsp.TextDocumentContentChangeWholeDocument(text=fixed)],
                        )
                    ]
                )
            ),
        )
    )
    assert (await client.wait_for(cell_uris[3], 2)).diagnostics == ()
    assert [(d.code, d.range.start.line) for d in (await client.wait_for(cell_uris[2], 2)).diagnostics] == [("LL103", 2)]

    client.notebook_document_did_save(lsp.DidSaveNotebookDocumentParams(notebook_document=lsp.NotebookDocumentIdentifier(uri=nb_uri)))
    assert len((await client.wait_for(cell_uris[2], 3)).diagnostics) == 1

    # closing the notebook clears every cell's diagnostics
    client.notebook_document_did_close(
        lsp.DidCloseNotebookDocumentParams(
            notebook_document=lsp.NotebookDocumentIdentifier(uri=nb_uri),
            cell_text_documents=[lsp.TextDocumentIdentifier(uri=u) for u in cell_uris],
        )
    )
    assert (await client.wait_for(cell_uris[2], 4)).diagnostics == ()



def test_debounced_changes_and_notebook_documents(tmp_path: Path) -> None:
    # one server for both (starting one is most of a session's cost)
    async def body(client: Client) -> None:
        await burst_of_changes(client, tmp_path)
        await notebook_documents(client, tmp_path)

    notebooks = lsp.ClientCapabilities(notebook_document=lsp.NotebookDocumentClientCapabilities(synchronization=lsp.NotebookDocumentSyncClientCapabilities()))
    asyncio.run(session(tmp_path, body, options={"debounce": 1.0}, capabilities=notebooks))
