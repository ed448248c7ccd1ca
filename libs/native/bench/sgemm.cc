// Times sugar::Sgemm (kernels/blas.h) at the shapes the kernels call it with: the quick sweep's 12x24 MLP (batch 64)
// and the reference MLP (784-512-512-512-10, batch 256), forward (y = h w), and the two gradients (dh = dy w^T,
// dw = h^T dy). Prints the fastest of many calls, which a busy machine disturbs least. bench/sgemm.sh builds it
// against each BLAS the way build.mjs does.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <vector>

#include "../kernels/blas.h"

namespace {

struct Case {
  const char* what;
  int64_t m, n, k;
  bool ta, tb;
};

double FastestUs(const Case& c, int reps) {
  std::vector<float> a(c.m * c.k, 0.5f), b(c.k * c.n, 0.25f), out(c.m * c.n);
  const int64_t lda = c.ta ? c.m : c.k, ldb = c.tb ? c.k : c.n;
  double best = 1e30;
  for (int r = 0; r < reps; ++r) {
    const auto t0 = std::chrono::steady_clock::now();
    sugar::Sgemm(c.ta, c.tb, c.m, c.n, c.k, 1.0f, a.data(), lda, b.data(), ldb, 0.0f, out.data(), c.n);
    const auto t1 = std::chrono::steady_clock::now();
    best = std::min(best, std::chrono::duration<double, std::micro>(t1 - t0).count());
  }
  return best;
}

}  // namespace

int main() {
  const Case cases[] = {
      {"quick MLP layer   y = h w       64x24 @ 24x24", 64, 24, 24, false, false},
      {"quick MLP layer   dh = dy w^T   64x24 @ (24x24)^T", 64, 24, 24, false, true},
      {"quick MLP layer   dw = h^T dy   (64x24)^T @ 64x24", 24, 24, 64, true, false},
      {"reference MLP in  y = h w       256x784 @ 784x512", 256, 512, 784, false, false},
      {"reference MLP in  dw = h^T dy   (256x784)^T @ 256x512", 784, 512, 256, true, false},
      {"reference MLP mid y = h w       256x512 @ 512x512", 256, 512, 512, false, false},
      {"reference MLP mid dh = dy w^T   256x512 @ (512x512)^T", 256, 512, 512, false, true},
  };
  std::printf("%s, %d thread(s)\n", sugar::BlasName().c_str(), sugar::BlasThreads());
  for (const Case& c : cases) {
    const double flops = 2.0 * c.m * c.n * c.k;
    const int reps = static_cast<int>(std::clamp(2e9 / flops, 20.0, 20000.0));
    const double us = FastestUs(c, reps);
    std::printf("  %-55s %9.1f us %7.1f GFLOP/s\n", c.what, us, flops / us / 1e3);
  }
  return 0;
}
