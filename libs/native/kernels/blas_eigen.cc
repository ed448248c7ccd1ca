// sugar::Sgemm through Eigen's matrix product, for machines without OpenBLAS: Eigen is headers only, and the
// tensorflow-cpu wheel that setup.mjs downloads ships them. Eigen picks its SIMD width when it is compiled, so
// build.mjs compiles this file once per x86-64 level (AVX-512, AVX2, SSE2) and blas_eigen_select.cc calls the copy
// the CPU runs. Each copy is compiled with -DEigen=Eigen<level> and -DSUGAR_EIGEN_COPY=<namespace>: in one library,
// copies sharing Eigen's template names would leave the linker to keep one copy's code for all of them.
#include <Eigen/Core>
#include <string>

#include "blas.h"

namespace sugar {
namespace SUGAR_EIGEN_COPY {

using Matrix = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using In = Eigen::Map<const Matrix, Eigen::Unaligned, Eigen::OuterStride<>>;
using Out = Eigen::Map<Matrix, Eigen::Unaligned, Eigen::OuterStride<>>;

template <typename A, typename B>
void Product(const A& a, const B& b, float alpha, float beta, Out& c) {
  if (beta == 0.0f) {
    c.noalias() = alpha * (a * b);
    return;
  }
  if (beta != 1.0f) c *= beta;
  c.noalias() += alpha * (a * b);
}

void Gemm(bool trans_a, bool trans_b, int64_t m, int64_t n, int64_t k, float alpha, const float* a, int64_t lda,
          const float* b, int64_t ldb, float beta, float* c, int64_t ldc) {
  const In ma(a, trans_a ? k : m, trans_a ? m : k, Eigen::OuterStride<>(lda));
  const In mb(b, trans_b ? n : k, trans_b ? k : n, Eigen::OuterStride<>(ldb));
  Out mc(c, m, n, Eigen::OuterStride<>(ldc));
  if (trans_a && trans_b)
    Product(ma.transpose(), mb.transpose(), alpha, beta, mc);
  else if (trans_a)
    Product(ma.transpose(), mb, alpha, beta, mc);
  else if (trans_b)
    Product(ma, mb.transpose(), alpha, beta, mc);
  else
    Product(ma, mb, alpha, beta, mc);
}

// "Eigen 3.5.0 (AVX512)": the widest instruction set of the list Eigen gives, which comes widest first.
std::string Name() {
  const std::string sets = Eigen::SimdInstructionSetsInUse();
  return "Eigen " + std::to_string(EIGEN_WORLD_VERSION) + "." + std::to_string(EIGEN_MAJOR_VERSION) + "." +
         std::to_string(EIGEN_MINOR_VERSION) + " (" + sets.substr(0, sets.find(',')) + ")";
}

int Threads() { return Eigen::nbThreads(); }

}  // namespace SUGAR_EIGEN_COPY
}  // namespace sugar
