import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import { backendInfo, canonicalJSON, nativeOpsInfo } from '@sugar-lab/core';
import type { ResolvedPlugin } from './plugins';

/**
 * What computed a run's numbers besides its config: the backend, sugar-lab's native kernels (and their BLAS), and
 * the content of every plugin it loaded. Recorded beside each run (runs/<id>/engine.json) when it starts and in its
 * summary; a run is never continued by a different engine, so its numbers never mix two.
 */
export interface Engine {
  backend: string;
  /** 'none', or the native kernels and the BLAS they were built with (`sugar-ops, OpenBLAS 0.3.21`). */
  kernels: string;
  /** SHA-256 of each plugin file, by its specifier. */
  plugins: Record<string, string>;
}

/** Notes for the run log and summary: a fallback to another backend, kernels asked for but not loaded. */
export interface EngineNotes {
  fallback?: string;
  kernelsNote?: string;
}

/** SHA-256 of each resolved plugin's file, by specifier: an edited plugin is another engine. */
export function pluginHashes(plugins: readonly ResolvedPlugin[]): Record<string, string> {
  return Object.fromEntries(plugins.map((p) => [p.specifier, createHash('sha256').update(fs.readFileSync(p.file)).digest('hex')]));
}

function kernelsOf(backend: string): string {
  const info = backend === 'tensorflow' ? nativeOpsInfo() : undefined;
  if (!info?.loaded) return 'none';
  const blas = info.blas?.split(' ').slice(0, 2).join(' ');
  return `sugar-ops${blas ? `, ${blas}` : ''}`;
}

/** This process's engine (after initBackend) and what the user should hear about it. */
export function currentEngine(backend: string, plugins: Record<string, string>): { engine: Engine; notes: EngineNotes } {
  const engine: Engine = { backend, kernels: kernelsOf(backend), plugins };
  const notes: EngineNotes = {};
  const failed = backendInfo()?.attempts.filter((a) => !a.ok) ?? [];
  if (failed.length) notes.fallback = `trained on ${backend}: ${failed.map((a) => `${a.backend} did not load (${a.reason})`).join('; ')}`;
  const asked = process.env.SUGAR_OPS?.trim();
  if (asked && asked !== '0' && asked !== 'off' && engine.kernels === 'none') {
    notes.kernelsNote = `SUGAR_OPS=${asked} was asked for but no native kernels are loaded (${nativeOpsInfo()?.reason ?? `the ${backend} backend runs none`})`;
  }
  return { engine, notes };
}

/** How two engines differ (`backend wasm -> tensorflow; plugin ./p.js edited`), or '' when they are the same. */
export function engineDifference(was: Engine, now: Engine): string {
  const out: string[] = [];
  if (was.backend !== now.backend) out.push(`backend ${was.backend} -> ${now.backend}`);
  if (was.kernels !== now.kernels) out.push(`native kernels '${was.kernels}' -> '${now.kernels}'`);
  const plugins = pluginDifference(was.plugins, now.plugins);
  if (plugins) out.push(plugins);
  return out.length ? out.join('; ') : canonicalJSON(was) === canonicalJSON(now) ? '' : 'engine record differs';
}

/** How two sets of plugin hashes differ (`plugin ./p.js edited (sha256 ... -> ...)`), or ''. */
export function pluginDifference(was: Record<string, string>, now: Record<string, string>): string {
  const out: string[] = [];
  for (const p of new Set([...Object.keys(was), ...Object.keys(now)])) {
    if (was[p] === now[p]) continue;
    out.push(`plugin ${p} ${!now[p] ? 'removed' : !was[p] ? 'added' : `edited (sha256 ${was[p].slice(0, 12)} -> ${now[p].slice(0, 12)})`}`);
  }
  return out.join('; ');
}
