"""The .unspin.json allowlist: odd files never break "add to allowlist" and are never replaced unread."""
import json

import pytest

from unspin import allowlist
from unspin.allowlist import AllowlistError, add_word, read


def test_add_creates_then_merges_keeping_other_keys(tmp_path):
    p = tmp_path / ".unspin.json"
    assert add_word(p, "Helium").words == {"helium"}
    p.write_text(json.dumps({"allowlist": ["helium"], "other": {"keep": 1}}), encoding="utf-8")
    assert add_word(p, "volition").words == {"helium", "volition"}
    data = json.loads(p.read_text(encoding="utf-8"))
    assert data == {"allowlist": ["helium", "volition"], "other": {"keep": 1}}
    add_word(p, "VOLITION")
    assert json.loads(p.read_text(encoding="utf-8"))["allowlist"] == ["helium", "volition"]


def test_a_string_is_one_word_not_its_letters(tmp_path):
    p = tmp_path / ".unspin.json"
    p.write_text('{"allowlist": "helium"}', encoding="utf-8")
    assert read(p).words == {"helium"}
    assert add_word(p, "volition").words == {"helium", "volition"}
    assert json.loads(p.read_text(encoding="utf-8"))["allowlist"] == ["helium", "volition"]


def test_numeric_entries_are_kept_and_ignored(tmp_path):
    p = tmp_path / ".unspin.json"
    p.write_text('{"allowlist": [42, "helium", null, 1.5]}', encoding="utf-8")
    assert read(p).words == {"helium"}
    assert add_word(p, "volition").words == {"helium", "volition"}
    assert json.loads(p.read_text(encoding="utf-8"))["allowlist"] == [42, "helium", None, 1.5, "volition"]


@pytest.mark.parametrize("content, message", [
    ('["helium", "volition"]', "expected a JSON object"),
    ('"helium"', "expected a JSON object"),
    ("{not json", "not valid JSON"),
    ('{"allowlist": 7}', "must be a list"),
    ('{"allowlist": {"helium": true}}', "must be a list"),
])
def test_a_file_that_cannot_be_used_is_never_replaced(tmp_path, content, message):
    p = tmp_path / ".unspin.json"
    p.write_text(content, encoding="utf-8")
    with pytest.raises(AllowlistError, match=message):
        add_word(p, "beryllium")
    with pytest.raises(AllowlistError, match=message):
        read(p)
    assert p.read_text(encoding="utf-8") == content
    assert [f.name for f in tmp_path.iterdir()] == [".unspin.json"]


def test_not_utf8_is_a_clear_error(tmp_path):
    p = tmp_path / ".unspin.json"
    p.write_bytes(b'{"allowlist": ["caf\xe9"]}')
    with pytest.raises(AllowlistError, match="not UTF-8"):
        add_word(p, "x")
    assert p.read_bytes() == b'{"allowlist": ["caf\xe9"]}'


def test_nearest_file_wins(tmp_path):
    (tmp_path / ".unspin.json").write_text('{"allowlist": ["a"]}', encoding="utf-8")
    deep = tmp_path / "b" / "c"
    deep.mkdir(parents=True)
    assert allowlist.find(deep) == tmp_path / ".unspin.json"
    (tmp_path / "b" / ".unspin.json").write_text('{"allowlist": ["b"]}', encoding="utf-8")
    assert read(allowlist.find(deep)).words == {"b"}


def test_server_wrappers_use_it(tmp_path):
    from unspin.lsp.config import add_to_workspace_allowlist, read_workspace_allowlist

    (tmp_path / ".unspin.json").write_text('["kept"]', encoding="utf-8")
    assert read_workspace_allowlist(tmp_path) == frozenset()
    with pytest.raises(AllowlistError):
        add_to_workspace_allowlist(tmp_path, "helium")
    assert (tmp_path / ".unspin.json").read_text(encoding="utf-8") == '["kept"]'
    (tmp_path / ".unspin.json").write_text('{"allowlist": "helium"}', encoding="utf-8")
    assert add_to_workspace_allowlist(tmp_path, "volition") == {"helium", "volition"}
