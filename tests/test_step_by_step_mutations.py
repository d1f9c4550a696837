"""Each deliberately broken solution must fail its check with the hint that names the mistake.

The mutants are textual edits of the generated ``helpers/instructor/graded/step_by_step.py`` (see
``tests/mutate.py``), each modelling a mistake learners make.
"""
import inspect
import re

import pytest

import helpers.instructor.graded.step_by_step as graded
from helpers.checking import CheckFailed, outcome
from helpers.step_by_step import checks
from tests.mutate import assert_caught, mutant, mutant_namespace

MODULE = "step_by_step"

# (id, function, old text, new text, regex the hint must match)
MUTANTS = [
    # --- basic RNN, forward
    ("rnn bias ba missing", "rnn_cell_forward", "+ Wax @ xt + ba)", "+ Wax @ xt)",
     r"without ba: did you forget to add the bias ba"),
    ("rnn sigmoid instead of tanh", "rnn_cell_forward", "np.tanh(Waa", "sigmoid(Waa",
     r"a_next is never negative: use tanh"),
    ("rnn no activation", "rnn_cell_forward", "np.tanh(Waa @ a_prev + Wax @ xt + ba)",
     "(Waa @ a_prev + Wax @ xt + ba)", r"a_next has values outside \(-1, 1\)"),
    ("softmax over the examples", "rnn_cell_forward", "softmax(Wya @ a_next + by)",
     "softmax((Wya @ a_next + by).T).T", r"columns of yt_pred do not sum to 1: apply softmax over axis 0"),
    ("rnn bias by missing", "rnn_cell_forward", "softmax(Wya @ a_next + by)",
     "softmax(Wya @ a_next)", r"without by: did you forget the bias by"),
    ("rnn cache field missing", "rnn_cell_forward", "cache = (a_next, a_prev, xt, parameters)",
     "cache = (a_next, xt, parameters)", r"cache of rnn_cell_forward must be the tuple .* field missing"),
    ("rnn cache order", "rnn_cell_forward", "cache = (a_next, a_prev, xt, parameters)",
     "cache = (a_prev, a_next, xt, parameters)", r"cache item 0 should be a_next"),
    ("rnn state not carried", "rnn_forward", "x[:, :, t], a_next, parameters",
     "x[:, :, t], a0, parameters", r"a\[:, :, 0\] is right but a\[:, :, 1\] is not: .*carried"),
    # a[:, :, t] = a_prev: the state the step started from, stored one step late
    ("rnn state stored one step late", "rnn_forward",
     "a_next, yt_pred, cache = rnn_cell_forward(x[:, :, t], a_next, parameters)\n        a[:, :, t] = a_next",
     "a_prev = a_next\n        a_next, yt_pred, cache = rnn_cell_forward(x[:, :, t], a_prev, parameters)\n"
     "        a[:, :, t] = a_prev",
     r"a\[:, :, t\] holds the state step t started from, one step late: store the a_next"),
    ("rnn loop stops one step early", "rnn_forward", "for t in range(T_x):", "for t in range(T_x - 1):",
     r"a\[:, :, 3:\] is still zeros: the loop must visit every step, .*range\(T_x\)"),
    ("rnn caches without x", "rnn_forward", "caches = (caches, x)", "caches = (caches,)",
     r"caches must be the tuple \(list of the T_x step caches, x\)"),
    # --- LSTM, forward
    ("lstm concat order swapped", "lstm_cell_forward", "[a_prev, xt]", "[xt, a_prev]",
     r"concat = \[xt; a_prev\]: the order is a_prev on top"),
    ("lstm forget bias missing", "lstm_cell_forward", "Wf @ concat + bf", "Wf @ concat",
     r"ft is what you get without bf"),
    ("lstm candidate uses sigmoid", "lstm_cell_forward", "np.tanh(Wc @ concat + bc)",
     "sigmoid(Wc @ concat + bc)", r"cct is never negative: use tanh"),
    ("lstm c_prev used for c_next", "lstm_cell_forward", "ot * np.tanh(c_next)",
     "ot * np.tanh(c_prev)", r"uses c_prev where c_next belongs"),
    ("lstm tanh of the cell missing", "lstm_cell_forward", "ot * np.tanh(c_next)", "ot * c_next",
     r"needs the tanh of the cell state"),
    ("lstm forget gate on candidate", "lstm_cell_forward", "ft * c_prev + it * cct",
     "it * c_prev + ft * cct", r"c_next has the two gates swapped: the forget gate ft scales the old"),
    ("lstm forget gate missing", "lstm_cell_forward", "ft * c_prev + it * cct",
     "c_prev + it * cct", r"c_next keeps all of c_prev: the forget gate must scale it"),
    ("lstm cache field missing", "lstm_cell_forward", "cache = (a_next, c_next, a_prev, c_prev, ft, it, cct, ot,",
     "cache = (a_next, c_next, a_prev, c_prev, ft, it, ot,", r"must be the tuple .*10 items; yours has 9"),
    ("lstm it and ft swapped in the cache", "lstm_cell_forward",
     "cache = (a_next, c_next, a_prev, c_prev, ft, it, cct, ot,",
     "cache = (a_next, c_next, a_prev, c_prev, it, ft, cct, ot,",
     r"cache item 4 should be ft but holds it, and item 5 holds ft: your values are right"),
    ("lstm cell state started at a0", "lstm_forward", "a_next, c_next = a0, np.zeros((n_a, m))",
     "a_next, c_next = a0, a0", r"a is what you get when the cell state starts at a0: .*np.zeros"),
    ("lstm cell state not carried", "lstm_forward", "x[:, :, t], a_next, c_next, parameters",
     "x[:, :, t], a_next, np.zeros((n_a, m)), parameters", r"is right but .* is not: pass a_next and c_next"),
    # --- backward, basic RNN
    ("rnn wrong sign in tanh derivative", "rnn_cell_backward", "(1 - a_next ** 2)", "(1 + a_next ** 2)",
     r"right where a_next is 0 .* the tanh derivative, 1 - a_next\*\*2"),
    ("rnn dba summed over the wrong axis", "rnn_cell_backward", "np.sum(dtanh, axis=1, keepdims=True)",
     "np.sum(dtanh, axis=0, keepdims=True)", r"dba must be \(\d, 1\): sum over the examples"),
    # xt not transposed: the product cannot even be formed, and the hint quotes that line
    ("rnn dWax not transposed input", "rnn_cell_backward", "dWax = dtanh @ xt.T",
     "dWax = dtanh @ xt", r"raised ValueError: matmul: .* \(at <mutant rnn_cell_backward>, line \d+, "
     r"in rnn_cell_backward: dWax = dtanh @ xt\) — the arrays in that line do not have the shapes"),
    ("rnn dWax product in the wrong order", "rnn_cell_backward", "dWax = dtanh @ xt.T",
     "dWax = xt @ dtanh.T", r"dWax has shape \(3, 5\); dWax must be \(5, 3\): the gradient before"),
    ("rnn dWax off by a factor", "rnn_cell_backward", "dWax = dtanh @ xt.T",
     "dWax = dtanh @ xt.T * 0.5", r"dWax is dtanh times xt transposed"),
    ("rnn gradients not accumulated", "rnn_backward", 'dWax += step["dWax"]', 'dWax = step["dWax"]',
     r"add up \(\+=\) their gradients over every time step"),
    ("rnn da_prev not carried back", "rnn_backward", "da[:, :, t] + da_prevt", "da[:, :, t]",
     r"right at the last step but not before: .*da_prev returned by step t\+1"),
    # --- backward, LSTM
    ("lstm forget-gate path dropped from dc_prev", "lstm_cell_backward", "dc_prev = dc * ft",
     "dc_prev = dc", r"dc_prev misses the forget gate"),
    ("lstm wrong sign in the derivative of tanh(c_next)", "lstm_cell_backward", "(1 - tanh_c ** 2)",
     "(1 + tanh_c ** 2)", r"right where tanh\(c_next\) is 0 .* derivative of tanh\(c_next\) in dc"),
    ("lstm candidate tanh derivative without the square", "lstm_cell_backward", "(1 - cct ** 2)",
     "(1 - cct)", r"right where the candidate cct is 0 .* candidate's tanh derivative in dcct, 1 - cct"),
    ("lstm a_next path missing from dc", "lstm_cell_backward", "dc = dc_next + da_next * ot * (1 - tanh_c ** 2)",
     "dc = dc_next", r"gradient reaching c_next is off"),
    ("lstm output gate sigmoid derivative", "lstm_cell_backward", "tanh_c * ot * (1 - ot)",
     "tanh_c * (1 - ot)", r"output gate's gradient is off"),
    ("lstm gradients not accumulated", "lstm_backward", 'dWf += step["dWf"]',
     'dWf = step["dWf"]', r"add up \(\+=\) their gradients"),
    ("lstm dc_prev not carried back", "lstm_backward", 'step["da_prev"], step["dc_prev"]',
     'step["da_prev"], 0 * step["dc_prev"]', r"plus the da_prev and dc_prev returned by step t\+1"),
    # --- GRU
    ("gru update gate convention flipped", "gru_cell_forward", "zt * a_prev + (1 - zt) * hht",
     "(1 - zt) * a_prev + zt * hht", r"zt and 1-zt are swapped"),
    ("gru reset gate not applied", "gru_cell_forward", "[rt * a_prev, xt]", "[a_prev, xt]",
     r"without the reset gate"),
    ("gru reset after the recurrent product (Keras style)", "gru_cell_forward",
     "hht = np.tanh(Wh @ np.concatenate([rt * a_prev, xt], axis=0) + bh)",
     "hht = np.tanh(rt * (Wh[:, :a_prev.shape[0]] @ a_prev) + Wh[:, a_prev.shape[0]:] @ xt + bh)",
     r"reset gate applied after the recurrent product.*reset_after=True.*reset_after=False"),
    ("gru concat order swapped", "gru_cell_forward", "concatenate([a_prev, xt]", "concatenate([xt, a_prev]",
     r"zt is what you get with concat = \[xt; a_prev\]"),
    ("gru cache field missing", "gru_cell_forward", "cache = (a_next, a_prev, zt, rt, hht, xt, parameters)",
     "cache = (a_next, a_prev, zt, rt, xt, parameters)", r"must be the tuple .*7 items"),
    ("gru state not carried", "gru_forward", "x[:, :, t], a_next, parameters",
     "x[:, :, t], a0, parameters", r"pass a_next of each step on to the next step"),
    ("gru wrong sign in tanh derivative", "gru_cell_backward", "(1 - hht ** 2)", "(1 + hht ** 2)",
     r"right where hht is 0 .* the tanh derivative, 1 - hht\*\*2"),
    ("gru direct path missing from da_prev", "gru_cell_backward", "da_next * zt + dra * rt",
     "dra * rt", r"da_prev is off: a_prev reaches the loss along four paths"),
    ("gru gradients not accumulated", "gru_backward", 'dWz += step["dWz"]',
     'dWz = step["dWz"]', r"add up \(\+=\) their gradients"),
    ("gru weight gradients aliased", "gru_backward",
     "dWz, dWr, dWh = (np.zeros((n_a, n_a + n_x)) for _ in range(3))",
     "dWz = dWr = dWh = np.zeros((n_a, n_a + n_x))",
     r"dWz, dWr, dWh hold the same values, .*one array under 3 names.*its own np.zeros"),
    ("gru da0 never set", "gru_backward", "    da0 = da_prevt\n", "",
     r"NameError: name 'da0' is not defined .* your code must define da0"),
]


