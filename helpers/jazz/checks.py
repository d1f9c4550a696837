"""Checks for notebook 2, "Improvise a Jazz Solo with an LSTM Network".

The grading contract: every input comes from :func:`helpers.checking.rng`; reference values
come from ``helpers.instructor.references.jazz`` (stored as practice values by ``make export``,
or computed afresh by the grader); the learner's functions are called through the probes of
``probes.py``, which return their raw results as plain values (a model as its JSON and
weights, rebuilt and run here by :func:`inspect_model`).

When a value is off, a check compares it with what the typical mistakes give (``mistakes``
arrays, computed here in numpy from the same inputs) and names the mistake that fits.

Shapes follow the course: ``m`` examples, ``Tx`` / ``Ty`` time steps, ``n_values`` values,
``n_a`` LSTM units; an LSTM kernel is ``(n_values, 4 n_a)`` with Keras's gate order i, f, c, o.
"""
import re

import numpy as np

from .. import keras_wire
from .probes import (_layers, probe_djmodel, probe_generate_with_context,
                     probe_music_inference_model, probe_note_to_value, probe_predict_and_sample)
from ..checking import CheckFailed, exercise, expected_arrays, quote, rng
from ..i18n import N_, _, gettext

MODULE = "jazz"
POINTS = {"note_to_value": 10, "djmodel": 10, "music_inference_model": 10,
          "predict_and_sample": 10, "sample_with_temperature": 10, "generate_with_context": 10}

# The test notes: the jump from the previous note (every contour and its boundaries) and the
# chord's quality are fixed; the pitches, roots and durations are drawn by note_cases().
NOTE_JUMPS = (2, -4, 0, 12, -12, 20, -24, 24, 13, -1, 3, -1, 0)
NOTE_QUALITIES = ("7", "7", "7", "7", "7", "-7", "-7", "-7", "-7", "j7", "-7b5", "-7b5", "7")
NOTE_ROOTS = ("C", "Db", "D", "Eb", "E", "F", "Gb", "G", "Ab", "A", "Bb", "B")
NOTE_DURATIONS = (1, 2, 3, 4, 6, 8, 9, 12, 18, 24, 36, 48)

DJ_CASES = ((4, 7, 5, 3), (1, 6, 3, 1), (5, 8, 4, 2))   # (Tx, n_values, n_a, m)
INF_CASES = ((6, 7, 5, 2), (1, 5, 4, 1), (8, 9, 6, 3))  # (Ty, n_values, n_a, m)
PS_CASES = ((12, 9), (2, 6), (7, 11))   # (Ty, n_values); Ty >= 2: one output is not a list
TEMPERATURES = (0.0, 0.5, 1.0, 2.0)
N_DRAWS = 24                                             # probability vectors per temperature
GEN_CASES = ((9, 4, 3, 60), (6, 3, 2, 13), (11, 5, 4, 100))  # (n_values, n_a, n_context, total_steps)
GEN_DURATIONS = (0, 3, 6, 12, 6, 4, 24, 2, 8, 9, 18)   # steps of value i (0 = <unk>)
KERAS3_TF = "KerasTensor cannot be used as input to a TensorFlow function"


def note_cases() -> list:
    """``[pitch, prev_pitch, duration, chord symbol]`` per test note (drawn afresh when grading)."""
    g = rng(61)
    cases = []
    for jump, quality in zip(NOTE_JUMPS, NOTE_QUALITIES):
        prev = int(g.integers(50, 76))
        symbol = NOTE_ROOTS[int(g.integers(12))] + quality
        cases.append([prev + jump, prev, int(g.choice(NOTE_DURATIONS)), symbol])
    return cases


def refs() -> dict:
    return expected_arrays(MODULE)


def _close(got, want, atol=1e-5, rtol=1e-4) -> bool:
    try:
        got = np.asarray(got, dtype=float)
    except (TypeError, ValueError):
        return False
    return got.shape == np.shape(want) and bool(np.allclose(got, want, atol=atol, rtol=rtol))


