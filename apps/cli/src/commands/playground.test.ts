import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PLAYGROUND_DIST, servePlayground, type PlaygroundServer } from './playground';

describe('sugar playground', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sugar-playground-'));
  let server: PlaygroundServer;

  beforeAll(async () => {
    fs.mkdirSync(path.join(dir, 'wasm'));
    fs.writeFileSync(path.join(dir, 'index.html'), '<!doctype html><title>playground</title>');
    fs.writeFileSync(path.join(dir, 'wasm', 'tfjs-backend-wasm.wasm'), Buffer.from([0, 0x61, 0x73, 0x6d]));
    fs.writeFileSync(path.join(os.tmpdir(), 'outside.txt'), 'secret');
    server = await servePlayground(dir, { port: 0 });
  });
  afterAll(() => server?.close());

  it('serves the page at / (with its query) and the wasm binaries with their type, on 127.0.0.1', async () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    const page = await fetch(`${server.url}?backend=wasm&act=relu`);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(await page.text()).toContain('<title>playground</title>');
    const wasm = await fetch(`${server.url}wasm/tfjs-backend-wasm.wasm`);
    expect(wasm.headers.get('content-type')).toBe('application/wasm');
    expect(new Uint8Array(await wasm.arrayBuffer())).toEqual(new Uint8Array([0, 0x61, 0x73, 0x6d]));
  });

  it('answers 404 for a missing file and for a path outside the build', async () => {
    expect((await fetch(`${server.url}nope.js`)).status).toBe(404);
    expect((await fetch(`${server.url}..%2Foutside.txt`)).status).toBe(404);
  });

  it('says how to build the playground when the directory has none', async () => {
    await expect(servePlayground(os.tmpdir())).rejects.toThrow(/no built playground in .* \(no index\.html\): build it with npm run build/);
    expect(PLAYGROUND_DIST).toBe(path.resolve(__dirname, '..', '..', '..', 'playground', 'dist'));
  });
});
