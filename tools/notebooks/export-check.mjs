// Exports an executed notebook to HTML with nbconvert and opens the page in headless Chromium, as a reader of a
// shared notebook would: `node tools/notebooks/export-check.mjs EXECUTED.ipynb [--python P] [--screenshot FILE]`.
// Checks: no console error or page error, every figure shows its static PNG (no plotly.js comes with an exported
// notebook), and the page's own content (the export minus nbconvert's template) stays under the notebook bound.
// Prints the sizes and the load time (measured, never asserted). Used by run-all.mjs after the notebooks ran.
/* global document -- page.evaluate's function runs in the page */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** An executed notebook must stay under this; its HTML export adds only nbconvert's template. */
export const NOTEBOOK_LIMIT_BYTES = 2 * 1024 * 1024;

// The flags of libs/plots/src/render.ts: these machines have no network, and Chromium would keep trying it.
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** The Python with nbconvert: SUGAR_JUPYTER_PYTHON, /usr/bin/python3 (Debian's python3-nbconvert), python3. */
export function findNbconvertPython() {
  const candidates = [process.env.SUGAR_JUPYTER_PYTHON, '/usr/bin/python3', 'python3'].filter(Boolean);
  for (const py of candidates) {
    if (spawnSync(py, ['-c', 'import nbconvert'], { encoding: 'utf8' }).status === 0) return { python: py };
  }
  return { reason: `no Python among ${candidates.join(', ')} can import nbconvert (apt-get install python3-nbconvert)` };
}

function toHTML(python, notebook, outDir) {
  const r = spawnSync(python, ['-m', 'nbconvert', '--to', 'html', notebook, '--output-dir', outDir], { encoding: 'utf8' });
  const out = path.join(outDir, `${path.basename(notebook, '.ipynb')}.html`);
  if (r.status !== 0 || !fs.existsSync(out))
    throw new Error(`nbconvert --to html ${notebook} failed (status ${r.status}): ${(r.stderr ?? '').trim().split('\n').slice(-5).join(' | ')}`);
  return out;
}

/** The bytes nbconvert's template adds to any export: the export of an empty notebook. */
function templateBytes(python, dir) {
  const empty = path.join(dir, 'empty.ipynb');
  fs.writeFileSync(empty, JSON.stringify({ cells: [], metadata: {}, nbformat: 4, nbformat_minor: 5 }));
  return fs.statSync(toHTML(python, empty, dir)).size;
}

function chromiumPath() {
  const p = process.env.SUGAR_CHROMIUM || '/usr/bin/chromium';
  if (!fs.existsSync(p)) throw new Error(`expected Chromium at ${p} (apt-get install chromium, or set SUGAR_CHROMIUM); SUGAR_SKIP_BROWSER=1 skips this check`);
  return p;
}

/** Loads `html` from its file, as a downloaded export is opened; returns what a reader gets. */
async function openInChromium(html, screenshot) {
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({ executablePath: chromiumPath(), args: CHROMIUM_ARGS, headless: true });
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const errors = [];
    const offline = [];
    page.on('pageerror', (e) => errors.push(`page error: ${e.message}`));
    page.on('console', (m) => {
      if (m.type() !== 'error') return;
      const url = m.location()?.url ?? '';
      // nbconvert's template (pip's; Debian's points at local files) loads require.js and MathJax from a CDN: a
      // reader without the network gets the same, and it is not the notebook's doing.
      if (m.text().startsWith('Failed to load resource') && /^https?:/.test(url)) offline.push(url);
      else errors.push(`console: ${m.text()}${url ? ` (${url})` : ''}`);
    });
    const t0 = performance.now();
    await page.goto(pathToFileURL(html).href, { waitUntil: 'load', timeout: 120_000 });
    const loadMs = Math.round(performance.now() - t0);
    const figures = await page.evaluate(() =>
      [...document.querySelectorAll('div.sugar-plot')].map((div) => {
        const img = div.querySelector('img.sugar-plot-fallback');
        return {
          id: div.id,
          png: Boolean(img && img.complete && img.naturalWidth > 0 && img.src.startsWith('data:image/png;base64,')),
          drawn: Boolean(div.querySelector('.main-svg')),
        };
      }),
    );
    if (screenshot) await page.screenshot({ path: screenshot, fullPage: false });
    return { loadMs, figures, errors, offline };
  } finally {
    await browser.close();
  }
}

/** Exports `notebook` and checks the page; returns { ok, error?, htmlBytes, templateBytes, loadMs, figures }. */
export async function exportCheck(notebook, { python, screenshot } = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sugar-export-'));
  try {
    const html = toHTML(python, notebook, dir);
    const htmlBytes = fs.statSync(html).size;
    const template = templateBytes(python, dir);
    const { loadMs, figures, errors, offline } = await openInChromium(html, screenshot);
    const result = { htmlBytes, templateBytes: template, loadMs, figures: figures.length, ...(offline.length ? { unreachable: offline } : {}) };
    const problems = [...errors];
    if (!figures.length) problems.push('expected figures (div.sugar-plot) in the export, found none');
    const noPng = figures.filter((f) => !f.png).map((f) => f.id);
    if (noPng.length)
      problems.push(`expected every figure to show its PNG fallback; ${noPng.length} of ${figures.length} do not (${noPng.slice(0, 3).join(', ')})`);
    if (htmlBytes - template >= NOTEBOOK_LIMIT_BYTES) {
      problems.push(
        `expected the export's content under ${NOTEBOOK_LIMIT_BYTES} bytes beside nbconvert's template (${template}), found ${htmlBytes - template}`,
      );
    }
    return problems.length ? { ok: false, error: problems.join('; '), ...result } : { ok: true, ...result };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function main(argv) {
  let notebook;
  let python;
  let screenshot;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--python') python = argv[++i];
    else if (argv[i] === '--screenshot') screenshot = path.resolve(argv[++i]);
    else if (argv[i].startsWith('-')) throw new Error(`unknown option ${argv[i]}; expected --python P, --screenshot FILE or a notebook`);
    else notebook = path.resolve(argv[i]);
  }
  if (!notebook) throw new Error('usage: node tools/notebooks/export-check.mjs EXECUTED.ipynb [--python P] [--screenshot FILE]');
  if (!python) {
    const found = findNbconvertPython();
    if (!found.python) throw new Error(found.reason);
    python = found.python;
  }
  const r = await exportCheck(notebook, { python, screenshot });
  console.log(JSON.stringify(r));
  process.exitCode = r.ok ? 0 : 1;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).catch((e) => {
    console.error(e instanceof Error ? e.message : String(e));
    process.exitCode = 1;
  });
}
