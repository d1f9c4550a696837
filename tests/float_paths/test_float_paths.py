"""`make test-float-path` (which `.ci/run` calls after `make test`) replays notebook 2 on the
float path this machine does not take by default.

TensorFlow turns its oneDNN kernels on by default on some CPUs (those with AVX-512) and off on
others, and the two round float32 results differently. The main replay runs on this machine's
default path; this test replays notebook 2 (Keras throughout) on the other one, so CI on either
kind of CPU covers both. Freshness of the generated files is checked on every path in
``test_export.py``.
"""
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOK = "notebooks/2_jazz_improvisation.ipynb"


def onednn_is_on_by_default() -> bool:
    """What TensorFlow decides here with TF_ENABLE_ONEDNN_OPTS unset: it says so at import."""
    env = {k: v for k, v in os.environ.items() if k != "TF_ENABLE_ONEDNN_OPTS"}
    env["TF_CPP_MIN_LOG_LEVEL"] = "0"
    run = subprocess.run([sys.executable, "-c", "import tensorflow"], env=env, capture_output=True,
                         text=True, timeout=300)
    assert run.returncode == 0, run.stderr[-2000:]
    return "oneDNN custom operations are on" in run.stderr


def test_notebook_2_replays_on_the_other_float_path():
    other = "0" if onednn_is_on_by_default() else "1"
    env = {**os.environ, "TF_ENABLE_ONEDNN_OPTS": other, "TF_CPP_MIN_LOG_LEVEL": "3"}
    run = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:xdist", NOTEBOOK, "--nbval",
                          "--nbval-current-env", "--nbval-sanitize-with", "tests/nbval_sanitize.cfg",
                          "--nbval-cell-timeout=900"], cwd=ROOT, env=env, capture_output=True,
                         text=True, timeout=1500)
    assert run.returncode == 0, f"TF_ENABLE_ONEDNN_OPTS={other}:\n" + run.stdout[-4000:]
