/** Formats a path as people write it: `grid.activation[2].surrogate.alpha`. */
export function formatPath(parts: readonly (string | number | symbol)[]): string {
  let out = '';
  for (const p of parts) {
    if (typeof p === 'number') out += `[${p}]`;
    else out += out ? `.${String(p)}` : String(p);
  }
  return out;
}
