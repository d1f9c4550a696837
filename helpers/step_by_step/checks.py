"""Checks for notebook 1, "Building your Recurrent Neural Network - Step by Step".

Every check runs the learner's function on inputs drawn here with fixed seeds (several sizes,
including m = 1 and T_x = 1) and compares with reference values that ``helpers.instructor.export`` stores
in ``helpers/step_by_step/expected.npz`` (``helpers.instructor.references.step_by_step``). When a value is off, the check tries
to name the mistake: it compares with the reference computed without a bias, with the halves of
``concat`` swapped, with a gate forced open, it looks at value ranges, at which time steps are
right, and it re-runs backward functions on a cache whose tanh outputs are zero (where the sign
of the tanh derivative cannot matter).
"""
import numpy as np

from .rnn_utils import gru_parameters, lstm_parameters, rnn_parameters
from ..checking import exercise, expected_arrays, rng as input_rng
from ..i18n import N_, _, gettext

MODULE = "step_by_step"

# (n_x, n_a, n_y, m); n_a != n_x everywhere so that a swapped concat is visible. Case 1 has m = 1.
CELL_CASES = ((3, 5, 2, 10), (4, 3, 3, 1), (6, 7, 4, 2))
# (n_x, n_a, n_y, m, T_x). Case 1 has m = 1, case 2 has T_x = 1.
SEQ_CASES = ((3, 5, 2, 6, 4), (4, 3, 3, 1, 5), (2, 4, 3, 3, 1))
KINDS = ("rnn", "lstm", "gru")
MAKERS = {"rnn": rnn_parameters, "lstm": lstm_parameters, "gru": gru_parameters}
GATES = {"lstm": ("f", "i", "c", "o"), "gru": ("z", "r", "h")}
GATE_NAMES = {"f": "ft", "i": "it", "c": "cct", "o": "ot", "z": "zt", "r": "rt", "h": "hht"}
CACHE_FIELDS = {
    "rnn": ("a_next", "a_prev", "xt", "parameters"),
    "lstm": ("a_next", "c_next", "a_prev", "c_prev", "ft", "it", "cct", "ot", "xt", "parameters"),
    "gru": ("a_next", "a_prev", "zt", "rt", "hht", "xt", "parameters"),
}
GRAD_KEYS = {
    "rnn": ("dWax", "dWaa", "dba"),
    "lstm": ("dWf", "dWi", "dWc", "dWo", "dbf", "dbi", "dbc", "dbo"),
    "gru": ("dWz", "dWr", "dWh", "dbz", "dbr", "dbh"),
}
# what rnn_forward, lstm_forward and gru_forward return, before caches
SEQ_OUTPUTS = {"rnn": ("a", "y_pred"), "lstm": ("a", "y_pred", "c"), "gru": ("a", "y_pred")}
ATOL, RTOL = 1e-7, 1e-6


# ------------------------------------------------------------------ inputs, drawn here

def cell_inputs(kind, index):
    """(inputs dict, parameters) of cell case ``index`` for ``kind``: xt, a_prev (and c_prev)."""
    n_x, n_a, n_y, m = CELL_CASES[index]
    rng = input_rng(101, KINDS.index(kind), index)
    inputs = {"xt": rng.standard_normal((n_x, m)), "a_prev": rng.standard_normal((n_a, m))}
    if kind == "lstm":
        inputs["c_prev"] = rng.standard_normal((n_a, m))
    return inputs, MAKERS[kind](n_x, n_a, n_y, rng, scale=0.8)


def seq_inputs(kind, index):
    """(x (n_x, m, T_x), a0 (n_a, m), parameters) of sequence case ``index``."""
    n_x, n_a, n_y, m, T_x = SEQ_CASES[index]
    rng = input_rng(202, KINDS.index(kind), index)
    x, a0 = rng.standard_normal((n_x, m, T_x)), rng.standard_normal((n_a, m))
    return x, a0, MAKERS[kind](n_x, n_a, n_y, rng, scale=0.8)


def upstream(kind, index, shape, which=0):
    """A fixed random upstream gradient (da_next, dc_next or da)."""
    return input_rng(303, KINDS.index(kind), index, which).standard_normal(shape)


def cell_args(kind, inputs, parameters):
    names = ("xt", "a_prev", "c_prev") if kind == "lstm" else ("xt", "a_prev")
    return [inputs[n] for n in names] + [parameters]


def fresh(parameters):
    """A copy, so that a function that changes its arguments cannot spoil the next case."""
    return {k: v.copy() for k, v in parameters.items()}


def with_changed(parameters, **changes):
    out = fresh(parameters)
    out.update(changes)
    return out


