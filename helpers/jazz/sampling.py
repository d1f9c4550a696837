"""Sampling for notebook 2: temperature and top-p (nucleus), one step at a time in numpy.

The draws themselves are the notebook's: every sampler here takes ``sample``, the notebook's
``sample_with_temperature(probs, temperature, u)``, and the conditioned model's generation
loop is the notebook's ``generate_with_context``, passed as ``generate``. ``sampler`` adds the
top-p (nucleus) restriction and the random numbers; ``lstm_sample(weights, ...)`` runs the
shared ``LSTM_cell`` / ``densor`` weights step by step (as the inference model does) for as
long as the choruses need, and ``improvise`` realises the ids over a progression. Id 0
(``<unk>``) is never chosen.
"""
from __future__ import annotations

import numpy as np

UNK_ID = 0
SAX_LOW, SAX_HIGH = 49, 80    # alto saxophone, sounding Db3 .. Ab5
# The default settings of every sampler: the model's own distribution, minus the rarest 3 %
# of its probability mass at each step (a wide nucleus).
TEMPERATURE, TOP_P = 1.0, 0.97


def _cleaned(probs) -> np.ndarray:
    """``probs`` as float64 with no mass on ``<unk>``, renormalised."""
    p = np.asarray(probs, dtype=np.float64).copy()
    p[UNK_ID] = 0.0
    return p / p.sum()


def _check(temperature: float, top_p: float) -> None:
    if temperature < 0:
        raise ValueError(f"temperature must be >= 0, got {temperature}")
    if not 0 < top_p <= 1:
        raise ValueError(f"top_p must be in (0, 1], got {top_p}")


def nucleus(sample, probs, temperature: float = 1.0, top_p: float = 1.0) -> np.ndarray:
    """Boolean mask (n_values,) of the ids that can be drawn: the smallest set of most probable
    ids whose mass, in the distribution ``sample`` draws from at ``temperature``, exceeds
    ``top_p`` (all ids with some probability when ``top_p`` is 1). ``<unk>`` is never kept.

    ``sample(probs, temperature, u) -> index`` is the notebook's ``sample_with_temperature``:
    given the ids sorted from the most to the least probable, the index it returns for
    ``u = top_p`` is the last one the nucleus needs.
    """
    _check(temperature, top_p)
    p = _cleaned(probs)
    if not temperature > 0:
        keep = np.zeros(len(p), dtype=bool)
        keep[int(np.argmax(p))] = True
        return keep
    keep = p > 0
    if top_p < 1:
        order = np.argsort(-p, kind="stable")
        last = int(sample(p[order], temperature, top_p))
        keep = np.zeros(len(p), dtype=bool)
        keep[order[: last + 1]] = True
        keep &= p > 0
    return keep


def sampler(sample, temperature: float = 1.0, top_p: float = 1.0, rng=None):
    """``choose(probs) -> id`` for a generation loop: ``sample`` (the notebook's
    ``sample_with_temperature``) at ``temperature``, restricted to the :func:`nucleus` of
    ``top_p``, with one uniform number from ``rng`` per draw (none at temperature 0)."""
    _check(temperature, top_p)
    rng = np.random.default_rng() if rng is None else rng

    def choose(probs) -> int:
        p = _cleaned(probs)
        if not temperature > 0:
            return int(sample(p, 0, 0.0))
        if top_p < 1:
            p = np.where(nucleus(sample, p, temperature, top_p), p, 0.0)
            p /= p.sum()
        return min(int(sample(p, temperature, rng.random())), len(p) - 1)

    return choose


def most_probable(sample, probs, temperature: float = 1.0, top_p: float = 1.0, k: int = 3,
                  tol: float = 1e-15):
    """The ``k`` ids that :func:`sampler` draws most often and their probabilities, read off
    ``sample`` itself: the uniform numbers at which its answer moves on to the next id
    (found by bisection to ``tol``) are the cumulative probabilities. ``(ids (k,), probs (k,))``."""
    keep = nucleus(sample, probs, temperature, top_p)
    p = np.where(keep, _cleaned(probs), 0.0)
    p /= p.sum()
    order = np.argsort(-p, kind="stable")[: min(k, int(keep.sum()))]
    if not temperature > 0:
        return order, np.ones(len(order))
    ps = p[np.argsort(-p, kind="stable")]
    edges = [0.0]
    for rank in range(len(order)):     # the smallest u that draws beyond the id of this rank
        lo, hi = edges[-1], 1.0
        while hi - lo > tol:
            mid = 0.5 * (lo + hi)
            if int(sample(ps, temperature, mid)) > rank:
                hi = mid
            else:
                lo = mid
        edges.append(hi)
    return order, np.diff(edges)


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


