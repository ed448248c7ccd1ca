// The dashboard's one page: plain DOM and plotly.js (served by the dashboard itself), no framework, no network.
// Routes are hashes: `#` the sweep, `#run/<id>` one run. Everything reloads on the server's `change` event.

const STYLE = `
body { font: 14px system-ui, sans-serif; margin: 0 auto; max-width: 1200px; padding: 0 16px 40px; color: #222; }
h1 { font-size: 20px; margin: 16px 0 4px; } h2 { font-size: 16px; margin: 20px 0 6px; }
.muted { color: #666; } #live { font-size: 12px; } #live.on::before { content: '● '; color: #2a2; } #live.off::before { content: '● '; color: #c33; }
.controls { display: flex; flex-wrap: wrap; gap: 12px; margin: 8px 0; } .controls label { font-size: 13px; }
table { border-collapse: collapse; width: 100%; font-size: 13px; } th, td { padding: 3px 8px; text-align: left; border-bottom: 1px solid #eee; }
th { cursor: pointer; user-select: none; background: #fafafa; position: sticky; top: 0; } th.sorted::after { content: ' ▾'; } th.sorted.up::after { content: ' ▴'; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
.status-completed { color: #2a7; } .status-training { color: #27c; font-weight: 600; } .status-diverged, .status-failed { color: #c33; }
.status-interrupted { color: #b80; } .status-queued { color: #888; }
.plot { width: 100%; height: 380px; } pre { background: #f6f6f6; padding: 8px; overflow: auto; font-size: 12px; }
`;

