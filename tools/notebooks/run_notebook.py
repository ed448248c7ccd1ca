"""Executes one notebook headlessly through nbclient and stops at the first failing cell.

    python3 run_notebook.py IN.ipynb OUT.ipynb --result RESULT.json [--kernel NAME] [--timeout SECONDS]

Writes the executed notebook (up to the failing cell) to OUT and the outcome to RESULT as
{"ok", "seconds", "kernel", "error": {"cell", "source", "ename", "evalue", "output"}}. The result
goes to a file, not stdout, because the kernel process shares this process's stdout.
The sugar-lab kernel reports a failed cell as an `error` output (ename, evalue, traceback); a kernel
that only prints its error on stderr (plain tslab) is read from there.
"""
import argparse
import json
import os
import re
import sys
import time

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

DIAGNOSTIC = re.compile(r"^\d+:\d+ - ")
JS_ERROR = re.compile(r"^([A-Za-z_$][\w$]*(?:Error|Exception)|Error)(?: \[[^\]]+\])?: (.*)$")


def stderr_text(cell):
    return "".join(o.get("text", "") for o in cell.get("outputs", []) if o.get("output_type") == "stream" and o.get("name") == "stderr")


def describe_cell_error(cell):
    """ename and evalue for a failed cell, from an error output or tslab's stderr."""
    for o in cell.get("outputs", []):
        if o.get("output_type") == "error":
            return o.get("ename", "Error"), o.get("evalue", "")
    lines = [l for l in stderr_text(cell).splitlines() if l.strip()]
    diagnostics = [l for l in lines if DIAGNOSTIC.match(l)]
    if diagnostics:
        return "CompileError", "\n".join(diagnostics)
    for line in reversed(lines):
        m = JS_ERROR.match(line.strip())
        if m:
            return m.group(1), m.group(2)
    return "Error", lines[-1] if lines else "the kernel reported an error and printed nothing on stderr"


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("input")
    ap.add_argument("output")
    ap.add_argument("--result", required=True)
    ap.add_argument("--kernel", default=None, help="kernelspec name (default: the notebook's, else sugar-lab)")
    ap.add_argument("--timeout", type=int, default=600, help="seconds per cell")
    args = ap.parse_args(argv)

    nb = nbformat.read(args.input, as_version=4)
    kernel = args.kernel or nb.metadata.get("kernelspec", {}).get("name") or "sugar-lab"
    client = NotebookClient(
        nb,
        timeout=args.timeout,
        kernel_name=kernel,
        allow_errors=False,
        resources={"metadata": {"path": os.path.dirname(os.path.abspath(args.input))}},
    )
    current = {"index": None}
    client.on_cell_start = lambda cell, cell_index: current.update(index=cell_index)

    result = {"ok": True, "kernel": kernel}
    start = time.monotonic()
    try:
        client.execute()
    except Exception as exc:  # every failure becomes a result; the runner decides what to print
        index = current["index"]
        cell = nb.cells[index] if index is not None else None
        if isinstance(exc, CellExecutionError) and cell is not None:
            ename, evalue = exc.ename, exc.evalue
            if ename in (None, "", "<Error>"):
                ename, evalue = describe_cell_error(cell)
        elif isinstance(exc, (CellTimeoutError, DeadKernelError)):
            ename, evalue = type(exc).__name__, str(exc).strip().splitlines()[0]
        else:
            ename, evalue = type(exc).__name__, str(exc).strip()
            if index is None:
                evalue = f"kernel '{kernel}' did not start: {evalue}"
        result = {
            "ok": False,
            "kernel": kernel,
            "error": {
                "cell": index,
                "source": cell.source if cell is not None else None,
                "ename": ename,
                "evalue": evalue,
                "output": stderr_text(cell)[-4000:] if cell is not None else "",
            },
        }
    result["seconds"] = round(time.monotonic() - start, 2)
    os.makedirs(os.path.dirname(os.path.abspath(args.output)), exist_ok=True)
    nbformat.write(nb, args.output)
    with open(args.result, "w") as f:
        json.dump(result, f)
    return 0 if result["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
