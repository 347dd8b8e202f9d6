/* The steps of the e5 kernel that do not depend on the instruction set: horizontal sums and maxima, e^x,
 * GELU, layer norm and attention, written once over 16 float lanes. Included by e5_kernel.c (a v16 is one
 * __m512) and e5_kernel_avx2.c (a v16 is two __m256 halves) after each defines:
 *
 *   v16; v_load, v_store, v_set1, v_zero, v_add, v_sub, v_mul, v_div, v_max, v_min, v_fmadd, v_fnmadd;
 *   v_lo, v_hi (lanes 0-7 and 8-15 as __m256); v_round (to nearest even); v_scale2n (p * 2^n, n integral,
 *   one rounding); v_keep_max (lanes c .. n-1 take max(m, s), the others keep m) and v_keep (lanes c .. n-1
 *   keep e, the others 0).
 *
 * and QK (32, the block of the rounding). e5k_linear's loops are here too; each build defines quantise and
 * linear_chunk after the include.
 *
 * Every operation is exact or correctly rounded lane by lane, so both builds give the same bits (tested).
 * Part of the kernel's hash (e5_native.py), so cached quote vectors follow a change here.
 */

/* Sum of 16 lanes as GCC's _mm512_reduce_add_ps: (hi + lo) halves, quarters, pairs {2,3,0,1}, [0] + [1]. */
static inline float v_reduce_add(v16 a) {
    const __m256 t3 = _mm256_add_ps(v_hi(a), v_lo(a));
    const __m128 t6 = _mm_add_ps(_mm256_extractf128_ps(t3, 1), _mm256_castps256_ps128(t3));
    const __m128 t8 = _mm_add_ps(t6, _mm_shuffle_ps(t6, t6, _MM_SHUFFLE(1, 0, 3, 2)));
    return _mm_cvtss_f32(t8) + _mm_cvtss_f32(_mm_shuffle_ps(t8, t8, _MM_SHUFFLE(1, 1, 1, 1)));
}

/* Largest of 16 lanes, in the same order (same operand order: max is not symmetric in NaN, signed zeros). */
static inline float v_reduce_max(v16 a) {
    const __m256 t3 = _mm256_max_ps(v_hi(a), v_lo(a));
    const __m128 t6 = _mm_max_ps(_mm256_extractf128_ps(t3, 1), _mm256_castps256_ps128(t3));
    const __m128 t8 = _mm_max_ps(t6, _mm_shuffle_ps(t6, t6, _MM_SHUFFLE(1, 0, 3, 2)));
    const __m128 t10 = _mm_max_ps(t8, _mm_shuffle_ps(t8, t8, _MM_SHUFFLE(0, 1, 0, 1)));
    return _mm_cvtss_f32(t10);
}

#define CHUNK_TOKENS 64

/* Defined by each build after this file: the rounding of the activations, and the products of tokens
 * t0 .. t1 - 1 with every tile of outputs. */
static void quantise(const float *x, long T, long K, uint8_t *q, float *d);
static void linear_chunk(const uint8_t *q, const float *d, long K, const int8_t *wp, const float *dw,
                         const int32_t *wc, const float *bias, long O, float *y, long t0, long t1);

/* y [T, O] = round(x [T, K]) @ W.T + bias; O a multiple of 32, K of 32. Returns 0, or -1 (no memory). */
int e5k_linear(const float *x, long T, long K, const int8_t *wp, const float *dw, const int32_t *wc,
               const float *bias, long O, float *y) {
    uint8_t *q = malloc((size_t)(T * K) + 64);
    float *d = malloc(sizeof(float) * (size_t)(T * (K / QK) + 1));
    if (!q || !d) {
        free(q);
        free(d);
        return -1;
    }
    quantise(x, T, K, q, d);
    /* chunks of tokens whose rounded activations stay in cache while every weight tile passes over them */
    for (long t0 = 0; t0 < T; t0 += CHUNK_TOKENS)
        linear_chunk(q, d, K, wp, dw, wc, bias, O, y, t0, t0 + CHUNK_TOKENS < T ? t0 + CHUNK_TOKENS : T);
    free(q);
    free(d);
    return 0;
}