def _crash_hint(report, name: str, crash: str, hints) -> None:
    """Fail with the learner's crash (its first line), then the hint of the first pattern it matches."""
    crash = crash.strip().split("\n")[0]
    for pattern, hint in hints:
        hint = gettext(hint)
        if re.search(pattern, crash):
            report.fail(_("calling {name} raised {crash}. {hint}").format(
                name=name, crash=quote(crash), hint=hint))
    report.fail(_("calling {name} raised {crash}").format(name=name, crash=quote(crash)))


# ----------------------------------------------------------------- inputs (plain arrays)

def lstm_weights(n_values: int, n_a: int, *key: int) -> list:
    """Plain weights of a toy LSTM_cell and densor: [kernel, recurrent, bias, W, b]."""
    g = rng(*key)
    shapes = ((n_values, 4 * n_a), (n_a, 4 * n_a), (4 * n_a,), (n_a, n_values), (n_values,))
    return [g.normal(0, 0.6, s).astype("float32") for s in shapes]


def dj_inputs(index: int):
    Tx, n_values, n_a, m = DJ_CASES[index]
    g = rng(11, index)
    X = np.eye(n_values, dtype="float32")[g.integers(0, n_values, (m, Tx))]
    a0 = g.normal(0, 0.5, (m, n_a)).astype("float32")
    c0 = g.normal(0, 0.5, (m, n_a)).astype("float32")
    return lstm_weights(n_values, n_a, 12, index), X, a0, c0


def inf_inputs(index: int):
    Ty, n_values, n_a, m = INF_CASES[index]
    g = rng(21, index)
    x0 = np.zeros((m, 1, n_values), "float32")
    x0[np.arange(m), 0, g.integers(1, n_values, m)] = 1
    a0 = g.normal(0, 0.5, (m, n_a)).astype("float32")
    c0 = g.normal(0, 0.5, (m, n_a)).astype("float32")
    return lstm_weights(n_values, n_a, 22, index), x0, a0, c0


def ps_inputs(index: int):
    Ty, n_values = PS_CASES[index]
    g = rng(31, index)
    weights = [g.normal(0, 0.8, (n_values + 6, n_values)).astype("float32") for _ in range(Ty)]
    x0 = np.zeros((1, 1, n_values), "float32")
    x0[0, 0, g.integers(0, n_values)] = 1
    a0 = g.normal(0, 0.5, (1, 3)).astype("float32")
    c0 = g.normal(0, 0.5, (1, 3)).astype("float32")
    return weights, x0, a0, c0


def temperature_inputs():
    """(probs (k, n), temperatures (k,), u (k,)): N_DRAWS draws per temperature."""
    g = rng(41)
    n = 8
    probs = g.dirichlet(np.full(n, 0.7), len(TEMPERATURES) * N_DRAWS)
    temps = np.repeat(TEMPERATURES, N_DRAWS)
    u = g.uniform(0.02, 0.98, len(temps))
    return probs, temps, u


def gen_raw_inputs(index: int):
    """:func:`gen_inputs` with ``total`` as drawn (before it is moved onto a value's end)."""
    n_values, n_a, n_context, total = GEN_CASES[index]
    g = rng(51, index)
    weights = [g.normal(0, scale, s).astype("float64") for scale, s in
               ((2.0, (n_values + n_context, n_a)), (1.5, (n_a, n_a)), (0.3, (n_a,)),
                (1.5, (n_a, n_values)), (0.3, (n_values,)))]
    table = g.normal(0, 1.0, (48, n_context))  # the context of each position in the bar
    durations = np.array(GEN_DURATIONS[:n_values], dtype=np.int64)
    first_id = int(g.integers(1, n_values))
    return weights, table, durations, first_id, total


