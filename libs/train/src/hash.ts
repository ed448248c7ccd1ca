import { canonicalHash } from '@sugar-lab/core';

/** sha256 (hex) of the canonical JSON form (core's `canonicalHash`). */
export const hashJson: (x: unknown) => string = canonicalHash;
