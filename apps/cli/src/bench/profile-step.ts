import { median } from '@sugar-lab/analysis';
import { tf } from '@sugar-lab/core';
import { nativeStepOf, Optimizer, resolveTrainConfig, trainStep, type OptimizerConfig } from '@sugar-lab/train';

/** Exclusive time of one kernel type within a step (kernels it launches itself are counted as theirs). */
export interface OpTime {
  op: string;
  count: number;
  ms: number;
}

/**
 * One training step split into where its wall time goes. wall = kernels + transfer + dispatch + js, where
 * - kernels: time inside backend kernels, by op type (libtensorflow / wasm / JS compute, plus each kernel's
 *   fixed cost: `kernelFloorUs` per kernel, the time of a 1-element Add);
 * - transfer: host -> backend uploads (the batch, every scalar made in the step) and backend -> host reads (the cpu
 *   backend keeps tensors in JS memory: nothing to transfer there);
 * - dispatch: the engine's own cost per kernel outside the kernel (`dispatchUs` each, measured on 1-element
 *   Adds outside a tape) times the kernel count;
 * - js: the rest: layers, autodiff tape and gradient bookkeeping, tidy, optimizer and loss JS.
 */
export interface StepProfile {
  wallMs: number;
  kernelMs: number;
  kernelCount: number;
  ops: OpTime[];
  transferMs: number;
  uploads: number;
  uploadBytes: number;
  reads: number;
  dispatchMs: number;
  jsMs: number;
  dispatchUs: number;
  kernelFloorUs: number;
}

interface Frame {
  childMs: number;
}

/** Times every kernel (exclusive of kernels and transfers inside it) and every transfer while `f` runs. */
class StepRecorder {
  readonly ops = new Map<string, OpTime>();
  transferMs = 0;
  uploads = 0;
  uploadBytes = 0;
  reads = 0;
  private readonly stack: Frame[] = [];
  private readonly restore: (() => void)[] = [];

  constructor(private readonly backendName: string) {}

  /** Runs `f` as a frame; returns its inclusive time and adds it to the enclosing frame's children. */
  private frame<T>(f: () => T, done: (exclusiveMs: number) => void): T {
    const fr: Frame = { childMs: 0 };
    this.stack.push(fr);
    const t0 = performance.now();
    try {
      return f();
    } finally {
      const ms = performance.now() - t0;
      this.stack.pop();
      const parent = this.stack[this.stack.length - 1];
      if (parent) parent.childMs += ms;
      done(ms - fr.childMs);
    }
  }

  private patch<O extends object, K extends keyof O>(obj: O, key: K, wrap: (orig: O[K]) => O[K]): void {
    const orig = obj[key];
    obj[key] = wrap(orig);
    this.restore.push(() => {
      obj[key] = orig;
    });
  }

  install(): void {
    const engine = tf.engine() as unknown as { profiler: { profileKernel: (name: string, inputs: unknown, f: () => tf.Tensor[]) => unknown } };
    this.patch(engine.profiler, 'profileKernel', () => (name: string, inputs: unknown, f: () => tf.Tensor[]) => {
      // customGrad scopes and other non-kernel entries: their own time is JS, their children are kernels.
      const isKernel = tf.getKernel(name, this.backendName) !== undefined;
      const outputs = this.frame(f, (ms) => {
        if (!isKernel) return;
        const o = this.ops.get(name) ?? { op: name, count: 0, ms: 0 };
        o.count++;
        o.ms += ms;
        this.ops.set(name, o);
      });
      return { kernelName: name, outputs, inputs, timeMs: Promise.resolve(0), extraInfo: Promise.resolve('') };
    });
    const backend = tf.backend() as unknown as Record<string, unknown> & {
      binding?: unknown;
      tensorMap?: { get(id: unknown): { values: unknown } | undefined };
    };
    const bytesOf = (values: unknown) => (ArrayBuffer.isView(values) ? values.byteLength : 0);
    const upload = (bytes: number) => (ms: number) => {
      this.transferMs += ms;
      this.uploads++;
      this.uploadBytes += bytes;
    };
    const call = (orig: unknown, a: unknown[]) => (orig as (...x: unknown[]) => unknown).apply(backend, a);
    if (backend.binding && backend.tensorMap) {
      // tfjs-node keeps a new tensor's values in JS until an op first needs it: the upload happens in
      // getInputTensorIds, inside that op's kernel (and is taken out of the kernel's time here).
      const map = backend.tensorMap;
      this.patch(backend, 'getInputTensorIds', (orig) => (...a: unknown[]) => {
        const pending = (a[0] as { dataId?: unknown }[]).map((t) => (t.dataId !== undefined ? map.get(t.dataId)?.values : undefined)).filter((v) => v != null);
        if (!pending.length) return call(orig, a);
        return this.frame(() => call(orig, a), upload(pending.reduce((n: number, v) => n + bytesOf(v), 0)));
      });
    } else {
      this.patch(
        backend,
        'move',
        (orig) =>
          (...a: unknown[]) =>
            this.frame(() => call(orig, a), upload(bytesOf(a[1]))),
      );
    }
    this.patch(
      backend,
      'readSync',
      (orig) =>
        (...a: unknown[]) =>
          this.frame(
            () => call(orig, a),
            (ms) => {
              this.transferMs += ms;
              this.reads++;
            },
          ),
    );
  }

  uninstall(): void {
    for (const r of this.restore.reverse()) r();
    this.restore.length = 0;
  }
}

