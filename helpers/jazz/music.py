"""Jazz harmony and rhythm for notebook 2: chords, progressions, values -> notes, MIDI, audio.

Time is counted in *steps* of 1/12 beat (``STEPS_PER_BEAT``), so a 4/4 bar has 48 steps,
an eighth note 6, a triplet eighth 4, a sixteenth 3.

A *value* (the token the model predicts) describes one event against the chord under it:

- a note: ``"<slot>:<contour>:<duration>"``, e.g. ``"3:+:6"`` = the chord's third, reached by
  going up (at most an octave) from the previous note, lasting an eighth (6 steps) until the
  next event;
- a rest: ``"rest:<duration>"``.

Slots name the 12 pitch classes relative to the chord: ``R 3 5 7`` are the chord tones (the
third, fifth and seventh of *this* chord, whatever its quality), ``T1 ... T8`` the other
eight pitch classes in ascending order from the root (on a dominant seventh: b9 9 #9 11 #11
b13 13 maj7). A value therefore means the same thing over any chord, which is what lets us
realise it over a new progression. Contours: ``=`` same pitch, ``+``/``-`` up/down by 1-12
semitones, ``++``/``--`` up/down by 13-24 semitones.

This module does not encode notes into values: that is the graded exercise ``note_to_value``
of the notebook. It realises values back into notes (``decode``), which is the inverse.
"""
from __future__ import annotations

import functools
import re
import wave
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

STEPS_PER_BEAT = 12
BEATS_PER_BAR = 4
STEPS_PER_BAR = STEPS_PER_BEAT * BEATS_PER_BAR
DURATIONS = (1, 2, 3, 4, 6, 8, 9, 12, 18, 24, 36, 48)
CONTOURS = ("--", "-", "=", "+", "++")
CHORD_SLOTS = ("R", "3", "5", "7")
TENSION_SLOTS = tuple(f"T{i}" for i in range(1, 9))
SLOTS = CHORD_SLOTS + TENSION_SLOTS
REST = "rest"

PITCH_CLASSES = {"C": 0, "D": 2, "E": 4, "F": 5, "G": 7, "A": 9, "B": 11}
NOTE_NAMES = ("C", "Db", "D", "Eb", "E", "F", "Gb", "G", "Ab", "A", "Bb", "B")

# (third, fifth, seventh) in semitones above the root, and the chord scale, per quality.
QUALITIES = {
    "maj7": ((4, 7, 11), (0, 2, 4, 5, 7, 9, 11)),
    "maj6": ((4, 7, 9), (0, 2, 4, 5, 7, 9, 11)),
    "dom7": ((4, 7, 10), (0, 2, 4, 5, 7, 9, 10)),
    "min7": ((3, 7, 10), (0, 2, 3, 5, 7, 9, 10)),
    "min6": ((3, 7, 9), (0, 2, 3, 5, 7, 9, 11)),
    "minmaj7": ((3, 7, 11), (0, 2, 3, 5, 7, 9, 11)),
    "half-dim": ((3, 6, 10), (0, 1, 3, 5, 6, 8, 10)),
    "dim7": ((3, 6, 9), (0, 2, 3, 5, 6, 8, 9, 11)),
    "aug7": ((4, 8, 10), (0, 2, 4, 6, 8, 10)),
    "augmaj7": ((4, 8, 11), (0, 2, 4, 6, 8, 9, 11)),
    "sus7": ((5, 7, 10), (0, 2, 4, 5, 7, 9, 10)),
}

