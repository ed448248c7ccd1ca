import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DatasetChecksumError, DatasetUnavailableError } from './errors';
import { datasetCacheState, fetchDataset, verifyDataset } from './fetch';
import { loadDataset } from './load';
import { forgetUnreachable } from './reachability';
import { listTree, mnistFiles, registerFixture, sha256, tempDataDir } from './test-utils/fixtures';

interface Route {
  body: Buffer;
  /** Drop the connection after half the body, this many times. */
  drops?: number;
  /** Send half the body, then stall with the connection open, this many times. */
  stalls?: number;
  /** Ignore Range headers (answer 200 with the whole body). */
  noRange?: boolean;
  redirect?: string;
}

interface Server {
  base: string;
  requests: { url: string; range?: string }[];
  close(): Promise<void>;
}

async function serve(routes: Record<string, Route>): Promise<Server> {
  const requests: Server['requests'] = [];
  const server = http.createServer((req, res) => {
    requests.push({ url: req.url!, range: req.headers.range });
    const route = routes[req.url!];
    if (!route) return res.writeHead(404).end('not found');
    if (route.redirect) return res.writeHead(302, { location: route.redirect }).end();
    const m = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
    const start = m && !route.noRange ? Number(m[1]) : 0;
    const body = route.body.subarray(start);
    const headers: http.OutgoingHttpHeaders = { 'content-length': body.length, 'accept-ranges': 'bytes' };
    if (m && !route.noRange) {
      if (start >= route.body.length) return res.writeHead(416, { 'content-range': `bytes */${route.body.length}` }).end();
      headers['content-range'] = `bytes ${start}-${route.body.length - 1}/${route.body.length}`;
    }
    res.writeHead(m && !route.noRange ? 206 : 200, headers);
    if (route.drops) {
      route.drops--;
      res.write(body.subarray(0, body.length >> 1), () => setTimeout(() => res.socket?.destroy(), 20));
      return;
    }
    if (route.stalls) {
      route.stalls--;
      res.write(body.subarray(0, body.length >> 1));
      return;
    }
    res.end(body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    base: `http://127.0.0.1:${port}`,
    requests,
    close: () => {
      server.closeAllConnections();
      return new Promise((r) => server.close(() => r()));
    },
  };
}

let env: ReturnType<typeof tempDataDir>;
let restore: (() => void) | undefined;
let server: Server | undefined;
const savedOffline = process.env.SUGAR_OFFLINE;
beforeEach(() => {
  env = tempDataDir();
  delete process.env.SUGAR_OFFLINE;
});
afterEach(async () => {
  // A closed server's port may be reused by a later test's server: forget that it refused.
  forgetUnreachable();
  restore?.();
  restore = undefined;
  await server?.close();
  server = undefined;
  env.restore();
  if (savedOffline === undefined) delete process.env.SUGAR_OFFLINE;
  else process.env.SUGAR_OFFLINE = savedOffline;
});

const fast = { retries: 2, retryDelayMs: 1, timeoutMs: 5000, progress: false };
const routesFor = (dataset: string, files: Record<string, Buffer>, extra: Partial<Route> = {}) =>
  Object.fromEntries(Object.entries(files).map(([n, body]) => [`/${dataset}/${n}`, { body, ...extra }]));

describe('fetchDataset / verifyDataset / datasetCacheState (local HTTP mirror)', () => {
  it('downloads, verifies and then loads through the cache', async () => {
    const files = mnistFiles();
    restore = registerFixture('mnist', files);
    server = await serve(routesFor('mnist', files));
    expect(datasetCacheState('mnist').state).toBe('missing');
    const state = await fetchDataset('mnist', { ...fast, mirror: server.base + '/' });
    expect(state.state).toBe('verified');
    expect(state.bytes).toBe(Object.values(files).reduce((s, b) => s + b.length, 0));
    expect(state.files.every((f) => f.state === 'verified')).toBe(true);
    const ds = await loadDataset('mnist', { offline: true });
    expect(ds.train.length).toBe(6);
    expect(server.requests).toHaveLength(4);
    // Already verified: nothing is requested again.
    await fetchDataset('mnist', { ...fast, mirror: server.base });
    expect(server.requests).toHaveLength(4);
    expect(listTree(env.dir).filter((f) => !f.endsWith('.sugar-verified.json'))).toEqual(
      Object.keys(files)
        .map((n) => `mnist/${n}`)
        .sort(),
    );
  });

  it('takes the mirror from SUGAR_DATA_MIRROR', async () => {
    const files = mnistFiles();
    restore = registerFixture('mnist', files);
    server = await serve(routesFor('mnist', files));
    process.env.SUGAR_DATA_MIRROR = server.base;
    try {
      await loadDataset('mnist', fast);
    } finally {
      delete process.env.SUGAR_DATA_MIRROR;
    }
    expect(server.requests).toHaveLength(4);
  });

  it('resumes a dropped download with an HTTP Range request', async () => {
    const big = crypto.randomBytes(300_000);
    restore = registerFixture('cifar10', { 'cifar-10-binary.tar.gz': big });
    server = await serve({ '/cifar10/cifar-10-binary.tar.gz': { body: big, drops: 1 } });
    await fetchDataset('cifar10', { ...fast, mirror: server.base });
    expect(server.requests).toHaveLength(2);
    expect(server.requests[0].range).toBeUndefined();
    expect(server.requests[1].range).toMatch(/^bytes=\d+-$/);
    expect(Number(/\d+/.exec(server.requests[1].range!)![0])).toBeGreaterThan(0);
    expect(sha256(fs.readFileSync(path.join(env.dir, 'cifar10', 'cifar-10-binary.tar.gz')))).toBe(sha256(big));
    expect(listTree(env.dir)).toEqual(['cifar10/.sugar-verified.json', 'cifar10/cifar-10-binary.tar.gz']);
  });

  it('resumes a .part file left by an earlier process, and restarts when the server ignores Range', async () => {
    const big = crypto.randomBytes(100_000);
    restore = registerFixture('cifar10', { 'cifar-10-binary.tar.gz': big });
    const part = path.join(env.dir, 'cifar10', 'cifar-10-binary.tar.gz.part');
    fs.mkdirSync(path.dirname(part), { recursive: true });
    fs.writeFileSync(part, big.subarray(0, 40_000));
    expect(datasetCacheState('cifar10').state).toBe('partial');
    server = await serve({ '/cifar10/cifar-10-binary.tar.gz': { body: big } });
    await fetchDataset('cifar10', { ...fast, mirror: server.base });
    expect(server.requests.map((r) => r.range)).toEqual(['bytes=40000-']);
    expect(datasetCacheState('cifar10').state).toBe('verified');

    fs.rmSync(path.join(env.dir, 'cifar10'), { recursive: true });
    fs.mkdirSync(path.dirname(part), { recursive: true });
    fs.writeFileSync(part, big.subarray(0, 40_000));
    await server.close();
    server = await serve({ '/cifar10/cifar-10-binary.tar.gz': { body: big, noRange: true } });
    await fetchDataset('cifar10', { ...fast, mirror: server.base });
    expect(sha256(fs.readFileSync(path.join(env.dir, 'cifar10', 'cifar-10-binary.tar.gz')))).toBe(sha256(big));
  });

  it('gives up on a stalled connection after timeoutMs and resumes', async () => {
    const big = crypto.randomBytes(200_000);
    restore = registerFixture('cifar10', { 'cifar-10-binary.tar.gz': big });
    server = await serve({ '/cifar10/cifar-10-binary.tar.gz': { body: big, stalls: 1 } });
    await fetchDataset('cifar10', { ...fast, timeoutMs: 300, mirror: server.base });
    expect(server.requests.map((r) => r.range)).toEqual([undefined, 'bytes=100000-']);
    expect(datasetCacheState('cifar10').state).toBe('verified');
  });

  it('follows redirects', async () => {
    const files = { 'cifar-10-binary.tar.gz': crypto.randomBytes(5000) };
    restore = registerFixture('cifar10', files);
    server = await serve({
      '/cifar10/cifar-10-binary.tar.gz': { body: Buffer.alloc(0), redirect: '/elsewhere/c.tgz' },
      '/elsewhere/c.tgz': { body: files['cifar-10-binary.tar.gz'] },
    });
    expect((await fetchDataset('cifar10', { ...fast, mirror: server.base })).state).toBe('verified');
  });

  it('rejects a download whose checksum differs and leaves nothing in the cache', async () => {
    const good = crypto.randomBytes(50_000);
    const evil = Buffer.from(good);
    evil[100] ^= 1;
    restore = registerFixture('cifar10', { 'cifar-10-binary.tar.gz': good });
    server = await serve({ '/cifar10/cifar-10-binary.tar.gz': { body: evil } });
    const e = await fetchDataset('cifar10', { ...fast, mirror: server.base }).catch((x) => x);
    expect(e).toBeInstanceOf(DatasetChecksumError);
    expect([e.algorithm, e.expected, e.found, e.removed]).toEqual(['sha256', sha256(good), sha256(evil), true]);
    expect(e.url).toBe(`${server.base}/cifar10/cifar-10-binary.tar.gz`);
    expect(listTree(env.dir)).toEqual([]);
  });

  it('turns a network failure into an error listing the exact files and where to put them', async () => {
    const files = mnistFiles();
    restore = registerFixture('mnist', files);
    const dead = await serve({});
    const base = dead.base;
    await dead.close();
    const e = await loadDataset('mnist', { ...fast, mirror: base }).catch((x) => x);
    expect(e).toBeInstanceOf(DatasetUnavailableError);
    // Connection refused by the only mirror: the machine looks offline (reachability.test.ts).
    expect(e.reason).toBe('unreachable');
    expect(e.dir).toBe(path.join(env.dir, 'mnist'));
    for (const [name, body] of Object.entries(files)) {
      expect(e.message).toContain(name);
      expect(e.message).toContain(sha256(body));
      expect(e.message).toContain(`${body.length} bytes`);
    }
    expect(e.message).toContain(path.join(env.dir, 'mnist'));
    expect(e.causes.length).toBeGreaterThan(0);
    expect(listTree(env.dir)).toEqual([]);
  });

  it('reports HTTP errors (404) as unavailable', async () => {
    restore = registerFixture('cifar10', { 'cifar-10-binary.tar.gz': Buffer.from('x') });
    server = await serve({});
    const e = await fetchDataset('cifar10', { ...fast, mirror: server.base }).catch((x) => x);
    expect(e).toBeInstanceOf(DatasetUnavailableError);
    expect(e.message).toContain('HTTP 404');
    expect(server.requests).toHaveLength(1); // a 404 is not retried
  });

  it('offline (option or SUGAR_OFFLINE=1) never touches the network', async () => {
    restore = registerFixture('mnist', mnistFiles());
    server = await serve(routesFor('mnist', mnistFiles()));
    const e = await fetchDataset('mnist', { ...fast, mirror: server.base, offline: true }).catch((x) => x);
    expect(e).toBeInstanceOf(DatasetUnavailableError);
    expect(e.reason).toBe('offline');
    expect(e.files.map((f: { name: string }) => f.name)).toEqual(Object.keys(mnistFiles()));
    process.env.SUGAR_OFFLINE = '1';
    await expect(loadDataset('mnist', { ...fast, mirror: server.base })).rejects.toBeInstanceOf(DatasetUnavailableError);
    expect(server.requests).toHaveLength(0);
  });

  it('parallel fetches of one dataset download each file once', async () => {
    const big = crypto.randomBytes(200_000);
    restore = registerFixture('cifar10', { 'cifar-10-binary.tar.gz': big });
    server = await serve({ '/cifar10/cifar-10-binary.tar.gz': { body: big } });
    const states = await Promise.all([1, 2, 3].map(() => fetchDataset('cifar10', { ...fast, mirror: server!.base })));
    expect(states.map((s) => s.state)).toEqual(['verified', 'verified', 'verified']);
    expect(server.requests).toHaveLength(1);
  });

  it('verifyDataset reports mismatches and moves nothing, list says corrupt; fetch sets the file aside and repairs', async () => {
    const files = mnistFiles();
    restore = registerFixture('mnist', files, { write: env.dir });
    expect(datasetCacheState('mnist').state).toBe('unverified');
    let [v] = await verifyDataset('mnist');
    expect(v.ok).toBe(true);
    expect(datasetCacheState('mnist').state).toBe('verified');
    const file = path.join(env.dir, 'mnist', 'train-labels-idx1-ubyte.gz');
    fs.writeFileSync(file, Buffer.from('corrupt'));
    expect(datasetCacheState('mnist').files[1].state).toBe('unverified'); // changed since: not trusted, not hashed yet
    [v] = await verifyDataset('mnist');
    expect(v.ok).toBe(false);
    expect(v.files.find((f) => f.state === 'mismatch')).toMatchObject({ name: 'train-labels-idx1-ubyte.gz', algorithm: 'size' });
    expect(fs.readFileSync(file, 'utf8')).toBe('corrupt');
    expect(datasetCacheState('mnist')).toMatchObject({ state: 'corrupt' });
    expect(datasetCacheState('mnist').files[1].state).toBe('corrupt');
    server = await serve(routesFor('mnist', files));
    await fetchDataset('mnist', { ...fast, mirror: server.base });
    expect(server.requests.map((r) => r.url)).toEqual(['/mnist/train-labels-idx1-ubyte.gz']);
    expect((await verifyDataset('mnist'))[0].ok).toBe(true);
    const aside = listTree(env.dir).filter((f) => f.startsWith('mnist/.quarantine/'));
    expect(aside).toHaveLength(2); // the user's bad copy and its reason
    expect(
      fs.readFileSync(
        path.join(
          env.dir,
          aside.find((f) => !f.endsWith('.reason.txt'))!,
        ),
        'utf8',
      ),
    ).toBe('corrupt');
  });

  it('reports synthetic sets as generated and verifies every file-backed set when no name is given', async () => {
    expect(datasetCacheState('spirals').state).toBe('generated');
    const all = await verifyDataset();
    expect(all.map((v) => v.dataset)).toEqual(['mnist', 'fashion-mnist', 'kmnist', 'cifar10', 'cifar100']);
    expect(all.every((v) => !v.ok && v.files.every((f) => f.state === 'missing'))).toBe(true);
  });
});