def gen_inputs(index: int):
    """The solo ends exactly where a value of the right path starts (a boundary case): that
    ``total`` comes with the reference values."""
    weights, table, durations, first_id, _ = gen_raw_inputs(index)
    total = int(refs()[f"generate_with_context/{index}/total"])
    return weights, table, durations, first_id, total


# ----------------------------------------------------------------- what a built model is (checker side)

def toy_names(*key: int) -> list:
    """Names for the toy LSTM_cell and densor (drawn afresh when grading): a model that holds
    layers of these names uses the layers it was given."""
    tag = "".join(f"{v:x}" for v in rng(*key).integers(0, 16, 8))
    return [f"LSTM_cell_{tag}", f"densor_{tag}"]


def _toy_layers(n_values: int, n_a: int, seed: int):
    """Toy shared layers with deterministic weights (for tests)."""
    return _layers(lstm_weights(n_values, n_a, 900, seed))


def _stack(out) -> np.ndarray:
    from keras import ops
    out = list(out) if isinstance(out, (list, tuple)) else [out]
    return np.stack([np.asarray(ops.convert_to_numpy(o), dtype=float) for o in out])


def inspect_model(got: dict, weights, names, inputs, key: str) -> dict:
    """What the checks need of a built model, found on a copy rebuilt HERE from its plain
    values (never the learner's object): inputs, outputs, the layers holding weights, and its
    outputs on ``inputs`` (under ``key``) with the toy ``weights`` put into its LSTM and Dense.
    ``{"unbuildable": why}`` when the copy cannot be rebuilt from Keras's own classes."""
    if "crash" in got or "json" not in got:
        return got if "crash" in got else {"is_model": False, "type": got.get("type", "?"),
                                            **({"unbuildable": got["not_json"]} if "not_json" in got else {})}
    try:
        model = keras_wire.rebuild(got)
    except keras_wire.Unbuildable as err:
        return {"unbuildable": str(err)}
    import keras
    from keras import ops
    if not isinstance(model, keras.Model):
        return {"is_model": False, "type": type(model).__name__}
    held = keras_wire.weighted_layers(model)
    kinds = sorted(kind for kind, _ in held)
    info = {"is_model": True, "inputs": [list(t.shape) for t in model.inputs],
            **({"batch_lost": str(got["batch_lost"])[:300]} if "batch_lost" in got else {}),
            "n_outputs": len(model.outputs), "n_params": int(model.count_params()),
            "shares_layers": kinds == ["Dense", "LSTM"]
                             and sorted(layer.name for _, layer in held) == sorted(names),
            "foreign_weights": sum(len(layer.weights) for kind, layer in held
                                   if kind not in ("LSTM", "Dense")) + max(0, len(held) - 2)}
    if not info["shares_layers"]:
        return info
    try:
        layers = dict(held)
        layers["LSTM"].set_weights(list(weights[:3]))
        layers["Dense"].set_weights(list(weights[3:]))
        info[key] = _stack(model([ops.convert_to_tensor(v) for v in inputs]))
    except Exception as err:  # noqa: BLE001 - a model whose layers do not fit the toy weights
        info["crash_run"] = " ".join(f"{type(err).__name__}: {err}".split())[:300]
    return info


