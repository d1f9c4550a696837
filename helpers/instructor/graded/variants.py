"""Generated from notebooks/4_rnn_variants.ipynb by `python -m helpers.instructor.export`: do not edit.

Edit the graded cells of the notebook instead, then run `make export`.
"""


# EXPORT
import numpy as np


# GRADED FUNCTION: adding_problem
def adding_problem(m, T_x, rng):
    '''
    m sequences of the adding problem.

    Arguments:
    m -- number of sequences
    T_x -- number of steps of each sequence (at least 2)
    rng -- a numpy random Generator (np.random.default_rng(seed)): draw every number from it

    Returns:
    x -- inputs, (m, T_x, 2) float32: x[i, t, 0] a value uniform in [0, 1), x[i, t, 1] a
         marker, 1 at one step t < T_x // 2 and at one step t >= T_x // 2, else 0
    y -- targets, (m,) float32: y[i] the sum of the two marked values of sequence i
    '''
    if T_x < 2 or m < 1:
        raise ValueError(f"the adding problem needs T_x >= 2 and m >= 1, got T_x={T_x}, m={m}")
    # Your code (≈ 9 lines) must define: x, y
    values = rng.uniform(0.0, 1.0, size=(m, T_x))
    first = rng.integers(0, T_x // 2, size=m)
    second = rng.integers(T_x // 2, T_x, size=m)
    markers = np.zeros((m, T_x))
    rows = np.arange(m)
    markers[rows, first] = 1.0
    markers[rows, second] = 1.0
    x = np.stack([values, markers], axis=-1).astype(np.float32)
    y = (values[rows, first] + values[rows, second]).astype(np.float32)
    return x, y


__all__ = ['adding_problem']
