import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import type { Command } from 'commander';
import { kernelStatus, type KernelStatus } from './kernel';
import {
  appliedThreadSettings,
  BACKENDS,
  type BackendName,
  backendInfo,
  describeNativeOps,
  describeThreads,
  nativeOpsInfo,
  type NativeOpsInfo,
  initBackend,
  readNativeState,
  threadSettings,
  userThreadEnv,
  type NativeState,
  type ThreadSettings,
} from '@sugar-lab/core';

export interface DoctorReport {
  node: string;
  platform: string;
  backend: BackendName;
  /** Why this backend: the request source and, on a fallback, what failed first. */
  backendReason: string;
  backends: Record<BackendName, { available: boolean; reason?: string }>;
  tfjsNode: { installed: boolean; loaded: boolean; provider?: string; native?: NativeState; reason?: string };
  /** sugar-lab's native kernels (BLAS matmul, one-pass SUGAR(bsilu) and SUGAR(nelu) gradients, optimizer steps) on tensorflow. */
  nativeOps?: NativeOpsInfo;
  wasm: { available: boolean; reason?: string };
  jupyter: { available: boolean; python?: string; version?: string; reason?: string };
  kernel: KernelStatus;
  chromium: { available: boolean; path: string; version?: string };
  /**
   * libtensorflow's thread pools in this process (set before tfjs-node loaded; `loaded: false` when something loaded
   * it before sugar-lab could), and what one of `workers` sweep workers gets (`sugar run` sets SUGAR_WORKERS).
   */
  threads: { process: ThreadSettings; loaded: boolean; perWorker: ThreadSettings };
}

function run(cmd: string, args: string[]): { ok: boolean; out: string } {
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 60_000 });
  return { ok: r.status === 0, out: `${r.stdout ?? ''}${r.stderr ?? ''}`.trim() };
}

export async function collectDoctor(): Promise<DoctorReport> {
  // Probe every backend, then settle on the one initBackend would pick (SUGAR_BACKEND respected).
  const backends = {} as DoctorReport['backends'];
  const override = process.env.SUGAR_BACKEND;
  delete process.env.SUGAR_BACKEND; // probe each backend as itself; the override applies to the choice below
  for (const b of BACKENDS) {
    const got = await initBackend(b, { quiet: true });
    const attempt = backendInfo()!.attempts.find((a) => a.backend === b)!;
    backends[b] = got === b ? { available: true } : { available: false, reason: attempt.reason };
  }
  if (override !== undefined) process.env.SUGAR_BACKEND = override;
  const tensorflowAttempt = { ...backends.tensorflow };
  const backend = await initBackend(undefined, { quiet: true });
  const info = backendInfo()!;
  const failed = info.attempts.filter((a) => !a.ok);
  const backendReason = `${info.requestedBy === 'SUGAR_BACKEND' ? 'SUGAR_BACKEND' : info.requestedBy === 'default' ? 'fastest that loads' : 'requested'}${failed.length ? `; skipped ${failed.map((a) => `${a.backend} (${a.reason})`).join(', ')}` : ''}`;

  let installed = true;
  try {
    require.resolve('@tensorflow/tfjs-node');
  } catch {
    installed = false;
  }
  const native = readNativeState();
  const applied = appliedThreadSettings();
  const processThreads = applied ?? threadSettings();
  const perWorker = threadSettings({ ...userThreadEnv(), SUGAR_WORKERS: String(processThreads.cores) });
  const kernel = kernelStatus();
  const jup = kernel.jupyter;
  const chromiumPath = process.env.SUGAR_CHROMIUM || '/usr/bin/chromium';
  const chromiumOk = fs.existsSync(chromiumPath);
  return {
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    backend,
    backendReason,
    backends,
    tfjsNode: {
      installed,
      loaded: tensorflowAttempt.available,
      provider: info.attempts.find((a) => a.backend === 'tensorflow' && a.ok)?.provider,
      native,
      reason: tensorflowAttempt.available ? undefined : tensorflowAttempt.reason,
    },
    nativeOps: nativeOpsInfo(),
    wasm: backends.wasm,
    jupyter: { available: Boolean(jup.python), python: jup.python, version: jup.version, reason: jup.python ? undefined : jup.reason },
    kernel,
    threads: { process: processThreads, loaded: applied !== undefined, perWorker },
    chromium: {
      available: chromiumOk,
      path: chromiumPath,
      version: chromiumOk
        ? run(chromiumPath, ['--version'])
            .out.split('\n')
            .find((l) => /chrom/i.test(l) && /\d+\.\d+/.test(l) && !l.includes(':'))
        : undefined,
    },
  };
}

