import * as fs from 'node:fs';

// JSON has no NaN/Infinity; they are written as the strings "NaN", "Infinity", "-Infinity" so a
// diverged value stays visible instead of becoming null.
function replacer(_key: string, value: unknown): unknown {
  return typeof value === 'number' && !Number.isFinite(value) ? String(value) : value;
}

/**
 * One line of JSON (non-finite numbers as strings).
 *
 * @param record any JSON-serializable value
 */
export function toJsonLine(record: unknown): string {
  return JSON.stringify(record, replacer) + '\n';
}

/**
 * A JSON file's text (indented, non-finite numbers as strings, as `toJsonLine`); read back with `fromJsonText`.
 *
 * @param value any JSON-serializable value
 * @param indent spaces per level (default 2)
 */
export function toJsonText(value: unknown, indent = 2): string {
  return JSON.stringify(value, replacer, indent) + '\n';
}

// The decoder of `replacer`: the three strings it writes come back as the numbers they stood for (a string
// field holding exactly "NaN" would too; no record of ours has one).
const NON_FINITE = new Map([
  ['NaN', NaN],
  ['Infinity', Infinity],
  ['-Infinity', -Infinity],
]);
function reviver(_key: string, value: unknown): unknown {
  return typeof value === 'string' && NON_FINITE.has(value) ? NON_FINITE.get(value) : value;
}

/**
 * Parses one line of `toJsonLine` ("NaN", "Infinity", "-Infinity" back to numbers); throws SyntaxError.
 *
 * @param line one line as `toJsonLine` wrote it
 */
export function fromJsonLine<T = unknown>(line: string): T {
  return JSON.parse(line, reviver) as T;
}

/** Parses the text of `toJsonText` (or of any JSON file) with the same decoding; throws SyntaxError. */
export const fromJsonText: <T = unknown>(text: string) => T = fromJsonLine;

import { fileWriteError, writeAllSync, writeFileAtomic } from '@sugar-lab/core';
import { TrainError } from './errors';

/** An append-only JSON Lines file: every `append` is one line, written and fsync'd before it returns. */
export class JsonlSink {
  private fd: number | undefined;

  /** Starts the file over with `records` (none for a fresh run), atomically, then opens it for appending. */
  constructor(
    readonly file: string,
    records: readonly unknown[] = [],
  ) {
    writeFileAtomic(file, records.map(toJsonLine).join(''));
    this.fd = fs.openSync(file, 'a');
  }

  append(record: unknown): void {
    if (this.fd === undefined) throw new TrainError(`JsonlSink: ${this.file} is closed`);
    // A line is whole or absent: a full disk that takes half of it is cut back, so every reader still parses the log.
    const before = fs.fstatSync(this.fd).size;
    try {
      writeAllSync(this.fd, toJsonLine(record), this.file);
      fs.fsyncSync(this.fd);
    } catch (err) {
      fs.ftruncateSync(this.fd, before);
      throw fileWriteError(this.file, err, 'the lines before it are kept whole');
    }
  }

  close(): void {
    if (this.fd !== undefined) fs.closeSync(this.fd);
    this.fd = undefined;
  }
}

/**
 * Reads a JSON Lines file written by `toJsonLine` (blank lines skipped); errors name the file and line.
 *
 * @param file the JSON Lines file
 */
export function readJsonl<T = unknown>(file: string): T[] {
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  const out: T[] = [];
  lines.forEach((line, i) => {
    if (!line.trim()) return;
    try {
      out.push(fromJsonLine<T>(line));
    } catch (err) {
      throw new SyntaxError(`${file}:${i + 1}: expected one JSON object per line; ${(err as Error).message}`, { cause: err });
    }
  });
  return out;
}
