// The page the browser test loads (bundled by bundle.ts, served by serve.ts): sugar-lab as a web app uses it,
// through each lib's browser entry. `?backend=webgl` or `wasm` picks the backend; the outcome goes into
// `window.sugarResult` for the test and onto the page for a screenshot.
import '@tensorflow/tfjs-backend-webgl';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { mean } from '@sugar-lab/analysis';
import { backendInfo, describeBackend, initBackend, sugarRelu, tf, type BackendName } from '@sugar-lab/core';
import { datasetNames, loadDataset } from '@sugar-lab/datasets';
import { buildModel } from '@sugar-lab/models';
import { trainingCurves } from '@sugar-lab/plots';
import { fit } from '@sugar-lab/train';
import { GRAD_INPUT, GRAD_UPSTREAM, RELU_INPUT, type PageResult } from './probe-values';

declare global {
  interface Window {
    sugarResult?: PageResult | { error: string; stack?: string };
  }
}

setWasmPaths(new URL('/wasm/', location.href).href);

const bits = (a: Float32Array) => Array.from(new Uint32Array(a.buffer, a.byteOffset, a.length));

async function errorOf(f: () => Promise<unknown>): Promise<string> {
  try {
    await f();
    return 'no error';
  } catch (err) {
    return `${(err as Error).name}: ${(err as Error).message}`;
  }
}

async function run(backend: BackendName): Promise<PageResult> {
  const chosen = await initBackend(backend, { strict: true });

  // Forward: SUGAR's output is ReLU's, bit for bit, on this backend.
  const x = tf.tensor1d(RELU_INPUT);
  const sugar = sugarRelu(x, 'bsilu');
  const relu = tf.relu(x);
  const forward = { sugar: bits(sugar.dataSync() as Float32Array), relu: bits(relu.dataSync() as Float32Array), values: Array.from(sugar.dataSync()) };
  tf.dispose([x, sugar, relu]);

  // Backward: d/dx sum(c * sugarRelu(x)) = c * bsilu'(x), for the test to compare with Node's cpu backend.
  const gx = tf.tensor1d(GRAD_INPUT);
  const c = tf.tensor1d(GRAD_UPSTREAM);
  const g = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(c, sugarRelu(t, 'bsilu'))))(gx);
  const gradient = Array.from(g.dataSync());
  tf.dispose([gx, c, g]);

  // A SUGAR(bsilu) MLP trained on spirals, probes on, as in Node.
  const ds = await loadDataset('spirals', { nTrain: 600, nTest: 300, seed: 1 });
  const model = buildModel('mlp', {
    depth: 2,
    width: 32,
    activation: { kind: 'sugar', surrogate: { name: 'bsilu' } },
    inputShape: [2],
    numClasses: 3,
    seed: 1,
  });
  const result = await fit(model, ds, { seed: 1, epochs: 8, batchSize: 32, optimizer: { name: 'adam', lr: 0.02 }, progress: 'none' });
  const figure = trainingCurves(
    [{ variant: 'sugar(bsilu)', seed: 1, epochs: result.epochs.map((e) => e.epoch), values: result.epochs.map((e) => e.evalAcc ?? NaN) }],
    {
      metric: 'eval accuracy',
    },
  );
  model.dispose();

  return {
    backend: chosen,
    tfBackend: tf.getBackend(),
    describe: describeBackend(backendInfo()!),
    forward,
    gradient,
    fit: {
      status: result.status,
      error: result.error,
      trainLoss: result.epochs.map((e) => e.trainLoss),
      evalAcc: result.epochs.map((e) => e.evalAcc ?? null),
      deadFraction: result.final?.probes ? mean(result.final.probes.layers.map((l) => l.deadFraction)) : null,
    },
    figureTraces: figure.data.length,
    datasets: datasetNames(),
    refusals: {
      logPath: await errorOf(() =>
        fit(buildModel('mlp', { depth: 1, width: 4, activation: { kind: 'relu' }, inputShape: [2], numClasses: 3, seed: 1 }), ds, {
          epochs: 1,
          batchSize: 32,
          optimizer: { name: 'sgd', lr: 0.1 },
          logPath: 'metrics.jsonl',
        }),
      ),
      mnist: await errorOf(() => loadDataset('mnist')),
    },
    tensors: tf.memory().numTensors,
  };
}

function show(text: string): void {
  const pre = document.createElement('pre');
  pre.textContent = text;
  document.body.append(pre);
}

const backend = (new URLSearchParams(location.search).get('backend') ?? 'cpu') as BackendName;
run(backend).then(
  (r) => {
    window.sugarResult = r;
    show(
      [
        r.describe,
        `sugarRelu forward === relu bit for bit: ${r.forward.sugar.every((b, i) => b === r.forward.relu[i])}`,
        `fit: ${r.fit.status}; eval accuracy by epoch ${r.fit.evalAcc.map((a) => a?.toFixed(3)).join(' ')}`,
        `train loss by epoch ${r.fit.trainLoss.map((l) => l?.toFixed(4)).join(' ')}`,
        `dead fraction (mean over layers) ${r.fit.deadFraction}`,
        `datasets: ${r.datasets.join(', ')}`,
        `fit with a logPath: ${r.refusals.logPath}`,
        `loadDataset('mnist'): ${r.refusals.mnist}`,
      ].join('\n'),
    );
  },
  (err: Error) => {
    window.sugarResult = { error: `${err.name}: ${err.message}`, stack: err.stack };
    show(`failed: ${err.stack ?? err.message}`);
  },
);
