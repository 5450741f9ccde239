#include "CSparse.h"

#include <math.h>
#include <string.h>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define KSNN_X86 1
#endif

int32_t ksnn_gather_nonzero(const float *x, int32_t n, int32_t *indices, float *values) {
  int32_t count = 0;
  for (int32_t j = 0; j < n; j++) {
    if (x[j] != 0) {
      indices[count] = j;
      values[count] = x[j];
      count++;
    }
  }
  return count;
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
// stays row by row (fma of row k onto the sum of rows < k), as on the portable path.
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
