/* int8 x int4 products of the e5 encoder (corpusnorm.backends.e5_native), AVX-512 VNNI, or AMX-INT8 tiles
 * with -DE5K_AMX (the "amx" build: same sums, same float steps, same vectors; see its section at the end).
 *
 * y[t, o] = sum_b dw[o, b] * dx[t, b] * sum_j w[o, 32b + j] * q[t, 32b + j]   (+ bias[o])
 *
 * q: the activations rounded to int8 per block of 32 features exactly as the numpy engine rounds them
 * (d = amax * float(1/127), 0 -> 1; q = rint(x * (1 / d))); w: the Q4_0 weights (nibble - 8). Each
 * block's integer dot product is exact: vpdpbusd on the activation made unsigned (q + 128) and the signed
 * weight, the accumulator starting at -128 x the block's weight sum; the blocks are summed in float32 in a
 * fixed order, the same for every token whatever the batch. Weights are packed by the caller: tiles of 16
 * outputs, each tile [K/4][16][4] bytes (lane i holds 4 consecutive weights of output i), scales and
 * starting sums [O/16][K/32][16].
 *
 * Built at run time with the machine's C compiler (-O3 -march=native, no fast-math); without AVX-512
 * VNNI the build fails on purpose and e5_kernel_avx2.c (AVX2 / AVX-VNNI, the same vectors bit for bit) or
 * the numpy engine runs instead. Reductions, e^x, GELU, layer norm and attention are e5_kernel_common.h,
 * shared with that build; this file gives it its 16-lane primitives (a v16 is one __m512), the rounding of
 * the activations and the products.
 */
#include <immintrin.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#if !defined(__AVX512VNNI__) || !defined(__AVX512BW__) || !defined(__AVX512F__)
#error "needs AVX-512 VNNI"
#endif

#define QK 32

int e5k_version(void) { return 1; }

/* 16 float lanes: one __m512 (the primitives e5_kernel_common.h is written over). */
typedef __m512 v16;

static inline v16 v_load(const float *p) { return _mm512_loadu_ps(p); }
static inline void v_store(float *p, v16 a) { _mm512_storeu_ps(p, a); }
static inline v16 v_set1(float x) { return _mm512_set1_ps(x); }
static inline v16 v_zero(void) { return _mm512_setzero_ps(); }
static inline v16 v_add(v16 a, v16 b) { return _mm512_add_ps(a, b); }
static inline v16 v_sub(v16 a, v16 b) { return _mm512_sub_ps(a, b); }
static inline v16 v_mul(v16 a, v16 b) { return _mm512_mul_ps(a, b); }
static inline v16 v_div(v16 a, v16 b) { return _mm512_div_ps(a, b); }
static inline v16 v_max(v16 a, v16 b) { return _mm512_max_ps(a, b); }
static inline v16 v_min(v16 a, v16 b) { return _mm512_min_ps(a, b); }
static inline v16 v_fmadd(v16 a, v16 b, v16 c) { return _mm512_fmadd_ps(a, b, c); }
static inline v16 v_fnmadd(v16 a, v16 b, v16 c) { return _mm512_fnmadd_ps(a, b, c); }
static inline __m256 v_lo(v16 a) { return _mm512_castps512_ps256(a); }
static inline __m256 v_hi(v16 a) { return _mm256_castpd_ps(_mm512_extractf64x4_pd(_mm512_castps_pd(a), 1)); }
static inline v16 v_round(v16 a) { return _mm512_roundscale_ps(a, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC); }
static inline v16 v_scale2n(v16 p, v16 n) { return _mm512_scalef_ps(p, n); }
/* Lanes c .. n - 1 of the 16 starting at c (all of them when n - c >= 16). */
static inline __mmask16 valid_lanes(long n, long c) {
    return n - c >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << (n - c)) - 1);
}
static inline v16 v_keep_max(v16 m, v16 s, long n, long c) { return _mm512_mask_max_ps(m, valid_lanes(n, c), m, s); }
static inline v16 v_keep(v16 e, long n, long c) { return _mm512_maskz_mov_ps(valid_lanes(n, c), e); }

#include "e5_kernel_common.h"

