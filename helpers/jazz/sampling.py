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
# The default settings of every sampler, chosen on the blues at 160 bpm and the test solos'
# chords (a choice made on them, so the section 7 numbers are not a fresh test of it): the
# whole distribution, slightly cooled. Cutting even the rarest 3 % of the mass (top-p 0.97)
# drops rare long notes: the blues gets a third busier (16 % of inter-onsets under 0.2 beat,
# real solos 11 %); at temperature 1 the line leaps over 7 semitones 30 % more often than real
# players (5.3 % against 4.1 %), at 0.95 about as often (4.3 %).
TEMPERATURE, TOP_P = 0.95, 1.0


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


class Register:
    """Keeps a generated line inside an instrument's range *while sampling*, so that no note
    is ever folded back by an octave afterwards (a fold turns a step into a leap).

        register = Register(chord_at, start_pitch=65)   # chord_at(step) -> Chord
        register.play(first_id)                         # the given first value, at step 0
        probs = register.restrict(probs)                # only values that stay in range
        register.play(chosen_id)

    ``restrict`` zeroes the probability of every note value that, realised from the current
    pitch over the chord where the next value starts, would leave ``low .. high`` (rests
    always stay), and renormalises. ``pitch`` is the last note played, ``onset`` where the
    next value starts; realising the ids with :func:`realise_over` gives the same pitches.
    """

    def __init__(self, chord_at, start_pitch: int = 65, low: int = SAX_LOW, high: int = SAX_HIGH,
                 vocabulary=None):
        from .data import values as all_values
        from .music import CONTOURS, REST, split_value
        vocabulary = all_values() if vocabulary is None else list(vocabulary)
        self.chord_at, self.low, self.high = chord_at, int(low), int(high)
        self.pitch, self.onset, self.played = int(start_pitch), 0, False
        parts = [(None, None, 0) if v == "<unk>" else split_value(v) for v in vocabulary]
        self.slots = [p[0] for p in parts]
        self.is_note = np.array([p[0] not in (None, REST) for p in parts])
        self.contour = np.array([CONTOURS.index(p[1]) if p[1] else 2 for p in parts])
        self.steps = np.array([p[2] for p in parts], np.int64)
        self._pcs, self._jumps, self._allowed = {}, {}, {}

    def _jump(self, chord) -> np.ndarray:
        """(n_values,) how far every value moves the pitch now (rests: 0). It depends only on
        the chord and the current pitch class, so it is computed once per pair."""
        key = (chord.symbol, self.pitch % 12)
        if key not in self._jumps:
            if chord.symbol not in self._pcs:
                names = chord.slot_names
                self._pcs[chord.symbol] = np.array(
                    [(chord.root + names.index(s)) % 12 if n else 0 for s, n in zip(self.slots, self.is_note)])
            r = (self._pcs[chord.symbol] - self.pitch) % 12
            up, down = np.where(r == 0, 12, r), np.where(r == 0, -12, r - 12)
            jump = np.select([self.contour == 0, self.contour == 1, self.contour == 2, self.contour == 3],
                             [down - 12, down, np.where(r <= 6, r, r - 12), up], up + 12)
            self._jumps[key] = np.where(self.is_note, jump, 0)
        return self._jumps[key]

    def _pitches(self, chord) -> np.ndarray:
        """(n_values,) the pitch every value would play now (rests: the current pitch)."""
        return self.pitch + self._jump(chord)

    def allowed(self) -> np.ndarray:
        """Boolean (n_values,): the values that keep the line in range from here."""
        chord = self.chord_at(self.onset)
        key = (chord.symbol, self.pitch)
        if key not in self._allowed:
            p = self._pitches(chord)
            self._allowed[key] = ~self.is_note | ((p >= self.low) & (p <= self.high))
        return self._allowed[key]

    def restrict(self, probs) -> np.ndarray:
        p = np.where(self.allowed(), np.asarray(probs, np.float64), 0.0)
        return p / p.sum()

    def play(self, value_id: int) -> None:
        """The value ``value_id`` starts at ``onset``: move the pitch and the onset on."""
        value_id = int(value_id)
        if self.is_note[value_id]:
            self.pitch = int(self._pitches(self.chord_at(self.onset))[value_id])
            self.played = True
        self.onset += int(self.steps[value_id])


def _draw(choose, probs, register):
    """One id drawn by ``choose``, from ``probs`` restricted by ``register`` (if any)."""
    if register is None:
        return choose(probs)
    chosen = choose(register.restrict(probs))
    register.play(chosen)
    return chosen


def _sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def lstm_step(z, c_prev):
    """The one numpy LSTM update of notebook 2: from the pre-activations
    ``z = xt Wx + a_prev Wa + b`` (the four gates side by side in Keras' order i, f, c, o;
    shape (..., 4 n_a)) and ``c_prev`` (..., n_a), return ``(a_next, c_next)``."""
    n_a = z.shape[-1] // 4
    i, f, g, o = z[..., :n_a], z[..., n_a:2 * n_a], z[..., 2 * n_a:3 * n_a], z[..., 3 * n_a:]
    c_next = _sigmoid(f) * c_prev + _sigmoid(i) * np.tanh(g)
    return _sigmoid(o) * np.tanh(c_next), c_next


def softmax(z):
    """Probabilities from logits along the last axis."""
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def lstm_weights(LSTM_cell, densor) -> list:
    """``[kernel, recurrent, bias, W, b]`` of the shared layers, as float64 arrays."""
    return [np.asarray(w, dtype=np.float64) for w in LSTM_cell.get_weights() + densor.get_weights()]


