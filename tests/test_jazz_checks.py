"""Notebook 2's checks: typical mistakes reach their own hint, classic-style solutions pass,
and the checks follow the grading contract (rng inputs, live references, plain probe values).

The mutants are textual edits of the generated ``helpers/instructor/graded/jazz.py`` (see
``tests/mutate.py``), each modelling a mistake learners make.
"""
import numpy as np
import pytest

from helpers import checking
from helpers.checking import CheckFailed
from helpers.instructor.references import jazz as jazz_references
from helpers.jazz import checks
from helpers.notebook import setup
from tests.mutate import assert_caught, mutant

MODULE = "jazz"


@pytest.fixture(autouse=True, scope="module")
def seeded():
    setup(seed=3, keras=True)


# (id, function, old text, new text, regex the hint must match)
MUTANTS = [
    # --- note_to_value
    ("slot from the wrong difference", "note_to_value", "(pitch - chord.root) % 12",
     "(chord.root - pitch) % 12", r"should be slot .*\(pitch - chord.root\) % 12"),
    ("slot from the absolute pitch class", "note_to_value", "(pitch - chord.root) % 12", "pitch % 12",
     r"should be slot"),
    ("octave up counted as ++", "note_to_value", "elif 0 < jump <= 12:", "elif 0 < jump < 12:",
     r"contour '\+', got .*an octave included"),
    ("octave down counted as --", "note_to_value", "elif -12 <= jump < 0:", "elif -12 < jump < 0:",
     r"contour '-', got '--'"),
    ("same pitch counted as up", "note_to_value", "if jump == 0:", "if jump == 99:",
     r"contour '=', got '--'"),
    # --- djmodel
    ("densor on the cell state", "djmodel", "out = densor(a)", "out = densor(c)",
     r"densor applied to the cell state c: apply densor to the hidden state a"),
    ("initial state never updated", "djmodel", "initial_state=[a, c]", "initial_state=[a0, c0]",
     r"every step starts from a0 and c0: pass initial_state=\[a, c\]"),
    ("reshaper left out", "djmodel", "x = reshaper(x)", "pass",
     r"calling djmodel raised .*ndim.*\(at .*line \d+.*\)\. LSTM_cell reads .*pass each step "
     r"X\[:, t, :\] through reshaper"),
    ("outputs replaced at each step", "djmodel", "outputs.append(out)", "outputs = [out]",
     r"1 output, not Tx = \d+: append densor's output"),
    ("new Dense layer inside the loop", "djmodel", "out = densor(a)",
     "out = keras.layers.Dense(densor.units, activation='softmax')(a)", r"weight tensors of its own: use the LSTM_cell, densor"),
    ("always step 0 of X", "djmodel", "x = X[:, t, :]", "x = X[:, 0, :]",
     r"step 0 is right but a later step is not"),
    ("step t reads X at t - 1", "djmodel", "x = X[:, t, :]", "x = X[:, t - 1, :]",
     r"step t reads X\[:, t-1, :\] .*at step t read X\[:, t, :\]"),
    # the classic Lambda (whose late-bound t would read the last step everywhere) is refused
    ("the classic Lambda slice", "djmodel", "x = X[:, t, :]",
     "x = keras.layers.Lambda(lambda z: z[:, t, :])(X)",
     r"it uses a Lambda layer.*no subclassed Model, custom layer or Lambda: X\[:, t, :\]"),
    # --- music_inference_model
    ("feeds back the probabilities", "music_inference_model", "x = ops.argmax(out, axis=-1)\n"
     "        x = ops.one_hot(x, n_values)\n", "x = out\n",
     r"the next input is densor's probabilities: feed back the one-hot"),
    ("always feeds x0", "music_inference_model", "x = RepeatVector(1)(x)", "x = x0",
     r"every step reads x0: make the chosen value the next step's input"),
    ("states reset at every step", "music_inference_model", "initial_state=[a, c]",
     "initial_state=[a0, c0]", r"every step starts from a0 and c0"),
    ("time axis not given back", "music_inference_model", "x = RepeatVector(1)(x)", "pass",
     r"raised .*ndim.*give the one-hot choice its time axis back"),
    ("tf.math.argmax on a Keras 3 tensor", "music_inference_model", "x = ops.argmax(out, axis=-1)",
     "import tensorflow as tf; x = tf.math.argmax(out, axis=-1)",
     r"Keras 3 tensors do not go through tf\.\* functions: write ops\.argmax"),
    ("one output only", "music_inference_model", "outputs.append(out)", "outputs = [out]",
     r"should have Ty = \d+ outputs \(one per step\), got 1"),
    ("np.argmax on a Keras tensor", "music_inference_model", "x = ops.argmax(out, axis=-1)",
     "x = np.argmax(out, axis=-1)", r"\(at .*line \d+.*: x = np.argmax\(out, axis=-1\)\)\. While the "
     r"model is built, out is a symbolic Keras tensor.*numpy .*cannot read it. Use keras.ops"),
    # the model builds, and fails only when run on several examples, inside Keras
    ("argmax over the examples", "music_inference_model", "x = ops.argmax(out, axis=-1)",
     "x = ops.argmax(out, axis=0)", r"fails when it runs on several examples: x has shape \(\d+, ?\) after "
     r".*line \d+, in music_inference_model: x = ops.argmax\(out, axis=0\), so its first axis is "
     r"no longer the examples"),
    # --- predict_and_sample
    ("argmax over the wrong axis", "predict_and_sample", "np.argmax(pred, axis=-1)",
     "np.argmax(pred, axis=0)", r"argmax over the values, the last axis"),
    ("argmax over the steps", "predict_and_sample", "np.argmax(pred, axis=-1)", "np.argmax(pred, axis=1)",
     r"indices has shape \(\d+, \d+\), expected \(Ty, 1\).*last axis"),
    ("results are the probabilities", "predict_and_sample",
     "results = to_categorical(indices, num_classes=n_values)", "results = np.array(pred)[:, 0]",
     r"one-hot encoding of indices.*not the probabilities"),
    ("swapped return", "predict_and_sample", "return results, indices", "return indices, results",
     r"results and indices are swapped"),
    ("num_classes left out", "predict_and_sample", "to_categorical(indices, num_classes=n_values)",
     "to_categorical(indices)", r"results has shape .*num_classes=n_values|one-hot encoding of indices"),
    # --- sample_with_temperature
    ("temperature 0 not handled", "sample_with_temperature", "if temperature > 0:", "if True:",
     r"at temperature 0: return np.argmax\(probs\)"),
    ("power T instead of 1 / T", "sample_with_temperature", "probs ** (1.0 / temperature)",
     "probs ** temperature", r"raised the probabilities to the power T: use 1 / T"),
    ("temperature ignored", "sample_with_temperature", "probs ** (1.0 / temperature)", "probs",
     r"the temperature changes nothing"),
    ("softmax of the probabilities", "sample_with_temperature", "probs ** (1.0 / temperature)",
     "np.exp(probs / temperature)", r"probs are probabilities, not logits"),
    ("not normalised", "sample_with_temperature", "p = p / np.sum(p)", "p = p",
     r"out of range .*divide the reshaped probabilities by their sum"),
    ("inverse cdf off by one", "sample_with_temperature", "index = np.searchsorted(np.cumsum(p), u, side=\"right\")",
     "index = max(np.searchsorted(np.cumsum(p), u, side=\"right\") - 1, 0)",
     r"at temperature 1 the index is the first i whose cumulative probability"),
    # --- generate_with_context
    ("context of the old onset", "generate_with_context", "context_at(position, onset)",
     "context_at(onset, onset)", r"that of the step where the last value starts"),
    ("prev_step is the new step", "generate_with_context", "context_at(position, onset)",
     "context_at(position, position)", r"pass prev_step = onset"),
    ("state not carried", "generate_with_context", "probs, state = step(", "probs, _ = step(",
     r"keep the state that step returns"),
    ("feeds the first value", "generate_with_context", "step(ids[-1],", "step(first_id,",
     r"feed the value just chosen \(ids\[-1\]\)"),
    ("stops one value late", "generate_with_context", "if position >= total_steps:",
     "if position > total_steps:", r"stop as soon as position reaches total_steps"),
    ("onset advanced by one step", "generate_with_context", "onset = position", "onset = onset + 1",
     r"pairs given to context_at should begin|call context_at once per predicted value"),
    # the crash happens in choose, one line later: its message names the line that is wrong
    ("step returns only probs", "generate_with_context", "probs, state = step(ids[-1], context_at(position, onset), state)",
     "probs = step(ids[-1], context_at(position, onset), state)",
     r"raised BadArgument: choose\(probs\) was given a tuple of 2 items, not the probabilities: step "
     r"returns the pair \(probs, state\), unpack it with probs, state = step\(\.\.\.\)"),
    ("context_at arguments swapped", "generate_with_context", "context_at(position, onset)",
     "context_at(onset, position)", r"context_at takes \(step, prev_step\) in that order.*other way round"),
    # without the guard this loop runs until memory is full
    ("onset never advanced", "generate_with_context", "        onset = position\n", "",
     r"raised RunawayLoop: .*called \d+ times.*The loop does not move forward: .*set onset to the step"),
]


