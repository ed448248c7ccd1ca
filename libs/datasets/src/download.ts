import * as fs from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import { pipeline } from 'node:stream/promises';
import { SingleBar } from 'cli-progress';
import * as crypto from 'node:crypto';
import * as path from 'node:path';
import { partPath } from './cache';
import { checksumError, digestFile, digestMismatch, type FileDigest } from './digest';
import { DatasetError } from './errors';
import type { DataFile } from './manifest';
import { knownUnreachable, markUnreachable, unreachableReason } from './reachability';
import { rememberVerified } from './verify';

export interface DownloadOptions {
  /** Extra attempts after the first, each resuming the `.part` file with an HTTP Range request (default 3). */
  retries?: number;
  /** Wait before the first retry, doubled after each (default 1000 ms). */
  retryDelayMs?: number;
  /** Give up on a connection that sends nothing for this long (default 30000 ms). */
  timeoutMs?: number;
  /** Progress bar on stderr; default: when stderr is a TTY. */
  progress?: boolean;
}

/** Every URL failed for network reasons (connection, timeout, HTTP status). */
export class DownloadFailedError extends DatasetError {
  constructor(
    readonly file: string,
    readonly causes: string[],
    /** True when no URL's host could be reached (no DNS answer, connection refused): the machine looks offline. */
    readonly unreachable = false,
  ) {
    super(`${file}: download failed: ${causes.join('; ')}`);
  }
}

class HttpFailure extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
    /** Set when the host itself cannot be reached: why (see reachability.ts). */
    readonly unreachable?: string,
  ) {
    super(message);
  }
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

function get(url: string, start: number, timeoutMs: number, hops = 0): Promise<{ res: http.IncomingMessage; url: string }> {
  const mod = url.startsWith('https:') ? https : http;
  const headers: Record<string, string> = { 'user-agent': 'sugar-lab-datasets', 'accept-encoding': 'identity' };
  if (start > 0) headers.range = `bytes=${start}-`;
  return new Promise((resolve, reject) => {
    const req = mod.get(url, { headers, timeout: timeoutMs }, (res) => {
      const status = res.statusCode ?? 0;
      if (REDIRECTS.has(status) && res.headers.location) {
        res.resume();
        if (hops >= 5) return reject(new HttpFailure(`more than 5 redirects from ${url}`, false));
        return resolve(get(new URL(res.headers.location, url).toString(), start, timeoutMs, hops + 1));
      }
      resolve({ res, url });
    });
    req.on('timeout', () => req.destroy(new HttpFailure(`no data for ${timeoutMs} ms`, true)));
    req.on('error', (err) => {
      if (err instanceof HttpFailure) return reject(err);
      const unreachable = unreachableReason(err);
      // Kept for the host actually asked (a redirect's target), so no later download waits on it again.
      if (unreachable) markUnreachable(url, unreachable);
      reject(new HttpFailure(err.message, !unreachable, unreachable));
    });
  });
}

