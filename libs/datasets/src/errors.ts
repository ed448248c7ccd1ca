import { didYouMean } from '@sugar-lab/core';
import { distributionPackage } from './distributions';

/** Base class of every error this library throws on purpose. */
export class DatasetError extends Error {
  /**
   * Makes the error; its `name` is the concrete subclass's name.
   *
   * @param message the full human-readable message: what was expected, what was found and where
   */
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

export type FormatErrorCode =
  | 'gzip'
  | 'tar-header'
  | 'tar-checksum'
  | 'tar-truncated'
  | 'tar-unsafe-path'
  | 'tar-link'
  | 'tar-type'
  | 'tar-duplicate'
  | 'tar-trailing'
  | 'idx-magic'
  | 'idx-dtype'
  | 'idx-rank'
  | 'idx-dims'
  | 'idx-length'
  | 'idx-count'
  | 'cifar-record-size'
  | 'cifar-count'
  | 'cifar-member'
  | 'label-range';

/**
 * A file that does not have the layout its format requires. `offset` is the byte offset of the
 * problem inside `file`, or inside the stream named by `context` (a decompressed stream, a tar member).
 */
export class DatasetFormatError extends DatasetError {
  /**
   * Makes the error; the message reads `<file> (<context>) at byte <offset>: expected <expected>, found <found>`.
   *
   * @param code which format rule was broken (`'idx-magic'`, `'tar-checksum'`, ...), for callers that react to it
   * @param file path of the file on disk that holds the bad bytes
   * @param expected what the format requires there, in words (`"ustar magic 'ustar'"`)
   * @param found what the file holds instead, in words
   * @param offset byte offset of the problem inside `file`, or inside the stream named by `context`; omitted when the
   *   problem has no single place (a wrong total length)
   * @param context the stream the offset counts in, when not the file itself (`'decompressed stream'`, a tar member)
   */
  constructor(
    readonly code: FormatErrorCode,
    readonly file: string,
    readonly expected: string,
    readonly found: string,
    readonly offset?: number,
    readonly context?: string,
  ) {
    const where = `${file}${context ? ` (${context})` : ''}${offset !== undefined ? ` at byte ${offset}` : ''}`;
    super(`${where}: expected ${expected}, found ${found}`);
  }
}

/** A gzip stream that cannot be decompressed (bad magic, corrupt deflate data, CRC or length mismatch, truncation). */
export class GzipFormatError extends DatasetFormatError {}
/** A tar archive that is not strict ustar, or an entry that may not be read (link, unsafe path, device). */
export class TarFormatError extends DatasetFormatError {
  /**
   * Makes the error; the context is the named tar entry, or `tar stream` when the problem is not inside one.
   *
   * @param code which tar rule was broken (`'tar-header'`, `'tar-unsafe-path'`, ...)
   * @param file path of the archive on disk
   * @param expected what the archive must hold there, in words
   * @param found what it holds instead, in words
   * @param offset byte offset of the problem in the (decompressed) tar stream
   * @param entry name of the archive member at fault, as stored in its header; omitted for stream-level problems
   */
  constructor(
    code: FormatErrorCode,
    file: string,
    expected: string,
    found: string,
    offset?: number,
    readonly entry?: string,
  ) {
    super(code, file, expected, found, offset, entry !== undefined ? `tar entry ${JSON.stringify(entry)}` : 'tar stream');
  }
}
/** An IDX (MNIST-family) file whose header or length is not what the dataset requires. */
export class IdxFormatError extends DatasetFormatError {}
/** A CIFAR binary batch with the wrong record size, count or label values, or a missing member. */
export class CifarFormatError extends DatasetFormatError {}

export type DigestAlgorithm = 'sha256' | 'md5' | 'size';

/** A file whose size or digest differs from the pinned value. */
export class DatasetChecksumError extends DatasetError {
  /**
   * Makes the error; the message names the file, both values, the URL and what was done with the bad bytes.
   *
   * @param file path of the file whose bytes were checked
   * @param algorithm what was compared: `'sha256'` or `'md5'` digest, or the `'size'` in bytes
   * @param expected the pinned value (hex digest, or byte count)
   * @param found the value the file has
   * @param removed true when the bad bytes were our own temporary download and were deleted
   * @param url the URL the bytes were downloaded from; omitted for files already on disk
   * @param hint A last sentence saying what to do (re-download, import another copy); omitted when there is none
   * @param extra what was compared when not the file's own bytes (`subject`), and where a failed cached file was
   *   moved aside to (`quarantined`); both optional, default none
   */
  constructor(
    readonly file: string,
    readonly algorithm: DigestAlgorithm,
    readonly expected: string,
    readonly found: string,
    /** True when the bad bytes were our own temporary download, deleted (the user's files are never deleted). */
    readonly removed: boolean,
    readonly url?: string,
    hint?: string,
    extra: {
      /** What was compared, when not the file's own bytes: 'decompressed payload', 'tar member <path>'. */
      subject?: string;
      /** Where a cached file that failed was moved aside to (a `.reason.txt` lies beside it). */
      quarantined?: string;
    } = {},
  ) {
    super(
      `${file}${extra.subject ? ` (${extra.subject})` : ''}: expected ${algorithm} ${expected}, found ${found}` +
        (url ? ` (downloaded from ${url})` : '') +
        (removed ? '; the download was discarded' : '') +
        (extra.quarantined ? `; the file was moved aside to ${extra.quarantined} (the reason is in ${extra.quarantined}.reason.txt)` : '') +
        (hint ? `; ${hint}` : ''),
    );
    this.subject = extra.subject;
    this.quarantined = extra.quarantined;
  }
  readonly subject?: string;
  readonly quarantined?: string;
}

/** One file a dataset needs, as listed in "where to put it" messages. */
export interface ExpectedFile {
  name: string;
  path: string;
  size?: number;
  sha256?: string;
  md5?: string;
  urls: string[];
}

/**
 * The files of a dataset are not in the cache and cannot be downloaded: offline mode, no download host reachable
 * (`unreachable`: no DNS answer or connection refused, so the machine looks offline; nothing was retried), or
 * another network failure after the retries. The message says first what to do (the import command, with the
 * distribution's copy where one is installed or packaged), then lists every expected file with its size and
 * digests and the directory to put it in.
 */
export class DatasetUnavailableError extends DatasetError {
  /**
   * Makes the error; the message says what to run first, then lists every expected file.
   *
   * @param dataset registry name of the dataset (`'mnist'`)
   * @param reason why the files could not be fetched: `'offline'` (offline mode is on), `'unreachable'` (no host
   *   answered, nothing retried) or `'network'` (another failure after the retries)
   * @param dir the cache directory the files are expected in
   * @param files every file the dataset needs, with its size, digests and download URLs
   * @param causes what each download attempt answered, one string per attempt (repeats are counted); default none
   * @param localCopies directories on this machine that hold a copy to import, best first; default none
   */
  constructor(
    readonly dataset: string,
    readonly reason: 'offline' | 'unreachable' | 'network',
    readonly dir: string,
    readonly files: ExpectedFile[],
    readonly causes: string[] = [],
    /** Directories on this machine (a distribution's dataset package, ...) that hold a copy to import. */
    readonly localCopies: string[] = [],
  ) {
    super(unavailableMessage(dataset, reason, dir, files, causes, localCopies));
  }
}

// Retries repeat the same failure; say each once with its count.
function condense(causes: string[]): string {
  const counts = new Map<string, number>();
  for (const c of causes) counts.set(c, (counts.get(c) ?? 0) + 1);
  return [...counts].map(([c, n]) => (n > 1 ? `${c} (${n} attempts)` : c)).join('; ');
}

/** The exact command that imports `source`, quoted for a POSIX shell where needed. */
export function importCommand(dataset: string, source: string): string {
  const q = (s: string) => (/^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);
  return `sugar data import ${q(dataset)} ${q(source)}`;
}

/** Why the files are missing, in a few words (the first line of the message). */
function whyUnavailable(reason: DatasetUnavailableError['reason']): string {
  if (reason === 'offline') return 'not in the cache, and offline mode is on (option offline or SUGAR_OFFLINE=1)';
  if (reason === 'unreachable') return 'not in the cache, and no download host can be reached (this machine looks offline)';
  return 'not in the cache, and the download failed';
}

/** What each host answered (the second line). */
function howItFailed(reason: DatasetUnavailableError['reason'], causes: string[]): string {
  if (reason === 'unreachable') {
    return `Tried once, not retried: ${condense(causes)}. Loads in this process will not ask these hosts again (\`sugar data fetch\` and fetchDataset do).\n`;
  }
  return causes.length ? `The download failed: ${condense(causes)}.\n` : '';
}

/**
 * What to run to get the dataset without the network: the copy on this machine, else the distribution's package,
 * else the import command for a copy of one's own. On the first line, because callers that summarize many errors
 * (a sweep's failed runs) keep only that.
 */
function whatToDo(dataset: string, localCopies: string[]): string {
  if (localCopies.length) return `bring in the copy in ${localCopies[0]} with \`${importCommand(dataset, localCopies[0])}\``;
  const pkg = distributionPackage(dataset);
  if (pkg) return `${pkg.distributions} package it: \`${pkg.install}\`, then \`${importCommand(dataset, pkg.dir)}\``;
  return `bring in a copy (the published archives, re-gzipped or decompressed files) with \`sugar data import ${dataset} <dir or files>\``;
}

function unavailableMessage(
  dataset: string,
  reason: DatasetUnavailableError['reason'],
  dir: string,
  files: ExpectedFile[],
  causes: string[],
  localCopies: string[],
): string {
  const lines = files.map((f) => {
    const facts = [
      f.size !== undefined ? `${f.size} bytes` : undefined,
      f.sha256 ? `sha256 ${f.sha256}` : undefined,
      f.md5 ? `md5 ${f.md5}` : undefined,
    ].filter(Boolean);
    return `  ${f.name}  (${facts.join(', ')})\n    from ${f.urls.join(' or ')}`;
  });
  return (
    `dataset '${dataset}' is ${whyUnavailable(reason)}: ${whatToDo(dataset, localCopies)}.\n` +
    howItFailed(reason, causes) +
    localCopies
      .slice(1)
      .map((d) => `Another copy of ${dataset} exists on this machine in ${d}: \`${importCommand(dataset, d)}\`.\n`)
      .join('') +
    `Local copies (the published archives, re-gzipped or decompressed files) are brought in with \`sugar data import ${dataset} <dir or files>\`.\n` +
    `Or put these files into ${dir}${dir.endsWith('/') ? '' : '/'} (or set SUGAR_DATA_DIR to a directory holding ${dataset}/<file>):\n` +
    `${lines.join('\n')}\n` +
    `then run \`sugar data verify ${dataset}\`.`
  );
}

/** A dataset name that is not in the registry; the message lists the known names and the closest one. */
export class UnknownDatasetError extends DatasetError {
  /**
   * Makes the error.
   *
   * @param dataset the name that was asked for
   * @param known every registered dataset name, listed in the message
   */
  constructor(
    readonly dataset: string,
    readonly known: string[],
  ) {
    super(`unknown dataset '${dataset}'; expected one of ${known.join(', ')}${didYouMean(dataset, known)}`);
  }
}

/** An option a loader or the batch iterator does not accept, or a value out of range; `option` is its dotted path. */
export class DatasetOptionError extends DatasetError {
  /**
   * Makes the error; the message reads `dataset '<dataset>': option <option>: expected <expected>, found <found>`.
   *
   * @param option dotted path of the option at fault (`'noise.std'`)
   * @param expected what the option accepts, in words (`'a number in [0, 1]'`)
   * @param found the value that was given, as text
   * @param dataset the dataset whose loader rejected it; omitted for options of the batch iterator
   * @param hint A `did you mean` suggestion for a misspelt option; omitted when there is none
   */
  constructor(
    readonly option: string,
    readonly expected: string,
    readonly found: string,
    readonly dataset?: string,
    /** `did you mean 'noise'?` for a misspelt option. */
    readonly hint?: string,
  ) {
    super(`${dataset ? `dataset '${dataset}': ` : ''}option ${option}: expected ${expected}, found ${found}${hint ? `; ${hint}` : ''}`);
  }
}

/** `importDataset` cannot read a source, or finds in it no file that belongs to the dataset. */
export class DatasetImportError extends DatasetError {
  /**
   * Makes the error; the message reads `sugar data import <dataset>: <source>: expected <expected>, found <found>`.
   *
   * @param dataset registry name of the dataset being imported
   * @param source the directory or file given to import from
   * @param expected what the source should hold, in words (the dataset's file names, a readable directory)
   * @param found what it holds instead, in words
   */
  constructor(
    readonly dataset: string,
    readonly source: string,
    readonly expected: string,
    readonly found: string,
  ) {
    super(`sugar data import ${dataset}: ${source}: expected ${expected}, found ${found}`);
  }
}
