// ---- sugar-lab's pooling and bias ops: max pooling's gradient, and a bias add with its gradient's column sum.
#include "common.h"

namespace sugar {
namespace {

// ---- SugarMaxPoolGrad: max pooling's gradient (NHWC, any window, stride and TensorFlow's valid / same padding):
// each window's dy goes to its first maximum in row-major window order (TensorFlow's MaxPoolGrad, which recomputes
// it with a scalar loop: 5.3 ms for the reference CNN's two pools, the largest op after the convolutions). Here the
// channels are the vector lanes. Inputs x [N, H, W, C], dy [N, OH, OW, C]; attrs the window, stride, top/left pad.

struct PoolAttrs {
  int32_t kh, kw, sh, sw, pt, pl;
};

void* PoolCreate(TF_OpKernelConstruction* ctx) {
  return new PoolAttrs{GetInt(ctx, "kh"), GetInt(ctx, "kw"), GetInt(ctx, "sh"),
                       GetInt(ctx, "sw"), GetInt(ctx, "pt"), GetInt(ctx, "pl")};
}
void DeletePool(void* k) { delete static_cast<PoolAttrs*>(k); }

// One window: the first maximum per channel among `count` input positions, then dy to it (0 elsewhere), written over
// the positions' gradient (tiled windows) or added to it (overlapping ones).
SUGAR_CLONES void PoolWindowGrad(const float* const* in, float* const* out, int count, const float* __restrict dy,
                                 int64_t channels, float* __restrict best, int32_t* __restrict at, bool add) {
  const float* __restrict first = in[0];
  for (int64_t c = 0; c < channels; ++c) best[c] = first[c], at[c] = 0;
  for (int p = 1; p < count; ++p) {
    const float* __restrict v = in[p];
    for (int64_t c = 0; c < channels; ++c) {
      const bool gt = v[c] > best[c];
      best[c] = gt ? v[c] : best[c];
      at[c] = gt ? p : at[c];
    }
  }
  for (int p = 0; p < count; ++p) {
    float* __restrict o = out[p];
    for (int64_t c = 0; c < channels; ++c) {
      const float g = at[c] == p ? dy[c] : 0.0f;
      o[c] = add ? o[c] + g : g;
    }
  }
}

void MaxPoolGradCompute(void* kernel, TF_OpKernelContext* ctx) {
  const PoolAttrs& a = *static_cast<PoolAttrs*>(kernel);
  Call c(ctx);
  if (!c.ok()) return;
  if (c.rank(0) != 4 || c.rank(1) != 4 || c.dim(0, 0) != c.dim(1, 0) || c.dim(0, 3) != c.dim(1, 3) || a.kh < 1 ||
      a.kw < 1 || a.sh < 1 || a.sw < 1)
    return void(
        c.Fail("SugarMaxPoolGrad: expected x [N, H, W, C] and dy [N, OH, OW, C] with a window and stride >= 1; found " +
               c.shape_string(0) + " and " + c.shape_string(1)));
  const int64_t n = c.dim(0, 0), h = c.dim(0, 1), w = c.dim(0, 2), ch = c.dim(0, 3), oh = c.dim(1, 1), ow = c.dim(1, 2);
  float* dx = c.Output(0, c.shape(0));
  if (dx == nullptr || c.size(0) == 0) return;
  const float *x = c.data(0), *dy = c.data(1);
  // Windows that tile the input exactly write each gradient once; otherwise it starts at 0 and windows add to it.
  const bool tiled = a.sh == a.kh && a.sw == a.kw && a.pt == 0 && a.pl == 0 && oh * a.kh == h && ow * a.kw == w;
  if (!tiled) std::memset(dx, 0, c.size(0) * sizeof(float));
  auto rows = [&](int64_t begin, int64_t end) {  // output rows (n, oh) in [begin, end)
    std::vector<const float*> in(a.kh * a.kw);
    std::vector<float*> out(a.kh * a.kw);
    std::vector<float> best(ch);
    std::vector<int32_t> at(ch);
    for (int64_t row = begin; row < end; ++row) {
      const int64_t b = row / oh, i = row % oh;
      for (int64_t j = 0; j < ow; ++j) {
        int count = 0;
        for (int64_t y = i * a.sh - a.pt; y < i * a.sh - a.pt + a.kh; ++y)
          for (int64_t xx = j * a.sw - a.pl; xx < j * a.sw - a.pl + a.kw; ++xx) {
            if (y < 0 || y >= h || xx < 0 || xx >= w) continue;
            const int64_t off = ((b * h + y) * w + xx) * ch;
            in[count] = x + off;
            out[count++] = dx + off;
          }
        if (count > 0)
          PoolWindowGrad(in.data(), out.data(), count, dy + ((b * oh + i) * ow + j) * ch, ch, best.data(), at.data(),
                         !tiled);
      }
    }
  };
  // Windows of different output rows share no input when they tile: rows split between the threads then.
  SplitRows(n * oh, tiled && c.size(0) >= kParallelFrom, [&](int, int64_t b, int64_t e) { rows(b, e); });
}

// ---- SugarColumnSum / SugarBiasAdd: a bias's gradient (x [..., C] summed over every axis but the last, in double:
// more accurate than float32's, and one streaming pass) and the bias add itself (x + b per element, the same float
// additions as TensorFlow's broadcasting Add): the reference CNN's 6 Sums and 5 Adds were 6 ms of its step.

SUGAR_CLONES void AddRowsDouble(const float* __restrict x, double* __restrict acc, int64_t rows, int64_t cols) {
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t u = 0; u < cols; ++u) acc[u] += x[r * cols + u];
}

void ColumnSumCompute(void*, TF_OpKernelContext* ctx) {
  Call c(ctx);
  if (!c.ok()) return;
  if (c.rank(0) < 2 || c.dim(0, c.rank(0) - 1) == 0)
    return void(c.Fail("SugarColumnSum: expected x [..., C] of rank >= 2 with C > 0; found " + c.shape_string(0)));
  const int64_t cols = c.dim(0, c.rank(0) - 1), rows = c.size(0) / cols;
  float* out = c.Output(0, {cols});
  if (out == nullptr) return;
  const float* x = c.data(0);
  const bool parallel = c.size(0) >= kParallelFrom;
  const int threads = parallel ? omp_get_max_threads() : 1;
  std::vector<double> acc(threads * cols, 0.0);
  SplitRows(rows, parallel,
            [&](int t, int64_t b, int64_t e) { AddRowsDouble(x + b * cols, acc.data() + t * cols, e - b, cols); });
  for (int64_t u = 0; u < cols; ++u) {
    double total = 0;
    for (int t = 0; t < threads; ++t) total += acc[t * cols + u];
    out[u] = static_cast<float>(total);
  }
}

SUGAR_CLONES void BiasAddRange(const float* __restrict x, const float* __restrict b, float* __restrict o, int64_t rows,
                               int64_t cols) {
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t u = 0; u < cols; ++u) o[r * cols + u] = x[r * cols + u] + b[u];
}

