import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { acquireLock, LockHeldError, lockStaleMs, readLock, tryAcquireLock, withLock, type LockOwner } from './lock';

// Child processes load the built module directly (not the index, which loads TensorFlow.js).
const LOCK_JS = path.resolve(__dirname, '..', 'dist', 'lock.js');

const dirs: string[] = [];
function tmpLock(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sugar-lock-'));
  dirs.push(dir);
  return path.join(dir, 'x.lock');
}
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

function deadPid(): number {
  return Number(spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout);
}

function fakeLock(file: string, owner: Partial<LockOwner>, ageS = 0): void {
  const full = { host: os.hostname(), pid: deadPid(), since: new Date().toISOString(), token: 'feedc0ffee', ...owner };
  fs.writeFileSync(file, JSON.stringify(full));
  const t = new Date(Date.now() - ageS * 1000);
  fs.utimesSync(file, t, t);
}

/** Spawns a process that tries to take `file`, prints `won <reason>` or `busy`, and holds what it took until its stdin closes. */
function contender(file: string, startAt: number) {
  const script = `
    const { tryAcquireLock } = require(${JSON.stringify(LOCK_JS)});
    while (Date.now() < ${startAt}) {}
    const held = tryAcquireLock(process.argv[1]);
    process.stdout.write(held ? 'won ' + held.tookOver + '\\n' : 'busy\\n');
    process.stdin.resume();
    process.stdin.on('end', () => process.exit(0));`;
  return spawn(process.execPath, ['-e', script, file], { stdio: ['pipe', 'pipe', 'inherit'] });
}

async function race(file: string, n: number): Promise<string[]> {
  const startAt = Date.now() + 1500; // every process loaded and spinning before the first one tries
  const kids = Array.from({ length: n }, () => contender(file, startAt));
  const lines = await Promise.all(kids.map((k) => new Promise<string>((resolve) => k.stdout.once('data', (d: Buffer) => resolve(d.toString().trim())))));
  await Promise.all(kids.map((k) => new Promise((r) => (k.on('exit', r), k.stdin.end()))));
  return lines;
}

