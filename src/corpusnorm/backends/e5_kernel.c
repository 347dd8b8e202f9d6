/* int8 x int4 products of the e5 encoder (corpusnorm.backends.e5_native), AVX-512 VNNI.
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
 * the numpy engine runs instead. The horizontal sums and maxima are written out (reduce_add, reduce_max:
 * GCC's order for _mm512_reduce_*_ps) so that every compiler takes them in the order the AVX2 build does.
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

/* Sum of 16 lanes: (hi + lo) halves, quarters, pairs {2,3,0,1}, then [0] + [1] (e5_kernel_avx2.c's too). */
static inline float reduce_add(__m512 a) {
    const __m256 t3 = _mm256_add_ps(_mm256_castpd_ps(_mm512_extractf64x4_pd(_mm512_castps_pd(a), 1)),
                                     _mm512_castps512_ps256(a));
    const __m128 t6 = _mm_add_ps(_mm256_extractf128_ps(t3, 1), _mm256_castps256_ps128(t3));
    const __m128 t8 = _mm_add_ps(t6, _mm_shuffle_ps(t6, t6, _MM_SHUFFLE(1, 0, 3, 2)));
    return _mm_cvtss_f32(t8) + _mm_cvtss_f32(_mm_shuffle_ps(t8, t8, _MM_SHUFFLE(1, 1, 1, 1)));
}

/* Largest of 16 lanes, in the same order and with the same operand order (max is not symmetric in NaN). */
static inline float reduce_max(__m512 a) {
    const __m256 t3 = _mm256_max_ps(_mm256_castpd_ps(_mm512_extractf64x4_pd(_mm512_castps_pd(a), 1)),
                                     _mm512_castps512_ps256(a));
    const __m128 t6 = _mm_max_ps(_mm256_extractf128_ps(t3, 1), _mm256_castps256_ps128(t3));
    const __m128 t8 = _mm_max_ps(t6, _mm_shuffle_ps(t6, t6, _MM_SHUFFLE(1, 0, 3, 2)));
    const __m128 t10 = _mm_max_ps(t8, _mm_shuffle_ps(t8, t8, _MM_SHUFFLE(0, 1, 0, 1)));
    return _mm_cvtss_f32(t10);
}

