"""Notebook 2's probes: what a grading kernel runs around the learner's functions.

A probe builds the inputs that cannot travel as plain values (toy Keras layers, a toy
inference model, a parsed chord, callbacks), calls the learner's function once, and returns
its raw result as plain values: a built model as its JSON and weights
(``keras_wire.as_plain``), anything else as numbers, strings or arrays. It computes no
answer and judges nothing: the checks (``checks.py``) do that on their side, and when
grading they run in the grading process, which believes nothing else a probe might say.
"""
import sys

import numpy as np

from .. import keras_wire
from ..checking import describe_crash, learner_line
from ..i18n import _


def _layers(weights, names=(None, None)):
    """Shared toy layers (LSTM_cell, densor, reshaper) carrying plain ``weights``."""
    from keras import layers
    from .classic import LSTM
    n_values, n_a = weights[0].shape[0], weights[1].shape[0]
    LSTM_cell = LSTM(n_a, return_state=True, name=names[0])
    densor = layers.Dense(n_values, activation="softmax", name=names[1])
    reshaper = layers.Reshape((1, n_values))
    LSTM_cell.build((None, 1, n_values))
    densor.build((None, n_a))
    LSTM_cell.set_weights(weights[:3])
    densor.set_weights(weights[3:])
    return LSTM_cell, densor, reshaper


def _batch_axis_watch(code):
    """(tracer, found): while ``sys.settrace(tracer)`` is on, ``found`` records the first line of
    the learner's function ``code`` after which one of its local Keras tensors no longer starts
    with the examples' axis (its first dimension a number, not None): ``{"name", "shape",
    "line"}``. A model built so cannot run on another number of examples; its crash, inside
    Keras, would not name the learner's line."""
    import keras
    found, last = {}, [code.co_firstlineno]

    def local(frame, event, arg):
        if event in ("line", "return") and not found:
            for name, value in list(frame.f_locals.items()):
                if isinstance(value, keras.KerasTensor) and value.shape and value.shape[0] is not None:
                    found.update(name=name, shape=str(tuple(value.shape)), line=learner_line(frame, last[0]))
                    break
            last[0] = frame.f_lineno
        return local

    def tracer(frame, event, arg):
        return local if event == "call" and frame.f_code is code else None

    return tracer, found


def _probe_built(build, fn=None) -> dict:
    """Call ``build()`` (the learner's function ``fn`` on toy layers) and return the model it
    built as plain values (``keras_wire.as_plain``: its JSON and weights), with ``batch_lost``
    when a tensor lost its examples' axis (:func:`_batch_axis_watch`); a crash as its one-line text."""
    code = getattr(fn, "__code__", None)
    tracer, found = _batch_axis_watch(code) if code is not None else (None, {})
    previous = sys.gettrace()
    if tracer is not None:
        sys.settrace(tracer)
    try:
        model = build()
    except NotImplementedError:
        raise
    except Exception as err:
        return {"crash": describe_crash(err)}
    finally:
        if tracer is not None:
            sys.settrace(previous)
    plain = keras_wire.as_plain(model)
    if found:
        plain["batch_lost"] = _("{name} has shape {shape} after {line}").format(
                                  name=found['name'], shape=found['shape'], line=found['line'])
    return plain


def probe_djmodel(fn, Tx, weights, names) -> dict:
    """``fn(Tx, LSTM_cell, densor, reshaper)`` on toy layers: the model, as plain values."""
    return _probe_built(lambda: fn(Tx, *_layers(weights, names)), fn)


def probe_music_inference_model(fn, Ty, weights, names) -> dict:
    """``fn(LSTM_cell, densor, Ty=Ty)`` on toy layers: the model, as plain values."""
    def build():
        LSTM_cell, densor, _ = _layers(weights, names)
        return fn(LSTM_cell, densor, Ty=Ty)
    return _probe_built(build, fn)


def toy_inference_model(weights, n_a: int = 3):
    """A small model shaped like an inference model: inputs x0 (1, n_values), a0, c0 (n_a,);
    one softmax output per matrix in ``weights``, each fed the previous one."""
    import keras
    n_values = weights[0].shape[1]
    x0 = keras.Input((1, n_values))
    a0, c0 = keras.Input((n_a,)), keras.Input((n_a,))
    h = keras.layers.Concatenate()([keras.layers.Flatten()(x0), a0, c0])
    outs = []
    for w in weights:
        dense = keras.layers.Dense(n_values, activation="softmax", use_bias=False)
        out = dense(h)
        dense.set_weights([w])
        outs.append(out)
        h = keras.layers.Concatenate()([out, a0, c0])
    return keras.Model([x0, a0, c0], outs)


def probe_predict_and_sample(fn, weights, x0, a0, c0) -> dict:
    """``fn(model, x0, a0, c0)`` on a toy inference model; plain results and indices."""
    model = toy_inference_model(weights, a0.shape[1])
    try:
        out = fn(model, x0, a0, c0)
    except NotImplementedError:
        raise
    except Exception as err:
        return {"crash": describe_crash(err)}
    if not isinstance(out, (tuple, list)) or len(out) != 2:
        return {"not_pair": type(out).__name__}
    try:
        return {"results": np.asarray(out[0], dtype=float), "indices": np.asarray(out[1], dtype=float)}
    except (TypeError, ValueError) as err:
        return {"crash": describe_crash(err)}


