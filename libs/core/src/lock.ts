import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import { SugarError } from './errors';
import { isProcessAlive } from './fs-safe';

/**
 * Exclusive lock files shared by every writer in sugar-lab (a run, a results directory, a dataset download):
 * safe across processes, hosts on a shared file system, kill -9 and scheduler preemption.
 *
 * - Taking a lock is one atomic step: the owner record is written completely to a private temp file, which is
 *   then hard-linked to the lock's name (link fails if the name exists), so nobody ever sees a half-written lock.
 * - The holder refreshes the lock file's mtime (its heartbeat) every `heartbeatMs` on an unref'd timer.
 * - A lock is stale when its process on this host is gone (or the pid now belongs to another process), or, for
 *   another host, when its heartbeat is older than `staleMs` (env SUGAR_LOCK_STALE_S, default 60 s).
 * - Taking over a stale lock is serialised by a short-lived `<lock>.takeover` mutex: the taker checks that the
 *   file is still the lock it examined and renames its complete record over it in one step, so N processes
 *   racing over one stale lock give exactly one winner, the one that took it over.
 * - Locks are released by `release()`, on process exit, and on SIGTERM/SIGINT/SIGHUP when nothing else handles
 *   the signal (the signal then still terminates the process).
 */

/** Who holds a lock: what the lock file contains (one JSON object). */
export interface LockOwner {
  host: string;
  pid: number;
  /** When the lock was taken (ISO time). */
  since: string;
  /** Unique per acquisition: tells this holder's lock from a later one at the same path. */
  token: string;
  /** Linux: the boot and the process start time, so a reused pid or a reboot is not taken for the holder. */
  bootId?: string;
  procStart?: string;
}

export interface LockOptions {
  /** What the lock protects, for messages (e.g. `run 3fa2c1d09b7e`). */
  what?: string;
  /** A lock from another host whose heartbeat is older than this is stale (default: SUGAR_LOCK_STALE_S or 60 s). */
  staleMs?: number;
  /** How often the holder refreshes its heartbeat (default: staleMs / 6). */
  heartbeatMs?: number;
  /**
   * Called when a heartbeat finds the lock file gone or taken by someone else (default: a warning on stderr).
   *
   * @param file the lock file's path
   * @param now who holds the lock file now, or undefined when it is gone or unreadable
   */
  onLost?: (file: string, now: LockOwner | undefined) => void;
}

export interface WaitLockOptions extends LockOptions {
  /** How often to look again while the lock is held (default 250 ms). */
  pollMs?: number;
  signal?: AbortSignal;
}

/** A lock this process holds. */
export interface HeldLock {
  readonly file: string;
  readonly owner: LockOwner;
  /** Why the previous lock at this path was stale, when this acquisition took it over. */
  readonly tookOver?: string;
  /** Removes the lock file (if it is still this holder's); idempotent. */
  release(): void;
}

/** The lock is held by a live process (or one whose heartbeat is recent): `holder` says who. */
export class LockHeldError extends SugarError {
  /**
   * Makes the error; the message names what is locked, who holds it, the lock file, and whether to wait or when it
   * is taken over.
   *
   * @param file the lock file's path
   * @param what what the lock protects, as the message names it (a results directory, a run); default the file
   * @param holder who holds the lock (host, pid, since when), or undefined when the lock file cannot be read
   * @param heartbeatAgeMs milliseconds since the holder last refreshed its heartbeat (or since the unreadable file
   *   was written)
   * @param staleMs heartbeat age in milliseconds after which the lock counts as stale and is taken over
   */
  constructor(
    readonly file: string,
    readonly what: string,
    readonly holder: LockOwner | undefined,
    readonly heartbeatAgeMs: number,
    readonly staleMs: number,
  ) {
    super(heldMessage(file, what, holder, heartbeatAgeMs, staleMs));
  }
}

const DEFAULT_STALE_S = 60;
/** A lock file that cannot be parsed (another tool, or a file system without hard links mid-write) is stale after this. */
const UNREADABLE_GRACE_MS = 10_000;
/** The takeover mutex is held for microseconds; one older than this belongs to a process killed inside it. */
const MUTEX_STALE_MS = 10_000;
const MAX_ATTEMPTS = 200;

