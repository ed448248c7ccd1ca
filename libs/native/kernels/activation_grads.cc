// ---- sugar-lab's activation ops: the one-pass SUGAR(bsilu) and SUGAR(nelu) gradients and the exact GELU with its
// gradient. Their elementwise loops (the ...Range functions, declared in common.h) serve the fused MLP step too.
#if defined(__x86_64__)
#include <immintrin.h>
#endif

#include "common.h"

namespace sugar {

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
// with fused multiply-adds, 1 - s as e s (within float32 rounding of the portable loop: the test's 1e-6). Where the
// gradient pass has to compete with libtensorflow's spinning pool for the cores (the CNN's, after each convolution),
// the division was its largest cost. Blocks holding |x| > 80 or NaN take the portable loop, so specials stay exact. GCC
// 12 warns about the intrinsics' own _mm512_undefined_ps (a known false positive).
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
__attribute__((target("avx512f"))) void BsiluGrad512(const float* dy, const float* x, float* o, int64_t begin,
                                                     int64_t end, float alpha) {
  const __m512 one = _mm512_set1_ps(1.0f), two = _mm512_set1_ps(2.0f), a = _mm512_set1_ps(alpha);
  const __m512 big = _mm512_set1_ps(80.0f), log2e = _mm512_set1_ps(1.44269504088896341f),
               shift = _mm512_set1_ps(12582912.0f);
  const __m512 c1 = _mm512_set1_ps(0.693359375f), c2 = _mm512_set1_ps(-2.12194440e-4f);
  int64_t i = begin;
  for (; i + 16 <= end; i += 16) {
    const __m512 xv = _mm512_loadu_ps(x + i);
    if (_mm512_cmp_ps_mask(_mm512_abs_ps(xv), big, _CMP_NLE_UQ)) {
      BsiluGradPortable(dy, x, o, i, i + 16, alpha);
      continue;
    }
    const __m512 v = _mm512_sub_ps(_mm512_setzero_ps(), xv);                  // exp(-x)
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
    c.Fail(std::string(op) + ": dy and x must have one shape; found " + c.shape_string(0) + " and " +
           c.shape_string(1));
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

SUGAR_CLONES void NeluGradRange(const float* __restrict dy, const float* __restrict x, float* __restrict o,
                                int64_t begin, int64_t end, float two_alpha) {
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

void DeleteAlpha(void* k) { delete static_cast<AlphaAttr*>(k); }

OpSpec BsiluGradSpec() {
  return {"SugarBsiluGrad", {"dy: float", "x: float"}, {"dx: float"}, {"alpha: float"},
          AlphaCreate,      BsiluGradCompute,          DeleteAlpha};
}

OpSpec NeluGradSpec() {
  return {"SugarNeluGrad", {"dy: float", "x: float"}, {"dx: float"}, {"two_alpha: float"},
          TwoAlphaCreate,  NeluGradCompute,           DeleteAlpha};
}

OpSpec GeluSpec() { return {"SugarGelu", {"x: float"}, {"y: float"}, {}, NoAttrs, GeluCompute, DeleteNothing}; }

OpSpec GeluGradSpec() {
  return {"SugarGeluGrad", {"dy: float", "x: float"}, {"dx: float"}, {}, NoAttrs, GeluGradCompute, DeleteNothing};
}

}  // namespace sugar
