// ---- SugarPackedMlpStep: one whole training step of a pack of K MLPs (train's packed fit, and fit's pack of one) as
// one op: forward, softmax cross-entropy, backward with each member's activation and SUGAR surrogate, and the
// optimizer update. SugarPackedMlpForward (below) is the same forward pass for evaluation and probes.
// Why: a step of the quick sweep's 12-layer, 24-unit MLP is ~100 engine ops whose dispatch (15-40 us each) is
// ~95% of its time; here it is one.
//
// The layers compute as SugarPackedDense / SugarPackedDenseGrad do (the bias copied in and sgemm adding the product,
// the same sgemm calls for the gradients, the bias gradient summed row by row), the activations' gradients are
// activation_grads.cc's loops, and the update is PackedOptimizer's float32 arithmetic in its order; only the softmax
// cross-entropy's rounding differs from the op-by-op step (libm's exp and log against Eigen's).
//
// Inputs (per member k; P = the flat weights' row, L = layers):
//   w [K, P]; s1, s2 [K, P] or empty: Adam's m and v, SGD's momentum buffer (s2 empty), or none;
//   x [K, B, F] and one-hot-like targets y [K, B, C];
//   layout int32 [L, 6]: inputs, units, kernel offset, bias offset (-1: none), kernel decay, bias decay, where decay
//     is 0 (no weight decay in this config), 1 (decayed) or 2 (not decayed: PackedOptimizer's mask adds w * 0);
//   acts [K, L, 3]: activation after each layer (ActCode), its parameter (B-SiLU's alpha, NeLU's 2 alpha), and 1
//     for SUGAR's region 'negative' (gradient 1 for x > 0);
//   hyper [K, kHyperCols]: the member's optimizer scalars for this step (see Hyper).
// Outputs: w', s1', s2' (the inputs' shapes) and stats [K, 2 + L]: loss, correct count, each kernel gradient's
// L2 norm (0 unless the member's hyper asks for them: hNorms). When any member's loss is not finite nothing is updated
// (w', s1', s2' are copies) and the norms are 0: the caller ends that member and steps the others again.
#include "common.h"

