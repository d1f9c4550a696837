"""Notebook 2's references, for the instructor only (never in the learner release).

:func:`expected` computes the reference values of ``helpers.jazz.checks`` for the inputs that
``helpers.checking.rng`` gives now: with the empty salt, the practice values that ship in
``helpers/jazz/expected.npz`` (``make export``); when grading, fresh ones, computed in the
grading process only. Beside the right answers it computes what the typical mistakes give
(numpy versions of the LSTM step, of the greedy inference loop, of the generation loop), so
that a check can name the mistake that fits.
"""
import numpy as np

from ...jazz.checks import (DJ_CASES, GEN_CASES, INF_CASES, PS_CASES, dj_inputs, gen_raw_inputs,
                            inf_inputs, inspect_model, note_cases, ps_inputs, temperature_inputs,
                            toy_names)
from ...jazz.probes import (_ToyStep, probe_djmodel, probe_generate_with_context,
                            probe_music_inference_model, probe_note_to_value,
                            probe_predict_and_sample)


def _sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def np_lstm_step(x, a, c, weights):
    """One Keras LSTM step in numpy: x (m, n_values), a, c (m, n_a) -> (a_next, c_next, probs)."""
    kernel, recurrent, bias, W, b = (np.asarray(w, dtype=np.float64) for w in weights)
    i, f, g, o = np.split(x @ kernel + a @ recurrent + bias, 4, axis=-1)
    c_next = _sigmoid(f) * c + _sigmoid(i) * np.tanh(g)
    a_next = _sigmoid(o) * np.tanh(c_next)
    z = a_next @ W + b
    p = np.exp(z - z.max(-1, keepdims=True))
    return a_next, c_next, p / p.sum(-1, keepdims=True)


def dj_mistakes(weights, X, a0, c0) -> dict:
    """Stacked (Tx, m, n_values) predictions of the typical mistakes of djmodel."""
    W, b = (np.asarray(w, dtype=np.float64) for w in weights[3:])
    out = {}
    for kind in ("densor(c)", "states not carried", "last step only", "reads step t-1"):
        a, c, preds = a0.astype(float), c0.astype(float), []
        for t in range(X.shape[1]):
            start = (a0, c0) if kind == "states not carried" else (a, c)
            a, c, p = np_lstm_step(X[:, t - 1 if kind == "reads step t-1" else t], *start, weights)
            if kind == "densor(c)":
                z = c @ W + b
                p = np.exp(z - z.max(-1, keepdims=True))
                p /= p.sum(-1, keepdims=True)
            preds.append(p)
        out[kind] = np.stack(preds)
    return out


def inf_paths(weights, x0, a0, c0, Ty) -> dict:
    """(probs (Ty, m, n_values)) of the correct greedy loop and of its typical mistakes."""
    n_values = x0.shape[-1]
    out = {}
    for kind in ("greedy", "feeds back probabilities", "always x0", "states not carried"):
        x, a, c, probs = x0[:, 0].astype(float), a0.astype(float), c0.astype(float), []
        for _ in range(Ty):
            start = (a0, c0) if kind == "states not carried" else (a, c)
            a, c, p = np_lstm_step(x, *start, weights)
            probs.append(p)
            if kind == "feeds back probabilities":
                x = p
            elif kind != "always x0":
                x = np.eye(n_values)[p.argmax(-1)]
        out[kind] = np.stack(probs)
    return out


def temperature_mistakes(probs, temps, u) -> dict:
    """Indices (k,) that the typical mistakes of sample_with_temperature give (-1: crash)."""
    def pick(p):
        c = np.cumsum(p)
        i = int(np.searchsorted(c, u_i, side="right"))
        return i if i < len(p) else -1
    out = {k: [] for k in ("p ** T", "temperature ignored", "exp(p / T)", "not normalised")}
    for p, t, u_i in zip(probs, temps, u):
        safe = t if t > 0 else 1e-3
        out["p ** T"].append(pick(p ** t / (p ** t).sum()) if t > 0 else int(np.argmax(p)))
        out["temperature ignored"].append(pick(p))
        e = np.exp(p / safe - (p / safe).max())
        out["exp(p / T)"].append(pick(e / e.sum()))
        out["not normalised"].append(pick(p ** (1 / safe)) if t > 0 else int(np.argmax(p)))
    return {k: np.array(v) for k, v in out.items()}




