"""pygls's protocol with the gaps LSP and JSON-RPC do not allow closed.

* Every request gets a response: one whose params cannot be read gets InvalidParams (pygls drops it,
  having lost its id), one that is not JSON-RPC 2.0 or arrives after ``shutdown`` gets
  InvalidRequest, and unreadable JSON gets a ParseError (id null).
* ``exit`` without ``shutdown`` ends the process with code 1 (pygls's ``sys.exit`` is swallowed by
  its own loop); ``exit_code`` keeps it for ``__main__``.
* Open documents are the server's own (``document.py``), not pygls's workspace: its
  ``TextDocument`` breaks lines where LSP does not, and it raises on a change to a never-opened
  document.
"""
from __future__ import annotations

import json
import logging
from collections.abc import Generator
from dataclasses import dataclass
from typing import Any

from lsprotocol import types
from pygls.exceptions import (
    JsonRpcException,
    JsonRpcInvalidParams,
    JsonRpcInvalidRequest,
    JsonRpcParseError,
)
from pygls.protocol import LanguageServerProtocol
from pygls.protocol.language_server import lsp_method

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Malformed:
    """A request that could not be read into its params type: answered with ``error``."""

    id: Any
    error: JsonRpcException


def _valid_id(value: Any) -> bool:
    return isinstance(value, (int, str)) and not isinstance(value, bool)


class UnspinProtocol(LanguageServerProtocol):
    exit_code: int | None = None

    def structure_message(self, data: dict[str, Any]) -> Any:
        try:
            return super().structure_message(data)
        except JsonRpcException as e:
            if "method" in data and "id" in data:
                if isinstance(e, JsonRpcInvalidParams) or "params" in data:
                    e = JsonRpcInvalidParams(f"invalid params for {data.get('method')!r}")
                return Malformed(data["id"] if _valid_id(data["id"]) else None, e)
            raise

    def handle_message(self, message: Any) -> None:
        if isinstance(message, Malformed):
            self._send_error(message.id, message.error)
            return
        if isinstance(message, dict):  # no "jsonrpc" member: not a JSON-RPC 2.0 message
            if "method" in message and "id" in message:
                self._reject(message["id"], "not a JSON-RPC 2.0 message")
            else:
                log.warning("ignoring a message that is not JSON-RPC 2.0")
            return
        is_request = getattr(message, "method", None) is not None and getattr(message, "id", None) is not None
        if message.jsonrpc != self.VERSION:
            if is_request:
                self._reject(message.id, f"jsonrpc must be {self.VERSION!r}")
            return
        if self._shutdown and is_request and message.method != types.EXIT:
            self._reject(message.id, "the server is shutting down")
            return
        super().handle_message(message)

    def _reject(self, msg_id: Any, why: str) -> None:
        self._send_error(msg_id if _valid_id(msg_id) else None, JsonRpcInvalidRequest(why))

    def parse_error(self, error: json.JSONDecodeError) -> None:
        """Answer a message that is not JSON at all (its id cannot be known)."""
        self._send_error(None, JsonRpcParseError(str(error)))

    def _send_error(self, msg_id: Any, error: JsonRpcException) -> None:
        if msg_id is not None:
            self._send_response(msg_id, error=error.to_response_error())
        else:  # JSON-RPC wants "id": null here, which the converter would leave out
            self._send_data({"jsonrpc": self.VERSION, "id": None,
                             "error": {"code": error.code, "message": error.message}})

    @lsp_method(types.INITIALIZE)
    def lsp_initialize(self, params: types.InitializeParams) -> Generator[Any, Any, types.InitializeResult]:
        """pygls's, announcing the encoding the server settled on (a setting may force one)."""
        result = yield from super().lsp_initialize(params)
        encoding = getattr(self._server, "encoding", None)
        if encoding:
            result.capabilities.position_encoding = encoding
        return result

    @lsp_method(types.EXIT)
    def lsp_exit(self, *args: Any) -> Generator[Any, Any, None]:
        self.exit_code = 0 if self._shutdown else 1
        yield from super().lsp_exit(*args)

    @lsp_method(types.TEXT_DOCUMENT_DID_OPEN)
    def lsp_text_document__did_open(self, params: types.DidOpenTextDocumentParams) -> Generator[Any, Any, None]:
        if (handler := self.fm.features.get(types.TEXT_DOCUMENT_DID_OPEN)) is not None:
            yield handler, (params,), None

    @lsp_method(types.TEXT_DOCUMENT_DID_CHANGE)
    def lsp_text_document__did_change(self, params: types.DidChangeTextDocumentParams) -> Generator[Any, Any, None]:
        if (handler := self.fm.features.get(types.TEXT_DOCUMENT_DID_CHANGE)) is not None:
            yield handler, (params,), None

    @lsp_method(types.TEXT_DOCUMENT_DID_CLOSE)
    def lsp_text_document__did_close(self, params: types.DidCloseTextDocumentParams) -> Generator[Any, Any, None]:
        if (handler := self.fm.features.get(types.TEXT_DOCUMENT_DID_CLOSE)) is not None:
            yield handler, (params,), None
