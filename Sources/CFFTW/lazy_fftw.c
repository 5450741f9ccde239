// See CFFTW.h: libfftw3f's functions resolved with dlopen/dlsym on first use.
#include "CFFTW.h"

#include <CLibraryLoader.h>
#include <dlfcn.h>
#include <pthread.h>

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

static void load(void) {
  static const char *const names[] = {"libfftw3f.so.3", "libfftw3f.so", NULL};
  void *library = ksnn_load_library(names, RTLD_LOCAL, "libfftw3-single3");
  *(void **)&fftw.alloc_real = ksnn_library_symbol(library, "FFTW", "fftwf_alloc_real");
  *(void **)&fftw.alloc_complex = ksnn_library_symbol(library, "FFTW", "fftwf_alloc_complex");
  *(void **)&fftw.free = ksnn_library_symbol(library, "FFTW", "fftwf_free");
  *(void **)&fftw.plan_dft_r2c_1d = ksnn_library_symbol(library, "FFTW", "fftwf_plan_dft_r2c_1d");
  *(void **)&fftw.destroy_plan = ksnn_library_symbol(library, "FFTW", "fftwf_destroy_plan");
  *(void **)&fftw.execute = ksnn_library_symbol(library, "FFTW", "fftwf_execute");
  *(void **)&fftw.import_wisdom_from_string = ksnn_library_symbol(library, "FFTW", "fftwf_import_wisdom_from_string");
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
