import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { expect, it } from 'vitest';

// CI installs clang-format and sets this, so the check runs there instead of skipping.
const REQUIRED = process.env.SUGAR_REQUIRE_CLANG_FORMAT === '1';
const PACKAGE = path.resolve(__dirname, '..');
const version = spawnSync('clang-format', ['--version'], { encoding: 'utf8' });
const available = version.status === 0;

it.skipIf(!available && !REQUIRED)('the C++ kernels are formatted as libs/native/.clang-format says', () => {
  if (!available) throw new Error('SUGAR_REQUIRE_CLANG_FORMAT=1 but clang-format is not installed (apt-get install clang-format)');
  const files = ['kernels', 'bench'].flatMap((d) =>
    fs
      .readdirSync(path.join(PACKAGE, d))
      .filter((f) => /\.(cc|h)$/.test(f))
      .map((f) => `${d}/${f}`),
  );
  expect(files.length).toBeGreaterThan(0);
  const r = spawnSync('clang-format', ['--dry-run', '--Werror', '--style=file', ...files], { cwd: PACKAGE, encoding: 'utf8' });
  const advice = `${version.stdout.trim()}: run \`clang-format -i kernels/*.cc kernels/*.h bench/*.cc\` in libs/native`;
  expect(r.status, `${r.stderr.split('\n').slice(0, 12).join('\n')}\n${advice}`).toBe(0);
});
