"""Model pieces of notebook 2 that are not exercises: the layers, the fast equivalent of the
hand-unrolled model, weights I/O, and the conditioned model (values + harmonic and metric context, see ``helpers.jazz.context``).

Windows, one-hot encoding, the hand-unrolled model's training arrays and the NLL live in
``helpers.jazz.sequences``.
Shapes: ``m`` examples, ``T_x`` time steps, ``n_values`` values, ``n_a`` LSTM units,
``n_c`` context features.
"""
from __future__ import annotations

import numpy as np
import keras
from keras import layers, ops

from ..paths import DATA
from .sampling import lstm_step, softmax
from .sequences import sequence_nll, windows  # noqa: F401  (re-exported)

LSTM_WEIGHTS = DATA / "jazz" / "jazz_lstm.weights.h5"
GRU_WEIGHTS = DATA / "jazz" / "jazz_gru.weights.h5"
CONDITIONED_WEIGHTS = DATA / "jazz" / "jazz_conditioned.weights.h5"
MODELS_JSON = DATA / "jazz" / "models.json"
N_A = 64
N_A_CONDITIONED = 128
N_EMBED = 48
UNK_ID = 0


def make_layers(n_values: int, n_a: int = N_A):
    """The three shared layers of the notebook: ``(LSTM_cell, densor, reshaper)``, built."""
    LSTM_cell = layers.LSTM(n_a, return_state=True, name="lstm_cell")
    densor = layers.Dense(n_values, activation="softmax", name="densor")
    reshaper = layers.Reshape((1, n_values), name="reshaper")
    LSTM_cell.build((None, 1, n_values))
    densor.build((None, n_a))
    return LSTM_cell, densor, reshaper


def sequence_model(n_values: int, n_a: int = N_A, cell: str = "lstm", one_hot_input: bool = True):
    """The fast equivalent: one recurrent layer over the whole sequence + the softmax layer.

    Input (m, T, n_values) one-hot (or (m, T) int ids with ``one_hot_input=False``);
    output (m, T, n_values) probabilities; layer names ``rnn`` and ``densor``.
    """
    if one_hot_input:
        X = keras.Input(shape=(None, n_values), name="X")
        x = X
    else:
        X = keras.Input(shape=(None,), dtype="int32", name="ids")
        x = ops.one_hot(X, n_values)
    rnn = {"lstm": layers.LSTM, "gru": layers.GRU}[cell](n_a, return_sequences=True, name="rnn")
    out = layers.Dense(n_values, activation="softmax", name="densor")(rnn(x))
    return keras.Model(X, out, name=f"{cell}_sequence_model")


def fast_equivalent(LSTM_cell, densor):
    """A :func:`sequence_model` carrying the shared layers' current weights (zero initial state)."""
    model = sequence_model(densor.units, LSTM_cell.units)
    model.get_layer("rnn").set_weights(LSTM_cell.get_weights())
    model.get_layer("densor").set_weights(densor.get_weights())
    return model


def load_trained(LSTM_cell, densor, path=LSTM_WEIGHTS):
    """Copy the shipped weights (``data/jazz/jazz_lstm.weights.h5``) into the shared layers."""
    n_values, n_a = densor.units, LSTM_cell.units
    if not LSTM_cell.built:
        LSTM_cell.build((None, 1, n_values))
    if not densor.built:
        densor.build((None, n_a))
    model = sequence_model(n_values, n_a)
    model.load_weights(str(path))
    LSTM_cell.set_weights(model.get_layer("rnn").get_weights())
    densor.set_weights(model.get_layer("densor").get_weights())
    return model


def load_gru(n_values: int, path=GRU_WEIGHTS, n_a: int = N_A):
    """The shipped GRU of the same size as the LSTM (a :func:`sequence_model`)."""
    model = sequence_model(n_values, n_a, cell="gru")
    model.load_weights(str(path))
    return model


