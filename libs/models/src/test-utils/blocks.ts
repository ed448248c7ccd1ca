import { backendInfo, fileHandler, initBackend, tf, type BackendName } from '@sugar-lab/core';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { expect } from 'vitest';

export const BLOCK_BACKENDS: BackendName[] = ['cpu', 'wasm', 'tensorflow'];

/** Switches to `name`; false (with a note in the log) when it does not load here. */
export async function onBackend(name: BackendName): Promise<boolean> {
  const got = await initBackend(name, { quiet: true });
  if (got === name) return true;
  const why = backendInfo()?.attempts.find((a) => a.backend === name)?.reason ?? `SUGAR_BACKEND selects ${got}`;
  console.warn(`NOTE: backend ${name} did not load (${why}); its block checks are skipped`);
  return false;
}

/** A functional model around one layer (or a small graph of layers). */
export function wrap(build: (x: tf.SymbolicTensor) => tf.SymbolicTensor, shape: number[], name = 'block'): tf.LayersModel {
  const input = tf.input({ shape, name: 'x' });
  return tf.model({ inputs: input, outputs: build(input), name });
}

/** Saves through tfjs' memory handlers and loads back (the model.json + weights a file would hold). */
export async function memoryRoundTrip(model: tf.LayersModel): Promise<tf.LayersModel> {
  let saved: tf.io.ModelArtifacts | undefined;
  await model.save(tf.io.withSaveHandler(async (a) => ((saved = a), { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } })));
  return tf.loadLayersModel(tf.io.fromMemory(saved!));
}

/** Saves to a temporary directory with core's fileHandler (model.json + weights.bin) and loads back. */
export async function fileRoundTrip(model: tf.LayersModel): Promise<tf.LayersModel> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sugar-blocks-'));
  try {
    await model.save(fileHandler(dir));
    return await tf.loadLayersModel(fileHandler(dir));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

export function seeded(shape: number[], seed: number): tf.Tensor {
  return tf.randomNormal(shape, 0, 1, 'float32', seed);
}

export interface StepResult {
  out: number[];
  shape: number[];
  /** Max |gradient| of the input and of each trainable weight (by weight name). */
  gradMax: Record<string, number>;
}

/** Forward in training mode and the gradients of sum(out * r) for the input and every trainable weight. */
export function forwardBackward(model: tf.LayersModel, x: tf.Tensor, training = false): StepResult {
  return tf.tidy(() => {
    const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
    const out = model.apply(x, { training }) as tf.Tensor;
    const r = seeded(out.shape, 99);
    const f = (input: tf.Tensor) => tf.sum<tf.Scalar>(tf.mul(model.apply(input, { training }) as tf.Tensor, r));
    const dx = tf.grad(f)(x);
    const gradMax: Record<string, number> = { input: tf.max(tf.abs(dx)).dataSync()[0] };
    if (vars.length) {
      const { grads } = tf.variableGrads(() => f(x), vars);
      for (const v of vars) gradMax[v.name] = tf.max(tf.abs(grads[v.name])).dataSync()[0];
    }
    return { out: Array.from(out.dataSync()), shape: out.shape, gradMax };
  });
}

export function expectClose(got: ArrayLike<number>, want: ArrayLike<number>, tol: number, what: string): void {
  expect(got.length, what).toBe(want.length);
  let scale = 1e-12;
  for (let i = 0; i < want.length; i++) scale = Math.max(scale, Math.abs(want[i]));
  let worst = 0;
  for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(got[i] - want[i]));
  expect(worst / scale, `${what}: max |diff| / max |want| (max |want| ${scale})`).toBeLessThan(tol);
}

/**
 * The checks every block gets, on cpu, wasm and tensorflow (where each loads): output shape as
 * declared, finite non-zero gradients for the input and every weight, outputs that agree with
 * cpu, bit-identical outputs after save/load through memory and through files (same class and
 * config), and no leaked tensors.
 */
export async function checkBlock(
  make: (x: tf.SymbolicTensor) => tf.SymbolicTensor,
  shape: number[],
  opts: { className: string; batch?: number },
): Promise<void> {
  const batch = opts.batch ?? 2;
  let ref: number[] | undefined;
  let ran = 0;
  for (const backend of BLOCK_BACKENDS) {
    if (!(await onBackend(backend))) continue;
    ran++;
    const model = wrap(make, shape);
    const layer = model.layers.find((l) => l.getClassName() === opts.className);
    expect(layer, `a ${opts.className} layer`).toBeDefined();
    const x = seeded([batch, ...shape], 7);
    const before = tf.memory().numTensors;
    const step = forwardBackward(model, x, true);
    expect(tf.memory().numTensors, `${backend}: tensors after a step`).toBe(before);
    const declared = model.outputs[0].shape.map((d) => d ?? batch);
    expect(step.shape, `${backend}: output shape`).toEqual(declared);
    for (const [name, g] of Object.entries(step.gradMax)) {
      expect(Number.isFinite(g), `${backend}: gradient of ${name} finite`).toBe(true);
      expect(g, `${backend}: gradient of ${name} non-zero`).toBeGreaterThan(0);
    }
    const predict = (m: tf.LayersModel) => tf.tidy(() => Array.from((m.predict(x) as tf.Tensor).dataSync()));
    const out = predict(model);
    if (ref) expectClose(out, ref, 1e-4, `${backend} vs cpu`);
    else ref = out;
    for (const roundTrip of [memoryRoundTrip, fileRoundTrip]) {
      const back = await roundTrip(model);
      const again = back.layers.find((l) => l.getClassName() === opts.className)!;
      expect(again.constructor, `${roundTrip.name}: class`).toBe(layer!.constructor);
      expect(again.getConfig(), `${roundTrip.name}: config`).toEqual(layer!.getConfig());
      expect(predict(back), `${backend} ${roundTrip.name}: output`).toEqual(out);
      back.dispose();
    }
    x.dispose();
    model.dispose();
  }
  expect(ran).toBeGreaterThan(1); // cpu and wasm ship with core
}
