#include "CSparse.h"

// Every fused multiply-add is written out: the compiler must not fuse others, or the vector and
// portable paths would round differently.
#pragma STDC FP_CONTRACT OFF

#include <math.h>
#include <string.h>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define KSNN_X86 1
#endif

// Branch-free: every entry is written and the count moves on only for non-zero ones (spikes
// come at random, so a branch per entry would be mispredicted often).
int32_t ksnn_gather_nonzero(const float *x, int32_t n, int32_t *indices, float *values) {
  int32_t count = 0;
  for (int32_t j = 0; j < n; j++) {
    indices[count] = j;
    values[count] = x[j];
    count += x[j] != 0;
  }
  return count;
}

int32_t ksnn_count_zeros(const float *x, int32_t n) {
  int32_t zeros = 0;
  for (int32_t j = 0; j < n; j++) zeros += x[j] == 0;
  return zeros;
}

// exp(-x) by Cephes' single-precision scheme: n = round(-x·log2 e), r = -x - n·ln 2 in two
// parts, exp(r) by a polynomial, times 2^n. The argument is clamped to where the result is a
// normal float; sigmoid is then 1/(1 + e) in both paths.
#define KSNN_EXP_HI 88.3762626647949f
#define KSNN_EXP_LO -87.3365447504f
#define KSNN_LOG2E 1.44269504088896341f
#define KSNN_LN2_HI 0.693359375f
#define KSNN_LN2_LO -2.12194440e-4f
#define KSNN_P0 1.9875691500e-4f
#define KSNN_P1 1.3981999507e-3f
#define KSNN_P2 8.3334519073e-3f
#define KSNN_P3 4.1665795894e-2f
#define KSNN_P4 1.6666665459e-1f
#define KSNN_P5 5.0000001201e-1f

static float sigmoid_portable(float x) {
  if (x != x) return x;  // NaN stays NaN (a training run must see it)
  float v = -x;
  v = v < KSNN_EXP_HI ? v : KSNN_EXP_HI;  // as minps / maxps
  v = v > KSNN_EXP_LO ? v : KSNN_EXP_LO;
  const float n = nearbyintf(v * KSNN_LOG2E);
  float r = fmaf(n, -KSNN_LN2_HI, v);
  r = fmaf(n, -KSNN_LN2_LO, r);
  float p = KSNN_P0;
  p = fmaf(p, r, KSNN_P1);
  p = fmaf(p, r, KSNN_P2);
  p = fmaf(p, r, KSNN_P3);
  p = fmaf(p, r, KSNN_P4);
  p = fmaf(p, r, KSNN_P5);
  const float r2 = r * r;
  float e = fmaf(p, r2, r) + 1.0f;
  union { float f; int32_t i; } scale = { .i = ((int32_t)n + 127) << 23 };
  e = e * scale.f;
  return 1.0f / (1.0f + e);
}

// Portable path: fmaf keeps the rounding of the vector path (one fused multiply-add per row).
static void rows_product_portable(const float *wt, int32_t n, const int32_t *indices, const float *values,
                                  int32_t count, float *y) {
  for (int32_t k = 0; k < count; k++) {
    const float a = values[k];
    const float *row = wt + (int64_t)indices[k] * n;
    for (int32_t i = 0; i < n; i++) y[i] = fmaf(a, row[i], y[i]);
  }
}

#ifdef KSNN_X86
// Four rows at a time, so y is loaded and stored once per four rows; the chain per output
// stays row by row (fma of row k onto the sum of rows < k), as on the portable path. (Eight
// rows per pass and software prefetching of the next rows measured no faster: the rows come
// from the last-level cache at its bandwidth.)
__attribute__((target("avx2,fma")))
static void rows_product_avx2(const float *wt, int32_t n, const int32_t *indices, const float *values,
                              int32_t count, float *y) {
  const int32_t full = n & ~7;
  int32_t k = 0;
  for (; k + 4 <= count; k += 4) {
    const float *r0 = wt + (int64_t)indices[k] * n, *r1 = wt + (int64_t)indices[k + 1] * n;
    const float *r2 = wt + (int64_t)indices[k + 2] * n, *r3 = wt + (int64_t)indices[k + 3] * n;
    const __m256 a0 = _mm256_set1_ps(values[k]), a1 = _mm256_set1_ps(values[k + 1]);
    const __m256 a2 = _mm256_set1_ps(values[k + 2]), a3 = _mm256_set1_ps(values[k + 3]);
    int32_t i = 0;
    for (; i < full; i += 8) {
      __m256 s = _mm256_loadu_ps(y + i);
      s = _mm256_fmadd_ps(a0, _mm256_loadu_ps(r0 + i), s);
      s = _mm256_fmadd_ps(a1, _mm256_loadu_ps(r1 + i), s);
      s = _mm256_fmadd_ps(a2, _mm256_loadu_ps(r2 + i), s);
      s = _mm256_fmadd_ps(a3, _mm256_loadu_ps(r3 + i), s);
      _mm256_storeu_ps(y + i, s);
    }
    for (; i < n; i++) {
      float s = y[i];
      s = fmaf(values[k], r0[i], s);
      s = fmaf(values[k + 1], r1[i], s);
      s = fmaf(values[k + 2], r2[i], s);
      s = fmaf(values[k + 3], r3[i], s);
      y[i] = s;
    }
  }
  for (; k < count; k++) {
    const float *r = wt + (int64_t)indices[k] * n;
    const __m256 a = _mm256_set1_ps(values[k]);
    int32_t i = 0;
    for (; i < full; i += 8) _mm256_storeu_ps(y + i, _mm256_fmadd_ps(a, _mm256_loadu_ps(r + i), _mm256_loadu_ps(y + i)));
    for (; i < n; i++) y[i] = fmaf(values[k], r[i], y[i]);
  }
}

