// FFTW (single precision) loaded on first use, as CBLAS.h explains for OpenBLAS: only the
// feature tools compute FFTs, and every other tool's start skipped mapping and relocating it.
// fftw3.h gives the types and flags; these functions call the library's through dlsym.
#ifndef KSNN_CFFTW_H
#define KSNN_CFFTW_H

#include <fftw3.h>

float *ksnn_fftwf_alloc_real(size_t n);
fftwf_complex *ksnn_fftwf_alloc_complex(size_t n);
void ksnn_fftwf_free(void *p);
fftwf_plan ksnn_fftwf_plan_dft_r2c_1d(int n, float *in, fftwf_complex *out, unsigned flags);
void ksnn_fftwf_destroy_plan(fftwf_plan plan);
void ksnn_fftwf_execute(const fftwf_plan plan);
int ksnn_fftwf_import_wisdom_from_string(const char *wisdom);

#endif
