// Kernels of the spiking layers: the event-driven products of on-line recognition (only the
// weight rows of non-zero inputs are read) and the gates' sigmoid. C so that the AVX2/FMA
// path can be chosen at run time on the machine that runs it while the binary stays portable
// to any x86-64 (and to other architectures).
#ifndef KSNN_CSPARSE_H
#define KSNN_CSPARSE_H

#include <stdint.h>

/// Gathers the non-zero entries of x[0..n): their positions into `indices`, their values into
/// `values` (both n long at most). Returns how many there are.
int32_t ksnn_gather_nonzero(const float *x, int32_t n, int32_t *indices, float *values);

/// How many of x[0..n) are zero (vectorized: it runs on every layer output of every frame).
int32_t ksnn_count_zeros(const float *x, int32_t n);

/// y[0..n) (+)= sum over k < count of values[k] * wt[indices[k] * n .. + n), the rows taken in
/// the order given: wt holds Wᵀ, one row of n outputs per input. With accumulate = 0, y is
/// overwritten. Every output is one chain of fused multiply-adds over the rows, so the result
/// does not depend on the instruction set the machine offers.
void ksnn_sparse_rows_product(const float *wt, int32_t n, const int32_t *indices, const float *values,
                              int32_t count, float *y, int32_t accumulate);

/// y[i] = 1 / (1 + exp(-x[i])) for i < n (y may be x): the gate non-linearity of the spiking
/// layers, vectorized (exp as a degree-6 polynomial on a range-reduced argument, within 2 ulp
/// of expf), with the same bits on the AVX2 path and the portable one, so that a layer's
/// training, evaluation and streaming passes agree exactly.
void ksnn_sigmoid(const float *x, float *y, int32_t n);

/// 1 when the AVX2 + FMA path runs on this machine, 0 for the portable one.
int32_t ksnn_sparse_uses_avx2(void);

/// Chooses the path: the AVX2 + FMA one when `enabled` and the machine has it, else the
/// portable one (tests compare the two). Returns the path now in use, as ksnn_sparse_uses_avx2.
int32_t ksnn_sparse_select_avx2(int32_t enabled);

#endif
