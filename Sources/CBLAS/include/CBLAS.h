// OpenBLAS loaded on first use. Linking libopenblas into the one multi-call `ksnn` binary made
// every tool start resolve its ~14,000 symbol relocations, a third of the start-up of tools that
// never multiply a matrix (lattice-scale, compute-wer, ...), which scoring runs by the dozen.
// Loaded here with dlopen when a product is first asked for, it costs only the tools that use
// it, and they can set OPENBLAS_NUM_THREADS and OPENBLAS_CORETYPE before it reads them.
#ifndef KSNN_CBLAS_H
#define KSNN_CBLAS_H

/// Row-major C = alpha·op(A)·op(B) + beta·C (cblas_sgemm with CblasRowMajor).
void ksnn_sgemm(int transA, int transB, int m, int n, int k, float alpha, const float *a, int lda,
                const float *b, int ldb, float beta, float *c, int ldc);

/// Row-major y = alpha·A·x + beta·y for an m × n A (cblas_sgemv with CblasRowMajor, CblasNoTrans).
void ksnn_sgemv(int m, int n, float alpha, const float *a, int lda, const float *x, float beta, float *y);

/// openblas_set_num_threads.
void ksnn_blas_set_threads(int count);

#endif
