// A project that installs @sugar-lab/core alone (with @tensorflow/tfjs): the SUGAR op, layer and model surgery need
// nothing else. Run by test.mjs in a fresh project; prints one JSON line at the end.
'use strict';
const assert = require('node:assert/strict');
const fs = require('node:fs');
const tf = require('@tensorflow/tfjs');
const core = require('@sugar-lab/core');

async function main() {
  const backend = await core.initBackend();
  assert.equal(tf.getBackend(), backend, 'core and the project share one engine');
  const x = tf.tensor1d(Array.from({ length: 41 }, (_, i) => (i - 20) / 4));
  assert.deepEqual(Array.from(core.sugarRelu(x, 'bsilu').dataSync()), Array.from(tf.relu(x).dataSync()), 'forward is bit-exact ReLU');
  const ref = JSON.parse(fs.readFileSync(process.env.CONSUMER_REFERENCE, 'utf8')).surrogates;
  for (const [key, e] of Object.entries(ref)) {
    const g = tf
      .grad((t) => core.sugarRelu(t, { name: key.split('@')[0], ...e.params }).sum())(tf.tensor1d(e.x))
      .dataSync();
    g.forEach((v, i) => assert.ok(Math.abs(v - e.grad[i]) <= 2e-5 * Math.max(1, Math.abs(e.grad[i])), `${key}[${i}]: ${v} vs ${e.grad[i]}`));
  }
  const model = tf.sequential({ layers: [tf.layers.dense({ inputShape: [3], units: 6, activation: 'relu' }), tf.layers.dense({ units: 2 })] });
  const sugared = core.sugarize(model, { name: 'nelu', alpha: 0.01 });
  assert.equal(core.countSugarLayers(sugared), 1, 'the fused relu became a SugarReLU');
  const inp = tf.randomNormal([5, 3], 0, 1, 'float32', 1);
  assert.deepEqual(Array.from(sugared.predict(inp).dataSync()), Array.from(model.predict(inp).dataSync()), 'same forward after sugarize');
  console.log(JSON.stringify({ ok: true, backend, surrogates: Object.keys(ref).length }));
}

main().catch((err) => {
  console.error(err && err.stack ? err.stack : err);
  process.exit(1);
});
