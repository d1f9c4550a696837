"""Notebook 1's graded functions (as exported) and their checks.

- (that every check passes the reference and waits for a stub is tested course-wide in test_course.py);
- every backward pass agrees with centred finite differences of its forward pass;
- the numpy forward passes equal keras.layers.SimpleRNN / LSTM / GRU(reset_after=False);
- the functions take exactly the arguments, and return exactly the tuples and dict keys,
  that the course's notation fixes.
"""
import ast
import builtins
import inspect
import os
import re
from pathlib import Path

import numpy as np
import pytest

import helpers.instructor.graded.step_by_step as graded
from helpers.step_by_step import rnn_utils
from helpers import checking as core
from helpers.checking import CheckFailed
from helpers.instructor import nbcells
from helpers.step_by_step import checks

NAMES = list(graded.__all__)


# ------------------------------------------------------------------ the checks themselves

def test_sequence_check_says_not_implemented_while_the_cell_is_a_stub(capsys):
    # rnn_forward written, rnn_cell_forward still a stub: the learner sees "not implemented yet"
    namespace = dict(vars(graded))

    def rnn_cell_forward(*args):
        raise NotImplementedError("rnn_cell_forward")

    namespace["rnn_cell_forward"] = rnn_cell_forward
    exec(inspect.getsource(graded.rnn_forward), namespace)
    checks.check_rnn_forward(namespace["rnn_forward"])
    assert "not implemented yet" in capsys.readouterr().out


@pytest.mark.parametrize("bad, hint", [
    (lambda *a: None, r"must return the tuple \(a_next, yt_pred, cache\)"),
    (lambda *a: (np.zeros((5, 10)), np.zeros((2, 10))), r"must return the tuple"),
    (lambda *a: (np.zeros((10, 5)), np.zeros((2, 10)), ()), r"a_next has shape \(10, 5\), expected \(5, 10\)"),
    (lambda *a: 1 / 0, r"raised ZeroDivisionError"),
])
def test_malformed_results_get_a_clear_hint(bad, hint):
    with pytest.raises(CheckFailed, match=hint):
        checks.check_rnn_cell_forward(bad)


def test_cache_as_a_list_is_named():
    def as_list(xt, a_prev, parameters):
        a_next, yt_pred, cache = graded.rnn_cell_forward(xt, a_prev, parameters)
        return a_next, yt_pred, list(cache)

    with pytest.raises(CheckFailed, match=r"must be a tuple \(a_next, a_prev, xt, parameters\), not a list"):
        checks.check_rnn_cell_forward(as_list)


def test_backward_must_return_exactly_the_keys():
    def partial(da_next, cache):
        full = graded.rnn_cell_backward(da_next, cache)
        return {k: v for k, v in full.items() if k != "dba"}

    with pytest.raises(CheckFailed, match=r"exactly the keys dxt, da_prev, dWax, dWaa, dba"):
        checks.check_rnn_cell_backward(partial)


def test_check_inputs_are_deterministic_and_cover_the_edge_cases():
    a1, p1 = checks.cell_inputs("lstm", 1)
    a2, p2 = checks.cell_inputs("lstm", 1)
    assert all(np.array_equal(a1[k], a2[k]) for k in a1)
    assert all(np.array_equal(p1[k], p2[k]) for k in p1)
    assert any(m == 1 for *_, m in checks.CELL_CASES)
    assert any(m == 1 for _, _, _, m, _ in checks.SEQ_CASES)
    assert any(t == 1 for *_, t in checks.SEQ_CASES)
    assert all(n_x != n_a for n_x, n_a, *_ in checks.CELL_CASES)


def test_swapped_weights_reproduce_a_swapped_concat():
    inputs, parameters = checks.cell_inputs("lstm", 0)
    xt, a_prev = inputs["xt"], inputs["a_prev"]
    W = parameters["Wf"]
    W2 = checks.swapped(parameters, xt.shape[0])["Wf"]
    assert np.allclose(W2 @ np.concatenate([a_prev, xt]), W @ np.concatenate([xt, a_prev]))


# ------------------------------------------------------------------ gradients vs finite differences

SIZES = [(3, 5, 2, 4, 3), (2, 3, 4, 1, 1)]  # (n_x, n_a, n_y, m, T_x), the second with m = T_x = 1
GATE_PARAMS = {"rnn": ("Wax", "Waa", "ba"), "lstm": ("Wf", "Wi", "Wc", "Wo", "bf", "bi", "bc", "bo"),
               "gru": ("Wz", "Wr", "Wh", "bz", "br", "bh")}
