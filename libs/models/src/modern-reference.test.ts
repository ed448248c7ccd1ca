import { activationLayer, tf } from '@sugar-lab/core';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { LayerNorm } from './layer-norm';
import { LayerScale } from './layer-scale';
import { MultiHeadSelfAttention } from './multi-head-attention';
import { PatchMerging } from './patch-merging';
import { BLOCK_BACKENDS, expectClose, onBackend, wrap } from './test-utils/blocks';
import { WindowAttention } from './window-attention';

// Written by tools/reference/modern-blocks/make_reference.py (PyTorch, the blocks from their published definitions).
const FILE = path.resolve(__dirname, '../../../tools/reference/modern-blocks/modern-blocks.json');

interface T {
  shape: number[];
  data: number[];
}
interface Block {
  config: Record<string, number>;
  weights: Record<string, T[]>;
  x: T;
  r: T;
  y: T;
  dx: T;
}

type X = tf.SymbolicTensor;
const apply = (layer: tf.layers.Layer, x: X | X[]) => layer.apply(x) as X;
const add = (a: X, b: X) => apply(tf.layers.add(), [a, b]);
const mlp = (x: X, c: number) =>
  apply(
    tf.layers.dense({ name: 'fc2', units: c }),
    apply(activationLayer({ kind: 'gelu' }, { name: 'act' }), apply(tf.layers.dense({ name: 'fc1', units: 4 * c }), x)),
  );

// The same blocks as the models build them, from the library's layers, with the reference's layer names.
const GRAPHS: Record<string, (x: X, c: Record<string, number>) => X> = {
  convnext_block: (x, c) => {
    const ch = x.shape[3] as number;
    const dw = apply(tf.layers.depthwiseConv2d({ name: 'dwconv', kernelSize: c.kernelSize, padding: 'same' }), x);
    return add(x, apply(new LayerScale({ name: 'scale' }), mlp(apply(new LayerNorm({ name: 'norm', epsilon: c.epsilon }), dw), ch)));
  },
  vit_block: (x, c) => {
    const ch = x.shape[2] as number;
    const y = add(x, apply(new MultiHeadSelfAttention({ name: 'attn', numHeads: c.numHeads }), apply(new LayerNorm({ name: 'norm1', epsilon: c.epsilon }), x)));
    return add(y, mlp(apply(new LayerNorm({ name: 'norm2', epsilon: c.epsilon }), y), ch));
  },
  swin_block: (x, c) => {
    const ch = x.shape[3] as number;
    const attn = new WindowAttention({ name: 'attn', numHeads: c.numHeads, windowSize: c.windowSize, shiftSize: c.shiftSize });
    const y = add(x, apply(attn, apply(new LayerNorm({ name: 'norm1', epsilon: c.epsilon }), x)));
    return add(y, mlp(apply(new LayerNorm({ name: 'norm2', epsilon: c.epsilon }), y), ch));
  },
  patch_merging: (x, c) => apply(new PatchMerging({ name: 'merge', epsilon: c.epsilon }), x),
};

const reference = JSON.parse(fs.readFileSync(FILE, 'utf8')) as { torch: string; blocks: Record<string, Block> };

describe(`blocks against PyTorch ${reference.torch} (tools/reference/modern-blocks)`, () => {
  it('has a vector set for every block', () => {
    expect(Object.keys(reference.blocks).sort()).toEqual(Object.keys(GRAPHS).sort());
  });

  it.each(Object.keys(GRAPHS))('%s: same forward output and input gradient to float32 tolerance on every backend', async (name) => {
    const b = reference.blocks[name];
    let ran = 0;
    for (const backend of BLOCK_BACKENDS) {
      if (!(await onBackend(backend))) continue;
      ran++;
      const model = wrap((x) => GRAPHS[name](x, b.config), b.x.shape.slice(1));
      for (const [layer, ws] of Object.entries(b.weights)) model.getLayer(layer).setWeights(ws.map((w) => tf.tensor(w.data, w.shape)));
      const expectedWeights = Object.values(b.weights).reduce((n, ws) => n + ws.length, 0);
      expect(model.getWeights().length, 'every weight comes from the reference').toBe(expectedWeights);
      const [y, dx] = tf.tidy(() => {
        const x = tf.tensor(b.x.data, b.x.shape);
        const r = tf.tensor(b.r.data, b.r.shape);
        const f = (input: tf.Tensor) => tf.sum(tf.mul(model.apply(input) as tf.Tensor, r));
        return [(model.apply(x) as tf.Tensor).dataSync(), tf.grad(f)(x).dataSync()];
      });
      expectClose(y, b.y.data, 1e-5, `${backend}: forward`);
      expectClose(dx, b.dx.data, 1e-5, `${backend}: input gradient`);
      model.dispose();
    }
    expect(ran).toBeGreaterThan(1);
  });
});
