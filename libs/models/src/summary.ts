import type { tf } from '@sugar-lab/core';
import { countParams } from './params';

function shapeOf(layer: tf.layers.Layer): string {
  try {
    const s = layer.outputShape;
    const one = (x: (number | null)[]) => `[${x.map((d) => (d === null ? 'b' : d)).join(',')}]`;
    return Array.isArray(s[0]) || s.length === 0 ? (s as (number | null)[][]).map(one).join(' ') : one(s as (number | null)[]);
  } catch {
    return '?'; // a layer used at several shapes has no single output shape
  }
}

const fmt = (n: number) => n.toLocaleString('en-US');

/**
 * A compact table: layer name, class, output shape (`b` = batch), params; totals at the end.
 *
 * @param model the model to describe
 */
export function modelSummary(model: tf.LayersModel): string {
  const rows = model.layers.map((l) => [l.name, l.getClassName(), shapeOf(l), fmt(countParams(l).total)]);
  const head = ['layer', 'class', 'output', 'params'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (r: string[]) =>
    r
      .map((c, i) => (i === 3 ? c.padStart(widths[i]) : c.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  const p = countParams(model);
  return [
    `model ${model.name}: ${model.layers.length} layers`,
    line(head),
    line(widths.map((w) => '-'.repeat(w))),
    ...rows.map(line),
    `params: ${fmt(p.total)} total, ${fmt(p.trainable)} trainable, ${fmt(p.nonTrainable)} non-trainable`,
  ].join('\n');
}