MAKE = {"rnn": rnn_utils.rnn_parameters, "lstm": rnn_utils.lstm_parameters, "gru": rnn_utils.gru_parameters}


@pytest.mark.parametrize("kind", ["rnn", "lstm", "gru"])
@pytest.mark.parametrize("sizes", SIZES, ids=str)
def test_cell_backward_matches_finite_differences(kind, sizes):
    n_x, n_a, n_y, m, _ = sizes
    rng = np.random.default_rng(7)
    xt, a_prev, c_prev = rng.standard_normal((n_x, m)), rng.standard_normal((n_a, m)), rng.standard_normal((n_a, m))
    parameters = MAKE[kind](n_x, n_a, n_y, rng)
    da_next, dc_next = rng.standard_normal((n_a, m)), rng.standard_normal((n_a, m))
    forward, backward = getattr(graded, f"{kind}_cell_forward"), getattr(graded, f"{kind}_cell_backward")
    state = [c_prev] if kind == "lstm" else []

    def loss():
        out = forward(xt, a_prev, *state, parameters)
        return np.sum(da_next * out[0]) + (np.sum(dc_next * out[1]) if kind == "lstm" else 0.0)

    cache = forward(xt, a_prev, *state, parameters)[-1]
    analytic = backward(da_next, dc_next, cache) if kind == "lstm" else backward(da_next, cache)
    arrays = {"dxt": xt, "da_prev": a_prev, **({"dc_prev": c_prev} if kind == "lstm" else {})}
    arrays.update({"d" + k: parameters[k] for k in GATE_PARAMS[kind]})
    worst, errors = rnn_utils.gradient_check(loss, arrays, analytic)
    assert worst < 1e-7, errors


@pytest.mark.parametrize("kind", ["rnn", "lstm", "gru"])
@pytest.mark.parametrize("sizes", SIZES, ids=str)
def test_sequence_backward_matches_finite_differences(kind, sizes):
    n_x, n_a, n_y, m, T_x = sizes
    rng = np.random.default_rng(8)
    x, a0 = rng.standard_normal((n_x, m, T_x)), rng.standard_normal((n_a, m))
    parameters = MAKE[kind](n_x, n_a, n_y, rng)
    da = rng.standard_normal((n_a, m, T_x))
    forward, backward = getattr(graded, f"{kind}_forward"), getattr(graded, f"{kind}_backward")

    def loss():
        return np.sum(da * forward(x, a0, parameters)[0])

    analytic = backward(da, forward(x, a0, parameters)[-1])
    arrays = {"dx": x, "da0": a0, **{"d" + k: parameters[k] for k in GATE_PARAMS[kind]}}
    worst, errors = rnn_utils.gradient_check(loss, arrays, analytic)
    assert worst < 1e-7, errors


def test_gradient_checker_catches_a_wrong_gradient():
    x = np.array([1.0, -2.0, 0.5])
    worst, _ = rnn_utils.gradient_check(lambda: np.sum(x ** 3), {"dx": x}, {"dx": 3 * x ** 2})
    assert worst < 1e-9
    worst, _ = rnn_utils.gradient_check(lambda: np.sum(x ** 3), {"dx": x}, {"dx": 2 * x ** 2})
    assert worst > 1e-2


# ------------------------------------------------------------------ numpy == Keras

@pytest.fixture(scope="module")
def keras():
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    import keras as k
    return k


def keras_states(keras, layer, weights, x, a0):
    n_x, m, T_x = x.shape
    n_a = a0.shape[0]
    n_states = 2 if isinstance(layer, keras.layers.LSTM) else 1
    sequence = keras.Input(shape=(T_x, n_x))
    states = [keras.Input(shape=(n_a,)) for _ in range(n_states)]
    model = keras.Model([sequence, *states], layer(sequence, initial_state=states))
    layer.set_weights(weights)
    h = model([rnn_utils.to_keras_sequence(x), a0.T] + [np.zeros((m, n_a))] * (n_states - 1))
    return rnn_utils.from_keras_sequence(keras.ops.convert_to_numpy(h))