@exercise("note_to_value")
def check_note_to_value(fn, report):
    cases = note_cases()
    got = report.probe(probe_note_to_value, fn, cases)
    if not (isinstance(got, list) and len(got) == len(cases) and all(isinstance(v, str) for v in got)):
        report.fail(_("no list of values came back from note_to_value's probe"))
    want = [str(v) for v in refs()["note_to_value/values"]]
    report.require(not any(v.startswith("<") for v in got), _("returns strings"),
                   _("note_to_value must return a string such as '3:+:6' (use format_value), not "
                     "{value}").format(value=next((v for v in got if v.startswith('<')), '')))
    for (pitch, prev, duration, symbol), g, w in zip(cases, got, want):
        g_slot, g_contour = g.split(":")[:2] if g.count(":") == 2 else (g, "")
        w_slot, w_contour = w.split(":")[:2]
        if g_slot != w_slot:
            report.fail(_("pitch {pitch} over {symbol} should be slot {w_slot!r}, got "
                          "{g_slot!r}: take the interval above the chord's root modulo 12, "
                          "(pitch - chord.root) % 12, and look it up in chord.slot_names").format(
                            pitch=pitch, symbol=symbol, w_slot=w_slot, g_slot=g_slot))
        if g_contour != w_contour:
            report.fail(_("a jump from {prev} to {pitch} ({jump:+d} semitones) should have "
                          "contour {w_contour!r}, got {g_contour!r}: '+'/'-' cover 1 to 12 "
                          "semitones (an octave included), '++'/'--' 13 to 24, '=' no jump").format(
                            prev=prev, pitch=pitch, jump=pitch - prev, w_contour=w_contour,
                            g_contour=g_contour))
        if g != w:
            report.fail(_("expected {w!r} for pitch {pitch} after {prev} over {symbol}, got {g!r}").format(
                            w=w, pitch=pitch, prev=prev, symbol=symbol, g=g))
    report.ok(_("the {n_cases} test notes get the right slot, contour and duration").format(
                  n_cases=len(cases)))


def _require_model(report, name: str, got: dict, crashes, first: str, shape: tuple, symbolic: str,
                   n_a: int) -> None:
    """What a probe saw of a built model: no crash, a keras.Model, inputs [first, a0, c0]."""
    if "crash_run" in got and "batch_lost" in got:
        report.fail(_("the model {name} returns is built but fails when it runs on several "
                      "examples: {batch_lost}, so its first axis is no longer the examples "
                      "(None). Reduce or index over the values, the last axis (e.g. "
                      "ops.argmax(out, axis=-1)), never over axis 0").format(
                        name=name, batch_lost=got['batch_lost']))
    if "crash" in got or "crash_run" in got:
        _crash_hint(report, name, got.get("crash") or got["crash_run"], crashes)
    if "unbuildable" in got:
        report.fail(_("the model {name} returns cannot be rebuilt from its JSON ({unbuildable}): "
                      "build it from Keras's own layers and keras.ops only (no subclassed Model, "
                      "custom layer or Lambda: X[:, t, :] and keras.ops calls work on Keras "
                      "tensors as they are)").format(name=name, unbuildable=got['unbuildable']))
    report.require(got["is_model"], _("returns a keras.Model"),
                   _("{name} must return Model(inputs=[{first}, a0, c0], outputs=outputs), not a "
                     "{type}").format(name=name, first=first, type=got.get('type')))
    shapes = [tuple(s) for s in got["inputs"]]
    report.require(shapes == [shape, (None, n_a), (None, n_a)],
                   _("inputs {first} {shape}, a0 and c0 {state}").format(first=first, shape=shape, state=(None, n_a)),
                   _("the inputs should be [{first}, a0, c0] with shapes {symbolic}, (None, "
                     "n_a), (None, n_a); got {shapes}").format(
                       first=first, symbolic=symbolic, shapes=shapes))


# a Keras tensor given to a function that needs numbers (numpy) or TensorFlow tensors (tf.*)
NOT_NUMBERS = (r"KerasTensor is symbolic|convert it to a NumPy array",
               N_("While the model is built, out is a symbolic Keras tensor, with no numbers "
                  "yet: numpy (np.argmax, to_categorical) cannot read it. Use keras.ops: "
                  "ops.argmax(out, axis=-1), ops.one_hot(..., n_values)."))
NOT_TF = (KERAS3_TF + r".*\(at [^()]*, in \w+: (?!.*\btf\.)",   # the learner's line, without tf.*
          N_("Your line gives a Keras 3 tensor to a function outside Keras: use keras.ops "
             "(ops.argmax, ops.one_hot) or a layer."))