def lstm_sample(weights, first_id: int, total_steps: int, steps_of, sample,
                temperature: float = TEMPERATURE, top_p: float = TOP_P, seed: int = 0) -> np.ndarray:
    """Ids from the unconditioned LSTM until their durations (``steps_of[id]``) fill
    ``total_steps``; the first id is given; each draw by :func:`sampler` ``(sample, ...)``.
    Returns int (n,)."""
    kernel, recurrent, bias, W, b = weights
    choose = sampler(sample, temperature, top_p, np.random.default_rng(seed))
    a = c = np.zeros(recurrent.shape[0])
    ids, position = [int(first_id)], int(steps_of[first_id])
    while position < total_steps:
        gi, gf, gg, go = np.split(kernel[ids[-1]] + a @ recurrent + bias, 4)
        c = _sigmoid(gf) * c + _sigmoid(gi) * np.tanh(gg)
        a = _sigmoid(go) * np.tanh(c)
        z = a @ W + b
        p = np.exp(z - z.max())
        ids.append(choose(p / p.sum()))
        position += int(steps_of[ids[-1]])
    return np.array(ids)


def ngram_sample(model, first_id: int, total_steps: int, steps_of, n_values: int, sample,
                 temperature: float = TEMPERATURE, top_p: float = TOP_P, seed: int = 0) -> np.ndarray:
    """Ids from a fitted :class:`helpers.jazz.evaluate.NGram` (unigram or bigram), each drawn
    by :func:`sampler` ``(sample, ...)``."""
    if model.n_values != n_values:
        raise ValueError(f"the n-gram model knows {model.n_values} values, not {n_values}")
    choose = sampler(sample, temperature, top_p, np.random.default_rng(seed))
    ids, position = [int(first_id)], int(steps_of[first_id])
    while position < total_steps:
        ids.append(choose(model.distribution(ids)))
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


def improvise(LSTM_cell, densor, progression, sample, choruses: int = 3,
              temperature: float = TEMPERATURE, top_p: float = TOP_P, seed: int = 0,
              first_value: str = "rest:12"):
    """A solo of the unconditioned LSTM over ``choruses`` choruses, drawn with ``sample``
    (the notebook's ``sample_with_temperature``): ``(solo, values)``."""
    from .data import to_ids, values as vocabulary
    if choruses < 1:
        raise ValueError(f"choruses must be at least 1, got {choruses}")
    first_id = int(to_ids([first_value])[0])
    if first_id == UNK_ID:
        raise ValueError(f"first_value {first_value!r} is not in the vocabulary")
    ids = lstm_sample(lstm_weights(LSTM_cell, densor), first_id, progression.steps * choruses,
                      steps_of_values(vocabulary()), sample, temperature, top_p, seed)
    return realise(ids, progression, choruses)


def conditioned_sample(generate, sample, step, track, total_steps: int, first_id: int, steps_of,
                       temperature: float = TEMPERATURE, top_p: float = TOP_P, seed: int = 0) -> np.ndarray:
    """Ids from the conditioned model's numpy step (``helpers.jazz.model.ConditionedStep``)
    over a chord track (``helpers.jazz.context.ChordTrack``) until ``total_steps`` are filled.

    The loop is ``generate``, the notebook's ``generate_with_context(step, context_at,
    durations, first_id, total_steps, choose)``; its draws are :func:`sampler` ``(sample, ...)``.
    """
    from .context import context_at

    def model_step(x_id, context, state):
        a, c = step.initial_state() if state is None else state
        probs, a, c = step(x_id, context, a, c)
        return probs, (a, c)

    choose = sampler(sample, temperature, top_p, np.random.default_rng(seed))
    ids = generate(model_step, lambda at, prev: context_at(track, at, prev), steps_of,
                   int(first_id), int(total_steps), choose)
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
