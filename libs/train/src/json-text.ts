// JSON has no NaN/Infinity; they are written as the strings "NaN", "Infinity", "-Infinity" so a
// diverged value stays visible instead of becoming null.
function replacer(_key: string, value: unknown): unknown {
  return typeof value === 'number' && !Number.isFinite(value) ? String(value) : value;
}

/**
 * One line of JSON (non-finite numbers as strings).
 *
 * @param record any JSON-serializable value
 */
export function toJsonLine(record: unknown): string {
  return JSON.stringify(record, replacer) + '\n';
}

/**
 * A JSON file's text (indented, non-finite numbers as strings, as `toJsonLine`); read back with `fromJsonText`.
 *
 * @param value any JSON-serializable value
 * @param indent spaces per level (default 2)
 */
export function toJsonText(value: unknown, indent = 2): string {
  return JSON.stringify(value, replacer, indent) + '\n';
}

// The decoder of `replacer`: the three strings it writes come back as the numbers they stood for (a string
// field holding exactly "NaN" would too; no record of ours has one).
const NON_FINITE = new Map([
  ['NaN', NaN],
  ['Infinity', Infinity],
  ['-Infinity', -Infinity],
]);
function reviver(_key: string, value: unknown): unknown {
  return typeof value === 'string' && NON_FINITE.has(value) ? NON_FINITE.get(value) : value;
}

/**
 * Parses one line of `toJsonLine` ("NaN", "Infinity", "-Infinity" back to numbers); throws SyntaxError.
 *
 * @param line one line as `toJsonLine` wrote it
 */
export function fromJsonLine<T = unknown>(line: string): T {
  return JSON.parse(line, reviver) as T;
}

/**
 * Parses the text of `toJsonText` (or of any JSON file) with the same decoding; throws SyntaxError.
 *
 * @param text the whole file's text; non-finite numbers written as strings come back as numbers
 */
export const fromJsonText: <T = unknown>(text: string) => T = fromJsonLine;
