"""A GGUF file's metadata and tensors, read straight from its bytes.

``gguf.GGUFReader`` builds a numpy view per field element, which takes seconds for the 49,152-token
vocabulary and its merges; this reader parses the header with ``struct`` and maps the tensor data.
The constants (value and quantisation types, block sizes) are ``gguf``'s own.
"""
from __future__ import annotations

import struct
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from gguf import GGML_QUANT_SIZES, GGMLQuantizationType, GGUFValueType

_MAGIC = b"GGUF"
_SCALARS = {
    GGUFValueType.UINT8: "<B", GGUFValueType.INT8: "<b", GGUFValueType.UINT16: "<H", GGUFValueType.INT16: "<h",
    GGUFValueType.UINT32: "<I", GGUFValueType.INT32: "<i", GGUFValueType.FLOAT32: "<f", GGUFValueType.BOOL: "<?",
    GGUFValueType.UINT64: "<Q", GGUFValueType.INT64: "<q", GGUFValueType.FLOAT64: "<d",
}


_HEADER_BYTES = 16 << 20  # metadata and tensor table must fit (SmolLM2's take 2 MB)
_BLOCKS_AT_ONCE = 1 << 16
_NIBBLES = np.stack([np.arange(256) & 0x0F, np.arange(256) >> 4], axis=1).astype(np.float32)


class GGUFError(ValueError):
    """The file is not a GGUF file this reader understands."""


@dataclass(frozen=True)
class TensorInfo:
    name: str
    shape: tuple[int, ...]  # numpy order: rows first (GGUF lists the innermost dimension first)
    qtype: GGMLQuantizationType
    data: np.ndarray  # raw bytes (uint8), one row of blocks per matrix row, or the float array itself


@dataclass(frozen=True)
class GGUFFile:
    path: Path
    metadata: dict[str, Any]
    tensors: dict[str, TensorInfo]


class _Cursor:
    def __init__(self, buf: bytes) -> None:
        self.buf = buf
        self.pos = 0

    def unpack(self, fmt: str) -> Any:
        value = struct.unpack_from(fmt, self.buf, self.pos)[0]
        self.pos += struct.calcsize(fmt)
        return value

    def string(self) -> str:
        n = self.unpack("<Q")
        s = self.buf[self.pos:self.pos + n].decode("utf-8", errors="replace")
        self.pos += n
        return s

    def strings(self, count: int) -> list[str]:
        buf, pos, out = self.buf, self.pos, []
        length = struct.Struct("<Q").unpack_from
        for _ in range(count):
            n = length(buf, pos)[0]
            out.append(buf[pos + 8:pos + 8 + n].decode("utf-8", errors="replace"))
            pos += 8 + n
        self.pos = pos
        return out

    def value(self, vtype: int) -> Any:
        if vtype == GGUFValueType.STRING:
            return self.string()
        if vtype == GGUFValueType.ARRAY:
            etype, count = self.unpack("<I"), self.unpack("<Q")
            if etype == GGUFValueType.STRING:
                return self.strings(count)
            if etype in _SCALARS:
                fmt = _SCALARS[etype]
                size = struct.calcsize(fmt)
                out = list(struct.unpack_from("<" + fmt[1] * count, self.buf, self.pos))
                self.pos += size * count
                return out
            return [self.value(etype) for _ in range(count)]
        if vtype in _SCALARS:
            return self.unpack(_SCALARS[vtype])
        raise GGUFError(f"unknown GGUF value type {vtype}")


def read_gguf(path: str | Path) -> GGUFFile:
    """Metadata and memory-mapped tensors of the GGUF file at ``path``."""
    path = Path(path)
    raw = np.memmap(path, dtype=np.uint8, mode="r")
    if raw.size < 24 or bytes(raw[:4]) != _MAGIC:
        raise GGUFError(f"{path} is not a GGUF file")
    with open(path, "rb") as f:
        header = f.read(_HEADER_BYTES)
    cur = _Cursor(header)
    cur.pos = 4
    version = cur.unpack("<I")
    if version < 2:
        raise GGUFError(f"{path}: GGUF version {version} is not supported")
    n_tensors, n_kv = cur.unpack("<Q"), cur.unpack("<Q")
    try:
        metadata: dict[str, Any] = {}
        for _ in range(n_kv):
            key = cur.string()
            metadata[key] = cur.value(cur.unpack("<I"))
        infos = []
        for _ in range(n_tensors):
            name = cur.string()
            dims = [cur.unpack("<Q") for _ in range(cur.unpack("<I"))]
            infos.append((name, dims, GGMLQuantizationType(cur.unpack("<I")), cur.unpack("<Q")))
    except (struct.error, ValueError) as exc:
        raise GGUFError(f"{path}: damaged GGUF header ({exc})") from exc
    align = int(metadata.get("general.alignment", 32))
    start = -(-cur.pos // align) * align
    tensors = {}
    for name, dims, qtype, offset in infos:
        block, block_bytes = GGML_QUANT_SIZES[qtype]
        inner, rows = dims[0], int(np.prod(dims[1:], dtype=np.int64)) if len(dims) > 1 else 1
        row_bytes = inner // block * block_bytes
        begin = start + offset
        if begin + rows * row_bytes > raw.size:
            raise GGUFError(f"{path}: tensor {name} runs past the end of the file")
        data = raw[begin:begin + rows * row_bytes].reshape(rows, row_bytes)
        if qtype == GGMLQuantizationType.F32:
            data = data.view(np.float32)
        elif qtype == GGMLQuantizationType.F16:
            data = data.view(np.float16)
        shape = tuple(reversed(dims))
        tensors[name] = TensorInfo(name, shape, qtype, data)
    return GGUFFile(path, metadata, tensors)


def dequantize(t: TensorInfo) -> np.ndarray:
    """The tensor as float32, shaped ``t.shape`` (Q4_1, Q8_0, F16 and F32 are what SmolLM2's file uses).

    Quantised blocks are expanded a slice at a time into the output, so the output is the only
    large array made.
    """
    q = t.qtype
    if q == GGMLQuantizationType.F32:
        return np.array(t.data, dtype=np.float32).reshape(t.shape)
    if q == GGMLQuantizationType.F16:
        return t.data.astype(np.float32).reshape(t.shape)
    if q not in (GGMLQuantizationType.Q4_1, GGMLQuantizationType.Q8_0):
        raise GGUFError(f"tensor {t.name}: quantisation {q.name} is not supported")
    size = GGML_QUANT_SIZES[q][1]
    blocks = np.asarray(t.data).reshape(-1, size)
    out = np.empty((blocks.shape[0], 32), np.float32)
    for lo in range(0, blocks.shape[0], _BLOCKS_AT_ONCE):
        part = blocks[lo:lo + _BLOCKS_AT_ONCE]
        d = part[:, 0:2].copy().view(np.float16).astype(np.float32)
        if q == GGMLQuantizationType.Q4_1:
            m = part[:, 2:4].copy().view(np.float16).astype(np.float32)
            # low nibbles are the block's first 16 values, high nibbles the last 16
            out[lo:lo + len(part)] = _NIBBLES[part[:, 4:]].transpose(0, 2, 1).reshape(-1, 32) * d + m
        else:
            out[lo:lo + len(part)] = part[:, 2:].view(np.int8) * d
    return out.reshape(t.shape)
