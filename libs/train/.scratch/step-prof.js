const { initBackend, tf } = require('@sugar-lab/core');
const { buildModel } = require('@sugar-lab/models');
const { Optimizer, resolveTrainConfig, softmaxCrossEntropy } = require('/work/main/libs/train/dist');
(async () => {
  const be = await initBackend(process.argv[2], { quiet: true });
  const model = buildModel('mlp', { activation: process.argv[3] ? { kind: 'sugar', surrogate: { name: 'bsilu' } } : { kind: 'relu' }, inputShape: [2], numClasses: 3, seed: 1, depth: 12, width: 24 });
  const vars = model.trainableWeights.map((w) => w.read());
  const opt = new Optimizer(resolveTrainConfig({ epochs: 1, batchSize: 1, optimizer: { name: 'adam', lr: 1e-3 } }).optimizer, vars.map((v) => ({ variable: v, decay: true })));
  const x = tf.randomNormal([100, 2]); const y = tf.oneHot(tf.randomUniform([100], 0, 3, 'int32'), 3);
  const time = (label, f, n = 100) => { for (let i = 0; i < 10; i++) f(); const t0 = performance.now(); for (let i = 0; i < n; i++) f(); console.log(be, label, ((performance.now() - t0) / n).toFixed(2), 'ms'); };
  time('forward', () => tf.tidy(() => model.apply(x, { training: true }).dataSync()));
  time('fwd+bwd', () => tf.tidy(() => { const { value, grads } = tf.variableGrads(() => softmaxCrossEntropy(model.apply(x, { training: true }), y), vars); value.dataSync(); }));
  time('fwd+bwd+adam', () => tf.tidy(() => { const { value, grads } = tf.variableGrads(() => softmaxCrossEntropy(model.apply(x, { training: true }), y), vars); value.dataSync(); opt.apply(grads, 1e-3); }));
  const tfo = tf.train.adam(1e-3);
  time('fwd+bwd+tf.adam', () => tf.tidy(() => { const { value, grads } = tf.variableGrads(() => softmaxCrossEntropy(model.apply(x, { training: true }), y), vars); value.dataSync(); tfo.applyGradients(grads); }));
  time('minimize', () => tf.tidy(() => { tfo.minimize(() => softmaxCrossEntropy(model.apply(x, { training: true }), y), false, vars); }));
})();