def swapped(parameters, n_x):
    """Gate weights rearranged so that W'·[a_prev; xt] equals W·[xt; a_prev]."""
    out = fresh(parameters)
    for key, W in parameters.items():
        if key.startswith("W") and key not in ("Wy",) and W.ndim == 2 and W.shape[1] > W.shape[0]:
            out[key] = np.concatenate([W[:, n_x:], W[:, :n_x]], axis=1)
    return out


def case_label(sizes, seq=False):
    names = ("n_x", "n_a", "n_y", "m", "T_x") if seq else ("n_x", "n_a", "n_y", "m")
    return ", ".join(f"{n}={v}" for n, v in zip(names, sizes))


# ------------------------------------------------------------------ caches rebuilt from references

# The tanh outputs a cell backward pass reads from its cache; each probe sets one group to zero,
# where 1 - tanh**2 = 1 + tanh**2 = 1 - tanh = 1: a mistake in that tanh's derivative vanishes.
TANH_PROBES = {
    "rnn": {"tanh0": ("a_next",)},
    "lstm": {"tanh0_c_next": ("c_next",), "tanh0_cct": ("cct",)},
    "gru": {"tanh0": ("hht",)},
}
TANH_HINTS = {
    "tanh0": N_("check the tanh derivative, 1 - {name}**2 (its sign and the square)"),
    "tanh0_c_next": N_("check the derivative of tanh(c_next) in dc, 1 - tanh(c_next)**2 (the tanh of "
                     "the cell state, not the candidate's; its sign and the square)"),
    "tanh0_cct": N_("check the candidate's tanh derivative in dcct, 1 - cct**2 (the candidate's "
                  "tanh, not the one of c_next; its sign and the square)"),
}


def cell_cache(kind, index, E, tanh_zero=()):
    """The cache of cell case ``index`` as the reference forward pass built it.

    ``tanh_zero``: cache fields (tanh outputs) to set to zero, for the derivative probes.
    """
    inputs, parameters = cell_inputs(kind, index)
    ref = {k: E[f"{kind}_cell_forward/case{index}/{k}"] for k in CACHE_FIELDS[kind]
           if f"{kind}_cell_forward/case{index}/{k}" in E}
    values = dict(inputs, parameters=parameters, **ref)
    for name in tanh_zero:
        values[name] = np.zeros_like(values[name])
    return tuple(values[name] for name in CACHE_FIELDS[kind])


def seq_caches(kind, index, E):
    """(list of step caches, x) of sequence case ``index``, as the reference forward built it."""
    x, a0, parameters = seq_inputs(kind, index)
    key = f"{kind}_forward/case{index}"
    a = E[f"{key}/a"]
    states = {"a_next": a, "a_prev": np.concatenate([a0[:, :, None], a[:, :, :-1]], axis=2),
              "xt": x}
    if kind == "lstm":
        c = E[f"{key}/c"]
        states["c_next"] = c
        states["c_prev"] = np.concatenate([np.zeros_like(a0)[:, :, None], c[:, :, :-1]], axis=2)
    for g in GATES.get(kind, ()):
        states[GATE_NAMES[g]] = E[f"{key}/{GATE_NAMES[g]}"]
    steps = [tuple(parameters if name == "parameters" else states[name][:, :, t]
                   for name in CACHE_FIELDS[kind]) for t in range(x.shape[2])]
    return steps, x


# ------------------------------------------------------------------ small fact helpers

def refs():
    return expected_arrays(MODULE)


def close(got, want, atol=ATOL, rtol=RTOL):
    """True when ``got`` is an array of the shape of ``want`` with (nearly) the same values."""
    try:
        got = np.asarray(got, dtype=float)
    except (TypeError, ValueError):
        return False
    return got.shape == np.shape(want) and bool(np.allclose(got, want, atol=atol, rtol=rtol))


def need_tuple(report, out, n, hint):
    if not isinstance(out, tuple) or len(out) != n:
        got = _("a tuple of {n}").format(n=len(out)) if isinstance(out, tuple) else type(out).__name__
        report.fail(_("{hint} (yours returned {got})").format(hint=hint, got=got))


def need_shape(report, value, shape, what, hint=""):
    got = np.shape(value)
    if tuple(got) != tuple(shape):
        report.fail(hint or _("{what} has shape {got}, expected {want}").format(
            what=what, got=tuple(got), want=tuple(shape)))