class RunawayLoop(RuntimeError):
    """The learner's generation loop called back far more often than its solo allows."""


class BadArgument(TypeError):
    """A callback of generate_with_context was given something else than it takes."""


def _vector(value, size: int, what: str) -> np.ndarray:
    """``value`` as a float vector of ``size`` numbers, or :class:`BadArgument` naming ``what``."""
    try:
        array = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        kind = (_("a {type} of {n} items").format(type=type(value).__name__, n=len(value))
                if isinstance(value, tuple) else _("a {type}").format(type=type(value).__name__))
        raise BadArgument(_("{what} was given {kind}, not a vector of {size} numbers").format(
                              what=what, kind=kind, size=size)) from None
    if array.shape != (size,):
        raise BadArgument(_("{what} was given an array of shape {shape}, not ({size},)").format(
                              what=what, shape=array.shape, size=size))
    return array


class _ToyStep:
    """A tiny recurrent model in numpy: (x_id, context, state) -> (probs, state); records calls.

    ``limit``: calls allowed before :class:`RunawayLoop` stops a loop that does not advance."""

    def __init__(self, weights, limit: int | None = None):
        self.Wx, self.Wa, self.b, self.Wy, self.by = weights
        self.n_values = self.Wy.shape[1]
        self.calls = []
        self.limit = limit

    def __call__(self, x_id, context, state):
        if self.limit is not None and len(self.calls) >= self.limit:
            raise RunawayLoop(_("step was called {calls} times, for a solo of at most {limit} "
                                "values").format(calls=len(self.calls) + 1, limit=self.limit))
        if isinstance(x_id, (tuple, list)) or np.ndim(x_id) != 0:
            raise BadArgument(_("step's x_id was given {type} {shape}, not one id").format(
                                  type=type(x_id).__name__, shape=np.shape(x_id)))
        if not 0 <= int(x_id) < self.n_values:
            raise BadArgument(_("step's x_id was given {id}, not an id in 0 .. {last}").format(
                                  id=int(x_id), last=self.n_values - 1))
        context = _vector(context, self.Wx.shape[0] - self.n_values, "step's context")
        if state is not None:
            state = _vector(state, self.Wa.shape[0], _("step's state (None at first, then what step returned)"))
        x = np.zeros(self.n_values)
        x[int(x_id)] = 1
        a = np.zeros(self.Wa.shape[0]) if state is None else np.asarray(state, dtype=float)
        a = np.tanh(np.concatenate([x, np.asarray(context, dtype=float)]) @ self.Wx + a @ self.Wa + self.b)
        z = a @ self.Wy + self.by
        z[0] = -np.inf
        p = np.exp(z - z.max())
        self.calls.append(int(x_id))
        return p / p.sum(), a


def probe_generate_with_context(fn, weights, table, durations, first_id, total) -> dict:
    """Run ``fn`` with a toy step function and a toy context (rows of ``table`` by position in
    the bar); return the ids and the ``(step, prev_step)`` pairs whose context was asked for."""
    limit = int(total) + 1  # every value lasts at least one step
    step = _ToyStep(weights, limit)
    asked = []

    def context_at(position, prev_position):
        if len(asked) >= limit:
            raise RunawayLoop(_("context_at was called {calls} times, for a solo of at most "
                                "{limit} values").format(calls=len(asked) + 1, limit=limit))
        asked.append((int(position), -1 if prev_position is None else int(prev_position)))
        prev = table[0] if prev_position is None else table[int(prev_position) % len(table)]
        return table[int(position) % len(table)] + 0.5 * prev

    def choose(probs):
        if isinstance(probs, tuple) and len(probs) == 2:
            raise BadArgument(_("choose(probs) was given a tuple of 2 items, not the "
                                "probabilities: step returns the pair (probs, state), unpack it "
                                "with probs, state = step(...)"))
        return int(np.argmax(_vector(probs, step.n_values, "choose(probs)")))

    try:
        ids = fn(step, context_at, durations.copy(), first_id, total, choose)
    except NotImplementedError:
        raise
    except Exception as err:
        return {"crash": describe_crash(err)}
    try:
        ids = np.asarray(ids, dtype=float).ravel()
    except (TypeError, ValueError):
        return {"not_ids": type(ids).__name__}
    return {"ids": ids, "asked": np.array(asked, dtype=float).reshape(-1, 2),
            "fed": np.array(step.calls, dtype=float)}


# ----------------------------------------------------------------- reference values

def _chord(symbol):
    from .music import parse_chord
    return parse_chord(symbol)


def probe_note_to_value(fn, cases) -> list:
    """``fn(pitch, prev_pitch, duration, chord)`` for each case ``(pitch, prev, duration,
    symbol)``, the chord parsed here (a Chord is not a plain value); what comes back is shown
    as text unless it is a string."""
    out = []
    for p, q, d, symbol in cases:
        value = fn(int(p), int(q), int(d), _chord(symbol))
        out.append(value if isinstance(value, str) else f"<{type(value).__name__}>")
    return out


# ----------------------------------------------------------------- checks