@pytest.mark.parametrize("name, function, old, new, hint", MUTANTS, ids=[m[0] for m in MUTANTS])
def test_mutant_fails_its_check_with_the_intended_hint(name, function, old, new, hint, capsys):
    assert_caught(MODULE, function, old, new, hint, capsys)


def test_the_catalogue_is_large_enough_and_covers_every_function():
    assert len(MUTANTS) >= 15
    import helpers.instructor.graded.step_by_step as graded
    assert {m[1] for m in MUTANTS} == set(graded.__all__)
    hints = [m[4] for m in MUTANTS]
    assert len(set(hints)) >= len(hints) - 6, "most mutants should prove a hint of their own"


# (sequence function, broken cell function, old, new, regex of the cell's own hint)
BROKEN_CELLS = [
    ("rnn_forward", "rnn_cell_forward", "+ Wax @ xt + ba)", "+ Wax @ xt)", r"without ba"),
    ("lstm_forward", "lstm_cell_forward", "ft * c_prev + it * cct", "it * c_prev + ft * cct",
     r"c_next has the two gates swapped"),
    ("gru_forward", "gru_cell_forward", "[rt * a_prev, xt]", "[a_prev, xt]", r"without the reset gate"),
    ("rnn_backward", "rnn_cell_backward", "da_prev = Waa.T @ dtanh", "da_prev = Waa @ dtanh",
     r"da_prev is Waa transposed times dtanh"),
    ("lstm_backward", "lstm_cell_backward", "dc_prev = dc * ft", "dc_prev = dc",
     r"dc_prev misses the forget gate"),
    ("gru_backward", "gru_cell_backward", "da_next * zt + dra * rt", "dra * rt",
     r"da_prev is off: a_prev reaches the loss along four paths"),
]


