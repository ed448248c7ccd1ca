import { spawnSync } from 'node:child_process';
import * as path from 'node:path';

// The tests' way to TensorBoard's own reader: check_events.py beside this file, run by python3. Without the
// `tensorboard` package the tests skip, saying why; with SUGAR_REQUIRE_TENSORBOARD=1 (CI) they fail instead.

const SCRIPT = path.join(__dirname, 'check_events.py');

/** Why TensorBoard's reader cannot run here ('' when it can); throws where CI requires it. */
export function tensorboardMissing(): string {
  const r = spawnSync('python3', ['-c', 'import tensorboard'], { encoding: 'utf8' });
  if (r.status === 0) return '';
  const why = `TensorBoard's reader is not installed (python3 -c "import tensorboard": ${r.error?.message ?? r.stderr.trim().split('\n').pop()}); python3 -m pip install tensorboard`;
  if (process.env.SUGAR_REQUIRE_TENSORBOARD === '1') throw new Error(`SUGAR_REQUIRE_TENSORBOARD=1: ${why}`);
  return why;
}

export interface EventsCheck {
  /** 0: the events equal metrics.jsonl; 1: they differ (problems lists how); anything else: the script failed. */
  status: number | null;
  problems: string[];
  summary?: { files: number; records: number; epochs: number[]; scalars: number; histograms: number; tags: string[]; problems: string[] };
  /** What the script wrote to stderr (TensorBoard's log lines, a traceback). */
  stderr: string;
}

/** check_events.py on a run's events directory, its metrics.jsonl and (optionally) the JSON its config text must hold. */
export function checkEvents(tbDir: string, metricsFile: string, configFile?: string): EventsCheck {
  const r = spawnSync('python3', [SCRIPT, tbDir, metricsFile, ...(configFile ? [configFile] : [])], { encoding: 'utf8' });
  const last = r.stdout.trim().split('\n').pop();
  const summary = last ? (JSON.parse(last) as EventsCheck['summary']) : undefined;
  // No summary (a traceback): the problem is the script's own output.
  return { status: r.status, problems: summary?.problems ?? [r.stderr.trim() || `check_events.py exited ${r.status}`], summary, stderr: r.stderr };
}
