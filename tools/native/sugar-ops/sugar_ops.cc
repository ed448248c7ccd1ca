// sugar-lab's TensorFlow kernels, registered into the libtensorflow that @tensorflow/tfjs-node has loaded
// (through TensorFlow's stable C kernel API), so the tensorflow backend runs them as one native op each.
// Why (sugar bench --profile, 2 cores): libtensorflow's eager MatMul reaches 150-200 GFLOP/s on 2 threads at
// the reference MLP's shapes where OpenBLAS and MKL reach 270-370; SUGAR(bsilu)'s backward is 7 native ops
// (SUGAR(nelu)'s 8 tfjs ops) where ReLU's is 1; Adam is ~13 engine ops per weight.
//
// The arithmetic of SugarAdam and SugarSgd is PyTorch's (and sugar-lab's tfjs optimizer's) in the same order
// of float32 operations, compiled without FMA contraction, so they give the tfjs optimizer's numbers to the bit.
#include <node_api.h>

#include "sugar_ops.h"

#if defined(__x86_64__)
#include <immintrin.h>
#endif

namespace sugar {



const char* const kVersion = "1";
void UnknownShape(TF_ShapeInferenceContext* ctx, TF_Status* status) {
  TF_ShapeInferenceContextSetUnknownShape(ctx, status);
}

bool GetBool(TF_OpKernelConstruction* ctx, const char* name) {
  TF_Bool v = 0;
  TF_Status* s = TF_NewStatus();
  TF_OpKernelConstruction_GetAttrBool(ctx, name, &v, s);
  TF_DeleteStatus(s);
  return v != 0;
}

float GetFloat(TF_OpKernelConstruction* ctx, const char* name) {
  float v = 0;
  TF_Status* s = TF_NewStatus();
  TF_OpKernelConstruction_GetAttrFloat(ctx, name, &v, s);
  TF_DeleteStatus(s);
  return v;
}

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
    c.Fail("SugarMatMul: expected two rank-2 tensors or two rank-3 tensors with one batch size; found " + ShapeString(a) +
           " and " + ShapeString(b));
    return;
  }
  const int64_t batch = batched ? a[0] : 1;
  const int64_t m = attrs->ta ? a[r - 1] : a[r - 2], k = attrs->ta ? a[r - 2] : a[r - 1];
  const int64_t kb = attrs->tb ? b[r - 1] : b[r - 2], n = attrs->tb ? b[r - 2] : b[r - 1];
  if (k != kb) {
    c.Fail("SugarMatMul: inner dimensions differ: " + ShapeString(a) + (attrs->ta ? "^T" : "") + " @ " + ShapeString(b) +
           (attrs->tb ? "^T" : ""));
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
  const int lda = static_cast<int>(a[r - 1]), ldb = static_cast<int>(b[r - 1]);
  for (int64_t i = 0; i < batch; ++i)
    cblas_sgemm(CblasRowMajor, attrs->ta ? CblasTrans : CblasNoTrans, attrs->tb ? CblasTrans : CblasNoTrans,
                static_cast<int>(m), static_cast<int>(n), static_cast<int>(k), 1.0f, pa + i * m * k, lda, pb + i * k * n,
                ldb, 0.0f, out + i * m * n, static_cast<int>(n));
}

// ---- SugarBsiluGrad: dy * bsilu'(x) = dy * s * ((x + alpha) (1 - s) + 1), s = sigmoid(x), in one pass.

struct AlphaAttr {
  float alpha;
};

void* AlphaCreate(TF_OpKernelConstruction* ctx) { return new AlphaAttr{GetFloat(ctx, "alpha")}; }
// NeLU's kernel keeps 2 * alpha, as the tfjs grad multiplies by the float32 of 2 * alpha.
void* TwoAlphaCreate(TF_OpKernelConstruction* ctx) { return new AlphaAttr{GetFloat(ctx, "two_alpha")}; }

