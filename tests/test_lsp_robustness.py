"""The server under unusual input: other position encodings, huge documents, malformed messages."""
import asyncio
import sys

import pytest
import pytest_lsp
from conftest import SPUN
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient

SERVER = [sys.executable, "-m", "unspin.lsp"]


def _client_fixture(encodings):
    @pytest_lsp.fixture(config=ClientServerConfig(server_command=SERVER))
    async def client(lsp_client: LanguageClient):
        result = await lsp_client.initialize_session(types.InitializeParams(
            capabilities=types.ClientCapabilities(
                general=types.GeneralClientCapabilities(position_encodings=encodings)),
            initialization_options={"debounceMs": 10, "maxFileSize": 1_000_000}))
        lsp_client.negotiated = result.capabilities.position_encoding
        yield
        await lsp_client.shutdown_session()
    return client


utf8_client = _client_fixture([types.PositionEncodingKind.Utf8])
utf32_client = _client_fixture([types.PositionEncodingKind.Utf32])


async def _diagnostics(client, uri, text):
    client.text_document_did_open(types.DidOpenTextDocumentParams(
        types.TextDocumentItem(uri=uri, language_id="plaintext", version=1, text=text)))

    async def wait():
        while True:
            params = await client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
            if params.uri == uri and params.version == 1:
                return list(params.diagnostics)
    return await asyncio.wait_for(wait(), 30)


async def _helium_character(client: LanguageClient, uri: str, text: str) -> int:
    """The start character the server reports for the diagnostic on 'helium' in ``text``."""
    diags = await _diagnostics(client, uri, text)
    return next(d for d in diags if "helium" in d.message).range.start.character


@pytest.mark.asyncio
async def test_utf8_positions(utf8_client: LanguageClient):
    assert utf8_client.negotiated == types.PositionEncodingKind.Utf8
    text = "Café 🎉 " + SPUN
    prefix = text[: text.index("helium")]
    assert await _helium_character(utf8_client, "file:///tmp/u8.txt", text) == len(prefix.encode("utf-8"))


@pytest.mark.asyncio
async def test_utf32_positions(utf32_client: LanguageClient):
    assert utf32_client.negotiated == types.PositionEncodingKind.Utf32
    text = "Café 🎉 e\u0301 " + SPUN
    assert await _helium_character(utf32_client, "file:///tmp/u32.txt", text) == text.index("helium")


@pytest.mark.asyncio
async def test_huge_document_is_skipped_with_a_warning_and_server_keeps_serving(utf32_client: LanguageClient):
    huge = (SPUN + "\n") * (20_000_000 // (len(SPUN) + 1))
    assert await _diagnostics(utf32_client, "file:///tmp/huge.txt", huge) == []
    assert any("over maxFileSize" in m.message for m in utf32_client.log_messages)
    assert await _diagnostics(utf32_client, "file:///tmp/small.txt", SPUN)