__attribute__((target("avx2,fma")))
static void sigmoid_avx2(const float *x, float *y, int32_t n) {
  const __m256 hi = _mm256_set1_ps(KSNN_EXP_HI), lo = _mm256_set1_ps(KSNN_EXP_LO), one = _mm256_set1_ps(1.0f);
  int32_t i = 0;
  for (; i + 8 <= n; i += 8) {
    __m256 v = _mm256_sub_ps(_mm256_setzero_ps(), _mm256_loadu_ps(x + i));  // -x, as the portable path's
    v = _mm256_min_ps(v, hi);
    v = _mm256_max_ps(v, lo);
    const __m256 k = _mm256_round_ps(_mm256_mul_ps(v, _mm256_set1_ps(KSNN_LOG2E)), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    __m256 r = _mm256_fmadd_ps(k, _mm256_set1_ps(-KSNN_LN2_HI), v);
    r = _mm256_fmadd_ps(k, _mm256_set1_ps(-KSNN_LN2_LO), r);
    __m256 p = _mm256_set1_ps(KSNN_P0);
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(KSNN_P1));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(KSNN_P2));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(KSNN_P3));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(KSNN_P4));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(KSNN_P5));
    const __m256 r2 = _mm256_mul_ps(r, r);
    __m256 e = _mm256_add_ps(_mm256_fmadd_ps(p, r2, r), one);
    const __m256i bits = _mm256_slli_epi32(_mm256_add_epi32(_mm256_cvtps_epi32(k), _mm256_set1_epi32(127)), 23);
    e = _mm256_mul_ps(e, _mm256_castsi256_ps(bits));
    const __m256 sig = _mm256_div_ps(one, _mm256_add_ps(one, e));
    const __m256 xs = _mm256_loadu_ps(x + i);
    _mm256_storeu_ps(y + i, _mm256_blendv_ps(sig, xs, _mm256_cmp_ps(xs, xs, _CMP_UNORD_Q)));
  }
  for (; i < n; i++) y[i] = sigmoid_portable(x[i]);
}

static int32_t avx2_in_use = -1;

static int32_t machine_has_avx2(void) {
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
}

int32_t ksnn_sparse_uses_avx2(void) {
  if (avx2_in_use < 0) avx2_in_use = machine_has_avx2();
  return avx2_in_use;
}

int32_t ksnn_sparse_select_avx2(int32_t enabled) {
  avx2_in_use = enabled && machine_has_avx2();
  return avx2_in_use;
}
#else
int32_t ksnn_sparse_uses_avx2(void) { return 0; }
int32_t ksnn_sparse_select_avx2(int32_t enabled) { (void)enabled; return 0; }
#endif

void ksnn_sigmoid(const float *x, float *y, int32_t n) {
#ifdef KSNN_X86
  if (ksnn_sparse_uses_avx2()) {
    sigmoid_avx2(x, y, n);
    return;
  }
#endif
  for (int32_t i = 0; i < n; i++) y[i] = sigmoid_portable(x[i]);
}

void ksnn_sparse_rows_product(const float *wt, int32_t n, const int32_t *indices, const float *values,
                              int32_t count, float *y, int32_t accumulate) {
  if (!accumulate) memset(y, 0, sizeof(float) * (size_t)n);
#ifdef KSNN_X86
  if (ksnn_sparse_uses_avx2()) {
    rows_product_avx2(wt, n, indices, values, count, y);
    return;
  }
#endif
  rows_product_portable(wt, n, indices, values, count, y);
}
