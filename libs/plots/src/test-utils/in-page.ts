import { withPage } from '../render';

export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

/**
 * Draws an HTML fragment (toHTMLFragment's div and script, run as a page runs them) in a column `width` px wide
 * on the shared headless-Chromium page, and returns where the column, the plot's div, its drawn SVG and its
 * legend (if any) lie on the page.
 */
export async function drawInColumn(fragment: string, width: number): Promise<{ column: Box; svg: Box; legend?: Box }> {
  return withPage((page) =>
    page.evaluate(
      async ({ html, width }) => {
        document.body.style.margin = '0';
        document.body.querySelectorAll('.column').forEach((e) => e.remove());
        const column = document.createElement('div');
        column.className = 'column';
        column.style.width = `${width}px`;
        document.body.appendChild(column);
        column.innerHTML = html;
        // Scripts set through innerHTML do not run: run the fragment's own, as the browser would.
        (0, eval)(column.querySelector('script')!.textContent);
        for (let i = 0; i < 100 && !column.querySelector('.main-svg'); i++) await new Promise((r) => setTimeout(r, 50));
        const box = (e: Element | null) => {
          if (!e) return undefined;
          const r = e.getBoundingClientRect();
          return { x: r.left, y: r.top, width: r.width, height: r.height };
        };
        return { column: box(column)!, svg: box(column.querySelector('.main-svg'))!, legend: box(column.querySelector('.legend')) };
      },
      { html: fragment, width },
    ),
  );
}

/**
 * Where SUGAR_SCREENSHOT_DIR is set: a PNG of the column drawInColumn drew last, as `name`.png there, for a person
 * to look at (what the legend and range fixes look like at that width).
 */
export async function screenshotColumn(name: string): Promise<string | undefined> {
  const dir = process.env.SUGAR_SCREENSHOT_DIR;
  if (!dir) return undefined;
  const file = `${dir.replace(/\/$/, '')}/${name}.png`;
  await withPage((page) => page.locator('.column').screenshot({ path: file }));
  return file;
}
