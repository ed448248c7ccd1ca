import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fileHandler, ModelFileError, tf } from './index';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sugar-fh-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

function tiny(): tf.Sequential {
  return tf.sequential({ layers: [tf.layers.dense({ inputShape: [3], units: 2, kernelInitializer: tf.initializers.glorotNormal({ seed: 1 }) })] });
}

describe('fileHandler', () => {
  it('writes model.json + weights.bin in the tfjs layout and reads them back', async () => {
    const dir = path.join(tmp, 'a', 'nested');
    const m = tiny();
    const result = await m.save(fileHandler(dir));
    expect(result.modelArtifactsInfo.weightDataBytes).toBe((3 * 2 + 2) * 4);
    const json = JSON.parse(fs.readFileSync(path.join(dir, 'model.json'), 'utf8'));
    expect(json.weightsManifest).toEqual([{ paths: ['weights.bin'], weights: expect.any(Array) }]);
    expect(json.format).toBe('layers-model');
    expect(fs.statSync(path.join(dir, 'weights.bin')).size).toBe(32);
    const loaded = await tf.loadLayersModel(fileHandler(dir));
    const x = tf.tensor2d([[1, -2, 3]]);
    expect(Array.from((loaded.predict(x) as tf.Tensor).dataSync())).toEqual(Array.from((m.predict(x) as tf.Tensor).dataSync()));
    expect(fs.readdirSync(dir).sort()).toEqual(['model.json', 'weights.bin']);
  });

  it('says which file is missing or inconsistent', async () => {
    await expect(tf.loadLayersModel(fileHandler(path.join(tmp, 'none')))).rejects.toThrow(/none\/model.json: cannot read model file/);
    const dir = path.join(tmp, 'bad');
    await tiny().save(fileHandler(dir));
    fs.writeFileSync(path.join(dir, 'weights.bin'), Buffer.alloc(12));
    await expect(tf.loadLayersModel(fileHandler(dir))).rejects.toThrow(ModelFileError);
    await expect(tf.loadLayersModel(fileHandler(dir))).rejects.toThrow(/weights hold 12 bytes; the manifest in .*model.json describes 32/);
    fs.writeFileSync(path.join(dir, 'model.json'), '{"modelTopology":');
    await expect(tf.loadLayersModel(fileHandler(dir))).rejects.toThrow(/model.json: invalid JSON/);
    fs.writeFileSync(path.join(dir, 'model.json'), '{}');
    await expect(tf.loadLayersModel(fileHandler(dir))).rejects.toThrow(/expected a tfjs model.json with a 'modelTopology' field/);
  });
});