def training_record() -> dict:
    """Everything ``scripts/train_jazz_model.py`` measured (``data/jazz/models.json``): the
    scores of every model and seed, the baselines, the ablation, the settings."""
    import json

    return json.loads(MODELS_JSON.read_text(encoding="utf-8"))


# ------------------------------------------------------------------ the conditioned model

def conditioned_model(n_values: int, n_c: int | None = None, n_a: int = N_A_CONDITIONED,
                      n_e: int = N_EMBED):
    """Values and their context -> the next value's probabilities.

    Inputs ``ids`` (m, T_x) int32 and ``context`` (m, T_x, n_c) float32 (``n_c`` defaults
    to ``helpers.jazz.context.N_CONTEXT``); at step t the value id goes through an
    ``Embedding(n_values, n_e)`` (layer ``embed``), is concatenated with the context
    (``xt``, n_e + n_c features), read by ``LSTM(n_a)`` (``rnn``) and turned into
    probabilities by ``Dense(n_values, softmax)`` (``densor``). Output (m, T_x, n_values).
    """
    if n_c is None:
        from .context import N_CONTEXT as n_c
    ids = keras.Input(shape=(None,), dtype="int32", name="ids")
    context = keras.Input(shape=(None, n_c), name="context")
    xt = layers.Concatenate(name="xt")([layers.Embedding(n_values, n_e, name="embed")(ids), context])
    a = layers.LSTM(n_a, return_sequences=True, name="rnn")(xt)
    out = layers.Dense(n_values, activation="softmax", name="densor")(a)
    return keras.Model([ids, context], out, name="conditioned_model")


def load_conditioned(n_values: int, path=CONDITIONED_WEIGHTS):
    """The shipped conditioned model (``data/jazz/jazz_conditioned.weights.h5``)."""
    model = conditioned_model(n_values)
    model.load_weights(str(path))
    return model


class ConditionedStep:
    """One step of a :func:`conditioned_model` in numpy, for generation loops.

        step = ConditionedStep(model)
        a, c = step.initial_state()                  # zeros (n_a,)
        probs, a, c = step(value_id, context, a, c)  # probs (n_values,) of the next value

    ``value_id`` int (or (m,) ints), ``context`` (n_c,) (or (m, n_c)), ``a_prev`` and
    ``c_prev`` (n_a,) (or (m, n_a)); returns ``probs`` (n_values,) (or (m, n_values)) and
    ``a_next``, ``c_next``. Same computation as the Keras model, in float64, by the one numpy
    LSTM update ``helpers.jazz.sampling.lstm_step``.
    """

    def __init__(self, model):
        self.embed = np.asarray(model.get_layer("embed").get_weights()[0], np.float64)
        kernel, self.recurrent, self.bias = (np.asarray(w, np.float64)
                                             for w in model.get_layer("rnn").get_weights())
        n_e = self.embed.shape[1]
        self.kernel_value, self.kernel_context = kernel[:n_e], kernel[n_e:]
        self.W, self.b = (np.asarray(w, np.float64) for w in model.get_layer("densor").get_weights())
        self.n_a = self.recurrent.shape[0]
        self.n_values, self.n_c = self.W.shape[1], self.kernel_context.shape[0]

    def initial_state(self, m: int | None = None):
        """Zero ``(a0, c0)``, each (n_a,) (or (m, n_a))."""
        shape = (self.n_a,) if m is None else (m, self.n_a)
        return np.zeros(shape), np.zeros(shape)

    def __call__(self, value_id, context, a_prev, c_prev):
        context = np.asarray(context, np.float64)
        if context.shape[-1] != self.n_c:
            raise ValueError(f"context has {context.shape[-1]} features, the model takes {self.n_c}")
        z = (self.embed[np.asarray(value_id)] @ self.kernel_value + context @ self.kernel_context
             + np.asarray(a_prev) @ self.recurrent + self.bias)
        a_next, c_next = lstm_step(z, c_prev)
        return softmax(a_next @ self.W + self.b), a_next, c_next
