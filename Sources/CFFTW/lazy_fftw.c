// See CFFTW.h: libfftw3f's functions resolved with dlopen/dlsym on first use.
#include "CFFTW.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

static pthread_once_t once = PTHREAD_ONCE_INIT;
static struct {
  float *(*alloc_real)(size_t);
  fftwf_complex *(*alloc_complex)(size_t);
  void (*free)(void *);
  fftwf_plan (*plan_dft_r2c_1d)(int, float *, fftwf_complex *, unsigned);
  void (*destroy_plan)(fftwf_plan);
  void (*execute)(const fftwf_plan);
  int (*import_wisdom_from_string)(const char *);
} fftw;

static void *symbol(void *library, const char *name) {
  void *p = dlsym(library, name);
  if (!p) {
    fprintf(stderr, "ERROR (ksnn) libfftw3f has no symbol %s: %s\n", name, dlerror());
    exit(255);
  }
  return p;
}

static void load(void) {
  void *library = dlopen("libfftw3f.so.3", RTLD_NOW | RTLD_LOCAL);
  if (!library) library = dlopen("libfftw3f.so", RTLD_NOW | RTLD_LOCAL);
  if (!library) {
    fprintf(stderr, "ERROR (ksnn) cannot load FFTW (libfftw3f.so.3; apt-get install libfftw3-single3): %s\n", dlerror());
    exit(255);
  }
  *(void **)&fftw.alloc_real = symbol(library, "fftwf_alloc_real");
  *(void **)&fftw.alloc_complex = symbol(library, "fftwf_alloc_complex");
  *(void **)&fftw.free = symbol(library, "fftwf_free");
  *(void **)&fftw.plan_dft_r2c_1d = symbol(library, "fftwf_plan_dft_r2c_1d");
  *(void **)&fftw.destroy_plan = symbol(library, "fftwf_destroy_plan");
  *(void **)&fftw.execute = symbol(library, "fftwf_execute");
  *(void **)&fftw.import_wisdom_from_string = symbol(library, "fftwf_import_wisdom_from_string");
}

float *ksnn_fftwf_alloc_real(size_t n) {
  pthread_once(&once, load);
  return fftw.alloc_real(n);
}

fftwf_complex *ksnn_fftwf_alloc_complex(size_t n) {
  pthread_once(&once, load);
  return fftw.alloc_complex(n);
}

// The functions below take what the ones above made, so the library is loaded already.
void ksnn_fftwf_free(void *p) { fftw.free(p); }

fftwf_plan ksnn_fftwf_plan_dft_r2c_1d(int n, float *in, fftwf_complex *out, unsigned flags) {
  return fftw.plan_dft_r2c_1d(n, in, out, flags);
}

void ksnn_fftwf_destroy_plan(fftwf_plan plan) { fftw.destroy_plan(plan); }

void ksnn_fftwf_execute(const fftwf_plan plan) { fftw.execute(plan); }

int ksnn_fftwf_import_wisdom_from_string(const char *wisdom) {
  pthread_once(&once, load);
  return fftw.import_wisdom_from_string(wisdom);
}