# Quality prefixes, longest first. WJD spelling: - minor, j7 major seventh, o diminished,
# + augmented, m7b5 half-diminished; a few common alternatives are accepted as well.
_PREFIXES = (
    ("m7b5", "half-dim"), ("ø", "half-dim"), ("-7b5", "half-dim"),
    ("o7", "dim7"), ("dim7", "dim7"), ("dim", "dim7"), ("o", "dim7"),
    ("sus", "sus7"),
    ("-j7", "minmaj7"), ("-maj7", "minmaj7"), ("-6", "min6"), ("-", "min7"),
    ("min", "min7"), ("maj7", "maj7"), ("maj", "maj7"), ("m", "min7"),
    ("+j7", "augmaj7"), ("+", "aug7"), ("aug", "aug7"),
    ("j7", "maj7"), ("j", "maj7"), ("M7", "maj7"), ("Δ", "maj7"),
    ("6", "maj6"), ("7", "dom7"), ("9", "dom7"), ("13", "dom7"), ("11", "dom7"),
    ("alt", "dom7"),
)
_CHORD_RE = re.compile(r"^([A-G])([b#]?)(.*?)(?:/([A-G][b#]?))?$")
_TENSIONS_RE = re.compile(r"^(?:alt|[0-9b#])*$")


@dataclass(frozen=True)
class Chord:
    """A parsed chord symbol. ``root`` is a pitch class 0-11 (C = 0)."""

    symbol: str
    root: int
    quality: str

    @property
    def tones(self) -> tuple[int, int, int]:
        """(third, fifth, seventh) in semitones above the root."""
        return QUALITIES[self.quality][0]

    @property
    def scale(self) -> tuple[int, ...]:
        """The chord scale, as semitones above the root."""
        return QUALITIES[self.quality][1]

    @property
    def slot_names(self) -> tuple[str, ...]:
        """``slot_names[i]`` is the slot of the pitch class ``i`` semitones above the root."""
        names = [""] * 12
        for name, interval in zip(CHORD_SLOTS, (0,) + self.tones):
            names[interval] = name
        others = [i for i in range(12) if not names[i]]
        for name, interval in zip(TENSION_SLOTS, others):
            names[interval] = name
        return tuple(names)

    def interval_of(self, slot: str) -> int:
        """Semitones above the root of ``slot`` (inverse of ``slot_names``)."""
        try:
            return self.slot_names.index(slot)
        except ValueError:
            raise ValueError(f"unknown slot {slot!r} (known: {', '.join(SLOTS)})") from None

    def note_type(self, pitch: int) -> str:
        """``"chord"``, ``"scale"``, ``"approach"`` (a semitone from a chord tone) or ``"other"``."""
        interval = (int(pitch) - self.root) % 12
        chord_tones = (0,) + self.tones
        if interval in chord_tones:
            return "chord"
        if interval in self.scale:
            return "scale"
        if any((interval - t) % 12 in (1, 11) for t in chord_tones):
            return "approach"
        return "other"


@functools.lru_cache(maxsize=4096)   # a Chord is frozen: one parse per symbol serves every call
def parse_chord(symbol: str) -> Chord:
    """Parse a chord symbol such as ``Bb7``, ``G-7``, ``Ebj7``, ``C-7b5``, ``F7/A``.

    Raises ``ValueError`` naming the symbol if it cannot be read (``NC`` included: a
    value cannot be realised without a chord).
    """
    text = str(symbol).strip()
    match = _CHORD_RE.match(text)
    if not match or text == "NC":
        raise ValueError(f"unknown chord symbol {symbol!r}: expected a root A-G, an optional "
                         "b/#, then a quality such as 7, -7, j7, m7b5, o7, +7, sus7, 6")
    root = (PITCH_CLASSES[match.group(1)] + {"": 0, "b": -1, "#": 1}[match.group(2)]) % 12
    rest = match.group(3)
    quality, tail = "maj6", rest
    for prefix, name in _PREFIXES:
        if rest.startswith(prefix):
            quality, tail = name, rest[len(prefix):]
            break
    if not _TENSIONS_RE.match(tail):
        raise ValueError(f"unknown chord symbol {symbol!r}: cannot read {tail!r} after the "
                         f"root and quality")
    return Chord(text, root, quality)


# ----------------------------------------------------------------------------- values

def format_value(slot: str, contour: str, duration: int) -> str:
    return f"{slot}:{contour}:{int(duration)}"


