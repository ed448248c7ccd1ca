// Headless Chromium for the browser tests (tools/browser, apps/playground): where it is, whether a test must have
// it, and the flags it runs with here.
import * as fs from 'node:fs';

export const CHROMIUM = process.env.SUGAR_CHROMIUM || '/usr/bin/chromium';
export const REQUIRED = process.env.SUGAR_REQUIRE_BROWSER === '1';

// Headless Chromium has no GPU here: WebGL runs on SwiftShader, Chromium's software GPU (which it only enables when
// asked to). The sandbox needs privileges a CI container does not have.
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--use-angle=swiftshader',
  '--enable-unsafe-swiftshader',
  '--ignore-gpu-blocklist',
  '--disable-background-networking',
];

/**
 * True when there is no Chromium to test in (after a warning naming `what` is skipped); throws when
 * SUGAR_REQUIRE_BROWSER=1 asks for it.
 *
 * @param what the test that would be skipped
 */
export function chromiumMissing(what: string): boolean {
  if (fs.existsSync(CHROMIUM)) return false;
  const why = `no Chromium at ${CHROMIUM} (apt-get install chromium, or set SUGAR_CHROMIUM)`;
  if (REQUIRED) throw new Error(`SUGAR_REQUIRE_BROWSER=1 but there is ${why}`);
  console.warn(`skipping ${what}: ${why}`);
  return true;
}
