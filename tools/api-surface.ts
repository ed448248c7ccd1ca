import * as fs from 'node:fs';
import * as path from 'node:path';
import * as ts from 'typescript';

// A lib's public API is the list of names its src/index.ts exports. Each lib's src/index.test.ts renders that list
// with apiSurface and compares it with the committed api.txt beside the lib's package.json, so that adding, removing
// or renaming an export is a deliberate change that shows in review. After a deliberate change, update the file:
//   cd libs/<lib> && npx vitest run src/index.test.ts -u

export interface ApiEntry {
  name: string;
  /** 'value' exists at run time (function, class, constant, namespace); 'type' is erased (interface, type alias). */
  kind: 'value' | 'type';
}

const isTypeDeclaration = (n: ts.Node) => ts.isInterfaceDeclaration(n) || ts.isTypeAliasDeclaration(n);
const hasExportModifier = (n: ts.Node) => ts.canHaveModifiers(n) && (ts.getModifiers(n) ?? []).some((m) => m.kind === ts.SyntaxKind.ExportKeyword);

/**
 * Every name `indexFile` exports, read from its text (no type checking): each must be listed by name, in it or in
 * the lib's own file it re-exports whole (`export * from './browser'`: a Node entry that is the browser's plus its
 * own names, which replace the browser's of the same name, as in JavaScript); any other `export *` throws.
 */
export function listedExports(indexFile: string): ApiEntry[] {
  const sf = ts.createSourceFile(indexFile, fs.readFileSync(indexFile, 'utf8'), ts.ScriptTarget.Latest, true);
  const entries: ApiEntry[] = [];
  const starred: ApiEntry[] = [];
  for (const st of sf.statements) {
    if (ts.isExportDeclaration(st)) {
      const from = st.moduleSpecifier && ts.isStringLiteral(st.moduleSpecifier) ? st.moduleSpecifier.text : '';
      if (!st.exportClause && from.startsWith('./') && !st.isTypeOnly) {
        starred.push(...listedExports(path.join(path.dirname(indexFile), `${from}.ts`)));
        continue;
      }
      if (!st.exportClause || !ts.isNamedExports(st.exportClause))
        throw new Error(`${indexFile}: \`${st.getText()}\` exports names that are not listed; list each one`);
      for (const el of st.exportClause.elements) entries.push({ name: el.name.text, kind: st.isTypeOnly || el.isTypeOnly ? 'type' : 'value' });
    } else if (hasExportModifier(st)) {
      const kind = isTypeDeclaration(st) ? 'type' : 'value';
      if (ts.isVariableStatement(st)) for (const d of st.declarationList.declarations) entries.push({ name: d.name.getText(), kind });
      else {
        const name = (st as ts.DeclarationStatement).name;
        if (!name) throw new Error(`${indexFile}: an export without a name: ${st.getText()}`);
        entries.push({ name: name.getText(), kind });
      }
    }
  }
  const own = new Set(entries.map((e) => e.name));
  return [...starred.filter((e) => !own.has(e.name)), ...entries];
}

/**
 * The text of api.txt for `indexFile`, after checking it against `runtime` (the loaded module): the names exported
 * as values must be exactly the module's keys, so that a type exported without `type` (which would read as a value)
 * or a value exported as `type` (missing at run time) is caught here. Throws on a name exported twice.
 */
export function apiSurface(pkg: string, indexFile: string, runtime: Record<string, unknown>): string {
  const entries = listedExports(indexFile);
  const seen = new Set<string>();
  for (const e of entries) {
    if (seen.has(e.name)) throw new Error(`${indexFile}: '${e.name}' is exported twice`);
    seen.add(e.name);
  }
  const values = new Set(entries.filter((e) => e.kind === 'value').map((e) => e.name));
  const keys = new Set(Object.keys(runtime).filter((k) => k !== 'default' && k !== '__esModule'));
  const typesAsValues = [...values].filter((n) => !keys.has(n));
  const unlisted = [...keys].filter((k) => !values.has(k));
  if (typesAsValues.length)
    throw new Error(`${indexFile}: ${typesAsValues.join(', ')}: exported as values but missing at run time (a type? export it with \`type\`)`);
  if (unlisted.length) throw new Error(`${indexFile}: ${unlisted.join(', ')}: present at run time but not listed`);
  const byName = (a: ApiEntry, b: ApiEntry) => a.name.localeCompare(b.name, 'en') || a.name.localeCompare(b.name);
  const lines = entries.sort(byName).map((e) => `${e.kind.padEnd(5)} ${e.name}`);
  return [
    `# The public API of ${pkg}: every name its src/${path.basename(indexFile)} exports (${values.size} values, ${entries.length - values.size} types).`,
    `# Checked by src/${path.basename(indexFile, '.ts')}.test.ts; after a deliberate change: npx vitest run src/${path.basename(indexFile, '.ts')}.test.ts -u`,
    ...lines,
    '',
  ].join('\n');
}

/**
 * The files a lib's package.json "browser" field swaps for others in a page (its entry aside), as pairs of source
 * files: [the Node file, the browser file]. Each browser file must export the same names as the file it stands in
 * for, or the bundle would miss one.
 *
 * @param libDir the lib's directory (holding package.json)
 */
export function browserTwins(libDir: string): [string, string][] {
  const browser = (JSON.parse(fs.readFileSync(path.join(libDir, 'package.json'), 'utf8')) as { browser?: Record<string, string> }).browser ?? {};
  const source = (dist: string) => path.join(libDir, 'src', path.relative('dist', dist).replace(/\.js$/, '.ts'));
  return Object.entries(browser)
    .filter(([from]) => from !== './dist/index.js')
    .map(([from, to]): [string, string] => [source(from), source(to)]);
}
