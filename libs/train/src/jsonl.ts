// JSON Lines files (Node): metrics.jsonl and its reader. The JSON encoding that keeps NaN and Infinity is
// json-text.ts's, re-exported here; in a page, package.json's "browser" field maps this file to jsonl.browser.ts.
import * as fs from 'node:fs';
import { fileWriteError, writeAllSync, writeFileAtomic } from '@sugar-lab/core';
import { TrainError } from './errors';
import { fromJsonLine, toJsonLine } from './json-text';

export { fromJsonLine, fromJsonText, toJsonLine, toJsonText } from './json-text';

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
