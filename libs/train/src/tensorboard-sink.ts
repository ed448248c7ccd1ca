import type { LayerUnitStats } from '@sugar-lab/analysis';
import { EventFileWriter } from './event-file';
import type { EpochMetrics } from './metrics';
import { sessionStartEvent, summaryEvent } from './tensorboard-events';
import { epochSummary } from './tensorboard-tags';

const wallTime = () => Date.now() / 1000;

/** The run's config as the text plugin shows it: Markdown, so JSON goes in a code block. */
export function configMarkdown(config: unknown): string {
  return '```json\n' + JSON.stringify(config, null, 2) + '\n```';
}

/**
 * A run's TensorBoard log: one events file per process in `dir`, each epoch's record as `epochSummary` at step =
 * the epoch, and the run's config as the text `config` at step 0. A process that continues a run (its `history`:
 * the epochs restored from a checkpoint) writes a SessionLog START at the next epoch, so TensorBoard drops what an
 * earlier process wrote past the checkpoint; where no earlier file is there (TensorBoard was off), it writes the
 * history first.
 */
export class TensorBoardSink {
  private readonly writer: EventFileWriter;

  constructor(dir: string, history: readonly EpochMetrics[], configText: string) {
    this.writer = new EventFileWriter(dir);
    const next = history.length ? history[history.length - 1].epoch + 1 : 0;
    const continues = this.writer.earlier.length > 0;
    if (continues) this.writer.write(sessionStartEvent(wallTime(), next));
    if (next === 0 || !continues) this.writer.write(summaryEvent(wallTime(), 0, [{ tag: 'config', text: configText }]));
    if (!continues) history.forEach((m) => this.epoch(m));
  }

  /** The file this process writes. */
  get file(): string {
    return this.writer.file;
  }

  /** An epoch's record (and its probes' per-unit statistics, for the histograms), at step = its epoch. */
  epoch(m: EpochMetrics, units?: readonly LayerUnitStats[]): void {
    this.writer.write(summaryEvent(wallTime(), m.epoch, epochSummary(m, units)));
  }

  close(): void {
    this.writer.close();
  }
}
