"""Checks for notebook 2, "Improvise a Jazz Solo with an LSTM Network".

Reference values come from ``expected(graded)`` (stored by ``make export``); the small
models the checks build get their weights from fixed random generators, so the learner's
function and the reference see exactly the same layers.
"""
import numpy as np

from ..checking import exercise, expected_arrays

MODULE = "jazz"
POINTS = {"note_to_value": 10, "djmodel": 10, "music_inference_model": 10, "predict_and_sample": 10}

# (pitch, prev_pitch, duration, chord symbol): slots, every contour and its boundaries.
NOTE_CASES = (
    (62, 60, 6, "Bb7"),    # D over Bb7: the third, up 2
    (58, 62, 12, "Bb7"),   # root, down 4
    (65, 65, 3, "Bb7"),    # fifth, same pitch
    (68, 56, 4, "Bb7"),    # seventh, exactly an octave up: "+"
    (56, 68, 6, "Bb7"),    # an octave down: "-"
    (80, 60, 8, "C-7"),    # up 20: "++"
    (60, 84, 9, "C-7"),    # down 24: "--"
    (84, 60, 2, "C-7"),    # up exactly 24: "++"
    (73, 60, 1, "C-7"),    # up 13: "++" (C#, T1 over C-7)
    (61, 62, 18, "Ebj7"),  # Db over Ebj7: T7, down 1
    (63, 60, 24, "C-7b5"), # the third of a half-diminished chord
    (66, 67, 36, "C-7b5"), # its fifth (Gb)
    (64, 64, 48, "F7"),    # E over F7: T8 (major seventh), same pitch
)


def _chord(symbol):
    from .music import parse_chord
    return parse_chord(symbol)


def _note_values(fn):
    return [fn(p, q, d, _chord(s)) for p, q, d, s in NOTE_CASES]


def _toy_layers(n_values: int, n_a: int, seed: int):
    """Fresh shared layers with deterministic weights."""
    from .model import make_layers
    LSTM_cell, densor, reshaper = make_layers(n_values, n_a)
    rng = np.random.default_rng(seed)
    for layer in (LSTM_cell, densor):
        layer.set_weights([rng.normal(0, 0.6, w.shape).astype("float32") for w in layer.get_weights()])
    return LSTM_cell, densor, reshaper


def _dj_inputs(m: int, Tx: int, n_values: int, n_a: int, seed: int):
    rng = np.random.default_rng(seed)
    X = np.eye(n_values, dtype="float32")[rng.integers(0, n_values, (m, Tx))]
    a0 = rng.normal(0, 0.5, (m, n_a)).astype("float32")
    c0 = rng.normal(0, 0.5, (m, n_a)).astype("float32")
    return X, a0, c0


DJ_CASES = ((4, 7, 5, 3, 11), (1, 6, 3, 1, 12))  # (Tx, n_values, n_a, m, seed)
INF_CASES = ((6, 7, 5, 21), (1, 5, 4, 22))       # (Ty, n_values, n_a, seed)


def _as_list(out):
    """A functional model with a single output returns it bare; make it a list."""
    return list(out) if isinstance(out, (list, tuple)) else [out]


def _dj_predictions(fn, Tx, n_values, n_a, m, seed):
    from keras import ops
    layers = _toy_layers(n_values, n_a, seed)
    model = fn(Tx, *layers)
    out = model([ops.convert_to_tensor(v) for v in _dj_inputs(m, Tx, n_values, n_a, seed)])
    return model, layers, np.stack([ops.convert_to_numpy(o) for o in _as_list(out)])


def _inference_outputs(fn, Ty, n_values, n_a, seed):
    from keras import ops
    layers = _toy_layers(n_values, n_a, seed)
    model = fn(layers[0], layers[1], Ty)
    rng = np.random.default_rng(seed)
    x0 = np.zeros((2, 1, n_values), "float32")
    x0[0, 0, rng.integers(1, n_values)] = 1
    a0 = rng.normal(0, 0.5, (2, n_a)).astype("float32")
    c0 = rng.normal(0, 0.5, (2, n_a)).astype("float32")
    out = model([ops.convert_to_tensor(x0), ops.convert_to_tensor(a0), ops.convert_to_tensor(c0)])
    return model, layers, (x0, a0, c0), np.stack([ops.convert_to_numpy(o) for o in _as_list(out)])


