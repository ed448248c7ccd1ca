// What sugar-lab's kernel sources share: the C kernel API declarations, one kernel call's inputs and outputs,
// attribute readers, the OpenMP split, the vectorizable exp and erf, the loops and dense-layer pieces the fused MLP
// step (mlp_step.cc) reuses from the single ops, and each op's registration entry (module.cc lists them).
#pragma once

#include <omp.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "tensorflow/c/ops.h"
#include "tensorflow/c/tf_status.h"
#include "tensorflow/c/tf_tensor.h"

// The part of TensorFlow's C kernel API (tensorflow/c/kernels.h, stable across 2.x) used here, declared
// directly: kernels.h includes device-plugin headers that the wheel's include tree does not ship.
extern "C" {
typedef struct TF_KernelBuilder TF_KernelBuilder;
typedef struct TF_OpKernelConstruction TF_OpKernelConstruction;
typedef struct TF_OpKernelContext TF_OpKernelContext;
TF_KernelBuilder* TF_NewKernelBuilder(const char* op_name, const char* device_name,
                                      void* (*create_func)(TF_OpKernelConstruction*),
                                      void (*compute_func)(void*, TF_OpKernelContext*), void (*delete_func)(void*));
void TF_RegisterKernelBuilder(const char* kernel_name, TF_KernelBuilder* builder, TF_Status* status);
int TF_NumInputs(TF_OpKernelContext* ctx);
void TF_GetInput(TF_OpKernelContext* ctx, int i, TF_Tensor** tensor, TF_Status* status);
TF_Tensor* TF_AllocateOutput(TF_OpKernelContext* context, int index, TF_DataType dtype, const int64_t* dims,
                             int num_dims, size_t len, TF_Status* status);
void TF_OpKernelContext_Failure(TF_OpKernelContext* ctx, TF_Status* status);
void TF_OpKernelConstruction_GetAttrBool(TF_OpKernelConstruction* ctx, const char* attr_name, TF_Bool* val,
                                         TF_Status* status);
void TF_OpKernelConstruction_GetAttrInt32(TF_OpKernelConstruction* ctx, const char* attr_name, int32_t* val,
                                          TF_Status* status);
void TF_OpKernelConstruction_GetAttrFloat(TF_OpKernelConstruction* ctx, const char* attr_name, float* val,
                                          TF_Status* status);
}

// The elementwise loops are compiled for AVX-512, AVX2 and baseline x86-64 and picked when the library loads,
// so one build runs on every node of a cluster that shares the install (no -march=native SIGILL on an older CPU).
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define SUGAR_CLONES __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#else
#define SUGAR_CLONES
#endif

namespace sugar {

// Below this many elements a second thread costs more to wake than it saves (measured: ~20 us to wake a
// passive OpenMP thread; one thread does ~250k elements of the B-SiLU gradient in ~0.15 ms).
inline constexpr int64_t kParallelFrom = 262144;

inline std::vector<int64_t> Shape(const TF_Tensor* t) {
  std::vector<int64_t> d(TF_NumDims(t));
  for (size_t i = 0; i < d.size(); ++i) d[i] = TF_Dim(t, static_cast<int>(i));
  return d;
}

inline std::string ShapeString(const std::vector<int64_t>& d) {
  std::string out = "[";
  for (size_t i = 0; i < d.size(); ++i) out += (i ? "," : "") + std::to_string(d[i]);
  return out + "]";
}

// One call of a kernel: its inputs (fetched once), the outputs it allocates and its status, all released when
// the call ends; a failure (fetching an input, allocating an output, or Fail) is reported to TensorFlow then.
class Call {
 public:
  explicit Call(TF_OpKernelContext* ctx) : ctx_(ctx), status_(TF_NewStatus()) {
    const int n = TF_NumInputs(ctx);
    for (int i = 0; i < n && ok(); ++i) {
      TF_Tensor* x = nullptr;
      TF_GetInput(ctx, i, &x, status_);
      if (ok()) inputs_.push_back(x);
    }
  }
  ~Call() {
    if (!ok()) TF_OpKernelContext_Failure(ctx_, status_);
    for (TF_Tensor* t : inputs_) TF_DeleteTensor(t);
    for (TF_Tensor* t : outputs_) TF_DeleteTensor(t);
    TF_DeleteStatus(status_);
  }
  Call(const Call&) = delete;
  Call& operator=(const Call&) = delete;

