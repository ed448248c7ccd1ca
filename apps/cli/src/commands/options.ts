import { InvalidArgumentError, type Command } from 'commander';
import { describeOptions, didYouMean, listSurrogates, optionRows, surrogateDefinition, surrogateOptions, type OptionSchema } from '@sugar-lab/core';
import { datasetNames, datasetOptions, getDatasetDefinition, LOAD_OPTIONS } from '@sugar-lab/datasets';
import { loadPlugins, requireSource } from '@sugar-lab/experiments';
import { COMMON_MODEL_OPTIONS, getModelInfo, listModels } from '@sugar-lab/models';
import { collectPlugins, REQUIRE_HELP } from './run';

export const OPTION_KINDS = ['surrogates', 'models', 'datasets'] as const;
export type OptionKind = (typeof OPTION_KINDS)[number];

/** One registry entry as `sugar options` shows it; `options` undefined: the entry declares no schema. */
export interface OptionsEntry {
  name: string;
  description?: string;
  options?: OptionSchema;
}

/** One registry: where a spec names its entries, options every entry takes, and the entries. */
export interface OptionsListing {
  kind: OptionKind;
  usage: string;
  common?: { title: string; options?: OptionSchema; fromRun?: string[] };
  entries: OptionsEntry[];
}

/** `[kind]`, checked when the command line is parsed; a singular (`model`) is taken as its plural. */
export function parseKind(value: string): OptionKind {
  const kind = OPTION_KINDS.find((k) => k === value || k === `${value}s`);
  if (kind) return kind;
  throw new InvalidArgumentError(`expected one of ${OPTION_KINDS.join(', ')}; found '${value}'${didYouMean(value, OPTION_KINDS)}`);
}

function surrogateListing(): OptionsListing {
  return {
    kind: 'surrogates',
    usage: 'activation: { kind: sugar, surrogate: { name: NAME, ...options } } (SUGAR), or { kind: NAME, ...options } (the forward activation)',
    entries: listSurrogates().map((name) => ({ name, description: surrogateDefinition(name).description, options: surrogateOptions(name) })),
  };
}

function modelListing(): OptionsListing {
  return {
    kind: 'models',
    usage: 'model: { name: NAME, ...options }',
    common: { title: 'every model', fromRun: COMMON_MODEL_OPTIONS.filter((k) => k !== 'name') },
    entries: listModels().map((name) => {
      const { description, options } = getModelInfo(name);
      return { name, description, options };
    }),
  };
}

function datasetListing(): OptionsListing {
  return {
    kind: 'datasets',
    usage: 'dataset: { name: NAME, ...options }',
    common: { title: 'every dataset', options: LOAD_OPTIONS },
    entries: datasetNames().map((name) => ({ name, description: getDatasetDefinition(name).info.description, options: datasetOptions(name) })),
  };
}

const LISTINGS: Record<OptionKind, () => OptionsListing> = { surrogates: surrogateListing, models: modelListing, datasets: datasetListing };

/** The registries as they are now (after plugins loaded), or one of them, or one entry of one. */
export function optionsListings(kind?: OptionKind, name?: string): OptionsListing[] {
  const listings = (kind ? [kind] : OPTION_KINDS).map((k) => LISTINGS[k]());
  if (name === undefined) return listings;
  const [listing] = listings;
  const entries = listing.entries.filter((e) => e.name === name);
  if (!entries.length) {
    const names = listing.entries.map((e) => e.name);
    throw new Error(`no ${listing.kind.slice(0, -1)} '${name}'; expected one of: ${names.join(', ')}${didYouMean(name, names)}`);
  }
  return [{ ...listing, common: undefined, entries }];
}

const FROM_RUN = "set by the run (the spec's activation, the dataset's shape and classes, the run's seed), not given under model";
const NO_SCHEMA = 'declares no option schema: its options are not checked';