const mark = (ok: boolean) => (ok ? 'ok  ' : 'no  ');

/** native.json as @sugar-lab/native's setup writes it: the binding's state plus how the kernels were built. */
type SetupState = NativeState & { ops?: { ok: boolean; path?: string; blas?: 'openblas' | 'eigen'; reason?: string } };

/** The kernels line: what loaded (with its BLAS), else what setup recorded: the BLAS it built with, or why not. */
function kernelsLine(r: DoctorReport): string {
  const loaded = describeNativeOps(r.nativeOps).replace(/^native kernels: /, '');
  const state: SetupState | undefined = r.tfjsNode.native;
  const ops = state?.ops;
  if (r.nativeOps?.loaded || !ops) return loaded;
  return `${loaded}; setup: ${ops.ok ? `built with ${ops.blas === 'eigen' ? 'Eigen' : 'OpenBLAS'} (${ops.path})` : `not built (${ops.reason})`}`;
}

export function formatDoctor(r: DoctorReport): string {
  const n = r.tfjsNode.native;
  const nativeLine = n
    ? n.ok
      ? `binding built from ${n.source}${n.tensorflowVersion ? ` TensorFlow ${n.tensorflowVersion}` : ''}${n.libDir ? ` (${n.libDir})` : ''}`
      : `native setup failed: ${n.reason}`
    : 'native setup has not run (npx sugar-native-setup; npm run native:setup in the sugar-lab repository)';
  return [
    `node        ${r.node} (${r.platform})`,
    `backend     ${r.backend}  [${r.backendReason}]`,
    ...BACKENDS.map((b) => `  ${mark(r.backends[b].available)}${b}${r.backends[b].reason ? `: ${r.backends[b].reason}` : ''}`),
    `tfjs-node   ${r.tfjsNode.loaded ? `loaded${r.tfjsNode.provider ? ` (${r.tfjsNode.provider})` : ''}` : r.tfjsNode.installed ? 'installed, not loading' : 'not installed'}; ${nativeLine}`,
    `kernels     ${kernelsLine(r)}`,
    `threads     ${r.threads.process.cores} cores; libtensorflow here: ${describeThreads(r.threads.process)}${r.threads.loaded ? '' : ' (not applied: tfjs-node did not load through sugar-lab)'}`,
    `            each of ${r.threads.perWorker.workers} sweep workers: ${describeThreads(r.threads.perWorker)} (when every core runs one; SUGAR_THREADS or TF_NUM_INTRAOP_THREADS override)`,
    `wasm        ${r.wasm.available ? 'available' : `unavailable: ${r.wasm.reason}`}`,
    `jupyter     ${r.jupyter.available ? `${r.jupyter.version} (${r.jupyter.python})` : `missing: ${r.jupyter.reason}`}`,
    `kernel      ${r.kernel.installed ? `${r.kernel.name} in ${r.kernel.resourceDir}${r.kernel.stale ? ` (STALE: ${r.kernel.staleReason})` : r.kernel.thisWorkspace ? '' : ` (points at ${r.kernel.workspace})`}` : `${r.kernel.name} not installed (sugar kernel install)`}`,
    `chromium    ${r.chromium.available ? `${r.chromium.version} (${r.chromium.path})` : `missing at ${r.chromium.path} (apt-get install chromium, or set SUGAR_CHROMIUM)`}`,
  ].join('\n');
}

export function registerDoctorCommand(program: Command): void {
  program
    .command('doctor')
    .description('report the Node version, compute backends, native TensorFlow, Jupyter kernel and Chromium state')
    .option('--json', 'print the report as JSON')
    .action(async (opts: { json?: boolean }) => {
      const report = await collectDoctor();
      console.log(opts.json ? JSON.stringify(report, null, 2) : formatDoctor(report));
    });
}
