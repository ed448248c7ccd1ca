import { canonicalHash, canonicalJSON } from '@sugar-lab/core';

/** @deprecated core's `canonicalJSON` (the same function): JSON with object keys sorted at every level. */
export const stableStringify: (x: unknown) => string = canonicalJSON;

/** sha256 (hex) of the canonical JSON form (core's `canonicalHash`). */
export const hashJson: (x: unknown) => string = canonicalHash;
