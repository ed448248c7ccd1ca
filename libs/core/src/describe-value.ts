/**
 * A value as an error message's "found ..." shows it. JSON would print NaN and Infinity as `null`,
 * which hides the actual mistake; strings are named as strings where a number or boolean was expected
 * (`found the string '0.1'`).
 *
 * @param x the value that was found
 * @param expectedType the type that was expected, so a string holding a number is named as a string
 */
export function describeValue(x: unknown, expectedType?: 'number' | 'boolean' | 'string' | 'object'): string {
  if (x === undefined) return 'undefined';
  if (typeof x === 'number') return Number.isNaN(x) ? 'NaN' : Object.is(x, -0) ? '-0' : String(x);
  if (typeof x === 'string') return expectedType && expectedType !== 'string' ? `the string '${x}'` : `'${x}'`;
  if (typeof x === 'bigint') return `${x}n`;
  if (typeof x === 'function' || typeof x === 'symbol') return String(x);
  let text: string;
  try {
    // NaN and Infinity nested in objects stay visible too.
    // eslint-disable-next-line @typescript-eslint/no-base-to-string -- last resort when JSON gives nothing: the value's own toString
    text = JSON.stringify(x, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? `<${String(v)}>` : v)) ?? String(x);
  } catch {
    // eslint-disable-next-line @typescript-eslint/no-base-to-string -- JSON threw (a cycle, a bigint inside): the value's own toString is all there is
    text = String(x);
  }
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}
