// ---- sugar-lab's dense-layer ops: SugarMatMul, and SugarPackedDense / SugarPackedDenseGrad (a pack's dense layer),
// with DenseForward / DenseGrads, the one dense layer the fused MLP step (mlp_step.cc) computes too. Every product
// goes through blas.h's Sgemm.
#include "blas.h"
#include "common.h"

namespace sugar {
namespace {

// ---- SugarMatMul: a @ b (optionally transposed), rank 2, or rank 3 with one batch size, through BLAS sgemm.

struct MatMulAttrs {
  bool ta, tb;
};

void* MatMulCreate(TF_OpKernelConstruction* ctx) {
  return new MatMulAttrs{GetBool(ctx, "transpose_a"), GetBool(ctx, "transpose_b")};
}

void MatMulCompute(void* kernel, TF_OpKernelContext* ctx) {
  const auto* attrs = static_cast<MatMulAttrs*>(kernel);
  Call c(ctx);
  if (!c.ok()) return;
  const std::vector<int64_t> a = c.shape(0), b = c.shape(1);
  const size_t r = a.size();
  const bool batched = r == 3;
  if ((r != 2 && r != 3) || b.size() != r || (batched && a[0] != b[0])) {
    c.Fail("SugarMatMul: expected two rank-2 tensors or two rank-3 tensors with one batch size; found " +
           ShapeString(a) + " and " + ShapeString(b));
    return;
  }
  const int64_t batch = batched ? a[0] : 1;
  const int64_t m = attrs->ta ? a[r - 1] : a[r - 2], k = attrs->ta ? a[r - 2] : a[r - 1];
  const int64_t kb = attrs->tb ? b[r - 1] : b[r - 2], n = attrs->tb ? b[r - 2] : b[r - 1];
  if (k != kb) {
    c.Fail("SugarMatMul: inner dimensions differ: " + ShapeString(a) + (attrs->ta ? "^T" : "") + " @ " +
           ShapeString(b) + (attrs->tb ? "^T" : ""));
    return;
  }
  float* out = c.Output(0, batched ? std::vector<int64_t>{batch, m, n} : std::vector<int64_t>{m, n});
  if (out == nullptr || m * n == 0) return;
  if (k == 0) {
    std::memset(out, 0, batch * m * n * sizeof(float));
    return;
  }
  const float* pa = c.data(0);
  const float* pb = c.data(1);
  const int64_t lda = a[r - 1], ldb = b[r - 1];
  for (int64_t i = 0; i < batch; ++i)
    Sgemm(attrs->ta, attrs->tb, m, n, k, 1.0f, pa + i * m * k, lda, pb + i * k * n, ldb, 0.0f, out + i * m * n, n);
}

// ---- SugarPackedDense / SugarPackedDenseGrad: the dense layer of a pack of K MLPs (train's PackedMlp), with
// each member's kernel and bias as rows of 2-D tensors (the pieces of its flat [K, P] weights), so a packed step
// needs no reshapes and no separate bias add or bias-gradient sum.
// Forward: h [K, B, I], w [K, I*O] (row-major [I, O] per member), b [K, O] -> y [K, B, O] = h_k w_k + b_k.
// Backward: dy [K, B, O], h, w -> dh [K, B, I] = dy_k w_k^T, dw [K, I*O] = h_k^T dy_k, db [K, O] = sum_B dy_k.

struct PackedDims {
  int64_t k, b, i, o;
};

bool PackedShapes(Call& c, int h_at, int w_at, int64_t o, PackedDims* d, const char* op) {
  const std::vector<int64_t> h = c.shape(h_at), w = c.shape(w_at);
  if (h.size() != 3 || w.size() != 2 || w[0] != h[0] || o <= 0 || w[1] != h[2] * o)
    return c.Fail(std::string(op) + ": expected h [K, B, I] and w [K, I*O] with O = " + std::to_string(o) + "; found " +
                  ShapeString(h) + " and " + ShapeString(w));
  *d = PackedDims{h[0], h[1], h[2], o};
  return true;
}

void PackedDenseCompute(void*, TF_OpKernelContext* ctx) {
  Call c(ctx);
  PackedDims d{};
  if (!c.ok()) return;
  if (c.rank(2) != 2) {
    c.Fail("SugarPackedDense: expected b [K, O]; found " + c.shape_string(2));
    return;
  }
  if (!PackedShapes(c, 0, 1, c.dim(2, 1), &d, "SugarPackedDense")) return;
  if (c.dim(2, 0) != d.k) {
    c.Fail("SugarPackedDense: b " + c.shape_string(2) + " has another K than h " + c.shape_string(0));
    return;
  }
  float* y = c.Output(0, {d.k, d.b, d.o});
  if (y == nullptr || d.b * d.o == 0) return;
  const float *h = c.data(0), *w = c.data(1), *bias = c.data(2);
  for (int64_t k = 0; k < d.k; ++k)
    DenseForward(h + k * d.b * d.i, w + k * d.i * d.o, bias + k * d.o, y + k * d.b * d.o, d.b, d.i, d.o);
}

void PackedDenseGradCompute(void*, TF_OpKernelContext* ctx) {
  Call c(ctx);
  PackedDims d{};
  if (!c.ok()) return;
  if (c.rank(0) != 3) {
    c.Fail("SugarPackedDenseGrad: expected dy [K, B, O]; found " + c.shape_string(0));
    return;
  }
  if (!PackedShapes(c, 1, 2, c.dim(0, 2), &d, "SugarPackedDenseGrad")) return;
  if (c.dim(0, 0) != d.k || c.dim(0, 1) != d.b) {
    c.Fail("SugarPackedDenseGrad: dy " + c.shape_string(0) + " does not match h " + c.shape_string(1));
    return;
  }
  float* dh = c.Output(0, {d.k, d.b, d.i});
  float* dw = c.Output(1, {d.k, d.i * d.o});
  float* db = c.Output(2, {d.k, d.o});
  if (db == nullptr) return;
  const float *dy = c.data(0), *h = c.data(1), *w = c.data(2);
  for (int64_t k = 0; k < d.k; ++k)
    DenseGrads(dy + k * d.b * d.o, h + k * d.b * d.i, w + k * d.i * d.o, dh + k * d.b * d.i, dw + k * d.i * d.o,
               db + k * d.o, d.b, d.i, d.o);
}

// The bias gradient: column sums of dy [rows, cols], row by row.
SUGAR_CLONES void ColumnSums(const float* __restrict dy, float* __restrict out, int64_t rows, int64_t cols) {
  for (int64_t u = 0; u < cols; ++u) out[u] = 0.0f;
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t u = 0; u < cols; ++u) out[u] += dy[r * cols + u];
}

void DeleteMatMul(void* k) { delete static_cast<MatMulAttrs*>(k); }

}  // namespace

