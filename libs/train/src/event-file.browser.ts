// event-file.ts in a page (package.json's "browser" field): TensorBoard event files are written in Node only (fit
// refuses a tensorboardDir in a browser before it gets here: fit-resume.browser.ts).
import { TrainError } from './errors';

const NO_FILES = 'TensorBoard event files are written in Node only; a browser has no file system';

export function eventFiles(dir: string): never {
  throw new TrainError(`eventFiles(${dir}): ${NO_FILES}`);
}

export class EventFileWriter {
  readonly file = '';
  readonly earlier: string[] = [];
  constructor(readonly dir: string) {
    throw new TrainError(`EventFileWriter(${dir}): ${NO_FILES}`);
  }
  write(): void {}
  close(): void {}
}