function entryText(e: OptionsEntry): string[] {
  const head = `  ${e.name}${e.description ? `  ${e.description}` : ''}`;
  if (!e.options) return [head, `    (${NO_SCHEMA})`];
  const lines = describeOptions(e.options, '    ');
  return [head, ...(lines.length ? lines : ['    (no options)'])];
}

/** The terminal listing: per registry its usage, the options every entry takes, then each entry and its options. */
export function formatOptionsText(listings: OptionsListing[]): string {
  const blocks = listings.map((l) => {
    const lines = [`${l.kind}: ${l.usage}`];
    if (l.common) {
      lines.push(`  options of ${l.common.title}:`);
      if (l.common.fromRun) lines.push(`    ${l.common.fromRun.join(', ')}: ${FROM_RUN}`);
      if (l.common.options) lines.push(...describeOptions(l.common.options, '    '));
    }
    for (const e of l.entries) lines.push(...entryText(e));
    return lines.join('\n');
  });
  return blocks.join('\n\n');
}

// An angle bracket would open HTML (`<mirror>`), a pipe end a table cell.
const text = (s: string) => s.replace(/</g, '&lt;');
const cell = (s: string) => text(s).replace(/\|/g, '\\|');
const TITLES: Record<OptionKind, string> = { surrogates: 'Surrogates', models: 'Models', datasets: 'Datasets' };

function markdownTable(schema: OptionSchema): string[] {
  const rows = optionRows(schema);
  if (!rows.length) return ['No options.'];
  return [
    '| option | expects | default | description |',
    '| --- | --- | --- | --- |',
    ...rows.map((r) => `| \`${r.path.join('.')}\` | ${cell(r.expected)} | ${r.required ? 'required' : cell(r.default ?? '')} | ${cell(r.description ?? '')} |`),
  ];
}

function markdownSection(l: OptionsListing): string[] {
  const out = [`## ${TITLES[l.kind]}`, '', `In a spec: \`${l.usage}\`.`, ''];
  if (l.common) {
    out.push(`### Options of ${l.common.title}`, '');
    if (l.common.fromRun) out.push(`${l.common.fromRun.map((k) => `\`${k}\``).join(', ')}: ${FROM_RUN}.`, '');
    if (l.common.options) out.push(...markdownTable(l.common.options), '');
  }
  for (const e of l.entries) {
    out.push(`### \`${e.name}\``, '');
    if (e.description) out.push(text(e.description), '');
    out.push(...(e.options ? markdownTable(e.options) : [`It ${NO_SCHEMA}.`]), '');
  }
  return out;
}

/** docs/options.md: the same listing as Markdown tables (`npm run docs:options` writes it; a test keeps it true). */
export function formatOptionsMarkdown(listings: OptionsListing[]): string {
  const intro = [
    '# Options of every surrogate, model and dataset',
    '',
    "Generated from the registries' option schemas by `npm run docs:options` (`sugar options --markdown`): the same",
    "schemas a spec is validated against. `sugar options --require ./plugin.js` lists a plugin's entries too.",
    '',
  ];
  return [...intro, ...listings.flatMap(markdownSection)].join('\n').replace(/\n+$/, '\n');
}

export function registerOptionsCommand(program: Command): void {
  program
    .command('options')
    .description("every registered surrogate, model and dataset with its options (type, default, allowed values, description), from each entry's option schema")
    .argument('[kind]', OPTION_KINDS.join(', '), parseKind)
    .argument('[name]', 'one entry of that kind')
    .option('--markdown', 'print Markdown tables (what docs/options.md holds)')
    .option('--require <plugin>', `${REQUIRE_HELP}; their entries are listed too`, collectPlugins, [])
    .action(async (kind: OptionKind | undefined, name: string | undefined, o: { markdown?: boolean; require: string[] }) => {
      await loadPlugins(o.require, requireSource());
      const listings = optionsListings(kind, name);
      process.stdout.write(o.markdown ? formatOptionsMarkdown(listings) : `${formatOptionsText(listings)}\n`);
    });
}
