// The playground page: reads the setup from the URL, picks the backend (webgpu > webgl > wasm > cpu, or ?backend=),
// trains every activation side by side in small slices (a few steps, then the browser paints), and draws the
// figures from the runs' histories. `window.playground` reports the state for tests and curious consoles.
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-webgl';
import '@tensorflow/tfjs-backend-webgpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { backendInfo, describeBackend, initBackend, tf } from '@sugar-lab/core';
import { surrogateFigure, type Figure } from '@sugar-lab/plots';
import Plotly from 'plotly.js-dist-min';
import { decisionGrid, gridRange } from './boundary';
import { activationCurve } from './curves';
import { accuracyFigure, boundaryFigure, compact, deadFigure, lossFigure } from './figures';
import { readForm, renderForm } from './form';
import { countsTable } from './counts';
import { loadSetupData, Session } from './session';
import { encodeSetup, parseSetup, type PlaygroundSetup } from './setup';
import type { PlaygroundSnapshot } from './snapshot';

declare global {
  interface Window {
    playground?: { snapshot(): PlaygroundSnapshot };
  }
}

// Relative to the page: the dist works at any path of any static server.
setWasmPaths(new URL('wasm/', location.href).href);

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const SLICE_MS = 30;
// Drawing waits at least this long, and four times as long as the last drawing took: on a slow GPU (or a software
// one) most of the time still goes to training.
const RENDER_MS = 400;
let renderCost = 0;

let setup: PlaygroundSetup;
let session: Session | undefined;
let backendLine = '';
let paused = false;
let trainMs = 0;
let lastRender = 0;
let failure: string | undefined;

function showError(text: string | undefined): void {
  failure = text;
  $('error').style.display = text ? 'block' : 'none';
  $('error').textContent = text ?? '';
}

function draw(id: string, fig: Figure): void {
  void Plotly.react($(id), fig.data as Plotly.Data[], { ...fig.layout, autosize: true } as Partial<Plotly.Layout>, { displayModeBar: false, responsive: true });
}

function render(): void {
  const s = session;
  if (!s) return;
  const t0 = performance.now();
  draw('loss', lossFigure(s.runs));
  draw('accuracy', accuracyFigure(s.runs));
  draw('dead', deadFigure(s.runs));
  if (s.data.shape.length === 1 && s.data.shape[0] === 2) {
    const range = gridRange(s.data.train);
    draw(
      'boundary',
      boundaryFigure(
        s.runs,
        s.models.map((m) => decisionGrid(m, range)),
        s.data.train,
      ),
    );
  }
  $('counts').replaceChildren(countsTable(s.runs));
  const sps = trainMs > 0 ? (1000 * s.step) / trainMs : 0;
  const state = s.finished ? 'done' : paused ? 'paused' : 'training';
  $('status').textContent = `step ${s.step}${setup.steps ? ` / ${setup.steps}` : ''} · ${state} · ${sps.toFixed(1)} steps/s`;
  $('pause').textContent = paused ? 'Play' : 'Pause';
  lastRender = performance.now();
  renderCost = lastRender - t0;
}

function drawSurrogates(): void {
  const curves = setup.activations.map((a) => activationCurve(a)).filter((c) => c !== undefined);
  const fig = curves.length
    ? surrogateFigure(curves, { title: "Each activation's function and the derivative its backward pass uses, next to ReLU's" })
    : undefined;
  if (fig) draw('surrogates', compact(fig));
  else $('surrogates').replaceChildren('ReLU only: no surrogate to draw.');
}

// Trains in slices of about SLICE_MS, yielding to the browser between them, until paused, finished or replaced.
async function drive(mine: Session): Promise<void> {
  while (session === mine && !paused && !mine.finished) {
    const t0 = performance.now();
    while (performance.now() - t0 < SLICE_MS && !mine.finished && session === mine) await mine.advance(1);
    trainMs += performance.now() - t0;
    if (performance.now() - lastRender > Math.max(RENDER_MS, 4 * renderCost)) render();
    await new Promise((r) => setTimeout(r, 0));
  }
  if (session === mine) render();
}

async function start(next: PlaygroundSetup): Promise<void> {
  const old = session;
  session = undefined;
  await old?.dispose();
  setup = next;
  paused = next.paused;
  trainMs = 0;
  showError(undefined);
  history.replaceState(null, '', `?${encodeSetup(setup)}`);
  renderForm($('setup'), setup);
  await initBackend(setup.backend === 'auto' ? undefined : setup.backend, { strict: setup.backend !== 'auto' });
  backendLine = describeBackend(backendInfo()!);
  $('backend').textContent = backendLine.replace(/^sugar-lab: /, '');
  drawSurrogates();
  const data = await loadSetupData(setup);
  const mine = new Session(setup, data);
  session = mine;
  render();
  void drive(mine);
}

function run(f: () => Promise<void>): void {
  f().catch((err: Error) => {
    console.warn(err);
    showError(`${err.name}: ${err.message}`);
  });
}

function snapshot(): PlaygroundSnapshot {
  return {
    setup,
    backend: backendInfo()?.backend ?? null,
    backendLine,
    tfBackend: tf.getBackend(),
    step: session?.step ?? 0,
    finished: session?.finished ?? false,
    paused,
    trainMs,
    error: failure ?? null,
    tensors: session ? tf.memory().numTensors : 0, // not before the backend is ready (wasm's throws)
    runs: (session?.runs ?? []).map((r) => ({ ...r, losses: [...r.losses], epochs: [...r.epochs] })),
  };
}

$('apply').onclick = () => run(() => start(readForm($<HTMLFormElement>('setup'), setup)));
$('reset').onclick = () => run(() => start({ ...setup, paused }));
$('pause').onclick = () => {
  paused = !paused;
  setup = { ...setup, paused };
  history.replaceState(null, '', `?${encodeSetup(setup)}`);
  if (!paused && session) void drive(session);
  render();
};
$('step').onclick = () => {
  const s = session;
  if (!s) return;
  paused = true;
  void s.advance(1).then(render);
};
$('share').onclick = () => void navigator.clipboard?.writeText(location.href);

window.playground = { snapshot };
run(async () => start(parseSetup(location.search)));
