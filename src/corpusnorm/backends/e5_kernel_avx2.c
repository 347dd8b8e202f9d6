/* The e5 kernel of e5_kernel.c for processors without AVX-512 VNNI: AVX2 + FMA (x86-64 from 2013 on),
 * optionally AVX-VNNI (the 256-bit VEX vpdpbusd of Alder Lake and later). Same entry points, same packing,
 * and the same vectors bit for bit as the AVX-512 build:
 *
 * - every 512-bit float vector of e5_kernel.c is a pair of 256-bit halves (lanes 0-7, 8-15) going through
 *   the same operations lane by lane (mul, add, fma, div, max, round: each exact or correctly rounded);
 * - the horizontal sums and maxima follow GCC's _mm512_reduce_add_ps / _mm512_reduce_max_ps step for step
 *   (halves, quarters, pairs, in that order);
 * - 2^n in exp is built in the exponent bits (n in [-126, 127] after the clamp), p * 2^n is then one
 *   rounding, as vscalefps's;
 * - each block's integer dot product is exact either way: vpmaddubsw multiplies the unsigned activation
 *   (q + 128, 1..255) by the signed weight (-8..7) and adds pairs into int16 (|sum| <= 2 x 255 x 8 = 4080,
 *   no saturation); the 8 groups of a block add up in int16 (>= 8 x -4080 = -32640, <= 8 x 3570 = 28560,
 *   no wrap); vpmaddwd by ones then gives the int32 sums of 4 consecutive products, as vpdpbusd does.
 *
 * Built with -mavx2 -mfma (and -mavxvnni for the AVX-VNNI variant), no -mavx512*, no fast-math.
 */
#include <immintrin.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#if !defined(__AVX2__) || !defined(__FMA__)
#error "needs AVX2 and FMA"
#endif

#define QK 32

int e5k_version(void) { return 1; }

/* 16 float lanes as two halves: the 512-bit vectors of e5_kernel.c. */
typedef struct {
    __m256 lo, hi;
} v16;

static inline v16 v_load(const float *p) { return (v16){_mm256_loadu_ps(p), _mm256_loadu_ps(p + 8)}; }
static inline void v_store(float *p, v16 a) {
    _mm256_storeu_ps(p, a.lo);
    _mm256_storeu_ps(p + 8, a.hi);
}
static inline v16 v_set1(float x) { return (v16){_mm256_set1_ps(x), _mm256_set1_ps(x)}; }
static inline v16 v_zero(void) { return (v16){_mm256_setzero_ps(), _mm256_setzero_ps()}; }
static inline v16 v_add(v16 a, v16 b) { return (v16){_mm256_add_ps(a.lo, b.lo), _mm256_add_ps(a.hi, b.hi)}; }
static inline v16 v_sub(v16 a, v16 b) { return (v16){_mm256_sub_ps(a.lo, b.lo), _mm256_sub_ps(a.hi, b.hi)}; }
static inline v16 v_mul(v16 a, v16 b) { return (v16){_mm256_mul_ps(a.lo, b.lo), _mm256_mul_ps(a.hi, b.hi)}; }
static inline v16 v_div(v16 a, v16 b) { return (v16){_mm256_div_ps(a.lo, b.lo), _mm256_div_ps(a.hi, b.hi)}; }
static inline v16 v_max(v16 a, v16 b) { return (v16){_mm256_max_ps(a.lo, b.lo), _mm256_max_ps(a.hi, b.hi)}; }
static inline v16 v_min(v16 a, v16 b) { return (v16){_mm256_min_ps(a.lo, b.lo), _mm256_min_ps(a.hi, b.hi)}; }
static inline v16 v_fmadd(v16 a, v16 b, v16 c) {
    return (v16){_mm256_fmadd_ps(a.lo, b.lo, c.lo), _mm256_fmadd_ps(a.hi, b.hi, c.hi)};
}
static inline v16 v_fnmadd(v16 a, v16 b, v16 c) {
    return (v16){_mm256_fnmadd_ps(a.lo, b.lo, c.lo), _mm256_fnmadd_ps(a.hi, b.hi, c.hi)};
}