def lstm_probs(weights, ids) -> np.ndarray:
    """Teacher forcing in numpy: (len(ids), n_values) probabilities of the value after each id."""
    kernel, recurrent, bias, W, b = weights
    a = c = np.zeros(recurrent.shape[0])
    out = []
    for i in ids:
        a, c = lstm_step(kernel[int(i)] + a @ recurrent + bias, c)
        out.append(softmax(a @ W + b))
    return np.array(out)


def lstm_sample(weights, first_id: int, total_steps: int, steps_of, sample,
                temperature: float = TEMPERATURE, top_p: float = TOP_P, seed: int = 0,
                register: Register | None = None) -> np.ndarray:
    """Ids from the unconditioned LSTM until their durations (``steps_of[id]``) fill
    ``total_steps``; the first id is given; each draw by :func:`sampler` ``(sample, ...)``,
    kept in range by ``register`` if one is given. Returns int (n,)."""
    kernel, recurrent, bias, W, b = weights
    choose = sampler(sample, temperature, top_p, np.random.default_rng(seed))
    if register is not None:
        register.play(first_id)
    a = c = np.zeros(recurrent.shape[0])
    ids, position = [int(first_id)], int(steps_of[first_id])
    while position < total_steps:
        a, c = lstm_step(kernel[ids[-1]] + a @ recurrent + bias, c)
        ids.append(_draw(choose, softmax(a @ W + b), register))
        position += int(steps_of[ids[-1]])
    return np.array(ids)


def ngram_sample(model, first_id: int, total_steps: int, steps_of, n_values: int, sample,
                 temperature: float = TEMPERATURE, top_p: float = TOP_P, seed: int = 0,
                 register: Register | None = None) -> np.ndarray:
    """Ids from a fitted :class:`helpers.jazz.sequences.NGram` (unigram or bigram), each drawn
    by :func:`sampler` ``(sample, ...)``, kept in range by ``register`` if one is given."""
    if model.n_values != n_values:
        raise ValueError(f"the n-gram model knows {model.n_values} values, not {n_values}")
    choose = sampler(sample, temperature, top_p, np.random.default_rng(seed))
    if register is not None:
        register.play(first_id)
    ids, position = [int(first_id)], int(steps_of[first_id])
    while position < total_steps:
        ids.append(_draw(choose, model.distribution(ids), register))
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
                      steps_of_values(vocabulary()), sample, temperature, top_p, seed,
                      register=Register(progression.chord_at))
    return realise(ids, progression, choruses)


def conditioned_sample(generate, sample, step, track, total_steps: int, first_id: int, steps_of,
                       temperature: float = TEMPERATURE, top_p: float = TOP_P, seed: int = 0, *,
                       tempo: float, pace: float | None = None,
                       register: Register | None = None) -> np.ndarray:
    """Ids from the conditioned model's numpy step (``helpers.jazz.model.ConditionedStep``)
    over a chord track (``helpers.jazz.context.ChordTrack``) at ``tempo`` (bpm) and ``pace``
    (notes per beat; default ``helpers.jazz.data.typical_pace(tempo)``) until
    ``total_steps`` are filled, kept in range by ``register`` (default: a :class:`Register`
    over the track, the alto's range, starting at pitch 65).

    The loop is ``generate``, the notebook's ``generate_with_context(step, context_at,
    durations, first_id, total_steps, choose)``; its draws are :func:`sampler` ``(sample, ...)``.
    The context tells the model the last note the register played and how high it lies
    against the middle of the register's range. Every value lasts at least one step, so a
    loop that asks for more than ``total_steps`` contexts does not advance: it is stopped
    with a ``RuntimeError`` that says so.
    """
    from .context import context_at

    if pace is None:
        from .data import typical_pace
        pace = typical_pace(tempo)
    register = Register(track.chord_at) if register is None else register
    register.play(first_id)
    centre = (register.low + register.high) / 2

    def model_step(x_id, context, state):
        a, c = step.initial_state() if state is None else state
        probs, a, c = step(x_id, context, a, c)
        return register.restrict(probs), (a, c)

    asked = [0]

    def context_of(at, prev):
        asked[0] += 1
        if asked[0] > total_steps:
            raise RuntimeError(f"generate_with_context asked for more than total_steps = {total_steps} "
                               "contexts: the loop does not advance (after choosing a value, set onset "
                               "to position, where that value starts)")
        return context_at(track, at, prev, tempo=tempo, pace=pace, pitch=register.pitch if register.played else None,
                          centre=centre)

    draw = sampler(sample, temperature, top_p, np.random.default_rng(seed))

    def choose(probs):
        chosen = draw(probs)
        register.play(chosen)
        return chosen

    ids = generate(model_step, context_of, steps_of, int(first_id), int(total_steps), choose)
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


def solos_under(real_solos, tracks, sample, first_value: str = "rest:12", seed: int = 0,
                start_pitch: int = 65):
    """One generated solo per real solo, as long as it and over its chords, kept in the alto's
    range while sampling (:class:`Register`).

    ``sample(track, total_steps, first_id, seed, register) -> ids``; solo ``k`` uses seed
    ``seed * 1000 + k``. Each solo carries its values in ``solo.values``.
    """
    from .data import to_ids
    first_id = int(to_ids([first_value])[0])
    out = []
    for k, (solo, track) in enumerate(zip(real_solos, tracks)):
        shifted, total = under_real_chords(solo, track)
        register = Register(shifted.chord_at, start_pitch)
        ids = sample(shifted, total, first_id, seed * 1000 + k, register)
        solo, values = realise_over(ids, shifted.chord_at, total, start_pitch)
        solo.values = values[:len(solo)]
        out.append(solo)
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
