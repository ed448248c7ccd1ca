import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Command } from 'commander';

export const KERNEL_NAME = 'sugar-lab';
export const KERNEL_DISPLAY_NAME = 'sugar-lab (TypeScript)';
/** Where the kernel's entry point lives, relative to the workspace root. */
export const KERNEL_ENTRY = path.join('tools', 'kernel', 'start.js');

export class KernelError extends Error {
  override name = 'KernelError';
}

/** The kernel.json Jupyter reads (https://jupyter-client.readthedocs.io/en/stable/kernels.html#kernel-specs). */
export interface KernelSpec {
  argv: string[];
  display_name: string;
  language: string;
  env?: Record<string, string>;
  interrupt_mode?: 'signal' | 'message';
  metadata?: Record<string, unknown>;
}

/** The workspace this code runs from: the nearest directory above it holding the kernel entry point. */
export function workspaceRoot(from: string = __dirname): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, KERNEL_ENTRY)) && fs.existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) throw new KernelError(`expected ${KERNEL_ENTRY} in a directory above ${from}; found none`);
  }
}

function runPython(python: string, code: string, args: string[] = []): { ok: boolean; stdout: string; stderr: string } {
  const r = spawnSync(python, ['-W', 'ignore', '-c', code, ...args], {
    encoding: 'utf8',
    timeout: 120_000,
    env: { ...process.env, PYDEVD_DISABLE_FILE_VALIDATION: '1' },
  });
  const stderr = r.error ? `${r.error.message}` : (r.stderr ?? '').trim();
  return { ok: r.status === 0, stdout: (r.stdout ?? '').trim(), stderr };
}

/** The Python that can manage kernelspecs: `SUGAR_JUPYTER_PYTHON`, else /usr/bin/python3 (Debian's Jupyter), else python3. */
export function findJupyterPython(prefer?: string): { python?: string; version?: string; reason?: string } {
  const candidates = prefer ? [prefer] : ([process.env.SUGAR_JUPYTER_PYTHON, '/usr/bin/python3', 'python3'].filter(Boolean) as string[]);
  const why: string[] = [];
  for (const python of candidates) {
    const r = runPython(python, 'import jupyter_client; print(jupyter_client.__version__)');
    if (r.ok) return { python, version: r.stdout.split('\n').pop() };
    why.push(`${python}: ${r.stderr.split('\n').pop() || 'failed'}`);
  }
  return { reason: `expected a Python that can import jupyter_client; tried ${why.join('; ')}` };
}

function requirePython(prefer?: string): string {
  const found = findJupyterPython(prefer);
  if (!found.python) throw new KernelError(`${found.reason} (install Jupyter, e.g. apt-get install python3-jupyter-client python3-nbclient, or pass --python)`);
  return found.python;
}

/** The kernel.json for this workspace: Node (the one running now) starts tools/kernel/start.js. */
export function buildKernelSpec(root: string = workspaceRoot(), node: string = process.execPath): KernelSpec {
  return {
    argv: [node, path.join(root, KERNEL_ENTRY), '{connection_file}'],
    display_name: KERNEL_DISPLAY_NAME,
    language: 'typescript',
    // NODE_PATH lets a cell's runtime `require('@sugar-lab/...')` resolve from any directory.
    env: { NODE_PATH: path.join(root, 'node_modules'), TF_CPP_MIN_LOG_LEVEL: '2' },
    interrupt_mode: 'signal',
    metadata: { sugarLab: { workspace: root } },
  };
}

export interface InstallOptions {
  /** Install into the per-user registry (the default when not root and no prefix is given). */
  user?: boolean;
  /** Install into PREFIX/share/jupyter/kernels. */
  prefix?: string;
  python?: string;
  name?: string;
  root?: string;
}

export interface InstallResult {
  name: string;
  resourceDir: string;
  python: string;
  spec: KernelSpec;
}

const INSTALL_PY = `
import json, sys
from jupyter_client.kernelspec import KernelSpecManager
src, name, user, prefix = sys.argv[1], sys.argv[2], sys.argv[3] == '1', sys.argv[4] or None
print(json.dumps(KernelSpecManager().install_kernel_spec(src, name, user=user, prefix=prefix)))
`;