/* Round rows of x [T, K] per block of 32: q + 128 (unsigned bytes) and d (scale) per block. */
static void quantise(const float *x, long T, long K, uint8_t *q, float *d) {
    const __m128i bias = _mm_set1_epi8((char)0x80);
    const long nb = K / QK;
    const float inv127 = (float)(1.0 / 127.0);
    for (long t = 0; t < T; t++) {
        for (long b = 0; b < nb; b++) {
            const float *xb = x + t * K + b * QK;
            __m512 a = _mm512_loadu_ps(xb), c = _mm512_loadu_ps(xb + 16);
            float amax = reduce_max(_mm512_max_ps(_mm512_abs_ps(a), _mm512_abs_ps(c)));
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

static inline __m512i bcast4(const uint8_t *p) {
    int32_t v;
    __builtin_memcpy(&v, p, 4);
    return _mm512_set1_epi32(v);
}

/* NT tokens x 2 tiles of 16 outputs. */
#define TILE_TOKENS 4
#define CHUNK_TOKENS 64
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
    /* chunks of tokens whose rounded activations stay in cache while every weight tile passes over them */
    for (long t0 = 0; t0 < T; t0 += CHUNK_TOKENS) {
        const long t1 = t0 + CHUNK_TOKENS < T ? t0 + CHUNK_TOKENS : T;
        for (long ot = 0; ot < O / 16; ot += 2) {
            const int8_t *w0 = wp + ot * tile_bytes, *w1 = w0 + tile_bytes;
            const float *dw0 = dw + ot * tile_scales, *dw1 = dw0 + tile_scales;
            const int32_t *c0 = wc + ot * tile_scales, *c1 = c0 + tile_scales;
            const float *bo = bias + ot * 16;
            long t = t0;
            for (; t + TILE_TOKENS <= t1; t += TILE_TOKENS)
                block_4x2(q + t * K, d + t * nb, K, w0, w1, dw0, dw1, c0, c1, bo, O, y + t * O + ot * 16);
            for (; t < t1; t++)
                block_1x2(q + t * K, d + t * nb, K, w0, w1, dw0, dw1, c0, c1, bo, y + t * O + ot * 16);
        }
    }
    free(q);
    free(d);
    return 0;
}

/* e^x for float32 lanes (Cephes' polynomial on x - n ln 2, then scaled by 2^n): ~1 ulp. */
static inline __m512 exp_ps(__m512 x) {
    x = _mm512_min_ps(_mm512_max_ps(x, _mm512_set1_ps(-87.0f)), _mm512_set1_ps(88.0f));
    const __m512 n = _mm512_roundscale_ps(_mm512_mul_ps(x, _mm512_set1_ps(1.44269504088896341f)),
                                          _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    __m512 r = _mm512_fnmadd_ps(n, _mm512_set1_ps(0.693359375f), x);
    r = _mm512_fnmadd_ps(n, _mm512_set1_ps(-2.12194440e-4f), r);
    __m512 p = _mm512_set1_ps(1.9875691500e-4f);
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.3981999507e-3f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(8.3334519073e-3f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(4.1665795894e-2f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.6666665459e-1f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(5.0000001201e-1f));
    p = _mm512_fmadd_ps(p, _mm512_mul_ps(r, r), _mm512_add_ps(r, _mm512_set1_ps(1.0f)));
    return _mm512_scalef_ps(p, n);
}

/* x <- 2 gelu(x) in place, tanh form (the 1/2 is folded into the next product's scales):
 * x (1 + tanh(u)), u = sqrt(2/pi) (x + 0.044715 x^3), tanh(u) = 1 - 2 / (e^{2u} + 1). */
void e5k_gelu2(float *x, long n) {
    const __m512 one = _mm512_set1_ps(1.0f), two = _mm512_set1_ps(2.0f);
    const __m512 c = _mm512_set1_ps(0.044715f), k2 = _mm512_set1_ps(2.0f * 0.7978845608028654f);
    long i = 0;
    for (; i + 16 <= n; i += 16) {
        const __m512 v = _mm512_loadu_ps(x + i);
        const __m512 u2 = _mm512_mul_ps(_mm512_mul_ps(_mm512_fmadd_ps(_mm512_mul_ps(v, v), c, one), v), k2);
        const __m512 th = _mm512_sub_ps(one, _mm512_div_ps(two, _mm512_add_ps(exp_ps(u2), one)));
        _mm512_storeu_ps(x + i, _mm512_mul_ps(v, _mm512_add_ps(one, th)));
    }
    for (; i < n; i++) {
        const float v = x[i];
        x[i] = v * (1.0f + tanhf(0.7978845608028654f * (v + 0.044715f * v * v * v)));
    }
}

/* Layer norm of each row of x [T, H] in place: (x - mean) / sqrt(var + eps) * w + b (H a multiple of 16). */
void e5k_norm(float *x, long T, long H, const float *w, const float *b, float eps) {
    for (long t = 0; t < T; t++) {
        float *r = x + t * H;
        __m512 acc = _mm512_setzero_ps();
        for (long i = 0; i < H; i += 16) acc = _mm512_add_ps(acc, _mm512_loadu_ps(r + i));
        const __m512 mean = _mm512_set1_ps(reduce_add(acc) / (float)H);
        acc = _mm512_setzero_ps();
        for (long i = 0; i < H; i += 16) {
            const __m512 v = _mm512_sub_ps(_mm512_loadu_ps(r + i), mean);
            _mm512_storeu_ps(r + i, v);
            acc = _mm512_fmadd_ps(v, v, acc);
        }
        const __m512 inv = _mm512_set1_ps(1.0f / sqrtf(reduce_add(acc) / (float)H + eps));
        for (long i = 0; i < H; i += 16) {
            const __m512 v = _mm512_mul_ps(_mm512_loadu_ps(r + i), inv);
            _mm512_storeu_ps(r + i, _mm512_fmadd_ps(v, _mm512_loadu_ps(w + i), _mm512_loadu_ps(b + i)));
        }
    }
}

/* Self-attention of each text over its own tokens. qkv [N, 3H] token-major (q, k, v, each heads x 32
 * dims), ctx [N, H] out; text i is rows starts[i] .. starts[i] + lengths[i]. Softmax of q.k / sqrt(32).
 * Per head, the keys are transposed (32 x n) so that 16 scores come out of 32 broadcast FMAs. */
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
                const float *qa = base + a * row + h * 32;
                __m512 m = _mm512_set1_ps(-INFINITY);
                for (long c = 0; c < nw; c += 16) {
                    __m512 sc = _mm512_setzero_ps();
                    for (long d = 0; d < 32; d++)
                        sc = _mm512_fmadd_ps(_mm512_set1_ps(qa[d]), _mm512_loadu_ps(kt + d * nw + c), sc);
                    sc = _mm512_mul_ps(sc, _mm512_set1_ps(scale));
                    const __mmask16 k = n - c >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << (n - c)) - 1);
                    _mm512_storeu_ps(p + c, sc);
                    m = _mm512_mask_max_ps(m, k, m, sc);
                }
                const __m512 vm = _mm512_set1_ps(reduce_max(m));
                __m512 sum = _mm512_setzero_ps();
                for (long c = 0; c < nw; c += 16) {
                    const __mmask16 k = n - c >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << (n - c)) - 1);
                    const __m512 e = _mm512_maskz_mov_ps(k, exp_ps(_mm512_sub_ps(_mm512_loadu_ps(p + c), vm)));
                    _mm512_storeu_ps(p + c, e);
                    sum = _mm512_add_ps(sum, e);
                }
                __m512 o0 = _mm512_setzero_ps(), o1 = _mm512_setzero_ps();
                for (long c = 0; c < n; c++) {
                    const float *vc = base + c * row + 2 * H + h * 32;
                    const __m512 pc = _mm512_set1_ps(p[c]);
                    o0 = _mm512_fmadd_ps(pc, _mm512_loadu_ps(vc), o0);
                    o1 = _mm512_fmadd_ps(pc, _mm512_loadu_ps(vc + 16), o1);
                }
                const __m512 inv = _mm512_set1_ps(1.0f / reduce_add(sum));
                float *out = ctx + (starts[i] + a) * H + h * 32;
                _mm512_storeu_ps(out, _mm512_mul_ps(o0, inv));
                _mm512_storeu_ps(out + 16, _mm512_mul_ps(o1, inv));
            }
        }
    }
    free(p);
    free(kt);
    return 0;
}
