"""Reading input files safely: every failure becomes one clear message, never a traceback."""
from __future__ import annotations

import os
import sys
from pathlib import Path

DEFAULT_MAX_BYTES = 20 * 1024 * 1024


class InputError(Exception):
    """A file that cannot be analysed; the message names the file."""


def read_text(path: str, max_bytes: int = DEFAULT_MAX_BYTES) -> str:
    """Read ``path`` ('-' for stdin) as UTF-8 text."""
    try:
        if path == "-":
            data = sys.stdin.buffer.read(max_bytes + 1)
        else:
            p = Path(path)
            if p.is_dir():
                raise InputError(f"{path}: is a directory")
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
    return text


def write_atomic(path: str, text: str) -> None:
    """Replace ``path`` with ``text`` via a temporary file and rename; the original survives any failure."""
    target = Path(path)
    tmp = target.with_name(f".{target.name}.unspin-tmp")
    try:
        with open(tmp, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        if target.exists():
            os.chmod(tmp, target.stat().st_mode & 0o7777)
        os.replace(tmp, target)
    except OSError as e:
        tmp.unlink(missing_ok=True)
        raise InputError(f"{path}: cannot write ({e.strerror or e})") from None
