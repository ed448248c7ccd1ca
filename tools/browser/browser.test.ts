// sugar-lab in a web page: the libs' browser entries bundled with Vite (no Node built-in allowed), served locally and
// run in headless Chromium on webgl and on wasm: a SUGAR(bsilu) MLP trains on spirals, sugarRelu's forward is
// ReLU's bit for bit, its gradient is Node's cpu backend's within float32 rounding, and the console shows no error.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { initBackend, sugarRelu, tf } from '@sugar-lab/core';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundlePage } from './bundle';
import { CHROMIUM, CHROMIUM_ARGS as ARGS, chromiumMissing } from './chromium';
import { GRAD_INPUT, GRAD_UPSTREAM, RELU_INPUT, type PageResult } from './probe-values';
import { serveStatic, type StaticServer } from './serve';

const missing = chromiumMissing('the browser test');
const WASM_DIR = path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm'));

// Node's reference gradient: d/dx sum(c * sugarRelu(x)) on the cpu backend.
async function nodeGradient(): Promise<Float32Array> {
  await initBackend('cpu', { quiet: true, strict: true });
  return tf
    .tidy(() => {
      const c = tf.tensor1d(GRAD_UPSTREAM);
      return tf.grad((t: tf.Tensor) => tf.sum(tf.mul(c, sugarRelu(t, 'bsilu'))))(tf.tensor1d(GRAD_INPUT));
    })
    .dataSync() as Float32Array;
}

// ReLU in float32, computed here: x where x > 0, else zero. Which zero is the backend's (webgl's relu gives -0 for a
// negative x, as tf.relu does there), so zeros are compared as zeros.
const reluRef = (x: number) => (x > 0 ? Math.fround(x) : 0);
const zeroSigned = (x: number) => (x === 0 ? 0 : x);

describe.skipIf(missing)('sugar-lab in headless Chromium', () => {
  let browser: Browser;
  let server: StaticServer;
  let reference: Float32Array;
  const shots = fs.mkdtempSync(path.join(os.tmpdir(), 'sugar-browser-'));

  beforeAll(async () => {
    const { dir } = await bundlePage(path.join(shots, 'page'));
    server = await serveStatic(dir, WASM_DIR);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS, headless: true });
    reference = await nodeGradient();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  describe.each(['webgl', 'wasm'])('on %s', (backend) => {
    let result: PageResult;
    const consoleErrors: string[] = [];

    beforeAll(async () => {
      const page = await browser.newPage();
      page.on('console', (m) => void (m.type() === 'error' && consoleErrors.push(m.text())));
      page.on('pageerror', (e) => void consoleErrors.push(`uncaught: ${e.message}`));
      page.on('response', (r) => void (r.status() >= 400 && consoleErrors.push(`HTTP ${r.status()} for ${r.url()}`)));
      // Not until 'load': training keeps the page's main thread busy.
      await page.goto(`${server.url}?backend=${backend}`, { waitUntil: 'commit' });
      await page.waitForFunction(() => window.sugarResult !== undefined, undefined, { timeout: 150_000 });
      const out = await page.evaluate(() => window.sugarResult!);
      const shot = path.join(shots, `${backend}.png`);
      await page.screenshot({ path: shot, fullPage: true });
      console.info(`browser test (${backend}): screenshot ${shot}`);
      await page.close();
      if ('error' in out) throw new Error(`the page failed on ${backend}: ${out.stack ?? out.error}`);
      result = out;
    });

    it('runs on that backend, chosen by initBackend', () => {
      expect(result.backend).toBe(backend);
      expect(result.tfBackend).toBe(backend);
      expect(result.describe).toBe(`sugar-lab: backend ${backend}`);
    });

    it("gives ReLU's forward bit for bit", () => {
      expect(result.forward.sugar).toEqual(result.forward.relu);
      expect(result.forward.values.map(zeroSigned)).toEqual(RELU_INPUT.map(reluRef));
    });

    it("gives the surrogate gradient of Node's cpu backend within float32 rounding", () => {
      expect(result.gradient).toHaveLength(reference.length);
      // B-SiLU's derivative goes through exp: a few float32 ulps apart between backends' exp implementations.
      result.gradient.forEach((g, i) => expect(Math.abs(g - reference[i]), `x = ${GRAD_INPUT[i]}`).toBeLessThanOrEqual(1e-6 + 1e-5 * Math.abs(reference[i])));
      const worst = Math.max(...result.gradient.map((g, i) => Math.abs(g - reference[i])));
      console.info(`browser test (${backend}): largest gradient difference from Node's cpu backend ${worst.toExponential(2)}`);
    });

    it('trains a SUGAR(bsilu) MLP on spirals with probes, and frees its tensors', () => {
      expect(result.fit.status, result.fit.error).toBe('completed');
      const losses = result.fit.trainLoss.slice(1) as number[];
      expect(losses.every(Number.isFinite)).toBe(true);
      expect(losses[losses.length - 1]).toBeLessThan(losses[0]);
      expect(result.fit.evalAcc.at(-1)).toBeGreaterThan(0.6); // 3 classes: chance is 1/3
      expect(result.fit.deadFraction).toBeGreaterThanOrEqual(0);
      expect(result.figureTraces).toBeGreaterThan(0);
      expect(result.tensors).toBeLessThan(20);
    });

    it('says what needs Node: a fit with a logPath; the datasets read from files are not there', () => {
      expect(result.refusals.logPath).toMatch(/^TrainConfigError: train config: 'logPath' is a path on disk, which fit only writes in Node/);
      expect(result.refusals.mnist).toBe("UnknownDatasetError: unknown dataset 'mnist'; expected one of spirals, moons, blobs, xor, checkerboard, teacher");
      expect(result.datasets).toEqual(['spirals', 'moons', 'blobs', 'xor', 'checkerboard', 'teacher']);
    });

    it('logs no console error', () => {
      expect(consoleErrors).toEqual([]);
    });
  });
});
