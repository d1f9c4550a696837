"""Checks for notebook 4, Comparing RNN variants (the reference lives with the instructor:
``helpers/instructor/references/variants.py``).

``adding_problem`` draws random sequences, and a correct solution may draw its numbers in
any order, so the check compares no sequences with a reference: it checks the properties
that define the task (shapes and types, the values' range and spread, two markers per
sequence, one in each half, at every position of its half, the target) on several sizes, that
the sequences come from the generator passed in, and that the targets' mean and variance over
2,000 sequences are those of the reference solution's. Grading contract: the learner's function runs
inside ``probes.probe_adding_problem``, which makes the generator from a seed and returns plain
arrays.
"""
import numpy as np

from ..checking import exercise, expected_arrays, rng
from .probes import probe_adding_problem

MODULE = "variants"
POINTS = {"adding_problem": 10}


def check_seed(*key: int) -> int:
    """The seed of the generator handed to the learner's function for check input ``key``."""
    return int(rng(*key).integers(0, 2**31))


def _draw(report, fn, m, T_x, seed):
    out = report.probe(probe_adding_problem, fn, m, T_x, seed)
    if "returned" in out:
        report.fail(f"return the pair (x, y), got a {out['returned']}")
    return out["x"], out["y"]


def _problem(x, y, m, T_x):
    """The hint for the first property that one draw of ``(m, T_x)`` breaks, or None."""
    if np.shape(x) != (m, T_x, 2):
        return (f"x must have shape (m, T_x, 2) = ({m}, {T_x}, 2): one (value, marker) pair per "
                f"sequence and step; got {np.shape(x)}")
    if np.shape(y) != (m,):
        return f"y must have shape (m,) = ({m},): one target per sequence; got {np.shape(y)}"
    if x.dtype != np.float32 or y.dtype != np.float32:
        return (f"x and y must be float32 (what Keras computes in), got {x.dtype} and {y.dtype}: "
                f"end with .astype(np.float32)")
    values, markers = x[:, :, 0].astype(np.float64), x[:, :, 1].astype(np.float64)
    if not np.isin(markers, (0.0, 1.0)).all():
        return "x[:, :, 1] must hold the markers, 0 or 1 (channel 0 holds the values)"
    if not ((values >= 0).all() and (values < 1).all()):
        return (f"the values x[:, :, 0] must lie in [0, 1) (rng.uniform(0, 1, ...)); found "
                f"values from {values.min():.3f} to {values.max():.3f}")
    half = T_x // 2
    first, second = markers[:, :half].sum(axis=1), markers[:, half:].sum(axis=1)
    if not ((first == 1).all() and (second == 1).all()):
        return (f"every sequence needs exactly one marker in its first half (t < T_x // 2 = "
                f"{half}) and one in its second half (t >= {half}); found {int(first.min())} to "
                f"{int(first.max())} in the first half and {int(second.min())} to "
                f"{int(second.max())} in the second")
    if not np.allclose(y, (values * markers).sum(axis=1), atol=1e-5):
        return ("y[i] must be the sum of the two marked values of sequence i, x[i, :, 0] at the "
                "two steps where x[i, :, 1] is 1, and nothing else")
    return None


def _structure(report, x, y, m, T_x):
    hint = _problem(x, y, m, T_x)
    if hint:
        report.fail(hint)
    report.ok(f"m = {m}, T_x = {T_x}: shapes, float32, values in [0, 1), one marker in each "
              f"half, y the sum of the marked values")


@exercise("adding_problem", POINTS["adding_problem"], defines=("x", "y"))
def check_adding_problem(fn, report):
    seed = check_seed(1)
    m, T_x = 2000, 10
    x, y = _draw(report, fn, m, T_x, seed)
    _structure(report, x, y, m, T_x)
    values, markers = x[:, :, 0].astype(np.float64), x[:, :, 1]
    report.require(values.min() < 0.01 and values.max() > 0.99 and abs(values.mean() - 0.5) < 0.02,
                   "the values spread evenly over [0, 1)",
                   f"draw the values uniformly from [0, 1) (rng.uniform); {m * T_x} of them range "
                   f"from {values.min():.3f} to {values.max():.3f} with mean {values.mean():.3f}")
    first, second = markers[:, :T_x // 2].argmax(axis=1), markers[:, T_x // 2:].argmax(axis=1)
    report.require(len(np.unique(first)) == T_x // 2,
                   "the first marker falls on every step of the first half",
                   f"draw the first marker's step at random among 0 .. T_x // 2 - 1; in {m} "
                   f"sequences of T_x = {T_x} it fell only on {sorted(set(first.tolist()))}")
    report.require(len(np.unique(second)) == T_x - T_x // 2,
                   "the second marker falls on every step of the second half",
                   f"draw the second marker's step at random among T_x // 2 .. T_x - 1 (the "
                   f"last step included); in {m} sequences of T_x = {T_x} it fell only on "
                   f"{sorted(set((T_x // 2 + second).tolist()))}")
    mean, var = expected_arrays(MODULE)["adding_problem/y_moments"]
    got = np.asarray(y, dtype=np.float64)
    report.require(abs(got.mean() - mean) < 0.05 and abs(got.var() - var) < 0.03,
                   "the targets have the mean and variance of the reference's",
                   f"over {m} sequences y has mean {got.mean():.3f} and variance {got.var():.3f}, "
                   f"the reference's {mean:.3f} and {var:.3f}: each y[i] is the sum of two "
                   f"independent values uniform in [0, 1) (mean 1, variance 1/6)")
    again_x, again_y = _draw(report, fn, m, T_x, seed)
    other_x, _ = _draw(report, fn, m, T_x, seed + 1)
    report.require(np.array_equal(x, again_x) and np.array_equal(y, again_y)
                   and not np.array_equal(x, other_x),
                   "the same rng seed gives the same sequences, another seed others",
                   "draw every random number from the rng passed in (rng.uniform, "
                   "rng.integers), not from np.random: the same seed must give the same "
                   "sequences")
    for m, T_x in ((1, 2), (3, 7)):   # the smallest sequence, an odd length
        x, y = _draw(report, fn, m, T_x, seed)
        _structure(report, x, y, m, T_x)
