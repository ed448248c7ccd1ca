'use strict';
// The Jupyter side of the sugar-lab kernel: tslab's TypeScript compiler and executor under a message loop of its own
// that behaves like IPython's. tslab's loop (no release since 2024-06) answers a failed cell with a bare status, sends
// no execute_input (executed notebooks lose their counts), drops every request for 200 ms after an error, and on an
// interrupt abandons the cell while its work goes on in the background. Here:
// - an error is an `error` output and an execute_reply carrying ename, evalue and traceback;
// - every execution sends execute_input with its count, and a last expression's value is an execute_result;
// - after an error only the requests already waiting are aborted (IPython's stop_on_error), never later ones;
// - an interrupt (SIGINT, or interrupt_request in message mode) aborts the cell's host signal (@sugar-lab/core's
//   Host): fit, fitPacked and runSweep stop at their next step, record what they did and throw InterruptedError, and
//   the cell waits for that, so nothing trains or prints afterwards. A cell running none of them is abandoned as
//   tslab did (plain JavaScript cannot be stopped); a second interrupt during a wind-down says it is still stopping;
// - progress displays (core's Host.display) go to the running cell as display_data / update_display_data.
const fs = require('node:fs');
const path = require('node:path');
const util = require('node:util');
const { Message, PROTOCOL_VERSION } = require('./wire');

const KERNEL_VERSION = '2.0.0';
// Frames of tslab and of this file say nothing about the user's code.
const OWN_FRAMES = /node_modules[\\/]tslab[\\/]|tools[\\/]kernel[\\/]/;

/** Jupyter's error fields for whatever a cell threw (a compile failure is `{ diagnostics }`). */
function errorContent(err) {
  if (err && Array.isArray(err.diagnostics)) return { ename: 'CompileError', evalue: err.diagnostics.join('\n'), traceback: err.diagnostics };
  if (err instanceof Error || (err && typeof err === 'object' && typeof err.stack === 'string')) {
    const ename = err.name || 'Error';
    const evalue = String(err.message ?? '');
    const lines = String(err.stack || `${ename}: ${evalue}`).split('\n');
    // vm prefixes a synchronous throw's stack with the cell's line and a caret: the traceback starts at the error.
    const start = Math.max(
      0,
      lines.findIndex((l) => l.startsWith(`${ename}:`) || l === ename),
    );
    const traceback = lines.slice(start).filter((l) => !OWN_FRAMES.test(l));
    return { ename, evalue, traceback };
  }
  const text = util.inspect(err);
  return { ename: 'Error', evalue: `a value that is not an Error was thrown: ${text}`, traceback: [`thrown: ${text}`] };
}

/**
 * The console tslab's executor reports through, captured per cell: `error(e)` for a runtime error,
 * `error('%s%d:%d - %s', file, line, col, text)` per compile diagnostic, `log(value)` for the last expression.
 */
function cellConsole() {
  const c = { thrown: undefined, diagnostics: [], hasValue: false, value: undefined };
  c.log = (value) => Object.assign(c, { hasValue: true, value });
  c.error = (...args) => {
    if (typeof args[0] === 'string' && args[0].startsWith('%s%d:%d')) c.diagnostics.push(util.format(...args));
    else if (c.thrown === undefined) c.thrown = args.length === 1 ? args[0] : new Error(util.format(...args));
  };
  return c;
}

/**
 * tslab runs each cell with vm's breakOnSigint, which takes SIGINT's listeners off while the cell's synchronous part
 * runs and arms a watchdog that, when it stops, restores the signal disposition it found: the default, because no
 * listener was left. A listener added meanwhile (a lock taken by runSweep) re-arms libuv's handler, the watchdog then
 * puts the default back, and the next interrupt kills the kernel. Re-adding the listeners after every such run
 * (through zero, so Node starts its signal handle afresh) keeps SIGINT ours.
 */
function keepSigintAcrossVm() {
  const vm = require('node:vm');
  const run = vm.runInThisContext;
  vm.runInThisContext = function runInThisContext(...args) {
    try {
      return run.apply(this, args);
    } finally {
      const listeners = process.rawListeners('SIGINT');
      process.removeAllListeners('SIGINT');
      for (const l of listeners) process.on('SIGINT', l);
    }
  };
}

/** One send at a time per socket (zeromq's sockets take one pending send), in order. */
function sender(socket) {
  let last = Promise.resolve();
  return (frames) => {
    last = last.then(() => socket.send(frames)).catch((err) => process.stderr.write(`sugar-lab kernel: send failed: ${err.message}\n`));
    return last;
  };
}

