import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SOURCES } from '../build.mjs';
import { projectPaths } from '../paths.mjs';

const PACKAGE = path.resolve(__dirname, '..');
const WORKSPACE = path.resolve(PACKAGE, '..', '..');

describe('@sugar-lab/native as published', () => {
  it('packs the setup command, the build driver and every kernel source, and no tests', () => {
    const r = spawnSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: PACKAGE, encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const files = (JSON.parse(r.stdout.slice(r.stdout.indexOf('['))) as { files: { path: string }[] }[])[0].files.map((f) => f.path).sort();
    const kernels = fs.readdirSync(path.join(PACKAGE, 'kernels')).map((f) => `kernels/${f}`);
    const expected = ['.clang-format', 'LICENSE', 'README.md', 'build.d.mts', 'build.mjs', 'package.json', 'paths.d.mts', 'paths.mjs', 'setup.mjs', ...kernels];
    expect(files).toEqual(expected.sort());
    for (const f of SOURCES) expect(files).toContain(`kernels/${f}`);
  });

  it('names sugar-native-setup as its bin, a node script', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(PACKAGE, 'package.json'), 'utf8'));
    expect(pkg.bin).toEqual({ 'sugar-native-setup': 'setup.mjs' });
    expect(fs.readFileSync(path.join(PACKAGE, 'setup.mjs'), 'utf8').split('\n')[0]).toBe('#!/usr/bin/env node');
  });
});

describe('where setup keeps its state (paths.mjs)', () => {
  it("is the workspace's node_modules/.sugar-lab from anywhere in the workspace, never this package's folder", () => {
    for (const start of [WORKSPACE, PACKAGE, path.join(PACKAGE, 'kernels')]) {
      expect(projectPaths(start).stateDir, start).toBe(path.join(WORKSPACE, 'node_modules', '.sugar-lab'));
      expect(projectPaths(start).root, start).toBe(WORKSPACE);
    }
  });

  it("is a consumer project's node_modules/.sugar-lab, beside its tfjs-node, or where tfjs-node will be installed", () => {
    const project = fs.mkdtempSync(path.join(os.tmpdir(), 'sugar-consumer-'));
    fs.writeFileSync(path.join(project, 'package.json'), '{"name":"consumer","private":true}\n');
    fs.mkdirSync(path.join(project, 'src'));
    // Before tfjs-node is installed: the project of the nearest package.json.
    expect(projectPaths(path.join(project, 'src'))).toEqual({ root: project, tfjsNode: undefined, stateDir: path.join(project, 'node_modules', '.sugar-lab') });
    const tfjsNode = path.join(project, 'node_modules', '@tensorflow', 'tfjs-node');
    fs.mkdirSync(tfjsNode, { recursive: true });
    fs.writeFileSync(path.join(tfjsNode, 'package.json'), '{"name":"@tensorflow/tfjs-node","version":"4.22.0"}\n');
    expect(projectPaths(path.join(project, 'src'))).toEqual({ root: project, tfjsNode, stateDir: path.join(project, 'node_modules', '.sugar-lab') });
    // A linked install (pnpm, a shared node_modules): the state stays in this project's node_modules, where core looks.
    const linked = fs.mkdtempSync(path.join(os.tmpdir(), 'sugar-linked-'));
    fs.mkdirSync(path.join(linked, 'node_modules'));
    fs.symlinkSync(path.join(project, 'node_modules', '@tensorflow'), path.join(linked, 'node_modules', '@tensorflow'));
    expect(projectPaths(linked).stateDir).toBe(path.join(linked, 'node_modules', '.sugar-lab'));
    for (const d of [project, linked]) fs.rmSync(d, { recursive: true, force: true });
  });
});
