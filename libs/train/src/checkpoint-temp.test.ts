import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { saveCheckpoint } from './checkpoint';
import { createTempDir, STALE_TEMP_AGE_MS, sweepStaleTempDirs } from './checkpoint-temp';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sugar-ckpt-tmp-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

// A temp directory as another writer leaves it mid-save: a partial tensors.bin and its OWNER.
function foreignTemp(root: string, label: string, owner: { host: string; pid: number; createdAt: string }): string {
  const dir = path.join(root, `.tmp-epoch-000009-${owner.pid}-${label}`);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'OWNER'), JSON.stringify(owner));
  fs.writeFileSync(path.join(dir, 'tensors.bin'), Buffer.alloc(64));
  return dir;
}

const deadPid = () => spawnSync(process.execPath, ['-e', '0']).pid;
const hourAgo = () => new Date(Date.now() - STALE_TEMP_AGE_MS - 60_000).toISOString();

describe('checkpoint temp directories', () => {
  it("a save leaves another live writer's temp directory alone", async () => {
    const root = path.join(tmp, 'live');
    const other = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)']);
    try {
      const theirs = foreignTemp(root, 'aaaa', { host: os.hostname(), pid: other.pid!, createdAt: hourAgo() });
      const ownerless = path.join(root, '.tmp-epoch-000009-1-1'); // no OWNER: nobody can tell whose it is
      fs.mkdirSync(ownerless);
      saveCheckpoint(root, 1, {}, [], []);
      saveCheckpoint(root, 2, {}, [], []);
      expect(fs.existsSync(path.join(theirs, 'tensors.bin'))).toBe(true);
      expect(fs.existsSync(ownerless)).toBe(true);
      // our own temp directories were renamed into checkpoints: none of ours is left
      expect(fs.readdirSync(root).filter((n) => n.startsWith('.tmp-') && n.includes(`-${process.pid}-`))).toEqual([]);
    } finally {
      other.kill('SIGKILL');
    }
  });

  it("sweeps a dead writer's temp directory on this host only once it is over an hour old", () => {
    const root = path.join(tmp, 'dead');
    const pid = deadPid();
    const stale = foreignTemp(root, 'stale', { host: os.hostname(), pid, createdAt: hourAgo() });
    const young = foreignTemp(root, 'young', { host: os.hostname(), pid, createdAt: new Date().toISOString() });
    const elsewhere = foreignTemp(root, 'other-host', { host: `not-${os.hostname()}`, pid, createdAt: hourAgo() });
    saveCheckpoint(root, 1, {}, [], []);
    expect(fs.existsSync(stale)).toBe(false);
    expect(fs.existsSync(young)).toBe(true);
    expect(fs.existsSync(elsewhere)).toBe(true);
    // an hour later, the young one is stale too; the other host's still is not ours to judge
    expect(sweepStaleTempDirs(root, Date.now() + STALE_TEMP_AGE_MS + 60_000)).toEqual([young]);
    expect(fs.existsSync(elsewhere)).toBe(true);
  });

  it('names each temp directory by writer: pid and a random part, with an OWNER file', () => {
    const root = path.join(tmp, 'names');
    fs.mkdirSync(root);
    const a = createTempDir(root, 'epoch-000001');
    const b = createTempDir(root, 'epoch-000001');
    expect(a).not.toBe(b);
    for (const d of [a, b]) {
      expect(path.basename(d)).toMatch(new RegExp(`^\\.tmp-epoch-000001-${process.pid}-[0-9a-f]{8}$`));
      expect(JSON.parse(fs.readFileSync(path.join(d, 'OWNER'), 'utf8'))).toMatchObject({ host: os.hostname(), pid: process.pid });
    }
  });
});
