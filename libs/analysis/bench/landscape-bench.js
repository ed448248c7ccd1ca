#!/usr/bin/env node
// Times the loss-landscape measurements on the MLP of the dying-ReLU example (12 hidden layers x 24
// units, 3-class spirals, 256 evaluation samples), per backend. Build first (cd libs/analysis && npx tsc
// -p tsconfig.lib.json), then from the repository root:
//   node libs/analysis/bench/landscape-bench.js [--backends tensorflow,wasm,cpu] [--steps 21] [--samples 256]
// Prints a Markdown table. Figures only: nothing here asserts on time.
'use strict';
const { initBackend, activationLayer, tf } = require('@sugar-lab/core');
const A = require('../dist');

function args(argv) {
  const out = { backends: 'tensorflow,wasm,cpu', steps: '21', samples: '256' };
  for (let i = 0; i < argv.length; i += 2) {
    if (!argv[i].startsWith('--') || argv[i + 1] === undefined) throw new Error(`expected --option value pairs; found '${argv[i]}'`);
    out[argv[i].slice(2)] = argv[i + 1];
  }
  return out;
}

function mlp(activation, depth = 12, width = 24) {
  const input = tf.input({ shape: [2] });
  let x = input;
  for (let i = 1; i <= depth; i++) {
    x = tf.layers.dense({ units: width, kernelInitializer: tf.initializers.heNormal({ seed: i }) }).apply(x);
    x = activationLayer(activation).apply(x);
  }
  return tf.model({ inputs: input, outputs: tf.layers.dense({ units: 3, kernelInitializer: tf.initializers.glorotUniform({ seed: 99 }) }).apply(x) });
}

function spirals(n) {
  const xs = [];
  const ys = [];
  for (let i = 0; i < n; i++) {
    const c = i % 3;
    const t = (Math.floor(i / 3) + 1) / Math.ceil(n / 3);
    const a = 4 * t + (2 * Math.PI * c) / 3;
    xs.push([t * Math.cos(a), t * Math.sin(a)]);
    ys.push(c);
  }
  return { x: tf.tensor2d(xs), y: tf.tensor1d(ys, 'int32') };
}

function time(fn) {
  const t = performance.now();
  const r = fn();
  return [r, (performance.now() - t) / 1000];
}

async function main() {
  const a = args(process.argv.slice(2));
  const steps = Number(a.steps);
  const rows = [];
  for (const requested of a.backends.split(',')) {
    let backend;
    try {
      backend = await initBackend(requested, { quiet: true });
    } catch (err) {
      console.error(`${requested}: not available (${String(err.message || err).split('\n')[0]})`);
      continue;
    }
    for (const [label, spec] of [['relu', { kind: 'relu' }], ['sugar(bsilu)', { kind: 'sugar', surrogate: { name: 'bsilu' } }]]) {
      const model = mlp(spec);
      const { x, y } = spirals(Number(a.samples));
      const ev = new A.LandscapeEvaluator(model, { x, y });
      ev.measure(); // warm-up: kernels compiled / registered
      const before = tf.memory().numTensors;
      const [, surface] = time(() => A.lossSurface(ev, { steps }));
      const from = A.snapshotWeights(model);
      const to = from.map((t) => tf.mul(t, 0.5));
      const [, line] = time(() => A.interpolateLoss(ev, from, to));
      const [, sharp] = time(() => A.sharpness(ev));
      const [h, hess] = time(() => A.hessianEigenvalues(ev, { iterations: 20 }));
      tf.dispose([...from, ...to]);
      const leaked = tf.memory().numTensors - before;
      rows.push(`| ${backend} | ${label} | ${surface.toFixed(2)} s (${((1000 * surface) / (steps * steps)).toFixed(1)} ms/point) | ${line.toFixed(2)} s | ${sharp.toFixed(2)} s | ${hess.toFixed(2)} s (${h.products} HVPs) | ${leaked} |`);
      ev.dispose();
      tf.dispose([x, y]);
      model.dispose();
    }
  }
  console.log(`MLP 12 x 24 on ${a.samples} spirals samples; surface ${steps} x ${steps}, interpolation 41 points, sharpness 8 directions x 8 steps, Hessian Lanczos 20 steps.\n`);
  console.log(`| backend | activation | ${steps} x ${steps} surface | 1-D interpolation | sharpness | Hessian (max, min) | tensors left |`);
  console.log('| --- | --- | --- | --- | --- | --- | --- |');
  for (const r of rows) console.log(r);
}

main().catch((err) => {
  console.error(err instanceof Error ? err.stack : err);
  process.exit(1);
});
