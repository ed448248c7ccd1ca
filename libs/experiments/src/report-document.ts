import { hessianUnconverged } from './aggregate';
import { INTERVAL_NOTE } from './metric-interval';
import { incompleteNote } from './report-unfinished';
import { compactVariants, baselineOf, UNCONVERGED_MARK, type ReportTables } from './report-tables';
import type { Paragraph, ReportDocument, ReportSection } from './report-render';
import type { SweepResults } from './report-load';

const HEADLINE = ['testLoss', 'deadFraction', 'sparsity', 'resurrectedTotal', 'sharpness', 'hessianTop', 'convexityRatio'];

function summaryParagraphs(r: SweepResults): Paragraph[] {
  const { spec, summaries } = r;
  const counts = (['completed', 'diverged', 'failed'] as const).map((s) => `${summaries.filter((x) => x.status === s).length} ${s}`).join(', ');
  const out: Paragraph[] = [
    [
      `${summaries.length} runs: ${counts}. Headline metric: `,
      { code: spec.metric },
      '. Means, intervals and paired tests are over completed runs only; diverged and failed runs are counted beside them.',
    ],
  ];
  const measured = summaries.filter((s) => s.status === 'completed' && typeof s.final.hessianTop === 'number');
  if (measured.length) {
    const unconverged = measured.filter(hessianUnconverged);
    out.push([
      `Hessian extremes converged in ${measured.length - unconverged.length} of ${measured.length} completed runs`,
      ...(unconverged.length ? [`; ${UNCONVERGED_MARK} marks variants with unconverged estimates (runs: ${unconverged.map((s) => s.id).join(', ')}).`] : ['.']),
    ]);
  }
  return out;
}

const UNCONVERGED_NOTE: Paragraph = [
  `${UNCONVERGED_MARK} Some of the variant's completed runs (hessianUnconverged counts them) stopped at the iteration cap before their Hessian estimates met the residual tolerance, or predate its recording. Their values are averaged in as estimated; an unconverged hessianMin lies between the true one and 0 (per run in runs.csv: `,
  { code: 'hessianConverged' },
  ', ',
  { code: 'hessianResidual' },
  '; raise ',
  { code: 'landscape.powerIterations' },
  ').',
];

/** What the report says, section by section: the Markdown and the HTML are both rendered from this. */
export function reportDocument(r: SweepResults, tables: ReportTables): ReportDocument {
  const { spec } = r;
  const headline = [spec.metric, ...HEADLINE.filter((m) => m !== spec.metric)];
  const flagged =
    tables.variants.columns.includes('hessianUnconverged') && (tables.variants.getColumn('hessianUnconverged').toArray() as number[]).some((x) => x > 0);
  const sections: ReportSection[] = [
    {
      title: 'Variants',
      note: [
        `n completed runs per variant (diverged and failed ones are counted, not averaged); mean and [95% interval] over seeds of the final metrics (every metric with its std: variants.csv): ${INTERVAL_NOTE}.`,
      ],
      table: tables.variants.height ? compactVariants(tables.variants, headline) : tables.variants,
      footnotes: flagged ? [UNCONVERGED_NOTE] : [],
    },
    {
      title: 'Paired differences to the baseline',
      note: [
        'Variant minus ',
        { code: baselineOf(r) },
        ', paired by seed (and every other grid axis) over pairs where both runs completed; diverged / failed count the pairs lost to either run; two-sided paired t-test.',
      ],
      table: tables.paired,
    },
    {
      title: 'Per layer',
      note: [
        'Dead-unit fraction (never positive on the probe set), sparsity (exact zeros after the activation) and activation probability, at the end of training, mean over completed runs.',
      ],
      table: tables.layers,
    },
    { title: 'Runs', note: ['One row per run.'], table: tables.runs },
  ];
  return { title: spec.name, description: spec.description, summary: summaryParagraphs(r), sections };
}

/**
 * A report of a sweep that has not finished says so in its summary and above every table, and lists the
 * unfinished runs with their progress last; a finished sweep's document is returned as it is.
 */
export function withIncompleteNotes(doc: ReportDocument, r: SweepResults, tables: ReportTables): ReportDocument {
  const k = r.unfinished.length;
  if (!k) return doc;
  const total = k + r.summaries.length;
  const started = r.unfinished.filter((u) => u.state === 'in progress').length;
  const banner: Paragraph = [
    `Incomplete sweep: ${k} of ${total} runs have not finished (${started} in progress or interrupted, ${k - started} not started). `,
    'Only runs with a summary.json are in the statistics; the others are counted in the tables (unfinished) and listed with their progress under Unfinished runs. Run or resume the sweep, then report again.',
  ];
  const mark = incompleteNote(k, total);
  return {
    ...doc,
    summary: [banner, ...doc.summary],
    sections: [
      ...doc.sections.map((s) => ({ ...s, note: [mark + ' ', ...s.note] })),
      {
        title: 'Unfinished runs',
        note: [
          `${k} of ${total} runs have no summary.json yet. Progress: the last epoch in the run\u2019s metrics.jsonl of the epochs its config.json asks for; none of their numbers is in the tables above.`,
        ],
        table: tables.unfinished,
      },
    ],
  };
}
