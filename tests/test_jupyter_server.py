"""JupyterLab serves a learner notebook and a kernel runs one of its cells (REST + websocket)."""
import json
import socket
import subprocess
import sys
import time
import urllib.request
import uuid

import pytest
import websocket

from helpers.instructor import nbcells, release
from helpers.instructor.course import NOTEBOOKS

TOKEN = "rnnlab-test-token"


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def api(port, path, method="GET", body=None):
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}{path}", method=method,
        data=None if body is None else json.dumps(body).encode(),
        headers={"Authorization": f"token {TOKEN}", "Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        text = response.read().decode()
        return response.status, (json.loads(text) if text.strip().startswith(("{", "[")) else text)


def start_lab(port, root, env=None, log=subprocess.DEVNULL):
    """Start JupyterLab on ``port`` serving ``root`` and wait until it answers; return the process."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "jupyterlab", "--no-browser", f"--port={port}", "--ip=127.0.0.1",
         f"--IdentityProvider.token={TOKEN}", f"--ServerApp.root_dir={root}",
         "--ServerApp.port_retries=0", "--allow-root"], env=env, stdout=log, stderr=log)
    deadline = time.time() + 90
    while True:
        try:
            api(port, "/api/status")
            return proc
        except OSError:
            if proc.poll() is not None or time.time() > deadline:
                proc.kill()
                pytest.fail("JupyterLab did not start")
            time.sleep(0.5)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    root = tmp_path_factory.mktemp("lab") / "workspace"
    release.write(root)
    port = free_port()
    proc = start_lab(port, root)
    yield port
    proc.terminate()
    proc.wait(timeout=30)


def run_code(port, kernel_id, code, timeout=120):
    ws = websocket.create_connection(
        f"ws://127.0.0.1:{port}/api/kernels/{kernel_id}/channels?token={TOKEN}", timeout=timeout)
    msg_id = uuid.uuid4().hex
    ws.send(json.dumps({
        "header": {"msg_id": msg_id, "msg_type": "execute_request", "username": "test",
                   "session": uuid.uuid4().hex, "version": "5.3"},
        "parent_header": {}, "metadata": {}, "channel": "shell",
        "content": {"code": code, "silent": False, "store_history": True,
                    "user_expressions": {}, "allow_stdin": False, "stop_on_error": True}}))
    # the reply (shell) may overtake the printed text (iopub): wait for both the reply and
    # the kernel's "idle", which comes after every output of the request
    printed, status, idle, deadline = "", None, False, time.time() + timeout
    while (status is None or not idle) and time.time() < deadline:
        msg = json.loads(ws.recv())
        if msg.get("parent_header", {}).get("msg_id") != msg_id:
            continue
        if msg["msg_type"] == "stream":
            printed += msg["content"]["text"]
        elif msg["msg_type"] == "execute_reply":
            status = msg["content"]["status"]
        elif msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
            idle = True
    ws.close()
    return status, printed


def test_lab_opens_a_learner_notebook_and_runs_a_cell(server):
    first = NOTEBOOKS[0].file
    code, page = api(server, "/lab")
    assert code == 200 and "JupyterLab" in page
    code, model = api(server, f"/api/contents/{first}?content=1")
    assert model["type"] == "notebook"
    sources = ["".join(c["source"]) for c in model["content"]["cells"]]
    assert any(nbcells.STUB_COMMENT in s for s in sources), "not the learner version"
    code, session = api(server, "/api/sessions", "POST",
                        {"path": first, "type": "notebook", "name": first, "kernel": {"name": "python3"}})
    assert code == 201
    first_code = next(s for s, c in zip(sources, model["content"]["cells"]) if c["cell_type"] == "code")
    status, printed = run_code(server, session["kernel"]["id"], first_code + "\nprint('cell ran', 6 * 7)")
    assert status == "ok" and "cell ran 42" in printed
    api(server, f"/api/sessions/{session['id']}", "DELETE")
