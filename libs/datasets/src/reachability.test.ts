import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DatasetUnavailableError } from './errors';
import { fetchDataset } from './fetch';
import { loadDataset } from './load';
import { overrideDatasetFiles } from './manifest';
import { forgetUnreachable, knownUnreachable, markUnreachable, unreachableReason } from './reachability';
import { listTree, mnistFiles, registerFixture, tempDataDir } from './test-utils/fixtures';

// `.invalid` never resolves (RFC 2606): what a download meets on a machine without DNS, with the real download code.
const NOWHERE = 'http://sugar-lab-mirror.invalid';
// The defaults a notebook gets: 3 retries with a doubling backoff. Attempts are counted in the error's causes.
const defaults = { progress: false };

let env: ReturnType<typeof tempDataDir>;
let undo: (() => void) | undefined;
const saved = { search: process.env.SUGAR_DATA_SEARCH_PATH, offline: process.env.SUGAR_OFFLINE };
beforeEach(() => {
  env = tempDataDir();
  forgetUnreachable();
  delete process.env.SUGAR_OFFLINE;
  // No copies on this machine unless a test puts one there: the message must not depend on installed packages.
  process.env.SUGAR_DATA_SEARCH_PATH = '';
});
afterEach(() => {
  undo?.();
  undo = undefined;
  env.restore();
  forgetUnreachable();
  for (const [k, v] of [
    ['SUGAR_DATA_SEARCH_PATH', saved.search],
    ['SUGAR_OFFLINE', saved.offline],
  ] as const) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
});

/** A port on which nothing listens: a server started and closed. */
async function closedPort(): Promise<string> {
  const server = http.createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((r) => server.close(() => r()));
  return `http://127.0.0.1:${port}`;
}

describe('unreachableReason', () => {
  it('names DNS failures and refused connections, and nothing else', () => {
    const err = (code: string) => Object.assign(new Error(code), { code });
    expect(unreachableReason(err('ENOTFOUND'))).toBe('the host name does not resolve (ENOTFOUND)');
    expect(unreachableReason(err('EAI_AGAIN'))).toMatch(/does not resolve.*EAI_AGAIN/);
    expect(unreachableReason(err('ECONNREFUSED'))).toBe('connection refused (ECONNREFUSED)');
    expect(unreachableReason(err('ECONNRESET'))).toBeUndefined();
    expect(unreachableReason(err('ETIMEDOUT'))).toBeUndefined();
    expect(unreachableReason(new Error('no code'))).toBeUndefined();
  });

  it('keeps a verdict per origin', () => {
    markUnreachable('http://a.invalid/x/y.gz', 'why');
    expect(knownUnreachable('http://a.invalid/other.gz')).toBe('why');
    expect(knownUnreachable('https://a.invalid/x/y.gz')).toBeUndefined();
    expect(knownUnreachable('http://a.invalid:8080/x/y.gz')).toBeUndefined();
  });
});

describe('a missing dataset on a machine that cannot reach the download hosts', () => {
  it('fails after one attempt, without retries, and names the import command and the Debian package', async () => {
    const e = await loadDataset('fashion-mnist', { ...defaults, mirror: NOWHERE }).catch((x) => x);
    expect(e).toBeInstanceOf(DatasetUnavailableError);
    expect(e.reason).toBe('unreachable');
    // One try of the first file; the other three come from the same host and are not tried.
    expect(e.causes).toHaveLength(1);
    expect(e.causes[0]).toMatch(/^http:\/\/sugar-lab-mirror\.invalid\/fashion-mnist\/train-images-idx3-ubyte\.gz: .*(ENOTFOUND|EAI_AGAIN)/);
    expect(e.files).toHaveLength(4);
    // What to do on the first line: a sweep's summary of failed runs keeps only that.
    const [first, how] = e.message.split('\n');
    expect(first).toBe(
      "dataset 'fashion-mnist' is not in the cache, and no download host can be reached (this machine looks offline): " +
        'Debian and Ubuntu package it: `sudo apt-get install dataset-fashion-mnist`, then `sugar data import fashion-mnist /usr/share/datasets/fashion-mnist`.',
    );
    expect(how).toMatch(/^Tried once, not retried: http:\/\/sugar-lab-mirror\.invalid\/.*\. Loads in this process will not ask these hosts again/);
    expect(listTree(env.dir).filter((f) => !f.endsWith('.lock'))).toEqual([]);
  });

  it('names the copy installed on this machine first', async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'sugar-share-'));
    try {
      fs.mkdirSync(path.join(root, 'fashion-mnist'));
      fs.writeFileSync(path.join(root, 'fashion-mnist', 'train-images-idx3-ubyte.gz'), 'a copy');
      process.env.SUGAR_DATA_SEARCH_PATH = root;
      const e = await loadDataset('fashion-mnist', { ...defaults, mirror: NOWHERE }).catch((x) => x);
      expect(e.message.split('\n')[0]).toMatch(
        new RegExp(`: bring in the copy in ${root}/fashion-mnist with \`sugar data import fashion-mnist ${root}/fashion-mnist\`\\.$`),
      );
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });

  it('remembers the verdict: the next load in the process asks no host, an explicit fetch asks again', async () => {
    const first = await loadDataset('fashion-mnist', { ...defaults, mirror: NOWHERE }).catch((x) => x);
    expect(first.causes).toHaveLength(1);
    const second = await loadDataset('fashion-mnist', { ...defaults, mirror: NOWHERE }).catch((x) => x);
    expect(second.reason).toBe('unreachable');
    expect(second.causes).toEqual([
      `${NOWHERE}/fashion-mnist/train-images-idx3-ubyte.gz: the host name does not resolve (${/EAI_AGAIN/.test(first.causes[0]) ? 'no DNS answer) (EAI_AGAIN' : 'ENOTFOUND'}), found earlier in this process; not tried again`,
    ]);
    const fetched = await fetchDataset('fashion-mnist', { ...defaults, mirror: NOWHERE }).catch((x) => x);
    expect(fetched.reason).toBe('unreachable');
    expect(fetched.causes[0]).not.toMatch(/earlier in this process/);
  });

  it('stops at once when every mirror refuses the connection', async () => {
    undo = registerFixture('mnist', mnistFiles());
    const mirrors = [await closedPort(), await closedPort()];
    const restoreUrls = overrideDatasetFiles('mnist', (pinned) => pinned.map((f) => ({ ...f, urls: mirrors.map((m) => `${m}/mnist/${f.name}`) })));
    try {
      const e = await loadDataset('mnist', defaults).catch((x) => x);
      expect(e).toBeInstanceOf(DatasetUnavailableError);
      expect(e.reason).toBe('unreachable');
      // One attempt per mirror, no retry round.
      expect(e.causes).toHaveLength(2);
      expect(e.causes.every((c: string) => /ECONNREFUSED/.test(c))).toBe(true);
    } finally {
      restoreUrls();
    }
  });
});