// One thread's share; a plain loop the compiler vectorizes (an OpenMP simd loop whose `if` clause is false ran
// 4x slower here).
SUGAR_CLONES void BsiluGradPortable(const float* __restrict dy, const float* __restrict x, float* __restrict o,
                                    int64_t begin, int64_t end, float alpha) {
  for (int64_t i = begin; i < end; ++i) {
    const float xi = x[i];
    const float sg = 1.0f / (1.0f + ExpApprox(-xi));
    const float g = dy[i] * (sg * ((xi + alpha) * (1.0f - sg) + 1.0f));  // surrogates-builtin's association
    o[i] = xi != xi ? xi : g;  // NaN in, NaN out (the clamp inside ExpApprox would hide it)
  }
}

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
// The same with AVX-512 intrinsics: the sigmoid's division as rcp14 and one Newton step, ExpApprox's polynomial
// with fused multiply-adds, 1 - s as e s (within float32 rounding of the portable loop: the test's 1e-6). Where the gradient
// pass has to compete with libtensorflow's spinning pool for the cores (the CNN's, after each convolution), the
// division was its largest cost. Blocks holding |x| > 80 or NaN take the portable loop, so specials stay exact.
// GCC 12 warns about the intrinsics' own _mm512_undefined_ps (a known false positive).
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
__attribute__((target("avx512f"))) void BsiluGrad512(const float* dy, const float* x, float* o, int64_t begin, int64_t end,
                                                   float alpha) {
  const __m512 one = _mm512_set1_ps(1.0f), two = _mm512_set1_ps(2.0f), a = _mm512_set1_ps(alpha);
  const __m512 big = _mm512_set1_ps(80.0f), log2e = _mm512_set1_ps(1.44269504088896341f), shift = _mm512_set1_ps(12582912.0f);
  const __m512 c1 = _mm512_set1_ps(0.693359375f), c2 = _mm512_set1_ps(-2.12194440e-4f);
  int64_t i = begin;
  for (; i + 16 <= end; i += 16) {
    const __m512 xv = _mm512_loadu_ps(x + i);
    if (_mm512_cmp_ps_mask(_mm512_abs_ps(xv), big, _CMP_NLE_UQ)) {
      BsiluGradPortable(dy, x, o, i, i + 16, alpha);
      continue;
    }
    const __m512 v = _mm512_sub_ps(_mm512_setzero_ps(), xv);  // exp(-x)
    const __m512 n = _mm512_sub_ps(_mm512_fmadd_ps(v, log2e, shift), shift);  // round to nearest, as ExpApprox
    __m512 r = _mm512_fnmadd_ps(n, c1, v);
    r = _mm512_fnmadd_ps(n, c2, r);
    __m512 p = _mm512_set1_ps(1.9875691500e-4f);
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.3981999507e-3f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(8.3334519073e-3f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(4.1665795894e-2f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.6666665459e-1f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(5.0000001201e-1f));
    p = _mm512_fmadd_ps(_mm512_mul_ps(p, r), r, _mm512_add_ps(r, one));
    const __m512 e = _mm512_scalef_ps(p, n);
    const __m512 d = _mm512_add_ps(one, e);
    __m512 s = _mm512_rcp14_ps(d);
    s = _mm512_mul_ps(s, _mm512_fnmadd_ps(d, s, two));  // Newton: s (2 - d s)
    // 1 - s as e s: no cancellation where s is near 1, so the reciprocal's last-bit error is not amplified.
    const __m512 inner = _mm512_fmadd_ps(_mm512_add_ps(xv, a), _mm512_mul_ps(e, s), one);
    _mm512_storeu_ps(o + i, _mm512_mul_ps(_mm512_loadu_ps(dy + i), _mm512_mul_ps(s, inner)));
  }
  BsiluGradPortable(dy, x, o, i, end, alpha);
}
#pragma GCC diagnostic pop
#endif

void BsiluGradRange(const float* dy, const float* x, float* o, int64_t begin, int64_t end, float alpha) {
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
  static const bool avx512 = __builtin_cpu_supports("avx512f");
  if (avx512) return BsiluGrad512(dy, x, o, begin, end, alpha);
#endif
  BsiluGradPortable(dy, x, o, begin, end, alpha);
}

// dy, x -> one output of x's shape, computed by `range` over [begin, end) (ParallelRange splits large tensors).
template <typename Range>
void ElementwiseGrad(TF_OpKernelContext* ctx, const char* op, Range range) {
  Call c(ctx);
  if (!c.ok()) return;
  if (c.size(0) != c.size(1)) {
    c.Fail(std::string(op) + ": dy and x must have one shape; found " + c.shape_string(0) + " and " + c.shape_string(1));
    return;
  }
  float* o = c.Output(0, c.shape(1));
  if (o == nullptr) return;
  const float* dy = c.data(0);
  const float* x = c.data(1);
  ParallelRange(c.size(1), [&](int64_t b, int64_t e) { range(dy, x, o, b, e); });
}

void BsiluGradCompute(void* kernel, TF_OpKernelContext* ctx) {
  const float alpha = static_cast<AlphaAttr*>(kernel)->alpha;
  ElementwiseGrad(ctx, "SugarBsiluGrad", [alpha](const float* dy, const float* x, float* o, int64_t b, int64_t e) {
    BsiluGradRange(dy, x, o, b, e, alpha);
  });
}

// ---- SugarNeluGrad: dy * nelu'(x), nelu'(x) = 1 for x > 0, 2 alpha m / (1 + m^2)^2 with m = min(x, 0) else, in
// one pass. The float32 operations of surrogates-builtin's grad in its order (m * 2a, m*m + 1, squared, divided,
// plus step(x)), so the result is the tfjs ops' to the bit.

SUGAR_CLONES void NeluGradRange(const float* __restrict dy, const float* __restrict x, float* __restrict o, int64_t begin,
                   int64_t end, float two_alpha) {
  for (int64_t i = begin; i < end; ++i) {
    const float xi = x[i];
    const float m = std::min(xi, 0.0f);
    const float t = m * m + 1.0f;
    const float step = xi > 0.0f ? 1.0f : 0.0f;
    const float g = dy[i] * ((m * two_alpha) / (t * t) + step);
    o[i] = xi != xi ? dy[i] * xi : g;  // NaN: the tfjs ops' NaN (Minimum and step keep it), branch-free
  }
}

void NeluGradCompute(void* kernel, TF_OpKernelContext* ctx) {
  const float two_alpha = static_cast<AlphaAttr*>(kernel)->alpha;
  ElementwiseGrad(ctx, "SugarNeluGrad", [two_alpha](const float* dy, const float* x, float* o, int64_t b, int64_t e) {
    NeluGradRange(dy, x, o, b, e, two_alpha);
  });
}

// ---- SugarGelu / SugarGeluGrad: exact GELU x * Phi(x) and dy * (Phi(x) + x phi(x)) in one pass each (the
// forward baseline of the paper's comparisons; as tfjs ops it is 5 forward and 11 backward kernels).

SUGAR_CLONES void GeluRange(const float* __restrict x, float* __restrict o, int64_t begin, int64_t end) {
  for (int64_t i = begin; i < end; ++i) o[i] = x[i] * (ErfApprox(x[i] * kSqrtHalf) * 0.5f + 0.5f);  // NaN: x * ...
}

SUGAR_CLONES void GeluGradRange(const float* __restrict dy, const float* __restrict x, float* __restrict o,
                                int64_t begin, int64_t end) {
  for (int64_t i = begin; i < end; ++i) {
    const float z = x[i] * kSqrtHalf;
    const float z2 = z * z;
    // exp(-z^2) is 0 in float32 beyond z^2 = 87 (so an infinite x gives inf * 0 = NaN, as the tfjs ops do).
    const float e = z2 > 87.0f ? 0.0f : ExpApprox(-z2);
    o[i] = dy[i] * ((ErfApprox(z) + 1.0f) * 0.5f + (z * e) * kInvSqrtPi);
  }
}

void GeluCompute(void*, TF_OpKernelContext* ctx) {
  Call c(ctx);
  float* o = c.ok() ? c.Output(0, c.shape(0)) : nullptr;
  if (o == nullptr) return;
  const float* x = c.data(0);
  ParallelRange(c.size(0), [&](int64_t b, int64_t e) { GeluRange(x, o, b, e); });
}

void GeluGradCompute(void*, TF_OpKernelContext* ctx) {
  ElementwiseGrad(ctx, "SugarGeluGrad", [](const float* dy, const float* x, float* o, int64_t b, int64_t e) {
    GeluGradRange(dy, x, o, b, e);
  });
}

// ---- SugarAdam: one Adam/AdamW step for one weight, PyTorch's arrangement, returning (w', m', v').
// Inputs: w, g, m, v, then float32 scalars b1, 1-b1, b2, 1-b2, eps, wd (L2, added to g), shrink (AdamW's
// 1 - lr*wd, multiplied into w), sqrt(bc2), lr/bc1. Scalars come as tensors (not attrs) so a new learning rate
// or step does not build a new kernel. wd = 0 / shrink = 1 skip those terms, as the tfjs optimizer does.

bool SameSizes(Call& c, int count, const char* op) {
  for (int i = 1; i < count; ++i)
    if (c.size(i) != c.size(0))
      return c.Fail(std::string(op) + ": input " + std::to_string(i) + " has shape " + c.shape_string(i) + ", expected " +
                    c.shape_string(0));
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

void DenseForward(const float* h, const float* w, const float* bias, float* y, int64_t b, int64_t i, int64_t o) {
  if (b * o == 0) return;
  if (bias != nullptr)
    for (int64_t r = 0; r < b; ++r) std::memcpy(y + r * o, bias, o * sizeof(float));
  if (i > 0)
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, static_cast<int>(b), static_cast<int>(o), static_cast<int>(i),
                1.0f, h, static_cast<int>(i), w, static_cast<int>(o), bias != nullptr ? 1.0f : 0.0f, y, static_cast<int>(o));
  else if (bias == nullptr)
    std::memset(y, 0, b * o * sizeof(float));
}

void DenseGrads(const float* dy, const float* h, const float* w, float* dh, float* dw, float* db, int64_t b, int64_t i,
                int64_t o) {
  const int B = static_cast<int>(b), I = static_cast<int>(i), O = static_cast<int>(o);
  if (db != nullptr) ColumnSums(dy, db, b, o);
  if (dh != nullptr && b * i > 0) {
    if (o > 0)
      cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, B, I, O, 1.0f, dy, O, w, O, 0.0f, dh, I);
    else
      std::memset(dh, 0, b * i * sizeof(float));
  }
  if (i * o > 0) {
    if (b > 0)
      cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, I, O, B, 1.0f, h, I, dy, O, 0.0f, dw, O);
    else
      std::memset(dw, 0, i * o * sizeof(float));
  }
}