/* e^x for float32 lanes (Cephes' polynomial on x - n ln 2, then scaled by 2^n): ~1 ulp. */
static inline v16 exp_v(v16 x) {
    x = v_min(v_max(x, v_set1(-87.0f)), v_set1(88.0f));
    const v16 n = v_round(v_mul(x, v_set1(1.44269504088896341f)));
    v16 r = v_fnmadd(n, v_set1(0.693359375f), x);
    r = v_fnmadd(n, v_set1(-2.12194440e-4f), r);
    v16 p = v_set1(1.9875691500e-4f);
    p = v_fmadd(p, r, v_set1(1.3981999507e-3f));
    p = v_fmadd(p, r, v_set1(8.3334519073e-3f));
    p = v_fmadd(p, r, v_set1(4.1665795894e-2f));
    p = v_fmadd(p, r, v_set1(1.6666665459e-1f));
    p = v_fmadd(p, r, v_set1(5.0000001201e-1f));
    p = v_fmadd(p, v_mul(r, r), v_add(r, v_set1(1.0f)));
    return v_scale2n(p, n);
}

/* x <- 2 gelu(x) in place, tanh form (the 1/2 is folded into the next product's scales):
 * x (1 + tanh(u)), u = sqrt(2/pi) (x + 0.044715 x^3), tanh(u) = 1 - 2 / (e^{2u} + 1). */
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

/* Layer norm of each row of x [T, H] in place: (x - mean) / sqrt(var + eps) * w + b (H a multiple of 16). */
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

/* Exp of the scores in p - the rows' maximum (keys n.. masked out), in place; returns their sum. */
static float softmax_exp(float *p, v16 m, long n, long nw) {
    const v16 vm = v_set1(v_reduce_max(m));
    v16 sum = v_zero();
    for (long c = 0; c < nw; c += 16) {
        const v16 e = v_keep(exp_v(v_sub(v_load(p + c), vm)), n, c);
        v_store(p + c, e);
        sum = v_add(sum, e);
    }
    return v_reduce_add(sum);
}

/* Softmax weights of query row qa over the n keys (kt: 32 x nw, transposed) into p; returns their sum. */
static float softmax_row(const float *qa, const float *kt, long n, long nw, float scale, float *p) {
    v16 m = v_set1(-INFINITY);
    for (long c = 0; c < nw; c += 16) {
        v16 sc = v_zero();
        for (long d = 0; d < 32; d++) sc = v_fmadd(v_set1(qa[d]), v_load(kt + d * nw + c), sc);
        sc = v_mul(sc, v_set1(scale));
        v_store(p + c, sc);
        m = v_keep_max(m, sc, n, c);
    }
    return softmax_exp(p, m, n, nw);
}

#define QB 4 /* query rows attended at once: each key row is loaded once for all of them */

/* softmax_row for the QB query rows qa[j] (weights into p + j * nw, sums into total[j]): each row's operations
 * are softmax_row's, in the same order. */
static void softmax_rows(const float *const *qa, const float *kt, long n, long nw, float scale, float *p,
                         float *total) {
    v16 m[QB];
    for (int j = 0; j < QB; j++) m[j] = v_set1(-INFINITY);
    for (long c = 0; c < nw; c += 16) {
        v16 sc[QB];
        for (int j = 0; j < QB; j++) sc[j] = v_zero();
        for (long d = 0; d < 32; d++) {
            const v16 k = v_load(kt + d * nw + c);
            for (int j = 0; j < QB; j++) sc[j] = v_fmadd(v_set1(qa[j][d]), k, sc[j]);
        }
        for (int j = 0; j < QB; j++) {
            sc[j] = v_mul(sc[j], v_set1(scale));
            v_store(p + j * nw + c, sc[j]);
            m[j] = v_keep_max(m[j], sc[j], n, c);
        }
    }
    for (int j = 0; j < QB; j++) total[j] = softmax_exp(p + j * nw, m[j], n, nw);
}

/* The context of QB query rows (out + j * H) from their softmax weights (p + j * nw, sums total[j]) over the n
 * value rows at v (stride row): as e5k_attend's one-row loop, each value row loaded once for all of them. */
