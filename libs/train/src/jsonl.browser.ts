// jsonl.ts in a page (package.json's "browser" field): the JSON encoding is the same; there are no files to append
// to or read (fit refuses a logPath in a browser before it gets here: fit-resume.browser.ts).
import { TrainError } from './errors';

export { fromJsonLine, fromJsonText, toJsonLine, toJsonText } from './json-text';

const NO_FILES = 'JSON Lines files are written and read in Node only; a browser has no file system';

export class JsonlSink {
  constructor(readonly file: string) {
    throw new TrainError(`JsonlSink(${file}): ${NO_FILES}`);
  }
  append(): void {}
  close(): void {}
}

export function readJsonl(file: string): never {
  throw new TrainError(`readJsonl(${file}): ${NO_FILES}`);
}
