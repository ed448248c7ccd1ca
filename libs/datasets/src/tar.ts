import { TarFormatError } from './errors';

/**
 * A strict streaming reader for ustar archives (POSIX and GNU flavours, with pax `path`/`size` records and
 * GNU long names). It never writes to disk: the caller receives the bytes of the members it asks for.
 * Members are refused, with the byte offset of their header, when they are links, devices or FIFOs, when
 * their path is absolute or has a `..` component (it would escape an extraction directory), or when a name
 * repeats; header checksums, octal fields, block padding and the end-of-archive marker are all checked.
 */
export interface TarEntry {
  /** Normalized relative path (no leading `./`, no trailing `/`). */
  name: string;
  type: 'file' | 'directory';
  size: number;
  /** Offset of the member's header block in the uncompressed tar stream. */
  headerOffset: number;
  dataOffset: number;
}

/** Return a sink to receive the member's data in order (`offset` counts from the member's first byte), or undefined to skip it. */
export type TarVisitor = (entry: TarEntry) => ((chunk: Buffer, offset: number) => void) | undefined;

const BLOCK = 512;

class Reader {
  private chunks: Buffer[] = [];
  private avail = 0;
  private done = false;
  /** Absolute offset of the next unread byte. */
  offset = 0;
  constructor(private readonly it: AsyncIterator<Buffer>) {}

  async fill(n: number): Promise<boolean> {
    while (this.avail < n && !this.done) {
      const r = await this.it.next();
      if (r.done) this.done = true;
      else if (r.value.length) {
        this.chunks.push(r.value);
        this.avail += r.value.length;
      }
    }
    return this.avail >= n;
  }

  get available(): number {
    return this.avail;
  }

  /** Up to `max` bytes that are already buffered (at least one when available > 0). */
  takeSome(max: number): Buffer {
    const head = this.chunks[0];
    const piece = head.length <= max ? head : head.subarray(0, max);
    if (piece === head) this.chunks.shift();
    else this.chunks[0] = head.subarray(max);
    this.avail -= piece.length;
    this.offset += piece.length;
    return piece;
  }

  take(n: number): Buffer {
    if (this.chunks[0].length >= n) return Buffer.from(this.takeSome(n));
    const out = Buffer.allocUnsafe(n);
    let k = 0;
    while (k < n) {
      const p = this.takeSome(n - k);
      p.copy(out, k);
      k += p.length;
    }
    return out;
  }
}

function parseNumber(h: Buffer, off: number, len: number, field: string, file: string, at: number): number {
  if (h[off] & 0x80) {
    // GNU base-256 for values that do not fit the octal field.
    let v = h[off] & 0x7f;
    for (let i = 1; i < len; i++) v = v * 256 + h[off + i];
    return v;
  }
  const s = h
    .toString('latin1', off, off + len)
    .replace(/[\0 ]+$/, '')
    .replace(/^ +/, '');
  if (s === '') return 0;
  if (!/^[0-7]+$/.test(s)) throw new TarFormatError('tar-header', file, `an octal ${field} field`, JSON.stringify(s), at + off);
  return parseInt(s, 8);
}

function cString(h: Buffer, off: number, len: number): string {
  const end = h.indexOf(0, off);
  return h.toString('utf8', off, end === -1 || end > off + len ? off + len : end);
}

function isZero(b: Buffer): boolean {
  for (let i = 0; i < b.length; i++) if (b[i] !== 0) return false;
  return true;
}

/** The normalized name, or a TarFormatError when it could land outside the extraction root. */
function safeName(raw: string, file: string, at: number, isDir: boolean): string {
  const unsafe = (why: string) =>
    new TarFormatError('tar-unsafe-path', file, 'a relative path that stays inside the archive root', `${why} ${JSON.stringify(raw)}`, at, raw);
  if (raw.startsWith('/')) throw unsafe('absolute path');
  if (/^[A-Za-z]:/.test(raw) || raw.includes('\\')) throw unsafe('a drive or backslash path');
  const parts = raw.split('/').filter((p) => p !== '' && p !== '.');
  if (parts.includes('..')) throw unsafe("a '..' component in");
  if (parts.length === 0 && !isDir) throw unsafe('an empty file name');
  return parts.join('/');
}

function parsePax(data: Buffer, file: string, at: number): Record<string, string> {
  const out: Record<string, string> = {};
  let i = 0;
  while (i < data.length) {
    const sp = data.indexOf(0x20, i);
    const len = sp > i ? Number(data.toString('latin1', i, sp)) : NaN;
    if (!Number.isInteger(len) || len <= 0 || i + len > data.length || data[i + len - 1] !== 0x0a)
      throw new TarFormatError('tar-header', file, "pax records of the form '<length> <key>=<value>\\n'", `a malformed record at pax offset ${i}`, at);
    const rec = data.toString('utf8', sp + 1, i + len - 1);
    const eq = rec.indexOf('=');
    out[rec.slice(0, eq)] = rec.slice(eq + 1);
    i += len;
  }
  return out;
}

