import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countSugarLayers, desugarize, fileHandler, initBackend, SugarReLU, sugarize, SurgeryError, tf } from './index';
import { ensureBuilt } from './test-utils/build';
import { fusedConvNet, fusedMlp, mlp, nestedFusedMlp, residualCnn, type Split } from './test-utils/models';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sugar-core-'));

beforeAll(async () => {
  await initBackend('cpu', { quiet: true });
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

function predict(m: tf.LayersModel, x: tf.Tensor): number[] {
  return tf.tidy(() => Array.from((m.predict(x) as tf.Tensor).dataSync()));
}

function layerClasses(m: tf.LayersModel): string[] {
  return m.layers.map((l) => l.getClassName());
}

function sugarLayers(m: tf.LayersModel): SugarReLU[] {
  return m.layers.filter((l): l is SugarReLU => l instanceof SugarReLU);
}

async function memoryRoundTrip(m: tf.LayersModel): Promise<tf.LayersModel> {
  let saved: tf.io.ModelArtifacts | undefined;
  await m.save(tf.io.withSaveHandler(async (a) => ((saved = a), { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } })));
  return tf.loadLayersModel(tf.io.fromMemory(saved!));
}

// d loss / d first kernel: differs between ReLU and SUGAR wherever units are inactive.
function firstKernelGrad(m: tf.LayersModel, x: tf.Tensor): number[] {
  return tf.tidy(() => {
    const w = m.trainableWeights[0].read();
    const { grads } = tf.variableGrads(() => tf.sum<tf.Scalar>(tf.square(m.predict(x) as tf.Tensor)), [w as tf.Variable]);
    return Array.from(Object.values(grads)[0].dataSync());
  });
}

describe('sugarize on an MLP (Sequential)', () => {
  const x = tf.randomNormal([5, 6], 0, 1, 'float32', 3);

  it('replaces every ReLU, keeps weights and outputs, changes gradients', () => {
    const base = mlp();
    const s = sugarize(base, { name: 'nelu', alpha: 0.1 });
    expect(s).not.toBe(base);
    expect(layerClasses(s)).toEqual(['Dense', 'SugarReLU', 'Dense', 'SugarReLU', 'Dense', 'SugarReLU', 'Dense']);
    expect(s.layers[0].getConfig().activation).toBe('linear');
    expect(sugarLayers(s).map((l) => l.surrogate.toString())).toEqual(Array(3).fill('nelu(alpha=0.1)'));
    expect(s.layers[1].name).toBe(`${base.layers[0].name}_sugar`);
    expect(predict(s, x)).toEqual(predict(base, x));
    expect(firstKernelGrad(s, x)).not.toEqual(firstKernelGrad(base, x));
    // The original is untouched.
    expect(layerClasses(base)).toEqual(['Dense', 'Dense', 'Activation', 'Dense', 'ReLU', 'Dense']);
    expect(base.layers[0].getConfig().activation).toBe('relu');
  });

  it('accepts a full ActivationSpec, a Surrogate or a name', () => {
    const base = mlp();
    const s = sugarize(base, { kind: 'sugar', surrogate: { name: 'bsilu' }, region: 'negative' });
    expect(sugarLayers(s).every((l) => l.region === 'negative' && l.surrogate.toString() === 'bsilu(alpha=1.67)')).toBe(true);
    expect(countSugarLayers(sugarize(base, 'elu'))).toBe(3);
    expect(() => sugarize(base, { kind: 'gelu' })).toThrow(/expected a surrogate or an ActivationSpec of kind 'sugar'; found kind 'gelu'/);
    expect(() => sugarize(base, { name: 'bsiluu' })).toThrow(/unknown surrogate 'bsiluu'/);
  });

  it('desugarize gives plain ReLU layers with identical outputs', () => {
    const s = sugarize(mlp(), 'bsilu');
    const d = desugarize(s);
    expect(countSugarLayers(d)).toBe(0);
    expect(layerClasses(d)).toEqual(['Dense', 'ReLU', 'Dense', 'ReLU', 'Dense', 'ReLU', 'Dense']);
    expect(predict(d, x)).toEqual(predict(s, x));
    expect(firstKernelGrad(d, x)).toEqual(firstKernelGrad(mlp(), x));
  });

  it('save/load through tf.io memory handlers keeps surrogate params and outputs', async () => {
    const s = sugarize(mlp(), { name: 'leakyRelu', alpha: 0.05 });
    const loaded = await memoryRoundTrip(s);
    expect(sugarLayers(loaded).map((l) => l.surrogate.toString())).toEqual(Array(3).fill('leakyRelu(alpha=0.05)'));
    expect(predict(loaded, x)).toEqual(predict(s, x));
    expect(firstKernelGrad(loaded, x)).toEqual(firstKernelGrad(s, x));
  });
});

describe('sugarize on a residual CNN (functional, with add)', () => {
  const x = tf.randomNormal([2, 8, 8, 2], 0, 1, 'float32', 5);

  it('replaces the ReLUs in convs, the ReLU layer and the one after add; topology and weights kept', () => {
    const base = residualCnn();
    const s = sugarize(base, { name: 'bsilu', alpha: 1 });
    expect(countSugarLayers(s)).toBe(3);
    expect(s.getLayer('stem').getConfig().activation).toBe('linear');
    const stemAct = s.getLayer('stem_sugar') as SugarReLU;
    expect(stemAct).toBeInstanceOf(SugarReLU);
    // Both branches of the residual block start from the sugarized stem.
    const addInputs = s.getLayer('residual').inboundNodes[0].inboundLayers.map((l) => l.name);
    expect(addInputs).toEqual(['stem_sugar', 'conv_b']);
    expect(s.getLayer('conv_a').inboundNodes[0].inboundLayers[0].name).toBe('stem_sugar');
    expect(s.getLayer('relu_a')).toBeInstanceOf(SugarReLU);
    expect(s.getLayer('relu_out')).toBeInstanceOf(SugarReLU);
    expect(s.getWeights().length).toBe(base.getWeights().length);
    expect(predict(s, x)).toEqual(predict(base, x));
    expect(firstKernelGrad(s, x)).not.toEqual(firstKernelGrad(base, x));
  });

  it('desugarize and save/load (memory and fileHandler) round-trip', async () => {
    const s = sugarize(residualCnn(), { kind: 'sugar', surrogate: { name: 'nelu', alpha: 0.2 }, region: 'negative' });
    const want = predict(s, x);
    const d = desugarize(s);
    expect(countSugarLayers(d)).toBe(0);
    expect(d.getLayer('stem_sugar').getClassName()).toBe('ReLU');
    expect(predict(d, x)).toEqual(want);

    const fromMemory = await memoryRoundTrip(s);
    const dir = path.join(tmp, 'rescnn');
    await s.save(fileHandler(dir));
    expect(fs.readdirSync(dir).sort()).toEqual(['model.json', 'weights.bin']);
    const fromFile = await tf.loadLayersModel(fileHandler(`file://${dir}`));
    for (const m of [fromMemory, fromFile]) {
      expect(countSugarLayers(m)).toBe(3);
      const act = m.getLayer('relu_out') as SugarReLU;
      expect(act.surrogate.toString()).toBe('nelu(alpha=0.2)');
      expect(act.region).toBe('negative');
      expect(predict(m, x)).toEqual(want);
      expect(firstKernelGrad(m, x)).toEqual(firstKernelGrad(s, x));
    }
  });

  it('a fresh node process that requires the built lib loads the saved model', async () => {
    const entry = ensureBuilt();
    const s = sugarize(residualCnn(7), { name: 'bsilu', alpha: 1.5 });
    const dir = path.join(tmp, 'spawned');
    await s.save(fileHandler(dir));
    const input = Array.from(x.dataSync());
    const script = `
      const core = require(${JSON.stringify(entry)});
      (async () => {
        await core.initBackend('cpu', { quiet: true });
        const m = await core.tf.loadLayersModel(core.fileHandler(${JSON.stringify(dir)}));
        const y = m.predict(core.tf.tensor(${JSON.stringify(input)}, [2, 8, 8, 2]));
        const act = m.getLayer('relu_out');
        console.log(JSON.stringify({ cls: act.getClassName(), surrogate: String(act.surrogate), y: Array.from(y.dataSync()) }));
      })().catch((e) => { console.error(e); process.exit(1); });`;
    const env = { ...process.env };
    delete env.SUGAR_BACKEND;
    const out = execFileSync(process.execPath, ['-e', script], { encoding: 'utf8', env });
    const got = JSON.parse(out.trim().split('\n').pop()!);
    expect(got.cls).toBe('SugarReLU');
    expect(got.surrogate).toBe('bsilu(alpha=1.5)');
    expect(got.y).toEqual(predict(s, x));
  });
});

// Models written the usual tfjs way (activation: 'relu' fused into Dense/Conv layers), sequential, functional and
// nested: sugarize gives the forward bit for bit, and the gradient of the same model written by hand with SugarReLU
// layers (the reference); desugarize gives back the original's gradient.
describe('sugarize on models with fused relus', () => {
  const cases: [string, (split?: Split) => tf.LayersModel, number[]][] = [
    ['a Sequential of Dense(relu)', (split) => fusedMlp(split), [7, 6]],
    ['a functional CNN of Conv2D, DepthwiseConv2D, SeparableConv2D and Conv1D with relu', (split) => fusedConvNet(split), [3, 6, 6, 2]],
    ['a Sequential nested in a Sequential', (split) => nestedFusedMlp('sequential', split), [7, 6]],
    ['a Sequential nested in a functional model', (split) => nestedFusedMlp('functional', split), [7, 6]],
  ];
  const values = (t: tf.Tensor) => t.dataSync() as Float32Array;
  function weightGrads(m: tf.LayersModel, x: tf.Tensor): Float32Array[] {
    return tf.tidy(() => {
      const vars = m.trainableWeights.map((w) => w.read() as tf.Variable);
      const { grads } = tf.variableGrads(() => tf.sum<tf.Scalar>(tf.square(m.predict(x) as tf.Tensor)), vars);
      return vars.map((v) => values(grads[v.name]));
    });
  }
  const same = (a: Float32Array[], b: Float32Array[]) => a.length === b.length && a.every((v, i) => tf.util.arraysEqual(v, b[i]));

  for (const [what, build, shape] of cases) {
    it(`${what}: same forward, the surrogate's gradient, inverted by desugarize`, () => {
      const x = tf.randomNormal(shape, 0, 1, 'float32', 11);
      const base = build();
      const s = sugarize(base, 'bsilu');
      const byHand = build(() => new SugarReLU({ surrogate: 'bsilu' }));
      byHand.setWeights(base.getWeights());
      const y = base.predict(x) as tf.Tensor;
      expect(tf.util.arraysEqual(values(s.predict(x) as tf.Tensor), values(y))).toBe(true);
      expect(tf.util.arraysEqual(values(byHand.predict(x) as tf.Tensor), values(y))).toBe(true);
      expect(countSugarLayers(s)).toBe(countSugarLayers(byHand));
      expect(same(weightGrads(s, x), weightGrads(byHand, x))).toBe(true);
      expect(same(weightGrads(s, x), weightGrads(base, x))).toBe(false);
      const d = desugarize(s);
      expect(tf.util.arraysEqual(values(d.predict(x) as tf.Tensor), values(y))).toBe(true);
      expect(same(weightGrads(d, x), weightGrads(base, x))).toBe(true);
      [base, s, byHand, d].forEach((m) => m.dispose());
    });
  }

  it('keeps the forward bit for bit on the tensorflow backend too', async (ctx) => {
    if ((await initBackend('tensorflow', { quiet: true })) !== 'tensorflow') return ctx.skip();
    try {
      for (const [, build, shape] of cases) {
        const x = tf.randomNormal(shape, 0, 1, 'float32', 12);
        const base = build();
        const s = sugarize(base, { name: 'nelu', alpha: 0.1 });
        expect(tf.util.arraysEqual(values(s.predict(x) as tf.Tensor), values(base.predict(x) as tf.Tensor))).toBe(true);
        [base, s].forEach((m) => m.dispose());
      }
    } finally {
      await initBackend('cpu', { quiet: true });
    }
  });
});

describe('sugarize edge cases', () => {
  it('handles a layer applied twice and a nested Sequential', () => {
    const shared = tf.layers.dense({ units: 4, activation: 'relu', name: 'shared' });
    const a = tf.input({ shape: [4], name: 'a' });
    const b = tf.input({ shape: [4], name: 'b' });
    const inner = tf.sequential({
      name: 'inner',
      layers: [tf.layers.dense({ inputShape: [4], units: 4, activation: 'relu', name: 'inner_d' }), tf.layers.reLU({ name: 'inner_r' })],
    });
    const sum = tf.layers.add({ name: 'sum' }).apply([shared.apply(a) as tf.SymbolicTensor, shared.apply(b) as tf.SymbolicTensor]) as tf.SymbolicTensor;
    const out = inner.apply(sum) as tf.SymbolicTensor;
    const base = tf.model({ inputs: [a, b], outputs: out });
    const s = sugarize(base, 'silu');
    expect(countSugarLayers(s)).toBe(3);
    expect(s.getLayer('shared_sugar').inboundNodes.length).toBe(2);
    expect(layerClasses(s.getLayer('inner') as tf.LayersModel)).toEqual(['Dense', 'SugarReLU', 'SugarReLU']);
    const xs = [tf.randomNormal([3, 4], 0, 1, 'float32', 1), tf.randomNormal([3, 4], 0, 1, 'float32', 2)];
    const p = (m: tf.LayersModel) => Array.from((m.predict(xs) as tf.Tensor).dataSync());
    expect(p(s)).toEqual(p(base));
    expect(p(desugarize(s))).toEqual(p(base));
  });

  it('explains what it cannot rewrite', () => {
    const rnn = tf.sequential({
      layers: [
        tf.layers.simpleRNN({ inputShape: [3, 2], units: 4, activation: 'relu', recurrentInitializer: 'glorotNormal', name: 'rnn' }),
        tf.layers.dense({ units: 2, activation: 'relu' }),
      ],
    });
    expect(() => sugarize(rnn, 'bsilu')).toThrow(SurgeryError);
    expect(() => sugarize(rnn, 'bsilu')).toThrow(/rnn: SimpleRNN applies relu internally and cannot be split; sugarize splits only Dense, Conv1D/);
    expect(countSugarLayers(sugarize(rnn, 'bsilu', { onUnsupported: 'keep' }))).toBe(1);
    const none = tf.sequential({ layers: [tf.layers.dense({ inputShape: [2], units: 2, activation: 'tanh' })] });
    expect(() => sugarize(none, 'bsilu')).toThrow(
      /expected a ReLU to replace in model '.*' \(ReLU layers, Activation\('relu'\), or Dense\/Conv1D.*\); found Dense\(tanh\)\. Pass \{ allowNoRelu: true \}/,
    );
    expect(countSugarLayers(sugarize(none, 'bsilu', { allowNoRelu: true }))).toBe(0);
    const relu6 = tf.sequential({ layers: [tf.layers.reLU({ inputShape: [2], maxValue: 6 }), tf.layers.dense({ units: 1, activation: 'relu6' })] });
    expect(() => sugarize(relu6, 'bsilu')).toThrow(/found ReLU, Dense\(relu6\)\./);
  });

  it("leaks no tensors beyond the new model's weights", () => {
    const base = mlp();
    const before = tf.memory().numTensors;
    const s = sugarize(base, 'bsilu');
    const d = desugarize(s);
    s.dispose();
    d.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
