// ---- sugar-lab's optimizer ops: one Adam/AdamW or SGD step for one weight as one op.
// The arithmetic is PyTorch's (and sugar-lab's tfjs optimizer's) in the same order of float32 operations, compiled
// without FMA contraction, so they give the tfjs optimizer's numbers to the bit.
#include "common.h"

namespace sugar {
namespace {

// ---- SugarAdam: one Adam/AdamW step for one weight, PyTorch's arrangement, returning (w', m', v').
// Inputs: w, g, m, v, then float32 scalars b1, 1-b1, b2, 1-b2, eps, wd (L2, added to g), shrink (AdamW's
// 1 - lr*wd, multiplied into w), sqrt(bc2), lr/bc1. Scalars come as tensors (not attrs) so a new learning rate
// or step does not build a new kernel. wd = 0 / shrink = 1 skip those terms, as the tfjs optimizer does.

bool SameSizes(Call& c, int count, const char* op) {
  for (int i = 1; i < count; ++i)
    if (c.size(i) != c.size(0))
      return c.Fail(std::string(op) + ": input " + std::to_string(i) + " has shape " + c.shape_string(i) +
                    ", expected " + c.shape_string(0));
  return true;
}

void AdamCompute(void*, TF_OpKernelContext* ctx) {
  Call c(ctx);
  if (!c.ok() || !SameSizes(c, 4, "SugarAdam")) return;
  const float b1 = *c.data(4), nb1 = *c.data(5), b2 = *c.data(6), nb2 = *c.data(7), eps = *c.data(8);
  const float wd = *c.data(9), shrink = *c.data(10), sqrt_bc2 = *c.data(11), step_size = *c.data(12);
  const std::vector<int64_t> dims = c.shape(0);
  float* w1 = c.Output(0, dims);
  float* m1 = c.Output(1, dims);
  float* v1 = c.Output(2, dims);
  if (v1 == nullptr) return;
  const float *w = c.data(0), *g0 = c.data(1), *m = c.data(2), *v = c.data(3);
  const int64_t n = c.size(0);
  const bool l2 = wd != 0.0f, decoupled = shrink != 1.0f;
  for (int64_t i = 0; i < n; ++i) {
    const float g = l2 ? g0[i] + w[i] * wd : g0[i];
    const float base = decoupled ? w[i] * shrink : w[i];
    const float mi = m[i] * b1 + g * nb1;
    const float vi = v[i] * b2 + (g * g) * nb2;
    const float denom = std::sqrt(vi) / sqrt_bc2 + eps;
    m1[i] = mi;
    v1[i] = vi;
    w1[i] = base - (mi / denom) * step_size;
  }
}

// ---- SugarSgd: one SGD step for one weight with momentum buffer, returning (w', buf').
// Inputs: w, g, buf, then float32 scalars wd (L2), mu (momentum; 0 = none: buf is ignored and buf_out empty),
// rate, nesterov (0 or 1).

void SgdCompute(void*, TF_OpKernelContext* ctx) {
  Call c(ctx);
  if (!c.ok() || !SameSizes(c, *c.data(4) != 0.0f ? 3 : 2, "SugarSgd")) return;
  const float wd = *c.data(3), mu = *c.data(4), rate = *c.data(5);
  const bool nesterov = *c.data(6) != 0.0f;
  const std::vector<int64_t> dims = c.shape(0);
  float* w1 = c.Output(0, dims);
  // Without momentum there is no buffer: buf_out is empty (and buf is not read).
  float* b1 = c.Output(1, mu != 0.0f ? dims : std::vector<int64_t>{0});
  if (!c.ok()) return;
  const float *w = c.data(0), *g0 = c.data(1), *buf = c.data(2);
  const int64_t n = c.size(0);
  if (mu == 0.0f) {
    for (int64_t i = 0; i < n; ++i) w1[i] = w[i] - (wd != 0.0f ? g0[i] + w[i] * wd : g0[i]) * rate;
    return;
  }
  for (int64_t i = 0; i < n; ++i) {
    const float g = wd != 0.0f ? g0[i] + w[i] * wd : g0[i];
    const float next = buf[i] * mu + g;
    b1[i] = next;
    w1[i] = w[i] - (nesterov ? g + next * mu : next) * rate;
  }
}

}  // namespace

OpSpec AdamSpec() {
  return {"SugarAdam",
          {"w: float", "g: float", "m: float", "v: float", "b1: float", "nb1: float", "b2: float", "nb2: float",
           "eps: float", "wd: float", "shrink: float", "sqrt_bc2: float", "step_size: float"},
          {"w_out: float", "m_out: float", "v_out: float"},
          {},
          NoAttrs,
          AdamCompute,
          DeleteNothing};
}

OpSpec SgdSpec() {
  return {"SugarSgd",
          {"w: float", "g: float", "buf: float", "wd: float", "mu: float", "rate: float", "nesterov: float"},
          {"w_out: float", "buf_out: float"},
          {},
          NoAttrs,
          SgdCompute,
          DeleteNothing};
}

}  // namespace sugar