/** Appends the rest of `url` to `part` (resuming from its current size); returns when the body is complete. */
async function fetchToPart(url: string, part: string, entry: DataFile, opts: Required<Omit<DownloadOptions, 'progress'>> & { progress: boolean }) {
  let start = fs.existsSync(part) ? fs.statSync(part).size : 0;
  if (entry.size !== undefined && start > entry.size) {
    fs.rmSync(part);
    start = 0;
  }
  if (entry.size !== undefined && start === entry.size) return; // complete; a crash came before the rename
  const { res } = await get(url, start, opts.timeoutMs);
  const status = res.statusCode ?? 0;
  if (status === 416) {
    res.resume();
    const total = /\/(\d+)$/.exec(String(res.headers['content-range'] ?? ''));
    if (start > 0 && total && Number(total[1]) === start) return;
    fs.rmSync(part, { force: true });
    throw new HttpFailure(`HTTP 416 for bytes ${start}-`, true);
  }
  if (status !== 200 && status !== 206) {
    res.resume();
    throw new HttpFailure(`HTTP ${status}`, status >= 500 || status === 429 || status === 408);
  }
  if (status === 206) {
    const m = /^bytes (\d+)-\d+\/(\d+|\*)$/.exec(String(res.headers['content-range'] ?? ''));
    if (!m || Number(m[1]) !== start) {
      res.resume();
      fs.rmSync(part, { force: true });
      throw new HttpFailure(`HTTP 206 with Content-Range ${res.headers['content-range']} for a request from byte ${start}`, true);
    }
  } else start = 0; // the server ignored the Range header: start over
  const length = res.headers['content-length'] !== undefined ? Number(res.headers['content-length']) : undefined;
  const total = entry.size ?? (length !== undefined ? start + length : undefined);
  let got = 0;
  const mib = (n: number) => (n / 1048576).toFixed(1);
  const bar =
    opts.progress && total
      ? new SingleBar({ format: `${entry.name} [{bar}] {percentage}% {got}/{size} MiB | ETA {eta_formatted}`, hideCursor: true })
      : undefined;
  bar?.start(total!, start, { got: mib(start), size: mib(total!) });
  try {
    await pipeline(
      res,
      async function* (src: AsyncIterable<Buffer>) {
        for await (const chunk of src) {
          got += chunk.length;
          bar?.update(start + got, { got: mib(start + got) });
          yield chunk;
        }
      },
      fs.createWriteStream(part, { flags: status === 206 ? 'a' : 'w' }),
    );
  } catch (err) {
    throw err instanceof HttpFailure ? err : new HttpFailure(`connection lost after ${start + got} bytes: ${(err as Error).message}`, true);
  } finally {
    bar?.stop();
  }
  if (length !== undefined && got !== length) throw new HttpFailure(`connection closed after ${start + got} of ${start + length} bytes`, true);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Takes the resumable `dest.part` over under a name of this writer's own, so that everything this
 * download removes or truncates is its own file; `release` hands an unfinished one back under the
 * shared name for the next attempt to resume.
 */
function claimPart(dest: string): { file: string; release(): void } {
  const shared = partPath(dest);
  const file = `${shared}-${process.pid}-${crypto.randomBytes(4).toString('hex')}`;
  try {
    fs.renameSync(shared, file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  return {
    file,
    release() {
      if (fs.existsSync(file)) fs.renameSync(file, shared);
    },
  };
}

/**
 * Downloads `entry` to `dest` through a `.part` file: resumes with HTTP Range after a dropped connection,
 * verifies size and every pinned digest, and only then renames into place, so `dest` is never partial.
 * A digest mismatch discards the download (this writer's own temporary file) and tries the next URL; it
 * is reported as a DatasetChecksumError if no URL yields the pinned file. Callers hold the file's lock.
 */
export async function downloadFile(entry: DataFile, urls: string[], dest: string, options: DownloadOptions = {}): Promise<FileDigest> {
  const opts = {
    retries: options.retries ?? 3,
    retryDelayMs: options.retryDelayMs ?? 1000,
    timeoutMs: options.timeoutMs ?? 30000,
    progress: options.progress ?? Boolean(process.stderr.isTTY),
  };
  const part = claimPart(dest);
  try {
    return await downloadInto(part.file, entry, urls, dest, opts);
  } finally {
    part.release();
  }
}

async function downloadInto(part: string, entry: DataFile, urls: string[], dest: string, opts: Required<DownloadOptions>): Promise<FileDigest> {
  const causes: string[] = [];
  const dead = new Set<string>();
  // URLs whose host could not be reached, now or earlier in this process: if that is all of them, the machine is offline.
  const unreachable = new Set<string>();
  for (const url of urls) {
    const known = knownUnreachable(url);
    if (known === undefined) continue;
    causes.push(`${url}: ${known}, found earlier in this process; not tried again`);
    dead.add(url);
    unreachable.add(url);
  }
  let mismatch: { err: Error } | undefined;
  for (let attempt = 0; attempt <= opts.retries && dead.size < urls.length; attempt++) {
    if (attempt > 0) await sleep(opts.retryDelayMs * 2 ** (attempt - 1));
    for (const url of urls) {
      if (dead.has(url)) continue;
      try {
        await fetchToPart(url, part, entry, opts);
      } catch (err) {
        const failure = err as HttpFailure;
        causes.push(`${url}: ${failure.message}`);
        if (!failure.retryable) dead.add(url);
        if (failure.unreachable) unreachable.add(url);
        continue;
      }
      const digest = await digestFile(part);
      const bad = digestMismatch(entry, digest);
      if (bad) {
        fs.rmSync(part, { force: true });
        dead.add(url);
        mismatch = { err: checksumError(dest, bad, { removed: true, url }) };
        causes.push(`${url}: ${bad.algorithm} mismatch`);
        continue;
      }
      fs.renameSync(part, dest);
      rememberVerified(path.dirname(dest), entry, path.basename(dest), 'archive');
      return digest;
    }
  }
  if (mismatch) throw mismatch.err;
  throw new DownloadFailedError(dest, causes, unreachable.size === urls.length);
}