const SCRIPT = `
const $ = (s) => document.querySelector(s);
const el = (tag, attrs = {}, ...kids) => { const e = document.createElement(tag); Object.assign(e, attrs); e.append(...kids); return e; };
const fmt = (x, d = 3) => (typeof x === 'number' ? (Math.abs(x) >= 1000 ? x.toFixed(0) : x.toFixed(d)) : '-');
const pct = (x) => (typeof x === 'number' ? (100 * x).toFixed(1) + '%' : '-');
const state = { sweep: null, curves: {}, filters: {}, metric: null, sort: { key: 'variant', up: true }, heat: null };
const LAYOUT = { margin: { l: 60, r: 20, t: 30, b: 90 }, legend: { orientation: 'h', y: -0.25, x: 0 }, autosize: true };
const CONFIG = { responsive: true, displaylogo: false };

async function getJSON(url) { const r = await fetch(url); if (!r.ok) throw new Error(url + ': ' + r.status + ' ' + (await r.text())); return r.json(); }

async function reload() {
  const [sweep, curves] = await Promise.all([getJSON('api/sweep'), getJSON('api/curves')]);
  state.sweep = sweep; state.curves = curves;
  $('#updated').textContent = 'updated ' + new Date().toLocaleTimeString();
  render();
}

function visible() {
  return state.sweep.runs.filter((r) => Object.entries(state.filters).every(([a, v]) => !v || r.point[a] === v));
}

function metrics() {
  const names = new Set();
  for (const pts of Object.values(state.curves)) for (const p of pts) Object.keys(p.scalars).forEach((k) => names.add(k));
  return [...names];
}

function render() {
  const route = location.hash.startsWith('#run/') ? location.hash.slice(5) : null;
  $('#sweep').hidden = Boolean(route); $('#run').hidden = !route;
  if (route) return renderRun(route);
  const s = state.sweep;
  $('#title').textContent = s.name;
  $('#dir').textContent = s.dir;
  const counts = {};
  for (const r of s.runs) counts[r.status] = (counts[r.status] || 0) + 1;
  $('#counts').textContent = s.runs.length + ' runs: ' + Object.entries(counts).map(([k, n]) => n + ' ' + k).join(', ');
  renderControls(); renderCurves(); renderHeatmap(); renderTable();
}

function renderControls() {
  const box = $('#controls'); box.replaceChildren();
  for (const [axis, values] of Object.entries(state.sweep.axes)) {
    const sel = el('select', { onchange: () => { state.filters[axis] = sel.value; render(); } }, el('option', { value: '', textContent: 'all' }), ...values.map((v) => el('option', { value: v, textContent: v })));
    sel.value = state.filters[axis] || '';
    box.append(el('label', { textContent: axis + ' ' }, sel));
  }
  const ms = metrics();
  if (!state.metric || !ms.includes(state.metric)) state.metric = ms.find((m) => /Accuracy$/.test(m) && !/^train/.test(m)) || ms[0];
  const msel = el('select', { onchange: () => { state.metric = msel.value; render(); } }, ...ms.map((m) => el('option', { value: m, textContent: m })));
  msel.value = state.metric || '';
  box.append(el('label', { textContent: 'metric ' }, msel));
}

/** Per variant: the mean over its seeds at each epoch, and a band from the lowest to the highest seed. */
function renderCurves() {
  const byVariant = new Map();
  for (const r of visible()) { if (!byVariant.has(r.variant)) byVariant.set(r.variant, []); byVariant.get(r.variant).push(r); }
  const traces = []; let i = 0;
  const palette = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf'];
  for (const [variant, runs] of byVariant) {
    const at = new Map(); const seeds = new Set();
    for (const r of runs) for (const p of state.curves[r.id] || []) { const v = p.scalars[state.metric]; if (typeof v !== 'number') continue; seeds.add(r.id); if (!at.has(p.epoch)) at.set(p.epoch, []); at.get(p.epoch).push(v); }
    const epochs = [...at.keys()].sort((a, b) => a - b);
    if (!epochs.length) continue;
    const c = palette[i++ % palette.length];
    const mean = epochs.map((e) => at.get(e).reduce((a, b) => a + b, 0) / at.get(e).length);
    const lo = epochs.map((e) => Math.min(...at.get(e))), hi = epochs.map((e) => Math.max(...at.get(e)));
    traces.push({ x: [...epochs, ...[...epochs].reverse()], y: [...hi, ...[...lo].reverse()], fill: 'toself', fillcolor: c + '33', line: { width: 0 }, hoverinfo: 'skip', showlegend: false, legendgroup: variant, type: 'scatter' });
    traces.push({ x: epochs, y: mean, name: variant + ' (' + seeds.size + (seeds.size === 1 ? ' seed)' : ' seeds)'), line: { color: c }, legendgroup: variant, type: 'scatter', mode: 'lines+markers', marker: { size: 4 } });
  }
  Plotly.react('curves', traces, { ...LAYOUT, title: { text: state.metric + ': mean over seeds, band from lowest to highest', font: { size: 14 } }, xaxis: { title: { text: 'epoch' }, zeroline: false }, yaxis: { title: { text: state.metric } } }, CONFIG);
}

/** Dead units per layer over epochs, mean over the selected variant's seeds; the scale fits the data. */
async function renderHeatmap() {
  const variants = [...new Set(visible().map((r) => r.variant))];
  const sel = $('#heat-variant');
  if (!state.heat || !variants.includes(state.heat)) state.heat = variants[0];
  sel.replaceChildren(...variants.map((v) => el('option', { value: v, textContent: v })));
  sel.value = state.heat || '';
  sel.onchange = () => { state.heat = sel.value; renderHeatmap(); };
  const runs = visible().filter((r) => r.variant === state.heat && r.epoch !== null);
  const details = await Promise.all(runs.map((r) => getJSON('api/run/' + r.id)));
  const cell = new Map(); const layers = []; const epochs = new Set();
  for (const d of details) for (const p of d.curves) for (const l of p.layers) {
    if (!layers.includes(l.layer)) layers.push(l.layer);
    epochs.add(p.epoch);
    const k = l.layer + '@' + p.epoch; if (!cell.has(k)) cell.set(k, []); cell.get(k).push(l.deadFraction);
  }
  const xs = [...epochs].sort((a, b) => a - b);
  const z = layers.map((l) => xs.map((e) => { const v = cell.get(l + '@' + e); return v ? v.reduce((a, b) => a + b, 0) / v.length : null; }));
  const flat = z.flat().filter((v) => v !== null);
  const zmax = Math.max(1e-9, ...flat);
  Plotly.react('heatmap', [{ type: 'heatmap', x: xs, y: layers, z, zmin: 0, zmax, colorscale: [[0, '#fff7f3'], [0.5, '#f4845f'], [1, '#a50f15']], colorbar: { title: { text: 'dead' }, tickformat: '.0%' }, hovertemplate: '%{y} epoch %{x}: %{z:.1%}<extra></extra>' }],
    { ...LAYOUT, margin: { l: 70, r: 20, t: 30, b: 50 }, title: { text: 'dead units per layer (scale 0 to ' + (100 * zmax).toFixed(1) + '%)', font: { size: 14 } }, xaxis: { title: { text: 'epoch' } }, yaxis: { autorange: 'reversed' } }, CONFIG);
}

const COLUMNS = [
  ['status', (r) => r.status], ['variant', (r) => state.sweep.variants.indexOf(r.variant) * 1e6 + r.seed, (r) => r.variant], ['seed', (r) => r.seed],
  ['epoch', (r) => (r.epoch === null ? -1 : r.epoch), (r) => (r.epoch === null ? '-' : r.epoch + '/' + r.epochs)],
  ['train loss', (r) => r.last.trainLoss, (r) => fmt(r.last.trainLoss, 4)],
  ['eval acc', (r) => evalAcc(r), (r) => fmt(evalAcc(r))],
  ['dead', (r) => r.last.deadFraction, (r) => pct(r.last.deadFraction)],
];
function evalAcc(r) { const k = Object.keys(r.last).find((k) => /Accuracy$/.test(k) && !/^train/.test(k)); return k ? r.last[k] : undefined; }

function renderTable() {
  const { key, up } = state.sort;
  const col = COLUMNS.find((c) => c[0] === key) || COLUMNS[1];
  const rows = visible().slice().sort((a, b) => { const x = col[1](a), y = col[1](b); const d = x === y ? 0 : x === undefined ? 1 : y === undefined ? -1 : x < y ? -1 : 1; return up ? d : -d; });
  const head = el('tr', {}, ...COLUMNS.map(([k]) => el('th', { textContent: k, className: k === key ? 'sorted' + (up ? '' : ' up') : '', onclick: () => { state.sort = { key: k, up: k === key ? !up : true }; renderTable(); } })));
  const body = rows.map((r) => el('tr', {}, ...COLUMNS.map(([k, value, show]) => {
    const td = el('td', { className: (k === 'status' ? 'status-' + r.status : '') + (show ? ' num' : '') });
    if (k === 'variant') { td.className = ''; td.append(el('a', { href: '#run/' + r.id, textContent: r.variant })); }
    else td.textContent = show ? show(r) : String(value(r));
    if (k === 'status' && r.error) td.title = r.error;
    return td;
  })));
  $('#runs').replaceChildren(head, ...body);
}

async function renderRun(id) {
  const d = await getJSON('api/run/' + id);
  $('#run-title').textContent = d.run.variant + ' seed ' + d.run.seed + ' (' + d.run.status + ')';
  $('#run-meta').textContent = 'run ' + id + ', epoch ' + (d.run.epoch ?? '-') + '/' + (d.run.epochs ?? '?') + (d.run.error ? ', ' + d.run.error : '');
  const names = [...new Set(d.curves.flatMap((p) => Object.keys(p.scalars)))];
  const traces = names.map((n) => ({ x: d.curves.map((p) => p.epoch), y: d.curves.map((p) => p.scalars[n] ?? null), name: n, type: 'scatter', mode: 'lines+markers', marker: { size: 4 }, visible: /Loss$|Accuracy$/.test(n) ? true : 'legendonly' }));
  Plotly.react('run-curves', traces, { ...LAYOUT, title: { text: 'curves (click a legend entry to show or hide it)', font: { size: 14 } }, xaxis: { title: { text: 'epoch' }, zeroline: false } }, CONFIG);
  $('#run-checkpoints').textContent = d.checkpoints.length ? d.checkpoints.join(', ') : 'none';
  $('#run-config').textContent = JSON.stringify(d.config, null, 2);
}

window.addEventListener('hashchange', render);
reload().catch((e) => { $('#counts').textContent = String(e); });
const events = new EventSource('events');
events.addEventListener('hello', () => { $('#live').className = 'on'; $('#live').textContent = 'live'; });
events.addEventListener('change', () => reload().catch((e) => console.warn(e)));
events.onerror = () => { $('#live').className = 'off'; $('#live').textContent = 'reconnecting'; };
`;

/** The page `sugar serve` returns at `/`. */
export function dashboardPage(): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>sugar-lab dashboard</title><style>${STYLE}</style><script src="plotly.min.js"></script></head>
<body>
<section id="sweep">
  <h1><span id="title">sugar-lab</span> <span id="live" class="off">connecting</span></h1>
  <div class="muted"><span id="dir"></span> · <span id="counts"></span> · <span id="updated"></span></div>
  <div class="controls" id="controls"></div>
  <div id="curves" class="plot"></div>
  <h2>Dead units per layer <select id="heat-variant"></select></h2>
  <div id="heatmap" class="plot"></div>
  <h2>Runs</h2>
  <table id="runs"></table>
</section>
<section id="run" hidden>
  <p><a href="#">← the sweep</a></p>
  <h1 id="run-title"></h1><div class="muted" id="run-meta"></div>
  <div id="run-curves" class="plot"></div>
  <h2>Checkpoints</h2><div id="run-checkpoints"></div>
  <h2>Config</h2><pre id="run-config"></pre>
</section>
<script>${SCRIPT}</script>
</body></html>
`;
}
