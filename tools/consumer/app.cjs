// A TensorFlow.js user's project, as tools/consumer/test.mjs installs it: its own @tensorflow/tfjs
// (or tfjs-node), plus the packed sugar-lab libraries. Every check throws on failure; the last line
// of stdout is a JSON summary. Run from the project's directory: `node app.cjs`.
'use strict';
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

// The host loads its TensorFlow.js first, as an application would.
const hostPkg = process.env.CONSUMER_TFJS_NODE === '1' ? '@tensorflow/tfjs-node' : '@tensorflow/tfjs';
const tf = require(hostPkg);
const core = require('@sugar-lab/core');
const libs = ['models', 'train', 'analysis', 'datasets', 'plots', 'experiments'].map((l) => [l, require(`@sugar-lab/${l}`)]);

const checks = [];
async function check(name, fn) {
  await fn();
  checks.push(name);
  console.log(`ok ${checks.length} - ${name}`);
}

/** Every @tensorflow/tfjs-core directory in the node_modules tree `nm` (one copy = one engine). */
function tfjsCoreCopies(nm, found = []) {
  if (!fs.existsSync(nm)) return found;
  for (const e of fs.readdirSync(nm, { withFileTypes: true })) {
    if (!e.isDirectory() || e.name.startsWith('.')) continue;
    const scope = path.join(nm, e.name);
    const pkgs = e.name.startsWith('@') ? fs.readdirSync(scope).map((n) => path.join(scope, n)) : [scope];
    for (const p of pkgs) {
      if (p.endsWith(path.join('@tensorflow', 'tfjs-core'))) found.push(p);
      tfjsCoreCopies(path.join(p, 'node_modules'), found);
    }
  }
  return found;
}

function predict(model, x) {
  return tf.tidy(() => Array.from(model.predict(x).dataSync()));
}

function closeTo(got, want, tol, what) {
  for (let i = 0; i < want.length; i++) {
    const err = Math.abs(got[i] - want[i]);
    assert.ok(err <= tol * Math.max(1, Math.abs(want[i])), `${what}[${i}]: ${got[i]} vs ${want[i]} (|diff| ${err})`);
  }
}

