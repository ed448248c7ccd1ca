// Lets several `fit` runs advance in lockstep, a few optimizer steps at a time: each run asks before each step
// (from its callbacks) and waits until the page allows it. Pause is allowing nothing, step is allowing one, and a
// slice of training is allowing a few and waiting until every run stands still again.

/** Thrown into the runs' callbacks when the page stops them for good (reset): their fit ends, the error as reason. */
export class GateClosedError extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'GateClosedError';
  }
}

interface Waiter {
  step: number;
  resolve(): void;
  reject(err: Error): void;
}

export class StepGate {
  private allowedSteps = 0;
  private waiters: Waiter[] = [];
  private left = 0;
  private closed: GateClosedError | undefined;
  private idleWaiters: (() => void)[] = [];

  /** @param runs how many runs ask this gate (each either waits or leaves) */
  constructor(private readonly runs: number) {
    if (!Number.isInteger(runs) || runs < 1) throw new RangeError(`StepGate: expected a positive integer number of runs; found ${runs}`);
  }

  /** Steps allowed so far (every run may do this many). */
  get allowed(): number {
    return this.allowedSteps;
  }

  /**
   * Resolves when step `step` (1-based) may run; rejects once the gate is closed.
   *
   * @param step the step the run is about to do
   */
  wait(step: number): Promise<void> {
    if (this.closed) return Promise.reject(this.closed);
    if (step <= this.allowedSteps) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      this.waiters.push({ step, resolve, reject });
      this.checkIdle();
    });
  }

  /** A run that ended (finished, diverged, failed) no longer counts. */
  leave(): void {
    this.left++;
    this.checkIdle();
  }

  /**
   * Allows `n` more steps to every run.
   *
   * @param n how many steps
   */
  allow(n: number): void {
    if (!Number.isInteger(n) || n < 0) throw new RangeError(`StepGate.allow: expected a non-negative integer; found ${n}`);
    this.allowedSteps += n;
    const ready = this.waiters.filter((w) => w.step <= this.allowedSteps);
    this.waiters = this.waiters.filter((w) => w.step > this.allowedSteps);
    for (const w of ready) w.resolve();
  }

  /** True when every run waits for a step not yet allowed, or has left. */
  get isIdle(): boolean {
    return this.waiters.length + this.left >= this.runs;
  }

  /** True when no run is left to wait. */
  get finished(): boolean {
    return this.left >= this.runs;
  }

  /** Resolves when every run stands still (waiting or gone). */
  idle(): Promise<void> {
    if (this.isIdle) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /**
   * Stops every run at its next request: each waiting or future `wait` rejects with the reason.
   *
   * @param reason why (the runs' failure message)
   */
  close(reason: string): void {
    this.closed = new GateClosedError(reason);
    for (const w of this.waiters) w.reject(this.closed);
    this.waiters = [];
  }

  private checkIdle(): void {
    if (!this.isIdle) return;
    const all = this.idleWaiters;
    this.idleWaiters = [];
    for (const r of all) r();
  }
}