class SugarKernel {
  /** `core` is the workspace's @sugar-lab/core (its Host), or undefined when it could not load. */
  constructor({ tslabDir, core, connection }) {
    this.tslabDir = tslabDir;
    this.core = core;
    this.conn = connection;
    this.count = 0;
    this.queue = [];
    this.running = null;
    const tslab = (p) => require(path.join(tslabDir, 'dist', p));
    this.tslabJupyter = tslab('jupyter.js');
    this.converter = tslab('converter.js');
    this.inspectInfo = tslab('inspect.js');
    let node, browser;
    const convs = {
      get node() {
        return (node ??= this.create(false));
      },
      get browser() {
        return (browser ??= this.create(true));
      },
      create: (isBrowser) => this.converter.createConverter({ isJS: false, isBrowser }),
      close: () => [node, browser].forEach((c) => c?.close()),
    };
    this.convs = convs;
    void convs.node; // the first cell compiles sooner
    this.console = cellConsole();
    keepSigintAcrossVm();
    this.executor = tslab('executor.js').createExecutor(process.cwd(), convs, {
      log: (...a) => this.console.log(...a),
      error: (...a) => this.console.error(...a),
    });
  }

  async start() {
    const zmq = require(require.resolve('zeromq', { paths: [this.tslabDir] }));
    const c = this.conn;
    const addr = (port) => `${c.transport}://${c.ip}:${port}`;
    this.sockets = { iopub: new zmq.Publisher(), shell: new zmq.Router(), control: new zmq.Router(), stdin: new zmq.Router(), hb: new zmq.Reply() };
    const s = this.sockets;
    this.send = { iopub: sender(s.iopub), shell: sender(s.shell), control: sender(s.control) };
    await Promise.all([
      s.iopub.bind(addr(c.iopub_port)),
      s.shell.bind(addr(c.shell_port)),
      s.control.bind(addr(c.control_port)),
      s.stdin.bind(addr(c.stdin_port)),
      s.hb.bind(addr(c.hb_port)),
    ]);
    void this.listen(s.shell, 'shell');
    void this.listen(s.control, 'control');
    void (async () => {
      for await (const frames of s.hb) await s.hb.send(frames);
    })();
  }

  async listen(socket, channel) {
    for await (const frames of socket) {
      let msg;
      try {
        msg = Message.parse(this.conn.key, frames);
      } catch (err) {
        process.stderr.write(`sugar-lab kernel: dropped a ${channel} message: ${err.message}\n`);
        continue;
      }
      if (channel === 'shell' && msg.header.msg_type === 'execute_request') this.enqueue(msg);
      else this.handle(channel, msg);
    }
  }

  reply(channel, parent, type, content) {
    void this.send[channel](parent.reply(type, content).frames(this.conn.key));
  }

  publish(parent, type, content) {
    void this.send.iopub(parent.reply(type, content).frames(this.conn.key, false));
  }

  status(parent, state) {
    this.publish(parent, 'status', { execution_state: state });
  }

  handle(channel, msg) {
    const type = msg.header.msg_type;
    this.status(msg, 'busy');
    try {
      const answer = {
        kernel_info_request: () => ['kernel_info_reply', this.kernelInfo()],
        interrupt_request: () => (this.interrupt('interrupt_request'), ['interrupt_reply', { status: 'ok' }]),
        is_complete_request: () => ['is_complete_reply', this.isComplete(msg.content)],
        inspect_request: () => ['inspect_reply', this.inspect(msg.content)],
        complete_request: () => ['complete_reply', this.complete(msg.content)],
        comm_info_request: () => ['comm_info_reply', { status: 'ok', comms: {} }],
        history_request: () => ['history_reply', { status: 'ok', history: [] }],
        shutdown_request: () => (setTimeout(() => this.shutdown(), 50), ['shutdown_reply', { status: 'ok', restart: Boolean(msg.content.restart) }]),
      }[type];
      if (answer) this.reply(channel, msg, ...answer());
      else process.stderr.write(`sugar-lab kernel: no handler for ${type}\n`);
    } catch (err) {
      process.stderr.write(`sugar-lab kernel: ${type} failed: ${err && err.stack}\n`);
    } finally {
      this.status(msg, 'idle');
    }
  }

  shutdown() {
    this.convs.close();
    for (const s of Object.values(this.sockets)) s.close();
    process.exit(0);
  }

  kernelInfo() {
    const version = (pkg) => JSON.parse(fs.readFileSync(require.resolve(`${pkg}/package.json`, { paths: [this.tslabDir] }), 'utf8')).version;
    return {
      status: 'ok',
      protocol_version: PROTOCOL_VERSION,
      implementation: 'sugar-lab',
      implementation_version: KERNEL_VERSION,
      language_info: {
        name: 'typescript',
        version: version('@tslab/typescript-for-tslab'),
        mimetype: 'text/typescript',
        file_extension: '.ts',
        codemirror_mode: { mode: 'typescript', name: 'javascript', typescript: true },
      },
      banner: `sugar-lab: TypeScript (tslab ${version('tslab')}) on Node ${process.version}`,
      help_links: [],
    };
  }

