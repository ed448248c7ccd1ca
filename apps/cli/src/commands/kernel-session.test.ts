// The installed kernel as a person meets it in Jupyter: the interrupt button during a long fit and a sweep, errors,
// execution counts, live progress. Driven through jupyter_client and nbclient by tools/kernel/session_check.py.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installKernel } from './kernel';

const ROOT = path.resolve(__dirname, '..', '..', '..', '..');
const PYTHON = process.env.SUGAR_JUPYTER_PYTHON || '/usr/bin/python3';
const probe = spawnSync(PYTHON, ['-c', 'import nbclient, nbformat, jupyter_client'], { encoding: 'utf8' });
const noJupyter = probe.status === 0 ? '' : ` [SKIPPED: ${PYTHON} cannot import nbclient/nbformat/jupyter_client]`;
if (noJupyter) console.warn(`kernel-session.test.ts:${noJupyter}`);

interface Msg {
  type: string;
  content: Record<string, unknown> & { text?: string; ename?: string; evalue?: string; transient?: { display_id?: string } };
}
interface Exec {
  alive: boolean;
  returncode?: number;
  reply?: { status: string; execution_count?: number; ename?: string; evalue?: string; traceback?: string[] };
  messages: Msg[];
  interrupts: number;
}
interface Interrupted {
  define: Exec;
  long: Exec;
  stray?: Msg[];
  read?: Exec;
  dir?: string;
}

const saved = process.env.JUPYTER_DATA_DIR;
let tmp: string;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sugar-kernel-session-'));
  process.env.JUPYTER_DATA_DIR = path.join(tmp, 'jupyter');
  if (!noJupyter) installKernel({ user: true, python: PYTHON });
});
afterAll(() => {
  if (saved === undefined) delete process.env.JUPYTER_DATA_DIR;
  else process.env.JUPYTER_DATA_DIR = saved;
  fs.rmSync(tmp, { recursive: true, force: true });
});

function scenario<T>(name: string): T {
  const work = fs.mkdtempSync(path.join(tmp, `${name}-`));
  const out = path.join(work, 'result.json');
  const r = spawnSync(PYTHON, [path.join(ROOT, 'tools', 'kernel', 'session_check.py'), name, '--out', out, '--workdir', work], {
    encoding: 'utf8',
    env: { ...process.env, PYDEVD_DISABLE_FILE_VALIDATION: '1' },
    timeout: 400_000,
  });
  expect(fs.existsSync(out), `session_check.py ${name} wrote no result: ${r.stderr.slice(-2000)}`).toBe(true);
  return JSON.parse(fs.readFileSync(out, 'utf8')) as T;
}

const endLines = (dir: string) =>
  fs
    .readdirSync(dir)
    .map((id) =>
      fs
        .readFileSync(path.join(dir, id, 'metrics.jsonl'), 'utf8')
        .trim()
        .split('\n')
        .at(-1)!,
    )
    .map((l) => JSON.parse(l) as { type: string; status: string });

describe.skipIf(Boolean(noJupyter))(`the kernel in a Jupyter session${noJupyter}`, () => {
  it('interrupting a long fit stops it at the next step and keeps the kernel, its variables and the checkpoint', () => {
    const r = scenario<Interrupted>('interrupt-fit');
    expect(r.long.alive, `kernel died with ${r.long.returncode}`).toBe(true);
    expect(r.long.reply).toMatchObject({ status: 'error', ename: 'InterruptedError' });
    expect(r.long.reply!.evalue).toMatch(/^fit interrupted at step \d+, after epoch \d+; its checkpoint of epoch \d+ is kept/);
    expect(r.long.messages.some((m) => m.type === 'error' && m.content.ename === 'InterruptedError')).toBe(true);
    // Live progress: one display, updated in place.
    const displays = r.long.messages.filter((m) => m.type === 'display_data' || m.type === 'update_display_data');
    expect(displays[0].type).toBe('display_data');
    expect(new Set(displays.map((m) => m.content.transient?.display_id)).size).toBe(1);
    expect(displays.length).toBeGreaterThanOrEqual(3);
    // Nothing trains or prints after the cell ended, and the next cell sees what was defined before.
    expect(r.stray).toEqual([]);
    expect(r.read!.reply).toMatchObject({ status: 'ok' });
    expect(r.read!.messages.find((m) => m.type === 'execute_result')?.content).toMatchObject({ data: { 'text/plain': '43' } });
    expect(fs.readFileSync(path.join(r.dir!, 'LATEST'), 'utf8')).toMatch(/^epoch-\d+/);
  }, 420_000);

  it('interrupting runSweep (twice) stops its workers; the runs are interrupted with checkpoints and the kernel lives', () => {
    const r = scenario<Interrupted>('interrupt-sweep');
    expect(r.long.alive, `kernel died with ${r.long.returncode}`).toBe(true);
    expect(r.long.reply).toMatchObject({ status: 'error', ename: 'InterruptedError' });
    expect(r.long.reply!.evalue).toMatch(/^runSweep interrupted: \d+ run\(s\) stopped with their checkpoints.*resume: true/);
    expect(r.stray).toEqual([]);
    expect(r.read!.reply).toMatchObject({ status: 'ok' });
    // The sweep's display: one output, its table of running runs updated in place.
    const displays = r.long.messages.filter((m) => m.type === 'display_data' || m.type === 'update_display_data');
    expect(new Set(displays.map((m) => m.content.transient?.display_id)).size).toBe(1);
    expect(String((displays.at(-1)!.content.data as Record<string, string>)['text/plain'])).toMatch(/^kernel-interrupt: \d+\/12 ended.*\| ETA /);
    const runs = path.join(r.dir!, 'runs');
    const ends = endLines(runs);
    expect(ends.length).toBeGreaterThan(0);
    for (const e of ends) expect(e).toMatchObject({ type: 'end', status: 'interrupted' });
    for (const id of fs.readdirSync(runs)) {
      expect(fs.existsSync(path.join(runs, id, 'summary.json'))).toBe(false);
      expect(fs.existsSync(path.join(runs, id, 'checkpoint', 'LATEST'))).toBe(true);
    }
  }, 420_000);

  it('reports errors as IPython does: name, message and traceback, execution counts, and no request dropped after an error', () => {
    const r = scenario<{
      nbclient: { execution_count: number | null; outputs: (Msg['content'] & { output_type: string })[] }[];
      first: Exec;
      right_after: Exec;
    }>('errors');
    expect(r.nbclient.map((c) => c.execution_count)).toEqual([1, 2, 3, 4]);
    expect(r.nbclient[1].outputs[0]).toMatchObject({ output_type: 'error', ename: 'RangeError', evalue: 'boom: expected a positive width, found -3' });
    expect(r.nbclient[2].outputs[0]).toMatchObject({ output_type: 'error', ename: 'CompileError' });
    expect(r.nbclient[2].outputs[0].evalue).toMatch(/Type 'string' is not assignable to type 'number'/);
    expect(r.nbclient[3].outputs[0]).toMatchObject({ output_type: 'execute_result', data: { 'text/plain': '2' } });
    expect(r.first.reply).toMatchObject({ status: 'error', ename: 'Error', evalue: 'first' });
    expect(r.first.reply!.traceback![0]).toBe('Error: first');
    expect(r.right_after.reply).toMatchObject({ status: 'ok' });
  }, 300_000);
});