/* Round rows of x [T, K] per block of 32: q + 128 (unsigned bytes) and d (scale) per block. */
static void quantise(const float *x, long T, long K, uint8_t *q, float *d) {
    const __m128i bias = _mm_set1_epi8((char)0x80);
    const long nb = K / QK;
    const float inv127 = (float)(1.0 / 127.0);
    for (long t = 0; t < T; t++) {
        for (long b = 0; b < nb; b++) {
            const float *xb = x + t * K + b * QK;
            __m512 a = _mm512_loadu_ps(xb), c = _mm512_loadu_ps(xb + 16);
            float amax = v_reduce_max(_mm512_max_ps(_mm512_abs_ps(a), _mm512_abs_ps(c)));
            float dd = amax * inv127;
            if (dd == 0.0f) dd = 1.0f;
            const float inv = 1.0f / dd;
            const __m512 vi = _mm512_set1_ps(inv);
            const int rnd = _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC;
            __m512i qa = _mm512_cvtps_epi32(_mm512_roundscale_ps(_mm512_mul_ps(a, vi), rnd));
            __m512i qc = _mm512_cvtps_epi32(_mm512_roundscale_ps(_mm512_mul_ps(c, vi), rnd));
            _mm_storeu_si128((__m128i *)(q + t * K + b * QK), _mm_xor_si128(_mm512_cvtepi32_epi8(qa), bias));
            _mm_storeu_si128((__m128i *)(q + t * K + b * QK + 16), _mm_xor_si128(_mm512_cvtepi32_epi8(qc), bias));
            d[t * nb + b] = dd;
        }
    }
}

#ifndef E5K_AMX
static inline __m512i bcast4(const uint8_t *p) {
    int32_t v;
    __builtin_memcpy(&v, p, 4);
    return _mm512_set1_epi32(v);
}

/* NT tokens x 2 tiles of 16 outputs. */
#define TILE_TOKENS 4
static void block_4x2(const uint8_t *q, const float *d, long K, const int8_t *w0, const int8_t *w1,
                      const float *dw0, const float *dw1, const int32_t *c0, const int32_t *c1,
                      const float *bias, long O, float *y) {
    const long nb = K / QK;
    __m512 f[TILE_TOKENS][2];
    for (int i = 0; i < TILE_TOKENS; i++) f[i][0] = f[i][1] = _mm512_setzero_ps();
    for (long b = 0; b < nb; b++) {
        __m512i acc[TILE_TOKENS][2];
        const __m512i start0 = _mm512_loadu_si512(c0 + b * 16), start1 = _mm512_loadu_si512(c1 + b * 16);
        for (int i = 0; i < TILE_TOKENS; i++) acc[i][0] = start0, acc[i][1] = start1;
        for (int g = 0; g < QK / 4; g++) {
            const __m512i a0 = _mm512_loadu_si512(w0 + (b * 8 + g) * 64);
            const __m512i a1 = _mm512_loadu_si512(w1 + (b * 8 + g) * 64);
            for (int i = 0; i < TILE_TOKENS; i++) {
                const __m512i x = bcast4(q + i * K + b * QK + g * 4);
                acc[i][0] = _mm512_dpbusd_epi32(acc[i][0], x, a0);
                acc[i][1] = _mm512_dpbusd_epi32(acc[i][1], x, a1);
            }
        }
        const __m512 s0 = _mm512_loadu_ps(dw0 + b * 16), s1 = _mm512_loadu_ps(dw1 + b * 16);
        for (int i = 0; i < TILE_TOKENS; i++) {
            const __m512 dx = _mm512_set1_ps(d[i * nb + b]);
            f[i][0] = _mm512_fmadd_ps(_mm512_cvtepi32_ps(acc[i][0]), _mm512_mul_ps(s0, dx), f[i][0]);
            f[i][1] = _mm512_fmadd_ps(_mm512_cvtepi32_ps(acc[i][1]), _mm512_mul_ps(s1, dx), f[i][1]);
        }
    }
    const __m512 b0 = _mm512_loadu_ps(bias), b1 = _mm512_loadu_ps(bias + 16);
    for (int i = 0; i < TILE_TOKENS; i++) {
        _mm512_storeu_ps(y + i * O, _mm512_add_ps(f[i][0], b0));
        _mm512_storeu_ps(y + i * O + 16, _mm512_add_ps(f[i][1], b1));
    }
}

