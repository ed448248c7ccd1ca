import { closestName, describeValue, optionIssues, type OptionIssue, type OptionSchema, type OptionSpec } from '@sugar-lab/core';
import { DatasetOptionError } from './errors';
import type { FetchOptions } from './fetch';
import { datasetOptions } from './registry';

type LoadOptionKey = keyof FetchOptions | 'seed' | 'validation' | 'limit' | 'params';

/**
 * The options `loadDataset` takes for every dataset (the `satisfies` keeps this list complete when
 * FetchOptions grows). Dataset-specific options come from the dataset's own schema (`datasetOptions`).
 */
export const LOAD_OPTIONS = {
  seed: { type: 'number', integer: true, description: 'drives the validation carve and every synthetic set (default 0)' },
  validation: { type: 'number', min: 0, default: 0, description: 'carve a validation split from train: a fraction in (0, 1) or a count' },
  limit: {
    type: 'object',
    description: 'keep only the first N samples of the source splits (before the validation carve)',
    options: { train: { type: 'number', integer: true, min: 1 }, test: { type: 'number', integer: true, min: 1 } },
  },
  // Checked key by key against the dataset's schema, like options given at the top level.
  params: { type: 'object', options: {}, description: 'options of datasets registered elsewhere' },
  offline: { type: 'boolean', description: 'never touch the network (also SUGAR_OFFLINE=1)' },
  mirror: { type: 'string', description: 'download from <mirror>/<dataset>/<file> (also SUGAR_DATA_MIRROR)' },
  force: { type: 'boolean', description: 're-hash files even when the verified-files record vouches for them' },
  dataDir: { type: 'string', description: 'root of the dataset cache (default SUGAR_DATA_DIR, else the user cache)' },
  retries: { type: 'number', integer: true, min: 0, description: 'extra download attempts' },
  retryDelayMs: { type: 'number', min: 0, description: 'wait before the first retry (ms)' },
  timeoutMs: { type: 'number', min: 0, exclusiveMin: true, description: 'give up on a silent connection after this long (ms)' },
  progress: { type: 'boolean', description: 'progress bar on stderr' },
} as const satisfies Record<LoadOptionKey, OptionSpec>;

/**
 * Every problem of `opts` (a dataset's options without its name) for dataset `name`: common options
 * against LOAD_OPTIONS, everything else (and `params`) against the dataset's schema. Paths are relative to `opts`.
 *
 * @param name the dataset's name
 * @param opts the options to check, without the name
 */
export function datasetOptionIssues(name: string, opts: Record<string, unknown>): OptionIssue[] {
  const own = datasetOptions(name);
  const common = Object.keys(LOAD_OPTIONS);
  const issues = optionIssues(LOAD_OPTIONS, Object.fromEntries(Object.entries(opts).filter(([k]) => common.includes(k) && k !== 'params')));
  const specific = Object.fromEntries(Object.entries(opts).filter(([k]) => !common.includes(k)));
  for (const i of optionIssues(own, specific)) issues.push(unknownWithCommon(i, own, common));
  if (opts.params !== undefined) issues.push(...optionIssues(own, opts.params, {}, ['params']).map((i) => unknownWithCommon(i, own, common)));
  return issues;
}

// An unknown key may be a misspelt common option too (`valdation`), so the suggestion looks at both lists.
function unknownWithCommon(issue: OptionIssue, own: OptionSchema, common: readonly string[]): OptionIssue {
  if (!issue.unknownKey) return issue;
  const known = Object.keys(own);
  const list = known.length ? `one of ${known.join(', ')} (or a common option)` : 'no dataset-specific option (this dataset takes none)';
  const key = issue.unknownKey.key;
  const suggestion = closestName(key, [...known, ...common]);
  const reason = `unknown option '${key}'; expected ${list}${suggestion ? `; did you mean '${suggestion}'?` : ''}`;
  return { ...issue, expected: list, reason, unknownKey: { ...issue.unknownKey, suggestion } };
}

/**
 * The dataset-specific options `loadDataset` hands the loader: `opts` checked against the schema, defaults filled
 * in. Throws a DatasetOptionError naming the option, what was expected and what was found.
 */
export function resolveDatasetParams(name: string, opts: Record<string, unknown>): Record<string, number | string | boolean> {
  const [issue] = datasetOptionIssues(name, opts);
  if (issue) {
    const suggestion = issue.unknownKey?.suggestion;
    const found = describeValue(issue.found, typeOfFound(issue.expected));
    throw new DatasetOptionError(issue.path.join('.'), issue.expected, found, name, suggestion && `did you mean '${suggestion}'?`);
  }
  const own = datasetOptions(name);
  const out: Record<string, number | string | boolean> = {};
  for (const [key, spec] of Object.entries(own)) if (spec.type !== 'object' && spec.default !== undefined) out[key] = spec.default;
  const given = { ...(opts.params as Record<string, unknown> | undefined), ...opts };
  for (const key of Object.keys(own)) if (given[key] !== undefined) out[key] = given[key] as number | string | boolean;
  return out;
}

function typeOfFound(expected: string): 'number' | 'boolean' | undefined {
  if (/^(an integer|a (finite )?number)/.test(expected)) return 'number';
  return expected === 'a boolean' ? 'boolean' : undefined;
}
