"""Sampling for notebook 2: temperature and top-p (nucleus), one step at a time in numpy.

``choose(probs, temperature, top_p, rng)`` picks one id from a probability vector (n_values,);
``lstm_sample(weights, ...)`` runs the shared ``LSTM_cell`` / ``densor`` weights step by step
(as the inference model does) for as long as the choruses need, and ``improvise`` realises the
ids over a progression. Id 0 (``<unk>``) is never chosen.
"""
from __future__ import annotations

import numpy as np

UNK_ID = 0
SAX_LOW, SAX_HIGH = 49, 80    # alto saxophone, sounding Db3 .. Ab5
# The default settings of every sampler: the model's own distribution, minus the rarest 3 %
# of its probability mass at each step (a wide nucleus).
TEMPERATURE, TOP_P = 1.0, 0.97


def reshape(probs, temperature: float = 1.0, top_p: float = 1.0) -> np.ndarray:
    """The distribution actually sampled: ``probs ** (1 / T)`` normalised, then only the
    smallest set of most probable ids whose mass reaches ``top_p`` kept (renormalised).

    temperature 0 puts all the mass on the argmax. ``<unk>`` (id 0) gets none.
    """
    if temperature < 0:
        raise ValueError(f"temperature must be >= 0, got {temperature}")
    if not 0 < top_p <= 1:
        raise ValueError(f"top_p must be in (0, 1], got {top_p}")
    p = np.asarray(probs, dtype=np.float64).copy()
    p[UNK_ID] = 0.0
    if not temperature > 0:
        out = np.zeros_like(p)
        out[int(np.argmax(p))] = 1.0
        return out
    with np.errstate(divide="ignore"):
        logp = np.log(p) / temperature
    p = np.exp(logp - logp.max())
    p /= p.sum()
    if top_p < 1:
        order = np.argsort(-p, kind="stable")
        mass = np.cumsum(p[order])
        keep = order[: int(np.searchsorted(mass, top_p)) + 1]
        kept = np.zeros_like(p)
        kept[keep] = p[keep]
        p = kept / kept.sum()
    return p


def choose(probs, temperature: float = 1.0, top_p: float = 1.0, rng=None) -> int:
    """One id drawn from :func:`reshape` ``(probs, temperature, top_p)``."""
    p = reshape(probs, temperature, top_p)
    if not temperature > 0:
        return int(np.argmax(p))
    rng = np.random.default_rng() if rng is None else rng
    index = int(np.searchsorted(np.cumsum(p), rng.random(), side="right"))
    return min(index, len(p) - 1)


def _sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def lstm_weights(LSTM_cell, densor) -> list:
    """``[kernel, recurrent, bias, W, b]`` of the shared layers, as float64 arrays."""
    return [np.asarray(w, dtype=np.float64) for w in LSTM_cell.get_weights() + densor.get_weights()]


def lstm_probs(weights, ids) -> np.ndarray:
    """Teacher forcing in numpy: (len(ids), n_values) probabilities of the value after each id."""
    kernel, recurrent, bias, W, b = weights
    a = c = np.zeros(recurrent.shape[0])
    out = []
    for i in ids:
        gi, gf, gg, go = np.split(kernel[int(i)] + a @ recurrent + bias, 4)
        c = _sigmoid(gf) * c + _sigmoid(gi) * np.tanh(gg)
        a = _sigmoid(go) * np.tanh(c)
        z = a @ W + b
        p = np.exp(z - z.max())
        out.append(p / p.sum())
    return np.array(out)


def lstm_sample(weights, first_id: int, total_steps: int, steps_of, temperature: float = TEMPERATURE,
                top_p: float = TOP_P, seed: int = 0) -> np.ndarray:
    """Ids from the unconditioned LSTM until their durations (``steps_of[id]``) fill
    ``total_steps``; the first id is given. Returns int (n,)."""
    kernel, recurrent, bias, W, b = weights
    rng = np.random.default_rng(seed)
    a = c = np.zeros(recurrent.shape[0])
    ids, position = [int(first_id)], int(steps_of[first_id])
    while position < total_steps:
        gi, gf, gg, go = np.split(kernel[ids[-1]] + a @ recurrent + bias, 4)
        c = _sigmoid(gf) * c + _sigmoid(gi) * np.tanh(gg)
        a = _sigmoid(go) * np.tanh(c)
        z = a @ W + b
        p = np.exp(z - z.max())
        ids.append(choose(p / p.sum(), temperature, top_p, rng))
        position += int(steps_of[ids[-1]])
    return np.array(ids)


def ngram_sample(model, first_id: int, total_steps: int, steps_of, n_values: int,
                 temperature: float = TEMPERATURE, top_p: float = TOP_P, seed: int = 0) -> np.ndarray:
    """Ids from a fitted :class:`helpers.jazz.evaluate.NGram` (unigram or bigram)."""
    rng = np.random.default_rng(seed)
    table = {}
    ids, position = [int(first_id)], int(steps_of[first_id])
    while position < total_steps:
        key = tuple(ids[-(model.order - 1):]) if model.order > 1 else ()
        if key not in table:
            table[key] = np.array([model.prob(key, x) for x in range(n_values)])
        ids.append(choose(table[key], temperature, top_p, rng))
        position += int(steps_of[ids[-1]])
    return np.array(ids)


def steps_of_values(vocabulary) -> np.ndarray:
    """Duration in steps of every value of the vocabulary (0 for ``<unk>``)."""
    from .music import split_value
    return np.array([0 if v == "<unk>" else split_value(v)[2] for v in vocabulary])