  bool ok() const { return TF_GetCode(status_) == TF_OK; }
  // Records an invalid-argument failure; false, so a check reads `if (bad) return c.Fail(...);`.
  bool Fail(const std::string& message) {
    TF_SetStatus(status_, TF_INVALID_ARGUMENT, message.c_str());
    return false;
  }
  const float* data(int i) const { return static_cast<const float*>(TF_TensorData(inputs_[i])); }
  const int32_t* ints(int i) const { return static_cast<const int32_t*>(TF_TensorData(inputs_[i])); }
  TF_DataType type(int i) const { return TF_TensorType(inputs_[i]); }
  int64_t size(int i) const { return static_cast<int64_t>(TF_TensorElementCount(inputs_[i])); }
  int rank(int i) const { return TF_NumDims(inputs_[i]); }
  int64_t dim(int i, int d) const { return TF_Dim(inputs_[i], d); }
  std::vector<int64_t> shape(int i) const { return Shape(inputs_[i]); }
  std::string shape_string(int i) const { return ShapeString(shape(i)); }
  // Allocates output i, or nullptr once anything has failed.
  float* Output(int i, const std::vector<int64_t>& dims) {
    if (!ok()) return nullptr;
    int64_t n = 1;
    for (int64_t d : dims) n *= d;
    TF_Tensor* t =
        TF_AllocateOutput(ctx_, i, TF_FLOAT, dims.data(), static_cast<int>(dims.size()), n * sizeof(float), status_);
    if (t != nullptr) outputs_.push_back(t);
    return ok() && t != nullptr ? static_cast<float*>(TF_TensorData(t)) : nullptr;
  }