namespace sugar {
namespace {

enum ActCode { kNone = 0, kRelu = 1, kBsilu = 2, kNelu = 3, kGelu = 4 };
enum OptKind { kSgd = 0, kAdam = 1, kAdamW = 2 };
enum Hyper { hKind, hRate, hWd, hMu, hNesterov, hB1, hNb1, hB2, hNb2, hEps, hShrink, hSqrtBc2, hNorms, kHyperCols };
constexpr int kLayoutCols = 6;
constexpr int kActCols = 3;

struct Layer {
  int64_t in, out, kernel, bias;
  int decay_kernel, decay_bias;
};

struct Step {
  int64_t k, b, f, c, p, l;
  std::vector<Layer> layers;
  std::vector<int64_t> at;  // each layer's offset into a member's pre-activation (and activation) buffer
  int64_t per_member = 0;   // sum of b * units
  int64_t widest = 0, largest_kernel = 0, most_macs = 0;
  const float *w, *s1, *s2, *x, *y, *acts, *hyper;
  float *w1, *o1, *o2, *stats;
  float *z, *a;  // pre-activations and activations, per member per layer
  float* dlogits;
  bool inner;             // parallel inside each member (large layers) rather than across members
  int64_t x_stride = -1;  // floats between members' batches (0: one batch shared by all); -1: b * f
  const float* member_x(int64_t k) const { return x + k * (x_stride < 0 ? b * f : x_stride); }
};

template <typename F>
void Split(bool inner, int64_t n, F f) {
  if (inner)
    ParallelRange(n, f);
  else
    f(int64_t{0}, n);
}

// The loops below are free functions with restrict pointers so that they vectorize (as lambdas over captured
// pointers they compiled to scalar code: ~30% of a reference-MLP step).

// std::max(x, 0) keeps NaN, as tf.relu does.
SUGAR_CLONES void ReluRange(const float* __restrict z, float* __restrict a, int64_t b, int64_t e) {
  for (int64_t i = b; i < e; ++i) a[i] = std::max(z[i], 0.0f);
}

// ReluGrad's dy * (x > 0).
SUGAR_CLONES void ReluGradRange(const float* __restrict da, const float* __restrict z, float* __restrict dz, int64_t b,
                                int64_t e) {
  for (int64_t i = b; i < e; ++i) dz[i] = da[i] * (z[i] > 0.0f ? 1.0f : 0.0f);
}

// SUGAR's region 'negative': the incoming gradient itself where x > 0.
SUGAR_CLONES void PositivePassRange(const float* __restrict da, const float* __restrict z, float* __restrict dz,
                                    int64_t b, int64_t e) {
  for (int64_t i = b; i < e; ++i) dz[i] = z[i] > 0.0f ? da[i] : dz[i];
}

void Activate(const float* act, const float* z, float* a, int64_t n, bool inner) {
  const bool gelu = static_cast<int>(act[0]) == kGelu;
  Split(inner, n, [&](int64_t b, int64_t e) { gelu ? GeluRange(z, a, b, e) : ReluRange(z, a, b, e); });
}

// dz = da * f'(z) for the activation `act` (ReLU's step, or the SUGAR surrogate's derivative, or GELU's).
void ActivationGrad(const float* act, const float* da, const float* z, float* dz, int64_t n, bool inner) {
  const int code = static_cast<int>(act[0]);
  const float param = act[1];
  const bool positive_is_one = act[2] != 0.0f;
  Split(inner, n, [&](int64_t b, int64_t e) {
    if (code == kBsilu)
      BsiluGradRange(da, z, dz, b, e, param);
    else if (code == kNelu)
      NeluGradRange(da, z, dz, b, e, param);
    else if (code == kGelu)
      GeluGradRange(da, z, dz, b, e);
    else
      ReluGradRange(da, z, dz, b, e);
    if (positive_is_one) PositivePassRange(da, z, dz, b, e);
  });
}

SUGAR_CLONES double SumSquares(const float* __restrict g, int64_t n) {
  double sq = 0;
#pragma omp simd reduction(+ : sq)
  for (int64_t i = 0; i < n; ++i) sq += static_cast<double>(g[i]) * g[i];
  return sq;
}

// Member k's logits, one dense layer (and its activation) at a time.
void Forward(const Step& s, int64_t k) {
  const float* h = s.member_x(k);
  for (int64_t j = 0; j < s.l; ++j) {
    const Layer& l = s.layers[j];
    float* z = s.z + k * s.per_member + s.at[j];
    const float* w = s.w + k * s.p;
    DenseForward(h, w + l.kernel, l.bias >= 0 ? w + l.bias : nullptr, z, s.b, l.in, l.out);
    const float* act = s.acts + (k * s.l + j) * kActCols;
    if (static_cast<int>(act[0]) == kNone) {
      h = z;
      continue;
    }
    float* a = s.a + k * s.per_member + s.at[j];
    Activate(act, z, a, s.b * l.out, s.inner);
    h = a;
  }
}

// The layer's input activations: the batch for layer 0, else the previous layer's output.
const float* LayerInput(const Step& s, int64_t k, int64_t j) {
  if (j == 0) return s.member_x(k);
  const bool linear = static_cast<int>(s.acts[(k * s.l + j - 1) * kActCols]) == kNone;
  return (linear ? s.z : s.a) + k * s.per_member + s.at[j - 1];
}

// Softmax cross-entropy of member k's logits against y, summed over the rows (in double), its correct count, and
// (when dz is given) d mean-loss / d logits, as tfjs's logSoftmax and mean differentiate it: dz = dls - exp(ls) *
// sum(dls), dls = -y / B.
void RowLosses(const Step& s, int64_t k, const float* y, float* dz, double* loss, int64_t* right) {
  const float* logits = s.z + k * s.per_member + s.at[s.l - 1];
  const float scale = -1.0f / static_cast<float>(s.b);
  for (int64_t r = 0; r < s.b; ++r) {
    const float* z = logits + r * s.c;
    const float* t = y + r * s.c;
    int64_t best = 0, truth = 0;
    float mx = z[0];
    for (int64_t c = 1; c < s.c; ++c) {
      if (z[c] > z[best]) best = c;
      if (t[c] > t[truth]) truth = c;
      mx = std::max(mx, z[c]);
    }
    float sum = 0;
    for (int64_t c = 0; c < s.c; ++c) sum += std::exp(z[c] - mx);
    const float lse = std::log(sum);
    float row = 0, dsum = 0;
    for (int64_t c = 0; c < s.c; ++c) {
      row += t[c] * ((z[c] - mx) - lse);
      dsum += t[c] * scale;
    }
    if (dz != nullptr)
      for (int64_t c = 0; c < s.c; ++c) dz[r * s.c + c] = t[c] * scale - std::exp((z[c] - mx) - lse) * dsum;
    *loss -= row;
    *right += best == truth;
  }
}

struct Scalars {
  float rate, wd, mu, b1, nb1, b2, nb2, eps, shrink, sqrt_bc2;
  bool l2, nesterov, decoupled;
};

// PackedOptimizer's SGD: g (+ w wd), momentum buffer s1 (when given), Nesterov, w - g rate.
SUGAR_CLONES void SgdRange(const float* __restrict w, const float* __restrict g, const float* __restrict s1,
                           float* __restrict w1, float* __restrict o1, int64_t b, int64_t e, Scalars c) {
  if (s1 == nullptr) {
    for (int64_t i = b; i < e; ++i) w1[i] = w[i] - (c.l2 ? g[i] + w[i] * c.wd : g[i]) * c.rate;
    return;
  }
  for (int64_t i = b; i < e; ++i) {
    const float gi = c.l2 ? g[i] + w[i] * c.wd : g[i];
    const float next = s1[i] * c.mu + gi;
    o1[i] = next;
    w1[i] = w[i] - (c.nesterov ? gi + next * c.mu : next) * c.rate;
  }
}

// PackedOptimizer's Adam and AdamW (SugarAdam's arithmetic).
SUGAR_CLONES void AdamRange(const float* __restrict w, const float* __restrict g, const float* __restrict m,
                            const float* __restrict v, float* __restrict w1, float* __restrict m1, float* __restrict v1,
                            int64_t b, int64_t e, Scalars c) {
  for (int64_t i = b; i < e; ++i) {
    const float gi = c.l2 ? g[i] + w[i] * c.wd : g[i];
    const float base = c.decoupled ? w[i] * c.shrink : w[i];
    const float mi = m[i] * c.b1 + gi * c.nb1;
    const float vi = v[i] * c.b2 + (gi * gi) * c.nb2;
    const float denom = std::sqrt(vi) / c.sqrt_bc2 + c.eps;
    m1[i] = mi;
    v1[i] = vi;
    w1[i] = base - (mi / denom) * c.rate;
  }
}

// Member k's update of one weight (offset `at`, n elements) with gradient g; decay as the layout gives it (0 none in
// this config, 1 decayed, 2 not: PackedOptimizer's mask then adds w * 0 to an L2 gradient).
void Update(const Step& s, int64_t k, int64_t at, int64_t n, int decay, const float* g) {
  const float* h = s.hyper + k * kHyperCols;
  const int kind = static_cast<int>(h[hKind]);
  const int64_t o = k * s.p + at;
  Scalars c{h[hRate],
            decay == 1 ? h[hWd] : 0.0f,
            h[hMu],
            h[hB1],
            h[hNb1],
            h[hB2],
            h[hNb2],
            h[hEps],
            h[hShrink],
            h[hSqrtBc2],
            decay != 0 && kind != kAdamW,
            h[hNesterov] != 0.0f,
            kind == kAdamW && decay == 1};
  const float *w = s.w + o, *s1 = s.s1 ? s.s1 + o : nullptr, *s2 = s.s2 ? s.s2 + o : nullptr;
  float *w1 = s.w1 + o, *o1 = s.s1 ? s.o1 + o : nullptr, *o2 = s.s2 ? s.o2 + o : nullptr;
  Split(s.inner, n, [&](int64_t b, int64_t e) {
    kind == kSgd ? SgdRange(w, g, s1, w1, o1, b, e, c) : AdamRange(w, g, s1, s2, w1, o1, o2, b, e, c);
  });
}

struct Scratch {
  std::vector<float> d1, d2, gw, gb;
};

// Member k's gradients, layer by layer from the logits down, each weight updated as soon as its gradient is known
// (after the gradient below it has been taken with the old kernel).
void Backward(const Step& s, int64_t k, Scratch& t) {
  t.d1.resize(s.b * s.widest);
  t.d2.resize(s.b * s.widest);
  t.gw.resize(s.largest_kernel);
  t.gb.resize(s.widest);
  float *dz = t.d1.data(), *da = t.d2.data();
  std::memcpy(dz, s.dlogits + k * s.b * s.c, s.b * s.c * sizeof(float));
  const float* w = s.w + k * s.p;
  float* norms = s.stats + k * (2 + s.l) + 2;
  const bool want_norms = s.hyper[k * kHyperCols + hNorms] != 0.0f;
  for (int64_t j = s.l - 1; j >= 0; --j) {
    const Layer& l = s.layers[j];
    DenseGrads(dz, LayerInput(s, k, j), w + l.kernel, j > 0 ? da : nullptr, t.gw.data(),
               l.bias >= 0 ? t.gb.data() : nullptr, s.b, l.in, l.out);
    if (want_norms) norms[j] = static_cast<float>(std::sqrt(SumSquares(t.gw.data(), l.in * l.out)));
    Update(s, k, l.kernel, l.in * l.out, l.decay_kernel, t.gw.data());
    if (l.bias >= 0) Update(s, k, l.bias, l.out, l.decay_bias, t.gb.data());
    if (j == 0) break;
    const float* act = s.acts + (k * s.l + j - 1) * kActCols;
    if (static_cast<int>(act[0]) == kNone) {
      std::swap(dz, da);
      continue;
    }
    ActivationGrad(act, da, s.z + k * s.per_member + s.at[j - 1], dz, s.b * s.layers[j - 1].out, s.inner);
  }
}

// Reads the layout (input `at`) into s, for a batch of s->b rows of s->f features and s->c classes; false (with the
// failure recorded) when its layers do not chain or do not cover the s->p weights.
bool ReadLayers(Call& c, int at, Step* s, const char* op) {
  if (c.type(at) != TF_INT32 || c.rank(at) != 2 || c.dim(at, 1) != kLayoutCols || c.dim(at, 0) < 1)
    return c.Fail(std::string(op) + ": expected an int32 layout [L, 6]; found " + c.shape_string(at));
  s->l = c.dim(at, 0);
  const int32_t* lay = c.ints(at);
  int64_t in = s->f, covered = 0;
  for (int64_t j = 0; j < s->l; ++j) {
    const int32_t* r = lay + j * kLayoutCols;
    const Layer l{r[0], r[1], r[2], r[3], r[4], r[5]};
    const bool fits = l.in == in && l.out > 0 && l.kernel >= 0 && l.kernel + l.in * l.out <= s->p &&
                      (l.bias < 0 || l.bias + l.out <= s->p);
    if (!fits)
      return c.Fail(std::string(op) + ": layer " + std::to_string(j) + " (inputs " + std::to_string(l.in) + ", units " +
                    std::to_string(l.out) + ") does not fit the previous layer's " + std::to_string(in) +
                    " units or the " + std::to_string(s->p) + " weights");
    s->at.push_back(s->per_member);
    s->per_member += s->b * l.out;
    s->widest = std::max({s->widest, l.out, l.in});
    s->largest_kernel = std::max(s->largest_kernel, l.in * l.out);
    s->most_macs = std::max(s->most_macs, s->b * l.in * l.out);
    covered += l.in * l.out + (l.bias >= 0 ? l.out : 0);
    s->layers.push_back(l);
    in = l.out;
  }
  if (in != s->c || covered != s->p)
    return c.Fail(std::string(op) + ": the layers end in " + std::to_string(in) + " units for " + std::to_string(s->c) +
                  " classes and cover " + std::to_string(covered) + " of " + std::to_string(s->p) + " weights");
  if (c.size(at + 1) != s->k * s->l * kActCols)
    return c.Fail(std::string(op) + ": expected acts [K, L, 3] = [" + std::to_string(s->k) + ", " +
                  std::to_string(s->l) + ", 3]; found " + c.shape_string(at + 1));
  return true;
}

// Reads and checks the shapes; false (with the failure recorded) when they do not fit together.
bool Prepare(Call& c, Step* s) {
  if (c.rank(0) != 2 || c.rank(3) != 3 || c.rank(4) != 3)
    return c.Fail("SugarPackedMlpStep: expected w [K, P], x [K, B, F] and y [K, B, C]; found " + c.shape_string(0) +
                  ", " + c.shape_string(3) + " and " + c.shape_string(4));
  s->k = c.dim(0, 0), s->p = c.dim(0, 1), s->b = c.dim(3, 1), s->f = c.dim(3, 2), s->c = c.dim(4, 2);
  if (s->k < 1 || s->b < 1 || s->c < 1 || c.dim(3, 0) != s->k || c.dim(4, 0) != s->k || c.dim(4, 1) != s->b)
    return c.Fail("SugarPackedMlpStep: x " + c.shape_string(3) + " and y " + c.shape_string(4) + " do not match w " +
                  c.shape_string(0));
  if (c.size(7) != s->k * kHyperCols)
    return c.Fail("SugarPackedMlpStep: expected hyper [K, " + std::to_string(kHyperCols) + "]; found " +
                  c.shape_string(7));
  for (int i : {1, 2})
    if (c.size(i) != 0 && c.size(i) != s->k * s->p)
      return c.Fail("SugarPackedMlpStep: optimizer state " + std::to_string(i) + " has shape " + c.shape_string(i) +
                    "; expected [] or " + c.shape_string(0));
  const bool adam = c.size(7) > 0 && static_cast<int>(c.data(7)[hKind]) != kSgd;
  if (adam && (c.size(1) == 0 || c.size(2) == 0)) return c.Fail("SugarPackedMlpStep: Adam needs both m and v");
  return ReadLayers(c, 5, s, "SugarPackedMlpStep");
}

// The members' pre-activation and activation buffers (this thread's, reused from call to call), and how the work
// splits: small members side by side on the OpenMP threads (each sgemm then runs on one), a large one at a time,
// split inside. Returns whether the members run across the threads.
bool Arrange(Step* s) {
  thread_local std::vector<float> z, a;
  z.resize(s->k * s->per_member);
  a.resize(s->k * s->per_member);
  s->z = z.data(), s->a = a.data();
  const bool across = s->k > 1 && s->most_macs < kParallelFrom && omp_get_max_threads() > 1;
  s->inner = !across;
  return across;
}

void MlpStepCompute(void*, TF_OpKernelContext* ctx) {
  Call c(ctx);
  Step s{};
  if (!c.ok() || !Prepare(c, &s)) return;
  s.w1 = c.Output(0, c.shape(0));
  s.o1 = c.Output(1, c.shape(1));
  s.o2 = c.Output(2, c.shape(2));
  s.stats = c.Output(3, {s.k, 2 + s.l});
  if (s.stats == nullptr) return;
  s.w = c.data(0), s.x = c.data(3), s.y = c.data(4), s.acts = c.data(6), s.hyper = c.data(7);
  s.s1 = c.size(1) ? c.data(1) : nullptr;
  s.s2 = c.size(2) ? c.data(2) : nullptr;
  const bool across = Arrange(&s);
  std::fill(s.stats, s.stats + s.k * (2 + s.l), 0.0f);
  std::vector<float> dlogits(s.k * s.b * s.c);
  s.dlogits = dlogits.data();
#pragma omp parallel for schedule(static) if (across)
  for (int64_t k = 0; k < s.k; ++k) {
    Forward(s, k);
    double loss = 0;
    int64_t right = 0;
    RowLosses(s, k, s.y + k * s.b * s.c, s.dlogits + k * s.b * s.c, &loss, &right);
    s.stats[k * (2 + s.l)] = static_cast<float>(loss / static_cast<double>(s.b));
    s.stats[k * (2 + s.l) + 1] = static_cast<float>(right);
  }
  bool finite = true;
  for (int64_t k = 0; k < s.k; ++k) finite = finite && std::isfinite(s.stats[k * (2 + s.l)]);
  if (!finite) {
    std::memcpy(s.w1, s.w, c.size(0) * sizeof(float));
    if (s.s1) std::memcpy(s.o1, s.s1, c.size(1) * sizeof(float));
    if (s.s2) std::memcpy(s.o2, s.s2, c.size(2) * sizeof(float));
    return;
  }
#pragma omp parallel if (across)
  {
    thread_local Scratch t;
#pragma omp for schedule(static)
    for (int64_t k = 0; k < s.k; ++k) Backward(s, k, t);
  }
}

// ---- SugarPackedMlpForward: every member's forward pass over one shared set of rows (evaluation, probes), in chunks
// of kChunk rows. Inputs: w [K, P], x [N, F], y [N, C], layout, acts (as SugarPackedMlpStep's). Outputs: eval [K, 2]
// (mean cross-entropy, correct count) and probe [K, R]: per layer with an activation, in order, the count of
// pre-activations > 0 per unit, the count of exact zeros after the activation, and the pre-activations' mean and
// population variance (activation-probe.ts's row; sums in double).

constexpr int64_t kChunk = 256;

struct ProbeSums {
  std::vector<int64_t> positive;
  int64_t zeros = 0;
  double sum = 0, squares = 0;
};

void ForwardCompute(void*, TF_OpKernelContext* ctx) {
  Call c(ctx);
  Step s{};
  if (!c.ok()) return;
  if (c.rank(0) != 2 || c.rank(1) != 2 || c.rank(2) != 2 || c.dim(1, 0) != c.dim(2, 0) || c.dim(1, 0) < 1)
    return void(c.Fail("SugarPackedMlpForward: expected w [K, P], x [N, F] and y [N, C] with N > 0; found " +
                       c.shape_string(0) + ", " + c.shape_string(1) + " and " + c.shape_string(2)));
  const int64_t n = c.dim(1, 0);
  s.k = c.dim(0, 0), s.p = c.dim(0, 1), s.f = c.dim(1, 1), s.c = c.dim(2, 1), s.b = std::min(n, kChunk);
  if (!ReadLayers(c, 3, &s, "SugarPackedMlpForward")) return;
  s.w = c.data(0), s.acts = c.data(4), s.x_stride = 0;
  std::vector<int64_t> probed;
  int64_t width = 0;
  for (int64_t j = 0; j < s.l; ++j)
    if (static_cast<int>(s.acts[j * kActCols]) != kNone) probed.push_back(j), width += s.layers[j].out + 3;
  float* eval = c.Output(0, {s.k, 2});
  float* probe = c.Output(1, {s.k, width});
  if (probe == nullptr) return;
  const bool across = Arrange(&s);
#pragma omp parallel for schedule(static) if (across)
  for (int64_t k = 0; k < s.k; ++k) {
    double loss = 0;
    int64_t right = 0;
    std::vector<ProbeSums> sums(probed.size());
    for (size_t i = 0; i < probed.size(); ++i) sums[i].positive.assign(s.layers[probed[i]].out, 0);
    for (int64_t start = 0; start < n; start += kChunk) {
      Step t = s;
      t.b = std::min(kChunk, n - start);
      t.x = c.data(1) + start * s.f;
      Forward(t, k);
      RowLosses(t, k, c.data(2) + start * s.c, nullptr, &loss, &right);
      for (size_t i = 0; i < probed.size(); ++i) {
        const int64_t j = probed[i], units = s.layers[j].out;
        const float* pre = t.z + k * t.per_member + t.at[j];
        const float* post = t.a + k * t.per_member + t.at[j];
        ProbeSums& ps = sums[i];
        for (int64_t r = 0; r < t.b; ++r)
          for (int64_t u = 0; u < units; ++u) {
            const float v = pre[r * units + u];
            ps.positive[u] += v > 0.0f;
            ps.zeros += post[r * units + u] == 0.0f;
            ps.sum += v;
            ps.squares += static_cast<double>(v) * v;
          }
      }
    }
    eval[k * 2] = static_cast<float>(loss / static_cast<double>(n));
    eval[k * 2 + 1] = static_cast<float>(right);
    float* row = probe + k * width;
    for (size_t i = 0; i < probed.size(); ++i) {
      const ProbeSums& ps = sums[i];
      const double count = static_cast<double>(n) * ps.positive.size(), mean = ps.sum / count;
      for (int64_t pos : ps.positive) *row++ = static_cast<float>(pos);
      *row++ = static_cast<float>(ps.zeros);
      *row++ = static_cast<float>(mean);
      *row++ = static_cast<float>(std::max(0.0, ps.squares / count - mean * mean));
    }
  }
}

}  // namespace

OpSpec MlpForwardSpec() {
  return {"SugarPackedMlpForward",
          {"w: float", "x: float", "y: float", "layout: int32", "acts: float"},
          {"eval: float", "probe: float"},
          {},
          NoAttrs,
          ForwardCompute,
          DeleteNothing};
}

OpSpec MlpStepSpec() {
  return {
      "SugarPackedMlpStep",
      {"w: float", "s1: float", "s2: float", "x: float", "y: float", "layout: int32", "acts: float", "hyper: float"},
      {"w_out: float", "s1_out: float", "s2_out: float", "stats: float"},
      {},
      NoAttrs,
      MlpStepCompute,
      DeleteNothing};
}

}  // namespace sugar