DJ_CRASHES = (
    NOT_NUMBERS, NOT_TF,
    (r"expected ndim=3, found ndim=2|expected shape=\(None, None, \d+\)|ndim=2",
     N_("LSTM_cell reads a sequence (m, 1, n_values): pass each step X[:, t, :] through reshaper "
        "before LSTM_cell.")),
    (r"too many values to unpack|not enough values to unpack|cannot unpack",
     N_("LSTM_cell (return_state=True) returns three tensors: its output, then the new a and c.")),
    (KERAS3_TF, N_("Keras 3 tensors do not go through tf.* functions: use keras.ops (ops.argmax, "
                   "ops.one_hot) or a layer.")),
)


@exercise("djmodel")
def check_djmodel(fn, report):
    E = refs()
    for index, (Tx, n_values, n_a, m) in enumerate(DJ_CASES):
        weights, X, a0, c0 = dj_inputs(index)
        names = toy_names(13, index)
        got = inspect_model(report.probe(probe_djmodel, fn, Tx, weights, names), weights, names,
                            (X, a0, c0), "pred")
        _require_model(report, "djmodel", got, DJ_CRASHES, "X", (None, Tx, n_values), "(None, Tx, n_values)", n_a)
        if got["n_outputs"] == 1 and Tx > 1:
            report.fail(_("the model has 1 output, not Tx = {Tx}: append densor's output to the "
                          "list `outputs` at every step, do not replace the list").format(Tx=Tx))
        report.require(got["n_outputs"] == Tx, _("Tx = {Tx} outputs").format(Tx=Tx),
                       _("the model should have one output per time step (Tx = {Tx}), got "
                         "{n_outputs}: append densor's output to `outputs` inside the loop").format(
                           Tx=Tx, n_outputs=got['n_outputs']))
        report.require(got["shares_layers"] and got["foreign_weights"] == 0,
                       _("only the shared LSTM_cell and densor hold weights"),
                       _("the model holds {foreign_weights} weight tensors of its own: use the "
                         "LSTM_cell, densor and reshaper passed in, do not create new layers").format(
                           foreign_weights=got['foreign_weights']))
        pred = got["pred"]
        report.shape(pred, (Tx, m, n_values), _("stacked predictions"))
        if _close(pred, E[f"djmodel/{index}/pred"]):
            report.ok(_("predictions for Tx = {Tx} match the reference").format(Tx=Tx))
            continue
        if _close(pred, E[f"djmodel/{index}/densor(c)"]):
            report.fail(_("the predictions are densor applied to the cell state c: apply densor "
                          "to the hidden state a"))
        if _close(pred, E[f"djmodel/{index}/reads step t-1"]):
            report.fail(_("step t reads X[:, t-1, :] (step 0 reads the last step, X[:, -1, :]): "
                          "at step t read X[:, t, :]"))
        if _close(pred, E[f"djmodel/{index}/states not carried"]):
            report.fail(_("every step starts from a0 and c0: pass initial_state=[a, c], the a "
                          "and c returned by the previous step, so the state is carried through "
                          "time"))
        if _close(pred[:1], E[f"djmodel/{index}/pred"][:1]):
            report.fail(_("step 0 is right but a later step is not: keep the new a and c that "
                          "LSTM_cell returns (its 2nd and 3rd outputs) and read step t of X as "
                          "X[:, t, :]"))
        report.close(pred, E[f"djmodel/{index}/pred"], _("predictions for Tx = {Tx}").format(Tx=Tx),
                     hint=_("At step t read X[:, t, :], reshape it, pass initial_state=[a, c] to "
                            "LSTM_cell, keep its new a and c for the next step, and apply densor "
                            "to a."),
                     atol=1e-5, rtol=1e-4)


