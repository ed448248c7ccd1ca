/** The signals that stop a run gracefully: Ctrl-C (SIGINT) and Slurm's scancel, preemption or time limit (SIGTERM). */
export type StopSignal = 'SIGINT' | 'SIGTERM';

/** The shell's exit code for a process stopped by each signal (128 + its number), so a scheduler sees "stopped". */
export const STOP_EXIT_CODES: Readonly<Record<StopSignal, number>> = { SIGINT: 130, SIGTERM: 143 };

export interface InterruptHandle {
  signal: AbortSignal;
  /** The exit code for the signal received (130, 143); undefined while none came. */
  exitCode(): number | undefined;
  /** Removes the handlers (call when the run is over). */
  dispose(): void;
}

export interface InterruptOptions {
  /** Which signals stop (default both). */
  signals?: readonly StopSignal[];
  /**
   * Where the notes on signals go (default: a line on stderr).
   *
   * @param msg the note, one line
   */
  log?: (msg: string) => void;
  /**
   * The note logged on the first signal.
   *
   * @param sig the signal received: `'SIGINT'` or `'SIGTERM'`
   */
  message?: (sig: StopSignal) => string;
  /**
   * Ends the process on a second signal (default process.exit).
   *
   * @param code the exit status: 128 plus the signal's number (130 for SIGINT, 143 for SIGTERM)
   */
  exit?: (code: number) => void;
}

/**
 * An AbortSignal for `fit` (and the CLI's `run`, `run-one`) that the first SIGINT or SIGTERM aborts, so running
 * runs finish their current epoch, checkpoint and return 'interrupted'; a second one exits at once with that
 * signal's code. The one signal handler of the project: libraries take the AbortSignal, never handle signals.
 *
 * @param opts which signals stop (default SIGINT and SIGTERM), the log, the note logged on the first signal, and the
 *   exit function (for tests)
 */
export function interruptOnSignals(opts: InterruptOptions = {}): InterruptHandle {
  const ctl = new AbortController();
  const log = opts.log ?? ((m: string) => process.stderr.write(`\n${m}\n`));
  const message = opts.message ?? ((sig) => `${sig}: stopping; running runs finish their current epoch and checkpoint (send it again to quit now)`);
  const exit = opts.exit ?? ((code: number) => process.exit(code));
  let received: StopSignal | undefined;
  const handlers = (opts.signals ?? (['SIGINT', 'SIGTERM'] as const)).map((sig) => {
    const handler = () => {
      if (received) return exit(STOP_EXIT_CODES[sig]);
      received = sig;
      log(message(sig));
      ctl.abort();
    };
    process.on(sig, handler);
    return [sig, handler] as const;
  });
  return {
    signal: ctl.signal,
    exitCode: () => (received ? STOP_EXIT_CODES[received] : undefined),
    dispose: () => handlers.forEach(([sig, h]) => process.off(sig, h)),
  };
}

/**
 * `interruptOnSignals` for Ctrl-C alone (an interactive `fit`): a second Ctrl-C exits with code 130.
 *
 * @param opts the log, the note logged on the first Ctrl-C, and the exit function (for tests)
 */
export function interruptOnSigint(opts: Omit<InterruptOptions, 'signals'> = {}): InterruptHandle {
  return interruptOnSignals({
    message: () => 'interrupt: finishing the current epoch and saving a checkpoint (Ctrl-C again to quit now)',
    ...opts,
    signals: ['SIGINT'],
  });
}
