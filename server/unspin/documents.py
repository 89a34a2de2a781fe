"""Reading and writing documents safely: every failure becomes one clear message, never a traceback,
and a file is either fully rewritten or left as it was."""
from __future__ import annotations

import os
import stat
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from .markup import is_prose_path

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
BOM = "\ufeff"


class InputError(Exception):
    """A file that cannot be analysed or written; the message names the file."""


@dataclass(frozen=True)
class Document:
    """A file's text without its byte-order mark; positions count from after the mark."""

    path: str
    text: str
    bom: bool = False

    def encoded(self, text: str | None = None) -> bytes:
        """``text`` (default: this document's) as the file's bytes, the mark restored."""
        return ((BOM if self.bom else "") + (self.text if text is None else text)).encode("utf-8")


def read_document(path: str, max_bytes: int = DEFAULT_MAX_BYTES) -> Document:
    """Read ``path`` ('-' for stdin) as UTF-8 text."""
    try:
        if path == "-":
            data = sys.stdin.buffer.read(max_bytes + 1)
        else:
            p = Path(path)
            if p.is_dir():
                raise InputError(f"{path}: is a directory")
            if p.exists() and not p.is_file():
                raise InputError(f"{path}: not a regular file")
            if p.exists() and p.stat().st_size > max_bytes:
                raise InputError(f"{path}: file is too large ({p.stat().st_size:,} bytes; limit {max_bytes:,})")
            data = p.read_bytes()
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except OSError as e:
        raise InputError(f"{path}: cannot read ({e.strerror or e})") from None
    if len(data) > max_bytes:
        raise InputError(f"{path}: input is too large (over {max_bytes:,} bytes)")
    if b"\0" in data[:65536]:
        raise InputError(f"{path}: binary file (contains NUL bytes)")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        raise InputError(f"{path}: not UTF-8 text (invalid byte at offset {e.start})") from None
    if text.startswith(BOM):
        return Document(path, text[1:], bom=True)
    return Document(path, text)


def read_text(path: str, max_bytes: int = DEFAULT_MAX_BYTES) -> str:
    """Read ``path`` ('-' for stdin) as UTF-8 text, without a leading byte-order mark."""
    return read_document(path, max_bytes).text


def expand_paths(paths: list[str]) -> Iterator[str]:
    """Every argument as given; a directory becomes the prose files under it (plain text and
    markup, by extension), sorted, skipping hidden files and directories."""
    for path in paths:
        if path == "-" or not os.path.isdir(path):
            yield path
            continue
        for root, dirs, files in os.walk(path):
            dirs[:] = sorted(d for d in dirs if not d.startswith("."))
            for name in sorted(files):
                if not name.startswith(".") and is_prose_path(name):
                    yield os.path.join(root, name)


def write_atomic(path: str, text: str | bytes) -> None:
    """Replace the contents of ``path`` so that a reader sees the old or the new text, never a mix.

    A symlink is followed and kept (its target is rewritten).  The new text goes to an unpredictable
    temporary file created exclusively beside the target, gets the target's mode and owner, and is
    renamed over it.  A file with other hard links, or whose owner cannot be kept, is instead
    rewritten in place from that complete temporary copy, as Vim's ``backupcopy=auto`` does: every
    name then sees the new text.  A read-only file (no write permission bit) is refused untouched.
    """
    data = text.encode("utf-8") if isinstance(text, str) else text
    target = Path(os.path.realpath(path))
    try:
        st: os.stat_result | None = target.stat()
    except FileNotFoundError:
        st = None
    except OSError as e:
        raise InputError(f"{path}: cannot write ({e.strerror or e})") from None
    if st is not None:
        if not stat.S_ISREG(st.st_mode):
            raise InputError(f"{path}: not a regular file")
        if not st.st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH) or not os.access(target, os.W_OK):
            raise InputError(f"{path}: file is read-only; not changed")
    try:
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".unspin-tmp")
    except OSError as e:
        raise InputError(f"{path}: cannot write ({e.strerror or e})") from None
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
            in_place = st is not None and (st.st_nlink > 1 or not _keep_owner(fh.fileno(), st))
            if st is not None:
                os.fchmod(fh.fileno(), stat.S_IMODE(st.st_mode))
        if in_place:
            with open(target, "r+b") as out:
                out.write(data)
                out.truncate()
                out.flush()
                os.fsync(out.fileno())
            os.unlink(tmp)
        else:
            os.replace(tmp, target)
    except OSError as e:
        Path(tmp).unlink(missing_ok=True)
        raise InputError(f"{path}: cannot write ({e.strerror or e})") from None


def _keep_owner(fd: int, st: os.stat_result) -> bool:
    """Give the open file ``st``'s owner and group; False when that is not allowed."""
    if (os.fstat(fd).st_uid, os.fstat(fd).st_gid) == (st.st_uid, st.st_gid):
        return True
    try:
        os.fchown(fd, st.st_uid, st.st_gid)
    except PermissionError:
        return False
    return True
