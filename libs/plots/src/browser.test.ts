import * as path from 'node:path';
import { expect, it } from 'vitest';
import { apiSurface, browserTwins } from '../../../tools/api-surface';
import * as api from './browser';

// The browser entry's API, name by name (package.json's "browser" export): what a page gets.
it('exports exactly the names in api-browser.txt', async () => {
  await expect(apiSurface('@sugar-lab/plots', path.join(__dirname, 'browser.ts'), api)).toMatchFileSnapshot('../api-browser.txt');
});

it('swaps files for a page (package.json "browser") only for files that export the same names', async () => {
  for (const [node, page] of browserTwins(path.join(__dirname, '..'))) {
    const names = async (file: string) => Object.keys((await import(file)) as object).sort();
    expect(await names(page), path.basename(page)).toEqual(await names(node));
  }
});
