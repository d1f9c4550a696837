"""Generated files stay fresh on any machine, yet a real change of a solution is caught.

The reference values in ``helpers/<module>/expected.npz`` are floats: other CPUs, BLAS kernels
and oneDNN paths round their last bits differently, so freshness is decided within
``export.TOLERANCE``. These tests stand in for the other machine.
"""
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from helpers.instructor import export
from helpers.instructor.course import NOTEBOOKS

ROOT = Path(__file__).resolve().parent.parent
MODULES = [nb for nb in NOTEBOOKS if nb.module]


def test_generated_files_are_up_to_date_on_a_second_float_path():
    """`export --check` passes with TensorFlow's oneDNN kernels off (another rounding path)."""
    env = {**os.environ, "TF_ENABLE_ONEDNN_OPTS": "0", "TF_CPP_MIN_LOG_LEVEL": "3"}
    run = subprocess.run([sys.executable, "-m", "helpers.instructor.export", "--check"], cwd=ROOT,
                         capture_output=True, text=True, env=env)
    assert run.returncode == 0, run.stdout + run.stderr[-2000:]


@pytest.fixture(scope="module")
def fresh():
    """Per module: (generated source, reference arrays computed now, arrays stored on disk)."""
    out = {}
    for nb in MODULES:
        text, _ = export.module_source(nb.file)
        stored = export.stored_arrays(ROOT / "helpers" / nb.module / "expected.npz")
        out[nb.module] = (text, export.reference_arrays(nb.module, text), stored)
    return out


def perturbed(arrays: dict, relative: float) -> dict:
    """Every float array scaled by (1 + relative), element by element with a random sign."""
    rng = np.random.default_rng(0)
    out = {}
    for key, value in arrays.items():
        if value.dtype.kind == "f":
            signs = rng.choice([-1.0, 1.0], size=value.shape)
            value = (value * (1 + relative * signs)).astype(value.dtype)
        out[key] = value
    return out


@pytest.mark.parametrize("module", [nb.module for nb in MODULES])
def test_references_rounded_differently_are_still_fresh(fresh, module):
    text, now, stored = fresh[module]
    assert stored, f"helpers/{module}/expected.npz is missing"
    assert any(v.dtype.kind == "f" for v in stored.values())
    assert export.array_changes(perturbed(stored, 1e-9), now) == []


@pytest.mark.parametrize("module", [nb.module for nb in MODULES])
def test_a_reference_moved_beyond_rounding_is_stale(fresh, module):
    """The tolerance is not so loose that a small real change hides in it."""
    text, now, stored = fresh[module]
    key = max((k for k, v in stored.items() if v.dtype.kind == "f"), key=lambda k: stored[k].size)
    moved = dict(stored, **{key: stored[key] * 1.001 + 1e-3})
    changes = export.array_changes(moved, now)
    assert len(changes) == 1 and changes[0].startswith(key)


def one_line_changed(text: str, function: str, old: str, new: str) -> str:
    start = text.index(f"def {function}(")
    end = text.index("\ndef ", start + 1)
    body = text[start:end]
    assert body.count(old) == 1, f"{old!r} must occur once in {function}"
    return text[:start] + body.replace(old, new) + text[end:]


@pytest.mark.parametrize("function, old, new", [
    ("rnn_cell_forward", "Wax @ xt + ba)", "Wax @ xt)"),        # the bias dropped
    ("lstm_cell_forward", "np.tanh(c_next)", "np.tanh(c_prev)"),  # the wrong cell state
])
def test_a_one_line_change_of_a_solution_is_stale_even_after_rounding(fresh, function, old, new):
    text, now, stored = fresh["step_by_step"]
    changed = one_line_changed(text, function, old, new)
    arrays = export.reference_arrays("step_by_step", changed)
    changes = export.array_changes(perturbed(stored, 1e-9), arrays)
    assert changes and all(function.split("_")[0] in c for c in changes[:1]), changes[:3]