INF_CRASHES = (
    NOT_NUMBERS, NOT_TF,
    (KERAS3_TF, N_("Keras 3 tensors do not go through tf.* functions: write ops.argmax(out, "
                   "axis=-1) and ops.one_hot(..., n_values) from keras.ops instead of "
                   "tf.math.argmax / tf.one_hot.")),
    (r"expected ndim=3, found ndim=2|ndim=2",
     N_("LSTM_cell reads a sequence (m, 1, n_values): give the one-hot choice its time axis back "
        "(RepeatVector(1) or ops.expand_dims(x, axis=1)) before feeding it in.")),
    (r"too many values to unpack|not enough values to unpack|cannot unpack",
     N_("LSTM_cell (return_state=True) returns three tensors: its output, then the new a and c.")),
)


@exercise("music_inference_model")
def check_music_inference_model(fn, report):
    E = refs()
    for index, (Ty, n_values, n_a, m) in enumerate(INF_CASES):
        weights, x0, a0, c0 = inf_inputs(index)
        names = toy_names(23, index)
        got = inspect_model(report.probe(probe_music_inference_model, fn, Ty, weights, names),
                            weights, names, (x0, a0, c0), "out")
        _require_model(report, "music_inference_model", got, INF_CRASHES, "x0", (None, 1, n_values),
                       "(None, 1, n_values)", n_a)
        report.require(got["n_outputs"] == Ty, _("Ty = {Ty} outputs").format(Ty=Ty),
                       _("the model should have Ty = {Ty} outputs (one per step), got {n_outputs}").format(
                           Ty=Ty, n_outputs=got['n_outputs']))
        report.require(got["shares_layers"] and got["foreign_weights"] == 0,
                       _("uses the shared LSTM_cell and densor only"),
                       _("call the LSTM_cell and densor passed in (they carry the trained "
                         "weights) and create no layer with weights of its own"))
        out = got["out"]
        report.shape(out, (Ty, m, n_values), _("stacked outputs"))
        ids = E[f"music_inference_model/{index}/ids"]
        greedy = E[f"music_inference_model/{index}/greedy"]
        one_hot = np.eye(n_values)[ids]
        if _close(out, greedy) or _close(out, one_hot):
            report.ok(_("the {Ty} outputs follow the greedy path (probabilities or one-hot "
                        "choices)").format(Ty=Ty))
            continue
        for kind, hint in (
                ("feeds back probabilities",
                 _("the next input is densor's probabilities: feed back the one-hot of the "
                   "chosen value, x = ops.one_hot(ops.argmax(out, axis=-1), n_values), with its "
                   "time axis")),
                ("always x0", _("every step reads x0: make the chosen value the next step's input x")),
                ("states not carried", _("every step starts from a0 and c0: keep the a and c "
                                         "that LSTM_cell returns and pass initial_state=[a, c]"))):
            path = E[f"music_inference_model/{index}/{kind}"]
            if _close(out, path) or (_close(out.sum(-1), 1) and
                                     np.array_equal(out.argmax(-1), path.argmax(-1)) and Ty > 1):
                report.fail(hint)
        if np.array_equal(out.argmax(-1), ids):
            report.fail(_("the chosen values are right but the outputs are neither densor's "
                          "probabilities nor their one-hot choices: append out (or its one-hot) "
                          "to outputs"))
        report.fail(_("the values do not follow the greedy path: at each step take "
                      "ops.argmax(out, axis=-1), its ops.one_hot and feed it back as x (shape "
                      "(m, 1, n_values))"))


PS_CRASHES = (
    (r"IndexError|out of bounds|axis", N_("take the argmax over the values, the last axis: "
                                          "np.argmax(pred, axis=-1) of the Ty outputs of shape "
                                          "(1, n_values).")),
)


