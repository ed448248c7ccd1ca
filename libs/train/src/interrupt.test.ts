import { describe, expect, it } from 'vitest';
import { interruptOnSignals, interruptOnSigint } from './interrupt';

describe('interruptOnSigint', () => {
  it('aborts on the first SIGINT and exits on the second', () => {
    const logs: string[] = [];
    const exits: number[] = [];
    const h = interruptOnSigint({ log: (m) => logs.push(m), exit: (c) => exits.push(c) });
    process.emit('SIGINT', 'SIGINT');
    expect(h.signal.aborted).toBe(true);
    expect(exits).toEqual([]);
    process.emit('SIGINT', 'SIGINT');
    expect(exits).toEqual([130]);
    h.dispose();
    expect(process.listenerCount('SIGINT')).toBe(0);
    expect(logs[0]).toMatch(/finishing the current epoch/);
  });
});

describe('interruptOnSignals', () => {
  it('aborts on the first SIGINT or SIGTERM, reports its exit code, and exits with the second one', () => {
    const logs: string[] = [];
    const exits: number[] = [];
    const before = { int: process.listenerCount('SIGINT'), term: process.listenerCount('SIGTERM') };
    const h = interruptOnSignals({ log: (m) => logs.push(m), exit: (c) => exits.push(c) });
    expect(h.exitCode()).toBeUndefined();
    process.emit('SIGTERM', 'SIGTERM');
    expect(h.signal.aborted).toBe(true);
    expect(h.exitCode()).toBe(143);
    expect(logs).toEqual([expect.stringMatching(/^SIGTERM: stopping/)]);
    process.emit('SIGINT', 'SIGINT');
    expect(exits).toEqual([130]);
    h.dispose();
    expect([process.listenerCount('SIGINT'), process.listenerCount('SIGTERM')]).toEqual([before.int, before.term]);
  });
});