/* One token x 2 tiles (the tokens left over after the groups of TILE_TOKENS); same sums, same order. */
static void block_1x2(const uint8_t *q, const float *d, long K, const int8_t *w0, const int8_t *w1,
                      const float *dw0, const float *dw1, const int32_t *c0, const int32_t *c1,
                      const float *bias, float *y) {
    const long nb = K / QK;
    __m512 f0 = _mm512_setzero_ps(), f1 = _mm512_setzero_ps();
    for (long b = 0; b < nb; b++) {
        __m512i acc0 = _mm512_loadu_si512(c0 + b * 16), acc1 = _mm512_loadu_si512(c1 + b * 16);
        for (int g = 0; g < QK / 4; g++) {
            const __m512i x = bcast4(q + b * QK + g * 4);
            acc0 = _mm512_dpbusd_epi32(acc0, x, _mm512_loadu_si512(w0 + (b * 8 + g) * 64));
            acc1 = _mm512_dpbusd_epi32(acc1, x, _mm512_loadu_si512(w1 + (b * 8 + g) * 64));
        }
        const __m512 dx = _mm512_set1_ps(d[b]);
        f0 = _mm512_fmadd_ps(_mm512_cvtepi32_ps(acc0), _mm512_mul_ps(_mm512_loadu_ps(dw0 + b * 16), dx), f0);
        f1 = _mm512_fmadd_ps(_mm512_cvtepi32_ps(acc1), _mm512_mul_ps(_mm512_loadu_ps(dw1 + b * 16), dx), f1);
    }
    _mm512_storeu_ps(y, _mm512_add_ps(f0, _mm512_loadu_ps(bias)));
    _mm512_storeu_ps(y + 16, _mm512_add_ps(f1, _mm512_loadu_ps(bias + 16)));
}

/* Tokens t0 .. t1 - 1 x every pair of output tiles (e5k_linear's chunk). */
static void linear_chunk(const uint8_t *q, const float *d, long K, const int8_t *wp, const float *dw,
                         const int32_t *wc, const float *bias, long O, float *y, long t0, long t1) {
    const long nb = K / QK, tile_bytes = K * 16, tile_scales = nb * 16;
    for (long ot = 0; ot < O / 16; ot += 2) {
        const int8_t *w0 = wp + ot * tile_bytes, *w1 = w0 + tile_bytes;
        const float *dw0 = dw + ot * tile_scales, *dw1 = dw0 + tile_scales;
        const int32_t *c0 = wc + ot * tile_scales, *c1 = c0 + tile_scales;
        const float *bo = bias + ot * 16;
        long t = t0;
        for (; t + TILE_TOKENS <= t1; t += TILE_TOKENS)
            block_4x2(q + t * K, d + t * nb, K, w0, w1, dw0, dw1, c0, c1, bo, O, y + t * O + ot * 16);
        for (; t < t1; t++) block_1x2(q + t * K, d + t * nb, K, w0, w1, dw0, dw1, c0, c1, bo, y + t * O + ot * 16);
    }
}
#else
/* The AMX build (-DE5K_AMX, processors with AMX-INT8, Linux granting the tile state): each block's integer dot
 * products come from the tile unit (TDPBUSD: 16 tokens x 16 outputs x 32 features an instruction, on the same
 * unsigned activations and signed weights as vpdpbusd, so the same exact integer sums once -128 x the block's
 * weight sum is added), then are scaled and added in float32 exactly as block_4x2 adds them (same operations,
 * same order): the same vectors bit for bit. The weight tiles are already in AMX's B layout ([K/4][16][4]). */
#include <sys/syscall.h>
#include <unistd.h>

#define ARCH_REQ_XCOMP_PERM 0x1023
#define XFEATURE_XTILEDATA 18
#define AMX_ROWS 16

/* Asks Linux for the tile state (once per process; inherited by forks). 0 when the tile unit may be used. */
int e5k_amx_init(void) { return syscall(SYS_arch_prctl, ARCH_REQ_XCOMP_PERM, XFEATURE_XTILEDATA) == 0 ? 0 : -1; }

typedef struct {
    uint8_t palette, start_row, reserved[14];
    uint16_t colsb[16];
    uint8_t rows[16];
} tile_config;

/* Tiles: 0 and 3 the sums (16 tokens x 16 outputs, int32), 1 and 4 the activations (16 tokens x 32 bytes), 2 and 5
 * the weights (8 rows of 16 outputs x 4 bytes): two blocks in flight. */
static void amx_configure(void) {
    tile_config c;
    __builtin_memset(&c, 0, sizeof c);
    c.palette = 1;
    for (int t = 0; t < 6; t += 3) {
        c.rows[t] = AMX_ROWS, c.colsb[t] = 64;
        c.rows[t + 1] = AMX_ROWS, c.colsb[t + 1] = QK;
        c.rows[t + 2] = QK / 4, c.colsb[t + 2] = 64;
    }
    _tile_loadconfig(&c);
}

