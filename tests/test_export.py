"""Generated files stay fresh on any machine, yet a real change of a solution is caught.

The reference values in ``helpers/<module>/expected.npz`` are floats: other CPUs, BLAS kernels
and oneDNN paths round their last bits differently, so freshness is decided within
``export.rounding_bound``: a few units of the precision that computed each array. These tests
stand in for the other machine.
"""
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from helpers.instructor import export, references
from helpers.instructor.course import NOTEBOOKS

ROOT = Path(__file__).resolve().parent.parent
MODULES = [nb for nb in NOTEBOOKS if nb.module]


# The float paths a CI machine or a learner's machine may take. TensorFlow's oneDNN kernels
# are on by default on CPUs with AVX-512 and off elsewhere; OpenBLAS's Sandybridge kernels
# stand in for an older CPU. A machine that sets OPENBLAS_CORETYPE itself keeps its choice.
FLOAT_PATHS = {"oneDNN on": {"TF_ENABLE_ONEDNN_OPTS": "1"},
               "oneDNN off": {"TF_ENABLE_ONEDNN_OPTS": "0"}}
if "OPENBLAS_CORETYPE" not in os.environ:
    FLOAT_PATHS["OpenBLAS Sandybridge, oneDNN off"] = {"OPENBLAS_CORETYPE": "Sandybridge",
                                                       "TF_ENABLE_ONEDNN_OPTS": "0"}


@pytest.mark.parametrize("path", FLOAT_PATHS)
def test_generated_files_are_up_to_date_on_every_float_path(path):
    """`export --check` passes whichever kernels round the references."""
    env = {**os.environ, **FLOAT_PATHS[path], "TF_CPP_MIN_LOG_LEVEL": "3"}
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


def declared(module: str) -> dict:
    return getattr(references.module_of(module), "PRECISION", {})


def perturbed(arrays: dict, units: float, precision: dict) -> dict:
    """Every float array moved by ``units`` of its own precision (export.precision), scaled
    to its largest value, element by element with a random sign: another machine's rounding."""
    rng = np.random.default_rng(0)
    out = {}
    for key, value in arrays.items():
        if value.dtype.kind == "f" and value.size:
            step = units * export.precision(key, value, precision) * np.max(np.abs(value))
            moved = value + step * rng.choice([-1.0, 1.0], size=value.shape)
            if export.computed_in_float32(value):   # another machine's float32 result
                moved = moved.astype(np.float32)
            value = moved.astype(value.dtype)
        out[key] = value
    return out


@pytest.mark.parametrize("module", [nb.module for nb in MODULES])
def test_references_rounded_differently_are_still_fresh(fresh, module):
    text, now, stored = fresh[module]
    assert stored, f"helpers/{module}/expected.npz is missing"
    assert any(v.dtype.kind == "f" for v in stored.values())
    assert export.array_changes(perturbed(stored, 4, declared(module)), now, declared(module)) == []


def test_keras_results_are_judged_in_float32():
    """Keras computes in float32: such values, even stored as float64, get float32's precision."""
    keras_like = np.float32([0.1, 0.25, 0.7]).astype(np.float64)
    numpy_like = np.array([0.1, 0.25, 0.7])
    assert export.precision("x", keras_like, {}) == np.finfo(np.float32).eps
    assert export.precision("x", numpy_like, {}) == np.finfo(np.float64).eps
    assert export.precision("a/fd/b", numpy_like, {"/fd/": 1e-8}) == 1e-8
    one_ulp = {"x": np.nextafter(np.float32(keras_like), np.float32(1)).astype(np.float64)}
    assert export.array_changes({"x": keras_like}, one_ulp) == []
    assert export.array_changes({"x": numpy_like}, {"x": numpy_like * (1 + 1e-9)}) != []


@pytest.mark.parametrize("module", [nb.module for nb in MODULES])
def test_a_reference_moved_beyond_rounding_is_stale(fresh, module):
    """The bound is not so loose that a small real change hides in it: twice the bound (and a
    relative change of 1e-3) is reported, for the largest float array of each module."""
    text, now, stored = fresh[module]
    key = max((k for k, v in stored.items() if v.dtype.kind == "f"), key=lambda k: stored[k].size)
    bound = export.rounding_bound(key, stored[key], declared(module))
    for moved_value in (stored[key] + 2 * bound, stored[key] * 1.001 + 1e-3):
        changes = export.array_changes(dict(stored, **{key: moved_value}), now, declared(module))
        assert len(changes) == 1 and changes[0].startswith(key), changes


def one_line_changed(text: str, function: str, old: str, new: str) -> str:
    start = text.index(f"def {function}(")
    end = text.index("\ndef ", start + 1)
    body = text[start:end]
    assert body.count(old) == 1, f"{old!r} must occur once in {function}"
    return text[:start] + body.replace(old, new) + text[end:]


@pytest.mark.parametrize("module, function, old, new", [
    ("step_by_step", "rnn_cell_forward", "Wax @ xt + ba)", "Wax @ xt)"),        # the bias dropped
    ("step_by_step", "lstm_cell_forward", "np.tanh(c_next)", "np.tanh(c_prev)"),  # the wrong cell state
    ("emojify", "sentence_to_avg", "avg / len(known)", "avg / (len(known) + 1)"),  # one word too many
])
def test_a_one_line_change_of_a_solution_is_stale_even_after_rounding(fresh, module, function, old, new):
    text, now, stored = fresh[module]
    changed = one_line_changed(text, function, old, new)
    arrays = export.reference_arrays(module, changed)
    changes = export.array_changes(perturbed(stored, 4, declared(module)), arrays, declared(module))
    assert any(c.startswith(function + "/") for c in changes), changes[:3]
