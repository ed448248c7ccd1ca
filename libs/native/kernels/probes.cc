// ---- sugar-lab's probe op (the fused MLP step's SugarPackedMlpForward probes a whole pack; see mlp_step.cc).
#include "common.h"

namespace sugar {
namespace {

// ---- SugarProbeStats: what analysis's activation probe reads of one layer, in one op instead of ~16: per unit
// (the last axis) the count of pre-activations > 0, and the count of exact zeros after the activation, the mean and
// the (population) variance of the pre-activations. Sums in double (the counts are exact, the moments as good or
// better than float32 reductions). pre and post have one size; outputs counts [units], stats [3].

void ProbeStatsCompute(void*, TF_OpKernelContext* ctx) {
  Call c(ctx);
  if (!c.ok()) return;
  if (c.rank(0) < 1 || c.size(0) != c.size(1) || c.dim(0, c.rank(0) - 1) == 0) {
    c.Fail("SugarProbeStats: expected pre and post of one size with a non-empty last axis; found " + c.shape_string(0) +
           " and " + c.shape_string(1));
    return;
  }
  const int64_t n = c.size(0), units = c.dim(0, c.rank(0) - 1), rows = n / units;
  float* counts = c.Output(0, {units});
  float* stats = c.Output(1, {3});
  if (stats == nullptr) return;
  const float *pre = c.data(0), *post = c.data(1);
  std::vector<int64_t> positive(units, 0);
  int64_t zeros = 0;
  double sum = 0;
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t u = 0; u < units; ++u) {
      const float v = pre[r * units + u];
      positive[u] += v > 0.0f;
      sum += v;
    }
  for (int64_t i = 0; i < n; ++i) zeros += post[i] == 0.0f;
  const double mean = n ? sum / n : NAN;
  double sq = 0;
  for (int64_t i = 0; i < n; ++i) sq += (pre[i] - mean) * (pre[i] - mean);
  for (int64_t u = 0; u < units; ++u) counts[u] = static_cast<float>(positive[u]);
  stats[0] = static_cast<float>(zeros);
  stats[1] = static_cast<float>(mean);
  stats[2] = static_cast<float>(n ? sq / n : NAN);
}

}  // namespace

OpSpec ProbeStatsSpec() {
  return {"SugarProbeStats",
          {"pre: float", "post: float"},
          {"counts: float", "stats: float"},
          {},
          NoAttrs,
          ProbeStatsCompute,
          DeleteNothing};
}

}  // namespace sugar
