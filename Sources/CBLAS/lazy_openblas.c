// See CBLAS.h: OpenBLAS's CBLAS entry points resolved with dlopen/dlsym on first use.
#include "CBLAS.h"

#include <CLibraryLoader.h>
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

// The CBLAS enumeration values (cblas.h), fixed by the CBLAS standard.
enum { RowMajor = 101, NoTrans = 111, Trans = 112 };

typedef void (*sgemm_fn)(int, int, int, int, int, int, float, const float *, int, const float *, int, float,
                         float *, int);
typedef void (*sgemv_fn)(int, int, int, int, float, const float *, int, const float *, int, float, float *, int);
typedef void (*threads_fn)(int);

static pthread_once_t once = PTHREAD_ONCE_INIT;
static sgemm_fn sgemm;
static sgemv_fn sgemv;
static threads_fn set_threads;

/// Whether a /proc/cpuinfo "flags" line lists `flag` as a whole word.
static int has_flag(const char *line, const char *flag) {
  size_t n = strlen(flag);
  for (const char *p = strstr(line, flag); p; p = strstr(p + 1, flag)) {
    if ((p[-1] == ' ' || p[-1] == '\t' || p[-1] == ':') && (p[n] == ' ' || p[n] == '\n' || p[n] == '\0')) return 1;
  }
  return 0;
}

// OpenBLAS 0.3.21 (Debian 12) picks its kernels from the CPU model and falls back to the SSE3
// "Prescott" kernels on CPUs it does not know (virtual machines report generic models), which
// runs sgemm at a third of the speed of its AVX-512 kernels: choose from the feature flags.
static const char *core_type_from_cpu_flags(void) {
  FILE *f = fopen("/proc/cpuinfo", "r");
  if (!f) return NULL;
  static char line[16384];
  const char *type = NULL;
  while (fgets(line, sizeof line, f)) {
    if (strncmp(line, "flags", 5) != 0) continue;
    int avx512 = has_flag(line, "avx512f") && has_flag(line, "avx512bw") && has_flag(line, "avx512vl");
    if (avx512) type = "SkylakeX";
    else if (has_flag(line, "avx2") && has_flag(line, "fma")) type = "Haswell";
    break;
  }
  fclose(f);
  return type;
}

static void load(void) {
  // OpenBLAS reads these when it loads. One thread unless the user says otherwise: parallelism
  // comes from --nj jobs, and idle OpenBLAS workers spin on the other cores.
  setenv("OPENBLAS_NUM_THREADS", "1", 0);
  if (!getenv("OPENBLAS_CORETYPE")) {
    const char *type = core_type_from_cpu_flags();
    if (type) setenv("OPENBLAS_CORETYPE", type, 0);
  }
  static const char *const names[] = {"libopenblas.so.0", "libopenblas.so", NULL};
  void *library = ksnn_load_library(names, RTLD_LOCAL, "libopenblas0");
  sgemm = (sgemm_fn)ksnn_library_symbol(library, "OpenBLAS", "cblas_sgemm");
  sgemv = (sgemv_fn)ksnn_library_symbol(library, "OpenBLAS", "cblas_sgemv");
  set_threads = (threads_fn)ksnn_library_symbol(library, "OpenBLAS", "openblas_set_num_threads");
}

void ksnn_sgemm(int transA, int transB, int m, int n, int k, float alpha, const float *a, int lda,
                const float *b, int ldb, float beta, float *c, int ldc) {
  pthread_once(&once, load);
  sgemm(RowMajor, transA ? Trans : NoTrans, transB ? Trans : NoTrans, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}

void ksnn_sgemv(int m, int n, float alpha, const float *a, int lda, const float *x, float beta, float *y) {
  pthread_once(&once, load);
  sgemv(RowMajor, NoTrans, m, n, alpha, a, lda, x, 1, beta, y, 1);
}

void ksnn_blas_set_threads(int count) {
  pthread_once(&once, load);
  set_threads(count);
}