void DenseForward(const float* h, const float* w, const float* bias, float* y, int64_t b, int64_t i, int64_t o) {
  if (b * o == 0) return;
  if (bias != nullptr)
    for (int64_t r = 0; r < b; ++r) std::memcpy(y + r * o, bias, o * sizeof(float));
  if (i > 0)
    Sgemm(false, false, b, o, i, 1.0f, h, i, w, o, bias != nullptr ? 1.0f : 0.0f, y, o);
  else if (bias == nullptr)
    std::memset(y, 0, b * o * sizeof(float));
}

void DenseGrads(const float* dy, const float* h, const float* w, float* dh, float* dw, float* db, int64_t b, int64_t i,
                int64_t o) {
  if (db != nullptr) ColumnSums(dy, db, b, o);
  if (dh != nullptr && b * i > 0) {
    if (o > 0)
      Sgemm(false, true, b, i, o, 1.0f, dy, o, w, o, 0.0f, dh, i);
    else
      std::memset(dh, 0, b * i * sizeof(float));
  }
  if (i * o > 0) {
    if (b > 0)
      Sgemm(true, false, i, o, b, 1.0f, h, i, dy, o, 0.0f, dw, o);
    else
      std::memset(dw, 0, i * o * sizeof(float));
  }
}

OpSpec MatMulSpec() {
  return {"SugarMatMul",      {"a: float", "b: float"},
          {"product: float"}, {"transpose_a: bool = false", "transpose_b: bool = false"},
          MatMulCreate,       MatMulCompute,
          DeleteMatMul};
}

OpSpec PackedDenseSpec() {
  return {"SugarPackedDense", {"h: float", "w: float", "b: float"}, {"y: float"}, {}, NoAttrs, PackedDenseCompute,
          DeleteNothing};
}

OpSpec PackedDenseGradSpec() {
  return {"SugarPackedDenseGrad",
          {"dy: float", "h: float", "w: float"},
          {"dh: float", "dw: float", "db: float"},
          {},
          NoAttrs,
          PackedDenseGradCompute,
          DeleteNothing};
}

}  // namespace sugar
