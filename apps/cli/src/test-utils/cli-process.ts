import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runFiles } from '@sugar-lab/experiments';
// The one definition of the tiny spec, by path: test helpers are not part of the experiments package.
import { tinySpec, type TinySpecParts } from '../../../../libs/experiments/src/test-utils/tiny-spec';

/** The built CLI, as users (and Slurm tasks) start it. */
export const CLI = path.resolve(__dirname, '..', '..', 'dist', 'main.js');

export interface CliProcess {
  proc: ChildProcess;
  /** stdout + stderr so far. */
  output(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** `sugar ARGS`; with `group`, as the leader of a process group of its own (as a terminal starts it: Ctrl-C reaches the group). */
export function startCli(args: string[], env: NodeJS.ProcessEnv = {}, group = false): CliProcess {
  const proc = spawn(process.execPath, [CLI, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, SUGAR_QUIET: '1', ...env },
    detached: group,
  });
  let text = '';
  proc.stdout.on('data', (d: Buffer) => (text += d.toString()));
  proc.stderr.on('data', (d: Buffer) => (text += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) => proc.on('exit', (code, signal) => r({ code, signal })));
  return { proc, output: () => text, exited };
}

/** Writes experiments' tiny test spec with `parts` merged in to DIR/FILE, the JSON spec file a user passes to `sugar run`. */
export function writeTinySpec(dir: string, parts: TinySpecParts, file = 'spec.json'): string {
  const p = path.join(dir, file);
  fs.writeFileSync(p, JSON.stringify(tinySpec(parts)));
  return p;
}

/** A small spec file (spirals, MLP, cpu backend): `seeds` runs of `epochs` epochs, each taking a few seconds at most. */
export function tinySpecFile(dir: string, epochs: number, seeds: number[]): string {
  return writeTinySpec(dir, {
    name: 'locks',
    base: { dataset: { nTrain: 1024, nTest: 128 }, model: { depth: 2, width: 32 }, epochs },
    grid: { seed: seeds },
  });
}

export function tmpDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** The epochs logged in a run's metrics.jsonl, in file order (a run trained twice shows repeats). */
export function loggedEpochs(runDir: string): number[] {
  const file = runFiles(runDir).metrics;
  if (!fs.existsSync(file)) return [];
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as { type: string; epoch?: number })
    .filter((r) => r.type === 'epoch')
    .map((r) => r.epoch!);
}

export function runIds(out: string): string[] {
  return fs.readFileSync(path.join(out, 'run-ids.txt'), 'utf8').trim().split('\n');
}

/** Polls until `check` is true; fails with `what` after `timeoutMs`. */
export async function waitFor(what: string, check: () => boolean, timeoutMs = 60_000, everyMs = 50): Promise<void> {
  const t0 = Date.now();
  while (!check()) {
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

export const range = (n: number) => Array.from({ length: n + 1 }, (_, i) => i);

/**
 * Whether this test process can run `files` as another user (`runuser -u nobody`): it is root, and nobody can read
 * them (a checkout under a private directory, such as mktemp's, cannot be run by another user at all).
 */
export function nobodyCanRead(...files: string[]): boolean {
  if (process.getuid?.() !== 0) return false;
  return files.every((f) => spawnSync('runuser', ['-u', 'nobody', '--', 'test', '-r', f]).status === 0);
}

/** Every file under `dir` with its size, mtime and content hash: equal snapshots mean nothing was written in between. */
export function snapshotFiles(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const entry of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const file = path.join(entry.parentPath, entry.name);
    const st = fs.statSync(file);
    out[path.relative(dir, file)] = `${st.size} ${st.mtimeMs} ${createHash('sha256').update(fs.readFileSync(file)).digest('hex')}`;
  }
  return out;
}
