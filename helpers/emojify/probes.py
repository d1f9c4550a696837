"""Notebook 3's probes: what a grading kernel runs around the learner's functions.

Each calls the learner's function once and returns its raw result as plain values: a Keras
layer or model as its JSON and weights (``keras_wire.as_plain``), a training run as its
arrays and what it printed. A probe computes no answer and judges nothing: the checks
(``checks.py``) do, and when grading they run in the grading process.
"""
import contextlib
import io

import numpy as np

from .. import keras_wire


def probe_model(fn, X, Y, word_to_vec_map, learning_rate, num_iterations):
    """Train with the learner's ``model``; what it returns (as arrays) and what it printed."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        result = fn(np.asarray(X), np.asarray(Y), word_to_vec_map, learning_rate=learning_rate,
                    num_iterations=num_iterations)
    if not isinstance(result, (tuple, list)) or len(result) != 3:
        return {"returned": type(result).__name__, "printed": out.getvalue()}
    pred, W, b = (np.asarray(r, dtype=float) for r in result)
    return {"returned": "3 values", "pred": pred, "W": W, "b": b, "printed": out.getvalue()}


def probe_embedding_layer(fn, word_to_vec_map, word_to_index):
    """Build the learner's embedding layer: the layer as plain values (JSON and weights)."""
    return keras_wire.as_plain(fn(word_to_vec_map, word_to_index))


def probe_Emojify_V2(fn, max_len, word_to_vec_map, word_to_index):
    """Build the learner's model for ``max_len``: the model as plain values (JSON and weights)."""
    return keras_wire.as_plain(fn((max_len,), word_to_vec_map, word_to_index))