/** Reads a whole tar stream, calling `visit` for every regular file. Returns all members (files and directories). */
export async function readTar(source: AsyncIterable<Buffer>, file: string, visit: TarVisitor): Promise<TarEntry[]> {
  const it = source[Symbol.asyncIterator]();
  const r = new Reader(it);
  const entries: TarEntry[] = [];
  const seen = new Set<string>();
  let pending: Pending = {};
  try {
    for (;;) {
      const at = r.offset;
      if (!(await r.fill(BLOCK))) {
        throw new TarFormatError(
          'tar-truncated',
          file,
          'a 512-byte header or the end-of-archive marker (two zero blocks)',
          `${r.available} bytes before the end of the stream`,
          at,
        );
      }
      const h = r.take(BLOCK);
      if (isZero(h)) {
        await readEnd(r, file, at);
        return entries;
      }
      const header = parseHeader(h, file, at, pending);
      if (header.type === 'x' || header.type === 'L' || header.type === 'g') {
        pending = await readExtended(r, header, file, at, pending);
        continue;
      }
      pending = {};
      const entry = memberEntry(h, header, file, at);
      if (entry.type === 'file') {
        if (seen.has(entry.name)) throw new TarFormatError('tar-duplicate', file, 'each member name once', 'a second member with this name', at, entry.name);
        seen.add(entry.name);
      }
      entries.push(entry);
      await readData(r, header.size, file, entry.name, entry.type === 'file' ? visit(entry) : undefined);
    }
  } finally {
    await it.return?.();
  }
}

/** Path and size from pax or GNU long-name records, applying to the next member's header. */
interface Pending {
  path?: string;
  size?: number;
}

interface Header {
  type: string;
  size: number;
  rawName: string;
}

/** After the first zero block: a second one, then nothing but zero padding up to the record size. */
async function readEnd(r: Reader, file: string, at: number): Promise<void> {
  if (!(await r.fill(BLOCK)) || !isZero(r.take(BLOCK)))
    throw new TarFormatError('tar-truncated', file, 'a second zero block ending the archive', 'missing or non-zero data', at + BLOCK);
  while (await r.fill(1)) {
    const off = r.offset;
    const piece = r.takeSome(1 << 16);
    const k = piece.findIndex((b) => b !== 0);
    if (k !== -1)
      throw new TarFormatError('tar-trailing', file, 'only zero padding after the end-of-archive marker', `byte 0x${piece[k].toString(16)}`, off + k);
  }
}

/** Checks the header's checksum and magic and reads its type, size and name (pending pax/GNU values win). */
function parseHeader(h: Buffer, file: string, at: number, pending: Pending): Header {
  const stored = parseNumber(h, 148, 8, 'checksum', file, at);
  let unsigned = 0;
  let signed = 0;
  for (let i = 0; i < BLOCK; i++) {
    const b = i >= 148 && i < 156 ? 0x20 : h[i];
    unsigned += b;
    signed += b > 127 ? b - 256 : b;
  }
  if (stored !== unsigned && stored !== signed) throw new TarFormatError('tar-checksum', file, `header checksum ${unsigned}`, `${stored} (corrupt header)`, at);
  const magic = h.toString('latin1', 257, 263);
  const posix = magic === 'ustar\0';
  if (!posix && magic !== 'ustar ') throw new TarFormatError('tar-header', file, "ustar magic 'ustar'", JSON.stringify(magic), at + 257);
  const type = String.fromCharCode(h[156] || 0x30);
  let size = parseNumber(h, 124, 12, 'size', file, at);
  if (pending.size !== undefined) size = pending.size;
  const prefix = posix ? cString(h, 345, 155) : '';
  const rawName = pending.path ?? (prefix ? `${prefix}/${cString(h, 0, 100)}` : cString(h, 0, 100));
  return { type, size, rawName };
}

/** Reads a pax (`x`, `g`) or GNU long-name (`L`) record and returns what applies to the next member. */
async function readExtended(r: Reader, header: Header, file: string, at: number, pending: Pending): Promise<Pending> {
  const { type, size } = header;
  if (size > 1 << 20) throw new TarFormatError('tar-header', file, 'an extended header under 1 MiB', `${size} bytes`, at);
  const buf = Buffer.alloc(size);
  await readData(r, size, file, header.rawName, (c, o) => c.copy(buf, o));
  if (type === 'x') {
    const pax = parsePax(buf, file, at);
    return { path: pax.path ?? pending.path, size: pax.size !== undefined ? Number(pax.size) : pending.size };
  }
  if (type === 'L') return { ...pending, path: cString(buf, 0, buf.length) };
  return pending;
}

/** The entry for a file or directory header; links, devices, FIFOs and unsafe paths are refused. */
function memberEntry(h: Buffer, header: Header, file: string, at: number): TarEntry {
  const { type, size, rawName } = header;
  if (type === '1' || type === '2' || type === 'K') {
    const target = cString(h, 157, 100);
    const kind = type === '1' ? 'a hard link' : type === '2' ? 'a symbolic link' : 'a GNU long link name';
    throw new TarFormatError('tar-link', file, 'a regular file or directory (links are refused)', `${kind} to ${JSON.stringify(target)}`, at, rawName);
  }
  const isFile = type === '0' || type === '7';
  if (!isFile && type !== '5') {
    const what = { '3': 'a character device', '4': 'a block device', '6': 'a FIFO' }[type] ?? `type flag ${JSON.stringify(type)}`;
    throw new TarFormatError('tar-type', file, 'a regular file or directory', what, at + 156, rawName);
  }
  const name = safeName(rawName, file, at, !isFile);
  return { name, type: isFile ? 'file' : 'directory', size: isFile ? size : 0, headerOffset: at, dataOffset: at + BLOCK };
}

/** Reads a member's `size` bytes and its block padding, handing the data (not the padding) to `sink`. */
async function readData(r: Reader, size: number, file: string, name: string, sink?: (chunk: Buffer, offset: number) => void): Promise<void> {
  const padded = Math.ceil(size / BLOCK) * BLOCK;
  let k = 0;
  while (k < padded) {
    if (!(await r.fill(1))) throw new TarFormatError('tar-truncated', file, `${padded - k} more bytes of member data`, 'the end of the stream', r.offset, name);
    const piece = r.takeSome(padded - k);
    if (sink && k < size) sink(piece.length > size - k ? piece.subarray(0, size - k) : piece, k);
    k += piece.length;
  }
}
