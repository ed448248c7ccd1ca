import { backendInfo, initBackend, type BackendName } from '../backend';

export const TEST_BACKENDS: BackendName[] = ['cpu', 'wasm', 'tensorflow'];

/**
 * Switches to `name`; returns undefined when it does not load, with the reason
 * logged so a skipped backend is visible in the test output.
 */
export async function useBackend(name: BackendName): Promise<string | undefined> {
  const got = await initBackend(name, { quiet: true });
  if (got === name) return undefined;
  const info = backendInfo();
  const why =
    info?.requestedBy === 'SUGAR_BACKEND'
      ? `SUGAR_BACKEND=${process.env.SUGAR_BACKEND} selects ${got}`
      : (info?.attempts.find((a) => a.backend === name)?.reason ?? 'unknown reason');
  const note = `backend ${name} did not load (${why}); its checks are skipped`;
  console.warn(`NOTE: ${note}`);
  return note;
}
