"""How close generated solos come to real ones (notebook 2, section "Generated versus real").

- :func:`tv_distance` of the note-duration and interval distributions (total variation:
  half the L1 distance of two histograms; 0 = the same, 1 = disjoint);
- :func:`short_share`: the share of notes of at most 1/6 beat (2 steps);
- :func:`chord_tone_share`: the harmony measure, the share of notes whose pitch class is a
  chord tone (root, third, fifth, seventh) of the chord sounding at the note's onset, on
  strong beats (notes starting on beat 1 or 3) and elsewhere ("weak": every other onset);
  :func:`tritone_shifted` moves every chord of a solo by six semitones, the check that the
  measure hears the harmony at all.
"""
from __future__ import annotations

from bisect import bisect_right

import numpy as np

from .music import DURATIONS, STEPS_PER_BEAT, Chord, Solo, parse_chord

INTERVAL_CLIP = 12
SHORT = 2  # steps: 1/6 beat


def tv_distance(a, b, support) -> float:
    """Total variation distance between the empirical distributions of ``a`` and ``b`` over
    ``support`` (values outside it are an error)."""
    support = list(support)
    index = {v: i for i, v in enumerate(support)}
    hist = []
    for sample in (a, b):
        h = np.zeros(len(support))
        for v in np.asarray(sample).ravel():
            if int(v) not in index:
                raise ValueError(f"value {int(v)} is outside the support {support[0]}..{support[-1]}")
            h[index[int(v)]] += 1
        if h.sum() == 0:
            raise ValueError("cannot compare an empty sample")
        hist.append(h / h.sum())
    return 0.5 * float(np.abs(hist[0] - hist[1]).sum())


def note_durations(solos) -> np.ndarray:
    return np.concatenate([np.asarray(s.durations)[np.asarray(s.pitches) >= 0] for s in solos])


def intervals(solos, clip: int = INTERVAL_CLIP) -> np.ndarray:
    """Semitones between consecutive notes of each solo (rests skipped), clipped to ±clip."""
    out = []
    for s in solos:
        p = np.asarray(s.pitches)
        out.append(np.diff(p[p >= 0]))
    return np.clip(np.concatenate(out), -clip, clip)


def duration_tv(real, generated) -> float:
    return tv_distance(note_durations(real), note_durations(generated), range(1, max(DURATIONS) + 1))


def interval_tv(real, generated) -> float:
    support = range(-INTERVAL_CLIP, INTERVAL_CLIP + 1)
    return tv_distance(intervals(real), intervals(generated), support)


def short_share(solos) -> float:
    """Share of notes lasting at most 1/6 beat (2 steps)."""
    d = note_durations(solos)
    return float(np.mean(d <= SHORT))


def _is_strong(onset: int) -> bool:
    return int(onset) % (2 * STEPS_PER_BEAT) == 0


def chord_tone_counts(solo: Solo, shift: int = 0) -> dict:
    """``{"strong": (chord tones, notes), "weak": (...)}`` of one solo, every chord's root
    moved by ``shift`` semitones."""
    counts = {"strong": [0, 0], "weak": [0, 0]}
    cache = {}
    for onset, pitch, symbol in zip(solo.onsets, solo.pitches, solo.chords):
        if pitch < 0:
            continue
        if symbol not in cache:
            cache[symbol] = parse_chord(symbol)
        chord = cache[symbol]
        tones = {(chord.root + shift + t) % 12 for t in (0,) + chord.tones}
        kind = "strong" if _is_strong(onset) else "weak"
        counts[kind][0] += int(pitch) % 12 in tones
        counts[kind][1] += 1
    return {k: tuple(v) for k, v in counts.items()}


def chord_tone_share(solos, shift: int = 0) -> dict:
    """Share of chord tones among the notes on strong beats (1 and 3) and on weak ones
    (every other onset), pooled over ``solos``: ``{"strong": s, "weak": w, "all": a}``."""
    total = {"strong": [0, 0], "weak": [0, 0]}
    for solo in solos:
        for k, (hit, n) in chord_tone_counts(solo, shift).items():
            total[k][0] += hit
            total[k][1] += n
    out = {k: hit / max(n, 1) for k, (hit, n) in total.items()}
    out["all"] = (total["strong"][0] + total["weak"][0]) / max(total["strong"][1] + total["weak"][1], 1)
    return out


def bootstrap_share(solos, kind: str = "strong", shift: int = 0, n: int = 1000, seed: int = 0):
    """(mean, std) of :func:`chord_tone_share` ``[kind]`` over solos resampled with replacement."""
    counts = np.array([chord_tone_counts(s, shift)[kind] for s in solos], dtype=float)
    rng = np.random.default_rng(seed)
    picks = rng.integers(0, len(solos), (n, len(solos)))
    shares = counts[picks, 0].sum(1) / np.maximum(counts[picks, 1].sum(1), 1)
    return float(shares.mean()), float(shares.std())


def chord_track(solo: Solo):
    """``chord_at(step)`` of a transcribed solo: the chord of the last event starting at or
    before ``step`` (the first event's chord before it)."""
    onsets = [int(o) for o in solo.onsets]
    chords: list[Chord] = [parse_chord(c) for c in solo.chords]

    def chord_at(step):
        return chords[max(bisect_right(onsets, int(step)) - 1, 0)]
    return chord_at


def summary(real, generated) -> dict:
    """Every measure of ``generated`` next to the real solos' (plain floats)."""
    return {"duration_tv": duration_tv(real, generated), "interval_tv": interval_tv(real, generated),
            "short_share": short_share(generated), "short_share_real": short_share(real),
            **{f"chord_{k}": v for k, v in chord_tone_share(generated).items()}}
