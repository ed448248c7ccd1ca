#!/usr/bin/env node
// `npm run sugar -- ARGS`: builds what changed (Nx, cached: about a second when nothing did), then runs the CLI.
// Build output is shown only when the build fails, so the command's own output stays clean.
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const env = { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false' };
const build = spawnSync('npx', ['nx', 'run-many', '-t', 'build', '--outputStyle=static'], { cwd: ROOT, env, encoding: 'utf8' });
if (build.status !== 0) {
  process.stderr.write(`${build.stdout}${build.stderr}\nsugar: the build failed (above); fix it or run \`npm run build\`\n`);
  process.exit(build.status ?? 1);
}
const cli = spawnSync(process.execPath, [path.join(ROOT, 'apps', 'cli', 'dist', 'main.js'), ...process.argv.slice(2)], { stdio: 'inherit' });
process.exit(cli.status ?? (cli.signal ? 128 : 1));
