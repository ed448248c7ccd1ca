// sugar-lab's TensorFlow kernels as a Node module: loading it registers every op into the libtensorflow that
// @tensorflow/tfjs-node has loaded (through TensorFlow's stable C kernel API), so the tensorflow backend runs each as
// one native op. Why (sugar bench --profile): libtensorflow's eager MatMul is slower than a BLAS sgemm at the
// reference MLP's shapes, SUGAR(bsilu)'s backward is 7 native ops (SUGAR(nelu)'s 8 tfjs ops) where ReLU's is 1, Adam
// is ~13 engine ops per weight, and a whole MLP step is ~100 ops whose dispatch dominates its time; figures in
// libs/native/README.md.
#include <node_api.h>

#include "blas.h"
#include "common.h"

namespace sugar {
namespace {

const char* const kVersion = "1";

void UnknownShape(TF_ShapeInferenceContext* ctx, TF_Status* status) {
  TF_ShapeInferenceContextSetUnknownShape(ctx, status);
}

// In this order in the module's `ops` (the loader and its tests read the list).
const std::vector<OpSpec>& Ops() {
  static const std::vector<OpSpec> ops = {
      MatMulSpec(),      BsiluGradSpec(),   NeluGradSpec(),        GeluSpec(),       GeluGradSpec(),
      AdamSpec(),        PackedDenseSpec(), PackedDenseGradSpec(), ProbeStatsSpec(), SgdSpec(),
      MaxPoolGradSpec(), ColumnSumSpec(),   BiasAddSpec(),         MlpStepSpec(),    MlpForwardSpec(),
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

}  // namespace
}  // namespace sugar

using namespace sugar;

// exports: { version, ops: 'SugarMatMul,...', blas: the BLAS it was built with, threads, error: '' or what failed }
NAPI_MODULE_INIT() {
  const std::string error = RegisterAll();
  std::string names;
  for (const OpSpec& op : Ops()) names += std::string(names.empty() ? "" : ",") + op.name;
  napi_set_named_property(env, exports, "version", String(env, kVersion));
  napi_set_named_property(env, exports, "ops", String(env, names));
  napi_set_named_property(env, exports, "blas", String(env, BlasName()));
  napi_set_named_property(env, exports, "threads", String(env, std::to_string(BlasThreads())));
  napi_set_named_property(env, exports, "error", String(env, error));
  return exports;
}
