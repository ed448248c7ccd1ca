export interface InterruptHandle {
  signal: AbortSignal;
  /** Removes the handler (call when the run is over). */
  dispose(): void;
}

/**
 * An AbortSignal for `fit` that the first Ctrl-C (SIGINT) aborts, so the run finishes its current
 * epoch, checkpoints and returns 'interrupted'; a second Ctrl-C exits at once with code 130.
 */
export function interruptOnSigint(opts: { log?: (msg: string) => void; exit?: (code: number) => void } = {}): InterruptHandle {
  const ctl = new AbortController();
  const log = opts.log ?? ((m: string) => process.stderr.write(`\n${m}\n`));
  const exit = opts.exit ?? ((code: number) => process.exit(code));
  const onSigint = () => {
    if (!ctl.signal.aborted) {
      log('interrupt: finishing the current epoch and saving a checkpoint (Ctrl-C again to quit now)');
      ctl.abort();
    } else {
      exit(130);
    }
  };
  process.on('SIGINT', onSigint);
  return { signal: ctl.signal, dispose: () => process.off('SIGINT', onSigint) };
}