def range_hint(got, want, what, activation):
    got = np.asarray(got, dtype=float)
    if activation == "tanh":
        if np.any(np.abs(got) > 1):
            return _("{what} has values outside (-1, 1): did you forget the tanh?").format(what=what)
        if np.all(got >= 0) and np.any(want < 0):
            return _("{what} is never negative: use tanh here, not sigmoid or ReLU").format(what=what)
    else:
        if np.any(got < 0) or np.any(got > 1):
            return _("{what} has values outside (0, 1): a gate needs the sigmoid").format(what=what)
    return None


def softmax_hint(yt, what):
    if not np.allclose(np.sum(yt, axis=0), 1.0):
        return _("the columns of {what} do not sum to 1: apply softmax over axis 0 (the n_y axis), "
                 "not over the examples").format(what=what)
    return None


def check_cache(report, cache, kind, want, fn_name):
    fields = CACHE_FIELDS[kind]
    listing = "(" + ", ".join(fields) + ")"
    if isinstance(cache, list) and len(cache) == len(fields):
        report.fail(_("the cache of {fn_name} must be a tuple {listing}, not a list").format(
            fn_name=fn_name, listing=listing))
    if not isinstance(cache, tuple) or len(cache) != len(fields):
        size = len(cache) if isinstance(cache, (tuple, list)) else type(cache).__name__
        report.fail(_("the cache of {fn_name} must be the tuple {listing} of {n} items; "
                      "yours has {size} (is a field missing?)").format(
            fn_name=fn_name, listing=listing, n=len(fields), size=size))
    for position, (name, got) in enumerate(zip(fields, cache)):
        if name == "parameters":
            if not isinstance(got, dict) or set(got) != set(want[name]):
                report.fail(_("cache item {position} should be the parameters dict").format(
                    position=position))
        elif not close(got, want[name]):
            report.fail(_("cache item {position} should be {name}: keep the order {listing}").format(
                position=position, name=name, listing=listing))


def grads_dict(report, out, keys, fn_name):
    if not isinstance(out, dict) or set(out) != set(keys):
        have = sorted(out) if isinstance(out, dict) else type(out).__name__
        report.fail(_("{fn_name} must return a dict with exactly the keys {keys} "
                      "(yours: {have})").format(fn_name=fn_name, keys=", ".join(keys), have=have))


# ------------------------------------------------------------------ forward checks

def check_cell_forward(report, fn, kind):
    E = refs()
    fn_name = f"{kind}_cell_forward"
    n_out = 4 if kind == "lstm" else 3
    returns = "(a_next, c_next, yt_pred, cache)" if kind == "lstm" else "(a_next, yt_pred, cache)"
    for index, sizes in enumerate(CELL_CASES):
        n_x, n_a, n_y, m = sizes
        key = f"{fn_name}/case{index}"
        inputs, parameters = cell_inputs(kind, index)
        out = report.call(fn, *cell_args(kind, {k: v.copy() for k, v in inputs.items()}, fresh(parameters)))
        need_tuple(report, out, n_out, _("{fn_name} must return the tuple {returns}").format(
            fn_name=fn_name, returns=returns))
        a_next, yt_pred, cache = out[0], out[-2], out[-1]
        need_shape(report, a_next, (n_a, m), "a_next")
        need_shape(report, yt_pred, (n_y, m), "yt_pred")
        if kind == "lstm":
            need_shape(report, out[1], (n_a, m), "c_next")
        want = dict(inputs, parameters=parameters)
        want.update({f: E[f"{key}/{f}"] for f in CACHE_FIELDS[kind] if f"{key}/{f}" in E})
        if not isinstance(cache, tuple) or len(cache) != len(CACHE_FIELDS[kind]):
            check_cache(report, cache, kind, want, fn_name)
        got = dict(zip(CACHE_FIELDS[kind], cache))
        swapped_fields_hint(report, got, want, kind)
        got.update(a_next=a_next, yt_pred=yt_pred)
        if kind == "lstm":
            got["c_next"] = out[1]
        for g in GATES.get(kind, ()):
            gate_values_hint(report, got, E, key, g, kind)
        if kind == "lstm":
            lstm_state_hint(report, got, E, key, inputs)
        if kind == "gru":
            gru_state_hint(report, got, E, key, inputs)
        if kind == "rnn" and not close(a_next, E[f"{key}/a_next"]):
            report.fail(range_hint(a_next, E[f"{key}/a_next"], "a_next", "tanh")
                        or (close(a_next, E[f"{key}/no_ba/a_next"])
                            and _("a_next is what you get without ba: did you forget to add the bias ba?"))
                        or _("a_next is off: a_next = tanh(Waa·a_prev + Wax·xt + ba)"))
        if not close(yt_pred, E[f"{key}/yt_pred"]):
            report.fail(softmax_hint(yt_pred, "yt_pred")
                        or (close(yt_pred, E[f"{key}/no_by/yt_pred"])
                            and _("yt_pred is what you get without by: did you forget the bias by?"))
                        or _("yt_pred is off: yt_pred = softmax({W}·a_next + by)").format(
                            W="Wya" if kind == "rnn" else "Wy"))
        check_cache(report, cache, kind, want, fn_name)
        report.ok(_("{case}: outputs and cache match the reference").format(case=case_label(sizes)))