 private:
  TF_OpKernelContext* ctx_;
  TF_Status* status_;
  std::vector<TF_Tensor*> inputs_, outputs_;
};

// f(begin, end) over [0, n), split between the OpenMP threads from kParallelFrom elements on.
template <typename F>
void ParallelRange(int64_t n, F f) {
  if (n < kParallelFrom) {
    f(int64_t{0}, n);
    return;
  }
#pragma omp parallel
  {
    const int64_t t = omp_get_thread_num(), nt = omp_get_num_threads();
    const int64_t chunk = ((n + nt - 1) / nt + 15) / 16 * 16;
    f(std::min(n, t * chunk), std::min(n, (t + 1) * chunk));
  }
}

// f(thread, begin, end) over rows [0, rows), split between the OpenMP threads when `parallel` (thread 0 takes all
// otherwise). Rows of one thread are contiguous, so results that depend on the order within a row range stay put.
template <typename F>
void SplitRows(int64_t rows, bool parallel, F f) {
  if (!parallel) return f(0, int64_t{0}, rows);
#pragma omp parallel
  {
    const int t = omp_get_thread_num(), nt = omp_get_num_threads();
    f(t, rows * t / nt, rows * (t + 1) / nt);
  }
}

// exp(x) for x in [-87.3, 88.7] within 2 ulp (Cephes' expf), written so the compiler vectorizes the loop
// (std::exp is a call the loop cannot be vectorized across without -ffast-math, which would drop NaN checks).
inline float ExpApprox(float x) {
  x = std::min(std::max(x, -87.3f), 88.7f);  // NaN becomes 88.7 here; callers put NaN back
  // Round to nearest by the 1.5 * 2^23 trick: plain adds the vectorizer keeps (nearbyint is a libm call here).
  float n = (x * 1.44269504088896341f + 12582912.0f) - 12582912.0f;
  float r = x - n * 0.693359375f;
  r = r - n * -2.12194440e-4f;
  float p = 1.9875691500e-4f;
  p = p * r + 1.3981999507e-3f;
  p = p * r + 8.3334519073e-3f;
  p = p * r + 4.1665795894e-2f;
  p = p * r + 1.6666665459e-1f;
  p = p * r + 5.0000001201e-1f;
  p = p * r * r + r + 1.0f;
  int32_t bits;
  std::memcpy(&bits, &p, sizeof bits);
  bits += static_cast<int32_t>(n) << 23;
  std::memcpy(&p, &bits, sizeof bits);
  return p;
}

// erf(x) within 4.2e-7 absolutely (the rational approximation Eigen uses for float), exactly +-1 from |x| >= 4.
inline float ErfApprox(float x) {
  const float c = std::min(std::max(x, -4.0f), 4.0f);
  const float x2 = c * c;
  float p = -2.72614225801306e-10f;
  p = p * x2 + 2.77068142495902e-08f;
  p = p * x2 + -2.10102402082508e-06f;
  p = p * x2 + -5.69250639462346e-05f;
  p = p * x2 + -7.34990630326855e-04f;
  p = p * x2 + -2.95459980854025e-03f;
  p = p * x2 + -1.60960333262415e-02f;
  float q = -1.45660718464996e-05f;
  q = q * x2 + -2.13374055278905e-04f;
  q = q * x2 + -1.68282697438203e-03f;
  q = q * x2 + -7.37332916720468e-03f;
  q = q * x2 + -1.42647390514189e-02f;
  const float e = (p * c) / q;
  return std::fabs(x) >= 4.0f ? (x > 0.0f ? 1.0f : -1.0f) : e;
}

inline constexpr float kSqrtHalf = 0.70710678118654752f;
inline constexpr float kInvSqrtPi = 0.56418958354775628f;

// An attribute's value, or T{} when the op has no such attribute (the op definitions in module.cc declare them all).
template <typename T, typename Raw = T>
T GetAttr(TF_OpKernelConstruction* ctx, const char* name,
          void (*get)(TF_OpKernelConstruction*, const char*, Raw*, TF_Status*)) {
  Raw v{};
  TF_Status* s = TF_NewStatus();
  get(ctx, name, &v, s);
  TF_DeleteStatus(s);
  return static_cast<T>(v);
}
inline bool GetBool(TF_OpKernelConstruction* ctx, const char* name) {
  return GetAttr<bool, TF_Bool>(ctx, name, TF_OpKernelConstruction_GetAttrBool);
}
inline float GetFloat(TF_OpKernelConstruction* ctx, const char* name) {
  return GetAttr<float>(ctx, name, TF_OpKernelConstruction_GetAttrFloat);
}
inline int32_t GetInt(TF_OpKernelConstruction* ctx, const char* name) {
  return GetAttr<int32_t>(ctx, name, TF_OpKernelConstruction_GetAttrInt32);
}

inline void* NoAttrs(TF_OpKernelConstruction*) { return nullptr; }
inline void DeleteNothing(void*) {}

struct OpSpec {
  const char* name;
  std::vector<const char*> inputs, outputs, attrs;
  void* (*create)(TF_OpKernelConstruction*);
  void (*compute)(void*, TF_OpKernelContext*);
  void (*destroy)(void*);
};

// The elementwise loops of activation_grads.cc: o[i] for i in [begin, end).
void BsiluGradRange(const float* dy, const float* x, float* o, int64_t begin, int64_t end, float alpha);
void NeluGradRange(const float* dy, const float* x, float* o, int64_t begin, int64_t end, float two_alpha);
void GeluRange(const float* x, float* o, int64_t begin, int64_t end);
void GeluGradRange(const float* dy, const float* x, float* o, int64_t begin, int64_t end);

// One dense layer of one member, as SugarPackedDense / SugarPackedDenseGrad compute it (dense.cc):
// y [b, o] = h [b, i] w [i, o] + bias (each row copied in, then sgemm adds the product; no bias: nullptr), and
// db = the column sums of dy (row by row), dh = dy w^T, dw = h^T dy (dh and db skipped when nullptr).
void DenseForward(const float* h, const float* w, const float* bias, float* y, int64_t b, int64_t i, int64_t o);
void DenseGrads(const float* dy, const float* h, const float* w, float* dh, float* dw, float* db, int64_t b, int64_t i,
                int64_t o);

// Each op's definition and kernel, by family: dense.cc (matmul, packed dense), activation_grads.cc, optimizers.cc,
// pool_bias.cc, probes.cc, mlp_step.cc.
OpSpec MatMulSpec();
OpSpec PackedDenseSpec();
OpSpec PackedDenseGradSpec();
OpSpec BsiluGradSpec();
OpSpec NeluGradSpec();
OpSpec GeluSpec();
OpSpec GeluGradSpec();
OpSpec AdamSpec();
OpSpec SgdSpec();
OpSpec MaxPoolGradSpec();
OpSpec ColumnSumSpec();
OpSpec BiasAddSpec();
OpSpec ProbeStatsSpec();
OpSpec MlpStepSpec();
OpSpec MlpForwardSpec();

}  // namespace sugar
