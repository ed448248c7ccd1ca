import { it } from 'vitest';
import { initBackend, tf } from './index';
import { residualCnn } from './test-utils/models';
it('dbg', async () => {
  await initBackend('cpu', { quiet: true });
  const x = tf.randomNormal([2, 8, 8, 2], 0, 1, 'float32', 5);
  const m = residualCnn(7);
  for (const name of ['stem', 'conv_a', 'bn_a', 'relu_a', 'conv_b', 'residual', 'pool', 'head']) {
    const sub = tf.model({ inputs: m.inputs, outputs: m.getLayer(name).output as tf.SymbolicTensor });
    console.log('L', name, JSON.stringify(Array.from((sub.predict(x) as tf.Tensor).dataSync().slice(0, 3))));
  }
  console.log('W', JSON.stringify(Array.from(m.getLayer('stem').getWeights()[0].dataSync().slice(0, 3))));
  await m.save(tf.io.withSaveHandler(async (a) => { require('fs').writeFileSync('/tmp/dbg-model.json', JSON.stringify({ t: a.modelTopology, s: a.weightSpecs, d: Array.from(new Float32Array(a.weightData as ArrayBuffer)) })); return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } }; }));
});
