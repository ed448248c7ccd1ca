// A web app of the consumer test's browser project: the packed libs from its node_modules, bundled by Vite.
import '@tensorflow/tfjs';
import { initBackend, sugarRelu, tf } from '@sugar-lab/core';
import { loadDataset } from '@sugar-lab/datasets';
import { buildModel } from '@sugar-lab/models';
import { trainingCurves } from '@sugar-lab/plots';
import { fit } from '@sugar-lab/train';

async function main() {
  const backend = await initBackend('cpu');
  const x = tf.tensor1d([-2, -0.5, 0, 0.5, 2]);
  const exact = Array.from(sugarRelu(x, 'bsilu').dataSync()).every((v, i) => v === Math.max(0, x.dataSync()[i]));
  const data = await loadDataset('spirals', { nTrain: 256, nTest: 64, seed: 0 });
  const activation = { kind: 'sugar', surrogate: { name: 'bsilu' } };
  const model = buildModel('mlp', { inputShape: [2], numClasses: 3, depth: 3, width: 16, seed: 0, activation });
  const r = await fit(model, data, { seed: 0, epochs: 2, batchSize: 32, optimizer: { name: 'adam', lr: 0.01 }, progress: 'none' });
  const fig = trainingCurves([{ variant: 'bsilu', seed: 0, epochs: r.epochs.map((e) => e.epoch), values: r.epochs.map((e) => e.evalAcc) }], {
    metric: 'accuracy',
  });
  return { backend, exact, status: r.status, epochs: r.epochs.length, dead: r.final?.probes?.deadFraction ?? null, traces: fig.data.length };
}

main()
  .then((result) => (window.result = result))
  .catch((err) => (window.result = { error: String((err && err.stack) || err) }))
  .finally(() => (document.getElementById('out').textContent = JSON.stringify(window.result, null, 1)));
