/**
 * Graceful stop for long commands (`run`, `run-one`): the first SIGINT (Ctrl-C) or SIGTERM (Slurm's scancel,
 * preemption, time limit) aborts `signal`, so running runs finish their epoch, checkpoint and release their
 * locks; a second one exits at once. `exitCode()` is then the shell's code for that signal (130, 143), so a
 * scheduler sees the task as stopped, not done.
 */
export interface StopSignals {
  signal: AbortSignal;
  exitCode(): number | undefined;
  dispose(): void;
}

const CODES: Record<'SIGINT' | 'SIGTERM', number> = { SIGINT: 130, SIGTERM: 143 };

export function stopOnSignals(log: (message: string) => void): StopSignals {
  const controller = new AbortController();
  let received: 'SIGINT' | 'SIGTERM' | undefined;
  const handlers = (Object.keys(CODES) as ('SIGINT' | 'SIGTERM')[]).map((sig) => {
    const handler = () => {
      if (received) process.exit(CODES[sig]);
      received = sig;
      log(`${sig}: stopping; running runs finish their current epoch and checkpoint (send it again to quit now)`);
      controller.abort();
    };
    process.on(sig, handler);
    return [sig, handler] as const;
  });
  return {
    signal: controller.signal,
    exitCode: () => (received ? CODES[received] : undefined),
    dispose: () => handlers.forEach(([sig, h]) => process.off(sig, h)),
  };
}