@pytest.mark.parametrize("name, function, old, new, hint", MUTANTS, ids=[m[0] for m in MUTANTS])
def test_mutant_fails_its_check_with_the_intended_hint(name, function, old, new, hint, capsys):
    shown = assert_caught(MODULE, function, old, new, hint, capsys)
    assert "_dj_predictions" not in shown and "probe_" not in shown


def test_the_catalogue_covers_every_graded_function_with_at_least_four_mistakes():
    import helpers.instructor.graded.jazz as graded
    functions = [m[1] for m in MUTANTS]
    assert set(functions) == set(graded.__all__)
    for name in graded.__all__:
        assert functions.count(name) >= 4, name


def test_every_solution_passes_and_every_stub_waits(capsys):
    import helpers.instructor.graded.jazz as graded
    for name in graded.__all__:
        getattr(checks, f"check_{name}")(getattr(graded, name))

        def stub(*args, **kwargs):
            raise NotImplementedError(name)
        getattr(checks, f"check_{name}")(stub)
        assert f"{name}: not implemented yet" in capsys.readouterr().out


def test_a_crash_names_the_learners_line_once_and_no_private_helper(capsys):
    broken = mutant(MODULE, "djmodel", "x = reshaper(x)", "pass")
    with pytest.raises(CheckFailed) as info:
        checks.check_djmodel(broken)
    hint = info.value.hint
    assert hint.count("line ") == 1 and "\n" not in hint
    assert "_dj" not in hint and "probe" not in hint


