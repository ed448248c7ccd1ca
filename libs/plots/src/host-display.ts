/**
 * The display of the program hosting this process, when it is a notebook kernel: `@sugar-lab/core`'s host
 * registry (core's host.ts), read here without depending on core, so that plots stays free of TensorFlow.js. The
 * registry lives on `globalThis` under a registered symbol precisely so that any copy of any lib finds it.
 */
const HOST_REGISTRY = Symbol.for('sugar-lab.host');

/**
 * Sends rich output to the running cell: Jupyter's display_data, or with `update` the update_display_data that
 * replaces the output of the same `id`. JSON mime types (`application/...+json`) carry objects, the rest strings.
 */
export type CellDisplay = (data: Record<string, unknown>, opts: { id: string; update: boolean }) => void;

export interface HostCell {
  display: CellDisplay;
  /** Which cell execution this is: the kernel installs a host object per cell. */
  cell: object;
}

/** The running cell's display from the kernel's host, or undefined outside such a kernel. */
export function hostCell(): HostCell | undefined {
  const registry = (globalThis as { [HOST_REGISTRY]?: { host?: { display?: unknown } } })[HOST_REGISTRY];
  const host = registry?.host;
  if (!host || typeof host.display !== 'function') return undefined;
  return { display: host.display as CellDisplay, cell: host };
}