@pytest.mark.parametrize("kind", ["rnn", "lstm", "gru"])
@pytest.mark.parametrize("sizes", [(3, 5, 2, 4, 6), (6, 4, 3, 1, 1)], ids=str)
def test_numpy_forward_equals_keras(keras, kind, sizes):
    n_x, n_a, n_y, m, T_x = sizes
    rng = np.random.default_rng(9)
    x, a0 = rng.standard_normal((n_x, m, T_x)), rng.standard_normal((n_a, m))
    parameters = MAKE[kind](n_x, n_a, n_y, rng)
    layer, weights = {
        "rnn": (lambda: keras.layers.SimpleRNN(n_a, return_sequences=True), rnn_utils.keras_simple_rnn_weights),
        "lstm": (lambda: keras.layers.LSTM(n_a, return_sequences=True), rnn_utils.keras_lstm_weights),
        "gru": (lambda: keras.layers.GRU(n_a, return_sequences=True, reset_after=False),
                rnn_utils.keras_gru_weights),
    }[kind]
    ours = getattr(graded, f"{kind}_forward")(x, a0, parameters)[0]
    theirs = keras_states(keras, layer(), weights(parameters), x, a0)
    assert np.max(np.abs(ours - theirs)) < 1e-5


def test_keras_gru_default_variant_differs(keras):
    # reset_after=True is a different cell: the equality above is not an accident of the test
    rng = np.random.default_rng(10)
    x, a0 = rng.standard_normal((3, 2, 4)), rng.standard_normal((5, 2))
    parameters = rnn_utils.gru_parameters(3, 5, 2, rng)
    kernel, recurrent, bias = rnn_utils.keras_gru_weights(parameters)
    layer = keras.layers.GRU(5, return_sequences=True, reset_after=True)
    theirs = keras_states(keras, layer, [kernel, recurrent, np.stack([bias, 0 * bias])], x, a0)
    assert np.max(np.abs(graded.gru_forward(x, a0, parameters)[0] - theirs)) > 1e-3


# ------------------------------------------------------------------ signatures, tuples, keys

SIGNATURES = {
    "rnn_cell_forward": ["xt", "a_prev", "parameters"],
    "rnn_forward": ["x", "a0", "parameters"],
    "lstm_cell_forward": ["xt", "a_prev", "c_prev", "parameters"],
    "lstm_forward": ["x", "a0", "parameters"],
    "rnn_cell_backward": ["da_next", "cache"],
    "rnn_backward": ["da", "caches"],
    "lstm_cell_backward": ["da_next", "dc_next", "cache"],
    "lstm_backward": ["da", "caches"],
    "gru_cell_forward": ["xt", "a_prev", "parameters"],
    "gru_forward": ["x", "a0", "parameters"],
    "gru_cell_backward": ["da_next", "cache"],
    "gru_backward": ["da", "caches"],
}


def test_every_graded_function_has_the_course_signature():
    assert set(SIGNATURES) == set(NAMES)
    for name, params in SIGNATURES.items():
        assert list(inspect.signature(getattr(graded, name)).parameters) == params, name
        assert "(n_a, m" in inspect.getdoc(getattr(graded, name)), f"{name}: shapes missing in docstring"


def test_results_have_the_course_layout():
    rng = np.random.default_rng(11)
    n_x, n_a, n_y, m, T_x = 3, 5, 2, 4, 3
    x, a0 = rng.standard_normal((n_x, m, T_x)), rng.standard_normal((n_a, m))
    xt, a_prev, c_prev = x[:, :, 0], a0, rng.standard_normal((n_a, m))
    p_rnn = rnn_utils.rnn_parameters(n_x, n_a, n_y, rng)
    p_lstm = rnn_utils.lstm_parameters(n_x, n_a, n_y, rng)
    p_gru = rnn_utils.gru_parameters(n_x, n_a, n_y, rng)
    assert set(p_rnn) == {"Wax", "Waa", "Wya", "ba", "by"}
    assert set(p_lstm) == {"Wf", "bf", "Wi", "bi", "Wc", "bc", "Wo", "bo", "Wy", "by"}

    a_next, yt_pred, cache = graded.rnn_cell_forward(xt, a_prev, p_rnn)
    assert a_next.shape == (n_a, m) and yt_pred.shape == (n_y, m) and len(cache) == 4
    assert cache[1] is a_prev and cache[2] is xt and cache[3] is p_rnn
    a, y_pred, caches = graded.rnn_forward(x, a0, p_rnn)
    assert a.shape == (n_a, m, T_x) and y_pred.shape == (n_y, m, T_x)
    assert len(caches) == 2 and len(caches[0]) == T_x and caches[1] is x
    grads = graded.rnn_cell_backward(a_next, cache)
    assert list(grads) == ["dxt", "da_prev", "dWax", "dWaa", "dba"]
    assert list(graded.rnn_backward(a, caches)) == ["dx", "da0", "dWax", "dWaa", "dba"]

    out = graded.lstm_cell_forward(xt, a_prev, c_prev, p_lstm)
    assert len(out) == 4 and len(out[3]) == 10 and out[3][3] is c_prev
    a, y, c, caches = graded.lstm_forward(x, a0, p_lstm)
    assert a.shape == c.shape == (n_a, m, T_x) and y.shape == (n_y, m, T_x)
    assert np.allclose(caches[0][0][3], 0), "the cell state starts at zeros"
    keys = ["dWf", "dWi", "dWc", "dWo", "dbf", "dbi", "dbc", "dbo"]
    assert set(graded.lstm_cell_backward(out[0], out[1], out[3])) == {"dxt", "da_prev", "dc_prev", *keys}
    assert set(graded.lstm_backward(a, caches)) == {"dx", "da0", *keys}

    a_next, yt_pred, cache = graded.gru_cell_forward(xt, a_prev, p_gru)
    assert len(cache) == 7
    a, y_pred, caches = graded.gru_forward(x, a0, p_gru)
    keys = ["dWz", "dWr", "dWh", "dbz", "dbr", "dbh"]
    assert set(graded.gru_cell_backward(a_next, cache)) == {"dxt", "da_prev", *keys}
    assert set(graded.gru_backward(a, caches)) == {"dx", "da0", *keys}


