"""Drives the installed sugar-lab kernel as Jupyter does, and reports what a person would see, as JSON.

    python3 session_check.py SCENARIO --out RESULT.json [--kernel NAME] [--workdir DIR]

Scenarios (each in a fresh kernel, through jupyter_client; `errors` through nbclient):
  interrupt-fit    define x; a long fit with checkpoints, interrupted (SIGINT to the kernel's process group, as
                   Jupyter's interrupt button does) once its progress display moves; then a cell reads x
  interrupt-sweep  the same with runSweep, interrupted twice (the second during the wind-down)
  errors           a notebook with a runtime error, a compile error and good cells, run by nbclient with
                   allow_errors; then, through jupyter_client, a request sent right after an error's reply
The vitest beside the kernel command (apps/cli/src/commands/kernel-session.test.ts) asserts on the result.
"""
import argparse
import json
import os
import time

from jupyter_client.manager import start_new_kernel

FIT_CELL = """
import { loadDataset } from '@sugar-lab/datasets';
import { buildModel } from '@sugar-lab/models';
import { fit } from '@sugar-lab/train';
const data = await loadDataset('spirals', { classes: 3, nTrain: 4000, nTest: 500, seed: 0 });
const model = buildModel('mlp', { inputShape: [2], numClasses: 3, depth: 6, width: 128, seed: 0, activation: { kind: 'relu' } });
const r = await fit(model, data, { seed: 0, epochs: 200, batchSize: 32, optimizer: { name: 'adam', lr: 1e-3 }, checkpointDir: %(dir)s, logPath: %(log)s });
console.log('fit returned', r.status);
"""

SWEEP_CELL = """
import { resolveSpec, runSweep, type Spec } from '@sugar-lab/experiments';
const q = resolveSpec('quick');
const spec: Spec = { ...q, name: 'kernel-interrupt', workers: 2, base: { ...q.base, epochs: 200 } };
const r = await runSweep(spec, { out: %(dir)s, onEvent: (e) => { if (e.type === 'epoch') console.log(`${e.run.variant} s${e.run.seed} epoch ${e.epoch}`); } });
console.log('sweep returned', JSON.stringify(r));
"""


class Session:
    def __init__(self, kernel, cwd):
        self.km, self.kc = start_new_kernel(kernel_name=kernel, startup_timeout=180, cwd=cwd)

    def close(self):
        self.kc.stop_channels()
        self.km.shutdown_kernel(now=True)

    def run(self, code, timeout=300, interrupt_when=None, interrupts=1, gap=0.5):
        """Executes `code`; sends `interrupts` interrupts `gap` s apart once interrupt_when(messages) holds."""
        msg_id = self.kc.execute(code)
        t0 = time.time()
        msgs, sent, reply = [], [], None
        while True:
            if interrupt_when and len(sent) < interrupts and interrupt_when(msgs) and (not sent or time.time() - sent[-1] >= gap):
                self.km.interrupt_kernel()
                sent.append(time.time())
            if not self.km.is_alive():
                return {"alive": False, "returncode": self.km.provisioner.process.returncode, "messages": msgs, "interrupts": len(sent)}
            if time.time() - t0 > timeout:
                return {"alive": True, "timeout": True, "messages": msgs, "interrupts": len(sent)}
            try:
                m = self.kc.get_iopub_msg(timeout=0.2)
            except Exception:
                continue
            if m["parent_header"].get("msg_id") != msg_id:
                continue
            kind = m["msg_type"]
            if kind == "status" and m["content"]["execution_state"] == "idle":
                break
            if kind != "status":
                msgs.append({"type": kind, "content": m["content"], "t": round(time.time() - t0, 2)})
        while reply is None:
            r = self.kc.get_shell_msg(timeout=30)
            if r["parent_header"].get("msg_id") == msg_id:
                reply = r["content"]
        took = round(time.time() - t0, 2)
        after = round(time.time() - sent[0], 2) if sent else None
        return {"alive": True, "reply": reply, "messages": msgs, "seconds": took, "interrupts": len(sent), "ended_after_interrupt_s": after}

    def quiet_for(self, seconds):
        """Every IOPub message (other than status) in the next `seconds`: output of work left running."""
        end, stray = time.time() + seconds, []
        while time.time() < end:
            try:
                m = self.kc.get_iopub_msg(timeout=0.2)
            except Exception:
                continue
            if m["msg_type"] != "status":
                stray.append({"type": m["msg_type"], "content": m["content"]})
        return stray


def moved(kind):
    """True once the cell's output shows training under way (the progress display updated, or an epoch line)."""
    def check(msgs):
        if kind == "fit":
            return sum(1 for m in msgs if m["type"] == "update_display_data") >= 3
        return any(m["type"] == "stream" and " epoch 2" in m["content"].get("text", "") for m in msgs)
    return check


def interrupt_scenario(kind, kernel, workdir):
    s = Session(kernel, workdir)
    try:
        out = {"define": s.run("const x = 42;")}
        target = os.path.join(workdir, kind)
        cell = (FIT_CELL if kind == "fit" else SWEEP_CELL) % {"dir": json.dumps(target), "log": json.dumps(os.path.join(target, "log.jsonl"))}
        out["long"] = s.run(cell, interrupt_when=moved(kind), interrupts=1 if kind == "fit" else 2, gap=0.05)
        if not out["long"]["alive"]:
            return out
        out["stray"] = s.quiet_for(3)
        out["read"] = s.run("x + 1")
        out["dir"] = target
        return out
    finally:
        s.close()


def errors_scenario(kernel, workdir):
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(src) for src in [
        "const a = 1;",
        "throw new RangeError('boom: expected a positive width, found -3');",
        "const b: number = 'text';",
        "a + 1",
    ]]
    NotebookClient(nb, kernel_name=kernel, allow_errors=True, timeout=120, resources={"metadata": {"path": workdir}}).execute()
    cells = [{"execution_count": c.get("execution_count"), "outputs": c.get("outputs", [])} for c in nb.cells]
    s = Session(kernel, workdir)
    try:
        first = s.run("throw new Error('first');")
        right_after = s.run("'still here'")
    finally:
        s.close()
    return {"nbclient": cells, "first": first, "right_after": right_after}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("scenario", choices=["interrupt-fit", "interrupt-sweep", "errors"])
    ap.add_argument("--out", required=True)
    ap.add_argument("--kernel", default="sugar-lab")
    ap.add_argument("--workdir", default=os.getcwd())
    a = ap.parse_args()
    if a.scenario == "errors":
        result = errors_scenario(a.kernel, a.workdir)
    else:
        result = interrupt_scenario(a.scenario.split("-")[1], a.kernel, a.workdir)
    with open(a.out, "w") as f:
        json.dump(result, f, indent=1, default=str)


if __name__ == "__main__":
    main()
