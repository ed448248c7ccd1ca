import type { Command } from 'commander';
import {
  dataDir,
  datasetCacheState,
  fetchDataset,
  listDatasets,
  verifyDataset,
  type DatasetCacheState,
  type DatasetInfo,
  type DatasetVerification,
} from '@sugar-lab/datasets';

export function formatBytes(n: number | undefined): string {
  if (n === undefined) return '?';
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB'];
  let v = n / 1024;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${v.toFixed(1)} ${units[u]}`;
}

function table(rows: string[][]): string {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  return rows.map((r) => r.map((cell, c) => (c === r.length - 1 ? cell : cell.padEnd(widths[c]))).join('  ')).join('\n');
}

export interface DataListRow {
  info: DatasetInfo;
  cache: DatasetCacheState;
}

/** One line per dataset: name, kind, cache state, size on disk (of the full set), location. */
export function formatDataList(rows: DataListRow[], root: string): string {
  const body = rows.map(({ info, cache }) => {
    const size =
      cache.state === 'generated'
        ? '-'
        : cache.state === 'verified' || cache.state === 'present'
          ? formatBytes(cache.bytes)
          : `${formatBytes(cache.bytes)} of ${formatBytes(cache.expectedBytes)}`;
    return [info.name, info.kind, cache.state, size, cache.state === 'generated' ? '(generated from the seed)' : cache.dir];
  });
  return `data directory: ${root}  (SUGAR_DATA_DIR)\n` + table([['NAME', 'KIND', 'STATE', 'SIZE', 'LOCATION'], ...body]);
}

export function formatVerification(results: DatasetVerification[]): string {
  return results
    .map((r) => {
      const lines = r.files.map((f) => {
        const detail = f.state === 'mismatch' ? `: expected ${f.algorithm} ${f.expected}, found ${f.found}` : '';
        return `  ${f.state.padEnd(8)}  ${f.path}${detail}`;
      });
      return `${r.dataset}: ${r.ok ? 'ok' : 'NOT OK'}\n${lines.join('\n')}`;
    })
    .join('\n');
}

const fileBacked = () => listDatasets().filter((d) => d.files.length > 0).map((d) => d.name);

/** `sugar data list | fetch <name...> | verify [name]`. */
export function registerDataCommand(program: Command): void {
  const data = program.command('data').description('list, download and verify datasets (cache: SUGAR_DATA_DIR, default <cache>/data)');

  data
    .command('list')
    .description('every dataset with its cache state (verified / present / partial / missing / generated), size and location')
    .option('--json', 'print JSON')
    .action((opts: { json?: boolean }) => {
      const rows = listDatasets().map((info) => ({ info, cache: datasetCacheState(info.name) }));
      if (opts.json) console.log(JSON.stringify(rows.map((r) => ({ ...r.cache, title: r.info.title, description: r.info.description })), null, 2));
      else console.log(formatDataList(rows, dataDir()));
    });

  data
    .command('fetch')
    .description("download and verify a dataset's files ('all' for every file-backed dataset); resumes interrupted downloads")
    .argument('<names...>', `dataset names: ${fileBacked().join(', ')}, or all`)
    .option('--offline', 'do not download: check the cache and list the exact files expected where they are missing (also SUGAR_OFFLINE=1)')
    .option('--mirror <url>', 'download from <url>/<dataset>/<file> instead of the canonical hosts (also SUGAR_DATA_MIRROR)')
    .option('--force', 're-hash files that are already marked verified')
    .action(async (names: string[], opts: { offline?: boolean; mirror?: string; force?: boolean }) => {
      const targets = names.includes('all') ? fileBacked() : names;
      for (const name of targets) {
        const state = await fetchDataset(name, { offline: opts.offline, mirror: opts.mirror, force: opts.force });
        const where = state.state === 'generated' ? 'synthetic: generated from the seed, nothing to fetch' : `${formatBytes(state.bytes)} in ${state.dir}`;
        console.log(`${name}: ${state.state} (${where})`);
      }
    });

  data
    .command('verify')
    .description('re-hash cached files against their pinned SHA-256 / MD5 (every file-backed dataset when no name is given); exits 1 on a problem')
    .argument('[name]', 'dataset name')
    .option('--json', 'print JSON')
    .action(async (name: string | undefined, opts: { json?: boolean }) => {
      const results = await verifyDataset(name);
      console.log(opts.json ? JSON.stringify(results, null, 2) : formatVerification(results));
      if (!results.every((r) => r.ok)) process.exitCode = 1;
    });
}
