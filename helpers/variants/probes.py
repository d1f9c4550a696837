"""Notebook 4's probe: what a grading kernel runs around the learner's function. It calls it
and returns plain arrays; the checks (``checks.py``) judge them in the grading process."""
import numpy as np

from ..i18n import _


def probe_adding_problem(fn, m: int, T_x: int, seed: int):
    """``fn(m, T_x, np.random.default_rng(seed))`` as plain values: ``(x, y)`` when it returns
    a pair of arrays, else a description of what it returned."""
    out = fn(m, T_x, np.random.default_rng(seed))
    if not (isinstance(out, tuple) and len(out) == 2):
        if isinstance(out, (tuple, list)):
            return {"returned": _("{type} of length {n}").format(type=type(out).__name__, n=len(out))}
        return {"returned": type(out).__name__}
    x, y = out
    return {"x": np.asarray(x), "y": np.asarray(y)}
