import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SlurmOptionError } from './errors';
import { expandGrid } from './grid';
import { readRunIds, runIdOfTask, runSingle } from './run-one';
import { RUN_ID_PATTERN } from './run-id';
import { checkSlurmTime, emitSlurm, shellQuote } from './slurm';
import { parseSpec } from './spec';
import { tinySpec } from './test-utils/tiny-spec';

const spec = () => parseSpec(tinySpec({ base: { dataset: { nTrain: 64, nTest: 32 }, model: { depth: 2, width: 4 } }, grid: { seed: [0, 1] } }));

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'slurm-emit-'));

describe('emitSlurm options', () => {
  it('accepts every Slurm time format and rejects anything else', () => {
    for (const t of ['30', '30:00', '12:00:00', '100:00:00', '2-12', '2-12:30', '2-12:30:15', 'UNLIMITED']) expect(checkSlurmTime(t)).toBe(t);
    for (const t of ['', '1h', '12:60', '1:00:60', '2-24', '-1', '1:2:3:4', '12:00:00 --mem=1', '1.5']) {
      expect(() => checkSlurmTime(t), t).toThrow(SlurmOptionError);
    }
  });

  it('checks --cpus, --time, --partition and the extra options before writing anything', () => {
    const bad: [Record<string, unknown>, RegExp][] = [
      [{ cpusPerTask: 'abc' }, /--cpus: expected a positive integer; found "abc"/],
      [{ cpusPerTask: '0' }, /--cpus: expected a positive integer; found "0"/],
      [{ cpusPerTask: 1.5 }, /--cpus: expected a positive integer; found 1.5/],
      [{ cpusPerTask: '2x' }, /--cpus/],
      [{ time: '24h' }, /--time: expected a Slurm time limit: MM, MM:SS, HH:MM:SS, D-HH, D-HH:MM or D-HH:MM:SS .*found "24h"/],
      [{ partition: 'gpu; rm -rf ~' }, /--partition: expected a Slurm partition name .*found "gpu; rm -rf ~"/],
      [{ partition: '' }, /--partition/],
      [{ maxParallel: -1 }, /maxParallel: expected a positive integer/],
      [{ extra: ['--gres=gpu:1\nrm -rf /'] }, /extra #SBATCH option/],
    ];
    for (const [opts, msg] of bad) {
      const out = path.join(tmp(), 'out');
      expect(() => emitSlurm(spec(), { out, ...opts }), JSON.stringify(opts)).toThrow(msg);
      expect(fs.existsSync(out)).toBe(false);
    }
    const out = path.join(tmp(), 'a"b');
    expect(() => emitSlurm(spec(), { out })).toThrow(/--out: expected a directory path without double quotes/);
    expect(fs.existsSync(out)).toBe(false);
  });

  it('writes a partition list and the extra options', () => {
    const { script } = emitSlurm(spec(), {
      out: tmp(),
      partition: 'gpu,gpu-long',
      cpusPerTask: '8',
      time: '2-00:00:00',
      maxParallel: 3,
      extra: ['--gres=gpu:1'],
    });
    const text = fs.readFileSync(script, 'utf8');
    for (const l of [
      '#SBATCH --array=0-1%3',
      '#SBATCH --partition=gpu,gpu-long',
      '#SBATCH --cpus-per-task=8',
      '#SBATCH --time=2-00:00:00',
      '#SBATCH --gres=gpu:1',
    ]) {
      expect(text).toContain(l);
    }
  });
});

describe('the emitted script', () => {
  it('quotes every path: an --out with a space, a quote and a % runs as written (the task run with bash, as sbatch would)', () => {
    const out = path.join(tmp(), "my runs/it's 100% done");
    const cli = path.join(path.dirname(path.dirname(out)), 'fake cli.js');
    // A stand-in CLI that records the arguments it gets, to check the words the script passes.
    fs.writeFileSync(cli, 'require("fs").writeFileSync(process.argv[3] + "/args.json", JSON.stringify(process.argv.slice(2)))');
    const { script } = emitSlurm(spec(), { out, command: `${shellQuote(process.execPath)} ${shellQuote(cli)}` });
    const text = fs.readFileSync(script, 'utf8');
    expect(text).toContain(`#SBATCH --output="${path.dirname(out)}/it's 100%% done/slurm/%A_%a.out"`);
    expect(spawnSync('bash', ['-n', script]).status).toBe(0);
    // The stand-in writes into the directory it is given, which must arrive as one word.
    const r = spawnSync('bash', [script], { env: { ...process.env, SLURM_ARRAY_TASK_ID: '1' }, encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(fs.readFileSync(path.join(out, 'args.json'), 'utf8'))).toEqual(['run-one', out, '--task', '1']);
  });

  it('lists plain run ids; run-one maps an array task index to its id and refuses ids that leave the directory', async () => {
    const out = tmp();
    emitSlurm(spec(), { out });
    const ids = readRunIds(out);
    expect(ids).toEqual(expandGrid(spec()).map((r) => r.id));
    for (const id of ids) expect(id).toMatch(RUN_ID_PATTERN);
    expect(runIdOfTask(out, '1')).toBe(ids[1]);
    expect(() => runIdOfTask(out, 2)).toThrow(/run-one --task .*lists 2 runs\): expected an array task index from 0 to 1; found "2"/);
    expect(() => runIdOfTask(out, '-1')).toThrow(/found "-1"/);
    await expect(runSingle(out, `../${path.basename(out)}`)).rejects.toThrow(/run-one: expected a run id \(12 hex digits/);
    fs.writeFileSync(path.join(out, 'run-ids.txt'), `${ids[0]}\n../../x\n`);
    expect(() => readRunIds(out)).toThrow(new RegExp(`run-ids.txt:2: expected a run id .*found "../../x"`));
  });
});