/* f[i] += float(start + sums of token i) x (scales x d[token i]) for the n tokens of one block's tile (start:
 * -128 x the block's weight sums, as the activations enter as q + 128; an exact integer sum). */
static inline void amx_scale(__m512 *f, const int32_t *sums, const int32_t *wc, const float *dw, const float *d,
                             long nb, int n) {
    const __m512 s = _mm512_loadu_ps(dw);
    const __m512i c = _mm512_loadu_si512(wc);
    for (int i = 0; i < n; i++)
        f[i] = _mm512_fmadd_ps(_mm512_cvtepi32_ps(_mm512_add_epi32(c, _mm512_load_si512(sums + 16 * i))),
                               _mm512_mul_ps(s, _mm512_set1_ps(d[i * nb])), f[i]);
}

/* Tile C <- the integer sums of block blk (activations into tile A, weights into tile B). */
#define AMX_STEP(C, A, B, blk)                  \
    do {                                        \
        _tile_zero(C);                          \
        _tile_loadd(A, q + (blk) * QK, K);      \
        _tile_loadd(B, w + (blk) * 8 * 64, 64); \
        _tile_dpbusd(C, A, B);                  \
    } while (0)

/* n (<= 16) tokens (q rows of K bytes, 16 readable) x one tile of 16 outputs: the tile unit computes every
 * block's sums into ``sums`` (AMX_PHASE blocks at a time, two in flight), then they are scaled and added in
 * block order (the vector loads read sums stored a phase earlier, not the store just issued). */
#define AMX_PHASE 16
static void amx_tile(const uint8_t *q, const float *d, long K, const int8_t *w, const float *dw, const int32_t *wc,
                     const float *bias, long O, float *y, int n) {
    const long nb = K / QK;
    int32_t sums[AMX_PHASE][256] __attribute__((aligned(64)));
    __m512 f[AMX_ROWS];
    for (int i = 0; i < AMX_ROWS; i++) f[i] = _mm512_setzero_ps();
    for (long b0 = 0; b0 < nb; b0 += AMX_PHASE) {
        const long b1 = b0 + AMX_PHASE < nb ? b0 + AMX_PHASE : nb;
        long b = b0;
        for (; b + 2 <= b1; b += 2) {
            AMX_STEP(0, 1, 2, b);
            AMX_STEP(3, 4, 5, b + 1);
            _tile_stored(0, sums[b - b0], 64);
            _tile_stored(3, sums[b + 1 - b0], 64);
        }
        if (b < b1) {
            AMX_STEP(0, 1, 2, b);
            _tile_stored(0, sums[b - b0], 64);
        }
        for (b = b0; b < b1; b++) amx_scale(f, sums[b - b0], wc + b * 16, dw + b * 16, d + b, nb, n);
    }
    const __m512 bv = _mm512_loadu_ps(bias);
    for (int i = 0; i < n; i++) _mm512_storeu_ps(y + i * O, _mm512_add_ps(f[i], bv));
}

/* Tokens t0 .. t1 - 1 x every output tile, 16 tokens at a time (the last group's rows copied into a padded
 * buffer: the tile always reads 16 rows). */
static void linear_chunk(const uint8_t *q, const float *d, long K, const int8_t *wp, const float *dw,
                         const int32_t *wc, const float *bias, long O, float *y, long t0, long t1) {
    const long nb = K / QK, tile_bytes = K * 16, tile_scales = nb * 16;
    amx_configure();
    for (long t = t0; t < t1; t += AMX_ROWS) {
        const int n = t1 - t < AMX_ROWS ? (int)(t1 - t) : AMX_ROWS;
        const uint8_t *rows = q + t * K;
        uint8_t pad[n < AMX_ROWS ? AMX_ROWS * K : 1]; /* 16 x K bytes (24 KB for K = 1536) */
        if (n < AMX_ROWS) {
            __builtin_memcpy(pad, rows, (size_t)(n * K));
            __builtin_memset(pad + n * K, 0x80, (size_t)((AMX_ROWS - n) * K));
            rows = pad;
        }
        for (long ot = 0; ot < O / 16; ot++)
            amx_tile(rows, d + t * nb, K, wp + ot * tile_bytes, dw + ot * tile_scales, wc + ot * tile_scales,
                     bias + ot * 16, O, y + t * O + ot * 16, n);
    }
    _tile_release();
}
#endif