def split_value(value: str) -> tuple[str, str | None, int]:
    """``"3:+:6"`` -> ``("3", "+", 6)``; ``"rest:12"`` -> ``("rest", None, 12)``."""
    parts = str(value).split(":")
    try:
        if len(parts) == 2 and parts[0] == REST:
            slot, contour, duration = REST, None, int(parts[1])
        elif len(parts) == 3 and parts[0] in SLOTS and parts[1] in CONTOURS:
            slot, contour, duration = parts[0], parts[1], int(parts[2])
        else:
            raise ValueError
    except ValueError:
        raise ValueError(f"malformed value {value!r}: expected 'slot:contour:duration' "
                         "(e.g. '3:+:6') or 'rest:duration'") from None
    if duration not in DURATIONS:
        raise ValueError(f"value {value!r}: duration {duration} is not one of {DURATIONS}")
    return slot, contour, duration


def all_values() -> list[str]:
    """Every value the encoding can express (most never occur)."""
    notes = [format_value(s, c, d) for s in SLOTS for c in CONTOURS for d in DURATIONS]
    return notes + [f"{REST}:{d}" for d in DURATIONS]


def realise_pitch(slot: str, contour: str, prev_pitch: int, chord: Chord) -> int:
    """The pitch that plays ``slot`` of ``chord`` with ``contour`` from ``prev_pitch``."""
    pc = (chord.root + chord.interval_of(slot)) % 12
    r = (pc - int(prev_pitch)) % 12
    if contour == "=":
        jump = r if r <= 6 else r - 12  # the slot's pitch nearest to the previous note
    elif contour == "+":
        jump = r if r else 12
    elif contour == "-":
        jump = r - 12 if r else -12
    elif contour == "++":
        jump = (r if r else 12) + 12
    elif contour == "--":
        jump = (r - 12 if r else -12) - 12
    else:
        raise ValueError(f"unknown contour {contour!r} (known: {', '.join(CONTOURS)})")
    return int(prev_pitch) + jump


@dataclass
class Solo:
    """A monophonic line on the step grid; rests have pitch -1.

    onsets (n,) and durations (n,) in steps, pitches (n,) MIDI numbers or -1, chords: n symbols.
    """

    onsets: np.ndarray
    durations: np.ndarray
    pitches: np.ndarray
    chords: list = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.onsets)

    @property
    def notes(self) -> np.ndarray:
        """Boolean mask of the events that are notes (not rests)."""
        return np.asarray(self.pitches) >= 0


def encode_solo(solo: Solo, note_to_value, start_pitch: int | None = None) -> list[str]:
    """The values of a solo, using ``note_to_value(pitch, prev_pitch, duration, chord)``.

    ``start_pitch`` is the pitch before the first note (default: the first note itself).
    """
    pitched = [int(p) for p in solo.pitches if p >= 0]
    if not pitched:
        raise ValueError("the solo has no notes, only rests: nothing to encode")
    prev = pitched[0] if start_pitch is None else int(start_pitch)
    values = []
    for pitch, duration, symbol in zip(solo.pitches, solo.durations, solo.chords):
        if pitch < 0:
            values.append(f"{REST}:{int(duration)}")
        else:
            values.append(note_to_value(int(pitch), prev, int(duration), parse_chord(symbol)))
            prev = int(pitch)
    return values


def decode(values, chord_at, start_pitch: int, start_step: int = 0,
           low: int | None = None, high: int | None = None) -> Solo:
    """Realise values as notes over chords, one after the other, nothing overlapping.

    values: sequence of value strings; chord_at(step) -> Chord sounding at that step;
    start_pitch: the pitch before the first note; low/high: if given, notes that leave the
    range are moved by octaves back into it (for generation; the round trip leaves them unset).
    """
    onsets, durations, pitches, chords = [], [], [], []
    step, prev = int(start_step), int(start_pitch)
    for value in values:
        slot, contour, duration = split_value(value)
        chord = chord_at(step)
        if slot == REST:
            pitch = -1
        else:
            pitch = realise_pitch(slot, contour, prev, chord)
            while high is not None and pitch > high:
                pitch -= 12
            while low is not None and pitch < low:
                pitch += 12
            prev = pitch
        onsets.append(step)
        durations.append(duration)
        pitches.append(pitch)
        chords.append(chord.symbol)
        step += duration
    return Solo(np.array(onsets, dtype=np.int64), np.array(durations, dtype=np.int64),
                np.array(pitches, dtype=np.int64), chords)


