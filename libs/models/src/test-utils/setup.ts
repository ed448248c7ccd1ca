import { initBackend, type ActivationSpec } from '@sugar-lab/core';

export const RELU: ActivationSpec = { kind: 'relu' };
export const SUGAR: ActivationSpec = { kind: 'sugar', surrogate: { name: 'bsilu', alpha: 1.67 } };
export const GELU: ActivationSpec = { kind: 'gelu' };
export const ACTIVATIONS: [string, ActivationSpec][] = [
  ['relu', RELU],
  ['sugar(bsilu)', SUGAR],
  ['gelu', GELU],
];

// Large models are only built (never run) and small ones run on the pure-JS backend, so the
// suite behaves the same on every machine.
export async function useCpu(): Promise<void> {
  await initBackend('cpu', { quiet: true });
}
