"""A derived copy of the model's packed weights in the user's cache directory, memory-mapped on later loads.

Dequantising the GGUF file's Q4_1 blocks and packing them (``Transformer``'s storage) takes most of a load; the
packed tensors are the same every time, so the first load writes them to
``$XDG_CACHE_HOME/unspin/`` (``~/.cache/unspin``) and later loads map that file instead.  The file
is derived data only: it is rebuilt when the GGUF file's size or modification time changes (or this
format does), one file per GGUF path, written to a temporary name and renamed into place.  When the
directory cannot be written the model is simply built in memory, as without a cache.
``UNSPIN_NEURAL_CACHE`` names another directory, or ``off``.  Mapped pages are shared by every
process that loads the model (forked workers, several editors' servers).
"""
from __future__ import annotations

import contextlib
import glob
import hashlib
import json
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

import numpy as np

from .gguf_file import GGUFFile
from .transformer import Transformer, config_from_gguf, packed_shape, tensor_names

CACHE_ENV = "UNSPIN_NEURAL_CACHE"
FORMAT = 1
_MAGIC = b"UNSPINW\0"
_ALIGN = 64


def cache_dir() -> Path | None:
    """Where packed weights are kept: ``UNSPIN_NEURAL_CACHE``, else ``$XDG_CACHE_HOME/unspin``
    (``~/.cache/unspin``); None when turned off."""
    chosen = os.environ.get(CACHE_ENV)
    if chosen is not None:
        return None if chosen.strip().lower() in ("", "off", "none", "0") else Path(chosen)
    base = os.environ.get("XDG_CACHE_HOME", "")
    if not os.path.isabs(base):  # the XDG spec: a relative path is invalid and ignored
        try:
            base = str(Path.home() / ".cache")
        except RuntimeError:
            return None
    return Path(base) / "unspin"


def _identity(gguf: GGUFFile, storage: str) -> dict[str, Any]:
    st = os.stat(gguf.path)
    return {"format": FORMAT, "source": str(Path(gguf.path).resolve()), "size": st.st_size,
            "mtime_ns": st.st_mtime_ns, "storage": storage, "byteorder": sys.byteorder}


def cache_file(gguf: GGUFFile, storage: str, folder: Path) -> Path:
    source = str(Path(gguf.path).resolve())
    return folder / f"{Path(gguf.path).stem}-{storage}-{hashlib.sha256(source.encode()).hexdigest()[:12]}.weights"


def load_model(gguf: GGUFFile, storage: str = "i8") -> Transformer:
    """The model of ``gguf``: mapped from the cache when it holds this file's packed weights, else
    built (and then saved to the cache, if it can be written)."""
    folder = cache_dir()
    if folder is None or storage == "f32":  # float32 storage is for measurements: not worth 540 MB on disk
        return Transformer.from_gguf(gguf, storage)
    path = cache_file(gguf, storage, folder)
    identity = _identity(gguf, storage)
    config = config_from_gguf(gguf)
    tensors = _read(path, identity)
    if tensors is not None and _fits(tensors, gguf, config, storage):
        return Transformer.from_packed(config, tensors, storage)
    model = Transformer.from_gguf(gguf, storage)
    if _write(path, identity, model.tensors()):
        _forget_others(gguf, path)
    return model


def _forget_others(gguf: GGUFFile, kept: Path) -> None:
    """Remove this GGUF file's weights packed in another storage (an earlier version's bfloat16):
    derived data that nothing reads any more."""
    for other in kept.parent.glob(glob.escape(cache_file(gguf, "\0", kept.parent).name).replace("\0", "*")):
        if other != kept:
            with contextlib.suppress(OSError):
                other.unlink()


def _fits(tensors: dict[str, np.ndarray], gguf: GGUFFile, config: Any, storage: str) -> bool:
    tied = "output.weight" not in gguf.tensors
    names = tensor_names(config, tied)
    return set(names) <= set(tensors) and all(
        tensors[n].shape == packed_shape(tuple(gguf.tensors[n].shape), storage) for n in names)


def _aligned(n: int) -> int:
    return -(-n // _ALIGN) * _ALIGN


def _read(path: Path, identity: dict[str, Any]) -> dict[str, np.ndarray] | None:
    """The tensors of the cache file at ``path`` (memory-mapped), or None if it is absent, damaged or
    made from something else."""
    try:
        with open(path, "rb") as f:
            head = f.read(16)
            if len(head) < 16 or head[:8] != _MAGIC:
                return None
            n = int.from_bytes(head[8:16], "little")
            if n > 1 << 24:
                return None
            manifest = json.loads(f.read(n))
        if manifest.get("identity") != identity:
            return None
        start = _aligned(16 + n)
        raw = np.memmap(path, dtype=np.uint8, mode="r")
        if raw.size != start + manifest["bytes"]:
            return None
        out = {}
        for name, dtype, shape, offset in manifest["tensors"]:
            dt = np.dtype(dtype)
            at = start + offset
            out[name] = raw[at:at + int(np.prod(shape, dtype=np.int64)) * dt.itemsize].view(dt).reshape(shape)
        return out
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _write(path: Path, identity: dict[str, Any], tensors: dict[str, np.ndarray]) -> bool:
    """Save ``tensors`` at ``path`` (through a temporary file and a rename); False, silently, if the
    directory cannot be written."""
    entries: list[tuple[str, str, list[int], int]] = []
    offset = 0
    for name, t in tensors.items():
        entries.append((name, t.dtype.str, list(t.shape), offset))
        offset = _aligned(offset + t.nbytes)
    manifest = json.dumps({"identity": identity, "tensors": entries, "bytes": offset}).encode()
    start = _aligned(16 + len(manifest))
    tmp = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=path.name + ".", suffix=".tmp", dir=path.parent)
        with os.fdopen(fd, "wb") as f:
            f.write(_MAGIC + len(manifest).to_bytes(8, "little") + manifest)
            for (_, _, _, at), t in zip(entries, tensors.values()):
                f.write(b"\0" * (start + at - f.tell()))
                f.write(np.ascontiguousarray(t).data)
            f.write(b"\0" * (start + offset - f.tell()))
        os.replace(tmp, path)
        return True
    except OSError:
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
        return False