// ---- SugarMaxPoolGrad: max pooling's gradient (NHWC, any window, stride and TensorFlow's valid / same padding):
// each window's dy goes to its first maximum in row-major window order (TensorFlow's MaxPoolGrad, which recomputes
// it with a scalar loop: 5.3 ms for the reference CNN's two pools, the largest op after the convolutions). Here the
// channels are the vector lanes. Inputs x [N, H, W, C], dy [N, OH, OW, C]; attrs the window, stride, top/left pad.

struct PoolAttrs {
  int32_t kh, kw, sh, sw, pt, pl;
};

int32_t GetInt(TF_OpKernelConstruction* ctx, const char* name) {
  int32_t v = 0;
  TF_Status* s = TF_NewStatus();
  TF_OpKernelConstruction_GetAttrInt32(ctx, name, &v, s);
  TF_DeleteStatus(s);
  return v;
}

void* PoolCreate(TF_OpKernelConstruction* ctx) {
  return new PoolAttrs{GetInt(ctx, "kh"), GetInt(ctx, "kw"), GetInt(ctx, "sh"), GetInt(ctx, "sw"), GetInt(ctx, "pt"),
                       GetInt(ctx, "pl")};
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
  if (c.rank(0) != 4 || c.rank(1) != 4 || c.dim(0, 0) != c.dim(1, 0) || c.dim(0, 3) != c.dim(1, 3) || a.kh < 1 || a.kw < 1 ||
      a.sh < 1 || a.sw < 1)
    return void(c.Fail("SugarMaxPoolGrad: expected x [N, H, W, C] and dy [N, OH, OW, C] with a window and stride >= 1; found " +
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
        if (count > 0) PoolWindowGrad(in.data(), out.data(), count, dy + ((b * oh + i) * ow + j) * ch, ch, best.data(), at.data(), !tiled);
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
  SplitRows(rows, parallel, [&](int t, int64_t b, int64_t e) { AddRowsDouble(x + b * cols, acc.data() + t * cols, e - b, cols); });
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
    return void(c.Fail("SugarBiasAdd: expected x [..., C] and a bias of C values; found " + c.shape_string(0) + " and " +
                       c.shape_string(1)));
  float* o = c.Output(0, c.shape(0));
  if (o == nullptr || c.size(0) == 0) return;
  const int64_t cols = c.size(1), rows = c.size(0) / cols;
  const float *x = c.data(0), *b = c.data(1);
  SplitRows(rows, c.size(0) >= kParallelFrom,
            [&](int, int64_t begin, int64_t end) { BiasAddRange(x + begin * cols, b, o + begin * cols, end - begin, cols); });
}

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

void DeleteMatMul(void* k) { delete static_cast<MatMulAttrs*>(k); }
void DeleteAlpha(void* k) { delete static_cast<AlphaAttr*>(k); }

const std::vector<OpSpec>& Ops() {
  static const std::vector<OpSpec> ops = {
      {"SugarMatMul", {"a: float", "b: float"}, {"product: float"}, {"transpose_a: bool = false", "transpose_b: bool = false"}, MatMulCreate, MatMulCompute, DeleteMatMul},
      {"SugarBsiluGrad", {"dy: float", "x: float"}, {"dx: float"}, {"alpha: float"}, AlphaCreate, BsiluGradCompute, DeleteAlpha},
      {"SugarNeluGrad", {"dy: float", "x: float"}, {"dx: float"}, {"two_alpha: float"}, TwoAlphaCreate, NeluGradCompute, DeleteAlpha},
      {"SugarGelu", {"x: float"}, {"y: float"}, {}, NoAttrs, GeluCompute, DeleteNothing},
      {"SugarGeluGrad", {"dy: float", "x: float"}, {"dx: float"}, {}, NoAttrs, GeluGradCompute, DeleteNothing},
      {"SugarAdam",
       {"w: float", "g: float", "m: float", "v: float", "b1: float", "nb1: float", "b2: float", "nb2: float", "eps: float", "wd: float", "shrink: float", "sqrt_bc2: float", "step_size: float"},
       {"w_out: float", "m_out: float", "v_out: float"}, {}, NoAttrs, AdamCompute, DeleteNothing},
      {"SugarPackedDense", {"h: float", "w: float", "b: float"}, {"y: float"}, {}, NoAttrs, PackedDenseCompute, DeleteNothing},
      {"SugarPackedDenseGrad", {"dy: float", "h: float", "w: float"}, {"dh: float", "dw: float", "db: float"}, {}, NoAttrs, PackedDenseGradCompute, DeleteNothing},
      {"SugarProbeStats", {"pre: float", "post: float"}, {"counts: float", "stats: float"}, {}, NoAttrs, ProbeStatsCompute, DeleteNothing},
      {"SugarSgd", {"w: float", "g: float", "buf: float", "wd: float", "mu: float", "rate: float", "nesterov: float"}, {"w_out: float", "buf_out: float"}, {}, NoAttrs, SgdCompute, DeleteNothing},
      {"SugarMaxPoolGrad", {"x: float", "dy: float"}, {"dx: float"}, {"kh: int", "kw: int", "sh: int", "sw: int", "pt: int", "pl: int"}, PoolCreate, MaxPoolGradCompute, DeletePool},
      {"SugarColumnSum", {"x: float"}, {"sum: float"}, {}, NoAttrs, ColumnSumCompute, DeleteNothing},
      {"SugarBiasAdd", {"x: float", "b: float"}, {"y: float"}, {}, NoAttrs, BiasAddCompute, DeleteNothing},
      MlpStepSpec(),
      MlpForwardSpec(),
  };
  return ops;
}

// Registers every op once per process (a second require of this file, or a second copy of it, is a no-op:
// TensorFlow refuses a second definition of an op name, which is reported, not fatal).
std::string RegisterAll() {
  static std::string result = [] {
    std::string errors;
    for (const OpSpec& op : Ops()) {
      TF_Status* s = TF_NewStatus();
      TF_OpDefinitionBuilder* b = TF_NewOpDefinitionBuilder(op.name);
      for (const char* i : op.inputs) TF_OpDefinitionBuilderAddInput(b, i);
      for (const char* o : op.outputs) TF_OpDefinitionBuilderAddOutput(b, o);
      for (const char* a : op.attrs) TF_OpDefinitionBuilderAddAttr(b, a);
      TF_OpDefinitionBuilderSetShapeInferenceFunction(b, UnknownShape);
      TF_RegisterOpDefinition(b, s);
      if (TF_GetCode(s) == TF_OK) {
        TF_KernelBuilder* k = TF_NewKernelBuilder(op.name, "CPU", op.create, op.compute, op.destroy);
        TF_RegisterKernelBuilder(op.name, k, s);
      }
      if (TF_GetCode(s) != TF_OK) errors += std::string(errors.empty() ? "" : "; ") + op.name + ": " + TF_Message(s);
      TF_DeleteStatus(s);
    }
    return errors;
  }();
  return result;
}

napi_value String(napi_env env, const std::string& s) {
  napi_value v;
  napi_create_string_utf8(env, s.c_str(), s.size(), &v);
  return v;
}

}  // namespace sugar

using namespace sugar;

// exports: { version, ops: 'SugarMatMul,...', blas: OpenBLAS's config string, error: '' or what failed }
NAPI_MODULE_INIT() {
  const std::string error = RegisterAll();
  std::string names;
  for (const OpSpec& op : Ops()) names += std::string(names.empty() ? "" : ",") + op.name;
  napi_set_named_property(env, exports, "version", String(env, kVersion));
  napi_set_named_property(env, exports, "ops", String(env, names));
  napi_set_named_property(env, exports, "blas", String(env, openblas_get_config()));
  napi_set_named_property(env, exports, "threads", String(env, std::to_string(openblas_get_num_threads())));
  napi_set_named_property(env, exports, "error", String(env, error));
  return exports;
}
