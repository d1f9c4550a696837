"""What a learner sees when starting: `make lab` without the news prompt or kernel warnings,
notebook setup cells without TensorFlow's start-up lines."""
import ast
import os
import re
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import notebook
from helpers.instructor import nbcells
from helpers.instructor.course import NOTEBOOKS
from tests.test_jupyter_server import api as server_api, run_code, start_lab

ROOT = Path(__file__).resolve().parent.parent
TF_STARTUP = re.compile(r"absl::InitializeLog|oneDNN|cpu_feature_guard|^[IWE]\d{4} ", re.M)


@pytest.mark.parametrize("onednn", ["1", "0"])
def test_importing_helpers_notebook_first_keeps_tensorflow_quiet(onednn):
    """On both float paths (oneDNN on is TensorFlow's default on AVX-512 CPUs, and prints lines
    that TF_CPP_MIN_LOG_LEVEL does not silence); other lines on stderr still get through."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("TF_")}
    env.update(PYTHONPATH=str(ROOT), TF_ENABLE_ONEDNN_OPTS=onednn)
    code = ("from helpers.notebook import setup\nimport sys\nimport keras\nsetup(seed=1, keras=True)\n"
            "assert keras.ops.convert_to_numpy(keras.ops.sum(keras.ops.ones(3))) == 3\n"
            "print('still shown', file=sys.stderr)\nprint('ok')")
    run = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                         timeout=300)
    assert run.returncode == 0 and run.stdout.strip() == "ok", run.stderr
    assert not TF_STARTUP.search(run.stderr), run.stderr
    assert run.stderr.strip() == "still shown"


def test_only_tensorflow_start_up_lines_are_dropped():
    printed = ("WARNING: All log messages before absl::InitializeLog() is called are written to STDERR\n"
               "I0000 00:00:1796457640.123002    2069 port.cc:153] oneDNN custom operations are on. "
               "You may see slightly different numerical results.\n"
               "E0000 00:00:1796457640.123002    2069 some.cc:1] a real error\n"
               "Traceback (most recent call last):\n")
    assert notebook.without_startup_lines(printed) == ("E0000 00:00:1796457640.123002    2069 some.cc:1] "
                                                       "a real error\nTraceback (most recent call last):\n")


@pytest.mark.parametrize("nb", [nb.file for nb in NOTEBOOKS])
def test_every_notebook_imports_helpers_notebook_before_anything_else(nb):
    cells = nbcells.read(ROOT / "notebooks" / nb).cells
    first = next(c for c in cells if c.cell_type == "code")
    body = ast.parse(first.source).body
    imports = [n for n in body if isinstance(n, (ast.Import, ast.ImportFrom))]
    assert isinstance(imports[0], ast.ImportFrom) and imports[0].module == "helpers.notebook"
    assert body[0] is imports[0], "nothing may run before it"


@pytest.mark.parametrize("nb", [nb.file for nb in NOTEBOOKS])
def test_no_tensorflow_start_up_line_in_a_notebook_s_stored_outputs(nb):
    for index, cell in enumerate(nbcells.read(ROOT / "notebooks" / nb).cells):
        for output in cell.get("outputs", []):
            text = output.get("text", "") if output.get("output_type") == "stream" else ""
            assert not TF_STARTUP.search(text), f"{nb}, cell {index}: {text[:300]}"


def lab_config_path():
    """The JUPYTER_CONFIG_PATH that `make lab` starts JupyterLab with."""
    makefile = (ROOT / "Makefile").read_text()
    lab = re.search(r"^lab:.*\n((?:\t.*\n)+)", makefile, re.M).group(1)
    found = re.search(r"JUPYTER_CONFIG_PATH=\$\(CURDIR\)/(\S+) \$\(BIN\)/jupyter lab", lab)
    assert found, "make lab must start JupyterLab with the course's jupyter-config"
    return ROOT / found.group(1)


def api(port, path, method="GET", body=None):
    """The JSON answer of the server's REST API (see tests/test_jupyter_server.py)."""
    return server_api(port, path, method, body)[1]


def test_make_lab_has_no_news_prompt_and_no_kernel_transport_warning(tmp_path):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    log = open(tmp_path / "lab.log", "w+")
    # (the default runtime folder: a socket path must stay under ~100 characters)
    env = dict(os.environ, JUPYTER_CONFIG_PATH=str(lab_config_path()))
    proc = start_lab(port, tmp_path, env=env, log=log)
    try:
        # the frontend asks "Would you like to get notified about official Jupyter news?"
        # only while fetchNews is "none": the course's default is "false"
        schema = api(port, "/lab/api/settings/@jupyterlab/apputils-extension:notification")["schema"]
        assert schema["properties"]["fetchNews"]["default"] == "false"
        assert schema["properties"]["checkForUpdates"]["default"] is False
        assert api(port, "/lab/api/news") == {"news": []}
        kernel = api(port, "/api/kernels", "POST", {"name": "python3"})
        status, printed = run_code(port, kernel["id"], "print('kernel ran', 6 * 7)")
        assert status == "ok" and "kernel ran 42" in printed  # the kernel works over IPC
        api(port, f"/api/kernels/{kernel['id']}", "DELETE")
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    log.seek(0)
    text = log.read()
    assert "Kernel started" in text
    assert "without encryption" not in text and "WARNING" not in text, text