describe('acquireLock', () => {
  it('is exclusive, names its holder when refused, and is gone once released', () => {
    const file = tmpLock();
    const a = acquireLock(file, { what: 'run abc' });
    expect(readLock(file)).toMatchObject({ pid: process.pid, host: os.hostname(), token: a.owner.token });
    let err: unknown;
    try {
      acquireLock(file, { what: 'run abc' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(LockHeldError);
    expect((err as Error).message).toMatch(new RegExp(`run abc is in use by process ${process.pid} on ${os.hostname()}`));
    expect(tryAcquireLock(file)).toBeUndefined();
    a.release();
    a.release();
    expect(fs.existsSync(file)).toBe(false);
    expect(fs.readdirSync(path.dirname(file))).toEqual([]); // no temp files left either
    acquireLock(file).release();
  });

  it('takes over a lock whose process on this host is gone', () => {
    const file = tmpLock();
    const pid = deadPid();
    fakeLock(file, { pid });
    const l = acquireLock(file);
    expect(l.tookOver).toBe(`process ${pid} on this host is gone`);
    expect(readLock(file)?.token).toBe(l.owner.token);
    l.release();
  });

  it('takes over even when a process was killed inside its takeover (its mutex left behind)', () => {
    const file = tmpLock();
    fakeLock(file, {});
    fakeLock(`${file}.takeover`, { token: 'mutex-of-the-dead' });
    const l = acquireLock(file);
    expect(l.tookOver).toMatch(/on this host is gone/);
    l.release();
    expect(fs.readdirSync(path.dirname(file))).toEqual([]);
  });

  it.skipIf(!fs.existsSync('/proc/self/stat'))('takes over a lock whose pid now belongs to another process', () => {
    const file = tmpLock();
    fakeLock(file, { pid: process.pid, procStart: '1' });
    const l = acquireLock(file);
    expect(l.tookOver).toMatch(/its pid now belongs to another process/);
    l.release();
  });

  it('refuses a fresh lock from another host and takes over one whose heartbeat is older than the timeout', () => {
    const file = tmpLock();
    fakeLock(file, { host: 'node-17', pid: 4242 }, 5);
    expect(() => acquireLock(file, { staleMs: 60_000, what: 'run r1' })).toThrow(
      /run r1 is in use by process 4242 on node-17 .*heartbeat 5(\.\d)? s ago.*taken over once its heartbeat is older than SUGAR_LOCK_STALE_S \(60 s\)/,
    );
    fakeLock(file, { host: 'node-17', pid: 4242 }, 90);
    const l = acquireLock(file, { staleMs: 60_000 });
    expect(l.tookOver).toMatch(/heartbeat from process 4242 on node-17 is 90(\.\d)? s old \(limit 60 s/);
    l.release();
  });

  it('reads its timeout from SUGAR_LOCK_STALE_S and rejects a bad value', () => {
    const old = process.env.SUGAR_LOCK_STALE_S;
    try {
      process.env.SUGAR_LOCK_STALE_S = '120';
      expect(lockStaleMs()).toBe(120_000);
      delete process.env.SUGAR_LOCK_STALE_S;
      expect(lockStaleMs()).toBe(60_000);
      process.env.SUGAR_LOCK_STALE_S = 'soon';
      expect(() => acquireLock(tmpLock())).toThrow(/SUGAR_LOCK_STALE_S: expected a positive number of seconds; found 'soon'/);
    } finally {
      if (old === undefined) delete process.env.SUGAR_LOCK_STALE_S;
      else process.env.SUGAR_LOCK_STALE_S = old;
    }
  });

  it('refreshes its heartbeat while held, and reports a lock taken from it', async () => {
    const file = tmpLock();
    const lost: (LockOwner | undefined)[] = [];
    const l = acquireLock(file, { heartbeatMs: 20, onLost: (_f, now) => lost.push(now) });
    const old = new Date(Date.now() - 3600_000);
    fs.utimesSync(file, old, old);
    await new Promise((r) => setTimeout(r, 120));
    expect(Date.now() - fs.statSync(file).mtimeMs).toBeLessThan(60_000);
    fakeLock(file, { host: 'other', pid: 1, token: 'someone-else' });
    await new Promise((r) => setTimeout(r, 120));
    expect(lost).toHaveLength(1);
    expect(lost[0]?.token).toBe('someone-else');
    l.release();
    expect(readLock(file)?.token).toBe('someone-else'); // release never removes another holder's lock
  });
});

describe('racing processes', () => {
  it('8 processes over one stale lock (dead pid): exactly one wins, each of 5 trials', async () => {
    for (let trial = 0; trial < 5; trial++) {
      const file = tmpLock();
      fakeLock(file, {});
      const lines = await race(file, 8);
      expect(
        lines.filter((l) => l.startsWith('won')),
        lines.join(', '),
      ).toHaveLength(1);
      expect(lines.filter((l) => l === 'busy')).toHaveLength(7);
      expect(fs.existsSync(file)).toBe(false); // the winner released it on exit
    }
  });

  it('8 processes over a stale lock from another host, and over no lock at all: exactly one wins', async () => {
    const file = tmpLock();
    fakeLock(file, { host: 'node-3', pid: 77 }, 3600);
    const over = await race(file, 8);
    // Exactly one winner, the process that took the stale lock over: the takeover renames its record over the stale
    // file, so there is no instant without a lock in which a plain create could win instead.
    expect(
      over.filter((l) => l.startsWith('won its heartbeat')),
      over.join(', '),
    ).toHaveLength(1);
    expect(
      over.filter((l) => l === 'busy'),
      over.join(', '),
    ).toHaveLength(7);
    const fresh = await race(file, 8);
    expect(
      fresh.filter((l) => l === 'won undefined'),
      fresh.join(', '),
    ).toHaveLength(1);
    expect(fs.readdirSync(path.dirname(file))).toEqual([]);
  });
});

describe('release when the process ends', () => {
  const holder = (file: string, then: string) =>
    spawn(process.execPath, ['-e', `require(${JSON.stringify(LOCK_JS)}).acquireLock(process.argv[1]); console.log('held'); ${then}`, file], {
      stdio: ['ignore', 'pipe', 'ignore'],
    });
  const held = (p: ReturnType<typeof holder>) => new Promise<void>((r) => p.stdout.once('data', () => r()));
  const exited = (p: ReturnType<typeof holder>) =>
    new Promise<{ code: number | null; signal: string | null }>((r) => p.on('exit', (code, signal) => r({ code, signal })));

  for (const sig of ['SIGTERM', 'SIGINT'] as const) {
    it(`on ${sig} (which still terminates the process)`, async () => {
      const file = tmpLock();
      const p = holder(file, 'setInterval(() => {}, 1000);');
      await held(p);
      expect(readLock(file)?.pid).toBe(p.pid);
      p.kill(sig);
      expect(await exited(p)).toEqual({ code: null, signal: sig });
      expect(fs.existsSync(file)).toBe(false);
    });
  }

  it('on exit and on an uncaught error', async () => {
    for (const then of ['process.exit(3)', 'setTimeout(() => { throw new Error("boom") }, 10)']) {
      const file = tmpLock();
      const p = holder(file, then);
      const code = (await exited(p)).code;
      expect(code === 3 || code === 1).toBe(true);
      expect(fs.existsSync(file)).toBe(false);
    }
  });

  it('after kill -9 the lock stays, and the next taker on this host takes it over', async () => {
    const file = tmpLock();
    const p = holder(file, 'setInterval(() => {}, 1000);');
    await held(p);
    p.kill('SIGKILL');
    await exited(p);
    expect(readLock(file)?.pid).toBe(p.pid);
    const l = acquireLock(file);
    expect(l.tookOver).toBe(`process ${p.pid} on this host is gone`);
    l.release();
  });
});

describe('withLock', () => {
  it('serialises holders in one process', async () => {
    const file = tmpLock();
    const order: string[] = [];
    const job = (tag: string) =>
      withLock(
        file,
        async () => {
          order.push(`${tag}+`);
          await new Promise((r) => setTimeout(r, 30));
          order.push(`${tag}-`);
        },
        { pollMs: 5 },
      );
    await Promise.all([job('a'), job('b')]);
    expect(order).toEqual(['a+', 'a-', 'b+', 'b-']);
    expect(fs.existsSync(file)).toBe(false);
  });
});
