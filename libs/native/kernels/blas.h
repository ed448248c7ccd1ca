// The one BLAS routine the kernels use, behind an interface of our own so that the library links against OpenBLAS
// where the system has it (blas_openblas.cc) and otherwise against Eigen's product (blas_eigen.cc, headers only, from
// the TensorFlow wheel setup.mjs downloads): a machine without root still gets the kernels. build.mjs picks one.
#pragma once

#include <cstdint>
#include <string>

namespace sugar {

// c [m, n] = alpha op(a) op(b) + beta c, row-major, cblas_sgemm's contract (beta = 0: c is written, never read).
void Sgemm(bool trans_a, bool trans_b, int64_t m, int64_t n, int64_t k, float alpha, const float* a, int64_t lda,
           const float* b, int64_t ldb, float beta, float* c, int64_t ldc);

// What the library was built with, for `sugar doctor`: "OpenBLAS <its config>" or "Eigen <version> (<ISA>)".
std::string BlasName();
int BlasThreads();

}  // namespace sugar