def swapped_fields_hint(report, cache, want, kind):
    """Fail when two cache items hold each other's values (right values, wrong places)."""
    fields = [f for f in CACHE_FIELDS[kind] if f != "parameters"]
    listing = "(" + ", ".join(CACHE_FIELDS[kind]) + ")"
    for i, first in enumerate(fields):
        if close(cache[first], want[first]):
            continue
        for second in fields[i + 1:]:
            if (np.shape(want[first]) == np.shape(want[second]) and close(cache[first], want[second])
                    and close(cache[second], want[first])):
                order = CACHE_FIELDS[kind]
                report.fail(_("cache item {i} should be {first} but holds {second}, "
                              "and item {j} holds {first}: your values are right, "
                              "their places are swapped; keep the order {listing}").format(
                    i=order.index(first), j=order.index(second), first=first, second=second,
                    listing=listing))


def gate_values_hint(report, got, E, key, g, kind):
    gate = GATE_NAMES[g]
    want = E[f"{key}/{gate}"]
    value = got[gate]
    if close(value, want):
        return
    if gate == "hht" and close(value, E[f"{key}/reset_open/hht"]):
        report.fail(_("hht is what you get without the reset gate: the candidate reads "
                      "[rt*a_prev; xt], the reset gate scales a_prev before Wh"))
    if gate == "hht" and close(value, E[f"{key}/reset_after/hht"]):
        report.fail(_("hht is what you get with the reset gate applied after the recurrent product, "
                      "rt*(Wh[:, :n_a]·a_prev), as Keras's default GRU (reset_after=True) does; this "
                      "course places it before (reset_after=False): hht = tanh(Wh·[rt*a_prev; xt] + bh)"))
    activation = "tanh" if g in "ch" else "sigmoid"
    hint = range_hint(value, want, gate, activation)
    if hint:
        report.fail(hint)
    if close(value, E[f"{key}/swapped/{gate}"]):
        report.fail(_("{gate} is what you get with concat = [xt; a_prev]: the order is a_prev on "
                      "top, then xt").format(gate=gate))
    if close(value, E[f"{key}/no_b{g}/{gate}"]):
        report.fail(_("{gate} is what you get without {b}: did you forget the bias {b}?").format(
            gate=gate, b=f"b{g}"))
    report.fail(_("{gate} (cache item {i}) is off: check {W}, {b} and its activation ({activation})").format(
        gate=gate, i=CACHE_FIELDS[kind].index(gate), W=f"W{g}", b=f"b{g}", activation=activation))


def lstm_state_hint(report, got, E, key, inputs):
    c_want, a_want = E[f"{key}/c_next"], E[f"{key}/a_next"]
    if not close(got["c_next"], c_want):
        ft, it, cct, c_prev = E[f"{key}/ft"], E[f"{key}/it"], E[f"{key}/cct"], inputs["c_prev"]
        if close(got["c_next"], it * c_prev + ft * cct):
            report.fail(_("c_next has the two gates swapped: the forget gate ft scales the old cell "
                        "state and the input gate it scales the candidate, c_next = ft*c_prev + it*cct"))
        if close(got["c_next"], c_prev + it * cct):
            report.fail(_("c_next keeps all of c_prev: the forget gate must scale it, "
                        "c_next = ft*c_prev + it*cct"))
        if close(got["c_next"], ft * c_prev + cct):
            report.fail(_("c_next adds all of the candidate: the input gate must scale it, "
                        "c_next = ft*c_prev + it*cct"))
        report.fail(_("c_next is off: the new cell state is ft*c_prev plus it*cct"))
    if not close(got["a_next"], a_want):
        ot = E[f"{key}/ot"]
        if close(got["a_next"], ot * np.tanh(inputs["c_prev"])):
            report.fail(_("a_next uses c_prev where c_next belongs: a_next = ot*tanh(c_next)"))
        if close(got["a_next"], ot * c_want):
            report.fail(_("a_next needs the tanh of the cell state: a_next = ot*tanh(c_next)"))
        report.fail(_("a_next is off: a_next = ot*tanh(c_next)"))


