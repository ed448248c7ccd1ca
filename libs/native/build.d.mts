/** What building the kernels gave: the library's path and the BLAS it links, or why it was not built. */
export type BuildResult = { ok: true; built: boolean; path: string; blas: Blas } | { ok: false; reason: string; blas?: Blas };
export type Blas = 'openblas' | 'eigen';

export const KERNELS: string;
export const SOURCES: string[];
export const OUTPUT_NAME: string;
export const BLAS_CHOICES: Blas[];

export function findOpenBlas(cxx?: string): { ok: true; include: string; lib: string } | { ok: false; reason: string };
export function findEigen(tfjsNodeDir: string | undefined, candidates?: string[]): { ok: true; include: string } | { ok: false; reason: string };
export function chooseBlas(
  tfjsNodeDir: string | undefined,
  options?: { eigenDirs?: string[]; cxx?: string; wanted?: string },
): { ok: true; blas: Blas; include: string } | { ok: false; reason: string };
export function buildSugarOps(
  tfjsNodeDir: string,
  outDir: string,
  options?: { verbose?: boolean; eigenDirs?: string[]; blas?: Blas | 'auto' },
): Promise<BuildResult>;