@exercise("predict_and_sample")
def check_predict_and_sample(fn, report):
    E = refs()
    for index, (Ty, n_values) in enumerate(PS_CASES):
        got = report.probe(probe_predict_and_sample, fn, *ps_inputs(index))
        if "crash" in got:
            _crash_hint(report, "predict_and_sample", got["crash"], PS_CRASHES)
        report.require("not_pair" not in got, _("returns (results, indices)"),
                       _("predict_and_sample must return the pair results, indices, not a {type}").format(
                           type=got.get('not_pair')))
        results, indices = got["results"], got["indices"]
        if results.shape == (Ty, 1) and indices.shape == (Ty, n_values):
            report.fail(_("results and indices are swapped: return results, indices"))
        report.shape(indices, (Ty, 1), "indices",
                     hint=_("indices has shape {shape}, expected (Ty, 1) = {want}: stack the "
                            "Ty outputs (1, n_values) and take np.argmax over the last axis "
                            "(axis=-1)").format(shape=indices.shape, want=(Ty, 1)))
        want = E[f"predict_and_sample/{index}/indices"]
        report.require(np.array_equal(indices, want), _("indices are the model's greedy choices "
                                                        "(Ty = {Ty})").format(Ty=Ty),
                       _("indices should be the argmax over the values (the last axis) of each "
                         "of the model's outputs"))
        if results.shape == (Ty, 1, n_values):
            report.fail(_("results has shape (Ty, 1, n_values): give to_categorical the indices "
                          "of shape (Ty, 1), or drop the middle axis"))
        report.shape(results, (Ty, n_values), "results",
                     hint=_("results has shape {shape}, expected (Ty, n_values) = {want}: "
                            "to_categorical(indices, num_classes=n_values)").format(
                              shape=results.shape, want=(Ty, n_values)))
        report.require(np.array_equal(results, np.eye(n_values)[want[:, 0].astype(int)]),
                       _("results is the one-hot of indices"),
                       _("results should be the one-hot encoding of indices, "
                         "to_categorical(indices, num_classes=n_values), not the probabilities"))


@exercise("sample_with_temperature")
def check_sample_with_temperature(fn, report):
    E = refs()
    probs, temps, u = temperature_inputs()
    got = []
    for p, t, v in zip(probs, temps, u):
        try:
            value = report.call(fn, p.copy(), float(t), float(v))
        except CheckFailed as err:
            if t == 0 and re.search(r"ZeroDivision|divide|overflow|invalid value|nan|inf", err.hint):
                report.fail(_("{hint} at temperature 0: return np.argmax(probs) there (1 / 0 is "
                              "not defined)").format(hint=err.hint))
            raise
        try:
            got.append(int(value))
        except (TypeError, ValueError):
            report.fail(_("sample_with_temperature must return one index (an int), got {value!r}").format(
                            value=value))
    got = np.array(got)
    want = E["sample_with_temperature/indices"]
    report.require(np.all((got >= 0) & (got < probs.shape[1])), _("returns indices 0 .. n_values - 1"),
                   _("an index {index} is out of range 0 .. {last}: divide the reshaped "
                     "probabilities by their sum, so that their cumulative sum ends at 1").format(
                       index=int(got.max()), last=probs.shape[1] - 1)
                   if got.max() >= probs.shape[1] else _("indices must lie in 0 .. n_values - 1"))
    cold = temps == 0
    report.require(np.array_equal(got[cold], want[cold]), _("temperature 0 gives the argmax"),
                   _("at temperature 0 return the most probable index, np.argmax(probs) (1 / 0 "
                     "is not defined)"))
    one, warm = temps == 1, ~cold
    if np.array_equal(got[warm], want[warm]):
        report.ok(_("temperatures 0.5, 1 and 2 sample p ** (1 / T), normalised, by its cumulative sum"))
        return
    for kind, hint in (
            ("temperature ignored", _("the temperature changes nothing: reshape with p = probs "
                                      "** (1 / temperature) before sampling")),
            ("p ** T", _("you raised the probabilities to the power T: use 1 / T, so that T < 1 "
                         "sharpens the distribution and T > 1 flattens it")),
            ("exp(p / T)", _("probs are probabilities, not logits: use probs ** (1 / T) (the "
                             "same as exp(log(probs) / T)), not exp(probs / T)")),
            ("not normalised", _("divide the reshaped probabilities by their sum before the "
                                 "cumulative sum"))):
        if np.array_equal(got[warm], E[f"sample_with_temperature/{kind}"][warm]):
            report.fail(hint)
    if not np.array_equal(got[one], want[one]):
        report.fail(_("at temperature 1 the index is the first i whose cumulative probability "
                      "np.cumsum(p)[i] exceeds u: np.searchsorted(np.cumsum(p), u, side='right')"))
    report.fail(_("at temperatures 0.5 and 2 the index is off: p = probs ** (1 / T), divided by "
                  "its sum, then the first index whose cumulative probability exceeds u"))