def gru_state_hint(report, got, E, key, inputs):
    a_want = E[f"{key}/a_next"]
    if close(got["a_next"], a_want):
        return
    zt, hht, a_prev = E[f"{key}/zt"], E[f"{key}/hht"], inputs["a_prev"]
    if close(got["a_next"], (1 - zt) * a_prev + zt * hht):
        report.fail(_("zt and 1-zt are swapped: in this course (as in Keras) zt keeps the old state, "
                    "a_next = zt*a_prev + (1-zt)*hht"))
    report.fail(_("a_next is off: a_next = zt*a_prev + (1-zt)*hht"))


def seq_state_hint(report, kind, name, got, want, a0, c_from_a0, wrong):
    """Name the loop mistakes that leave ``got`` (a or c) off: a stored before its step, steps
    the loop never reaches, a cell state started at a0."""
    start = a0 if name == "a" else np.zeros_like(a0)
    if T_steps(want) > 1 and close(got, np.concatenate([start[:, :, None], want[:, :, :-1]], axis=2)):
        report.fail(_("{name}[:, :, t] holds the state step t started from, one step late: store "
                      "the {name}_next that {kind}_cell_forward returns for step t").format(
            name=name, kind=kind))
    if c_from_a0 is not None and close(got, c_from_a0):
        report.fail(_("{name} is what you get when the cell state starts at a0: the cell state "
                      "starts at zeros, c_next = np.zeros((n_a, m)); a0 starts the hidden state only").format(
            name=name))
    if wrong == list(range(wrong[0], T_steps(want))) and np.all(np.asarray(got)[:, :, wrong[0]:] == 0):
        if wrong[0] == 0:
            report.fail(_("{name} is off: it is still all zeros; fill {name}[:, :, t] at every "
                          "step t").format(name=name))
        report.fail(_("{name}[:, :, {t}:] is still zeros: the loop must visit every step, "
                      "t = 0, ..., T_x-1, i.e. range(T_x)").format(name=name, t=wrong[0]))


def T_steps(array):
    return np.shape(array)[2]


def check_seq_forward(report, fn, kind):
    E = refs()
    fn_name = f"{kind}_forward"
    names = SEQ_OUTPUTS[kind]
    returns = "(" + ", ".join(names) + ", caches)"
    for index, sizes in enumerate(SEQ_CASES):
        n_x, n_a, n_y, m, T_x = sizes
        key = f"{fn_name}/case{index}"
        x, a0, parameters = seq_inputs(kind, index)
        out = report.call(fn, x.copy(), a0.copy(), fresh(parameters))
        need_tuple(report, out, len(names) + 1, _("{fn_name} must return the tuple {returns}").format(
            fn_name=fn_name, returns=returns))
        got = dict(zip(names, out))
        for name in names:
            shape = (n_y if name.startswith("y") else n_a, m, T_x)
            need_shape(report, got[name], shape, name)
        for name in ("a", "c") if kind == "lstm" else ("a",):
            want = E[f"{key}/{name}"]
            if close(got[name], want):
                continue
            wrong = [t for t in range(T_x) if not close(got[name][:, :, t], want[:, :, t])]
            seq_state_hint(report, kind, name, got[name], want, a0, E[f"{key}/c0_a0/{name}"]
                           if kind == "lstm" else None, wrong)
            if wrong[0] > 0:
                carried = _("a_next and c_next") if kind == "lstm" else "a_next"
                report.fail(_("{name}[:, :, 0] is right but {name}[:, :, {t}] is not: pass "
                              "{carried} of each step on to the next step (the state must be "
                              "carried)").format(name=name, t=wrong[0], carried=carried))
            if name == "c":
                report.fail(_("c[:, :, 0] is off: the cell state starts at zeros, np.zeros((n_a, m))"))
            report.fail(_("{name}[:, :, 0] is off: the first step reads x[:, :, 0] and a0 "
                          "(look at what you pass to {kind}_cell_forward)").format(name=name, kind=kind))
        y_name = names[1]
        if not close(got[y_name], E[f"{key}/{y_name}"]):
            report.fail(_("{name}[:, :, t] should hold the prediction of step t").format(name=y_name))
        caches = out[-1]
        if (not isinstance(caches, tuple) or len(caches) != 2 or not isinstance(caches[0], list)
                or len(caches[0]) != T_x or not close(caches[1], x)):
            report.fail(_("caches must be the tuple (list of the T_x step caches, x)"))
        rebuilt, __ = seq_caches(kind, index, E)
        for t, (step, want) in enumerate(zip(caches[0], rebuilt)):
            if (not isinstance(step, tuple) or len(step) != len(want) or not all(
                    isinstance(w, dict) or close(s, w) for s, w in zip(step, want))):
                report.fail(_("caches[0][{t}] should be the cache of step {t}, in step order").format(t=t))
        report.ok(_("{case}: outputs and caches match the reference").format(
            case=case_label(sizes, seq=True)))