  isComplete({ code }) {
    const r = this.converter.isCompleteCode(code);
    return r.completed ? { status: 'complete' } : { status: 'incomplete', indent: r.indent };
  }

  inspect({ code, cursor_pos }) {
    const info = this.executor.inspect(code, cursor_pos);
    if (!info) return { status: 'ok', found: false, data: {}, metadata: {} };
    return { status: 'ok', found: true, data: { 'text/plain': this.inspectInfo.printQuickInfo(info) }, metadata: {} };
  }

  complete({ code, cursor_pos }) {
    const info = this.executor.complete(code, cursor_pos);
    return { status: 'ok', cursor_start: info.start, cursor_end: info.end, matches: info.candidates, metadata: {} };
  }

  // Execute requests run one at a time, in order of arrival.
  enqueue(msg) {
    this.queue.push(msg);
    if (!this.running && this.queue.length === 1) void this.drain();
  }

  async drain() {
    while (this.queue.length) {
      const msg = this.queue.shift();
      this.status(msg, 'busy');
      let ok = false;
      try {
        ok = await this.execute(msg);
      } finally {
        this.status(msg, 'idle');
      }
      if (!ok && msg.content.stop_on_error !== false) this.abortWaiting();
    }
  }

  abortWaiting() {
    for (const msg of this.queue.splice(0)) {
      this.status(msg, 'busy');
      this.reply('shell', msg, 'execute_reply', { status: 'aborted', execution_count: null });
      this.status(msg, 'idle');
    }
  }

  // Output that comes after its cell (a timer's) goes to the last cell, as IPython's does.
  bindOutput(msg, silent) {
    const write = (name) => (chunk, encoding, cb) => {
      if (!silent) this.publish(msg, 'stream', { name, text: typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8') });
      (typeof encoding === 'function' ? encoding : cb)?.();
      return true;
    };
    process.stdout.write = write('stdout');
    process.stderr.write = write('stderr');
    const displayed = (content, update) => this.publish(msg, update ? 'update_display_data' : 'display_data', content);
    this.tslabJupyter.lastWriteDisplayData = displayed; // tslab's own `display` module writes through this
    return (data, { id, update }) => displayed({ data, metadata: {}, transient: { display_id: id } }, update);
  }

  async execute(msg) {
    const { code, silent } = msg.content;
    if (msg.content.store_history !== false && !silent) this.count++;
    const count = this.count;
    if (!silent) this.publish(msg, 'execute_input', { code, execution_count: count });
    const display = this.bindOutput(msg, silent);
    const controller = new AbortController();
    this.running = { msg, controller, interrupts: 0 };
    this.core?.setHost({ interrupt: controller.signal, display });
    const c = (this.console = cellConsole());
    try {
      await this.executor.execute(code);
    } catch (err) {
      c.thrown ??= err;
    } finally {
      this.running = null;
    }
    let failure = c.diagnostics.length ? { diagnostics: c.diagnostics } : c.thrown;
    if (failure !== undefined && controller.signal.aborted && /Interrupted asynchronously|execution was interrupted/.test(String(failure?.message))) {
      const Interrupted = this.core?.InterruptedError ?? Error;
      failure = new Interrupted('the cell was interrupted; code in it that is not a sugar-lab call may still be running in the background');
      failure.stack = `${failure.name}: ${failure.message}`;
    }
    if (failure !== undefined) {
      const content = errorContent(failure);
      this.publish(msg, 'error', content);
      this.reply('shell', msg, 'execute_reply', { status: 'error', execution_count: count, ...content });
      return false;
    }
    if (c.hasValue && !silent) {
      const text = util.inspect(c.value, { depth: 4, maxArrayLength: 50 });
      this.publish(msg, 'execute_result', { execution_count: count, data: { 'text/plain': text }, metadata: {} });
    }
    this.reply('shell', msg, 'execute_reply', { status: 'ok', execution_count: count, payload: [], user_expressions: {} });
    return true;
  }

  /** The interrupt button: the cell's sugar-lab calls stop at their next step; other code is abandoned. */
  interrupt(how) {
    const cell = this.running;
    if (!cell) return;
    cell.interrupts++;
    const say = (text) => this.publish(cell.msg, 'stream', { name: 'stderr', text });
    cell.controller.abort();
    if (this.core && this.core.activeInterruptible() > 0) {
      say(
        cell.interrupts === 1
          ? `interrupted (${how}): stopping at the next step; what was trained is kept\n`
          : 'still stopping: the running step ends first, then the cell\n',
      );
      return;
    }
    this.executor.interrupt();
  }
}

module.exports = { SugarKernel, errorContent };
