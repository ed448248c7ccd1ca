import type { RunHistory } from './session';
import type { PlaygroundSetup } from './setup';

/** What `window.playground.snapshot()` reports: the page's state, JSON-safe, for tests and the console. */
export interface PlaygroundSnapshot {
  setup: PlaygroundSetup;
  /** The backend initBackend chose, and its one-line description (with the reason for each fallback). */
  backend: string | null;
  backendLine: string;
  tfBackend: string;
  /** Steps every run has done. */
  step: number;
  finished: boolean;
  paused: boolean;
  /** Time spent in training slices (not drawing), in milliseconds. */
  trainMs: number;
  /** What the page shows as an error, if anything. */
  error: string | null;
  tensors: number;
  runs: RunHistory[];
}
