import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { writeAllSync } from '@sugar-lab/core';
import { TrainError } from './errors';
import { fileVersionEvent } from './tensorboard-events';
import { tfRecord } from './tfrecord';

const PREFIX = 'events.out.tfevents.';
const wallTime = () => Date.now() / 1000;

/** The events files of `dir` (TensorBoard reads every file whose name holds 'tfevents'), by name. */
export function eventFiles(dir: string): string[] {
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return [];
  }
  return names.filter((n) => n.includes('tfevents')).sort();
}

// TensorBoard reads a directory's files in name order, and a file named before the one it reads is never read
// again: a new file is named after every file there (a later second than theirs), so a resumed run's comes last.
function nextSecond(existing: string[]): number {
  let sec = Math.floor(wallTime());
  for (const n of existing) {
    const m = /^events\.out\.tfevents\.(\d+)\./.exec(n);
    if (m) sec = Math.max(sec, Number(m[1]) + 1);
  }
  return sec;
}

const host = () => os.hostname().replace(/[^A-Za-z0-9._-]/g, '_') || 'localhost';

/** A file of its own: exclusive creation, the next second where this process already opened one this second. */
function createNew(dir: string, sec: number): { file: string; fd: number } {
  for (; ; sec++) {
    const file = path.join(dir, `${PREFIX}${String(sec).padStart(10, '0')}.${host()}.${process.pid}.v2`);
    try {
      return { file, fd: fs.openSync(file, 'wx') };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
}

/**
 * One events file of one process, in `dir` (created): TFRecords of `Event`s, the file version first. Every `write`
 * reaches the file before it returns (a live `tensorboard` sees it); an earlier process's files are never touched,
 * and this one is created new (never truncated or rewritten).
 */
export class EventFileWriter {
  readonly file: string;
  /** The events files that were in the directory before this one: an earlier process wrote there. */
  readonly earlier: string[];
  private fd: number | undefined;

  constructor(readonly dir: string) {
    fs.mkdirSync(dir, { recursive: true });
    this.earlier = eventFiles(dir);
    const opened = createNew(dir, nextSecond(this.earlier));
    this.file = opened.file;
    this.fd = opened.fd;
    this.write(fileVersionEvent(wallTime()));
  }

  /** Appends one serialized `Event`; a record a full disk cuts short is cut back, so readers still parse the file. */
  write(event: Uint8Array): void {
    if (this.fd === undefined) throw new TrainError(`EventFileWriter: ${this.file} is closed`);
    const before = fs.fstatSync(this.fd).size;
    try {
      writeAllSync(this.fd, tfRecord(event));
    } catch (err) {
      fs.ftruncateSync(this.fd, before);
      throw err;
    }
  }

  close(): void {
    if (this.fd !== undefined) fs.closeSync(this.fd);
    this.fd = undefined;
  }
}