@pytest.mark.parametrize("sequence, cell, old, new, hint", BROKEN_CELLS, ids=[b[0] for b in BROKEN_CELLS])
def test_a_broken_cell_is_named_by_the_sequence_check(sequence, cell, old, new, hint):
    # a learner's rnn_backward calls their own rnn_cell_backward: the sequence code is right,
    # so the hint must blame the cell function, by name, with the cell check's own hint
    namespace = mutant_namespace(MODULE, cell, old, new)
    with pytest.raises(CheckFailed) as failed:
        getattr(checks, f"check_{sequence}")(namespace[sequence])
    assert failed.value.hint.startswith(f"your {cell}, which {sequence} calls, fails its own check (")
    assert re.search(hint, failed.value.hint) and f"fix {cell} first" in failed.value.hint
    assert outcome(sequence, namespace[sequence]).hint == failed.value.hint


def test_a_correct_sequence_function_that_does_not_call_the_broken_cell_passes(capsys):
    # the cell check runs only when the sequence check fails: an inlined, correct loop passes
    namespace = mutant_namespace(MODULE, "rnn_cell_forward", "+ Wax @ xt + ba)", "+ Wax @ xt)")
    namespace["rnn_cell_forward_used_by_the_loop"] = graded.rnn_cell_forward
    exec(inspect.getsource(graded.rnn_forward).replace(
        "rnn_cell_forward(", "rnn_cell_forward_used_by_the_loop("), namespace)
    checks.check_rnn_forward(namespace["rnn_forward"])
    assert "✅ rnn_forward" in capsys.readouterr().out


def test_a_broken_sequence_function_with_a_right_cell_is_blamed_itself():
    broken = mutant(MODULE, "gru_backward", "da[:, :, t] + da_prevt", "da[:, :, t]")
    with pytest.raises(CheckFailed, match=r"^gru_backward: dx is right at the last step but not before"):
        checks.check_gru_backward(broken)
