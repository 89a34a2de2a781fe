"""A Llama-architecture decoder in plain numpy: RMSNorm, rotary positions, grouped-query attention, SwiGLU.

Matrices are kept as int8 with a float32 scale per row (``to_i8``), a quarter of the memory of a
float32 copy, and widened one layer at a time inside each forward call; the scale is applied to the
product, so the widening is a plain cast, cheaper than bfloat16's shift.  Callers batch their work
into few calls because that widening costs the same for one token as for a thousand.  The token
embedding, which is also the output projection, is widened a slice of the vocabulary at a time.
"""
from __future__ import annotations

import functools
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import numpy as np

from .gguf_file import GGUFFile, TensorInfo, dequantize

R = TypeVar("R")
MAX_WORKERS = 4
_MIN_TOKENS_A_PART = 32  # fewer tokens than this in a pass are not worth another thread
_LOGITS_AT_ONCE = 1 << 20  # values of a (rows, vocabulary chunk) logits block: 4 MB
LAYER_TENSORS = ("attn_norm", "attn_q", "attn_k", "attn_v", "attn_output", "ffn_norm", "ffn_gate", "ffn_up",
                 "ffn_down")


def to_bf16(w: np.ndarray, rows: int = 4096) -> np.ndarray:
    """float32 -> bfloat16 bits (uint16), rounded to nearest; a slice of rows at a time."""
    w = np.asarray(w, dtype=np.float32)
    out = np.empty(w.shape, np.uint16)
    for lo in range(0, w.shape[0], rows):
        bits = np.ascontiguousarray(w[lo:lo + rows]).view(np.uint32) + np.uint32(0x8000)
        out[lo:lo + rows] = bits >> 16
    return out


def widen(b: np.ndarray) -> np.ndarray:
    """bfloat16 bits -> float32."""
    return np.left_shift(b, 16, dtype=np.uint32).view(np.float32)


def to_i8(w: np.ndarray) -> np.ndarray:
    """float32 rows -> int8 rows, each followed by the 4 bytes of its float32 scale (its largest
    magnitude over 127): the scale travels with the row, so any selection of rows (embedding lookups,
    vocabulary slices) is still a packed matrix.  The GGUF file's Q4_1 blocks have 16 levels; 255
    levels per row add little to their error."""
    w = np.asarray(w, dtype=np.float32)
    scale = (np.abs(w).max(axis=1) / 127).astype(np.float32)
    scale[scale == 0] = 1.0
    q = np.clip(np.rint(w / scale[:, None]), -127, 127).astype(np.int8)
    return np.concatenate([q, scale.view(np.int8).reshape(-1, 4)], axis=1)


