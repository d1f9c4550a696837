"""The harmonic and metric context of a step: what the conditioned model hears next to a value.

A model that sees only past values cannot know which chord the next note will sound over,
whether a change is coming, or where the beat is. The conditioned model of notebook 2 gets,
next to each value, the context of the step where the *next* event starts:

    x_t = [one_hot(value_t), context_at(track, onset_t + duration_t, onset_t, tempo=tempo, pace=pace)]

so after sampling a value (and with it a duration), the generation loop computes the time
reached, ``step = onset + duration``, and the context there with :func:`context_at`.
The tempo (beats per minute) is the performance's: how busy a line can be depends on it
(real solos below 120 bpm play about ten times as many inter-onsets under 0.2 beat as solos
above 240 bpm), so the model is told its band. The tempo does not settle it: at the same tempo one player
plays three times as many notes as another, so the model is also told the solo's *pace*,
its notes per beat (:func:`solo_pace`); when generating, the pace of a typical player at
that tempo (``helpers.jazz.data.typical_pace``) unless one is given.

The model is also told where the line is: the pitch class of the last note played, relative
to the root of the chord at ``step`` (with the value's slot and contour this fixes the
interval the next note makes), and how high that note lies against the middle of the
line's register (``centre``: the solo's median pitch in the data, the middle of the
instrument's range when generating), so that it can turn a line before it drifts away.

The context vector has ``N_CONTEXT`` = 105 float32 entries, in this order (:data:`PARTS`):

==========  ====  ===========================================================================
part        size  meaning
==========  ====  ===========================================================================
chord         12  chord sounding at ``step``: its tones (root, 3rd, 5th, 7th) as pitch classes
                  relative to its root (multi-hot; e.g. a dominant seventh has 0, 4, 7, 10)
next_chord    12  the next *different* chord, the same way (zeros if none comes)
next_root     12  one-hot: the next chord's root, in semitones above the current root
until_change  17  one-hot: steps until the next change, in sixteenths: index ``(s - 1) // 3``
                  for ``s`` = 1..48 steps, index 16 for more than a bar or no change to come
beat           4  one-hot: the beat of the bar (0..3) ``step`` falls in
in_beat       12  one-hot: ``step`` within its beat (0..11, 6 = the off-beat eighth)
changed       13  one-hot: 0 if the chord at ``step`` is the one that sounded at
                  ``prev_step`` (or ``prev_step`` is None); ``1 + i`` if it changed to a chord
                  whose root is ``i`` semitones above the previous root
tempo          4  one-hot: the tempo band, below 120, 120-180, 180-240, 240 bpm and above
                  (:data:`TEMPO_EDGES`)
bpm            1  the tempo itself, in units of :data:`TEMPO_SCALE` = 200 bpm (inside a band,
                  how busy a line is still falls with the tempo)
pace           1  the solo's notes per beat, in units of :data:`PACE_SCALE` = 4 (the same at
                  every step of a solo)
last_pc       12  one-hot: the last note's pitch class above the root of the chord at
                  ``step`` (zeros before the first note)
height         5  one-hot: the last note minus ``centre``, in semitones: up to -9, -8..-3,
                  -2..2, 3..8, 9 and more (:data:`HEIGHT_EDGES`; zeros before the first note)
==========  ====  ===========================================================================

Time is in steps of 1/12 beat (``helpers.jazz.music.STEPS_PER_BEAT``), 48 to a 4/4 bar.
"""
from __future__ import annotations

from bisect import bisect_right

import numpy as np

from .music import STEPS_PER_BAR, STEPS_PER_BEAT, Chord, Progression, parse_chord

PARTS = (("chord", 12), ("next_chord", 12), ("next_root", 12), ("until_change", 17),
         ("beat", 4), ("in_beat", 12), ("changed", 13), ("tempo", 4), ("bpm", 1), ("pace", 1), ("last_pc", 12), ("height", 5))
HEIGHT_EDGES = (-8, -2, 3, 9)  # semitones from the centre: the lower edges of height bands 1..4
TEMPO_EDGES = (120, 180, 240)  # bpm: the lower edges of the tempo bands 1, 2, 3
TEMPO_SCALE = 200.0
PACE_SCALE = 4.0
SLICES = {}
_start = 0
for _name, _size in PARTS:
    SLICES[_name] = slice(_start, _start + _size)
    _start += _size
N_CONTEXT = _start
del _start, _name, _size


