import { describe, expect, it } from 'vitest';
import { interruptOnSigint } from './interrupt';

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
