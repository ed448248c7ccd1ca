import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI, tmpDir } from '../test-utils/cli-process';

const DOCS = path.resolve(__dirname, '..', '..', '..', '..', 'docs', 'options.md');

const sugar = (args: string[], cwd?: string) =>
  spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', cwd, env: { ...process.env, SUGAR_QUIET: '1' }, timeout: 60_000 });

/** An ES module plugin outside the workspace: a surrogate with a parameter, a model with a schema and one without. */
function pluginDir(): string {
  const dir = tmpDir('sugar-options-');
  fs.writeFileSync(
    path.join(dir, 'entries.mjs'),
    `import { registerSurrogate, tf } from '@sugar-lab/core';
import { registerModel } from '@sugar-lab/models';
registerSurrogate({
  name: 'optStep',
  description: 'a steep softplus',
  params: { k: { default: 2, positive: true, description: 'steepness' } },
  fn: (x, { k }) => tf.div(tf.softplus(tf.mul(x, k)), k),
  grad: (x, { k }) => tf.sigmoid(tf.mul(x, k)),
});
const build = () => { throw new Error('not built in this test'); };
registerModel('opt-net', { family: 'mlp', description: 'one hidden layer', options: { hidden: { type: 'number', integer: true, min: 1, default: 4, description: 'hidden units' } }, build });
registerModel('opt-free', { family: 'mlp', description: 'no schema', build });
`,
  );
  return dir;
}

describe('sugar options', () => {
  it("lists every registry's entries with each option's type, range, default and description", () => {
    const r = sugar(['options']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^surrogates: activation: \{ kind: sugar, surrogate: \{ name: NAME, \.\.\.options \} \}/);
    expect(r.stdout).toContain('  bsilu  B-SiLU: (x + alpha) * sigmoid(x) - alpha / 2\n    alpha  a number > 0, default 1.67: shift of the SiLU branch\n');
    expect(r.stdout).toContain('  gelu  GELU, exact: x * Phi(x)\n    (no options)\n');
    expect(r.stdout).toContain('\nmodels: model: { name: NAME, ...options }\n');
    expect(r.stdout).toContain('    depth  an integer >= 0, required: hidden layers (0: a linear classifier)\n');
    expect(r.stdout).toContain("    head  'linear' or 'mlp', default \"linear\"");
    expect(r.stdout).toContain('\ndatasets: dataset: { name: NAME, ...options }\n  options of every dataset:\n');
    expect(r.stdout).toContain('    limit  an object: keep only the first N samples');
    expect(r.stdout).toContain('      train  an integer >= 1\n');
    expect(r.stdout).toContain('    noise  a number >= 0, default 0.05: standard deviation of the Gaussian noise on the features\n');
  });

  it('narrows to one registry or one entry; an unknown kind or name is refused with the choices', () => {
    const one = sugar(['options', 'model', 'mlp']);
    expect(one.status, one.stderr).toBe(0);
    expect(one.stdout.split('\n')[0]).toBe('models: model: { name: NAME, ...options }');
    expect(one.stdout).toContain('  mlp  fully connected');
    expect(one.stdout).not.toMatch(/resnet18|options of every model/);

    const kind = sugar(['options', 'widgets']);
    expect(kind.status).toBe(1);
    expect(kind.stderr).toContain("expected one of surrogates, models, datasets; found 'widgets'");
    const name = sugar(['options', 'surrogates', 'bslu']);
    expect(name.status).toBe(1);
    expect(name.stderr).toMatch(/sugar: no surrogate 'bslu'; expected one of: relu, bsilu, .*; did you mean 'bsilu'\?/);
  });

  it("lists a --require plugin's surrogates and models, and says when an entry declares no schema", () => {
    const dir = pluginDir();
    const without = sugar(['options', 'surrogates', 'optStep']);
    expect(without.status).toBe(1);
    expect(without.stderr).toContain("no surrogate 'optStep'");

    const r = sugar(['options', '--require', './entries.mjs'], dir);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('  optStep  a steep softplus\n    k  a number > 0, default 2: steepness\n');
    expect(r.stdout).toContain('  opt-net  one hidden layer\n    hidden  an integer >= 1, default 4: hidden units\n');
    expect(r.stdout).toContain('  opt-free  no schema\n    (declares no option schema: its options are not checked)\n');
    const md = sugar(['options', 'models', 'opt-net', '--markdown', '--require', './entries.mjs'], dir);
    expect(md.status, md.stderr).toBe(0);
    expect(md.stdout).toContain(
      '### `opt-net`\n\none hidden layer\n\n| option | expects | default | description |\n| --- | --- | --- | --- |\n| `hidden` | an integer >= 1 | 4 | hidden units |\n',
    );
  });

  it('docs/options.md is what `sugar options --markdown` prints (regenerate: npm run docs:options)', () => {
    const r = sugar(['options', '--markdown']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('| `limit.train` | an integer >= 1 |  |  |');
    expect(r.stdout).toContain('| `depth` | an integer >= 0 | required | hidden layers (0: a linear classifier) |');
    expect(fs.readFileSync(DOCS, 'utf8')).toBe(r.stdout);
  });

  it('sugar run --help points at it', () => {
    const r = sugar(['run', '--help']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('sugar options [surrogates|models|datasets] [name] (docs/options.md)');
  });
});
