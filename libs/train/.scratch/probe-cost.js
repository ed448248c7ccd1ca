const { initBackend } = require('@sugar-lab/core');
const { loadDataset } = require('@sugar-lab/datasets');
const { buildModel } = require('@sugar-lab/models');
const { fit } = require('/work/main/libs/train/dist');
(async () => {
  const be = await initBackend(process.argv[2], { quiet: true });
  const ds = await loadDataset('spirals', { nTrain: 3000, nTest: 1500, seed: 1 });
  for (const probes of [{ enabled: false }, {}]) {
    const model = buildModel('mlp', { activation: { kind: 'relu' }, inputShape: [2], numClasses: 3, seed: 1, depth: 12, width: 24 });
    const t0 = Date.now();
    const r = await fit(model, ds, { epochs: 6, batchSize: 100, optimizer: { name: 'adam', lr: 3e-3 }, progress: 'none', probes });
    const e = r.epochs.slice(2);
    const avg = (k) => e.reduce((a, m) => a + m.timing[k], 0) / e.length;
    console.log(be, JSON.stringify(probes), 'wall', Date.now() - t0, 'train', avg('trainMs').toFixed(1), 'eval', avg('evalMs').toFixed(1), 'probe', avg('probeMs').toFixed(1), 'ratio', (avg('probeMs') / avg('trainMs')).toFixed(3), 'dead', r.final.probes && r.final.probes.deadFraction);
  }
})();