/** The heartbeat timeout: SUGAR_LOCK_STALE_S (seconds, > 0), else 60 s. */
export function lockStaleMs(): number {
  const raw = process.env.SUGAR_LOCK_STALE_S;
  if (raw === undefined || raw.trim() === '') return DEFAULT_STALE_S * 1000;
  const s = Number(raw);
  if (!Number.isFinite(s) || s <= 0) throw new SugarError(`SUGAR_LOCK_STALE_S: expected a positive number of seconds; found '${raw}'`);
  return s * 1000;
}

/**
 * Takes the lock or throws LockHeldError naming its holder. A stale lock is taken over (see `tookOver`).
 *
 * @param file the lock file
 * @param opts what the lock protects (for messages), when a lock is stale, the heartbeat, and what to do if it is lost
 */
export function acquireLock(file: string, opts: LockOptions = {}): HeldLock {
  const staleMs = opts.staleMs ?? lockStaleMs();
  const r = attempt(file, { ...opts, staleMs });
  if ('held' in r) return r.held;
  throw new LockHeldError(file, opts.what ?? file, r.busy.owner, r.busy.ageMs, staleMs);
}

/** Takes the lock, or returns undefined when a live holder has it. */
export function tryAcquireLock(file: string, opts: LockOptions = {}): HeldLock | undefined {
  const r = attempt(file, opts);
  return 'held' in r ? r.held : undefined;
}

/** Waits (polling) until the lock can be taken. */
export async function waitForLock(file: string, opts: WaitLockOptions = {}): Promise<HeldLock> {
  for (;;) {
    opts.signal?.throwIfAborted();
    const held = tryAcquireLock(file, opts);
    if (held) return held;
    await new Promise((r) => setTimeout(r, opts.pollMs ?? 250));
  }
}

/**
 * Runs `fn` holding the lock (waiting for it), and releases it however `fn` ends.
 *
 * @param file the lock file
 * @param fn what to run while holding the lock
 * @param opts how often to look again while it is held, an AbortSignal, and the options of `acquireLock`
 */
export async function withLock<T>(file: string, fn: () => Promise<T>, opts: WaitLockOptions = {}): Promise<T> {
  const held = await waitForLock(file, opts);
  try {
    return await fn();
  } finally {
    held.release();
  }
}

/** The owner record of a lock file, or undefined when there is none (or it cannot be read). */
export function readLock(file: string): LockOwner | undefined {
  return inspect(file)?.owner;
}

// ---------------------------------------------------------------- acquisition

interface Seen {
  owner: LockOwner | undefined;
  ino: number;
  mtimeMs: number;
  ageMs: number;
}

type Attempt = { held: HeldLock } | { busy: Seen };

function attempt(file: string, opts: LockOptions): Attempt {
  const staleMs = opts.staleMs ?? lockStaleMs();
  for (let i = 0; i < MAX_ATTEMPTS; i++) {
    const owner = newOwner();
    if (createExclusive(file, owner)) return { held: hold(file, owner, staleMs, opts) };
    const seen = inspect(file);
    if (!seen) continue; // released between our create and our look: try again
    const why = staleReason(seen, staleMs);
    if (!why) return { busy: seen };
    if (takeOver(file, seen, owner)) return { held: hold(file, owner, staleMs, opts, why) };
    sleepSync(2 + Math.random() * 10); // another process is taking it over: look again
  }
  throw new SugarError(`could not take the lock ${file} after ${MAX_ATTEMPTS} attempts (it keeps changing hands)`);
}

function newOwner(): LockOwner {
  const me = processIdentity(process.pid);
  return {
    host: os.hostname(),
    pid: process.pid,
    since: new Date().toISOString(),
    token: randomBytes(8).toString('hex'),
    ...(me.bootId ? { bootId: me.bootId } : {}),
    ...(me.procStart ? { procStart: me.procStart } : {}),
  };
}

/**
 * Creates `file` holding `owner`, failing if it exists. The record goes to a private temp file first and is
 * hard-linked into place, so the lock never exists half-written. File systems without hard links fall back
 * to O_EXCL (a reader may then briefly see an empty file, which counts as held until UNREADABLE_GRACE_MS).
 */
