import { afterEach, describe, expect, it } from 'vitest';
// core's own registry, from its source: plots reads it without depending on core, and this pins the contract.
import { setHost } from '../../core/src/host';
import { hostCell } from './host-display';

afterEach(() => setHost(undefined));

describe('hostCell', () => {
  it('is undefined outside a kernel, and when the host has no display', () => {
    expect(hostCell()).toBeUndefined();
    setHost({ interrupt: new AbortController().signal });
    expect(hostCell()).toBeUndefined();
  });

  it("finds the display core's setHost installed, and tells one cell's host from the next", () => {
    const sent: unknown[] = [];
    const display = (data: Record<string, string>, opts: { id: string; update: boolean }) => sent.push([data, opts]);
    const first = { display };
    setHost(first);
    const a = hostCell()!;
    a.display({ 'text/plain': 'x' }, { id: 'd', update: false });
    expect(sent).toEqual([[{ 'text/plain': 'x' }, { id: 'd', update: false }]]);
    expect(a.cell).toBe(first);
    setHost({ display });
    expect(hostCell()!.cell).not.toBe(first);
  });
});