def _toy_inference_model(Ty: int, n_values: int, seed: int):
    """A small model shaped like an inference model (inputs x0, a0, c0; Ty one-hot outputs
    chosen by a SampleFeedback layer), built without the exercise's solution."""
    import keras
    from .model import SampleFeedback
    x0 = keras.Input((1, n_values))
    a0, c0 = keras.Input((3,)), keras.Input((3,))
    sampler = SampleFeedback(n_values, seed=seed)
    h = keras.layers.Concatenate()([keras.layers.Flatten()(x0), a0, c0])
    outs = [sampler(keras.layers.Dense(n_values, activation="softmax")(h)) for _ in range(Ty)]
    model = keras.Model([x0, a0, c0], outs)
    rng = np.random.default_rng(seed)
    model.set_weights([rng.normal(0, 0.3, w.shape).astype("float32") if w.ndim and w.dtype.kind == "f" else w
                       for w in model.get_weights()])
    return model


def expected(graded) -> dict:
    arrays = {"note_to_value/values": np.array(_note_values(graded.note_to_value))}
    for case in DJ_CASES:
        _, _, pred = _dj_predictions(graded.djmodel, *case)
        arrays[f"djmodel/{case}"] = pred
    for case in INF_CASES:
        _, _, _, out = _inference_outputs(graded.music_inference_model, *case)
        arrays[f"music_inference_model/{case}"] = out
    return arrays


@exercise("note_to_value")
def check_note_to_value(fn, report):
    got = report.call(_note_values, fn)
    want = [str(v) for v in expected_arrays(MODULE)["note_to_value/values"]]
    report.require(all(isinstance(v, str) for v in got), "returns strings",
                   "note_to_value must return a string such as '3:+:6' (use format_value)")
    for (pitch, prev, duration, symbol), g, w in zip(NOTE_CASES, got, want):
        g_slot, g_contour = g.split(":")[:2] if g.count(":") == 2 else (g, "")
        w_slot, w_contour = w.split(":")[:2]
        if g_slot != w_slot:
            report.fail(f"pitch {pitch} over {symbol} should be slot {w_slot!r}, got {g_slot!r}: "
                        "take the interval above the chord's root modulo 12, "
                        "(pitch - chord.root) % 12, and look it up in chord.slot_names")
        if g_contour != w_contour:
            report.fail(f"a jump from {prev} to {pitch} ({pitch - prev:+d} semitones) should have "
                        f"contour {w_contour!r}, got {g_contour!r}: '+'/'-' cover 1 to 12 semitones "
                        "(an octave included), '++'/'--' 13 to 24, '=' no jump")
        if g != w:
            report.fail(f"expected {w!r} for pitch {pitch} after {prev} over {symbol}, got {g!r}")
    report.ok(f"the {len(NOTE_CASES)} test notes get the right slot, contour and duration")


@exercise("djmodel")
def check_djmodel(fn, report):
    import keras
    want = expected_arrays(MODULE)
    for case in DJ_CASES:
        Tx, n_values, n_a, m, seed = case
        model, layers, pred = report.call(_dj_predictions, fn, *case)
        report.require(isinstance(model, keras.Model), "returns a keras.Model",
                       "djmodel must return keras.Model(inputs=[X, a0, c0], outputs=outputs)")
        shapes = [tuple(t.shape) for t in model.inputs]
        report.require(shapes == [(None, Tx, n_values), (None, n_a), (None, n_a)],
                       f"inputs X {(None, Tx, n_values)}, a0 and c0 {(None, n_a)}",
                       f"the inputs should be [X, a0, c0] with shapes (None, Tx, n_values), "
                       f"(None, n_a), (None, n_a); got {shapes}")
        report.require(len(model.outputs) == Tx, f"Tx = {Tx} outputs",
                       f"the model should have one output per time step (Tx = {Tx}), got "
                       f"{len(model.outputs)}: append densor's output to `outputs` inside the loop")
        n_shared = sum(int(np.prod(w.shape)) for layer in layers[:2] for w in layer.get_weights())
        report.require(model.count_params() == n_shared,
                       "only the shared LSTM_cell and densor hold weights",
                       f"the model has {model.count_params()} parameters but the shared layers "
                       f"{n_shared}: use the LSTM_cell, densor and reshaper passed in, do not "
                       "create new layers")
        report.shape(pred, (Tx, m, n_values), "stacked predictions")
        report.close(pred, want[f"djmodel/{case}"], f"predictions for Tx = {Tx}",
                     hint="Pass initial_state=[a, c] to LSTM_cell, keep its new a and c for the "
                          "next step, and apply densor to a.", atol=1e-5, rtol=1e-4)