static inline __m256 v_lo(v16 a) { return a.lo; }
static inline __m256 v_hi(v16 a) { return a.hi; }
static inline v16 v_round(v16 a) {
    const int rnd = _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC;
    return (v16){_mm256_round_ps(a.lo, rnd), _mm256_round_ps(a.hi, rnd)};
}

/* 2^n * p for integral n in [-126, 127] (as vscalefps: the exact product, rounded once). */
static inline __m256 scale2n(__m256 p, __m256 n) {
    const __m256i e = _mm256_slli_epi32(_mm256_add_epi32(_mm256_cvtps_epi32(n), _mm256_set1_epi32(127)), 23);
    return _mm256_mul_ps(p, _mm256_castsi256_ps(e));
}
static inline v16 v_scale2n(v16 p, v16 n) { return (v16){scale2n(p.lo, n.lo), scale2n(p.hi, n.hi)}; }

/* Lanes c .. c + 15 that hold one of the n scores (all ones), the others zero. */
static inline v16 valid_lanes(long n, long c) {
    const __m256i left = _mm256_set1_epi32((int)(n - c < 16 ? n - c : 16));
    const __m256i lo = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7), hi = _mm256_setr_epi32(8, 9, 10, 11, 12, 13, 14, 15);
    return (v16){_mm256_castsi256_ps(_mm256_cmpgt_epi32(left, lo)), _mm256_castsi256_ps(_mm256_cmpgt_epi32(left, hi))};
}
static inline v16 v_keep_max(v16 m, v16 s, long n, long c) {
    const v16 k = valid_lanes(n, c), mx = v_max(m, s);
    return (v16){_mm256_blendv_ps(m.lo, mx.lo, k.lo), _mm256_blendv_ps(m.hi, mx.hi, k.hi)};
}
static inline v16 v_keep(v16 e, long n, long c) {
    const v16 k = valid_lanes(n, c);
    return (v16){_mm256_and_ps(k.lo, e.lo), _mm256_and_ps(k.hi, e.hi)};
}

#include "e5_kernel_common.h"

static inline __m256 abs8(__m256 a) { return _mm256_andnot_ps(_mm256_set1_ps(-0.0f), a); }

/* 8 floats already scaled -> rounded to nearest even, int32. */
static inline __m256i round8(__m256 a) {
    return _mm256_cvtps_epi32(_mm256_round_ps(a, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC));
}

/* Round rows of x [T, K] per block of 32: q + 128 (unsigned bytes) and d (scale) per block. */
static void quantise(const float *x, long T, long K, uint8_t *q, float *d) {
    const __m256i bias = _mm256_set1_epi8((char)0x80);
    const __m256i order = _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7);
    const long nb = K / QK;
    const float inv127 = (float)(1.0 / 127.0);
    for (long t = 0; t < T; t++) {
        for (long b = 0; b < nb; b++) {
            const float *xb = x + t * K + b * QK;
            const v16 a = v_load(xb), c = v_load(xb + 16);
            const v16 m = {_mm256_max_ps(abs8(a.lo), abs8(c.lo)), _mm256_max_ps(abs8(a.hi), abs8(c.hi))};
            const float amax = v_reduce_max(m);
            float dd = amax * inv127;
            if (dd == 0.0f) dd = 1.0f;
            const float inv = 1.0f / dd;
            const __m256 vi = _mm256_set1_ps(inv);
            const __m256i q0 = round8(_mm256_mul_ps(a.lo, vi)), q1 = round8(_mm256_mul_ps(a.hi, vi));
            const __m256i q2 = round8(_mm256_mul_ps(c.lo, vi)), q3 = round8(_mm256_mul_ps(c.hi, vi));
            /* |q| <= 127: the saturating packs keep every value; per 128-bit lane they interleave by 4 */
            const __m256i p8 = _mm256_packs_epi16(_mm256_packs_epi32(q0, q1), _mm256_packs_epi32(q2, q3));
            const __m256i ordered = _mm256_permutevar8x32_epi32(p8, order);
            _mm256_storeu_si256((__m256i *)(q + t * K + b * QK), _mm256_xor_si256(ordered, bias));
            d[t * nb + b] = dd;
        }
    }
}

static inline __m256i bcast4(const uint8_t *p) {
    int32_t v;
    __builtin_memcpy(&v, p, 4);
    return _mm256_set1_epi32(v);
}