# ---------------------------------------------------------------- classic-style solutions

CLASSIC = '''
import numpy as np
import tensorflow as tf
from keras.layers import Dense, Activation, Dropout, Input, Reshape, RepeatVector
from helpers.jazz.classic import LSTM
from keras.models import Model
from keras import ops
from keras.utils import to_categorical

def djmodel(Tx, LSTM_cell, densor, reshaper):
    n_values = densor.units
    n_a = LSTM_cell.units
    X = Input(shape=(Tx, n_values))
    a0 = Input(shape=(n_a,), name='a0')
    c0 = Input(shape=(n_a,), name='c0')
    a = a0
    c = c0
    outputs = []
    for t in range(Tx):
        x = X[:, t, :]
        x = reshaper(x)
        _, a, c = LSTM_cell(inputs=x, initial_state=[a, c])
        out = densor(a)
        outputs.append(out)
    model = Model(inputs=[X, a0, c0], outputs=outputs)
    return model

def music_inference_model(LSTM_cell, densor, Ty=100):
    n_values = densor.units
    n_a = LSTM_cell.units
    x0 = Input(shape=(1, n_values))
    a0 = Input(shape=(n_a,), name='a0')
    c0 = Input(shape=(n_a,), name='c0')
    a = a0
    c = c0
    x = x0
    outputs = []
    for t in range(Ty):
        _, a, c = LSTM_cell(x, initial_state=[a, c])
        out = densor(a)
        outputs.append(out)
        x = ARGMAX(out, axis=-1)
        x = ONE_HOT(x, n_values)
        x = RepeatVector(1)(x)
    inference_model = Model(inputs=[x0, a0, c0], outputs=outputs)
    return inference_model

n_values, n_a = 90, 64
x_initializer = np.zeros((1, 1, n_values))
a_initializer = np.zeros((1, n_a))
c_initializer = np.zeros((1, n_a))

def predict_and_sample(inference_model, x_initializer = x_initializer, a_initializer = a_initializer,
                       c_initializer = c_initializer):
    n_values = x_initializer.shape[2]
    pred = inference_model.predict([x_initializer, a_initializer, c_initializer])
    indices = np.argmax(pred, axis = -1)
    results = to_categorical(indices, num_classes=n_values)
    return results, indices
'''


def classic(argmax="ops.argmax", one_hot="ops.one_hot") -> dict:
    namespace = {"__name__": "classic_jazz"}
    exec(compile(CLASSIC.replace("ARGMAX", argmax).replace("ONE_HOT", one_hot), "<classic>", "exec"),
         namespace)
    return namespace