export function installKernel(opts: InstallOptions = {}): InstallResult {
  const python = requirePython(opts.python);
  const name = opts.name ?? KERNEL_NAME;
  const spec = buildKernelSpec(opts.root ?? workspaceRoot());
  const user = opts.user ?? (!opts.prefix && process.getuid?.() !== 0);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sugar-kernel-'));
  try {
    fs.chmodSync(tmp, 0o755);
    fs.writeFileSync(path.join(tmp, 'kernel.json'), `${JSON.stringify(spec, null, 2)}\n`);
    const r = runPython(python, INSTALL_PY, [tmp, name, user ? '1' : '0', opts.prefix ? path.resolve(opts.prefix) : '']);
    if (!r.ok) throw new KernelError(`installing kernelspec '${name}' with ${python} failed: ${r.stderr.split('\n').slice(-3).join(' ')}`);
    return { name, resourceDir: JSON.parse(r.stdout.split('\n').pop()!) as string, python, spec };
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

export interface KernelStatus {
  name: string;
  jupyter: { python?: string; version?: string; reason?: string };
  installed: boolean;
  resourceDir?: string;
  argv?: string[];
  /** The workspace whose tools/kernel/start.js the kernel runs. */
  workspace?: string;
  /** True when that is the workspace this command runs from. */
  thisWorkspace?: boolean;
  /** True when the Node binary or the entry point the kernel runs no longer exists. */
  stale?: boolean;
  staleReason?: string;
}

const STATUS_PY = `
import json, sys
from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel
try:
    s = KernelSpecManager().get_kernel_spec(sys.argv[1])
    print(json.dumps({'resource_dir': s.resource_dir, 'argv': s.argv}))
except NoSuchKernel:
    print('null')
`;

/** Whether the sugar-lab kernel is registered with Jupyter, where, and which workspace it starts. */
export function kernelStatus(opts: { name?: string; python?: string } = {}): KernelStatus {
  const name = opts.name ?? KERNEL_NAME;
  const jupyter = findJupyterPython(opts.python);
  if (!jupyter.python) return { name, jupyter, installed: false };
  const r = runPython(jupyter.python, STATUS_PY, [name]);
  if (!r.ok) return { name, jupyter: { ...jupyter, reason: `kernelspec lookup failed: ${r.stderr.split('\n').pop()}` }, installed: false };
  const found = JSON.parse(r.stdout.split('\n').pop()!) as { resource_dir: string; argv: string[] } | null;
  if (!found) return { name, jupyter, installed: false };
  const entry = found.argv.find((a) => a.endsWith(KERNEL_ENTRY));
  const workspace = entry ? path.resolve(entry, '..', '..', '..') : undefined;
  let here: string | undefined;
  try {
    here = workspaceRoot();
  } catch {
    here = undefined;
  }
  const missing = [found.argv[0], entry].filter((p): p is string => Boolean(p) && path.isAbsolute(p!) && !fs.existsSync(p!));
  const staleReason = !entry
    ? `argv does not run ${KERNEL_ENTRY}: ${found.argv.join(' ')}`
    : missing.length
      ? `${missing.join(' and ')} no longer exist${missing.length === 1 ? 's' : ''}`
      : undefined;
  return {
    name,
    jupyter,
    installed: true,
    resourceDir: found.resource_dir,
    argv: found.argv,
    workspace,
    thisWorkspace: workspace !== undefined && here !== undefined && path.resolve(workspace) === path.resolve(here),
    stale: staleReason !== undefined,
    staleReason,
  };
}

const REMOVE_PY = `
import json, sys
from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel
try:
    print(json.dumps(KernelSpecManager().remove_kernel_spec(sys.argv[1])))
except NoSuchKernel:
    print('null')
`;

/** Unregisters the kernel; returns the directory removed, or undefined when it was not installed. */
export function removeKernel(opts: { name?: string; python?: string } = {}): string | undefined {
  const name = opts.name ?? KERNEL_NAME;
  const python = requirePython(opts.python);
  const r = runPython(python, REMOVE_PY, [name]);
  if (!r.ok) throw new KernelError(`removing kernelspec '${name}' with ${python} failed: ${r.stderr.split('\n').slice(-3).join(' ')}`);
  return (JSON.parse(r.stdout.split('\n').pop()!) as string | null) ?? undefined;
}

export function formatKernelStatus(s: KernelStatus): string {
  if (!s.jupyter.python) return `kernel ${s.name}: Jupyter not found: ${s.jupyter.reason}`;
  if (!s.installed) return `kernel ${s.name}: not installed (Jupyter ${s.jupyter.version} at ${s.jupyter.python}); run \`sugar kernel install\``;
  const where = s.thisWorkspace ? 'this workspace' : 'another workspace';
  return [
    `kernel ${s.name}: installed in ${s.resourceDir}`,
    `  starts   ${s.argv!.join(' ')}`,
    `  workspace ${s.workspace ?? '?'} (${where})`,
    s.stale ? `  STALE: ${s.staleReason}; run \`sugar kernel install\` again` : '  ok',
  ].join('\n');
}

export function registerKernelCommand(program: Command): void {
  const kernel = program.command('kernel').description(`manage the ${KERNEL_NAME} Jupyter kernel (tslab with this workspace's libraries)`);
  kernel
    .command('install')
    .description(`register the "${KERNEL_DISPLAY_NAME}" kernel, pointing at this workspace`)
    .option('--user', 'install into the per-user kernel registry (default when not root)')
    .option('--prefix <dir>', 'install into DIR/share/jupyter/kernels')
    .option('--python <python>', 'the Python whose Jupyter registers it (default: SUGAR_JUPYTER_PYTHON, /usr/bin/python3, python3)')
    .option('--name <name>', 'kernelspec name', KERNEL_NAME)
    .action((opts: { user?: boolean; prefix?: string; python?: string; name: string }) => {
      const r = installKernel(opts);
      console.log(`installed kernel ${r.name} ("${r.spec.display_name}") in ${r.resourceDir}\n  starts ${r.spec.argv.join(' ')}`);
    });
  kernel
    .command('status')
    .description('show whether the kernel is installed, where, and which workspace it starts (exit 1 when missing or stale)')
    .option('--json', 'print the status as JSON')
    .option('--python <python>', 'the Python whose Jupyter to ask')
    .option('--name <name>', 'kernelspec name', KERNEL_NAME)
    .action((opts: { json?: boolean; python?: string; name: string }) => {
      const s = kernelStatus(opts);
      console.log(opts.json ? JSON.stringify(s, null, 2) : formatKernelStatus(s));
      if (!s.installed || s.stale) process.exitCode = 1;
    });
  kernel
    .command('remove')
    .description('unregister the kernel')
    .option('--python <python>', 'the Python whose Jupyter to ask')
    .option('--name <name>', 'kernelspec name', KERNEL_NAME)
    .action((opts: { python?: string; name: string }) => {
      const dir = removeKernel(opts);
      console.log(dir ? `removed kernel ${opts.name} from ${dir}` : `kernel ${opts.name} was not installed`);
    });
}
