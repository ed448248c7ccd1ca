#!/usr/bin/env node
// Times a sweep on the tensorflow backend under several workers x intra-op threads settings, back to back
// (the figures behind planParallelism's table; docs/benchmarks.md, "Threads and workers"). Each setting runs the whole sweep into a
// fresh temporary directory (removed afterwards) through the CLI, as a user would.
//
//   node tools/bench/sweep-threads.mjs quick tools/bench/cnn-sweep.yaml [--rounds 2] [--settings old,auto,1xN,Nx1]
//
// Settings: "old" = what every worker got before threads were sized (libtensorflow's defaults: intra- and
// inter-op pools of one thread per core in every worker, 2 workers); "auto" = what `sugar run` now picks;
// "1x<cores>" = one worker with every core as intra-op threads; "<cores>x1" = one single-threaded worker per core.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const CLI = path.join(ROOT, 'apps', 'cli', 'dist', 'main.js');
const args = process.argv.slice(2);
const roundsAt = args.indexOf('--rounds');
const rounds = roundsAt >= 0 ? Number(args.splice(roundsAt, 2)[1]) : 1;
const onlyAt = args.indexOf('--settings');
const only = onlyAt >= 0 ? args.splice(onlyAt, 2)[1].split(',') : undefined;
const specs = args.length ? args : ['quick'];
const cores = os.availableParallelism();
const clean = { ...process.env };
for (const k of ['SUGAR_THREADS', 'SUGAR_WORKERS', 'TF_NUM_INTRAOP_THREADS', 'TF_NUM_INTEROP_THREADS', 'OMP_NUM_THREADS']) delete clean[k];

const all = [
  {
    key: 'old',
    name: 'old (2 workers, pools sized for the machine)',
    workers: 2,
    env: { TF_NUM_INTRAOP_THREADS: String(cores), TF_NUM_INTEROP_THREADS: String(cores), OMP_NUM_THREADS: String(cores) },
  },
  { key: 'auto', name: 'auto', env: {} },
  { key: '1xN', name: `1 worker x ${cores} threads`, workers: 1, env: { SUGAR_THREADS: String(cores) } },
  { key: 'Nx1', name: `${cores} workers x 1 thread`, workers: cores, env: { SUGAR_THREADS: '1' } },
];
const settings = only ? all.filter((s) => only.includes(s.key)) : all;

for (const spec of specs) {
  for (let r = 0; r < rounds; r++) {
    // Odd rounds run the settings in reverse, so that neither always runs first while the load drifts.
    for (const s of r % 2 ? [...settings].reverse() : settings) {
      const out = fs.mkdtempSync(path.join(os.tmpdir(), 'sugar-threads-'));
      const argv = [CLI, 'run', spec, '--backend', 'tensorflow', '--out', path.join(out, 'runs')];
      if (s.workers) argv.push('--workers', String(s.workers));
      const load = os.loadavg()[0];
      const t0 = performance.now();
      // /usr/bin/time adds up the CPU time of the CLI and every worker it waited for: on a machine shared with
      // other work, wall time says how much of the machine we got, CPU time what the setting cost.
      const timeFile = path.join(out, 'cpu');
      const p = fs.existsSync('/usr/bin/time')
        ? spawnSync('/usr/bin/time', ['-f', '%U %S', '-o', timeFile, process.execPath, ...argv], { env: { ...clean, ...s.env }, encoding: 'utf8' })
        : spawnSync(process.execPath, argv, { env: { ...clean, ...s.env }, encoding: 'utf8' });
      const seconds = (performance.now() - t0) / 1000;
      const cpu = fs.existsSync(timeFile)
        ? fs
            .readFileSync(timeFile, 'utf8')
            .trim()
            .split(/\s+/)
            .slice(-2)
            .map(Number)
            .reduce((a, b) => a + b, 0)
        : NaN;
      fs.rmSync(out, { recursive: true, force: true });
      const plan = /parallelism: ([^\n]*)/.exec(p.stderr ?? '')?.[1] ?? '';
      const ok = p.status === 0 ? '' : ` FAILED (exit ${p.status}): ${(p.stderr ?? '').trim().split('\n').slice(-2).join(' | ')}`;
      console.log(
        `${path.basename(spec)}\t${s.name}\t${seconds.toFixed(1)} s wall\t${cpu.toFixed(1)} s cpu\tload ${load.toFixed(2)} -> ${os.loadavg()[0].toFixed(2)}\t${plan}${ok}`,
      );
    }
  }
}