def i8_parts(p: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """A ``to_i8`` matrix as (float32 values before scaling, per-row scale)."""
    return p[:, :-4].astype(np.float32), np.ascontiguousarray(p[:, -4:]).view(np.float32).reshape(-1)


def _bf16_parts(b: np.ndarray) -> tuple[np.ndarray, None]:
    return widen(b), None


def _f32(w: np.ndarray) -> np.ndarray:
    return np.ascontiguousarray(w, dtype=np.float32)


def _f32_parts(w: np.ndarray) -> tuple[np.ndarray, None]:
    return w, None


@dataclass(frozen=True)
class Storage:
    """How the model keeps a matrix: packed from float32 rows (``pack``) into ``dtype`` with
    ``extra_columns`` per row, and read back (``matrix``) as a float32 matrix and its per-row scale,
    if any, which is applied to products (``Transformer.times``)."""

    pack: Callable[[np.ndarray], np.ndarray]
    dtype: type
    extra_columns: int
    matrix: Callable[[np.ndarray], tuple[np.ndarray, np.ndarray | None]]


STORAGES = {"i8": Storage(to_i8, np.int8, 4, i8_parts), "bf16": Storage(to_bf16, np.uint16, 0, _bf16_parts),
            "f32": Storage(_f32, np.float32, 0, _f32_parts)}


def storage_of(name: str) -> Storage:
    try:
        return STORAGES[name]
    except KeyError:
        raise ValueError(f"storage {name!r} is none of {', '.join(STORAGES)}") from None


def packed_shape(shape: tuple[int, ...], storage: str) -> tuple[int, ...]:
    """The shape a tensor of ``shape`` is stored in (int8 rows carry their scale; vectors stay float32)."""
    return (shape[0], shape[1] + storage_of(storage).extra_columns) if len(shape) == 2 else tuple(shape)


@dataclass(frozen=True)
class Config:
    layers: int
    dim: int
    heads: int
    kv_heads: int
    ffn: int
    vocab: int
    rope_base: float
    eps: float

    @property
    def head_dim(self) -> int:
        return self.dim // self.heads


@dataclass
class KVCache:
    """Keys and values of past positions, per layer: ``(batch, kv_heads, positions, head_dim)``."""

    keys: list[np.ndarray]
    values: list[np.ndarray]
    valid: np.ndarray  # (rows, positions) bool: which past positions a row may attend to
    positions: np.ndarray  # (rows,) the position index the next token of each row takes
    index: np.ndarray | None = None  # (rows,) which batch entry of keys/values each row reads; None: its own

    def rows(self, index: np.ndarray, lengths: np.ndarray | None = None) -> KVCache:
        """The cache of the given rows (repeated as often as listed), each cut to ``lengths`` positions.

        Keys and values are shared, not copied: a forward pass gathers them one layer at a time.
        """
        index = np.asarray(index, dtype=np.int64)
        valid = self.valid[index]
        positions = self.positions[index]
        if lengths is not None:
            lengths = np.asarray(lengths, dtype=np.int64)
            valid = valid & (np.arange(valid.shape[1])[None, :] < lengths[:, None])
            positions = lengths
        base = index if self.index is None else self.index[index]
        return KVCache(self.keys, self.values, valid, positions, base)

    def take(self, rows: np.ndarray) -> KVCache:
        """The cache of the given rows, as they are (keys and values shared, not copied)."""
        return KVCache(self.keys, self.values, self.valid[rows], self.positions[rows],
                       rows if self.index is None else self.index[rows])

    def layer(self, i: int) -> tuple[np.ndarray, np.ndarray]:
        if self.index is None:
            return self.keys[i], self.values[i]
        return self.keys[i][self.index], self.values[i][self.index]


def _split(tokens: np.ndarray, parts: int, least: int) -> list[np.ndarray]:
    """Row indices in up to ``parts`` contiguous runs with about equal token counts, each of at least
    ``least`` tokens (one run when there are too few)."""
    total = int(tokens.sum())
    parts = max(1, min(parts, total // max(least, 1)))
    if parts < 2:
        return [np.arange(len(tokens))]
    cuts = np.searchsorted(np.cumsum(tokens), [total * k / parts for k in range(1, parts)], side="left") + 1
    return [r for r in np.split(np.arange(len(tokens)), np.minimum(cuts, len(tokens))) if len(r)]


def idle_processors() -> int:
    """Processors this process may use that nothing else is using now (at least 1, at most
    ``MAX_WORKERS``)."""
    try:
        usable = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        usable = os.cpu_count() or 1
    return max(1, min(MAX_WORKERS, usable, int(usable - busy_elsewhere() + 0.5)))


def busy_elsewhere() -> float:
    """How many other threads are running: the kernel's count of runnable tasks now, less this
    one (``/proc/loadavg``), or where that is missing the one-minute load average."""
    try:
        with open("/proc/loadavg") as f:
            return max(0, int(f.read().split()[3].split("/")[0]) - 1)
    except (OSError, ValueError, IndexError):
        pass
    try:
        return os.getloadavg()[0]
    except (AttributeError, OSError):
        return float("inf")


def in_threads(jobs: list[Callable[[], R]]) -> list[R]:
    """The results of ``jobs``, the first run in this thread and the others each in a thread of its
    own; the first exception raised is raised here once all have ended."""
    results: list[Any] = [None] * len(jobs)
    errors: list[BaseException | None] = [None] * len(jobs)

    def run(i: int) -> None:
        try:
            results[i] = jobs[i]()
        except BaseException as exc:  # noqa: BLE001 - handed to the caller below
            errors[i] = exc

    threads = [threading.Thread(target=run, args=(i,), daemon=True) for i in range(1, len(jobs))]
    for t in threads:
        t.start()
    run(0)
    for t in threads:
        t.join()
    for exc in errors:
        if exc is not None:
            raise exc
    return results


def tensor_names(config: Config, tied: bool = True) -> list[str]:
    """The GGUF tensors a model of ``config`` reads (``tied``: the embedding is the output projection)."""
    names = ["token_embd.weight", "output_norm.weight", *([] if tied else ["output.weight"])]
    return names + [f"blk.{i}.{n}.weight" for i in range(config.layers) for n in LAYER_TENSORS]


def config_from_gguf(gguf: GGUFFile) -> Config:
    md = gguf.metadata
    arch = md.get("general.architecture")
    if arch != "llama":
        raise ValueError(f"{gguf.path}: architecture {arch!r} is not supported (only llama)")
    return Config(
        layers=int(md["llama.block_count"]), dim=int(md["llama.embedding_length"]),
        heads=int(md["llama.attention.head_count"]), kv_heads=int(md["llama.attention.head_count_kv"]),
        ffn=int(md["llama.feed_forward_length"]), vocab=len(md["tokenizer.ggml.tokens"]),
        rope_base=float(md.get("llama.rope.freq_base", 10000.0)),
        eps=float(md.get("llama.attention.layer_norm_rms_epsilon", 1e-5)))


def pack_tensor(t: TensorInfo, storage: str = "i8", rows: int = 4096) -> np.ndarray:
    """A GGUF tensor as the model stores it: norms (vectors) float32, matrices packed as ``storage``.

    Matrices are dequantised a slice of rows at a time, so no float32 copy of a whole matrix is made.
    """
    if len(t.shape) != 2:
        return dequantize(t).astype(np.float32)
    kept = storage_of(storage)
    out: np.ndarray = np.empty(packed_shape(t.shape, storage), kept.dtype)
    for lo in range(0, t.shape[0], rows):
        part = t.data[lo:lo + rows]
        out[lo:lo + len(part)] = kept.pack(dequantize(TensorInfo(t.name, (len(part), t.shape[1]), t.qtype, part)))
    return out


class Transformer:
    """The forward pass over batches of token rows, continuing from an optional ``KVCache``."""

    def __init__(self, config: Config, weights: dict[str, np.ndarray], storage: str = "i8") -> None:
        """``weights``: GGUF tensor names to float32 arrays; layer matrices are stored as ``storage``:
        "i8", "bf16" (twice the memory, a shift per call) or "f32" (four times, no widening)."""
        pack = storage_of(storage).pack
        tied = "output.weight" not in weights
        self._setup(config, storage, {n: np.asarray(weights[n], np.float32) if weights[n].ndim == 1
                                      else pack(weights[n]) for n in tensor_names(config, tied)})

    def _setup(self, config: Config, storage: str, tensors: dict[str, np.ndarray]) -> None:
        self.matrix = storage_of(storage).matrix  # a stored matrix as (float32 values, per-row scale or None)
        self.config = config
        self.storage = storage
        self.workers: int | None = 1  # threads a pass is split over; None: the idle processors (``forward``)
        self.embedding = tensors["token_embd.weight"]
        self.output = tensors.get("output.weight", self.embedding)
        self.output_norm = tensors["output_norm.weight"]
        self.layers = [{n: tensors[f"blk.{i}.{n}.weight"] for n in LAYER_TENSORS} for i in range(config.layers)]
        hd = config.head_dim
        self.inv_freq = (config.rope_base ** (-np.arange(0, hd, 2, dtype=np.float64) / hd)).astype(np.float32)

    @classmethod
    def from_packed(cls, config: Config, tensors: dict[str, np.ndarray], storage: str = "i8") -> Transformer:
        """A model over tensors already stored as ``storage`` (``tensors()`` of another one, or a
        memory-mapped copy of them)."""
        model = cls.__new__(cls)
        model._setup(config, storage, tensors)
        return model

    def tensors(self) -> dict[str, np.ndarray]:
        """The stored tensors by GGUF name (matrices packed as ``storage``), for ``from_packed``."""
        out = {"token_embd.weight": self.embedding, "output_norm.weight": self.output_norm}
        if self.output is not self.embedding:
            out["output.weight"] = self.output
        for i, L in enumerate(self.layers):
            out.update({f"blk.{i}.{n}.weight": w for n, w in L.items()})
        return out

    @classmethod
    def from_gguf(cls, gguf: GGUFFile, storage: str = "i8") -> Transformer:
        """The model of a GGUF file, each tensor dequantised and packed in turn."""
        config = config_from_gguf(gguf)
        tied = "output.weight" not in gguf.tensors
        return cls.from_packed(config, {n: pack_tensor(gguf.tensors[n], storage) for n in tensor_names(config, tied)},
                               storage)

    def unpack(self, w: np.ndarray) -> np.ndarray:
        """A stored matrix (or a selection of its rows) as float32."""
        m, scale = self.matrix(w)
        return m if scale is None else m * scale[:, None]

    @staticmethod
    def times(a: np.ndarray, matrix: tuple[np.ndarray, np.ndarray | None]) -> np.ndarray:
        """``a`` times the transpose of a ``matrix`` from ``self.matrix``: the row scales, if any,
        applied to the product rather than to the matrix."""
        m, scale = matrix
        out = a @ m.T
        if scale is not None:
            out *= scale
        return out

    def threads_now(self) -> int:
        """How many threads to split a pass over: ``workers``, or if that is None the processors
        that are idle now (``idle_processors``).  On a busy machine a second thread only waits for
        a processor, and costs its share of work."""
        if self.workers is not None:
            return max(1, self.workers)
        return idle_processors()

    def empty_cache(self, batch: int) -> KVCache:
        c = self.config
        shape = (batch, c.kv_heads, 0, c.head_dim)
        return KVCache([np.zeros(shape, np.float32) for _ in range(c.layers)],
                       [np.zeros(shape, np.float32) for _ in range(c.layers)],
                       np.zeros((batch, 0), bool), np.zeros(batch, np.int64))

    def _norm(self, x: np.ndarray, w: np.ndarray) -> np.ndarray:
        return x / np.sqrt(np.mean(x * x, axis=-1, keepdims=True) + self.config.eps) * w

    def _angles(self, pos: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """cos and sin of the rotary angles at positions ``pos`` (any shape), ready to broadcast over heads."""
        ang = pos[..., None].astype(np.float32) * self.inv_freq  # (..., hd/2)
        return np.cos(ang)[..., None, :], np.sin(ang)[..., None, :]

    def _rope(self, x: np.ndarray, cos: np.ndarray, sin: np.ndarray) -> np.ndarray:
        """Rotate adjacent pairs (GGUF's llama layout: the converter permuted q and k for it)."""
        x0, x1 = x[..., 0::2], x[..., 1::2]
        out = np.empty_like(x)
        out[..., 0::2] = x0 * cos - x1 * sin
        out[..., 1::2] = x0 * sin + x1 * cos
        return out

    def forward(self, tokens: np.ndarray, mask: np.ndarray | None = None, cache: KVCache | None = None,
                extend_cache: bool = False, interrupt: Callable[[], None] | None = None
                ) -> tuple[np.ndarray, KVCache | None]:
        """Final hidden states ``(B, T, dim)`` of ``tokens`` ``(B, T)`` after the ``cache``'s positions.

        ``mask`` (B, T) marks real tokens (False: padding at a row's end; its hidden states are zero).
        With ``extend_cache`` the returned cache holds the past and these tokens; otherwise None.
        ``interrupt`` is called before each layer, so a caller can abandon a long pass by raising from it.

        Only the real tokens go through the matrices (projections and feed-forward, nearly all the
        work); attention alone sees the padded rows.  With ``workers`` above 1 the rows are split
        into that many parts, each run in its own thread (numpy releases the GIL in its loops).
        """
        c = self.config
        B, T = tokens.shape
        mask = np.ones((B, T), bool) if mask is None else np.asarray(mask, bool)
        cache = self.empty_cache(B) if cache is None else cache
        P = cache.valid.shape[1]
        store = None
        if extend_cache:  # every part writes its rows' keys and values straight into the new cache
            shape = (B, c.kv_heads, P + T, c.head_dim)
            store = ([np.empty(shape, np.float32) for _ in range(c.layers)],
                     [np.empty(shape, np.float32) for _ in range(c.layers)])
        parts = _split(mask.sum(axis=1), min(self.threads_now(), B), _MIN_TOKENS_A_PART)
        if len(parts) < 2:
            hidden = self._forward(tokens, mask, cache, store, interrupt)
        else:
            def part(rows: np.ndarray) -> np.ndarray:
                lo, hi = int(rows[0]), int(rows[-1]) + 1
                mine = None if store is None else ([k[lo:hi] for k in store[0]], [v[lo:hi] for v in store[1]])
                return self._forward(tokens[lo:hi], mask[lo:hi], cache.take(rows), mine, interrupt)

            hidden = np.concatenate(in_threads([functools.partial(part, rows) for rows in parts]))
        if store is None:
            return hidden, None
        valid = np.concatenate([cache.valid, mask], axis=1)
        return hidden, KVCache(store[0], store[1], valid, cache.positions + mask.sum(axis=1))

    def _forward(self, tokens: np.ndarray, mask: np.ndarray, cache: KVCache,
                 store: tuple[list[np.ndarray], list[np.ndarray]] | None,
                 interrupt: Callable[[], None] | None) -> np.ndarray:
        """``forward`` of some rows; with ``store``, their keys and values (past and new) are written
        into those arrays, one per layer."""
        c = self.config
        B, T = tokens.shape
        flat = mask.reshape(-1)
        real = None if flat.all() else np.flatnonzero(flat)  # rows of (B*T) that are tokens

        def spread(x: np.ndarray) -> np.ndarray:
            """(N, ...) real-token rows -> (B*T, ...), zeros at the padding."""
            if real is None:
                return x
            out = np.zeros((B * T, *x.shape[1:]), x.dtype)
            out[real] = x
            return out

        pos = cache.positions[:, None] + np.arange(T)[None, :]
        cos, sin = self._angles(pos.reshape(-1) if real is None else pos.reshape(-1)[real])
        valid = np.concatenate([cache.valid, mask], axis=1)  # (B, P+T)
        P = cache.valid.shape[1]
        allowed = valid[:, None, :].repeat(T, axis=1)  # (B, T, P+T)
        allowed[:, :, P:] &= np.tril(np.ones((T, T), bool))[None]
        bias = np.where(allowed, np.float32(0), np.float32(-1e30))[:, None, None]  # (B,1,1,T,P+T)
        group, hd = c.heads // c.kv_heads, c.head_dim
        scale = np.float32(1 / np.sqrt(hd))
        h = self.unpack(self.embedding[tokens.reshape(-1) if real is None else tokens.reshape(-1)[real]])  # (N, dim)
        for i, L in enumerate(self.layers):
            if interrupt is not None:
                interrupt()
            W = {n: self.matrix(L[n]) for n in LAYER_TENSORS if not n.endswith("norm")}
            a = self._norm(h, L["attn_norm"])
            q: np.ndarray = self._rope(self.times(a, W["attn_q"]).reshape(-1, c.heads, hd), cos, sin)
            k: np.ndarray = self._rope(self.times(a, W["attn_k"]).reshape(-1, c.kv_heads, hd), cos, sin)
            v: np.ndarray = self.times(a, W["attn_v"]).reshape(-1, c.kv_heads, hd)
            q, k, v = (spread(x).reshape(B, T, -1, hd) for x in (q, k, v))
            past_k, past_v = cache.layer(i)
            if store is None:
                k = np.concatenate([past_k, k.transpose(0, 2, 1, 3)], axis=2)  # (B, kvh, P+T, hd)
                v = np.concatenate([past_v, v.transpose(0, 2, 1, 3)], axis=2)
            else:
                for dst, past, new in ((store[0][i], past_k, k), (store[1][i], past_v, v)):
                    dst[:, :, :P] = past
                    dst[:, :, P:] = new.transpose(0, 2, 1, 3)
                k, v = store[0][i], store[1][i]
            del past_k, past_v
            qg = q.reshape(B, T, c.kv_heads, group, hd).transpose(0, 2, 3, 1, 4)  # (B, kvh, g, T, hd)
            s = (qg @ k[:, :, None].swapaxes(-1, -2)) * scale + bias  # (B, kvh, g, T, P+T)
            s -= s.max(axis=-1, keepdims=True)
            np.exp(s, out=s)
            s /= s.sum(axis=-1, keepdims=True)
            o = (s @ v[:, :, None]).transpose(0, 3, 1, 2, 4).reshape(B * T, c.dim)  # (B, T, kvh, g, hd)
            del s, qg, q
            if real is not None:
                o = o[real]
            h = h + self.times(o, W["attn_output"])
            a = self._norm(h, L["ffn_norm"])
            g = self.times(a, W["ffn_gate"])
            u = self.times(a, W["ffn_up"])
            g *= u / (1 + np.exp(-g))  # silu(g) * u
            del u
            h = h + self.times(g, W["ffn_down"])
            del g, W
        return spread(self._norm(h, self.output_norm)).reshape(B, T, c.dim)

    def log_softmax(self, hidden: np.ndarray) -> np.ndarray:
        """Natural-log next-token distributions for hidden states ``(N, dim)``: ``(N, vocab)``."""
        logits = self.times(hidden, self.matrix(self.output))
        logits -= logits.max(axis=-1, keepdims=True)
        logits -= np.log(np.exp(logits).sum(axis=-1, keepdims=True))
        return logits

    def target_logprobs(self, hidden: np.ndarray, targets: np.ndarray, chunk: int = 4096) -> np.ndarray:
        """Natural-log probability of ``targets`` (N,) after hidden states ``(N, dim)``.

        The vocabulary is taken a chunk at a time, and the rows a block at a time, so no logits
        array larger than ``_LOGITS_AT_ONCE`` values is held, however many rows are asked.
        """
        if hidden.shape[0] == 0:
            return np.zeros(0, np.float32)
        hidden = np.ascontiguousarray(hidden, dtype=np.float32)
        return (self.target_logits(hidden, targets) - self.log_partition(hidden, chunk)).astype(np.float32)

    def target_logits(self, hidden: np.ndarray, targets: np.ndarray) -> np.ndarray:
        """The logit of each of ``targets`` (N,) after hidden states ``(N, dim)``."""
        return np.einsum("nd,nd->n", hidden, self.unpack(self.output[targets]))

    def log_partition(self, hidden: np.ndarray, chunk: int = 4096) -> np.ndarray:
        """log of the sum of exp(logits) over the vocabulary for hidden states ``(N, dim)``, float64:
        a token's log probability is its logit minus this.  Split over ``workers`` threads."""
        hidden = np.ascontiguousarray(hidden, dtype=np.float32)
        parts = _split(np.ones(hidden.shape[0], np.int64), self.threads_now(), _MIN_TOKENS_A_PART)
        if len(parts) > 1:
            return np.concatenate(in_threads([functools.partial(self._log_partition, hidden[rows], chunk)
                                              for rows in parts]))
        return self._log_partition(hidden, chunk)

    def _log_partition(self, hidden: np.ndarray, chunk: int) -> np.ndarray:
        n = hidden.shape[0]
        peak = np.full(n, -np.inf, np.float32)
        total = np.zeros(n, np.float64)
        block = max(1, _LOGITS_AT_ONCE // chunk)
        for lo in range(0, self.output.shape[0], chunk):
            part = self.matrix(self.output[lo:lo + chunk])
            for r in range(0, n, block):
                logits = self.times(hidden[r:r + block], part)
                top = np.maximum(peak[r:r + block], logits.max(axis=1))
                logits -= top[:, None]
                np.exp(logits, out=logits)
                total[r:r + block] = total[r:r + block] * np.exp(peak[r:r + block] - top) + logits.sum(axis=1)
                peak[r:r + block] = top
        return peak + np.log(total)