# ----------------------------------------------------------------------- progressions

@dataclass(frozen=True)
class Progression:
    """Chords over bars of 4/4: ``bars[i]`` lists the chords of bar i, sharing it evenly."""

    bars: tuple

    @property
    def steps(self) -> int:
        """Length of one chorus in steps."""
        return len(self.bars) * STEPS_PER_BAR

    @functools.cached_property
    def track(self):
        """The tune's chords as a :class:`helpers.jazz.context.ChordTrack`, repeating chorus
        after chorus (made once per progression)."""
        from .context import ChordTrack   # context builds on this module

        return ChordTrack.from_progression(self)

    def chord_at(self, step: int) -> Chord:
        """The chord sounding at ``step`` (the progression repeats chorus after chorus):
        ``self.track.chord_at(step)``, the one "chord at step" of ``helpers.jazz``."""
        return self.track.chord_at(step)

    def changes(self, choruses: int = 1):
        """``(start_step, duration_steps, chord)`` for every chord, chorus after chorus."""
        out = []
        for index in range(choruses * len(self.bars)):
            bar = self.bars[index % len(self.bars)]
            share = STEPS_PER_BAR // len(bar)
            for j, chord in enumerate(bar):
                out.append((index * STEPS_PER_BAR + j * share, share, chord))
        return out


def parse_progression(text: str) -> Progression:
    """Read bars separated by ``|``, chords inside a bar separated by spaces.

    ``"Bb7 | Eb7 | Bb7 | Bb7 | Eb7 | Eb7 | Bb7 | G7 | C-7 | F7 | Bb7 G7 | C-7 F7"``.
    Section labels (``A1:``) and repeated bar lines (``||``), as in the WJD's
    ``chord_changes``, are skipped. Raises ``ValueError`` for an empty progression, a bar
    with more than 4 chords, or an unknown chord symbol (naming it and its bar).
    """
    bars = []
    for line in str(text).splitlines():
        line = re.sub(r"^\s*[A-Za-z]+\d*\s*:", "", line)
        for cell in line.split("|"):
            symbols = cell.split()
            if not symbols:
                continue
            if len(symbols) > BEATS_PER_BAR or len(symbols) == 3:
                raise ValueError(f"bar {len(bars) + 1} ({cell.strip()!r}) has {len(symbols)} "
                                 "chords: give 1, 2 or 4 chords per bar")
            chords = []
            for symbol in symbols:
                try:
                    chords.append(parse_chord(symbol))
                except ValueError as err:
                    raise ValueError(f"bar {len(bars) + 1}: {err}") from None
            bars.append(tuple(chords))
    if not bars:
        raise ValueError(f"empty progression {text!r}: give bars separated by '|', "
                         "e.g. 'Bb7 | Eb7 | Bb7 | Bb7'")
    return Progression(tuple(bars))


BLUES_IN_BB = "Bb7 | Eb7 | Bb7 | Bb7 | Eb7 | Eb7 | Bb7 | G7 | C-7 | F7 | Bb7 G7 | C-7 F7"


# ----------------------------------------------------------------------- accompaniment