# ------------------------------------------------------------------ backward checks

CELL_HINTS = {
    "rnn": (("dba", N_("dba is the sum over the examples of dtanh = da_next*(1 - a_next**2)")),
            ("dWax", N_("dWax is dtanh times xt transposed")),
            ("dWaa", N_("dWaa is dtanh times a_prev transposed")),
            ("dxt", N_("dxt is Wax transposed times dtanh")),
            ("da_prev", N_("da_prev is Waa transposed times dtanh"))),
    "lstm": (("dWo", N_("the output gate's gradient is off: before its sigmoid it is "
                     "da_next*tanh(c_next)*ot*(1-ot)")),
             ("dbo", N_("dbo is the output-gate gradient summed over the examples (axis 1)")),
             ("dWc", N_("the gradient reaching c_next is off: dc = dc_next + da_next*ot*(1 - tanh(c_next)**2) "
                     "(the cell state also reaches the loss through a_next), and the candidate's "
                     "is dc*it*(1 - cct**2)")),
             ("dbc", N_("dbc is the candidate gradient summed over the examples (axis 1)")),
             ("dWi", N_("the input gate's gradient is off: dc*cct*it*(1-it)")),
             ("dbi", N_("dbi is the input-gate gradient summed over the examples (axis 1)")),
             ("dWf", N_("the forget gate's gradient is off: dc*c_prev*ft*(1-ft)")),
             ("dbf", N_("dbf is the forget-gate gradient summed over the examples (axis 1)")),
             ("dc_prev", N_("dc_prev is off: the old cell state reaches c_next only through the "
                         "forget gate, dc_prev = dc*ft")),
             ("da_prev", N_("da_prev is off: it is the first n_a rows of Wfᵀ·dft + Wiᵀ·dit + "
                         "Wcᵀ·dcct + Woᵀ·dot (all four gates)")),
             ("dxt", N_("dxt is off: it is the rows n_a: of Wfᵀ·dft + Wiᵀ·dit + Wcᵀ·dcct + Woᵀ·dot"))),
    "gru": (("dWh", N_("the candidate's gradient is off: before its tanh it is "
                    "da_next*(1-zt)*(1 - hht**2), and dWh multiplies it by [rt*a_prev; xt] transposed")),
            ("dbh", N_("dbh is the candidate gradient summed over the examples (axis 1)")),
            ("dWz", N_("the update gate's gradient is off: before its sigmoid it is "
                    "da_next*(a_prev - hht)*zt*(1-zt)")),
            ("dbz", N_("dbz is the update-gate gradient summed over the examples (axis 1)")),
            ("dWr", N_("the reset gate's gradient is off: take the first n_a rows of Whᵀ·dhht "
                    "(the gradient of rt*a_prev), times a_prev*rt*(1-rt)")),
            ("dbr", N_("dbr is the reset-gate gradient summed over the examples (axis 1)")),
            ("da_prev", N_("da_prev is off: a_prev reaches the loss along four paths: da_next*zt "
                        "(copied through the update gate), the reset product (gradient of "
                        "rt*a_prev times rt), and the first n_a rows of Wzᵀ·dzt + Wrᵀ·drt")),
            ("dxt", N_("dxt is off: add the rows n_a: of Whᵀ·dhht, Wzᵀ·dzt and Wrᵀ·drt"))),
}


BEFORE_PROBE = {"lstm": ("dWo", "dbo")}


def cell_backward_shapes(kind, sizes):
    n_x, n_a, n_y, m = sizes
    shapes = {"dxt": (n_x, m), "da_prev": (n_a, m)}
    if kind == "lstm":
        shapes["dc_prev"] = (n_a, m)
    for k in GRAD_KEYS[kind]:
        shapes[k] = (n_a, 1) if k.startswith("db") else (
            (n_a, n_x) if k == "dWax" else (n_a, n_a) if k == "dWaa" else (n_a, n_a + n_x))
    return shapes


def shape_hint(name, shape):
    if name.startswith("db"):
        return _("{name} must be {shape}: sum over the examples with axis=1, keepdims=True").format(
            name=name, shape=shape)
    if name in ("da_prev", "dxt") and len(shape) == 2:
        return _("{name} must be {shape}: check which rows of the concat gradient belong to it").format(
            name=name, shape=shape)
    if name.startswith("dW"):
        return _("{name} must be {shape}: the gradient before the activation, (n_a, m), times the "
                 "transposed input of that product, (m, ...)").format(name=name, shape=shape)
    return ""