def realise(ids, progression, choruses: int, start_pitch: int = 65, low: int = SAX_LOW,
            high: int = SAX_HIGH):
    """Realise ids over ``choruses`` choruses of ``progression``, in the alto's range."""
    from .data import to_values
    from .music import clip, decode
    values = to_values(ids)
    solo = decode(values, progression.chord_at, start_pitch=start_pitch, start_step=0,
                  low=low, high=high)
    return clip(solo, progression.steps * choruses), values


def improvise(LSTM_cell, densor, progression, choruses: int = 3, temperature: float = TEMPERATURE,
              top_p: float = TOP_P, seed: int = 0, first_value: str = "rest:12"):
    """A solo of the unconditioned LSTM over ``choruses`` choruses: ``(solo, values)``."""
    from .data import to_ids, values as vocabulary
    if choruses < 1:
        raise ValueError(f"choruses must be at least 1, got {choruses}")
    first_id = int(to_ids([first_value])[0])
    if first_id == UNK_ID:
        raise ValueError(f"first_value {first_value!r} is not in the vocabulary")
    ids = lstm_sample(lstm_weights(LSTM_cell, densor), first_id, progression.steps * choruses,
                      steps_of_values(vocabulary()), temperature, top_p, seed)
    return realise(ids, progression, choruses)


def conditioned_sample(step, track, total_steps: int, first_id: int, steps_of,
                       temperature: float = TEMPERATURE, top_p: float = TOP_P, seed: int = 0) -> np.ndarray:
    """Ids from the conditioned model's numpy step (``helpers.jazz.model.ConditionedStep``)
    over a chord track (``helpers.jazz.context.ChordTrack``) until ``total_steps`` are filled.

    Each value is predicted from the value before it and the context of the step where it
    starts, which is known only once the duration of the value before it has been drawn.
    """
    from .context import context_at
    rng = np.random.default_rng(seed)
    a, c = step.initial_state()
    ids, onset = [int(first_id)], 0
    position = int(steps_of[first_id])
    while position < total_steps:
        probs, a, c = step(ids[-1], context_at(track, position, onset), a, c)
        ids.append(choose(probs, temperature, top_p, rng))
        onset, position = position, position + int(steps_of[ids[-1]])
    return np.array(ids)


def realise_over(ids, chord_at, total_steps: int, start_pitch: int = 65, low: int = SAX_LOW,
                 high: int = SAX_HIGH):
    """Realise ids over ``chord_at(step)`` (a progression's or a chord track's), clipped to
    ``total_steps``, in the alto's range: ``(solo, values)``."""
    from .data import to_values
    from .music import clip, decode
    values = to_values(ids)
    solo = decode(values, chord_at, start_pitch=start_pitch, start_step=0, low=low, high=high)
    return clip(solo, total_steps), values


class ShiftedTrack:
    """A chord track read from ``offset`` on (a whole number of bars), so that a generated
    solo can start at step 0 under a transcribed solo's chords."""

    def __init__(self, track, offset: int):
        from .music import STEPS_PER_BAR
        if offset % STEPS_PER_BAR:
            raise ValueError(f"offset must be a whole number of bars ({STEPS_PER_BAR} steps), got {offset}")
        self.track, self.offset = track, int(offset)

    def chord_at(self, step):
        return self.track.chord_at(int(step) + self.offset)

    def next_change(self, step):
        return self.track.next_change(int(step) + self.offset)


def under_real_chords(solo, track):
    """``(shifted track, total_steps)`` for generating a solo as long as the transcribed
    ``solo``, over its chords, starting at the bar line before its first note."""
    from .music import STEPS_PER_BAR
    start = int(solo.onsets[0]) // STEPS_PER_BAR * STEPS_PER_BAR
    end = int(solo.onsets[-1] + solo.durations[-1])
    return ShiftedTrack(track, start), end - start


def solos_under(real_solos, tracks, sample, first_value: str = "rest:12"):
    """One generated solo per real solo, as long as it and over its chords.

    ``sample(track, total_steps, first_id, seed) -> ids``; solo ``k`` uses seed ``k``.
    """
    from .data import to_ids
    first_id = int(to_ids([first_value])[0])
    out = []
    for k, (solo, track) in enumerate(zip(real_solos, tracks)):
        shifted, total = under_real_chords(solo, track)
        ids = sample(shifted, total, first_id, k)
        out.append(realise_over(ids, shifted.chord_at, total)[0])
    return out


class TrackChanges:
    """The chord changes of a chord track over ``total_steps``, in the form the accompaniment
    of :func:`helpers.jazz.music.to_midi` reads (``changes()``: half-bar or whole-bar chords)."""

    def __init__(self, chord_at, total_steps: int):
        from .music import STEPS_PER_BAR
        self.chord_at, self.total = chord_at, int(total_steps)
        self.steps = -(-self.total // STEPS_PER_BAR) * STEPS_PER_BAR

    def changes(self, choruses: int = 1):
        from .music import STEPS_PER_BAR
        half = STEPS_PER_BAR // 2
        out = []
        for bar in range(0, self.steps, STEPS_PER_BAR):
            first, second = self.chord_at(bar), self.chord_at(bar + half)
            if first.symbol == second.symbol:
                out.append((bar, STEPS_PER_BAR, first))
            else:
                out += [(bar, half, first), (bar + half, half, second)]
        return out