def reference_generation(weights, table, durations, first_id, total, mistake=None) -> dict:
    """The ids and asked ``(step, prev_step)`` of the correct loop (or of one typical mistake)."""
    step = _ToyStep(weights)
    ids, asked, state, onset = [first_id], [], None, 0
    while len(ids) <= 10 * total:
        position = onset + int(durations[ids[-1]])
        if position >= total if mistake != "stops late" else position > total:
            break
        swapped = mistake == "context_at arguments swapped"
        where = onset if mistake == "context before the duration" or swapped else position
        prev = position if mistake == "prev_step is the new step" or swapped else onset
        asked.append((where, prev))
        context = table[where % len(table)] + 0.5 * table[prev % len(table)]
        x = ids[0] if mistake == "feeds the first value" else ids[-1]
        probs, new_state = step(x, context, state)
        state = None if mistake == "state not carried" else new_state
        ids.append(int(np.argmax(probs)))
        onset = int(position)
    return {"ids": np.array(ids, dtype=float), "asked": np.array(asked, dtype=float).reshape(-1, 2)}


GEN_MISTAKES = ("context before the duration", "prev_step is the new step", "state not carried",
                "feeds the first value", "stops late", "context_at arguments swapped")


def _total_on_a_boundary(weights, table, durations, first_id, total) -> int:
    """``total`` moved to the nearest step where a value of the right path starts."""
    path = reference_generation(weights, table, durations, first_id, 10 * total)["ids"]
    ends = np.cumsum(durations[path.astype(int)])
    return int(ends[np.argmin(np.abs(ends - total))])


def expected(graded) -> dict:
    E = {"note_to_value/values": np.array(probe_note_to_value(graded.note_to_value, note_cases()))}
    for index, (Tx, *_rest) in enumerate(DJ_CASES):
        weights, X, a0, c0 = dj_inputs(index)
        names = toy_names(13, index)
        built = probe_djmodel(graded.djmodel, Tx, weights, names)
        E[f"djmodel/{index}/pred"] = inspect_model(built, weights, names, (X, a0, c0), "pred")["pred"]
        for kind, pred in dj_mistakes(weights, X, a0, c0).items():
            E[f"djmodel/{index}/{kind}"] = pred
    for index, (Ty, *_rest) in enumerate(INF_CASES):
        weights, x0, a0, c0 = inf_inputs(index)
        names = toy_names(23, index)
        built = probe_music_inference_model(graded.music_inference_model, Ty, weights, names)
        out = inspect_model(built, weights, names, (x0, a0, c0), "out")["out"]
        E[f"music_inference_model/{index}/ids"] = out.argmax(-1)
        for kind, probs in inf_paths(weights, x0, a0, c0, Ty).items():
            E[f"music_inference_model/{index}/{kind}"] = probs
    for index in range(len(PS_CASES)):
        got = probe_predict_and_sample(graded.predict_and_sample, *ps_inputs(index))
        E[f"predict_and_sample/{index}/indices"] = got["indices"]
    probs, temps, u = temperature_inputs()
    E["sample_with_temperature/indices"] = np.array(
        [graded.sample_with_temperature(p, t, v) for p, t, v in zip(probs, temps, u)])
    for kind, ids in temperature_mistakes(probs, temps, u).items():
        E[f"sample_with_temperature/{kind}"] = ids
    for index in range(len(GEN_CASES)):
        weights, table, durations, first_id, raw_total = gen_raw_inputs(index)
        total = _total_on_a_boundary(weights, table, durations, first_id, raw_total)
        inputs = (weights, table, durations, first_id, total)
        E[f"generate_with_context/{index}/total"] = np.array(total)
        got = probe_generate_with_context(graded.generate_with_context, *inputs)
        E[f"generate_with_context/{index}/ids"] = got["ids"]
        E[f"generate_with_context/{index}/asked"] = got["asked"]
        for kind in GEN_MISTAKES:
            ref = reference_generation(*inputs, mistake=kind)
            E[f"generate_with_context/{index}/{kind}/ids"] = ref["ids"]
            E[f"generate_with_context/{index}/{kind}/asked"] = ref["asked"]
    return E