def agree_with_finite_differences(report, out, E, key, names):
    """Compare with centred finite differences of the forward pass (stored at export)."""
    for name in names:
        numeric = E[f"{key}/fd/{name}"]
        if not close(out[name], numeric, atol=1e-6, rtol=1e-5):
            report.fail(_("{name} disagrees with centred finite differences of the forward pass").format(
                name=name))
    report.ok(_("every gradient agrees with centred finite differences of the forward pass"))


def check_cell_backward(report, fn, kind):
    E = refs()
    fn_name = f"{kind}_cell_backward"
    for index, sizes in enumerate(CELL_CASES):
        n_x, n_a, n_y, m = sizes
        key = f"{fn_name}/case{index}"
        shapes = cell_backward_shapes(kind, sizes)
        da_next = upstream(kind, index, (n_a, m))
        extra = [upstream(kind, index, (n_a, m), 1)] if kind == "lstm" else []
        out = report.call(fn, da_next.copy(), *[e.copy() for e in extra], cell_cache(kind, index, E))
        grads_dict(report, out, tuple(shapes), fn_name)
        for name, shape in shapes.items():
            need_shape(report, out[name], shape, name,
                       shape_hint(name, shape) and _("{name} has shape {got}; {hint}").format(
                           name=name, got=np.shape(out[name]), hint=shape_hint(name, shape)))
        wrong = [name for name in shapes if not close(out[name], E[f"{key}/{name}"])]
        if wrong:
            hints = dict(CELL_HINTS[kind])
            for name in BEFORE_PROBE.get(kind, ()):  # zeroing tanh(c_next) hides these
                if name in wrong:
                    report.fail(gettext(hints[name]))
            for tag, zero in TANH_PROBES[kind].items():
                if tag == "tanh0_cct" and ({"dWi", "dbi"} & set(wrong)):
                    continue  # cct = 0 also zeroes the input gate's gradient: no verdict
                probe = report.call(fn, da_next.copy(), *[e.copy() for e in extra],
                                    cell_cache(kind, index, E, tanh_zero=zero))
                if isinstance(probe, dict) and all(
                        name in probe and close(probe[name], E[f"{key}/{tag}/{name}"]) for name in shapes):
                    where = " and ".join(zero) if kind != "lstm" else (
                        "tanh(c_next)" if zero == ("c_next",) else _("the candidate cct"))
                    report.fail(_("your gradients are right where {where} is 0 and wrong elsewhere: "
                                  "{hint}").format(where=where,
                                                   hint=gettext(TANH_HINTS[tag]).format(name=zero[0])))
            if kind == "lstm" and wrong == ["dc_prev"]:
                ft = cell_cache(kind, index, E)[4]
                if close(out["dc_prev"] * ft, E[f"{key}/dc_prev"]):
                    report.fail(_("dc_prev misses the forget gate: the old cell state reaches c_next "
                                "only through ft, so multiply by ft"))
            for name, hint in CELL_HINTS[kind]:
                if name in wrong:
                    report.fail(gettext(hint) + _(" ({name} is off by up to {diff:.3g})").format(
                        name=name, diff=np.max(np.abs(out[name] - E[f"{key}/{name}"]))))
        report.ok(_("{case}: every gradient matches the reference").format(case=case_label(sizes)))
        if index == 0:
            agree_with_finite_differences(report, out, E, key, shapes)


def aliased_hint(report, out, E, key, wrong):
    """Fail when several gradients hold one array: ``dWz = dWr = dWh = np.zeros(...)``."""
    for name in wrong:
        same = [k for k in wrong if np.shape(out[k]) == np.shape(out[name]) and close(out[k], out[name])]
        if len(same) > 1 and close(out[name], sum(E[f"{key}/{k}"] for k in same)):
            report.fail(_("{names} hold the same values, the sum of their gradients: they "
                          "are one array under {n} names (a = b = np.zeros(...) makes a "
                          "single array, and each += adds into it); create each one with its own "
                          "np.zeros").format(names=", ".join(same), n=len(same)))