#ifdef __AVXVNNI__
/* AVX-VNNI: vpdpbusd on 8 lanes, straight into the int32 accumulator. */
#define DOT_INIT(acc, start) (acc) = (start)
#define DOT_STEP(acc, x, w) (acc) = _mm256_dpbusd_avx_epi32((acc), (x), (w))
#define DOT_DONE(acc, start) (void)0
#else
/* AVX2: int16 pair sums, added over the block's 8 groups, then widened to int32 once. */
#define DOT_INIT(acc, start) (acc) = _mm256_setzero_si256()
#define DOT_STEP(acc, x, w) (acc) = _mm256_add_epi16((acc), _mm256_maddubs_epi16((x), (w)))
#define DOT_DONE(acc, start) (acc) = _mm256_add_epi32((start), _mm256_madd_epi16((acc), _mm256_set1_epi16(1)))
#endif

#ifndef TILE_TOKENS
#define TILE_TOKENS 4
#endif

/* nt (1 .. TILE_TOKENS) tokens x one tile of 16 outputs: per output, the same float steps in the same
 * order as e5_kernel.c's block_4x2 / block_1x2 (f += float(acc) * (dw * dx) per block, then + bias). */
static inline __attribute__((always_inline)) void block_nt(const uint8_t *q, const float *d, long K,
                                                           const int8_t *w, const float *dw,
                                                           const int32_t *c, const float *bias, long O,
                                                           float *y, const int nt) {
    const long nb = K / QK;
    v16 f[TILE_TOKENS];
    for (int i = 0; i < nt; i++) f[i] = v_zero();
    for (long b = 0; b < nb; b++) {
        const __m256i start0 = _mm256_loadu_si256((const __m256i *)(c + b * 16));
        const __m256i start1 = _mm256_loadu_si256((const __m256i *)(c + b * 16 + 8));
        __m256i acc[TILE_TOKENS][2];
        for (int i = 0; i < nt; i++) {
            DOT_INIT(acc[i][0], start0);
            DOT_INIT(acc[i][1], start1);
        }
        for (int g = 0; g < QK / 4; g++) {
            const __m256i a0 = _mm256_loadu_si256((const __m256i *)(w + (b * 8 + g) * 64));
            const __m256i a1 = _mm256_loadu_si256((const __m256i *)(w + (b * 8 + g) * 64 + 32));
            for (int i = 0; i < nt; i++) {
                const __m256i x = bcast4(q + i * K + b * QK + g * 4);
                DOT_STEP(acc[i][0], x, a0);
                DOT_STEP(acc[i][1], x, a1);
            }
        }
        const v16 s = v_load(dw + b * 16);
        for (int i = 0; i < nt; i++) {
            DOT_DONE(acc[i][0], start0);
            DOT_DONE(acc[i][1], start1);
            const v16 sum = {_mm256_cvtepi32_ps(acc[i][0]), _mm256_cvtepi32_ps(acc[i][1])};
            f[i] = v_fmadd(sum, v_mul(s, v_set1(d[i * nb + b])), f[i]);
        }
    }
    const v16 bb = v_load(bias);
    for (int i = 0; i < nt; i++) v_store(y + i * O, v_add(f[i], bb));
}

/* Tokens t0 .. t1 - 1 x every output tile (e5k_linear's chunk). */
static void linear_chunk(const uint8_t *q, const float *d, long K, const int8_t *wp, const float *dw,
                         const int32_t *wc, const float *bias, long O, float *y, long t0, long t1) {
    const long nb = K / QK, tile_bytes = K * 16, tile_scales = nb * 16;
    for (long ot = 0; ot < O / 16; ot++) {
        const int8_t *w = wp + ot * tile_bytes;
        const float *s = dw + ot * tile_scales, *bo = bias + ot * 16;
        const int32_t *c = wc + ot * tile_scales;
        long t = t0;
        for (; t + TILE_TOKENS <= t1; t += TILE_TOKENS)
            block_nt(q + t * K, d + t * nb, K, w, s, c, bo, O, y + t * O + ot * 16, TILE_TOKENS);
        for (; t < t1; t++) block_nt(q + t * K, d + t * nb, K, w, s, c, bo, O, y + t * O + ot * 16, 1);
    }
}
