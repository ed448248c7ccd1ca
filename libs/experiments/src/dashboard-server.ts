import * as fs from 'node:fs';
import * as http from 'node:http';
import { plotlyBundle } from '@sugar-lab/plots';
import { DashboardData } from './dashboard-data';
import { dashboardPage } from './dashboard-page';

export interface DashboardOptions {
  /** Default 0: any free port. */
  port?: number;
  /** Default 127.0.0.1: the page shows file paths and configs, so it is not offered to the network unless asked. */
  host?: string;
  /** How often the directory is checked for new epochs (default 1000 ms). */
  pollMs?: number;
}

export interface Dashboard {
  url: string;
  /** Stops polling, ends every open page's event stream and closes the server; resolves once it is closed. */
  close(): Promise<void>;
}

/**
 * `sugar serve DIR`: a local web page for a results directory, finished or running. The page loads the sweep's
 * snapshot and curves as JSON, and reloads them when the server's poll of the directory sees a change, which it
 * announces as a server-sent event. plotly.js is served from this installation: no network is used.
 *
 * @param dir the results directory to show (a sweep's `--out`), finished or still running
 * @param opts `port` (default 0: any free port), `host` (default 127.0.0.1) and `pollMs`, how often the directory
 *   is checked for changes (default 1000 ms)
 */
export async function serveDashboard(dir: string, opts: DashboardOptions = {}): Promise<Dashboard> {
  const data = new DashboardData(dir);
  const clients = new Set<http.ServerResponse>();
  let version = data.version();
  const poll = setInterval(() => {
    if (!clients.size) return;
    const v = data.version();
    if (v === version) return;
    version = v;
    for (const res of clients) res.write(`event: change\ndata: ${Date.now()}\n\n`);
  }, opts.pollMs ?? 1000);
  poll.unref();

  const server = http.createServer((req, res) => {
    try {
      route(req, res);
    } catch (err) {
      send(res, 500, 'text/plain', `${(err as Error).message}\n`);
    }
  });

  function route(req: http.IncomingMessage, res: http.ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const p = url.pathname;
    if (p === '/') return send(res, 200, 'text/html; charset=utf-8', dashboardPage());
    if (p === '/favicon.ico') return send(res, 204, 'text/plain', '');
    if (p === '/plotly.min.js') return sendFile(res, plotlyBundle().file, 'text/javascript; charset=utf-8');
    if (p === '/api/sweep') return json(res, data.snapshot());
    if (p === '/api/curves')
      return json(res, Object.fromEntries(data.store.listRunIds().map((id) => [id, data.curves(id).map(({ epoch, scalars }) => ({ epoch, scalars }))])));
    const run = /^\/api\/run\/([0-9a-f]+)$/.exec(p);
    if (run) {
      const d = data.detail(run[1]);
      return d ? json(res, d) : send(res, 404, 'text/plain', `no run ${run[1]} in ${dir}\n`);
    }
    if (p === '/events') {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
      res.write(`event: hello\ndata: ${Date.now()}\n\n`);
      clients.add(res);
      req.on('close', () => clients.delete(res));
      return;
    }
    send(res, 404, 'text/plain', `not found: ${p}\n`);
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', () => resolve());
  });
  const address = server.address() as { address: string; port: number };
  const host = address.address.includes(':') ? `[${address.address}]` : address.address;
  return {
    url: `http://${host}:${address.port}/`,
    close: () =>
      new Promise<void>((resolve) => {
        clearInterval(poll);
        for (const res of clients) res.end();
        server.close(() => resolve());
      }),
  };
}

function send(res: http.ServerResponse, status: number, type: string, body: string): void {
  res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
  res.end(body);
}

function json(res: http.ServerResponse, value: unknown): void {
  // NaN and Infinity (a diverged run's loss) as null: JSON has no such numbers.
  send(
    res,
    200,
    'application/json',
    JSON.stringify(value, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v)),
  );
}

function sendFile(res: http.ServerResponse, file: string, type: string): void {
  res.writeHead(200, { 'content-type': type, 'cache-control': 'max-age=3600' });
  fs.createReadStream(file).pipe(res);
}