function createExclusive(file: string, owner: LockOwner): boolean {
  const text = JSON.stringify(owner) + '\n';
  const tmp = `${file}.${owner.host}.${owner.pid}.${owner.token}.tmp`;
  fs.writeFileSync(tmp, text, { flag: 'wx' });
  try {
    fs.linkSync(tmp, file);
    return true;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return false;
    // NFS may report a failed link that happened: the temp file then has two names.
    if (safeStat(tmp)?.nlink === 2) return true;
    if (code === 'EPERM' || code === 'ENOTSUP' || code === 'ENOSYS' || code === 'EOPNOTSUPP') return createWithoutLink(file, text);
    throw err;
  } finally {
    fs.rmSync(tmp, { force: true });
  }
}

function createWithoutLink(file: string, text: string): boolean {
  try {
    fs.writeFileSync(file, text, { flag: 'wx' });
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
}

function inspect(file: string): Seen | undefined {
  const st = safeStat(file);
  if (!st) return undefined;
  let owner: LockOwner | undefined;
  try {
    const parsed = JSON.parse(fs.readFileSync(file, 'utf8')) as Partial<LockOwner>;
    if (typeof parsed.pid === 'number' && typeof parsed.host === 'string' && typeof parsed.token === 'string') owner = parsed as LockOwner;
  } catch {
    owner = undefined; // removed meanwhile, or not one of ours
  }
  return { owner, ino: st.ino, mtimeMs: st.mtimeMs, ageMs: Date.now() - st.mtimeMs };
}

/** Why the lock `seen` may be taken over, or undefined while its holder is (or may be) alive. */
function staleReason(seen: Seen, staleMs: number): string | undefined {
  const o = seen.owner;
  if (!o) return seen.ageMs > UNREADABLE_GRACE_MS ? `the lock file is unreadable and ${seconds(seen.ageMs)} old` : undefined;
  if (o.host === os.hostname()) return localStaleReason(o);
  if (seen.ageMs > staleMs) {
    return `its heartbeat from process ${o.pid} on ${o.host} is ${seconds(seen.ageMs)} old (limit ${seconds(staleMs)}, SUGAR_LOCK_STALE_S)`;
  }
  return undefined;
}

function localStaleReason(o: LockOwner): string | undefined {
  if (!isProcessAlive(o.pid)) return `process ${o.pid} on this host is gone`;
  const now = processIdentity(o.pid);
  if (o.bootId && now.bootId && o.bootId !== now.bootId) return `it was taken before this host rebooted (process ${o.pid})`;
  if (o.procStart && now.procStart && o.procStart !== now.procStart) return `process ${o.pid} on this host is gone (its pid now belongs to another process)`;
  return undefined;
}

/**
 * Replaces the stale lock `seen` with ours. Under the takeover mutex only one process does this at a time, and
 * only while the file is still the lock examined; the replacement is one rename of our complete record over the
 * stale file, so there is no instant without a lock file in which a plain create could win instead.
 */
function takeOver(file: string, seen: Seen, owner: LockOwner): boolean {
  const mutex = `${file}.takeover`;
  if (!createExclusive(mutex, owner)) {
    const m = inspect(mutex);
    if (m && (m.ageMs > MUTEX_STALE_MS || (m.owner && m.owner.host === os.hostname() && localStaleReason(m.owner)))) removeIfSame(mutex, m);
    return false;
  }
  try {
    const now = inspect(file);
    if (!now) return createExclusive(file, owner);
    if (!sameLock(now, seen)) return false;
    const tmp = `${file}.${owner.host}.${owner.pid}.${owner.token}.tmp`;
    try {
      fs.writeFileSync(tmp, JSON.stringify(owner) + '\n', { flag: 'wx' });
      fs.renameSync(tmp, file);
    } finally {
      fs.rmSync(tmp, { force: true });
    }
    return inspect(file)?.owner?.token === owner.token;
  } finally {
    removeIfOwned(mutex, owner.token);
  }
}

function sameLock(a: Seen, b: Seen): boolean {
  if (a.owner && b.owner) return a.owner.token === b.owner.token;
  return !a.owner && !b.owner && a.ino === b.ino && a.mtimeMs === b.mtimeMs;
}

/** Removes `file` if it is still the lock `seen` (moved aside under a unique name first, then checked). */
function removeIfSame(file: string, seen: Seen): boolean {
  const aside = `${file}.stale.${os.hostname()}.${process.pid}.${randomBytes(6).toString('hex')}`;
  try {
    fs.renameSync(file, aside);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw err;
  }
  const got = inspect(aside);
  const same = got !== undefined && sameLock(got, seen);
  if (!same) {
    try {
      fs.linkSync(aside, file); // someone else's lock: put it back
    } catch {
      // A third process created a lock meanwhile; that one stands, and the holder we moved sees its loss at its next heartbeat.
    }
  }
  fs.rmSync(aside, { force: true });
  return same;
}

function removeIfOwned(file: string, token: string): void {
  const seen = inspect(file);
  if (seen?.owner?.token === token) removeIfSame(file, seen);
}

// ---------------------------------------------------------------- holding

const held = new Set<Held>();

class Held implements HeldLock {
  private timer: NodeJS.Timeout | undefined;
  private done = false;

  constructor(
    readonly file: string,
    readonly owner: LockOwner,
    heartbeatMs: number,
    private readonly onLost: (file: string, now: LockOwner | undefined) => void,
    readonly tookOver?: string,
  ) {
    this.timer = setInterval(() => this.beat(), heartbeatMs);
    this.timer.unref();
  }

  private beat(): void {
    const now = readLock(this.file);
    if (now?.token !== this.owner.token) {
      this.stop();
      this.onLost(this.file, now);
      return;
    }
    const t = new Date();
    try {
      fs.utimesSync(this.file, t, t);
    } catch {
      // Gone since the read: the next beat reports it.
    }
  }

  private stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  release(): void {
    if (this.done) return;
    this.done = true;
    this.stop();
    held.delete(this);
    if (held.size === 0) uninstallProcessHooks();
    removeIfOwned(this.file, this.owner.token);
  }
}

function hold(file: string, owner: LockOwner, staleMs: number, opts: LockOptions, tookOver?: string): HeldLock {
  const heartbeatMs = Math.max(10, opts.heartbeatMs ?? Math.floor(staleMs / 6));
  const lock = new Held(file, owner, heartbeatMs, opts.onLost ?? warnLost, tookOver);
  if (held.size === 0) installProcessHooks();
  held.add(lock);
  return lock;
}

function warnLost(file: string, now: LockOwner | undefined): void {
  const who = now ? `process ${now.pid} on ${now.host} took it over` : 'the lock file was removed';
  process.stderr.write(`warning: lost the lock ${file}: ${who} (was this process stalled for longer than SUGAR_LOCK_STALE_S?)\n`);
}

const SIGNALS = ['SIGTERM', 'SIGINT', 'SIGHUP'] as const;

function releaseAll(): void {
  for (const l of [...held]) l.release();
}

// With no handler of its own, a signal kills the process without an 'exit' event: release, then let it die.
function onSignal(sig: NodeJS.Signals): void {
  if (process.listenerCount(sig) > 1) return; // the application handles it (and releases on its way out)
  releaseAll();
  uninstallProcessHooks();
  process.kill(process.pid, sig);
}

function installProcessHooks(): void {
  process.on('exit', releaseAll);
  for (const s of SIGNALS) process.on(s, onSignal);
}

function uninstallProcessHooks(): void {
  process.off('exit', releaseAll);
  for (const s of SIGNALS) process.off(s, onSignal);
}

// ---------------------------------------------------------------- helpers

function processIdentity(pid: number): { bootId?: string; procStart?: string } {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Field 22 (starttime); the command name (field 2) may contain spaces, so count from its closing parenthesis.
    const procStart = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
    const bootId = fs.readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
    return { bootId, procStart };
  } catch {
    return {};
  }
}

function safeStat(file: string): fs.Stats | undefined {
  try {
    return fs.statSync(file);
  } catch {
    return undefined;
  }
}

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function seconds(ms: number): string {
  return `${Math.round(ms / 100) / 10} s`;
}

function heldMessage(file: string, what: string, o: LockOwner | undefined, ageMs: number, staleMs: number): string {
  const who = o ? `process ${o.pid} on ${o.host} (since ${o.since}, heartbeat ${seconds(ageMs)} ago)` : `an unreadable lock (${seconds(ageMs)} old)`;
  const hint =
    o && o.host !== os.hostname() ? `it is taken over once its heartbeat is older than SUGAR_LOCK_STALE_S (${seconds(staleMs)})` : 'wait for it to finish';
  return `${what} is in use by ${who}; lock file ${file}; ${hint}`;
}
