import pl from 'nodejs-polars';
import { describe, expect, it } from 'vitest';
import { renderHTML, renderMarkdown, type ReportDocument } from './report-render';

const evil = '<script>alert("x")</script>';

const doc = (): ReportDocument => ({
  title: `sweep ${evil}`,
  description: `about ${evil}`,
  summary: [['2 runs. Headline metric: ', { code: `acc${evil}` }, '.']],
  sections: [
    {
      title: `Variants ${evil}`,
      note: ['note ', { code: 'x' }],
      table: pl.DataFrame({ variant: [`relu ${evil} | a`], n: [2], mean: [0.123456] }),
      footnotes: [[`foot ${evil}`]],
    },
    { title: 'Empty', note: ['left out'], table: pl.DataFrame({ variant: [] as string[] }) },
  ],
});

describe('report rendering', () => {
  it('escapes every user string in the HTML: title, description, notes, code, cells, footnotes', () => {
    const html = renderHTML(doc(), { head: ['<script src="plotly"></script>'], figures: ['<div id="fig"></div>'] });
    expect(html.match(/<script/g)).toHaveLength(1); // only the head markup our code put there
    expect(html).toContain('<title>sweep &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;: sugar-lab report</title>');
    expect(html).toContain('<td>relu &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; | a</td><td>2</td><td>0.1235</td>');
    expect(html).toContain('<code>acc&lt;script&gt;');
    expect(html).toContain('<p class="footnote">foot &lt;script&gt;');
    expect(html).not.toContain('Empty');
  });

  it('renders the same document as Markdown, pipes in cells escaped', () => {
    const md = renderMarkdown(doc());
    expect(md).toContain(`# sweep ${evil}\n\nabout ${evil}\n\n2 runs. Headline metric: \`acc${evil}\`.\n`);
    expect(md).toContain(`| relu ${evil} \\| a | 2 | 0.1235 |`);
    expect(md).toContain(`\nfoot ${evil}\n`);
    expect(md).not.toContain('## Empty');
  });
});
