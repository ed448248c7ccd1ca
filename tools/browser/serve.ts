// A static file server for the bundled page (node:http, no dependency): `/wasm/` serves the wasm backend's binaries
// (what the page's setWasmPaths points at), everything else comes from the bundle's directory.
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';

const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.wasm': 'application/wasm', '.css': 'text/css' };

export interface StaticServer {
  url: string;
  close(): Promise<void>;
}

/**
 * Serves `dir` at `/` and `wasmDir` at `/wasm/` on a free port of 127.0.0.1.
 *
 * @param dir the bundle's directory
 * @param wasmDir the directory of tfjs-backend-wasm's .wasm files
 */
export async function serveStatic(dir: string, wasmDir: string): Promise<StaticServer> {
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const [root, rel] = url.pathname.startsWith('/wasm/') ? [wasmDir, url.pathname.slice(6)] : [dir, url.pathname.slice(1) || 'index.html'];
    const file = path.resolve(root, decodeURIComponent(rel));
    if (!file.startsWith(path.resolve(root) + path.sep) || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream' });
    fs.createReadStream(file).pipe(res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/`, close: () => new Promise<void>((resolve, reject) => server.close((e) => (e ? reject(e) : resolve()))) };
}