def check_seq_backward(report, fn, kind):
    E = refs()
    fn_name = f"{kind}_backward"
    for index, sizes in enumerate(SEQ_CASES):
        n_x, n_a, n_y, m, T_x = sizes
        key = f"{fn_name}/case{index}"
        cell = cell_backward_shapes(kind, (n_x, n_a, n_y, m))
        shapes = {"dx": (n_x, m, T_x), "da0": (n_a, m)}
        shapes.update({k: cell[k] for k in GRAD_KEYS[kind]})
        da = upstream(kind, index, (n_a, m, T_x))
        out = report.call(fn, da.copy(), seq_caches(kind, index, E))
        grads_dict(report, out, tuple(shapes), fn_name)
        for name, shape in shapes.items():
            need_shape(report, out[name], shape, name)
        wrong = [name for name in shapes if not close(out[name], E[f"{key}/{name}"])]
        if wrong:
            dx_ok = [close(out["dx"][:, :, t], E[f"{key}/dx"][:, :, t]) for t in range(T_x)]
            carried = _("da_prev and dc_prev") if kind == "lstm" else "da_prev"
            if dx_ok[-1] and not all(dx_ok):
                report.fail(_("dx is right at the last step but not before: step t must receive "
                              "da[:, :, t] plus the {carried} returned by step t+1").format(carried=carried))
            if all(dx_ok) and "da0" not in wrong:
                aliased_hint(report, out, E, key, [k for k in GRAD_KEYS[kind] if k in wrong])
                report.fail(_("dx and da0 are right but the parameter gradients are not: the "
                            "parameters are shared by all steps, so add up (+=) their gradients "
                            "over every time step"))
            if all(dx_ok):
                report.fail(_("da0 is off: it is the da_prev returned by the first step (t = 0)"))
            report.fail(_("dx is off at the last step already: walk t from T_x-1 down to 0 and "
                          "call {kind}_cell_backward with da[:, :, t] (look at what you pass to it)").format(
                kind=kind))
        report.ok(_("{case}: every gradient matches the reference").format(
            case=case_label(sizes, seq=True)))
        if index == 0:
            agree_with_finite_differences(report, out, E, key, shapes)


# ------------------------------------------------------------------ the twelve checks

# What the given lines after the learner's code (the return) read: the learner's code defines them.
DEFINES = {
    "rnn_cell_forward": ("a_next", "yt_pred", "cache"),
    "rnn_forward": ("a", "y_pred", "caches"),
    "lstm_cell_forward": ("a_next", "c_next", "yt_pred", "cache"),
    "lstm_forward": ("a", "y_pred", "c", "caches"),
    "rnn_cell_backward": ("dxt", "da_prev") + GRAD_KEYS["rnn"],
    "rnn_backward": ("dx", "da0") + GRAD_KEYS["rnn"],
    "lstm_cell_backward": ("dxt", "da_prev", "dc_prev") + GRAD_KEYS["lstm"],
    "lstm_backward": ("dx", "da0") + GRAD_KEYS["lstm"],
    "gru_cell_forward": ("a_next", "yt_pred", "cache"),
    "gru_forward": ("a", "y_pred", "caches"),
    "gru_cell_backward": ("dxt", "da_prev") + GRAD_KEYS["gru"],
    "gru_backward": ("dx", "da0") + GRAD_KEYS["gru"],
}


def graded(name, uses=()):
    return exercise(name, uses=uses, defines=DEFINES[name])


@graded("rnn_cell_forward")
def check_rnn_cell_forward(fn, report):
    check_cell_forward(report, fn, "rnn")


@graded("rnn_forward", uses=("rnn_cell_forward",))
def check_rnn_forward(fn, report):
    check_seq_forward(report, fn, "rnn")


@graded("lstm_cell_forward")
def check_lstm_cell_forward(fn, report):
    check_cell_forward(report, fn, "lstm")


@graded("lstm_forward", uses=("lstm_cell_forward",))
def check_lstm_forward(fn, report):
    check_seq_forward(report, fn, "lstm")


@graded("rnn_cell_backward")
def check_rnn_cell_backward(fn, report):
    check_cell_backward(report, fn, "rnn")


@graded("rnn_backward", uses=("rnn_cell_backward",))
def check_rnn_backward(fn, report):
    check_seq_backward(report, fn, "rnn")


@graded("lstm_cell_backward")
def check_lstm_cell_backward(fn, report):
    check_cell_backward(report, fn, "lstm")


@graded("lstm_backward", uses=("lstm_cell_backward",))
def check_lstm_backward(fn, report):
    check_seq_backward(report, fn, "lstm")


@graded("gru_cell_forward")
def check_gru_cell_forward(fn, report):
    check_cell_forward(report, fn, "gru")


@graded("gru_forward", uses=("gru_cell_forward",))
def check_gru_forward(fn, report):
    check_seq_forward(report, fn, "gru")


@graded("gru_cell_backward")
def check_gru_cell_backward(fn, report):
    check_cell_backward(report, fn, "gru")


@graded("gru_backward", uses=("gru_cell_backward",))
def check_gru_backward(fn, report):
    check_seq_backward(report, fn, "gru")
