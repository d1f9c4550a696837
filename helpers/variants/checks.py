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
from ..i18n import _
from .probes import probe_adding_problem

MODULE = "variants"
POINTS = {"adding_problem": 10}


def check_seed(*key: int) -> int:
    """The seed of the generator handed to the learner's function for check input ``key``."""
    return int(rng(*key).integers(0, 2**31))


def _draw(report, fn, m, T_x, seed):
    out = report.probe(probe_adding_problem, fn, m, T_x, seed)
    if "returned" in out:
        report.fail(_("return the pair (x, y), got a {returned}").format(returned=out['returned']))
    return out["x"], out["y"]


def _problem(x, y, m, T_x):
    """The hint for the first property that one draw of ``(m, T_x)`` breaks, or None."""
    if np.shape(x) != (m, T_x, 2):
        return (_("x must have shape (m, T_x, 2) = ({m}, {T_x}, 2): one (value, marker) pair per "
                  "sequence and step; got {shape}").format(m=m, T_x=T_x, shape=np.shape(x)))
    if np.shape(y) != (m,):
        return _("y must have shape (m,) = ({m},): one target per sequence; got {shape}").format(
                   m=m, shape=np.shape(y))
    if x.dtype != np.float32 or y.dtype != np.float32:
        return (_("x and y must be float32 (what Keras computes in), got {dtype} and {dtype2}: "
                  "end with .astype(np.float32)").format(dtype=x.dtype, dtype2=y.dtype))
    values, markers = x[:, :, 0].astype(np.float64), x[:, :, 1].astype(np.float64)
    if not np.isin(markers, (0.0, 1.0)).all():
        return _("x[:, :, 1] must hold the markers, 0 or 1 (channel 0 holds the values)")
    if not ((values >= 0).all() and (values < 1).all()):
        return (_("the values x[:, :, 0] must lie in [0, 1) (rng.uniform(0, 1, ...)); found "
                  "values from {min:.3f} to {max:.3f}").format(min=values.min(), max=values.max()))
    half = T_x // 2
    first, second = markers[:, :half].sum(axis=1), markers[:, half:].sum(axis=1)
    if not ((first == 1).all() and (second == 1).all()):
        return (_("every sequence needs exactly one marker in its first half (t < T_x // 2 = "
                  "{half}) and one in its second half (t >= {half}); found {value1} to {value2} "
                  "in the first half and {value3} to {value4} in the second").format(
                    half=half, value1=int(first.min()), value2=int(first.max()),
                    value3=int(second.min()), value4=int(second.max())))
    if not np.allclose(y, (values * markers).sum(axis=1), atol=1e-5):
        return (_("y[i] must be the sum of the two marked values of sequence i, x[i, :, 0] at "
                  "the two steps where x[i, :, 1] is 1, and nothing else"))
    return None


def _structure(report, x, y, m, T_x):
    hint = _problem(x, y, m, T_x)
    if hint:
        report.fail(hint)
    report.ok(_("m = {m}, T_x = {T_x}: shapes, float32, values in [0, 1), one marker in each "
                "half, y the sum of the marked values").format(m=m, T_x=T_x))


@exercise("adding_problem", POINTS["adding_problem"], defines=("x", "y"))
def check_adding_problem(fn, report):
    seed = check_seed(1)
    m, T_x = 2000, 10
    x, y = _draw(report, fn, m, T_x, seed)
    _structure(report, x, y, m, T_x)
    values, markers = x[:, :, 0].astype(np.float64), x[:, :, 1]
    report.require(values.min() < 0.01 and values.max() > 0.99 and abs(values.mean() - 0.5) < 0.02,
                   _("the values spread evenly over [0, 1)"),
                   _("draw the values uniformly from [0, 1) (rng.uniform); {value1} of them "
                     "range from {min:.3f} to {max:.3f} with mean {mean:.3f}").format(
                       value1=m * T_x, min=values.min(), max=values.max(), mean=values.mean()))
    first, second = markers[:, :T_x // 2].argmax(axis=1), markers[:, T_x // 2:].argmax(axis=1)
    report.require(len(np.unique(first)) == T_x // 2,
                   _("the first marker falls on every step of the first half"),
                   _("draw the first marker's step at random among 0 .. T_x // 2 - 1; in {m} "
                     "sequences of T_x = {T_x} it fell only on {value1}").format(
                       m=m, T_x=T_x, value1=sorted(set(first.tolist()))))
    report.require(len(np.unique(second)) == T_x - T_x // 2,
                   _("the second marker falls on every step of the second half"),
                   _("draw the second marker's step at random among T_x // 2 .. T_x - 1 (the "
                     "last step included); in {m} sequences of T_x = {T_x} it fell only on "
                     "{value1}").format(
                       m=m, T_x=T_x, value1=sorted(set((T_x // 2 + second).tolist()))))
    mean, var = expected_arrays(MODULE)["adding_problem/y_moments"]
    got = np.asarray(y, dtype=np.float64)
    report.require(abs(got.mean() - mean) < 0.05 and abs(got.var() - var) < 0.03,
                   _("the targets have the mean and variance of the reference's"),
                   _("over {m} sequences y has mean {mean:.3f} and variance {var:.3f}, the "
                     "reference's {mean2:.3f} and {var2:.3f}: each y[i] is the sum of two "
                     "independent values uniform in [0, 1) (mean 1, variance 1/6)").format(
                       m=m, mean=got.mean(), var=got.var(), mean2=mean, var2=var))
    again_x, again_y = _draw(report, fn, m, T_x, seed)
    other_x, __ = _draw(report, fn, m, T_x, seed + 1)
    report.require(np.array_equal(x, again_x) and np.array_equal(y, again_y)
                   and not np.array_equal(x, other_x),
                   _("the same rng seed gives the same sequences, another seed others"),
                   _("draw every random number from the rng passed in (rng.uniform, "
                     "rng.integers), not from np.random: the same seed must give the same "
                     "sequences"))
    for m, T_x in ((1, 2), (3, 7)):   # the smallest sequence, an odd length
        x, y = _draw(report, fn, m, T_x, seed)
        _structure(report, x, y, m, T_x)
