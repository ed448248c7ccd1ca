import type { ScheduleConfig, WarmupConfig } from './config';

export interface ScheduleContext {
  baseLr: number;
  stepsPerEpoch: number;
  totalSteps: number;
}

/** Warmup length in steps. */
export function warmupSteps(warmup: WarmupConfig | undefined, stepsPerEpoch: number): number {
  if (!warmup) return 0;
  return warmup.steps ?? Math.round((warmup.epochs ?? 0) * stepsPerEpoch);
}

/**
 * The learning rate of global step `step` (0-based): a linear warmup, then the main schedule over
 * the remaining steps. A pure function of the step, so a resumed run gets the same rates.
 */
export function learningRateAt(step: number, schedule: ScheduleConfig, warmup: WarmupConfig | undefined, ctx: ScheduleContext): number {
  const w = warmupSteps(warmup, ctx.stepsPerEpoch);
  if (step < w) {
    const start = warmup?.startFactor ?? 0;
    return ctx.baseLr * (start + ((1 - start) * step) / w);
  }
  const t = step - w;
  const span = Math.max(1, ctx.totalSteps - w);
  switch (schedule.kind) {
    case 'constant':
      return ctx.baseLr;
    case 'step': {
      const every = (schedule.unit ?? 'epoch') === 'epoch' ? schedule.every * ctx.stepsPerEpoch : schedule.every;
      return ctx.baseLr * Math.pow(schedule.gamma ?? 0.1, Math.floor(t / every));
    }
    case 'cosine': {
      const min = schedule.minFactor ?? 0;
      return ctx.baseLr * (min + ((1 - min) * (1 + Math.cos((Math.PI * Math.min(t, span)) / span))) / 2);
    }
    case 'linear': {
      const end = schedule.endFactor ?? 0;
      return ctx.baseLr * (1 + ((end - 1) * Math.min(t, span)) / span);
    }
  }
}