static void context_rows(const float *p, const float *total, const float *v, long row, long n, long nw, float *out,
                         long H) {
    v16 o0[QB], o1[QB];
    for (int j = 0; j < QB; j++) o0[j] = o1[j] = v_zero();
    for (long c = 0; c < n; c++) {
        const v16 v0 = v_load(v + c * row), v1 = v_load(v + c * row + 16);
        for (int j = 0; j < QB; j++) {
            const v16 pc = v_set1(p[j * nw + c]);
            o0[j] = v_fmadd(pc, v0, o0[j]);
            o1[j] = v_fmadd(pc, v1, o1[j]);
        }
    }
    for (int j = 0; j < QB; j++) {
        const v16 inv = v_set1(1.0f / total[j]);
        v_store(out + j * H, v_mul(o0[j], inv));
        v_store(out + j * H + 16, v_mul(o1[j], inv));
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
    float *p = malloc(sizeof(float) * (size_t)(QB * width));
    float *kt = malloc(sizeof(float) * (size_t)(32 * width));
    if (!p || !kt) {
        free(p);
        free(kt);
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
            long a = 0;
            for (; a + QB <= n; a += QB) { /* QB rows at once, then the rest one by one: the same operations */
                const float *qa[QB];
                float total[QB];
                for (int j = 0; j < QB; j++) qa[j] = base + (a + j) * row + h * 32;
                softmax_rows(qa, kt, n, nw, scale, p, total);
                context_rows(p, total, base + 2 * H + h * 32, row, n, nw, ctx + (starts[i] + a) * H + h * 32, H);
            }
            for (; a < n; a++) {
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

/* One product's weights, as e5k_linear takes them: y [T, O] = round(x [T, K]) @ W.T + bias. */
typedef struct {
    const int8_t *wp;
    const float *dw;
    const int32_t *wc;
    const float *bias;
    long O, K;
} e5k_product;

/* One encoder layer: its four products and two layer norms (weights, biases; H floats each). */
typedef struct {
    e5k_product qkv, out, up, down;
    const float *ln1w, *ln1b, *ln2w, *ln2b;
} e5k_layer;

static int linear_of(const float *x, long T, const e5k_product *p, float *y) {
    return e5k_linear(x, T, p->K, p->wp, p->dw, p->wc, p->bias, p->O, y);
}

/* h <- layer_norm(h + x) (w, b), then x <- h: the residual and the norm as the Python engine runs them. */
static void residual_norm(float *x, float *h, long T, long H, const float *w, const float *b, float eps) {
    for (long i = 0; i < T * H; i++) h[i] += x[i];
    e5k_norm(h, T, H, w, b, eps);
    __builtin_memcpy(x, h, sizeof(float) * (size_t)(T * H));
}

/* The encoder layers on x [T, H] (in place), each text (rows starts[i] .. + lengths[i]) attending over its
 * own tokens: the steps e5_numpy's _forward_native ran one call each, in the same order, so the same bits
 * (attention, products, GELU, layer norms), without a call from Python per step. 0, or -1 (no memory). */
int e5k_layers(float *x, long T, long H, long heads, const long *starts, const long *lengths, long n_texts,
               const e5k_layer *layers, long n_layers, float eps) {
    const long F = n_layers ? layers[0].up.O : 0;
    float *qkv = malloc(sizeof(float) * (size_t)(T * 3 * H));
    float *ctx = malloc(sizeof(float) * (size_t)(T * H));
    float *h = malloc(sizeof(float) * (size_t)(T * H));
    float *u = malloc(sizeof(float) * (size_t)(T * F + 1));
    int status = (qkv && ctx && h && u) ? 0 : -1;
    for (long l = 0; l < n_layers && status == 0; l++) {
        const e5k_layer *L = layers + l;
        __builtin_memset(ctx, 0, sizeof(float) * (size_t)(T * H));
        status |= linear_of(x, T, &L->qkv, qkv);
        status |= e5k_attend(qkv, H, heads, starts, lengths, n_texts, ctx);
        status |= linear_of(ctx, T, &L->out, h);
        residual_norm(x, h, T, H, L->ln1w, L->ln1b, eps);
        status |= linear_of(x, T, &L->up, u);
        e5k_gelu2(u, T * F);
        status |= linear_of(u, T, &L->down, h);
        residual_norm(x, h, T, H, L->ln2w, L->ln2b, eps);
    }
    free(qkv);
    free(ctx);
    free(h);
    free(u);
    return status ? -1 : 0;
}
