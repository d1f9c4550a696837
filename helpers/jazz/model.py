"""Model pieces of notebook 2 that are not exercises: the feedback sampler, the fast
equivalent of the hand-unrolled model, weights I/O, step-by-step sampling, and the
conditioned model (values + harmonic and metric context, see ``helpers.jazz.context``).

Windows, one-hot encoding and the NLL live in ``helpers.jazz.sequences`` (re-exported here).
Shapes: ``m`` examples, ``T_x`` time steps, ``n_values`` values, ``n_a`` LSTM units,
``n_c`` context features.
"""
from __future__ import annotations

import numpy as np
import keras
from keras import layers, ops

from ..paths import DATA
from .sequences import one_hot, sequence_nll, windows  # noqa: F401  (re-exported: the notebook imports them from here)

LSTM_WEIGHTS = DATA / "jazz" / "jazz_lstm.weights.h5"
GRU_WEIGHTS = DATA / "jazz" / "jazz_gru.weights.h5"
CONDITIONED_WEIGHTS = DATA / "jazz" / "jazz_conditioned.weights.h5"
MODELS_JSON = DATA / "jazz" / "models.json"
N_A = 64
N_A_CONDITIONED = 128
N_EMBED = 48
UNK_ID = 0


@keras.saving.register_keras_serializable(package="rnn_lab")
class SampleFeedback(layers.Layer):
    """Choose one value per example from a softmax output and return its one-hot.

    probs (m, n_values) -> one-hot (m, n_values). With ``temperature`` 0 (the default) the
    choice is the most probable value (argmax); with ``temperature`` T > 0 it is drawn from
    the distribution proportional to ``probs ** (1 / T)``. Id 0 (``<unk>``) is never chosen.
    The temperature is a (non-trainable) variable, so ``set_temperature`` changes it without
    rebuilding the model.
    """

    def __init__(self, n_values: int, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.n_values = int(n_values)
        self.seed = seed
        self.seed_generator = keras.random.SeedGenerator(seed)
        self.temperature = self.add_weight(shape=(), initializer="zeros", trainable=False,
                                           name="temperature")

    def call(self, probs):
        allowed = ops.concatenate([ops.zeros((1,)), ops.ones((self.n_values - 1,))])
        probs = probs * allowed
        t = ops.convert_to_tensor(self.temperature)
        logits = ops.log(ops.maximum(probs, 1e-12)) / ops.maximum(t, 1e-6)
        sampled = ops.cast(keras.random.categorical(logits, 1, seed=self.seed_generator)[:, 0], "int32")
        greedy = ops.cast(ops.argmax(probs, axis=-1), "int32")
        choice = ops.where(t > 0, sampled, greedy)
        return ops.one_hot(choice, self.n_values)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "n_values": self.n_values, "seed": self.seed}


def set_temperature(model, temperature: float) -> None:
    """Set the temperature of every :class:`SampleFeedback` layer of ``model``."""
    if temperature < 0:
        raise ValueError(f"temperature must be >= 0, got {temperature}")
    found = [layer for layer in model.layers if isinstance(layer, SampleFeedback)]
    if not found:
        raise ValueError(f"model {model.name!r} has no SampleFeedback layer to set the temperature of")
    for layer in found:
        layer.temperature.assign(float(temperature))


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


def training_arrays(window_ids: np.ndarray, n_values: int):
    """``(X, Y)`` for the hand-unrolled model: X (m, Tx, n_values), Y a list of Tx arrays
    (m, n_values), ``Y[t]`` the value that follows ``X[:, t]``."""
    X = one_hot(window_ids[:, :-1], n_values)
    Y = one_hot(window_ids[:, 1:], n_values)
    return X, [Y[:, t] for t in range(Y.shape[1])]


def _sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def sample_ids(LSTM_cell, densor, n_steps: int, first_id: int, temperature: float = 1.0,
               seed: int = 0, stop=None) -> np.ndarray:
    """Sample ids step by step in numpy with the shared layers' weights.

    Same computation as the inference model (Keras LSTM gates in the order i, f, c, o), but
    it can run as long as needed: ``stop(ids_so_far)`` returning True ends it early.
    temperature 0 = argmax; ``<unk>`` (id 0) is never chosen. Returns int (n,) ids, the
    first of which is ``first_id``.
    """
    kernel, recurrent, bias = (np.asarray(w, dtype=np.float64) for w in LSTM_cell.get_weights())
    W, b = (np.asarray(w, dtype=np.float64) for w in densor.get_weights())
    n_a = recurrent.shape[0]
    rng = np.random.default_rng(seed)
    a, c = np.zeros(n_a), np.zeros(n_a)
    ids = [int(first_id)]
    for _ in range(n_steps):
        z = kernel[ids[-1]] + a @ recurrent + bias
        i, f, g, o = np.split(z, 4)
        c = _sigmoid(f) * c + _sigmoid(i) * np.tanh(g)
        a = _sigmoid(o) * np.tanh(c)
        logits = a @ W + b
        logits[UNK_ID] = -np.inf
        if temperature == 0:
            nxt = int(np.argmax(logits))
        else:
            z = logits / temperature
            p = np.exp(z - z.max())
            nxt = int(rng.choice(len(p), p=p / p.sum()))
        ids.append(nxt)
        if stop is not None and stop(ids):
            break
    return np.array(ids)


def improvise(LSTM_cell, densor, progression, choruses: int = 3, temperature: float = 1.0,
              seed: int = 0, first_value: str = "rest:12", start_pitch: int = 65,
              low: int = 53, high: int = 84):
    """Sample values until ``choruses`` choruses of ``progression`` are filled and realise
    them over its chords, one after the other: returns ``(solo, values)``.

    The first value (``first_value``, a one-beat rest by default) is given; the last event
    is shortened so that the solo ends exactly with the last chorus. Notes are kept between
    ``low`` and ``high`` (MIDI) by moving them an octave.
    """
    from .data import to_ids, to_values, values as vocabulary
    from .music import clip, decode, split_value

    if choruses < 1:
        raise ValueError(f"choruses must be at least 1, got {choruses}")
    total = progression.steps * choruses
    steps = np.array([0 if v == "<unk>" else split_value(v)[2] for v in vocabulary()])
    first_id = int(to_ids([first_value])[0])
    if first_id == UNK_ID:
        raise ValueError(f"first_value {first_value!r} is not in the vocabulary")
    ids = sample_ids(LSTM_cell, densor, total, first_id, temperature, seed,
                     stop=lambda ids: steps[ids].sum() >= total)
    vals = to_values(ids)
    solo = decode(vals, progression.chord_at, start_pitch=start_pitch, start_step=0, low=low, high=high)
    return clip(solo, total), vals


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
    ``a_next``, ``c_next``. Same computation as the Keras model (LSTM gates in the order
    i, f, c, o), in float64.
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
        i, f, g, o = np.split(z, 4, axis=-1)
        c_next = _sigmoid(f) * c_prev + _sigmoid(i) * np.tanh(g)
        a_next = _sigmoid(o) * np.tanh(c_next)
        logits = a_next @ self.W + self.b
        e = np.exp(logits - logits.max(axis=-1, keepdims=True))
        return e / e.sum(axis=-1, keepdims=True), a_next, c_next
