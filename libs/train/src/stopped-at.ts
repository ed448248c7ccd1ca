import type { FitResult } from './metrics';

/** Where an interrupted run stopped and what it kept, for the InterruptedError a notebook shows. */
export function stoppedAt(r: FitResult): string {
  const epoch = r.final?.epoch ?? 0;
  const kept = r.checkpoint
    ? `its checkpoint of epoch ${epoch} is kept (${r.checkpoint}); the same call with \`resume: true\` continues from it`
    : `the model holds the weights of step ${r.step} (no checkpoint directory was given)`;
  const where = r.status === 'interrupted' ? `interrupted at step ${r.step}, after epoch ${epoch}` : `ended ${r.status} before the interrupt took effect`;
  return `${where}; ${kept}`;
}
