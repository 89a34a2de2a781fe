"""The server over raw stdio: every request gets a response, whatever is wrong with it."""
import json
import subprocess
import sys

import pytest

SERVER = [sys.executable, "-m", "unspin.lsp"]
INIT = {"jsonrpc": "2.0", "id": 1, "method": "initialize",
        "params": {"capabilities": {}, "processId": None, "rootUri": None}}
SHUTDOWN = {"jsonrpc": "2.0", "id": 999, "method": "shutdown"}
EXIT = {"jsonrpc": "2.0", "method": "exit"}
HOVER = "textDocument/hover"


def _frame(message) -> bytes:
    payload = message if isinstance(message, bytes) else json.dumps(message).encode()
    return b"Content-Length: %d\r\n\r\n" % len(payload) + payload


def _talk(*messages) -> tuple[list[dict], int]:
    proc = subprocess.run(SERVER, input=b"".join(_frame(m) for m in messages), capture_output=True, timeout=120,
                          check=False)
    replies = [json.loads(part[part.index(b"{"):]) for part in proc.stdout.split(b"Content-Length")[1:]]
    return replies, proc.returncode


def _hover(msg_id, **fields):
    return {"jsonrpc": "2.0", "id": msg_id, "method": HOVER, **fields}


BAD_REQUESTS = {
    10: _hover(10, params={"textDocument": 5}),
    11: _hover(11, params=None),
    12: _hover(12, params=[1, 2]),
    13: _hover(13, params={"textDocument": {"uri": "file:///x.txt"}, "position": {"line": -1, "character": 0}}),
    14: _hover(14, params={"textDocument": {"uri": "file:///x.txt"}, "position": {"line": 0, "character": -5}}),
    15: {"jsonrpc": "1.0", "id": 15, "method": HOVER,
         "params": {"textDocument": {"uri": "file:///x.txt"}, "position": {"line": 0, "character": 0}}},
    16: {"id": 16, "method": HOVER, "params": {}},  # no jsonrpc member
    17: {"jsonrpc": "2.0", "id": 17, "method": "textDocument/diagnostic", "params": "text"},
    18: {"jsonrpc": "2.0", "id": 18, "method": "unspin/doesNotExist", "params": {}},
}


def test_every_malformed_request_gets_an_error_response_and_the_server_keeps_serving():
    good = _hover(20, params={"textDocument": {"uri": "file:///x.txt"}, "position": {"line": 0, "character": 0}})
    replies, code = _talk(INIT, *BAD_REQUESTS.values(), good, SHUTDOWN, EXIT)
    by_id = {r.get("id"): r for r in replies if "id" in r and "method" not in r}
    assert "result" in by_id[1] and by_id[1]["result"]["capabilities"]
    for msg_id in BAD_REQUESTS:
        assert "error" in by_id.get(msg_id, {}), f"request {msg_id} got no error response"
    assert by_id[10]["error"]["code"] == -32602  # InvalidParams
    assert by_id[15]["error"]["code"] == -32600  # InvalidRequest
    assert by_id[18]["error"]["code"] == -32601  # MethodNotFound
    assert "result" in by_id[20] and by_id[20]["result"] is None  # an unopened document: no hover
    assert "result" in by_id[999] and code == 0


def test_invalid_json_gets_a_parse_error():
    replies, _ = _talk(b"{not json", INIT, SHUTDOWN, EXIT)
    errors = [r for r in replies if "error" in r]
    assert errors and errors[0]["error"]["code"] == -32700 and errors[0]["id"] is None
    assert any(r.get("id") == 1 and "result" in r for r in replies)


def test_a_request_after_shutdown_is_refused():
    late = _hover(5, params={"textDocument": {"uri": "file:///x.txt"}, "position": {"line": 0, "character": 0}})
    replies, code = _talk(INIT, SHUTDOWN, late, EXIT)
    assert any(r.get("id") == 5 and r.get("error", {}).get("code") == -32600 for r in replies)
    assert code == 0


@pytest.mark.parametrize("shutdown_first, code", [(True, 0), (False, 1)])
def test_exit_code_says_whether_shutdown_came_first(shutdown_first, code):
    messages = [INIT, {"jsonrpc": "2.0", "method": "initialized", "params": {}}]
    messages += [SHUTDOWN] if shutdown_first else []
    assert _talk(*messages, EXIT)[1] == code
