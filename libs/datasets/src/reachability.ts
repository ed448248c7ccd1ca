/**
 * Which download hosts this process found unreachable. A host that does not resolve (the machine is offline, or
 * its DNS knows no such name) or that refuses connections will answer the same way a second later: retrying it
 * only delays the error, and every later load in the process (the next run of a sweep, the next cell of a
 * notebook) would pay the same wait. So the verdict is kept for the process and the host is not asked again.
 */

/** Error codes that mean the host cannot be reached at all, as opposed to a slow or failing server. */
const UNREACHABLE_CODES: Record<string, string> = {
  ENOTFOUND: 'the host name does not resolve',
  EAI_AGAIN: 'the host name does not resolve (no DNS answer)',
  ECONNREFUSED: 'connection refused',
  ENETUNREACH: 'network unreachable',
  EHOSTUNREACH: 'host unreachable',
};

const verdicts = new Map<string, string>();

/** The origin (`https://host:port`) a verdict is kept for. */
function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return url;
  }
}

/** For an error of a connection attempt: why the host is unreachable, or undefined for any other failure. */
export function unreachableReason(err: unknown): string | undefined {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  return code !== undefined && code in UNREACHABLE_CODES ? `${UNREACHABLE_CODES[code]} (${code})` : undefined;
}

/** Records that `url`'s host could not be reached, for `reason`. */
export function markUnreachable(url: string, reason: string): void {
  verdicts.set(originOf(url), reason);
}

/** Why `url`'s host was found unreachable earlier in this process, or undefined. */
export function knownUnreachable(url: string): string | undefined {
  return verdicts.get(originOf(url));
}

/** Forgets every verdict (tests; a long-lived process whose network came back). */
export function forgetUnreachable(): void {
  verdicts.clear();
}
