"""Starts a Jupyter server as a user would and runs cells on the sugar-lab kernel through its REST and websocket API.

    python3 server_check.py lab|notebook [--kernel NAME] [--timeout SECONDS]

`lab` runs `python -m jupyterlab`, `notebook` runs `python -m notebook` (Debian's classic Notebook, or Notebook 7),
both with this interpreter, on a free local port with a random token, in a temporary directory. It creates a kernel
of the given spec with POST /api/kernels, runs `1 + 1` and an import of @sugar-lab/core through
/api/kernels/<id>/channels, checks each reply, deletes the kernel and stops the server.
Exit status: 0 passed, 1 failed, 77 the server is not installed for this interpreter (the caller decides whether
that is a skip). The last line of stdout is a JSON result: {"ok", "server", "version", "seconds", "cells", "error"}.
"""
import argparse
import asyncio
import datetime
import importlib
import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import uuid

SERVERS = {"lab": "jupyterlab", "notebook": "notebook"}

# (code, the text/plain of its execute_result)
CELLS = [
    ("1 + 1", "2"),
    ("import { listSurrogates } from '@sugar-lab/core';\nlistSurrogates().includes('bsilu')", "true"),
]


class CheckFailed(Exception):
    pass


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def request(base, token, method, path, body=None):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(base + path, data=data, method=method, headers={"Authorization": f"token {token}", "Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=30) as r:
        text = r.read().decode()
        return json.loads(text) if text else None


def wait_ready(base, token, server, deadline):
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise CheckFailed(f"the server exited with status {server.returncode} before answering")
        try:
            request(base, token, "GET", "/api/status")
            return
        except (urllib.error.URLError, ConnectionError, OSError):
            time.sleep(0.3)
    raise CheckFailed("the server did not answer /api/status in time")


def tail(log_file, n=12):
    log_file.flush()
    with open(log_file.name, errors="replace") as f:
        return " | ".join(f.read().strip().splitlines()[-n:])


def message(session, code):
    return {
        "header": {
            "msg_id": uuid.uuid4().hex,
            "username": "sugar-check",
            "session": session,
            "msg_type": "execute_request",
            "version": "5.3",
            "date": datetime.datetime.now(datetime.timezone.utc).isoformat(),
        },
        "parent_header": {},
        "metadata": {},
        "content": {"code": code, "silent": False, "store_history": True, "user_expressions": {}, "allow_stdin": False, "stop_on_error": True},
        "channel": "shell",
        "buffers": [],
    }


async def run_cell(ws, session, code, deadline):
    """Sends one execute_request; returns (execute_reply content, execute_result text, stderr+error text)."""
    msg = message(session, code)
    await ws.write_message(json.dumps(msg))
    reply, result, errors, idle = None, None, [], False
    while reply is None or not idle:
        left = deadline - time.monotonic()
        if left <= 0:
            raise CheckFailed(f"no reply to {code!r} in time (reply {reply}, idle {idle}, output {' '.join(errors)[-500:]})")
        raw = await asyncio.wait_for(ws.read_message(), timeout=left)
        if raw is None:
            raise CheckFailed(f"the websocket closed while {code!r} ran")
        m = json.loads(raw)
        if m.get("parent_header", {}).get("msg_id") != msg["header"]["msg_id"]:
            continue
        kind, content = m["msg_type"], m["content"]
        if kind == "execute_reply":
            reply = content
        elif kind == "execute_result":
            result = content["data"].get("text/plain")
        elif kind == "error":
            errors.append(f"{content.get('ename')}: {content.get('evalue')}")
        elif kind == "stream" and content.get("name") == "stderr":
            errors.append(content.get("text", ""))
        elif kind == "status" and content.get("execution_state") == "idle":
            idle = True
    return reply, result, "".join(errors)


async def run_cells(base, token, kernel_id, deadline):
    from tornado.httpclient import HTTPRequest
    from tornado.websocket import websocket_connect

    url = base.replace("http://", "ws://") + f"/api/kernels/{kernel_id}/channels"
    ws = await websocket_connect(HTTPRequest(url, headers={"Authorization": f"token {token}"}), max_message_size=64 * 1024 * 1024)
    session = uuid.uuid4().hex
    done = []
    try:
        for code, expected in CELLS:
            reply, result, errors = await run_cell(ws, session, code, deadline)
            if reply.get("status") != "ok":
                raise CheckFailed(f"{code!r}: execute_reply status {reply.get('status')} ({reply.get('ename')}: {reply.get('evalue')}) {errors[-800:]}")
            if result != expected:
                raise CheckFailed(f"{code!r}: expected the result {expected}, found {result!r} {errors[-800:]}")
            done.append({"code": code, "result": result})
    finally:
        ws.close()
    return done


def check(kind, kernel, timeout):
    module = SERVERS[kind]
    version = importlib.import_module(module).__version__
    token = secrets.token_hex(16)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    workdir = tempfile.mkdtemp(prefix=f"sugar-{kind}-")
    env = {
        **os.environ,
        # Both the classic Notebook and jupyter_server read the token from here; nothing of the user's is touched.
        "JUPYTER_TOKEN": token,
        "JUPYTER_RUNTIME_DIR": os.path.join(workdir, "runtime"),
        "JUPYTER_CONFIG_DIR": os.path.join(workdir, "config"),
    }
    args = [sys.executable, "-m", module, "--no-browser", "--ip=127.0.0.1", f"--port={port}", "--port-retries=0"]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        args.append("--allow-root")  # CI containers run as root; the servers refuse to start there otherwise
    log_file = open(os.path.join(workdir, "server.log"), "w+")
    server = subprocess.Popen(args, cwd=workdir, env=env, stdin=subprocess.DEVNULL, stdout=log_file, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + timeout
    try:
        wait_ready(base, token, server, deadline)
        specs = request(base, token, "GET", "/api/kernelspecs")["kernelspecs"]
        if kernel not in specs:
            raise CheckFailed(f"the server lists no kernelspec '{kernel}' (it has {', '.join(sorted(specs))}); run `sugar kernel install`")
        created = request(base, token, "POST", "/api/kernels", {"name": kernel})
        try:
            cells = asyncio.run(run_cells(base, token, created["id"], deadline))
        finally:
            try:
                request(base, token, "DELETE", f"/api/kernels/{created['id']}")
            except (urllib.error.URLError, OSError):
                pass
        return version, cells
    except CheckFailed as e:
        raise CheckFailed(f"{e} (server log: {tail(log_file)})") from None
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log_file.close()
        shutil.rmtree(workdir, ignore_errors=True)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("server", choices=sorted(SERVERS))
    ap.add_argument("--kernel", default="sugar-lab")
    ap.add_argument("--timeout", type=float, default=180, help="seconds for the whole check")
    args = ap.parse_args(argv)

    result = {"ok": False, "server": args.server}
    try:
        importlib.import_module(SERVERS[args.server])
    except ImportError:
        result["error"] = f"{sys.executable} has no {SERVERS[args.server]} module"
        print(json.dumps(result))
        return 77
    start = time.monotonic()
    try:
        result["version"], result["cells"] = check(args.server, args.kernel, args.timeout)
        result["ok"] = True
    except (CheckFailed, urllib.error.URLError, OSError, asyncio.TimeoutError) as e:
        result["error"] = f"{type(e).__name__}: {e}"
    result["seconds"] = round(time.monotonic() - start, 1)
    print(json.dumps(result))
    return 0 if result["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
