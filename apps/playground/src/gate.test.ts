import { describe, expect, it } from 'vitest';
import { GateClosedError, StepGate } from './gate';

const settle = () => new Promise((r) => setTimeout(r, 0));

describe('StepGate', () => {
  it('holds each run at the first step not yet allowed, and is idle when all runs wait', async () => {
    const gate = new StepGate(2);
    const done: string[] = [];
    const run = async (name: string) => {
      for (let s = 1; s <= 3; s++) {
        await gate.wait(s);
        done.push(`${name}${s}`);
      }
      gate.leave();
    };
    void run('a');
    void run('b');
    await gate.idle();
    expect(done).toEqual([]);
    gate.allow(2);
    expect(gate.isIdle).toBe(false);
    await gate.idle();
    expect(done.sort()).toEqual(['a1', 'a2', 'b1', 'b2']);
    gate.allow(1);
    await gate.idle();
    expect(gate.finished).toBe(true);
    expect(done).toHaveLength(6);
  });

  it('rejects waiting and later requests once closed', async () => {
    const gate = new StepGate(1);
    const pending = gate.wait(1);
    gate.close('reset');
    await expect(pending).rejects.toThrow(GateClosedError);
    await expect(gate.wait(1)).rejects.toThrow('reset');
    await settle();
  });

  it('refuses a count of runs or steps that is not a whole number', () => {
    expect(() => new StepGate(0)).toThrow('expected a positive integer number of runs; found 0');
    expect(() => new StepGate(1).allow(1.5)).toThrow('expected a non-negative integer; found 1.5');
  });
});
