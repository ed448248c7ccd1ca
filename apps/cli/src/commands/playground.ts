// `sugar playground`: serves the built playground (apps/playground/dist, a static site) from this machine, so the
// page trains on this browser's GPU with nothing else installed. Any static file server does the same.
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import type { Command } from 'commander';

/** Where `npm run build` puts the playground, from this file in apps/cli/dist/commands. */
export const PLAYGROUND_DIST = path.resolve(__dirname, '..', '..', '..', 'playground', 'dist');

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.wasm': 'application/wasm',
  '.json': 'application/json',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
};

export interface PlaygroundServer {
  url: string;
  close(): Promise<void>;
}

/**
 * Serves `dir` (a built playground: index.html, assets/, wasm/) over HTTP; a path outside it is a 404.
 *
 * @param dir the built playground
 * @param opts `port` (0: any free one) and `host` (default 127.0.0.1: this machine only)
 */
export async function servePlayground(dir: string, opts: { port?: number; host?: string } = {}): Promise<PlaygroundServer> {
  const root = path.resolve(dir);
  if (!fs.existsSync(path.join(root, 'index.html')))
    throw new Error(`no built playground in ${root} (no index.html): build it with npm run build (or npx nx run-many -t build -p @sugar-lab/playground)`);
  const server = http.createServer((req, res) => {
    const pathname = decodeURIComponent(new URL(req.url ?? '/', 'http://localhost').pathname);
    let file = path.resolve(root, `.${pathname}`);
    if (file === root || (fs.existsSync(file) && fs.statSync(file).isDirectory())) file = path.join(file, 'index.html');
    if (!file.startsWith(root + path.sep) || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end(`not found: ${pathname}\n`);
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream' });
    fs.createReadStream(file).pipe(res);
  });
  const host = opts.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(opts.port ?? 0, host, resolve));
  const { port } = server.address() as AddressInfo;
  const shown = host.includes(':') ? `[${host}]` : host === '0.0.0.0' ? '127.0.0.1' : host;
  return {
    url: `http://${shown}:${port}/`,
    close: () => new Promise<void>((resolve, reject) => server.close((e) => (e ? reject(e) : resolve()))),
  };
}

export function registerPlaygroundCommand(program: Command): void {
  program
    .command('playground')
    .description(
      'a local web page that trains ReLU and SUGAR side by side in the browser, on its GPU (webgpu, webgl; else wasm or cpu): live curves, decision boundaries, dead units per layer, and a URL that shares the setup; serves the static build of apps/playground',
    )
    .option('--port <n>', 'port (default: any free one)', (v) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 0 || n > 65535) throw new Error(`--port: expected an integer from 0 to 65535; found ${JSON.stringify(v)}`);
      return n;
    })
    .option('--host <address>', 'address to listen on (default 127.0.0.1: this machine only; 0.0.0.0 offers it to the network)', '127.0.0.1')
    .option('--dir <path>', 'serve another build of the playground', PLAYGROUND_DIST)
    .action(async (o: { port?: number; host: string; dir: string }) => {
      const s = await servePlayground(o.dir, { port: o.port, host: o.host });
      console.log(`sugar playground: ${s.url} (Ctrl-C to stop)`);
      await new Promise<void>((resolve) => process.once('SIGINT', resolve).once('SIGTERM', resolve));
      await s.close();
    });
}
