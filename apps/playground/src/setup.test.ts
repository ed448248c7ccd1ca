import { describe, expect, it } from 'vitest';
import { DEFAULT_SETUP, encodeSetup, parseSetup, PlaygroundSetupError } from './setup';

describe('the setup in the URL', () => {
  it('reads back what it writes, activations in canonical form', () => {
    const setup = parseSetup('?dataset=moons&depth=12&width=24&opt=sgd&lr=0.05&act=relu&act=sugar(nelu,region=negative)&act=gelu&backend=wasm&paused=1');
    expect(setup).toMatchObject({ dataset: 'moons', depth: 12, width: 24, optimizer: 'sgd', lr: 0.05, backend: 'wasm', paused: true });
    expect(setup.activations).toEqual(['relu', 'sugar(nelu,alpha=0.01,region=negative)', 'gelu']);
    expect(parseSetup(encodeSetup(setup))).toEqual(setup);
    expect(parseSetup('')).toEqual(DEFAULT_SETUP);
  });

  it('names every bad parameter, what it expects and what it found', () => {
    let err: PlaygroundSetupError | undefined;
    try {
      parseSetup('depth=x&lr=0&dataset=mnist&act=sugar(nope)&colour=red');
    } catch (e) {
      err = e as PlaygroundSetupError;
    }
    expect(err).toBeInstanceOf(PlaygroundSetupError);
    expect(err!.issues).toEqual([
      "depth: expected an integer from 1 to 24; found 'x'",
      "lr: expected a number in (0, 10]; found '0'",
      "dataset: expected one of spirals, moons, blobs, xor, checkerboard; found 'mnist'",
      expect.stringMatching(/^act #1: .*nope/),
      "unknown parameter 'colour': expected dataset, n, depth, width, opt, lr, batch, seed, steps, act, backend or paused",
    ]);
  });

  it('takes at most four activations', () => {
    expect(() => parseSetup('act=relu&act=relu&act=gelu&act=elu&act=silu')).toThrow('act: expected 1 to 4 activations; found 5');
  });
});
