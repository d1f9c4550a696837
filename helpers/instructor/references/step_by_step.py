"""Notebook 1's references, for the instructor only (never in the learner release).

:func:`expected` runs the exported solutions on the checks' inputs (``helpers.checking.rng``:
the practice inputs, or fresh ones when grading), and on the variants that name a mistake: a
bias left out, the halves of ``concat`` swapped, a gate forced open, tanh outputs of zero, and
finite differences of the forward pass for the backward functions.
"""
import numpy as np

from ...step_by_step.checks import (CACHE_FIELDS, CELL_CASES, GATES, GATE_NAMES, GRAD_KEYS, KINDS, SEQ_CASES, SEQ_OUTPUTS, TANH_PROBES, cell_args, cell_cache, cell_inputs, fresh, seq_caches, seq_inputs, swapped, upstream, with_changed)
from ...step_by_step.rnn_utils import numerical_gradient

FD_STEP = 1e-6   # numerical_gradient's step
# Finite differences (the "/fd/" references) divide the rounding of a loss by the step: with
# losses up to about a hundred times the gradients' scale, they hold about 100 eps / FD_STEP
# of precision relative to the gradients, not eps (how export judges their freshness).
PRECISION = {"/fd/": 100 * np.finfo(np.float64).eps / FD_STEP}


def _cell_forward_refs(graded, kind, index):
    fn = getattr(graded, f"{kind}_cell_forward")
    inputs, parameters = cell_inputs(kind, index)
    n_x = inputs["xt"].shape[0]
    key = f"{kind}_cell_forward/case{index}"
    out = {}

    def run(params):
        result = fn(*cell_args(kind, inputs, params))
        return dict(zip(CACHE_FIELDS[kind], result[-1]), yt_pred=result[-2])

    main = run(fresh(parameters))
    for name, value in main.items():
        if name not in ("parameters", "xt", "a_prev", "c_prev"):
            out[f"{key}/{name}"] = value
    out[f"{key}/no_by/yt_pred"] = run(with_changed(parameters, by=0 * parameters["by"]))["yt_pred"]
    if kind == "rnn":
        out[f"{key}/no_ba/a_next"] = run(with_changed(parameters, ba=0 * parameters["ba"]))["a_next"]
        return out
    sw = run(swapped(parameters, n_x))
    for g in GATES[kind]:
        gate = GATE_NAMES[g]
        out[f"{key}/swapped/{gate}"] = sw[gate]
        out[f"{key}/no_b{g}/{gate}"] = run(with_changed(parameters, **{f"b{g}": 0 * parameters[f"b{g}"]}))[gate]
    if kind == "gru":
        out[f"{key}/reset_open/hht"] = run(with_changed(parameters, br=parameters["br"] + 60.0))["hht"]
        # Keras's reset_after=True: the reset gate scales the recurrent product, not a_prev
        n_a, Wh = inputs["a_prev"].shape[0], parameters["Wh"]
        out[f"{key}/reset_after/hht"] = np.tanh(main["rt"] * (Wh[:, :n_a] @ inputs["a_prev"])
                                                + Wh[:, n_a:] @ inputs["xt"] + parameters["bh"])
    return out


def _seq_forward_refs(graded, kind, index):
    x, a0, parameters = seq_inputs(kind, index)
    result = getattr(graded, f"{kind}_forward")(x, a0, fresh(parameters))
    key = f"{kind}_forward/case{index}"
    out = {f"{key}/{n}": v for n, v in zip(SEQ_OUTPUTS[kind], result)}
    for g in GATES.get(kind, ()):
        position = CACHE_FIELDS[kind].index(GATE_NAMES[g])
        out[f"{key}/{GATE_NAMES[g]}"] = np.stack([c[position] for c in result[-1][0]], axis=2)
    if kind == "lstm":  # the cell state started at a0 instead of zeros
        a_next, c_next, states = a0, a0, {"a": [], "c": []}
        for t in range(x.shape[2]):
            a_next, c_next, _, _ = graded.lstm_cell_forward(x[:, :, t], a_next, c_next, fresh(parameters))
            states["a"].append(a_next)
            states["c"].append(c_next)
        out.update({f"{key}/c0_a0/{n}": np.stack(v, axis=2) for n, v in states.items()})
    return out


def _cell_backward_refs(graded, kind, index, E):
    fn = getattr(graded, f"{kind}_cell_backward")
    inputs, parameters = cell_inputs(kind, index)
    n_a, m = inputs["a_prev"].shape
    da_next = upstream(kind, index, (n_a, m))
    extra = [upstream(kind, index, (n_a, m), 1)] if kind == "lstm" else []
    key = f"{kind}_cell_backward/case{index}"
    out = {}
    for tag, zero in (("", ()), *((f"{t}/", z) for t, z in TANH_PROBES[kind].items())):
        grads = fn(da_next, *extra, cell_cache(kind, index, E, tanh_zero=zero))
        out.update({f"{key}/{tag}{k}": v for k, v in grads.items()})
    if index == 0:  # finite differences of the reference forward pass
        forward = getattr(graded, f"{kind}_cell_forward")
        params = fresh(parameters)

        def loss():
            result = forward(*cell_args(kind, inputs, params))
            total = np.sum(da_next * result[0])
            return total + (np.sum(extra[0] * result[1]) if kind == "lstm" else 0.0)

        arrays = {"d" + k: v for k, v in inputs.items()}
        arrays.update({k: params[k[1:]] for k in GRAD_KEYS[kind]})
        for name, array in arrays.items():
            out[f"{key}/fd/{name}"] = numerical_gradient(loss, array, FD_STEP)
    return out


def _seq_backward_refs(graded, kind, index, E):
    fn = getattr(graded, f"{kind}_backward")
    x, a0, parameters = seq_inputs(kind, index)
    da = upstream(kind, index, a0.shape + (x.shape[2],))
    key = f"{kind}_backward/case{index}"
    out = {f"{key}/{k}": v for k, v in fn(da, seq_caches(kind, index, E)).items()}
    if index == 0:
        forward = getattr(graded, f"{kind}_forward")
        params = fresh(parameters)

        def loss():
            return np.sum(da * forward(x, a0, params)[0])

        arrays = {"dx": x, "da0": a0}
        arrays.update({k: params[k[1:]] for k in GRAD_KEYS[kind]})
        for name, array in arrays.items():
            out[f"{key}/fd/{name}"] = numerical_gradient(loss, array, FD_STEP)
    return out


def expected(graded) -> dict:
    """Reference arrays for every check, computed with the exported solutions ``graded``."""
    E = {}
    for kind in KINDS:
        for index in range(len(CELL_CASES)):
            E.update(_cell_forward_refs(graded, kind, index))
        for index in range(len(SEQ_CASES)):
            E.update(_seq_forward_refs(graded, kind, index))
    for kind in KINDS:
        for index in range(len(CELL_CASES)):
            E.update(_cell_backward_refs(graded, kind, index, E))
        for index in range(len(SEQ_CASES)):
            E.update(_seq_backward_refs(graded, kind, index, E))
    return E