void BiasAddCompute(void*, TF_OpKernelContext* ctx) {
  Call c(ctx);
  if (!c.ok()) return;
  if (c.rank(0) < 1 || c.size(1) != c.dim(0, c.rank(0) - 1))
    return void(c.Fail("SugarBiasAdd: expected x [..., C] and a bias of C values; found " + c.shape_string(0) +
                       " and " + c.shape_string(1)));
  float* o = c.Output(0, c.shape(0));
  if (o == nullptr || c.size(0) == 0) return;
  const int64_t cols = c.size(1), rows = c.size(0) / cols;
  const float *x = c.data(0), *b = c.data(1);
  SplitRows(rows, c.size(0) >= kParallelFrom, [&](int, int64_t begin, int64_t end) {
    BiasAddRange(x + begin * cols, b, o + begin * cols, end - begin, cols);
  });
}

}  // namespace

OpSpec MaxPoolGradSpec() {
  return {"SugarMaxPoolGrad", {"x: float", "dy: float"},
          {"dx: float"},      {"kh: int", "kw: int", "sh: int", "sw: int", "pt: int", "pl: int"},
          PoolCreate,         MaxPoolGradCompute,
          DeletePool};
}

OpSpec ColumnSumSpec() {
  return {"SugarColumnSum", {"x: float"}, {"sum: float"}, {}, NoAttrs, ColumnSumCompute, DeleteNothing};
}

OpSpec BiasAddSpec() {
  return {"SugarBiasAdd", {"x: float", "b: float"}, {"y: float"}, {}, NoAttrs, BiasAddCompute, DeleteNothing};
}

}  // namespace sugar