async function main() {
  await check('one @tensorflow/tfjs-core in the project, shared with sugar-lab', () => {
    const copies = tfjsCoreCopies(path.join(process.cwd(), 'node_modules'));
    assert.equal(copies.length, 1, `copies of @tensorflow/tfjs-core: ${copies.join(', ')}`);
    assert.equal(core.tf.version_core, tf.version_core);
    assert.equal(core.tf.engine(), tf.engine());
    assert.equal(core.tf.Tensor, tf.Tensor);
    assert.equal(core.tf.layers.Layer, tf.layers.Layer);
    for (const [name, lib] of libs) assert.ok(Object.keys(lib).length > 0, `@sugar-lab/${name} exports nothing`);
  });

  const backend = await core.initBackend();
  const info = core.backendInfo();
  await check(`initBackend chose ${backend}${process.env.CONSUMER_EXPECT_BACKEND ? '' : ' (any)'}`, () => {
    assert.equal(tf.getBackend(), backend);
    const want = process.env.CONSUMER_EXPECT_BACKEND;
    if (want) assert.equal(backend, want, `expected ${want}: ${core.describeBackend(info)}`);
  });

  // A user-built model, from the host's own tf.layers.
  const model = tf.sequential({
    layers: [
      tf.layers.dense({ inputShape: [4], units: 8, activation: 'relu', kernelInitializer: tf.initializers.glorotNormal({ seed: 1 }) }),
      tf.layers.dense({ units: 8, kernelInitializer: tf.initializers.glorotNormal({ seed: 2 }) }),
      tf.layers.reLU(),
      tf.layers.dense({ units: 3, activation: 'softmax', kernelInitializer: tf.initializers.glorotNormal({ seed: 3 }) }),
    ],
  });
  const x = tf.tensor2d(
    Array.from({ length: 16 * 4 }, (_, i) => Math.sin(i * 0.7) * 2),
    [16, 4],
  );
  const y = tf.oneHot(
    tf.tensor1d(
      Array.from({ length: 16 }, (_, i) => i % 3),
      'int32',
    ),
    3,
  );

  const sugared = core.sugarize(model, { name: 'bsilu', alpha: 1.67 });
  await check('sugarize a tf.sequential ReLU model: SugarReLU layers, same forward', () => {
    assert.ok(sugared instanceof tf.LayersModel);
    assert.equal(core.countSugarLayers(sugared), 2);
    assert.ok(sugared.layers.some((l) => l instanceof tf.layers.Layer && l.getClassName() === 'SugarReLU'));
    closeTo(predict(sugared, x), predict(model, x), 1e-6, 'sugared vs relu');
  });

  await check('sugarRelu gradients match the reference vectors (torch autograd, float64)', () => {
    const ref = JSON.parse(fs.readFileSync(process.env.CONSUMER_REFERENCE, 'utf8')).surrogates;
    for (const [key, e] of Object.entries(ref)) {
      const spec = { name: key.split('@')[0], ...e.params };
      const before = tf.memory().numTensors;
      const g = tf.tidy(() =>
        Array.from(
          tf
            .grad((t) => core.sugarRelu(t, spec).sum())(tf.tensor1d(e.x))
            .dataSync(),
        ),
      );
      assert.equal(tf.memory().numTensors, before, `${key}: gradient leaked tensors`);
      closeTo(g, e.grad, 2e-5, `${key} grad`);
    }
  });

  sugared.compile({ optimizer: tf.train.sgd(0.1), loss: 'categoricalCrossentropy' });
  const w0 = sugared.getWeights().map((w) => Array.from(w.dataSync()));
  const history = await sugared.fit(x, y, { epochs: 1, batchSize: 16, verbose: 0 });
  await check('one model.fit step: finite loss, weights moved', () => {
    const loss = history.history.loss[0];
    assert.ok(Number.isFinite(loss), `loss ${loss}`);
    const moved = sugared.getWeights().some((w, i) => Array.from(w.dataSync()).some((v, j) => v !== w0[i][j]));
    assert.ok(moved, 'no weight changed after fit');
  });

  await check("sugar-lab's layers inside the host's tf.sequential (one engine, one layer registry)", () => {
    const mixed = tf.sequential({ layers: [tf.layers.dense({ inputShape: [4], units: 5, useBias: false }), core.sugarReLU({ surrogate: 'nelu' })] });
    const out = tf.tidy(() => Array.from(mixed.predict(x).dataSync()));
    assert.ok(
      out.every((v) => v >= 0),
      'SugarReLU forward is not ReLU',
    );
    const config = mixed.toJSON(null, false);
    assert.ok(JSON.stringify(config).includes('"SugarReLU"'));
    mixed.dispose();
  });

  const plain = core.desugarize(sugared);
  await check('desugarize: plain ReLU model, same forward, weights kept', () => {
    assert.equal(core.countSugarLayers(plain), 0);
    assert.ok(!plain.layers.some((l) => l.getClassName() === 'SugarReLU'));
    closeTo(predict(plain, x), predict(sugared, x), 1e-6, 'desugared vs sugared');
  });

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sugar-consumer-model-'));
  try {
    const want = predict(sugared, x);
    await check('save/load a sugared model through tf.io (memory and sugar-lab fileHandler)', async () => {
      let artifacts;
      await sugared.save(tf.io.withSaveHandler(async (a) => ((artifacts = a), { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } })));
      const fromMemory = await tf.loadLayersModel(tf.io.fromMemory(artifacts));
      assert.equal(core.countSugarLayers(fromMemory), 2);
      closeTo(predict(fromMemory, x), want, 1e-6, 'memory round trip');
      await sugared.save(core.fileHandler(path.join(dir, 'fs')));
      const fromFiles = await tf.loadLayersModel(core.fileHandler(path.join(dir, 'fs')));
      assert.equal(core.countSugarLayers(fromFiles), 2);
      closeTo(predict(fromFiles, x), want, 1e-6, 'fileHandler round trip');
    });
    if (hostPkg === '@tensorflow/tfjs-node') {
      await check("save/load through tfjs-node's file:// handler", async () => {
        await sugared.save(`file://${path.join(dir, 'node')}`);
        const loaded = await tf.loadLayersModel(`file://${path.join(dir, 'node', 'model.json')}`);
        assert.equal(core.countSugarLayers(loaded), 2);
        closeTo(predict(loaded, x), want, 1e-6, 'file:// round trip');
      });
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  console.log(JSON.stringify({ ok: true, checks: checks.length, backend, tfjs: tf.version_core, via: info.attempts.at(-1).provider ?? null }));
}

main().catch((err) => {
  console.error(`not ok ${checks.length + 1} - ${err && err.stack ? err.stack : err}`);
  process.exit(1);
});