def test_softmax_is_over_the_class_axis():
    scores = np.random.default_rng(12).standard_normal((4, 7)) * 50
    probabilities = graded.softmax(scores)
    assert np.allclose(probabilities.sum(axis=0), 1) and np.all(probabilities >= 0)
    assert np.all(np.isfinite(graded.softmax(np.array([[1000.0], [0.0]]))))


# ------------------------------------------------------------------ scaffolding: what the learner must define

NB_FILE = Path(__file__).resolve().parent.parent / "notebooks" / "1_rnn_step_by_step.ipynb"


def learner_reads(source, name):
    """The names the learner version of a graded cell reads but never binds: the learner's code
    must define them (the lines given after the stub read them)."""
    learner = nbcells.learner_source(source, name)
    fn = next(n for n in ast.parse(learner).body if isinstance(n, ast.FunctionDef))
    bound, loaded = {a.arg for a in fn.args.args}, set()
    for node in ast.walk(fn):
        if isinstance(node, ast.Name):
            (bound if isinstance(node.ctx, ast.Store) else loaded).add(node.id)
    known = set(dir(builtins)) | {"np", "sigmoid", "softmax"} | set(NAMES)
    return loaded - bound - known


def graded_cells_with_text():
    cells = nbcells.read(NB_FILE).cells
    for index, cell in enumerate(cells):
        name = nbcells.graded_name(cell)
        if name:
            text = next(c.source for c in reversed(cells[:index]) if c.cell_type == "markdown")
            yield name, cell.source, text


@pytest.mark.parametrize("name, source, text", list(graded_cells_with_text()), ids=NAMES)
def test_every_name_the_learner_must_define_is_stated_and_known_to_the_check(name, source, text):
    needed = learner_reads(source, name)
    assert needed == set(checks.DEFINES[name]) == set(core.DEFINES[name]), name
    solution = [line for line in nbcells.solution_text(source)
                if line.strip() and not line.strip().startswith("#")]
    # the comment above the block: "# Your code (≈ n lines) must define: a, b, c"
    comment = re.search(r"# Your code \(≈ (\d+) lines\) must define: ([^\n]*(?:\n\s*#\s+[^\n]*)?)"
                        r"\n\s*### BEGIN SOLUTION", source)
    assert comment, f"{name}: no '# Your code (≈ n lines) must define: ...' line above the block"
    assert int(comment.group(1)) == len(solution)
    assert re.findall(r"\w+", comment.group(2).replace("#", "")) == list(checks.DEFINES[name])
    # the exercise text says the same
    assert f"Your code (≈ {len(solution)} lines) must define" in text
    for variable in needed:
        assert f"`{variable}`" in text, f"{name}: the exercise text does not name {variable}"


def test_a_missing_name_gets_a_hint_not_a_bare_name_error():
    def lstm_backward(da, caches):  # a learner who kept the sums in a dict of their own
        grads = graded.lstm_backward(da, caches)
        dx = grads["dx"]
        return {"dx": dx, "da0": da0, **{k: grads[k] for k in checks.GRAD_KEYS["lstm"]}}  # noqa: F821

    with pytest.raises(CheckFailed) as failed:
        checks.check_lstm_backward(lstm_backward)
    hint = failed.value.hint
    assert hint.startswith("calling lstm_backward raised NameError: name 'da0' is not defined (at ")
    assert "test_step_by_step.py, line" in hint and "in lstm_backward: return {" in hint
    assert "your code must define da0 (this exercise's code defines dx, da0, dWf" in hint


# ------------------------------------------------------------------ crashes and failures, as a learner sees them

