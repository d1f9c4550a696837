"""Notebook 4's exercise: each deliberately broken ``adding_problem`` fails its check with the
hint that names the mistake, and correct alternatives written another way pass.

The mutants are textual edits of the generated ``helpers/instructor/graded/variants.py`` (see
``tests/mutate.py``), each modelling a mistake learners make.
"""
import contextlib
import io

import numpy as np
import pytest

from helpers.checking import outcome
from helpers.instructor.graded.variants import adding_problem
from helpers.variants import checks
from tests.mutate import assert_caught

MODULE = "variants"
VALUES = "values = rng.uniform(0.0, 1.0, size=(m, T_x))"
FIRST = "first = rng.integers(0, T_x // 2, size=m)"
SECOND = "second = rng.integers(T_x // 2, T_x, size=m)"
TARGET = "y = (values[rows, first] + values[rows, second]).astype(np.float32)"

# (id, old text, new text, regex the hint must match)
MUTANTS = [
    ("both markers in the first half", SECOND, "second = rng.integers(0, T_x // 2, size=m)",
     r"one marker in its first half .* and one in its second half"),
    ("markers anywhere in the sequence", FIRST, "first = rng.integers(0, T_x, size=m)",
     r"one marker in its first half .* and one in its second half"),
    ("second marker never on the last step", SECOND,
     "second = rng.integers(T_x // 2, T_x - 1, size=m)", r"second marker's step .*last step included"),
    ("first marker always at step 0", FIRST, "first = np.zeros(m, dtype=int)",
     r"first marker's step at random"),
    ("target sums every value", TARGET, "y = values.sum(axis=1).astype(np.float32)",
     r"sum of the two marked values .* and nothing else"),
    ("target is the recent value only", TARGET, "y = values[rows, second].astype(np.float32)",
     r"sum of the two marked values"),
    ("np.random instead of the rng", VALUES, "values = np.random.uniform(0.0, 1.0, size=(m, T_x))",
     r"from the rng passed in .* not from np.random"),
    ("values from a normal distribution", VALUES, "values = rng.standard_normal(size=(m, T_x))",
     r"must lie in \[0, 1\)"),
    ("values from [0, 0.5)", VALUES, "values = rng.uniform(0.0, 0.5, size=(m, T_x))",
     r"draw the values uniformly from \[0, 1\)"),
    ("float64 left", "x = np.stack([values, markers], axis=-1).astype(np.float32)",
     "x = np.stack([values, markers], axis=-1)", r"must be float32 .* got float64"),
    ("channels swapped", "np.stack([values, markers]", "np.stack([markers, values]",
     r"x\[:, :, 1\] must hold the markers"),
    ("stacked on the first axis", "axis=-1)", "axis=0)", r"x must have shape \(m, T_x, 2\)"),
    ("targets as a column", TARGET,
     "y = (values[rows, first] + values[rows, second]).astype(np.float32)[:, None]",
     r"y must have shape \(m,\)"),
]


@pytest.mark.parametrize("name, old, new, hint", MUTANTS, ids=[m[0] for m in MUTANTS])
def test_mutant_fails_its_check_with_the_intended_hint(name, old, new, hint, capsys):
    assert_caught(MODULE, "adding_problem", old, new, hint, capsys)


def _loops(m, T_x, rng):
    """Written with loops, drawing per sequence."""
    x = np.zeros((m, T_x, 2), dtype=np.float32)
    y = np.zeros(m, dtype=np.float32)
    for i in range(m):
        x[i, :, 0] = rng.random(T_x)
        a, b = rng.integers(0, T_x // 2), rng.integers(T_x // 2, T_x)
        x[i, a, 1] = x[i, b, 1] = 1
        y[i] = x[i, a, 0] + x[i, b, 0]
    return x, y


def _positions_first(m, T_x, rng):
    """Markers drawn before the values, with rng.choice, summed by a product."""
    first = rng.choice(T_x // 2, size=m)
    second = T_x // 2 + rng.choice(T_x - T_x // 2, size=m)
    values = rng.random((m, T_x))
    markers = np.zeros((m, T_x))
    markers[np.arange(m), first] = 1
    markers[np.arange(m), second] = 1
    return np.dstack([values, markers]).astype("float32"), (values * markers).sum(1).astype("float32")


@pytest.mark.parametrize("fn", [adding_problem, _loops, _positions_first],
                         ids=["reference", "loops", "positions first"])
def test_correct_solutions_pass(fn):
    with contextlib.redirect_stdout(io.StringIO()):
        checks.check_adding_problem(fn)
    assert outcome("adding_problem", fn).status == "passed"


def test_unfinished_exercise_says_not_implemented(capsys):
    def unfinished(m, T_x, rng):
        raise NotImplementedError("adding_problem: your code here")

    checks.check_adding_problem(unfinished)
    assert "adding_problem: not implemented yet" in capsys.readouterr().out


def test_a_crash_quotes_the_learners_line():
    def crashing(m, T_x, rng):
        values = rng.uniform(0.0, 1.0, size=(m, T_x))
        return values[:, :, 0], values

    found = outcome("adding_problem", crashing)
    assert found.status == "failed" and "IndexError" in found.hint
    assert "return values[:, :, 0], values" in found.hint


def test_the_catalogue_covers_every_hint():
    assert len(MUTANTS) >= 4 * len(checks.POINTS)