GEN_CRASHES = (
    (r"RunawayLoop", N_("The loop does not move forward: after each value, set onset to the step "
                        "where the new value starts (position), so that position grows until it "
                        "reaches total_steps.")),
    (r"cannot unpack|not enough values|too many values",
     N_("step returns the pair (probs, state): probs, state = step(ids[-1], context, state).")),
    (r"missing 1 required positional argument|takes 1 positional argument",
     N_("context_at takes two arguments: context_at(step, prev_step).")),
)


@exercise("generate_with_context")
def check_generate_with_context(fn, report):
    E = refs()
    for index, (n_values, n_a, n_context, total) in enumerate(GEN_CASES):
        inputs = gen_inputs(index)
        got = report.probe(probe_generate_with_context, fn, *inputs)
        if "crash" in got:
            _crash_hint(report, "generate_with_context", got["crash"], GEN_CRASHES)
        report.require("not_ids" not in got, _("returns a list of ids"),
                       _("generate_with_context must return the list ids, not a {type}").format(
                           type=got.get('not_ids')))
        key = f"generate_with_context/{index}"
        ids, asked = got["ids"], got["asked"]
        want, want_asked = E[f"{key}/ids"], E[f"{key}/asked"]
        report.require(len(ids) and ids[0] == inputs[3], _("starts with first_id"),
                       _("ids must start with first_id (the given first value)"))
        if np.array_equal(ids, want) and np.array_equal(asked, want_asked):
            report.ok(_("{n_want} values filling {total} steps, each predicted with the context "
                        "of the position where it starts").format(n_want=len(want), total=total))
            continue
        for kind, hint in (
                ("context before the duration",
                 _("the context you pass is that of the step where the last value starts: the "
                   "next value starts at onset + durations[ids[-1]]; ask context_at(that step, "
                   "onset)")),
                ("prev_step is the new step",
                 _("pass prev_step = onset, where the value just chosen starts (context_at uses "
                   "it to see whether the chord changed in between)")),
                ("state not carried", _("keep the state that step returns and pass it to the next call")),
                ("feeds the first value", _("feed the value just chosen (ids[-1]) to step, not first_id")),
                ("stops late", _("stop as soon as position reaches total_steps (position >= "
                                 "total_steps): a value that would start there is not part of "
                                 "the solo")),
                ("context_at arguments swapped",
                 _("context_at takes (step, prev_step) in that order: first the step where the "
                   "new value starts (onset + durations[ids[-1]]), then onset; your call passes "
                   "them the other way round"))):
            if (np.array_equal(ids, E[f"{key}/{kind}/ids"])
                    and np.array_equal(asked, E[f"{key}/{kind}/asked"])):
                report.fail(hint)
        if len(asked) != len(want) - 1:
            report.fail(_("call context_at once per predicted value: {n_calls} calls expected for "
                          "total_steps = {total}, got {n_asked}").format(
                            n_calls=len(want) - 1, total=total, n_asked=len(asked)))
        if not np.array_equal(asked, want_asked):
            first = want_asked[:3].astype(int).tolist()
            report.fail(_("the (step, prev_step) pairs given to context_at should begin {first}: "
                          "each value starts where the previous one ends (onset + its duration)").format(
                            first=first))
        report.fail(_("the ids differ from the reference: at each step call step(ids[-1], "
                      "context, state), choose(probs) the next id, append it"))
