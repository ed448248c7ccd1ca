import { describe, expect, it } from 'vitest';
import { BACKENDS, backendInfo, initBackend, tf } from './index';

describe('initBackend', () => {
  it('initializes each backend that loads and falls back with a reason otherwise', async () => {
    for (const want of BACKENDS) {
      const got = await initBackend(want, { quiet: true });
      const info = backendInfo()!;
      expect(tf.getBackend()).toBe(got);
      if (got !== want) {
        const failed = info.attempts.find((a) => a.backend === want)!;
        expect(failed.ok).toBe(false);
        expect(failed.reason).toBeTruthy();
      }
      expect(tf.relu(tf.tensor([1, -1])).dataSync()).toEqual(new Float32Array([1, 0]));
    }
  });

  it('always reaches cpu', async () => {
    expect(await initBackend('cpu', { quiet: true })).toBe('cpu');
  });

  it('rejects an unknown backend name', async () => {
    await expect(initBackend('gpu' as never)).rejects.toThrow(/one of tensorflow, wasm, cpu; found 'gpu'/);
  });
});