@exercise("music_inference_model")
def check_music_inference_model(fn, report):
    import keras
    from .model import SampleFeedback
    want = expected_arrays(MODULE)
    for case in INF_CASES:
        Ty, n_values, n_a, seed = case
        model, layers, (x0, a0, c0), out = report.call(_inference_outputs, fn, *case)
        report.require(isinstance(model, keras.Model), "returns a keras.Model",
                       "music_inference_model must return keras.Model(inputs=[x0, a0, c0], outputs=outputs)")
        shapes = [tuple(t.shape) for t in model.inputs]
        report.require(shapes == [(None, 1, n_values), (None, n_a), (None, n_a)],
                       f"inputs x0 {(None, 1, n_values)}, a0 and c0 {(None, n_a)}",
                       f"the inputs should be [x0, a0, c0] with shapes (None, 1, n_values), "
                       f"(None, n_a), (None, n_a); got {shapes}")
        report.require(len(model.outputs) == Ty, f"Ty = {Ty} outputs",
                       f"the model should have Ty = {Ty} outputs, got {len(model.outputs)}")
        report.require(layers[0] in model.layers and layers[1] in model.layers,
                       "shares LSTM_cell and densor with the training model",
                       "call the LSTM_cell and densor passed in (they carry the trained weights)")
        report.require(any(isinstance(layer, SampleFeedback) for layer in model.layers),
                       "chooses values with a SampleFeedback layer",
                       "choose each value with one SampleFeedback layer (created once, before "
                       "the loop) so that predict_and_sample can set its temperature")
        report.require(np.allclose(out.sum(-1), 1) and np.allclose(out.max(-1), 1),
                       "every output is a one-hot vector",
                       "append the sampler's one-hot choice to outputs (not densor's probabilities)")
        report.close(out, want[f"music_inference_model/{case}"], f"greedy values for Ty = {Ty}",
                     hint="Feed the one-hot choice back as the next input, with the time axis "
                          "added back by ops.expand_dims on axis 1; keep a and c from LSTM_cell.")


@exercise("predict_and_sample")
def check_predict_and_sample(fn, report):
    from .model import SampleFeedback
    Ty, n_values = 12, 9
    model = _toy_inference_model(Ty, n_values, seed=5)
    x0 = np.zeros((1, 1, n_values), "float32")
    a0 = np.full((1, 3), 0.5, "float32")
    c0 = np.full((1, 3), -0.5, "float32")
    results, indices = report.call(fn, model, x0, a0, c0, temperature=0)
    report.shape(results, (Ty, n_values), "results")
    report.shape(indices, (Ty, 1), "indices")
    report.require(np.array_equal(np.asarray(results).argmax(-1), np.asarray(indices)[:, 0])
                   and np.allclose(np.asarray(results).sum(-1), 1),
                   "results is the one-hot of indices",
                   "results should be the one-hot encoding of indices, e.g. "
                   "keras.utils.to_categorical(indices, num_classes=n_values)")
    from keras import ops
    greedy = np.stack([ops.convert_to_numpy(o) for o in model([x0, a0, c0])]).argmax(-1)[:, 0]
    report.require(np.array_equal(np.asarray(indices)[:, 0], greedy),
                   "temperature 0 gives the model's greedy choices",
                   "indices should be the argmax over the values of each of the model's outputs")
    runs = [report.call(fn, model, x0, a0, c0, temperature=3.0)[1][:, 0] for _ in range(3)]
    sampler = next(layer for layer in model.layers if isinstance(layer, SampleFeedback))
    report.require(abs(float(ops.convert_to_numpy(sampler.temperature)) - 3.0) < 1e-6,
                   "sets the model's temperature",
                   "call set_temperature with the model and the temperature before predicting")
    report.require(any(not np.array_equal(r, greedy) for r in runs),
                   "a high temperature samples other values than the greedy ones",
                   "with temperature 3 every run equals the greedy one: set the temperature "
                   "before predicting")
