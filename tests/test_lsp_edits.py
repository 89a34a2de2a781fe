"""Seeded random edits through a real LSP client: the server's diagnostics end up those of a fresh
analysis of the editor's final text, in utf-8, utf-16 and utf-32.

The edits (line breaks LSP does not know, CRLF, astral characters, positions past a line's end) come
from test_lsp_document.py, whose reference model gives the editor's text after each one; that test
checks the server's document model edit by edit, this one checks what the server then reports.
"""
import asyncio
import re
import sys

import pytest
import pytest_lsp
from conftest import SPUN
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient
from test_lsp_document import random_edits, reference_offset

URI = "file:///tmp/unspin-edits/doc.txt"
BASE = (SPUN + "\r\n" + SPUN.replace("said", "said 😀") + "\x0b " + SPUN + "\u2028" + SPUN + "\r" + SPUN + "\x85"
        + SPUN + "\n")
CHECKPOINTS = 3
EDITS_PER_CHECKPOINT = 350


def _client_fixture(encoding):
    @pytest_lsp.fixture(config=ClientServerConfig(server_command=[sys.executable, "-m", "unspin.lsp"]))
    async def client(lsp_client: LanguageClient):
        result = await lsp_client.initialize_session(types.InitializeParams(
            capabilities=types.ClientCapabilities(general=types.GeneralClientCapabilities(position_encodings=[encoding])),
            initialization_options={"debounceMs": 10, "model": "trigram"}))
        assert result.capabilities.position_encoding == encoding
        yield
        await lsp_client.shutdown_session()
    return client


utf8 = _client_fixture(types.PositionEncodingKind.Utf8)
utf16 = _client_fixture(types.PositionEncodingKind.Utf16)
utf32 = _client_fixture(types.PositionEncodingKind.Utf32)


def _key(diagnostics):
    return sorted((d.range.start.line, d.range.start.character, d.range.end.line, d.range.end.character, d.message)
                  for d in diagnostics)


async def _settled(client: LanguageClient, uri: str, fresh: str, timeout: float = 60):
    """Wait until ``uri``'s published diagnostics equal ``fresh``'s (the edited document's settle refit
    may come a second after its first diagnostics); return both."""
    async def wait():
        while True:
            ours, theirs = client.diagnostics.get(uri), client.diagnostics.get(fresh)
            if ours is not None and theirs is not None and _key(ours) == _key(theirs):
                return ours, theirs
            await asyncio.sleep(0.1)
    try:
        return await asyncio.wait_for(wait(), timeout)
    except asyncio.TimeoutError:
        return client.diagnostics.get(uri), client.diagnostics.get(fresh)


async def _wait_version(client: LanguageClient, uri: str, version: int, timeout: float = 60):
    async def wait():
        while True:
            params = await client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
            if params.uri == uri and params.version == version:
                return
    await asyncio.wait_for(wait(), timeout)


def _flagged_text(text: str, d: types.Diagnostic, encoding: str) -> str:
    start = reference_offset(text, d.range.start.line, d.range.start.character, encoding)
    end = reference_offset(text, d.range.end.line, d.range.end.character, encoding)
    return text[start:end]


async def _check(client: LanguageClient, encoding: str, checkpoints: int = CHECKPOINTS) -> None:
    text = BASE
    client.text_document_did_open(types.DidOpenTextDocumentParams(
        types.TextDocumentItem(uri=URI, language_id="plaintext", version=1, text=text)))
    await _wait_version(client, URI, 1)
    edits = random_edits(5, text, encoding, checkpoints * EDITS_PER_CHECKPOINT)
    version = 1
    for checkpoint in range(checkpoints):
        for _ in range(EDITS_PER_CHECKPOINT):
            change, text = next(edits)
            version += 1
            client.text_document_did_change(types.DidChangeTextDocumentParams(
                types.VersionedTextDocumentIdentifier(uri=URI, version=version), [change]))
        await _wait_version(client, URI, version)
        fresh = f"file:///tmp/unspin-edits/fresh{checkpoint}.txt"
        client.text_document_did_open(types.DidOpenTextDocumentParams(
            types.TextDocumentItem(uri=fresh, language_id="plaintext", version=1, text=text)))
        ours, theirs = await _settled(client, URI, fresh)
        assert ours and _key(ours) == _key(theirs), f"checkpoint {checkpoint}"
        for d in ours:  # every range covers the word its message names, in the editor's text
            assert _flagged_text(text, d, encoding) == re.match(r"'([^']*)'", d.message).group(1)
        client.text_document_did_close(types.DidCloseTextDocumentParams(types.TextDocumentIdentifier(fresh)))


@pytest.mark.asyncio
async def test_random_edits_utf16(utf16: LanguageClient):
    await _check(utf16, "utf-16")


@pytest.mark.asyncio
async def test_random_edits_utf8(utf8: LanguageClient):
    await _check(utf8, "utf-8")


@pytest.mark.asyncio
async def test_random_edits_utf32(utf32: LanguageClient):
    await _check(utf32, "utf-32", checkpoints=1)
