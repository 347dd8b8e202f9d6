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

/* _mm512_reduce_add_ps as GCC writes it: (hi + lo) halves, quarters, then pairs {2,3,0,1}, then [0] + [1]. */
static inline float v_reduce_add(v16 a) {
    const __m256 t3 = _mm256_add_ps(a.hi, a.lo);
    const __m128 t6 = _mm_add_ps(_mm256_extractf128_ps(t3, 1), _mm256_castps256_ps128(t3));
    const __m128 t8 = _mm_add_ps(t6, _mm_shuffle_ps(t6, t6, _MM_SHUFFLE(1, 0, 3, 2)));
    return _mm_cvtss_f32(t8) + _mm_cvtss_f32(_mm_shuffle_ps(t8, t8, _MM_SHUFFLE(1, 1, 1, 1)));
}

/* _mm512_reduce_max_ps as GCC writes it (same operand order: max is not symmetric in NaN and signed zeros). */
static inline float v_reduce_max(v16 a) {
    const __m256 t3 = _mm256_max_ps(a.hi, a.lo);
    const __m128 t6 = _mm_max_ps(_mm256_extractf128_ps(t3, 1), _mm256_castps256_ps128(t3));
    const __m128 t8 = _mm_max_ps(t6, _mm_shuffle_ps(t6, t6, _MM_SHUFFLE(1, 0, 3, 2)));
    const __m128 t10 = _mm_max_ps(t8, _mm_shuffle_ps(t8, t8, _MM_SHUFFLE(0, 1, 0, 1)));
    return _mm_cvtss_f32(t10);
}

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
#define CHUNK_TOKENS 64

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

/* y [T, O] = round(x [T, K]) @ W.T + bias; O a multiple of 32, K of 32. Returns 0, or -1 (no memory). */
int e5k_linear(const float *x, long T, long K, const int8_t *wp, const float *dw, const int32_t *wc,
               const float *bias, long O, float *y) {
    const long nb = K / QK;
    uint8_t *q = malloc((size_t)(T * K) + 64);
    float *d = malloc(sizeof(float) * (size_t)(T * nb + 1));
    if (!q || !d) {
        free(q);
        free(d);
        return -1;
    }
    quantise(x, T, K, q, d);
    const long tile_bytes = K * 16, tile_scales = nb * 16;
    for (long t0 = 0; t0 < T; t0 += CHUNK_TOKENS) {
        const long t1 = t0 + CHUNK_TOKENS < T ? t0 + CHUNK_TOKENS : T;
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
    free(q);
    free(d);
    return 0;
}

/* 2^n * p for integral n in [-126, 127] (as vscalefps: the exact product, rounded once). */
static inline __m256 scale2n(__m256 p, __m256 n) {
    const __m256i e = _mm256_slli_epi32(_mm256_add_epi32(_mm256_cvtps_epi32(n), _mm256_set1_epi32(127)), 23);
    return _mm256_mul_ps(p, _mm256_castsi256_ps(e));
}

/* e^x for float32 lanes: e5_kernel.c's exp_ps, step for step. */
static inline v16 exp_v(v16 x) {
    x = v_min(v_max(x, v_set1(-87.0f)), v_set1(88.0f));
    const v16 t = v_mul(x, v_set1(1.44269504088896341f));
    const int rnd = _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC;
    const v16 n = {_mm256_round_ps(t.lo, rnd), _mm256_round_ps(t.hi, rnd)};
    v16 r = v_fnmadd(n, v_set1(0.693359375f), x);
    r = v_fnmadd(n, v_set1(-2.12194440e-4f), r);
    v16 p = v_set1(1.9875691500e-4f);
    p = v_fmadd(p, r, v_set1(1.3981999507e-3f));
    p = v_fmadd(p, r, v_set1(8.3334519073e-3f));
    p = v_fmadd(p, r, v_set1(4.1665795894e-2f));
    p = v_fmadd(p, r, v_set1(1.6666665459e-1f));
    p = v_fmadd(p, r, v_set1(5.0000001201e-1f));
    p = v_fmadd(p, v_mul(r, r), v_add(r, v_set1(1.0f)));
    return (v16){scale2n(p.lo, n.lo), scale2n(p.hi, n.hi)};
}

/* x <- 2 gelu(x) in place, tanh form; 16 lanes at a time as e5_kernel.c (the same tail in tanhf). */
void e5k_gelu2(float *x, long n) {
    const v16 one = v_set1(1.0f), two = v_set1(2.0f);
    const v16 c = v_set1(0.044715f), k2 = v_set1(2.0f * 0.7978845608028654f);
    long i = 0;
    for (; i + 16 <= n; i += 16) {
        const v16 v = v_load(x + i);
        const v16 u2 = v_mul(v_mul(v_fmadd(v_mul(v, v), c, one), v), k2);
        const v16 th = v_sub(one, v_div(two, v_add(exp_v(u2), one)));
        v_store(x + i, v_mul(v, v_add(one, th)));
    }
    for (; i < n; i++) {
        const float v = x[i];
        x[i] = v * (1.0f + tanhf(0.7978845608028654f * (v + 0.044715f * v * v * v)));
    }
}

/* Layer norm of each row of x [T, H] in place (H a multiple of 16), as e5_kernel.c's. */
void e5k_norm(float *x, long T, long H, const float *w, const float *b, float eps) {
    for (long t = 0; t < T; t++) {
        float *r = x + t * H;
        v16 acc = v_zero();
        for (long i = 0; i < H; i += 16) acc = v_add(acc, v_load(r + i));
        const v16 mean = v_set1(v_reduce_add(acc) / (float)H);
        acc = v_zero();
        for (long i = 0; i < H; i += 16) {
            const v16 v = v_sub(v_load(r + i), mean);
            v_store(r + i, v);
            acc = v_fmadd(v, v, acc);
        }
        const v16 inv = v_set1(1.0f / sqrtf(v_reduce_add(acc) / (float)H + eps));
        for (long i = 0; i < H; i += 16) {
            const v16 v = v_mul(v_load(r + i), inv);
            v_store(r + i, v_fmadd(v, v_load(w + i), v_load(b + i)));
        }
    }
}

/* Lanes c .. c + 15 that hold one of the n scores (all ones), the others zero. */
static inline v16 valid_lanes(long n, long c) {
    const __m256i left = _mm256_set1_epi32((int)(n - c < 16 ? n - c : 16));
    const __m256i lo = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7), hi = _mm256_setr_epi32(8, 9, 10, 11, 12, 13, 14, 15);
    return (v16){_mm256_castsi256_ps(_mm256_cmpgt_epi32(left, lo)), _mm256_castsi256_ps(_mm256_cmpgt_epi32(left, hi))};
}

