import { afterEach, describe, expect, it } from 'vitest';
import { activeInterruptible, currentHost, hostInterrupted, interruptible, InterruptedError, setHost } from './host';

afterEach(() => setHost(undefined));

describe('host', () => {
  it('is empty in a plain script and never interrupted', async () => {
    expect(currentHost()).toEqual({});
    expect(hostInterrupted()).toBe(false);
    await expect(
      interruptible(
        async () => 7,
        () => 'unused',
      ),
    ).resolves.toBe(7);
  });

  it('is shared through globalThis, so a second copy of the lib sees the same host', () => {
    const ctl = new AbortController();
    setHost({ interrupt: ctl.signal });
    const shared = (globalThis as Record<symbol, { host: { interrupt?: AbortSignal } }>)[Symbol.for('sugar-lab.host')];
    expect(shared.host.interrupt).toBe(ctl.signal);
  });

  it('counts running calls and throws InterruptedError after the call wound down when the host interrupted', async () => {
    const ctl = new AbortController();
    setHost({ interrupt: ctl.signal });
    let during = -1;
    let finished = false;
    const call = interruptible(
      async () => {
        during = activeInterruptible();
        ctl.abort();
        await new Promise((r) => setTimeout(r, 5));
        finished = true;
        return { epochs: 3 };
      },
      (r) => `stopped after ${r.epochs} epochs`,
    );
    await expect(call).rejects.toThrow(new InterruptedError('stopped after 3 epochs'));
    await expect(call).rejects.toBeInstanceOf(InterruptedError);
    expect(during).toBe(1);
    expect(finished).toBe(true);
    expect(activeInterruptible()).toBe(0);
  });

  it('passes a failure through and still uncounts the call', async () => {
    await expect(
      interruptible(
        () => Promise.reject(new RangeError('bad')),
        () => '',
      ),
    ).rejects.toBeInstanceOf(RangeError);
    expect(activeInterruptible()).toBe(0);
  });
});
