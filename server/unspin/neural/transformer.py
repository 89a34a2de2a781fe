"""A Llama-architecture decoder in plain numpy: RMSNorm, rotary positions, grouped-query attention, SwiGLU.

Matrices are kept as bfloat16 (the upper half of each float32, rounded) and widened to float32 one
layer at a time inside each forward call by an integer shift, so the model holds half the memory of a
float32 copy (numpy's float16 casts are several times slower than the shift).  Callers batch their
work into few calls because that widening costs the same for one token as for a thousand.  The token
embedding, which is also the output projection, is widened a slice of the vocabulary at a time.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from .gguf_file import GGUFFile, dequantize

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

    def layer(self, i: int) -> tuple[np.ndarray, np.ndarray]:
        if self.index is None:
            return self.keys[i], self.values[i]
        return self.keys[i][self.index], self.values[i][self.index]


class _LazyWeights(dict):
    """GGUF tensors dequantised when first asked for, so only one float32 copy exists at a time."""

    def __init__(self, gguf: GGUFFile) -> None:
        super().__init__()
        self.gguf = gguf

    def __getitem__(self, name: str) -> np.ndarray:
        return dequantize(self.gguf.tensors[name])

    def get(self, name: str, default: object = None) -> object:
        return self[name] if name in self.gguf.tensors else default


class Transformer:
    """The forward pass over batches of token rows, continuing from an optional ``KVCache``."""

    def __init__(self, config: Config, weights: dict[str, np.ndarray], storage: str = "bf16") -> None:
        """``weights``: GGUF tensor names to float32 arrays; layer matrices are stored as ``storage``,
        "bf16" or "f32" (twice the memory, no widening per call)."""
        self.config = config
        if storage not in ("bf16", "f32"):
            raise ValueError(f"storage {storage!r} is neither 'bf16' nor 'f32'")
        pack = to_bf16 if storage == "bf16" else (lambda w: np.ascontiguousarray(w, dtype=np.float32))
        self.unpack = widen if storage == "bf16" else (lambda w: w)
        self.embedding = pack(weights["token_embd.weight"])
        out = weights.get("output.weight")
        self.output = self.embedding if out is None else pack(out)
        self.output_norm = weights["output_norm.weight"].astype(np.float32)
        self.layers = [{n: (weights[f"blk.{i}.{n}.weight"].astype(np.float32) if n.endswith("norm")
                            else pack(weights[f"blk.{i}.{n}.weight"])) for n in LAYER_TENSORS}
                       for i in range(config.layers)]
        hd = config.head_dim
        self.inv_freq = (config.rope_base ** (-np.arange(0, hd, 2, dtype=np.float64) / hd)).astype(np.float32)

    @classmethod
    def from_gguf(cls, gguf: GGUFFile, storage: str = "bf16") -> Transformer:
        md = gguf.metadata
        arch = md.get("general.architecture")
        if arch != "llama":
            raise ValueError(f"{gguf.path}: architecture {arch!r} is not supported (only llama)")
        config = Config(
            layers=int(md["llama.block_count"]), dim=int(md["llama.embedding_length"]),
            heads=int(md["llama.attention.head_count"]), kv_heads=int(md["llama.attention.head_count_kv"]),
            ffn=int(md["llama.feed_forward_length"]), vocab=len(md["tokenizer.ggml.tokens"]),
            rope_base=float(md.get("llama.rope.freq_base", 10000.0)),
            eps=float(md.get("llama.attention.layer_norm_rms_epsilon", 1e-5)))
        return cls(config, _LazyWeights(gguf), storage)

    def empty_cache(self, batch: int) -> KVCache:
        c = self.config
        shape = (batch, c.kv_heads, 0, c.head_dim)
        return KVCache([np.zeros(shape, np.float32) for _ in range(c.layers)],
                       [np.zeros(shape, np.float32) for _ in range(c.layers)],
                       np.zeros((batch, 0), bool), np.zeros(batch, np.int64))

    def _norm(self, x: np.ndarray, w: np.ndarray) -> np.ndarray:
        return x / np.sqrt(np.mean(x * x, axis=-1, keepdims=True) + self.config.eps) * w

    def _rope(self, x: np.ndarray, pos: np.ndarray) -> np.ndarray:
        """Rotate adjacent pairs (GGUF's llama layout: the converter permuted q and k for it)."""
        ang = pos[:, :, None].astype(np.float32) * self.inv_freq  # (B, T, hd/2)
        cos, sin = np.cos(ang)[:, :, None, :], np.sin(ang)[:, :, None, :]
        x0, x1 = x[..., 0::2], x[..., 1::2]
        out = np.empty_like(x)
        out[..., 0::2] = x0 * cos - x1 * sin
        out[..., 1::2] = x0 * sin + x1 * cos
        return out

    def forward(self, tokens: np.ndarray, mask: np.ndarray | None = None, cache: KVCache | None = None,
                extend_cache: bool = False, interrupt: Callable[[], None] | None = None
                ) -> tuple[np.ndarray, KVCache | None]:
        """Final hidden states ``(B, T, dim)`` of ``tokens`` ``(B, T)`` after the ``cache``'s positions.

        ``mask`` (B, T) marks real tokens (False: padding at a row's end).  With ``extend_cache`` the
        returned cache holds the past and these tokens; otherwise None.  ``interrupt`` is called
        before each layer, so a caller can abandon a long pass by raising from it.
        """
        c = self.config
        B, T = tokens.shape
        mask = np.ones((B, T), bool) if mask is None else mask
        cache = self.empty_cache(B) if cache is None else cache
        pos = cache.positions[:, None] + np.arange(T)[None, :]
        valid = np.concatenate([cache.valid, mask], axis=1)  # (B, P+T)
        P = cache.valid.shape[1]
        allowed = valid[:, None, :].repeat(T, axis=1)  # (B, T, P+T)
        allowed[:, :, P:] &= np.tril(np.ones((T, T), bool))[None]
        bias = np.where(allowed, np.float32(0), np.float32(-1e30))[:, None, None]  # (B,1,1,T,P+T)
        group, hd = c.heads // c.kv_heads, c.head_dim
        scale = np.float32(1 / np.sqrt(hd))
        h = self.unpack(self.embedding[tokens])
        keys, values = [], []
        for i, L in enumerate(self.layers):
            if interrupt is not None:
                interrupt()
            W = {n: self.unpack(L[n]) for n in LAYER_TENSORS if not n.endswith("norm")}
            a = self._norm(h, L["attn_norm"]).reshape(B * T, c.dim)
            q = (a @ W["attn_q"].T).reshape(B, T, c.heads, hd)
            k = (a @ W["attn_k"].T).reshape(B, T, c.kv_heads, hd)
            v = (a @ W["attn_v"].T).reshape(B, T, c.kv_heads, hd)
            q, k = self._rope(q, pos), self._rope(k, pos)
            past_k, past_v = cache.layer(i)
            k = np.concatenate([past_k, k.transpose(0, 2, 1, 3)], axis=2)  # (B, kvh, P+T, hd)
            v = np.concatenate([past_v, v.transpose(0, 2, 1, 3)], axis=2)
            if extend_cache:
                keys.append(k)
                values.append(v)
            qg = q.reshape(B, T, c.kv_heads, group, hd).transpose(0, 2, 3, 1, 4)  # (B, kvh, g, T, hd)
            s = (qg @ k[:, :, None].swapaxes(-1, -2)) * scale + bias  # (B, kvh, g, T, P+T)
            s -= s.max(axis=-1, keepdims=True)
            np.exp(s, out=s)
            s /= s.sum(axis=-1, keepdims=True)
            o = (s @ v[:, :, None]).transpose(0, 3, 1, 2, 4).reshape(B * T, c.dim)  # (B, T, kvh, g, hd)
            h = h + (o @ W["attn_output"].T).reshape(B, T, c.dim)
            a = self._norm(h, L["ffn_norm"]).reshape(B * T, c.dim)
            g = a @ W["ffn_gate"].T
            u = a @ W["ffn_up"].T
            g *= u / (1 + np.exp(-g))  # silu(g) * u
            h = h + (g @ W["ffn_down"].T).reshape(B, T, c.dim)
        h = self._norm(h, self.output_norm)
        new = None
        if extend_cache:
            new = KVCache(keys, values, valid, cache.positions + mask.sum(axis=1))
        return h, new

    def log_softmax(self, hidden: np.ndarray) -> np.ndarray:
        """Natural-log next-token distributions for hidden states ``(N, dim)``: ``(N, vocab)``."""
        logits = hidden @ self.unpack(self.output).T
        logits -= logits.max(axis=-1, keepdims=True)
        logits -= np.log(np.exp(logits).sum(axis=-1, keepdims=True))
        return logits

    def target_logprobs(self, hidden: np.ndarray, targets: np.ndarray, chunk: int = 8192) -> np.ndarray:
        """Natural-log probability of ``targets`` (N,) after hidden states ``(N, dim)``.

        The vocabulary is taken a chunk at a time, so no (N, vocab) array is held.
        """
        n = hidden.shape[0]
        if n == 0:
            return np.zeros(0, np.float32)
        picked = np.einsum("nd,nd->n", hidden, self.unpack(self.output[targets]))
        peak = np.full(n, -np.inf, np.float32)
        total = np.zeros(n, np.float64)
        for lo in range(0, self.output.shape[0], chunk):
            logits = hidden @ self.unpack(self.output[lo:lo + chunk]).T
            top = logits.max(axis=1)
            new_peak = np.maximum(peak, top)
            total = total * np.exp(peak - new_peak) + np.exp(logits - new_peak[:, None]).sum(axis=1)
            peak = new_peak
        return (picked - peak - np.log(total)).astype(np.float32)