/** Engine cost per kernel outside the kernel, and the kernel's own floor, on 1-element Adds (no tape). */
function perKernelCosts(n = 2000): { dispatchUs: number; kernelFloorUs: number } {
  const a = tf.ones([1]);
  const chain = () =>
    tf.tidy(() => {
      let y = a;
      for (let i = 0; i < n; i++) y = tf.add(y, a);
      return y.dataSync()[0];
    });
  chain();
  const t0 = performance.now();
  chain();
  const totalUs = ((performance.now() - t0) * 1000) / n;
  const kernel = tf.getKernel('Add', tf.getBackend());
  const backend = tf.backend();
  const outs: tf.TensorInfo[] = [];
  const t1 = performance.now();
  for (let i = 0; i < n; i++) outs.push(kernel.kernelFunc({ inputs: { a, b: a }, backend, attrs: {} }) as tf.TensorInfo);
  const kernelFloorUs = ((performance.now() - t1) * 1000) / n;
  // tfjs-node's kernels return engine Tensors, the others bare TensorInfos.
  for (const o of outs)
    if (o instanceof tf.Tensor) o.dispose();
    else backend.disposeData(o.dataId);
  a.dispose();
  return { dispatchUs: Math.max(0, totalUs - kernelFloorUs), kernelFloorUs };
}

/** A fixed batch in host memory (inputs from a sine, one-hot labels), and a step that uploads it afresh and trains on it. */
function hostBatchStep(model: tf.LayersModel, batch: number, train: (xb: tf.Tensor, yb: tf.Tensor) => void): () => void {
  const inShape = model.inputs[0].shape.slice(1) as number[];
  const classes = model.outputs[0].shape[1] as number;
  const size = inShape.reduce((a, b) => a * b, 1);
  const xHost = Float32Array.from({ length: batch * size }, (_, i) => Math.sin(i * 12.9898) * 0.5);
  const yHost = new Float32Array(batch * classes);
  for (let r = 0; r < batch; r++) yHost[r * classes + ((r * 7) % classes)] = 1;
  return () => {
    const xb = tf.tensor(xHost, [batch, ...inShape]);
    const yb = tf.tensor2d(yHost, [batch, classes]);
    train(xb, yb);
    tf.dispose([xb, yb]);
  };
}

/** Median wall time of `steps` steps after `warmup` untimed ones. */
function medianStepMs(step: () => void, steps: number, warmup: number): number {
  for (let i = 0; i < warmup; i++) step();
  const times: number[] = [];
  for (let i = 0; i < steps; i++) {
    const t0 = performance.now();
    step();
    times.push(performance.now() - t0);
  }
  return median(times);
}

/** `profiled` steps, each under its own recorder. */
async function recordSteps(step: () => void, profiled: number): Promise<StepRecorder[]> {
  const recs: StepRecorder[] = [];
  for (let i = 0; i < profiled; i++) {
    const rec = new StepRecorder(tf.getBackend());
    rec.install();
    try {
      await tf.profile(step);
    } finally {
      rec.uninstall();
    }
    recs.push(rec);
  }
  return recs;
}

/** The profile from the recorded steps' medians; dispatch is capped by what kernels and transfers leave of the wall time. */
function summarize(recs: StepRecorder[], wallMs: number): StepProfile {
  const names = [...new Set(recs.flatMap((r) => [...r.ops.keys()]))];
  const ops = names
    .map((op) => ({ op, count: Math.round(median(recs.map((r) => r.ops.get(op)?.count ?? 0))), ms: median(recs.map((r) => r.ops.get(op)?.ms ?? 0)) }))
    .sort((a, b) => b.ms - a.ms);
  const rec = {
    transferMs: median(recs.map((r) => r.transferMs)),
    uploads: median(recs.map((r) => r.uploads)),
    uploadBytes: median(recs.map((r) => r.uploadBytes)),
    reads: median(recs.map((r) => r.reads)),
  };
  const kernelMs = ops.reduce((s, o) => s + o.ms, 0);
  const kernelCount = ops.reduce((s, o) => s + o.count, 0);
  const { dispatchUs, kernelFloorUs } = perKernelCosts();
  const dispatchMs = Math.min((kernelCount * dispatchUs) / 1000, Math.max(0, wallMs - kernelMs - rec.transferMs));
  return {
    wallMs,
    kernelMs,
    kernelCount,
    ops,
    ...rec,
    dispatchMs,
    jsMs: wallMs - kernelMs - rec.transferMs - dispatchMs,
    dispatchUs,
    kernelFloorUs,
  };
}

/**
 * Profiles the training step `sugar run` takes (the fused native step where fit uses it, else train's trainStep:
 * forward, softmax cross-entropy, backward, update (SGD lr 0.01 unless told), one read of loss and correct count) on
 * a fresh batch uploaded from host memory each step, as fit does: `steps` unprofiled steps give the wall time
 * (median), `profiled` more the breakdown (medians).
 */
export async function profileTrainingStep(
  model: tf.LayersModel,
  batch: number,
  steps = 10,
  warmup = 3,
  profiled = 5,
  optimizerConfig: OptimizerConfig = { name: 'sgd', lr: 0.01 },
): Promise<StepProfile> {
  const config = resolveTrainConfig({ epochs: 1, batchSize: batch, optimizer: optimizerConfig }).optimizer;
  const optimizer = new Optimizer(
    config,
    model.trainableWeights.map((w) => ({ variable: w.read() as tf.Variable, decay: false })),
  );
  const native = nativeStepOf(model, config);
  const variables = optimizer.params.map((p) => p.variable);
  try {
    const step = hostBatchStep(model, batch, (xb, yb) => (native ? native.step(xb, yb, config.lr) : trainStep(model, variables, optimizer, xb, yb, config.lr)));
    const wallMs = medianStepMs(step, steps, warmup);
    // Several profiled steps, each op's median over them: one step is at the mercy of whatever else runs.
    return summarize(await recordSteps(step, profiled), wallMs);
  } finally {
    native?.dispose();
    optimizer.dispose();
  }
}
