import { describe, expect, it } from 'vitest';
import { backendInfo, describeBackend, initBackend } from './browser-backend';
import { BackendError } from './errors';
import * as tf from './tf';

// The page's backend choice, run here on what this process registered: tfjs-core's cpu backend (a page's webgl,
// webgpu and wasm register the same way, by importing their package).
describe("initBackend in a page's entry", () => {
  it('initializes a registered backend it is asked for', async () => {
    expect(await initBackend('cpu', { quiet: true, strict: true })).toBe('cpu');
    expect(tf.getBackend()).toBe('cpu');
    expect(describeBackend(backendInfo()!)).toBe('sugar-lab: backend cpu');
  });

  it('names the package a page must import for a backend it did not register', async () => {
    await expect(initBackend('webgl', { quiet: true, strict: true })).rejects.toThrow(
      new BackendError("backend 'webgl' was asked for and could not be initialized: not registered: the page must import '@tensorflow/tfjs-backend-webgl'"),
    );
  });

  it('falls back to a registered backend and says why', async () => {
    expect(await initBackend('webgpu', { quiet: true })).toBe('cpu');
    expect(describeBackend(backendInfo()!)).toMatch(
      /^sugar-lab: backend cpu; fell back because webgpu: not registered: the page must import '@tensorflow\/tfjs-backend-webgpu'/,
    );
  });

  it("refuses a name that is not a page's backend, pointing Node's tensorflow to Node", async () => {
    await expect(initBackend('tensorflow' as never)).rejects.toThrow(
      "initBackend: in a browser the backend must be one of webgpu, webgl, wasm, cpu; found 'tensorflow' (tensorflow is the Node backend, @tensorflow/tfjs-node)",
    );
  });
});
