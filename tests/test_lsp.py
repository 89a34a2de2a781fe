"""End-to-end tests of unspin-lsp through a real LSP client (pytest-lsp)."""
import asyncio
import sys

import pytest
import pytest_lsp
from conftest import CLEAN, SPUN
from lsprotocol import types
from pygls.exceptions import JsonRpcMethodNotFound
from pytest_lsp import ClientServerConfig, LanguageClient

URI = "file:///tmp/unspin-test/doc.txt"


@pytest_lsp.fixture(config=ClientServerConfig(server_command=[sys.executable, "-m", "unspin.lsp"]))
async def client(lsp_client: LanguageClient):
    caps = types.ClientCapabilities(
        general=types.GeneralClientCapabilities(position_encodings=[types.PositionEncodingKind.Utf16]),
        text_document=types.TextDocumentClientCapabilities(diagnostic=types.DiagnosticClientCapabilities()),
    )
    await lsp_client.initialize_session(types.InitializeParams(
        capabilities=caps, initialization_options={"debounceMs": 10}))
    yield
    await lsp_client.shutdown_session()


async def open_doc(client, text, uri=URI, language="plaintext", version=1):
    client.text_document_did_open(types.DidOpenTextDocumentParams(
        types.TextDocumentItem(uri=uri, language_id=language, version=version, text=text)))
    return await diagnostics_for(client, uri, version)


async def diagnostics_for(client, uri, version, timeout=20.0):
    async def wait():
        while True:
            params = await client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
            if params.uri == uri and params.version == version:
                return list(params.diagnostics)
    return await asyncio.wait_for(wait(), timeout)


def apply(text, edits):
    lines = text.split("\n")
    offs = [0]
    for line in lines:
        offs.append(offs[-1] + len(line) + 1)
    for e in sorted(edits, key=lambda e: (e.range.start.line, e.range.start.character), reverse=True):
        a = offs[e.range.start.line] + e.range.start.character
        b = offs[e.range.end.line] + e.range.end.character
        text = text[:a] + e.new_text + text[b:]
    return text


@pytest.mark.asyncio
async def test_push_and_pull_diagnostics(client: LanguageClient):
    diags = await open_doc(client, SPUN)
    words = {d.message.split("'")[1] for d in diags}
    assert {"helium", "volition", "beryllium"} <= words
    d = next(d for d in diags if "helium" in d.message)
    assert d.source == "unspin" and d.code == "spun-word" and d.severity == types.DiagnosticSeverity.Warning
    assert "'helium' may be a spun substitute for 'he'" in d.message
    report = await client.text_document_diagnostic_async(
        types.DocumentDiagnosticParams(types.TextDocumentIdentifier(URI)))
    assert {x.message for x in report.items} == {x.message for x in diags}


@pytest.mark.asyncio
async def test_clean_text_has_no_diagnostics(client: LanguageClient):
    assert await open_doc(client, CLEAN) == []


@pytest.mark.asyncio
async def test_hover_explains(client: LanguageClient):
    diags = await open_doc(client, SPUN)
    d = next(d for d in diags if "helium" in d.message)
    hover = await client.text_document_hover_async(types.HoverParams(types.TextDocumentIdentifier(URI), d.range.start))
    assert hover is not None and "**he**" in hover.contents.value
    assert "Sentence restored" in hover.contents.value and "he will not be able" in hover.contents.value


