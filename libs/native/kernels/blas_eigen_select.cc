// sugar::Sgemm for an Eigen build: the copy of blas_eigen.cc compiled for the widest x86-64 level this CPU runs
// (one library serves every node of a cluster that shares the install), or the only copy elsewhere.
#include "blas.h"

namespace sugar {

#define SUGAR_EIGEN_DECLARE(copy)                                                                                  \
  namespace copy {                                                                                                 \
  void Gemm(bool trans_a, bool trans_b, int64_t m, int64_t n, int64_t k, float alpha, const float* a, int64_t lda, \
            const float* b, int64_t ldb, float beta, float* c, int64_t ldc);                                       \
  std::string Name();                                                                                              \
  int Threads();                                                                                                   \
  }

SUGAR_EIGEN_DECLARE(eigen_base)
#if SUGAR_EIGEN_LEVELS
SUGAR_EIGEN_DECLARE(eigen_v3)
SUGAR_EIGEN_DECLARE(eigen_v4)
#endif

namespace {

struct Copy {
  decltype(&eigen_base::Gemm) gemm;
  decltype(&eigen_base::Name) name;
  decltype(&eigen_base::Threads) threads;
};

const Copy& Chosen() {
  static const Copy copy = [] {
#if SUGAR_EIGEN_LEVELS
    __builtin_cpu_init();
    if (__builtin_cpu_supports("x86-64-v4")) return Copy{eigen_v4::Gemm, eigen_v4::Name, eigen_v4::Threads};
    if (__builtin_cpu_supports("x86-64-v3")) return Copy{eigen_v3::Gemm, eigen_v3::Name, eigen_v3::Threads};
#endif
    return Copy{eigen_base::Gemm, eigen_base::Name, eigen_base::Threads};
  }();
  return copy;
}

}  // namespace

void Sgemm(bool trans_a, bool trans_b, int64_t m, int64_t n, int64_t k, float alpha, const float* a, int64_t lda,
           const float* b, int64_t ldb, float beta, float* c, int64_t ldc) {
  Chosen().gemm(trans_a, trans_b, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}

std::string BlasName() { return Chosen().name(); }

int BlasThreads() { return Chosen().threads(); }

}  // namespace sugar
