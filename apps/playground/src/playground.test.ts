// The built playground (dist/) in headless Chromium, served as any static server would: on the cpu backend its
// losses are Node's fit of the same setup to float32 tolerance; on webgl (SwiftShader) and wasm it trains ReLU vs
// SUGAR(bsilu) on a 12x24 MLP for 200 steps, reports dead units that differ the way Node's run says, logs no console
// error, and prints its steps per second. SUGAR_SCREENSHOT_DIR=dir keeps a screenshot of each page.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM, CHROMIUM_ARGS, chromiumMissing } from '../../../tools/browser/chromium';
import { serveStatic, type StaticServer } from '../../../tools/browser/serve';
import { lastCounts } from './counts';
import type { RunHistory } from './session';
import { parseSetup } from './setup';
import type { PlaygroundSnapshot } from './snapshot';
import { nodeRuns } from './test-utils/node-run';

const DIST = path.join(__dirname, '..', 'dist');
const SHOTS = process.env.SUGAR_SCREENSHOT_DIR;
const missing = chromiumMissing('the playground browser test');

// Small enough to train in seconds on the cpu backend; 5 steps per epoch, so epochs end (and probe) inside the run.
const SAME_AS_NODE = 'dataset=moons&n=160&batch=32&depth=3&width=16&opt=adam&lr=0.02&seed=3&steps=20&act=relu&act=sugar(bsilu)&act=gelu';
// The comparison: 10 steps per epoch, the last probe at step 200.
const RELU_VS_SUGAR = 'dataset=spirals&n=320&batch=32&depth=12&width=24&opt=adam&lr=0.01&seed=2&steps=200&act=relu&act=sugar(bsilu)';

const deadOf = (runs: RunHistory[]) => runs.map((r) => lastCounts(r)!.dead);

describe.skipIf(missing)('the playground in headless Chromium', () => {
  let browser: Browser;
  let server: StaticServer;

  beforeAll(async () => {
    if (!fs.existsSync(path.join(DIST, 'index.html'))) throw new Error(`no built playground at ${DIST}: run npx nx run-many -t build -p @sugar-lab/playground`);
    server = await serveStatic(DIST, path.join(DIST, 'wasm'));
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  // Opens the page on `query`, waits until its runs finish, and returns its state and the console's errors.
  async function train(query: string, shot: string): Promise<{ state: PlaygroundSnapshot; errors: string[]; wallMs: number }> {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1500 } });
    const errors: string[] = [];
    page.on('console', (m) => void (m.type() === 'error' && errors.push(m.text())));
    page.on('pageerror', (e) => void errors.push(`uncaught: ${e.message}`));
    page.on('response', (r) => void (r.status() >= 400 && errors.push(`HTTP ${r.status()} for ${r.url()}`)));
    const t0 = Date.now();
    await page.goto(`${server.url}?${query}`, { waitUntil: 'commit' }); // not 'load': training keeps the main thread busy
    await page.waitForFunction(() => window.playground?.snapshot().finished || window.playground?.snapshot().error, undefined, {
      timeout: 280_000,
      polling: 500,
    });
    const wallMs = Date.now() - t0;
    await page.waitForTimeout(500); // the last render
    const state = await page.evaluate(() => window.playground!.snapshot());
    if (SHOTS) {
      fs.mkdirSync(SHOTS, { recursive: true });
      await page.screenshot({ path: path.join(SHOTS, `${shot}.png`), fullPage: true });
    }
    await page.close();
    if (state.error) throw new Error(`the page failed: ${state.error}`);
    return { state, errors, wallMs };
  }

  it("gives, on the cpu backend, the losses of Node's fit of the same setup to float32 tolerance", async () => {
    const [{ state, errors }, node] = await Promise.all([train(`${SAME_AS_NODE}&backend=cpu`, 'cpu'), nodeRuns(parseSetup(SAME_AS_NODE))]);
    expect(state.tfBackend).toBe('cpu');
    expect(state.step).toBe(20);
    expect(state.runs.map((r) => r.label)).toEqual(['relu', 'sugar(bsilu,alpha=1.67)', 'gelu']);
    state.runs.forEach((run, k) => {
      expect(run.losses).toHaveLength(20);
      run.losses.forEach((l, i) =>
        expect(Math.abs(l - node[k].losses[i]), `${run.label} step ${i + 1}`).toBeLessThanOrEqual(1e-6 + 1e-5 * Math.abs(node[k].losses[i])),
      );
      expect(deadOf([run])).toEqual(deadOf([node[k]]));
    });
    expect(errors).toEqual([]);
  }, 300_000);

  describe.each(['webgl', 'wasm'])('on %s', (backend) => {
    let page: { state: PlaygroundSnapshot; errors: string[]; wallMs: number };
    let node: RunHistory[];

    beforeAll(async () => {
      [page, node] = await Promise.all([train(`${RELU_VS_SUGAR}&backend=${backend}`, backend), nodeReference()]);
      const { state } = page;
      console.info(
        `playground benchmark (${backend}): ${state.step} steps of ${state.runs.length} runs in ${(state.trainMs / 1000).toFixed(1)} s of training ` +
          `= ${((1000 * state.step) / state.trainMs).toFixed(1)} steps/s (page loaded to done: ${(page.wallMs / 1000).toFixed(1)} s)`,
      );
    }, 300_000);

    it('trains on that backend, named on the page', () => {
      expect(page.state.tfBackend).toBe(backend);
      expect(page.state.backendLine).toBe(`sugar-lab: backend ${backend}`);
      expect(page.state.step).toBe(200);
      expect(page.state.runs.map((r) => r.status)).toEqual(['completed', 'completed']);
      for (const r of page.state.runs) expect(r.losses.every(Number.isFinite)).toBe(true);
    });

    it('reports dead units at step 200, fewer for SUGAR as in the Node run', () => {
      const counts = page.state.runs.map((r) => lastCounts(r));
      expect(counts.map((c) => c?.step)).toEqual([200, 200]);
      const [relu, sugar] = deadOf(page.state.runs);
      const [nodeRelu, nodeSugar] = deadOf(node);
      console.info(`playground (${backend}): dead units relu ${relu}, sugar(bsilu) ${sugar}; Node cpu: relu ${nodeRelu}, sugar(bsilu) ${nodeSugar}`);
      expect(nodeRelu).toBeGreaterThan(nodeSugar);
      expect(relu).toBeGreaterThan(sugar);
      // The dead-unit heatmap has a column per epoch for each layer.
      expect(page.state.runs[0].epochs.filter((e) => e.probes)).toHaveLength(21);
    });

    it('logs no console error and frees what it allocates per step', () => {
      expect(page.errors).toEqual([]);
      expect(page.state.tensors).toBeLessThan(200);
    });
  });
});

// Node's run of RELU_VS_SUGAR, computed once for both backends.
let reference: Promise<RunHistory[]> | undefined;
const nodeReference = () => (reference ??= nodeRuns(parseSetup(RELU_VS_SUGAR)));
