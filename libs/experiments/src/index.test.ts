import * as path from 'node:path';
import { expect, it } from 'vitest';
import { apiSurface } from '../../../tools/api-surface';
import * as experiments from './index';

// The public API, name by name: a change to the exports must change api.txt in the same commit.
it('exports exactly the names in api.txt', async () => {
  await expect(apiSurface('@sugar-lab/experiments', path.join(__dirname, 'index.ts'), experiments)).toMatchFileSnapshot('../api.txt');
});