def chord_tones(chord: Chord) -> np.ndarray:
    """(12,) float32 multi-hot of the chord's tones (root, 3rd, 5th, 7th), relative to its root."""
    out = np.zeros(12, np.float32)
    out[[0, *chord.tones]] = 1.0
    return out


def _same(a: Chord, b: Chord) -> bool:
    return a.root == b.root and a.quality == b.quality


class ChordTrack:
    """Which chord sounds when: chord ``chords[k]`` from step ``starts[k]`` until the next start.

    starts: ascending int steps; chords: one :class:`~helpers.jazz.music.Chord` per start.
    Neighbouring equal chords (same root and quality) are merged. With ``period`` (steps) the
    track repeats forever (a tune's chorus); without it the last chord lasts for ever and
    no change follows it; steps before the first start belong to the first chord.
    """

    def __init__(self, starts, chords, period: int | None = None):
        starts = [int(s) for s in starts]
        if not starts or len(starts) != len(chords):
            raise ValueError(f"a chord track needs one start per chord, got {len(starts)} "
                             f"starts and {len(chords)} chords")
        if any(b <= a for a, b in zip(starts, starts[1:])):
            raise ValueError(f"chord starts must be strictly ascending, got {starts}")
        if period is not None and not (0 <= starts[0] and starts[-1] < period):
            raise ValueError(f"with period {period}, starts must lie in 0..{period - 1}")
        self.starts, self.chords = [starts[0]], [chords[0]]
        for s, c in zip(starts[1:], chords[1:]):
            if not _same(c, self.chords[-1]):
                self.starts.append(s)
                self.chords.append(c)
        self.period = period

    @classmethod
    def from_progression(cls, progression: Progression) -> "ChordTrack":
        """The track of a tune, repeating chorus after chorus."""
        changes = progression.changes(1)
        return cls([s for s, _, _ in changes], [c for _, _, c in changes], period=progression.steps)

    @classmethod
    def from_events(cls, onsets, durations, symbols) -> "ChordTrack":
        """The track of a transcribed solo, whose chords are known only at event onsets.

        A change seen between two onsets is placed at the last half-bar line (a multiple
        of 24 steps) after the earlier onset and no later than the later one, else at the
        last beat in that span, else at the later onset. The chord at every onset stays
        the one given for it.
        """
        chords = [parse_chord(s) for s in symbols]
        onsets = [int(o) for o in onsets]
        starts, track = [onsets[0]], [chords[0]]
        for t in range(1, len(onsets)):
            if _same(chords[t], track[-1]):
                continue
            lo, hi = onsets[t - 1], onsets[t]
            at = hi
            for grid in (2 * STEPS_PER_BEAT, STEPS_PER_BEAT):
                line = hi - hi % grid
                if line > lo:
                    at = line
                    break
            starts.append(at)
            track.append(chords[t])
        return cls(starts, track)

    def _index(self, step: int) -> tuple[int, int]:
        """(index of the chord at ``step``, offset in steps of its repetition)."""
        offset = 0
        if self.period is not None:
            offset = (step // self.period) * self.period
            step -= offset
        return max(bisect_right(self.starts, step) - 1, 0), offset

    def chord_at(self, step: int) -> Chord:
        """The chord sounding at ``step``."""
        return self.chords[self._index(int(step))[0]]

    def next_change(self, step: int):
        """``(steps_until, chord)`` of the next change after ``step``, or ``(None, None)``."""
        k, offset = self._index(int(step))
        n = len(self.starts)
        if self.period is None:
            if k + 1 >= n:
                return None, None
            return self.starts[k + 1] - int(step), self.chords[k + 1]
        current = self.chords[k]
        for j in range(k + 1, k + n + 1):
            chord = self.chords[j % n]
            if not _same(chord, current):
                start = self.starts[j % n] + offset + (j // n) * self.period
                return start - int(step), chord
        return None, None


def tempo_band(tempo: float) -> int:
    """0..3: the band of ``tempo`` (bpm), cut at :data:`TEMPO_EDGES`."""
    if not tempo > 0:
        raise ValueError(f"tempo must be a positive number of beats per minute, got {tempo}")
    return int(bisect_right(TEMPO_EDGES, float(tempo)))


def solo_pace(durations, pitches) -> float:
    """Notes per beat of a line: its notes (``pitches`` >= 0; -1 for rests) over the beats its
    events last (``durations`` in steps)."""
    durations, pitches = np.asarray(durations), np.asarray(pitches)
    beats = durations.sum() / STEPS_PER_BEAT
    if len(durations) != len(pitches) or not beats > 0:
        raise ValueError(f"a pace needs one pitch per duration and a positive length, got "
                         f"{len(pitches)} pitches for {len(durations)} durations lasting {beats} beats")
    return float((pitches >= 0).sum() / beats)


def context_at(track: ChordTrack, step: int, prev_step: int | None = None, *, tempo: float,
               pace: float, pitch: int | None = None, centre: float = 65.0) -> np.ndarray:
    """The context of the event that starts at ``step``: (N_CONTEXT,) float32.

    track: the chords (:class:`ChordTrack`); step: where the next event starts, i.e. the
    onset of the value just sampled plus its duration; prev_step: that onset (the chord
    sounding there tells whether the chord changed in between), or None at the start;
    tempo: beats per minute; pace: notes per beat (:func:`solo_pace`); pitch: the last note played (MIDI), None before the first
    note; centre: the middle of the line's register. See the module docstring for the layout.
    """
    step = int(step)
    out = np.zeros(N_CONTEXT, np.float32)
    chord = track.chord_at(step)
    out[SLICES["chord"]] = chord_tones(chord)
    until, nxt = track.next_change(step)
    if nxt is not None:
        out[SLICES["next_chord"]] = chord_tones(nxt)
        out[SLICES["next_root"].start + (nxt.root - chord.root) % 12] = 1.0
    bucket = 16 if until is None or until > STEPS_PER_BAR else (until - 1) // 3
    out[SLICES["until_change"].start + bucket] = 1.0
    out[SLICES["beat"].start + (step % STEPS_PER_BAR) // STEPS_PER_BEAT] = 1.0
    out[SLICES["in_beat"].start + step % STEPS_PER_BEAT] = 1.0
    changed = 0
    if prev_step is not None:
        before = track.chord_at(int(prev_step))
        if not _same(before, chord):
            changed = 1 + (chord.root - before.root) % 12
    out[SLICES["changed"].start + changed] = 1.0
    out[SLICES["tempo"].start + tempo_band(tempo)] = 1.0
    out[SLICES["bpm"].start] = float(tempo) / TEMPO_SCALE
    if not pace >= 0:
        raise ValueError(f"pace must be a number of notes per beat >= 0, got {pace}")
    out[SLICES["pace"].start] = float(pace) / PACE_SCALE
    if pitch is not None and pitch >= 0:
        out[SLICES["last_pc"].start + (int(pitch) - chord.root) % 12] = 1.0
        out[SLICES["height"].start + int(bisect_right(HEIGHT_EDGES, int(pitch) - centre))] = 1.0
    return out


def event_contexts(track: ChordTrack, onsets, durations, tempo: float, pitches) -> np.ndarray:
    """(n, N_CONTEXT) float32: row ``t`` = ``context_at(track, onsets[t] + durations[t], onsets[t],
    tempo=tempo, pace=<the solo's pace>, pitch=<the last note at or before t>, centre=<the median note>)``, the
    context fed next to value ``t`` (that of the event after it). ``pitches``: -1 for rests."""
    pitches = np.asarray(pitches)
    notes = pitches[pitches >= 0]
    centre = float(np.median(notes)) if len(notes) else 65.0
    pace = solo_pace(durations, pitches) if len(pitches) else 0.0
    rows, last = [], None
    for o, d, p in zip(onsets, durations, pitches):
        last = int(p) if p >= 0 else last
        rows.append(context_at(track, int(o) + int(d), int(o), tempo=tempo, pace=pace, pitch=last, centre=centre))
    return np.stack(rows) if rows else np.zeros((0, N_CONTEXT), np.float32)


def describe(context: np.ndarray) -> dict:
    """A context vector in words: ``{"chord": [0, 4, 7, 10], "next_root": 5, ...}``
    (the indices that are set in each part; ``until_change`` in steps, rounded to sixteenths)."""
    context = np.asarray(context)
    if context.shape != (N_CONTEXT,):
        raise ValueError(f"a context vector has shape ({N_CONTEXT},), got {context.shape}")
    out = {}
    for name, _ in PARTS:
        hot = np.flatnonzero(context[SLICES[name]] > 0.5).tolist()
        out[name] = hot if name in ("chord", "next_chord") else (hot[0] if hot else None)
    out["bpm"] = round(float(context[SLICES["bpm"]][0]) * TEMPO_SCALE, 1)
    out["pace"] = round(float(context[SLICES["pace"]][0]) * PACE_SCALE, 2)
    if out["until_change"] is not None:
        out["until_change"] = None if out["until_change"] == 16 else 3 * (out["until_change"] + 1)
    return out
