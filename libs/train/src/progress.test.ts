import { describe, expect, it } from 'vitest';
import { createProgress } from './progress';

function stream(isTTY: boolean) {
  const out: string[] = [];
  return { out, s: { isTTY, columns: 200, write: (x: string) => out.push(x) } };
}

describe('progress', () => {
  it('draws a bar on a TTY', () => {
    const { out, s } = stream(true);
    const p = createProgress('auto', 3, s);
    p.batch(1, 5, 10, 0.5, 1e-3);
    p.epoch('epoch 1/3 | loss 0.5');
    expect(out[0]).toMatch(/^\repoch 1\/3 \[#{12}\.{12}\] 5\/10 loss 0\.5000 lr 1\.00e-3/);
    expect(out[1]).toBe('\repoch 1/3 | loss 0.5\x1b[K\n');
  });

  it('prints plain lines otherwise, and nothing with none', () => {
    const { out, s } = stream(false);
    const p = createProgress('auto', 3, s);
    p.batch(1, 5, 10, 0.5, 1e-3);
    p.epoch('epoch 1/3');
    p.done('completed');
    expect(out).toEqual(['epoch 1/3\n', 'completed\n']);
    const q = stream(true);
    createProgress('none', 3, q.s).epoch('x');
    expect(q.out).toEqual([]);
  });
});