/* Softmax weights of query row qa over the n keys (kt: 32 x nw, transposed) into p; returns their sum. */
static float softmax_row(const float *qa, const float *kt, long n, long nw, float scale, float *p) {
    v16 m = v_set1(-INFINITY);
    for (long c = 0; c < nw; c += 16) {
        v16 sc = v_zero();
        for (long d = 0; d < 32; d++) sc = v_fmadd(v_set1(qa[d]), v_load(kt + d * nw + c), sc);
        sc = v_mul(sc, v_set1(scale));
        const v16 k = valid_lanes(n, c), mx = v_max(m, sc);
        v_store(p + c, sc);
        m = (v16){_mm256_blendv_ps(m.lo, mx.lo, k.lo), _mm256_blendv_ps(m.hi, mx.hi, k.hi)};
    }
    const v16 vm = v_set1(v_reduce_max(m));
    v16 sum = v_zero();
    for (long c = 0; c < nw; c += 16) {
        const v16 k = valid_lanes(n, c), e0 = exp_v(v_sub(v_load(p + c), vm));
        const v16 e = {_mm256_and_ps(k.lo, e0.lo), _mm256_and_ps(k.hi, e0.hi)};
        v_store(p + c, e);
        sum = v_add(sum, e);
    }
    return v_reduce_add(sum);
}

/* Self-attention of each text over its own tokens, as e5_kernel.c's e5k_attend. */
int e5k_attend(const float *qkv, long H, long heads, const long *starts, const long *lengths, long n_texts,
               float *ctx) {
    long longest = 1;
    for (long i = 0; i < n_texts; i++) longest = lengths[i] > longest ? lengths[i] : longest;
    const long width = (longest + 15) / 16 * 16;
    float *p = malloc(sizeof(float) * (size_t)width);
    float *kt = malloc(sizeof(float) * (size_t)(32 * width));
    if (!p || !kt) {
        free(p); free(kt);
        return -1;
    }
    const float scale = 1.0f / sqrtf(32.0f);
    const long row = 3 * H;
    for (long i = 0; i < n_texts; i++) {
        const float *base = qkv + starts[i] * row;
        const long n = lengths[i], nw = (n + 15) / 16 * 16;
        for (long h = 0; h < heads; h++) {
            for (long d = 0; d < 32; d++) {
                for (long c = 0; c < n; c++) kt[d * nw + c] = base[c * row + H + h * 32 + d];
                for (long c = n; c < nw; c++) kt[d * nw + c] = 0.0f;
            }
            for (long a = 0; a < n; a++) {
                const float total = softmax_row(base + a * row + h * 32, kt, n, nw, scale, p);
                v16 o0 = v_zero(), o1 = v_zero();
                for (long c = 0; c < n; c++) {
                    const float *vc = base + c * row + 2 * H + h * 32;
                    const v16 pc = v_set1(p[c]);
                    o0 = v_fmadd(pc, v_load(vc), o0);
                    o1 = v_fmadd(pc, v_load(vc + 16), o1);
                }
                const v16 inv = v_set1(1.0f / total);
                float *out = ctx + (starts[i] + a) * H + h * 32;
                v_store(out, v_mul(o0, inv));
                v_store(out + 16, v_mul(o1, inv));
            }
        }
    }
    free(p);
    free(kt);
    return 0;
}
