import { describe, expect, it } from 'vitest';
import { activationLayer, getSurrogate, SugarReLU, sugarReLU, SurrogateActivation, tf, type ActivationSpec } from './index';

async function roundTrip(model: tf.LayersModel): Promise<tf.LayersModel> {
  let saved: tf.io.ModelArtifacts | undefined;
  await model.save(
    tf.io.withSaveHandler(async (a) => {
      saved = a;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  return tf.loadLayersModel(tf.io.fromMemory(saved!));
}

function single(layer: tf.layers.Layer, shape = [5]): tf.LayersModel {
  return tf.sequential({ layers: [tf.layers.inputLayer({ inputShape: shape }), layer] });
}

const X = [-3, -1, -0.25, 0, 0.5, 2];

describe('SugarReLU layer', () => {
  it('is registered and its config holds exactly its constructor arguments', () => {
    expect(tf.serialization.SerializationMap.getMap().classNameMap['SugarReLU']?.[0]).toBe(SugarReLU);
    const layer = sugarReLU({ surrogate: { name: 'nelu', alpha: 0.1 }, region: 'negative', name: 'act' });
    const config = layer.getConfig();
    expect(config).toMatchObject({ name: 'act', trainable: true, surrogate: { name: 'nelu', alpha: 0.1 }, region: 'negative' });
    const copy = new SugarReLU(config);
    expect(copy.getConfig()).toEqual(config);
    expect(new SugarReLU().surrogate.toString()).toBe('bsilu(alpha=1.67)');
    expect(() => new SugarReLU({ surrogate: { name: 'nope' } })).toThrow(/unknown surrogate 'nope'/);
    expect(() => new SugarReLU({ region: 'up' as never })).toThrow(/region must be one of: all, negative/);
  });

  it('computes relu forward, the surrogate derivative backward, and survives save/load', async () => {
    const model = single(new SugarReLU({ surrogate: { name: 'bsilu', alpha: 1 } }), [6]);
    const x = tf.tensor2d([X]);
    const loaded = await roundTrip(model);
    const layer = loaded.layers[loaded.layers.length - 1] as SugarReLU;
    expect(layer).toBeInstanceOf(SugarReLU);
    expect(layer.surrogate.toString()).toBe('bsilu(alpha=1)');
    expect(layer.region).toBe('all');
    for (const m of [model, loaded]) {
      expect(Array.from((m.predict(x) as tf.Tensor).dataSync())).toEqual(Array.from(tf.relu(x).dataSync()));
      const g = tf.grad((v: tf.Tensor) => m.apply(v) as tf.Tensor)(x);
      expect(Array.from(g.dataSync())).toEqual(Array.from(getSurrogate('bsilu', { alpha: 1 }).grad(x).dataSync()));
    }
    tf.dispose(x);
  });
});

describe('SurrogateActivation layer', () => {
  it('applies f forward and survives save/load with its parameters', async () => {
    const model = single(new SurrogateActivation({ surrogate: { name: 'nelu', alpha: 0.5 } }), [6]);
    const loaded = await roundTrip(model);
    expect((loaded.layers[loaded.layers.length - 1] as SurrogateActivation).surrogate.toString()).toBe('nelu(alpha=0.5)');
    const x = tf.tensor2d([X]);
    const want = Array.from(getSurrogate('nelu', { alpha: 0.5 }).fn(x).dataSync());
    expect(Array.from((loaded.predict(x) as tf.Tensor).dataSync())).toEqual(want);
    expect(() => new SurrogateActivation({} as never)).toThrow(/expected a surrogate/);
  });
});

describe('activationLayer', () => {
  const cases: [ActivationSpec, string][] = [
    [{ kind: 'relu' }, 'ReLU'],
    [{ kind: 'sugar', surrogate: { name: 'bsilu', alpha: 1.67 } }, 'SugarReLU'],
    [{ kind: 'elu' }, 'Activation'],
    [{ kind: 'elu', alpha: 0.5 }, 'SurrogateActivation'],
    [{ kind: 'selu' }, 'Activation'],
    [{ kind: 'silu' }, 'Activation'],
    [{ kind: 'gelu' }, 'Activation'],
    [{ kind: 'mish' }, 'Activation'],
    [{ kind: 'leakyRelu', alpha: 0.2 }, 'LeakyReLU'],
    [{ kind: 'geluTanh' }, 'SurrogateActivation'],
    [{ kind: 'bsilu' }, 'SurrogateActivation'],
    [{ kind: 'nelu', alpha: 0.1 }, 'SurrogateActivation'],
  ];

  it.each(cases.map(([s, c]) => [JSON.stringify(s), c, s] as const))(
    '%s -> %s layer computing the right function, after save/load too',
    async (_, cls, spec) => {
      const layer = activationLayer(spec, { name: 'act' });
      expect(layer.getClassName()).toBe(cls);
      expect(layer.name).toBe('act');
      const model = single(layer, [6]);
      const loaded = await roundTrip(model);
      const x = tf.tensor2d([X]);
      const ref =
        spec.kind === 'relu' || spec.kind === 'sugar'
          ? tf.relu(x)
          : getSurrogate(spec.kind, 'alpha' in spec && spec.alpha !== undefined ? { alpha: spec.alpha } : {}).fn(x);
      for (const m of [model, loaded]) {
        const got = (m.predict(x) as tf.Tensor).dataSync();
        const want = ref.dataSync();
        want.forEach((w, i) => expect(got[i]).toBeCloseTo(w, 6));
      }
    },
  );

  it('rejects invalid specs', () => {
    expect(() => activationLayer({ kind: 'swishh' })).toThrow(/activation.kind: expected 'relu', 'sugar' or a surrogate name/);
  });
});
