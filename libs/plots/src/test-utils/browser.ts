import { chromiumPath } from '../render';

/** Browser tests run everywhere Chromium is installed (CI included) unless explicitly skipped. */
export const skipBrowser = process.env.SUGAR_SKIP_BROWSER === '1';

/** Fails loudly, with the install hint, when Chromium is missing and skipping was not asked for. */
export function requireChromium(): void {
  try {
    chromiumPath();
  } catch (e) {
    throw new Error(`${(e as Error).message}. Set SUGAR_SKIP_BROWSER=1 to skip the browser tests instead.`, { cause: e });
  }
}