def walking_bass(progression: Progression, choruses: int) -> list[tuple[int, int, int]]:
    """Quarter notes ``(onset_step, duration_steps, pitch)``: root on the chord's first beat,
    chord tones in between, and a semitone approach into the next chord's root."""
    notes = []
    changes = progression.changes(choruses)
    for index, (start, length, chord) in enumerate(changes):
        nxt = changes[(index + 1) % len(changes)][2]
        beats = length // STEPS_PER_BEAT
        root = 36 + (chord.root - 36) % 12  # C2 (= 36) .. B2, and above G2 an octave lower: Ab1 .. G2
        if root > 43:
            root -= 12
        line = [root, root + chord.tones[0], root + chord.tones[1], root + chord.tones[2]][:beats]
        if beats >= 2:
            target = 36 + (nxt.root - 36) % 12
            target = target - 12 if target > 43 else target
            line[-1] = target + (1 if target < root + chord.tones[1] else -1)
        for beat, pitch in enumerate(line):
            notes.append((start + beat * STEPS_PER_BEAT, STEPS_PER_BEAT, int(pitch)))
    return notes


def bass_skips(progression: Progression, choruses: int) -> list[tuple[int, int, int]]:
    """Swung "skip" notes: in every second bar, the off-beat eighth of beat 4 repeats the
    approach note a step early, as walking bass players do (the beat itself is shortened)."""
    skips = []
    for onset, duration, pitch in walking_bass(progression, choruses):
        bar, within = divmod(onset, STEPS_PER_BAR)
        if within == 3 * STEPS_PER_BEAT and bar % 2 == 1:
            skips.append((onset + STEPS_PER_BEAT // 2, STEPS_PER_BEAT // 2, pitch))
    return skips


def comping(progression: Progression, choruses: int) -> list[tuple[int, int, int]]:
    """Rootless voicings (third, seventh, fifth) around middle C in a "Charleston" rhythm:
    on the chord's first beat, and on the (swung) off-beat of its second beat, held."""
    notes = []
    for start, length, chord in progression.changes(choruses):
        hits = [(start, STEPS_PER_BEAT // 2)]
        if length >= 2 * STEPS_PER_BEAT:
            off = start + STEPS_PER_BEAT + STEPS_PER_BEAT // 2
            hits.append((off, start + length - off - 1))
        else:
            hits = [(start, length - 1)]
        for interval in (chord.tones[0], chord.tones[2], chord.tones[1] + 12):
            pitch = 52 + (chord.root + interval - 52) % 12
            for onset, duration in hits:
                notes.append((onset, max(duration, 1), int(pitch)))
    return notes


# ----------------------------------------------------------------------------- MIDI, audio

def steps_to_seconds(steps, tempo: float) -> np.ndarray:
    return np.asarray(steps, dtype=float) * 60.0 / (tempo * STEPS_PER_BEAT)


# Swing. A *swing ratio* r is the long:short ratio of a pair of eighth notes: the off-beat
# eighth is played r/(1+r) of the way through the beat (r = 1 straight, r = 2 on the last
# triplet). Real ratios fall as the tempo rises, and soloists swing less than drummers:
# - ride cymbal: Friberg & Sundstrom (2002, Music Perception 19(3), 333-349) measured about
#   3.5:1 at slow tempi down to 1:1 at fast tempi, the short note staying near 100 ms from
#   medium tempi on; we use r = (beat - 100 ms) / 100 ms, kept within [1, 3.5];
# - soloists: measured on the Weimar Jazz Database (the 4/4 swing solos: 15,279 pairs of
#   eighths on one beat followed by a note on the next beat; the median ratio of each of the
#   237 solos with at least 10 pairs, fitted against its tempo): log2 r = 0.344 - 0.000678 * bpm,
#   i.e. 1.22 at 80 bpm, 1.18 at 160, 1.13 at 240, 1.10 at 300 (WJD medians per tempo band lie
#   between 1.05 and 1.21; the soloists' ratio falls only weakly with tempo: correlation -0.26
#   across solos). Reproduced by scripts/measure_swing.py.
RIDE_SHORT_S = 0.1
RIDE_MAX_RATIO = 3.5
SOLO_LOG2_RATIO = (0.344, -0.000678)  # intercept, per bpm
DEFAULT_TEMPO = 160.0
MIDI_RESOLUTION = 960  # ticks per beat: 80 per step, so triplets and sixteenths are exact


def swing_ratio(tempo: float, part: str = "solo") -> float:
    """The long:short ratio of swung eighths at ``tempo`` (bpm) for ``"solo"`` or ``"ride"``
    (the drums, and the bass and piano that lock with them); never below 1 (straight)."""
    if not tempo > 0:
        raise ValueError(f"tempo must be a positive number of beats per minute, got {tempo!r}")
    if part == "solo":
        ratio = 2.0 ** (SOLO_LOG2_RATIO[0] + SOLO_LOG2_RATIO[1] * float(tempo))
    elif part == "ride":
        ratio = min((60.0 / float(tempo) - RIDE_SHORT_S) / RIDE_SHORT_S, RIDE_MAX_RATIO)
    else:
        raise ValueError(f"unknown part {part!r} for a swing ratio: 'solo' or 'ride'")
    return max(ratio, 1.0)


def eighth_beats(onsets) -> set:
    """The beats (onset // STEPS_PER_BEAT) of a part that are played in eighths: every onset
    of the part inside them falls on step 0 or step 6 of the beat. Only these swing."""
    onsets = np.asarray(onsets, dtype=float)
    beats = np.floor(onsets / STEPS_PER_BEAT).astype(np.int64)
    finer = set(beats[~np.isin(onsets - beats * STEPS_PER_BEAT, (0, STEPS_PER_BEAT // 2))].tolist())
    return set(beats.tolist()) - finer


def swing_time(steps, ratio: float, onsets=None) -> np.ndarray:
    """Swung time, in steps. Only the off-beat eighth moves: a point on step 6 of a beat
    played in eighths (:func:`eighth_beats` of ``onsets``, by default ``steps`` themselves)
    goes to ``12 * ratio / (1 + ratio)``; every other point (beats, triplets 4 and 8,
    sixteenths 3 and 9, ...) stays. Nothing else of the part lies between step 6 and the
    next beat, so events keep their order and never meet (ratio < 11)."""
    steps = np.asarray(steps, dtype=float)
    if not 1.0 <= ratio < STEPS_PER_BEAT - 1:
        raise ValueError(f"swing ratio must be in [1, {STEPS_PER_BEAT - 1}), got {ratio!r}")
    swinging = eighth_beats(steps if onsets is None else onsets)
    beats = np.floor(steps / STEPS_PER_BEAT)
    off = (steps - beats * STEPS_PER_BEAT == STEPS_PER_BEAT // 2) & np.isin(beats, list(swinging))
    delay = STEPS_PER_BEAT * ratio / (1.0 + ratio) - STEPS_PER_BEAT / 2
    return steps + np.where(off, delay, 0.0)


# Drums (General MIDI percussion, channel 10): the ride cymbal on every beat and on the
# off-beat eighth of beats 2 and 4 ("ding, ding-a ding, ding-a"), the pedal hi-hat on 2 and 4.
RIDE, PEDAL_HIHAT = 51, 44


def drum_pattern(progression: Progression, choruses: int) -> list[tuple[int, int, int, int]]:
    """``(onset_step, duration_steps, GM drum note, velocity)`` for ``choruses`` choruses of
    ``progression`` (anything with ``steps``, the length of a chorus)."""
    hits = []
    for bar in range(-(-choruses * progression.steps // STEPS_PER_BAR)):
        for beat in range(BEATS_PER_BAR):
            onset = bar * STEPS_PER_BAR + beat * STEPS_PER_BEAT
            backbeat = beat % 2 == 1
            hits.append((onset, STEPS_PER_BEAT // 2, RIDE, 84 if backbeat else 72))
            if backbeat:
                hits.append((onset + STEPS_PER_BEAT // 2, STEPS_PER_BEAT // 2, RIDE, 60))
                hits.append((onset, STEPS_PER_BEAT // 2, PEDAL_HIHAT, 70))
    return hits


# Dynamics of the solo (MIDI velocities): a phrase grows toward its highest note and falls
# after it; off-beat eighths, notes higher than both neighbours and the last note of a phrase
# are accented; a little seeded variation on top.
PHRASE_REST = STEPS_PER_BEAT  # a rest this long (or longer) ends a phrase
VELOCITY_BASE, VELOCITY_SWELL, VELOCITY_ACCENT = 78, 14, 9


def phrases(solo: Solo) -> list[np.ndarray]:
    """Indices of the notes of each phrase: notes not parted by a rest of a beat or more."""
    out, current = [], []
    for i, (pitch, duration) in enumerate(zip(solo.pitches, solo.durations)):
        if pitch >= 0:
            current.append(i)
        elif duration >= PHRASE_REST and current:
            out.append(np.array(current))
            current = []
    if current:
        out.append(np.array(current))
    return out


def dynamics(solo: Solo, seed: int = 0) -> np.ndarray:
    """Velocities (n,) in 1..127 for the events of ``solo`` (0 for its rests); the same
    notes and seed give the same velocities."""
    pitches = np.asarray(solo.pitches)
    onsets = np.asarray(solo.onsets)
    velocity = np.zeros(len(pitches))
    rng = np.random.default_rng(seed)
    for notes in phrases(solo):
        p = pitches[notes].astype(float)
        peak = int(np.argmax(p))
        pos = np.arange(len(notes))
        rise = (pos + 1) / (peak + 1)                                   # up to 1 at the peak
        fall = 1 - (pos - peak) / max(len(notes) - 1 - peak, 1)         # 1 at the peak, 0 at the end
        shape = np.where(pos <= peak, rise, 0.4 + 0.6 * fall)
        accent = (onsets[notes] % STEPS_PER_BEAT == STEPS_PER_BEAT // 2).astype(float)
        above = np.r_[True, p[1:] > p[:-1]] & np.r_[p[:-1] > p[1:], True]
        accent += above * (len(p) > 2)
        accent[-1] += 1.0
        register = 0.4 * (p - p.mean())
        velocity[notes] = (VELOCITY_BASE + VELOCITY_SWELL * (shape - 0.5) + VELOCITY_ACCENT * np.minimum(accent, 1.5)
                           + register + rng.normal(0.0, 3.0, len(notes)))
    return np.where(pitches >= 0, np.clip(np.round(velocity), 1, 127), 0).astype(np.int64)


def to_midi(solo: Solo, tempo: float = DEFAULT_TEMPO, progression: Progression | None = None,
            choruses: int = 1, swing: bool = True, program: int = 65, drums: bool = True,
            seed: int = 0):
    """A ``pretty_midi.PrettyMIDI`` with the solo (alto sax, GM program 65, by default) and,
    if a progression is given, a walking bass, piano comping and (``drums``) a ride pattern
    on the GM percussion channel, for ``choruses`` choruses.

    Swing (:func:`swing_time`) delays only the off-beat eighths, by the tempo's ratio
    (:func:`swing_ratio`): the solo's, and the ride cymbal's for drums, bass and piano. A note
    ends where its end is swung to, so durations follow the moved onsets; each sounds for 90 %
    of that span, and the solo stays monophonic. Its velocities come from :func:`dynamics`
    (``seed``); instruments in order: solo, bass, piano, drums.
    """
    import pretty_midi

    def part(name, notes, kind, grid=None, is_drum=False, program=0):
        """notes: (onset, duration, pitch, velocity) on the step grid -> a swung instrument;
        grid: the onsets that decide which beats are played in eighths (default: the notes')."""
        inst = pretty_midi.Instrument(program=program, is_drum=is_drum, name=name)
        grid = [n[0] for n in notes] if grid is None else grid
        ratio = swing_ratio(tempo, kind) if swing else 1.0
        for onset, duration, pitch, velocity in notes:
            t0, t1 = swing_time([onset, onset + duration], ratio, grid)
            start, end = steps_to_seconds([t0, t0 + 0.9 * (t1 - t0)], tempo)
            inst.notes.append(pretty_midi.Note(velocity=int(velocity), pitch=int(pitch),
                                               start=float(start), end=float(end)))
        inst.notes.sort(key=lambda n: (n.start, n.pitch))
        return inst

    pm = pretty_midi.PrettyMIDI(resolution=MIDI_RESOLUTION, initial_tempo=tempo)
    events = [(int(o), int(d), int(p), int(v)) for o, d, p, v in
              zip(solo.onsets, solo.durations, solo.pitches, dynamics(solo, seed))]
    # the rests' onsets count too when deciding which beats of the solo are played in eighths
    horn = part("solo", [e for e in events if e[2] >= 0], "solo", grid=[e[0] for e in events],
                program=program)
    pm.instruments.append(horn)
    if progression is None:
        return pm
    skips = bass_skips(progression, choruses)
    shortened = {onset - STEPS_PER_BEAT // 2 for onset, _, _ in skips}
    bass = [(o, STEPS_PER_BEAT // 2 if o in shortened else d, p, 90)
            for o, d, p in walking_bass(progression, choruses)]
    bass += [(o, d, p, 70) for o, d, p in skips]
    piano = [(o, d, p, 60) for o, d, p in comping(progression, choruses)]
    pm.instruments += [part("bass", sorted(bass), "ride", program=32),
                       part("piano", piano, "ride", program=0)]
    if drums:
        pm.instruments.append(part("drums", drum_pattern(progression, choruses), "ride", is_drum=True))
    return pm


def overlaps(notes) -> int:
    """How many notes of one part start before the previous one has ended (a monophonic
    part has none). ``notes``: pretty_midi notes or ``(start, end, ...)`` tuples."""
    spans = sorted((n.start, n.end) if hasattr(n, "start") else (n[0], n[1]) for n in notes)
    return sum(1 for (s0, e0), (s1, _) in zip(spans, spans[1:]) if s1 < e0 - 1e-9 or s1 <= s0)


def read_midi_notes(path) -> list[tuple[float, float, int]]:
    """``(start_s, end_s, pitch)`` of every non-drum note in a MIDI file, sorted by start.

    Raises ``ValueError`` naming the file if it has no notes.
    """
    import pretty_midi

    pm = pretty_midi.PrettyMIDI(str(path))
    notes = sorted((n.start, n.end, n.pitch) for inst in pm.instruments if not inst.is_drum
                   for n in inst.notes)
    if not notes:
        raise ValueError(f"MIDI file {path} has no notes")
    return notes


def read_midi_parts(path) -> dict:
    """``{instrument name: its notes sorted by start}`` of a MIDI file (pretty_midi notes)."""
    import pretty_midi

    pm = pretty_midi.PrettyMIDI(str(path))
    return {inst.name or f"program {inst.program}": sorted(inst.notes, key=lambda n: (n.start, n.pitch))
            for inst in pm.instruments}


def synthesize(pm, rate: int = 16000) -> np.ndarray:
    """Mono audio in [-1, 1] from pretty_midi's own sine-wave synthesis (no sound font)."""
    audio = pm.synthesize(fs=rate)
    peak = float(np.max(np.abs(audio))) if audio.size else 0.0
    return (audio / peak * 0.9) if peak > 0 else audio


def write_wav(path, audio: np.ndarray, rate: int = 16000) -> Path:
    """Write mono 16-bit PCM."""
    path = Path(path)
    pcm = (np.clip(audio, -1, 1) * 32767).astype("<i2")
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(pcm.tobytes())
    return path


def clip(solo: Solo, end_step: int) -> Solo:
    """The events that start before ``end_step``, the last one shortened to end there."""
    keep = np.asarray(solo.onsets) < end_step
    onsets = np.asarray(solo.onsets)[keep]
    durations = np.minimum(np.asarray(solo.durations)[keep], end_step - onsets)
    return Solo(onsets, durations, np.asarray(solo.pitches)[keep],
                [c for c, k in zip(solo.chords, keep) if k])