@pytest.mark.asyncio
async def test_quick_fix_and_fix_all_applied_then_rechecked(client: LanguageClient):
    diags = await open_doc(client, SPUN)
    d = next(d for d in diags if "helium" in d.message)
    d.data = None  # some clients (ALE) drop it; actions must not need it
    actions = await client.text_document_code_action_async(types.CodeActionParams(
        types.TextDocumentIdentifier(URI), d.range, types.CodeActionContext(diagnostics=[d])))
    titles = {a.title for a in actions}
    actions = [a for a in actions if isinstance(a, types.CodeAction) and a.edit]
    fix = next(a for a in actions if a.is_preferred)
    assert fix.title == "Replace 'helium' with 'he'"
    assert {"Restore this sentence", "Restore all in this document", "Ignore 'helium' in this document",
            "Add 'helium' to the workspace allowlist"} <= titles
    fix_all = next(a for a in actions if a.kind == "source.fixAll.unspin")
    fixed = apply(SPUN, fix_all.edit.changes[URI])
    assert fixed.startswith("Officials said he will not be able")
    client.text_document_did_change(types.DidChangeTextDocumentParams(
        types.VersionedTextDocumentIdentifier(uri=URI, version=2),
        [types.TextDocumentContentChangeWholeDocument(text=fixed)]))
    assert await diagnostics_for(client, URI, 2) == []


@pytest.mark.asyncio
async def test_ignore_command_and_live_configuration(client: LanguageClient):
    diags = await open_doc(client, SPUN)
    await client.workspace_execute_command_async(
        types.ExecuteCommandParams(command="unspin.ignoreWord", arguments=[URI, "helium"]))
    diags = client.diagnostics[URI]  # published before the command returned
    assert diags and not any("'helium'" in d.message for d in diags)
    client.workspace_did_change_configuration(types.DidChangeConfigurationParams(
        settings={"unspin": {"severity": "error", "threshold": 0.99}}))
    diags = await diagnostics_for(client, URI, 1)
    assert diags and all(d.severity == types.DiagnosticSeverity.Error for d in diags)


@pytest.mark.asyncio
async def test_markdown_code_and_markers_are_skipped(client: LanguageClient):
    text = ("Some `helium volition beryllium` code.\n\n```\nhelium volition beryllium\n```\n"
            "<!-- unspin: ignore-next-line -->\n" + SPUN + "\n\n" + SPUN + "\n")
    diags = await open_doc(client, text, uri="file:///tmp/unspin-test/a.md", language="markdown")
    assert diags and all(d.range.start.line == 8 for d in diags)


@pytest.mark.asyncio
async def test_utf16_ranges_around_emoji(client: LanguageClient):
    text = "🎉🎉 " + SPUN
    diags = await open_doc(client, text)
    d = next(d for d in diags if "helium" in d.message)
    start = text.index("helium")
    assert d.range.start.character == start + 2  # each emoji is two UTF-16 code units
    assert d.range.end.character - d.range.start.character == len("helium")


@pytest.mark.asyncio
async def test_incremental_edits_match_a_fresh_open(client: LanguageClient):
    await open_doc(client, CLEAN)
    text = CLEAN
    for version, (line_text) in enumerate(["Officials said helium ", "volition not beryllium ", "able to come. "], 2):
        client.text_document_did_change(types.DidChangeTextDocumentParams(
            types.VersionedTextDocumentIdentifier(uri=URI, version=version),
            [types.TextDocumentContentChangePartial(
                range=types.Range(types.Position(0, len(text)), types.Position(0, len(text))), text=line_text)]))
        text += line_text
    incremental = await diagnostics_for(client, URI, 4)
    fresh = await open_doc(client, text, uri="file:///tmp/unspin-test/fresh.txt")
    assert [(d.range, d.message) for d in incremental] == [(d.range, d.message) for d in fresh]


@pytest.mark.asyncio
async def test_out_of_range_edit_and_unknown_method_keep_server_alive(client: LanguageClient):
    await open_doc(client, SPUN)
    client.text_document_did_change(types.DidChangeTextDocumentParams(
        types.VersionedTextDocumentIdentifier(uri=URI, version=2),
        [types.TextDocumentContentChangePartial(range=types.Range(types.Position(99, 5), types.Position(120, 0)),
                                                text="x")]))
    with pytest.raises(JsonRpcMethodNotFound):
        await client.protocol.send_request_async("unspin/doesNotExist", {})
    report = await client.text_document_diagnostic_async(
        types.DocumentDiagnosticParams(types.TextDocumentIdentifier(URI)))
    assert report.items