def test_a_crash_quotes_the_learners_line_once_and_names_no_private_helper():
    def rnn_cell_forward(xt, a_prev, parameters):
        a_next = np.tanh(parameters["Waa"] @ a_prev + parameters["Wax"] @ xt.T)
        return a_next, a_next, (a_next, a_prev, xt, parameters)

    with pytest.raises(CheckFailed) as failed:
        checks.check_rnn_cell_forward(rnn_cell_forward)
    hint = failed.value.hint
    assert hint.count('a_next = np.tanh(parameters["Waa"] @ a_prev + parameters["Wax"] @ xt.T)') == 1
    assert "in rnn_cell_forward:" in hint and "checks.py" not in hint and "checking" not in hint
    assert "\n" not in hint and "calling rnn_cell_forward raised ValueError" in hint


def test_describe_crash_is_one_line_and_points_at_the_innermost_learner_frame():
    def inner(x):
        return np.reshape(x, (7, 7))  # numpy's own frames are skipped

    def outer(x):
        return inner(x) + 1

    try:
        outer(np.zeros(3))
    except ValueError as err:
        text = core.describe_crash(err)
    assert text.startswith("ValueError: cannot reshape array of size 3")
    assert "in inner: return np.reshape(x, (7, 7))" in text and "\n" not in text
    assert "fromnumeric" not in text


def test_a_crash_in_the_grading_kernel_keeps_its_line():
    # when grading, the kernel sends describe_crash's line back as LearnerCrash
    def proxy(*args):
        raise core.LearnerCrash("KeyError: 'Wax' (at cell In[8], line 15, in rnn_cell_forward: "
                                "Wax = parameters[\"Wax\"])")

    proxy.__name__ = "rnn_cell_forward"
    found = core.outcome("rnn_cell_forward", proxy)
    assert found.status == "failed"
    assert found.hint == ("calling rnn_cell_forward raised KeyError: 'Wax' (at cell In[8], line 15, "
                          "in rnn_cell_forward: Wax = parameters[\"Wax\"])")


KERNEL_CELLS = [
    "from helpers.step_by_step.checks import check_rnn_cell_forward, check_rnn_forward\nimport numpy as np",
    # a crash: xt transposed
    'def rnn_cell_forward(xt, a_prev, parameters):\n'
    '    a_next = np.tanh(parameters["Waa"] @ a_prev + parameters["Wax"] @ xt.T)\n'
    '    return a_next, a_next, ()',
    "check_rnn_cell_forward(rnn_cell_forward)",
    # a wrong value: the bias ba forgotten
    'def rnn_cell_forward(xt, a_prev, parameters):\n'
    '    a_next = np.tanh(parameters["Waa"] @ a_prev + parameters["Wax"] @ xt)\n'
    '    e = np.exp(parameters["Wya"] @ a_next + parameters["by"])\n'
    '    return a_next, e / e.sum(axis=0), (a_next, a_prev, xt, parameters)',
    "check_rnn_cell_forward(rnn_cell_forward)",
    "print('the cell after a failed check still runs')",
]


def test_in_a_kernel_a_failed_check_is_one_line_with_its_hint_once(tmp_path):
    import nbformat
    from helpers.instructor.execute import run

    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in KERNEL_CELLS])
    root = str(Path(__file__).resolve().parent.parent)
    run(nb, tmp_path, timeout=120, allow_errors=True, progress=False,
        env={"PYTHONPATH": os.pathsep.join([root, os.environ.get("PYTHONPATH", "")])})

    def shown(cell):  # what JupyterLab shows: streams, then the error's rendered traceback
        parts = []
        for out in cell.outputs:
            parts.append(out.get("text", "") if out.output_type == "stream" else "\n".join(out.get("traceback", [])))
        return "\n".join(parts)

    crash, wrong = nb.cells[2], nb.cells[4]
    for cell in (crash, wrong):
        errors = [o for o in cell.outputs if o.output_type == "error"]
        assert len(errors) == 1 and errors[0].ename == "CheckFailed"
        assert len(errors[0].traceback) == 1 and errors[0].traceback[0].startswith("✗ rnn_cell_forward: ")
        assert "Traceback" not in shown(cell)
    hint = crash.outputs[-1].traceback[0]
    assert "(at cell In[2], line 2, in rnn_cell_forward: a_next = np.tanh(" in hint
    assert shown(crash).count("xt.T)") == 1 and shown(crash).count("✗") == 1
    assert shown(wrong).count("did you forget to add the bias ba?") == 1
    assert "the cell after a failed check still runs" in shown(nb.cells[5])
