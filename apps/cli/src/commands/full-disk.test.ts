import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { resizeDisk, tinyDisk } from '../../../../libs/core/src/test-utils/tiny-disk';
import { runIds, startCli, tmpDir, writeTinySpec } from '../test-utils/cli-process';

// Two runs of a 2x64 MLP for 20 epochs: their checkpoints, metrics and TensorBoard events outgrow a 200 KiB disk.
function diskSpec(dir: string): string {
  return writeTinySpec(dir, { name: 'disk', base: { model: { width: 64 }, epochs: 20 }, grid: { seed: [0, 1] } });
}

async function sugar(args: string[]) {
  const cli = startCli(args);
  const { code } = await cli.exited;
  return { code, out: cli.output() };
}

/** Every file under `dir`: no temp file left, and each JSON or JSON Lines file whole (parses to its end). */
function expectWholeFiles(dir: string): void {
  for (const entry of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const file = path.join(entry.parentPath, entry.name);
    expect(entry.name).not.toMatch(/\.tmp$/);
    const text = fs.readFileSync(file, 'utf8');
    if (/\.json$/.test(file)) expect(() => JSON.parse(text), file).not.toThrow();
    if (/\.jsonl$/.test(file)) for (const line of text.split('\n').filter(Boolean)) expect(() => JSON.parse(line), file).not.toThrow();
    if (/\.html$/.test(file)) expect(text.trimEnd().endsWith('</html>'), file).toBe(true);
  }
  for (const entry of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isDirectory()) expect(entry.name).not.toMatch(/^\.tmp-/);
  }
}

describe('a full disk', () => {
  it('ends sugar run with the file, the errno and what was kept (exit 1); --resume finishes once there is space', async (ctx) => {
    const dir = tmpDir('sugar-full-disk-');
    const disk = path.join(dir, 'disk');
    const unmount = tinyDisk(disk, '200k');
    if (!unmount) return ctx.skip();
    try {
      const spec = diskSpec(dir);
      const out = path.join(disk, 'out');
      const full = await sugar(['run', spec, '--out', out, '--workers', '1']);
      expect(full.code).toBe(1);
      expect(full.out).toMatch(
        new RegExp(
          `sugar: could not write ${out}/runs/[0-9a-f]{12}/\\S+: ENOSPC \\(no space left on device, write\\); [^\\n]*\\. ${out}: ` +
            `runs/[0-9a-f]{12}: (checkpoint of epoch \\d+ kept|no checkpoint yet \\(it starts over\\)); \\d of 2 runs finished and kept; ` +
            `resume with \`sugar run '${spec}' --out '${out}' --resume\` once there is space\\n`,
        ),
      );
      expect(full.out).not.toMatch(/\n\s+at /); // no stack on the console
      expectWholeFiles(out);
      // A failed run's summary holds the message; its stack is a field of its own.
      for (const id of fs.readdirSync(path.join(out, 'runs'))) {
        const file = path.join(out, 'runs', id, 'summary.json');
        if (!fs.existsSync(file)) continue;
        const summary = JSON.parse(fs.readFileSync(file, 'utf8')) as { status: string; error?: string; stack?: string };
        if (summary.status !== 'failed') continue;
        expect(summary.error).toMatch(/^FileWriteError: could not write \S+: ENOSPC \(no space left on device, write\); [^\n]+$/);
        expect(summary.stack).toMatch(/\n\s+at /);
      }

      resizeDisk(disk, '64m');
      const resumed = await sugar(['run', spec, '--out', out, '--workers', '1', '--resume']);
      expect(resumed.out).toMatch(/disk: 2 completed, 0 diverged, 0 failed/);
      expect(resumed.code).toBe(0);
    } finally {
      unmount();
    }
  }, 300_000);

  it('ends sugar run-one and sugar report the same way, with the command that continues', async (ctx) => {
    const dir = tmpDir('sugar-full-disk-');
    const disk = path.join(dir, 'disk');
    const unmount = tinyDisk(disk, '200k');
    if (!unmount) return ctx.skip();
    try {
      const spec = diskSpec(dir);
      const out = path.join(disk, 'out');
      expect((await sugar(['run', spec, '--out', out, '--emit', 'slurm'])).code).toBe(0);
      const [id] = runIds(out);
      const one = await sugar(['run-one', out, id]);
      expect(one.code).toBe(1);
      expect(one.out).toMatch(
        new RegExp(
          `sugar: could not write ${out}/runs/${id}/\\S+: ENOSPC \\([^)]*\\); [^\\n]*\\. ${out}: runs/${id}: [^\\n]*; 0 of 2 runs finished and kept; ` +
            `rerun \`sugar run-one '${out}' ${id}\` once there is space\\n`,
        ),
      );
      expectWholeFiles(out);

      // The results on a disk with room, the report onto the full one.
      const results = path.join(dir, 'results');
      expect((await sugar(['run', spec, '--out', results, '--workers', '1', '--no-tensorboard'])).code).toBe(0);
      const report = await sugar(['report', results, '--out', path.join(disk, 'report')]);
      expect(report.code).toBe(1);
      expect(report.out).toMatch(
        new RegExp(
          `sugar: could not write ${disk}/report/\\S+: ENOSPC \\([^)]*\\); (nothing was written in its place|the previous \\S+ is kept as it was)\\. ` +
            `${results}: 2 of 2 runs finished and kept; rerun \`sugar report '${results}'\` once there is space\\n`,
        ),
      );
      expectWholeFiles(path.join(disk, 'report'));
    } finally {
      unmount();
    }
  }, 300_000);
});
