#!/usr/bin/env node
// The dying-ReLU experiment: ReLU vs SUGAR(bsilu) in deep narrow MLPs on 3-class spirals.
// Build the libs first (npm run build), then from the repository root:
//   node examples/dying-relu/run.js [--backend tensorflow|wasm|cpu] [--seeds 0,1,2,3] [--steps 1500]
//                                   [--arch 12x24,20x8] [--out examples/dying-relu/out]
// Prints Markdown tables; with --out also writes result.json and one JSONL log per run.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { dyingReluExperiment, formatDyingReluReport } = require('@sugar-lab/train');

function args(argv) {
  const out = {};
  for (let i = 0; i < argv.length; i += 2) {
    const key = argv[i];
    if (!key.startsWith('--') || argv[i + 1] === undefined) throw new Error(`expected --option value pairs; found '${key}' at position ${i + 1}`);
    out[key.slice(2)] = argv[i + 1];
  }
  return out;
}

async function main() {
  const a = args(process.argv.slice(2));
  const opts = {
    backend: a.backend,
    seeds: a.seeds ? a.seeds.split(',').map(Number) : undefined,
    steps: a.steps ? Number(a.steps) : undefined,
    architectures: a.arch
      ? a.arch.split(',').map((s) => {
          const [depth, width] = s.split('x').map(Number);
          return { depth, width };
        })
      : undefined,
    outDir: a.out,
    onRun: (r) =>
      console.error(
        `mlp ${r.depth}x${r.width} ${r.activation} seed ${r.seed}: ${r.status}, dead ${(100 * r.deadFinal).toFixed(1)}%, ` +
          `test acc ${(100 * r.testAcc).toFixed(1)}%, ${r.msPerStep.toFixed(2)} ms/step, probe cost ${(100 * r.probeCost).toFixed(1)}%`,
      ),
  };
  if (a.out) fs.mkdirSync(a.out, { recursive: true });
  const t0 = Date.now();
  const result = await dyingReluExperiment(opts);
  const report = formatDyingReluReport(result);
  console.log(report);
  console.log(`\nTotal ${((Date.now() - t0) / 1000).toFixed(1)} s.`);
  if (a.out) fs.writeFileSync(path.join(a.out, 'result.json'), JSON.stringify(result, null, 2) + '\n');
}

main().catch((err) => {
  console.error(err instanceof Error ? err.stack : err);
  process.exit(1);
});