@pytest.mark.parametrize("name", ["djmodel", "music_inference_model", "predict_and_sample"])
def test_classic_style_solutions_pass(name, capsys):
    getattr(checks, f"check_{name}")(classic()[name])
    assert f"✅ {name}" in capsys.readouterr().out


def test_a_greedy_inference_model_with_one_hot_outputs_passes_too():
    source = CLASSIC.replace("outputs.append(out)\n        x = ARGMAX", "x = ARGMAX").replace(
        "x = RepeatVector(1)(x)", "outputs.append(x)\n        x = RepeatVector(1)(x)")
    namespace = {}
    exec(source.replace("ARGMAX", "ops.argmax").replace("ONE_HOT", "ops.one_hot"), namespace)
    checks.check_music_inference_model(namespace["music_inference_model"])


def test_the_2021_tf_calls_get_the_keras3_hint():
    # the one deliberate difference: Keras 3 symbolic tensors refuse tf.math.argmax / tf.one_hot
    broken = classic(argmax="tf.math.argmax", one_hot="tf.one_hot")["music_inference_model"]
    with pytest.raises(CheckFailed, match=r"write ops\.argmax\(out, axis=-1\) and ops\.one_hot"):
        checks.check_music_inference_model(broken)


# ---------------------------------------------------------------- the grading contract

def test_every_mistake_table_differs_from_the_right_answer():
    E = checking.expected_arrays(MODULE)
    probs, temps, u = checks.temperature_inputs()
    other = (temps != 0) & (temps != 1)
    for kind in ("p ** T", "temperature ignored", "exp(p / T)", "not normalised"):
        assert not np.array_equal(E[f"sample_with_temperature/{kind}"][other],
                                  E["sample_with_temperature/indices"][other]), kind
    for kind in jazz_references.GEN_MISTAKES:  # each mistake shows in the first case at the latest
        key = "generate_with_context/0"
        assert not (np.array_equal(E[f"{key}/{kind}/ids"], E[f"{key}/ids"]) and
                    np.array_equal(E[f"{key}/{kind}/asked"], E[f"{key}/asked"])), kind


def test_numpy_references_agree_with_the_keras_solution():
    E = checking.expected_arrays(MODULE)
    for index, (Ty, *_rest) in enumerate(checks.INF_CASES):
        greedy = E[f"music_inference_model/{index}/greedy"]
        assert np.array_equal(greedy.argmax(-1), E[f"music_inference_model/{index}/ids"])
        # no near tie along the greedy path: the choice cannot flip on another CPU
        top2 = np.sort(greedy, axis=-1)[..., -2:]
        assert np.min(top2[..., 1] - top2[..., 0]) > 1e-4


def test_probes_return_plain_values_only():
    import helpers.instructor.graded.jazz as graded

    def plain(value):
        if isinstance(value, dict):
            return all(isinstance(k, str) and plain(v) for k, v in value.items())
        if isinstance(value, (list, tuple)):
            return all(plain(v) for v in value)
        if isinstance(value, np.ndarray):
            return value.dtype.kind in "biufU"
        return value is None or isinstance(value, (bool, int, float, str))

    Tx = checks.DJ_CASES[0][0]
    built = checks.probe_djmodel(graded.djmodel, Tx, checks.dj_inputs(0)[0], checks.toy_names(1))
    assert plain(built) and set(built) == {"type", "kind", "json", "weights"}
    Ty = checks.INF_CASES[0][0]
    assert plain(checks.probe_music_inference_model(graded.music_inference_model, Ty,
                                                    checks.inf_inputs(0)[0], checks.toy_names(2)))
    assert plain(checks.probe_predict_and_sample(graded.predict_and_sample, *checks.ps_inputs(0)))
    assert plain(checks.probe_generate_with_context(graded.generate_with_context, *checks.gen_inputs(0)))


def test_fresh_inputs_with_live_references_still_pass_and_still_catch(capsys):
    import helpers.instructor.graded.jazz as graded
    live = {}

    def references(module):
        if module not in live:
            live[module] = jazz_references.expected(graded)
        return live[module]

    with checking.session((987,), references):
        assert not np.array_equal(checks.temperature_inputs()[0],
                                  np.random.default_rng(41).dirichlet(np.full(8, 0.7), 96))
        for name in graded.__all__:
            getattr(checks, f"check_{name}")(getattr(graded, name))
        with pytest.raises(CheckFailed, match="feed back the one-hot"):
            checks.check_music_inference_model(mutant(
                MODULE, "music_inference_model",
                "x = ops.argmax(out, axis=-1)\n        x = ops.one_hot(x, n_values)\n", "x = out\n"))
