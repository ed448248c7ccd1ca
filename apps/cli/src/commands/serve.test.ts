// `sugar serve` as a person uses it: a sweep trains in one terminal, the dashboard runs in another, the page is
// open in a browser and its curves grow while the sweep runs.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { startCli, tmpDir, writeTinySpec, type CliProcess } from '../test-utils/cli-process';

const CHROMIUM = process.env.SUGAR_CHROMIUM || '/usr/bin/chromium';
const noBrowser = fs.existsSync(CHROMIUM) ? '' : ` [SKIPPED: no Chromium at ${CHROMIUM}]`;
if (noBrowser && process.env.SUGAR_REQUIRE_BROWSER === '1') throw new Error(`serve.test.ts: SUGAR_REQUIRE_BROWSER=1 but${noBrowser}`);

const started: CliProcess[] = [];
let browser: Browser | undefined;
afterAll(async () => {
  await browser?.close();
  for (const p of started) if (p.proc.exitCode === null) p.proc.kill('SIGKILL');
});

async function until<T>(what: string, f: () => T | undefined | Promise<T | undefined>, ms = 120_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`waited ${ms / 1000} s for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

describe.skipIf(Boolean(noBrowser))(`sugar serve${noBrowser}`, () => {
  it('shows a running sweep whose curves gain points, its runs and a run page, with no console error', async () => {
    const dir = tmpDir('sugar-serve-');
    const out = path.join(dir, 'sweep');
    // Long enough to watch: 2 variants x 2 seeds of 40 epochs, one worker.
    const spec = writeTinySpec(dir, {
      name: 'live',
      base: { dataset: { nTrain: 2048 }, model: { depth: 3, width: 64 }, epochs: 40 },
      grid: { activation: [{ kind: 'relu' }, { kind: 'sugar', surrogate: { name: 'bsilu' } }], seed: [0, 1] },
      workers: 1,
    });
    const sweep = startCli(['run', spec, '--out', out]);
    started.push(sweep);
    await until('the sweep to log an epoch', () =>
      fs.existsSync(path.join(out, 'runs')) && fs.readdirSync(path.join(out, 'runs')).some((id) => fs.existsSync(path.join(out, 'runs', id, 'metrics.jsonl')))
        ? true
        : undefined,
    );
    const serve = startCli(['serve', out]);
    started.push(serve);
    const url = await until('the dashboard URL', () => /(http:\/\/127\.0\.0\.1:\d+\/)/.exec(serve.output())?.[1]);

    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu'] });
    const page = await browser.newPage({ viewport: { width: 1200, height: 1400 } });
    const errors: string[] = [];
    page.on('console', (m) => void (m.type() === 'error' && errors.push(m.text())));
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(url);
    // The mean curve of the first variant (trace 1: trace 0 is its seed band).
    const points = () => page.evaluate(() => (document.getElementById('curves') as unknown as { data?: { x: number[] }[] }).data?.[1]?.x.length ?? 0);
    const first = await until('a curve on the page', async () => ((await points()) > 0 ? points() : undefined));
    const later = await until('the curve to gain points while the sweep runs', async () => {
      const n = await points();
      return n > first ? n : undefined;
    });
    expect(later).toBeGreaterThan(first);
    expect(await page.locator('#live').textContent()).toBe('live');
    const rows = await page.locator('#runs tr').count();
    expect(rows).toBe(1 + 4);
    expect(await page.locator('#runs').textContent()).toMatch(/training/);
    const shots = process.env.SUGAR_SCREENSHOT_DIR;
    if (shots) await page.screenshot({ path: path.join(shots, 'dashboard.png'), fullPage: true });

    // A run's own page: its config and checkpoints.
    await page.locator('#runs a').first().click();
    await until('the run page', async () => ((await page.locator('#run-config').textContent())?.includes('"epochs": 40') ? true : undefined));
    expect(await page.locator('#run-title').textContent()).toMatch(/^relu seed 0 \((training|completed|interrupted)\)$/);
    expect(errors).toEqual([]);

    sweep.proc.kill('SIGINT');
    serve.proc.kill('SIGINT');
    expect((await serve.exited).code).toBe(0);
    await sweep.exited;
  }, 300_000);
});
