"""Safe reading and writing of documents (fix --in-place, the allowlist writer)."""
import os
import stat

import pytest

from unspin.documents import InputError, read_document, write_atomic


def test_bom_is_stripped_and_restored(tmp_path):
    p = tmp_path / "a.txt"
    p.write_bytes(b"\xef\xbb\xbfhello")
    doc = read_document(str(p))
    assert doc.text == "hello" and doc.bom and doc.encoded("bye") == b"\xef\xbb\xbfbye"


def test_temporary_file_is_unpredictable_and_a_planted_symlink_is_not_followed(tmp_path):
    victim = tmp_path / "victim"
    victim.write_text("secret", encoding="utf-8")
    victim.chmod(0o600)
    target = tmp_path / "a.txt"
    target.write_text("old", encoding="utf-8")
    for name in (".a.txt.unspin-tmp", ".a.txt.tmp", "a.txt.tmp"):
        (tmp_path / name).symlink_to(victim)
    write_atomic(str(target), "new")
    assert target.read_text(encoding="utf-8") == "new"
    assert victim.read_text(encoding="utf-8") == "secret" and stat.S_IMODE(victim.stat().st_mode) == 0o600
    assert sorted(f.name for f in tmp_path.iterdir()) == sorted(
        [".a.txt.unspin-tmp", ".a.txt.tmp", "a.txt.tmp", "a.txt", "victim"])


def test_symlink_is_kept_and_its_target_rewritten(tmp_path):
    real = tmp_path / "real.txt"
    real.write_text("old", encoding="utf-8")
    link = tmp_path / "link.txt"
    link.symlink_to(real)
    write_atomic(str(link), "new")
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert real.read_text(encoding="utf-8") == "new"


def test_hard_links_see_the_new_text(tmp_path):
    a = tmp_path / "a.txt"
    a.write_text("old", encoding="utf-8")
    b = tmp_path / "b.txt"
    os.link(a, b)
    write_atomic(str(a), "new text")
    assert b.read_text(encoding="utf-8") == "new text" and a.stat().st_ino == b.stat().st_ino
    assert a.stat().st_nlink == 2 and not [f for f in tmp_path.iterdir() if "unspin-tmp" in f.name]


def test_mode_and_owner_are_kept(tmp_path):
    p = tmp_path / "a.txt"
    p.write_text("old", encoding="utf-8")
    p.chmod(0o640)
    if os.geteuid() == 0:
        os.chown(p, 1234, 5678)
    before = p.stat()
    write_atomic(str(p), "new")
    after = p.stat()
    assert stat.S_IMODE(after.st_mode) == 0o640 and (after.st_uid, after.st_gid) == (before.st_uid, before.st_gid)


@pytest.mark.parametrize("mode", [0o444, 0o400, 0o000])
def test_read_only_file_is_refused_untouched(tmp_path, mode):
    p = tmp_path / "a.txt"
    p.write_text("old", encoding="utf-8")
    p.chmod(mode)
    with pytest.raises(InputError, match="read-only"):
        write_atomic(str(p), "new")
    p.chmod(0o600)
    assert p.read_text(encoding="utf-8") == "old" and len(list(tmp_path.iterdir())) == 1


def test_unwritable_directory_is_a_clear_error(tmp_path):
    with pytest.raises(InputError, match="cannot write"):
        write_atomic(str(tmp_path / "missing-dir" / "a.txt"), "new")


def test_new_file_is_created(tmp_path):
    p = tmp_path / "new.json"
    write_atomic(str(p), "{}\n")
    assert p.read_text(encoding="utf-8") == "{}\n"
