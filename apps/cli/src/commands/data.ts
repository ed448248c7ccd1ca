import type { Command } from 'commander';
import {
  acceptedNames,
  dataDir,
  datasetCacheState,
  datasetFiles,
  fetchDataset,
  importDataset,
  listDatasets,
  verifyDataset,
  type DatasetCacheState,
  type DatasetInfo,
  type DatasetVerification,
  type ImportResult,
  type VerifiedForm,
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

const FORMS: Record<VerifiedForm, string> = {
  archive: 'the published file, verified byte for byte',
  regzipped: 're-gzipped copy, decompressed payload verified',
  decompressed: 'decompressed file, content verified',
  recompressed: 're-compressed archive, every member verified',
  unpacked: 'unpacked members, each verified',
};

const quote = (s: string) => (/^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);

/**
 * One line per dataset (name, kind, state, size on disk, location), each file of a dataset that is not
 * all verified or all missing, and what to do next: verify, or import a copy found on this machine.
 */
export function formatDataList(rows: DataListRow[], root: string): string {
  const body: string[][] = [];
  for (const { info, cache } of rows) {
    const size =
      cache.state === 'generated'
        ? '-'
        : cache.state === 'verified' || cache.state === 'unverified'
          ? formatBytes(cache.bytes)
          : `${formatBytes(cache.bytes)} of ${formatBytes(cache.expectedBytes)}`;
    body.push([info.name, info.kind, cache.state, size, cache.state === 'generated' ? '(generated from the seed)' : cache.dir]);
    if (cache.state !== 'verified' && cache.state !== 'missing' && cache.state !== 'generated')
      for (const f of cache.files) body.push([`  ${f.name}`, '', f.state, f.size === undefined ? '-' : formatBytes(f.size), f.path]);
  }
  const hints: string[] = [];
  const named = (state: string) => rows.filter((r) => r.cache.state === state).map((r) => r.info.name);
  if (named('unverified').length) hints.push(`unverified: not hashed yet, or changed since; check with \`sugar data verify ${named('unverified').join(' ')}\``);
  if (named('corrupt').length)
    hints.push(`corrupt: a file failed verification (\`sugar data verify\` shows what differs); the next load or fetch moves it to .quarantine/`);
  for (const { info, cache } of rows)
    for (const dir of cache.localCopies) hints.push(`${info.name}: a copy is on this machine in ${dir}: sugar data import ${quote(info.name)} ${quote(dir)}`);
  if (rows.some((r) => r.cache.state !== 'verified' && r.cache.state !== 'generated'))
    hints.push('bring local copies in (published, re-gzipped or decompressed files) with `sugar data import <name> <dir|files...>`');
  return (
    `data directory: ${root}  (SUGAR_DATA_DIR)\n` +
    table([['NAME', 'KIND', 'STATE', 'SIZE', 'LOCATION'], ...body]) +
    (hints.length ? `\n\n${hints.join('\n')}` : '')
  );
}

export function formatVerification(results: DatasetVerification[]): string {
  return results
    .map((r) => {
      const lines = r.files.map((f) => {
        const detail =
          f.state === 'mismatch'
            ? `: ${f.subject ? `${f.subject}: ` : ''}expected ${f.algorithm} ${f.expected}, found ${f.found}`
            : f.state === 'verified'
              ? `  (${FORMS[f.form!]}${f.checked === 'record' ? '; unchanged since last verified' : ''})`
              : '';
        return `  ${f.state.padEnd(8)}  ${f.path}${detail}`;
      });
      return `${r.dataset}: ${r.ok ? 'ok' : 'NOT OK'}\n${lines.join('\n')}`;
    })
    .join('\n');
}

/** What `sugar data import` did, file by file: from where, to where, in which form; what it refused and what it did not find. */
export function formatImport(r: ImportResult): string {
  const lines = r.imported.map((f) =>
    f.method === 'already verified'
      ? `  ${f.name}: already verified in the cache (${FORMS[f.form]})`
      : `  ${f.name}: ${f.method} ${f.from.length > 1 ? `${f.from.length} files from ${pathDir(f.from)}` : `from ${f.from[0]}`} (${FORMS[f.form]})\n      -> ${f.to.length > 1 ? pathDir(f.to) : f.to[0]}`,
  );
  for (const x of r.rejected)
    lines.push(
      `  refused ${x.from}: ${x.mismatch.subject ? `${x.mismatch.subject}: ` : ''}expected ${x.mismatch.algorithm} ${x.mismatch.expected}, found ${x.mismatch.found}`,
    );
  for (const name of r.notFound) {
    const entry = datasetFiles(r.dataset).find((e) => e.name === name);
    lines.push(`  not found: ${name} (looked for files named ${entry ? acceptedNames(entry).join(', ') : name})`);
  }
  for (const q of r.quarantined) lines.push(`  moved aside (failed verification): ${q}`);
  const done = r.imported.length;
  const total = datasetFiles(r.dataset).length;
  return `${r.dataset}: ${done} of ${total} files verified in ${r.dir}\n${lines.join('\n')}`;
}

function pathDir(paths: string[]): string {
  const parts = paths.map((p) => p.split('/'));
  const common: string[] = [];
  for (let i = 0; parts.every((p) => p.length > i + 1 && p[i] === parts[0][i]); i++) common.push(parts[0][i]);
  return `${common.join('/')}/`;
}

const fileBacked = () =>
  listDatasets()
    .filter((d) => d.files.length > 0)
    .map((d) => d.name);

/** `sugar data list | fetch <name...> | verify [name] | import <name> <sources...>`. */
export function registerDataCommand(program: Command): void {
  const data = program.command('data').description('list, download and verify datasets (cache: SUGAR_DATA_DIR, default <cache>/data)');
  registerDataList(data);
  registerDataFetch(data);
  registerDataVerify(data);
  registerDataImport(data);
}

function registerDataList(data: Command): void {
  data
    .command('list')
    .description('every dataset with its cache state (verified / unverified / corrupt / partial / missing / generated), size and location')
    .option('--json', 'print JSON')
    .action((opts: { json?: boolean }) => {
      const rows = listDatasets().map((info) => ({ info, cache: datasetCacheState(info.name) }));
      if (opts.json)
        console.log(
          JSON.stringify(
            rows.map((r) => ({ ...r.cache, title: r.info.title, description: r.info.description })),
            null,
            2,
          ),
        );
      else console.log(formatDataList(rows, dataDir()));
    });
}

function registerDataFetch(data: Command): void {
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
}

function registerDataVerify(data: Command): void {
  data
    .command('verify')
    .description(
      'check cached files against their pinned digests: the published file, or its decompressed content / archive members (every file-backed dataset when no name is given); exits 1 on a problem',
    )
    .argument('[name]', 'dataset name')
    .option('--json', 'print JSON')
    .option('--force', 're-hash files the verified-files record vouches for (unchanged size, mtime and inode)')
    .action(async (name: string | undefined, opts: { json?: boolean; force?: boolean }) => {
      const results = await verifyDataset(name, { force: opts.force });
      console.log(opts.json ? JSON.stringify(results, null, 2) : formatVerification(results));
      if (!results.every((r) => r.ok)) process.exitCode = 1;
    });
}

function registerDataImport(data: Command): void {
  data
    .command('import')
    .description(
      "copy (or hard-link) local copies of a dataset's files into the cache under their canonical names, verifying each (published, re-gzipped or decompressed IDX files, CIFAR archives or unpacked members); exits 1 unless every file is then verified",
    )
    .argument('<name>', `dataset name: ${fileBacked().join(', ')}`)
    .argument('<sources...>', 'directories (searched a few levels deep) or files')
    .option('--link', 'hard-link instead of copying (falls back to a copy across file systems)')
    .option('--json', 'print JSON')
    .action(async (name: string, sources: string[], opts: { link?: boolean; json?: boolean }) => {
      const result = await importDataset(name, sources, { link: opts.link });
      console.log(opts.json ? JSON.stringify(result, null, 2) : formatImport(result));
      if (result.imported.length < datasetFiles(name).length) process.exitCode = 1;
    });
}
