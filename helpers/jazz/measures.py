"""How close generated solos come to real ones (notebook 2, sections 6 and 7).

- rhythm as a listener hears it: :func:`rendered_iois` reads the inter-onsets of a rendered
  MIDI part, :func:`real_short_ioi_share` the real solos' performance timing at a tempo,
  :func:`pooled_short_ioi_share` the same measure over generated solos;
- phrases: :func:`phrase_pitch_std` (pitch spread within 4-bar phrases), :func:`leap_share`;
- harmony: :func:`chord_tone_share` (chord tones on strong and weak beats) and
  :func:`scale_fit` / :func:`shifted_chord_gain` (the same notes under their own chords and
  under the chords two bars later);
- copying: :func:`copy_share` of 8-value runs found verbatim in the training solos;
- a classifier two-sample test on 4-bar phrases: :func:`phrase_features`,
  :func:`two_sample_accuracy`;
- :data:`SET_MEASURES` gathers them as per-solo statistics (:func:`solo_stats`), so that
  :func:`gaps` compares two sets of solos and :func:`real_bounds` takes each measure's bound
  from the gap between random halves of the real solos;
- :func:`tv_distance` (total variation: half the L1 distance of two histograms), with
  :func:`note_durations` and :func:`intervals` (the one meaning of each in ``helpers.jazz``).
"""
from __future__ import annotations


import numpy as np

from .context import ChordTrack
from .music import DURATIONS, STEPS_PER_BEAT, Solo, parse_chord

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
    """Durations (steps) of the notes of several solos, rests excluded."""
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
    return ChordTrack([int(o) for o in solo.onsets], [parse_chord(c) for c in solo.chords]).chord_at


def summary(real, generated) -> dict:
    """Every measure of ``generated`` next to the real solos' (plain floats)."""
    return {"duration_tv": duration_tv(real, generated), "interval_tv": interval_tv(real, generated),
            "short_share": short_share(generated), "short_share_real": short_share(real),
            **{f"chord_{k}": v for k, v in chord_tone_share(generated).items()}}


# ------------------------------------------------------------- what a listener hears: rhythm

SHORT_IOI = 0.2  # beats


def rendered_iois(midi, tempo: float, part: str = "solo") -> np.ndarray:
    """Inter-onset intervals, in beats, of one part of a rendered MIDI file (a path or a
    ``pretty_midi.PrettyMIDI``), read from the note start times in seconds at ``tempo``
    (bpm): what a listener hears, swing and all."""
    import pretty_midi

    pm = midi if isinstance(midi, pretty_midi.PrettyMIDI) else pretty_midi.PrettyMIDI(str(midi))
    found = [inst for inst in pm.instruments if inst.name == part]
    if not found:
        raise ValueError(f"the MIDI file has no part named {part!r} "
                         f"(parts: {[inst.name for inst in pm.instruments]})")
    starts = np.sort([n.start for n in found[0].notes])
    return np.diff(starts) * float(tempo) / 60.0


def short_ioi_share(iois, threshold: float = SHORT_IOI) -> float:
    """Share of inter-onset intervals under ``threshold`` beats."""
    iois = np.asarray(iois, dtype=float)
    if not iois.size:
        raise ValueError("no inter-onset intervals to measure")
    return float(np.mean(iois < threshold))


def real_short_ioi_share(meta, tempo: float, window: float = 30.0) -> dict:
    """The real solos' share of inter-onsets under 0.2 beat at ``tempo`` ± ``window`` bpm,
    from their performance timing (``meta``: :func:`helpers.jazz.data.load_meta`, columns
    ``avgtempo``, ``iois``, ``short_iois``): ``{"share", "solos", "low", "high", "one_low",
    "one_high"}``, where ``low``..``high`` is the middle 90 % of the pooled share over the
    solos resampled with replacement (1000 times, seed 0), and ``one_low``..``one_high`` the
    middle 90 % of the share of one solo: how far a single solo may lie from the pool."""
    near = meta[(meta["avgtempo"].astype(float) - float(tempo)).abs() <= window]
    if near.empty:
        raise ValueError(f"no real solo within {window} bpm of {tempo} bpm")
    k, n = near["short_iois"].to_numpy(float), near["iois"].to_numpy(float)
    one = np.quantile(k / n, [0.05, 0.95])
    return {**_pooled(k, n), "one_low": float(one[0]), "one_high": float(one[1])}


def pooled_short_ioi_share(solos_iois) -> dict:
    """The share of inter-onsets under 0.2 beat over several solos, their intervals pooled
    (``solos_iois``: one array of inter-onsets in beats per solo, e.g. from
    :func:`rendered_iois`), with the spread of :func:`real_short_ioi_share`:
    ``{"share", "solos", "low", "high"}``."""
    solos_iois = [np.asarray(x, dtype=float) for x in solos_iois]
    if not solos_iois or not all(x.size for x in solos_iois):
        raise ValueError("every solo needs at least one inter-onset interval")
    return _pooled(np.array([np.sum(x < SHORT_IOI) for x in solos_iois], float),
                   np.array([x.size for x in solos_iois], float))


def _pooled(k, n) -> dict:
    """Pooled share ``sum(k) / sum(n)`` and the middle 90 % of it over the solos resampled
    with replacement (1000 times, seed 0)."""
    picks = np.random.default_rng(0).integers(0, len(n), (1000, len(n)))
    shares = k[picks].sum(1) / n[picks].sum(1)
    return {"share": float(k.sum() / n.sum()), "solos": int(len(n)),
            "low": float(np.quantile(shares, 0.05)), "high": float(np.quantile(shares, 0.95))}


# ------------------------------------------------------------- what a listener hears: phrases

def phrase_pitch_std(solos, bars: int = 4) -> float:
    """Mean over 4-bar phrases (bars 1-4, 5-8, ... of each solo, counted from its first
    event) of the standard deviation of their notes' pitches (phrases of fewer than 4 notes
    are skipped): how wide a line moves within a phrase, in semitones."""
    stds = []
    for s in solos:
        onsets, pitches = np.asarray(s.onsets), np.asarray(s.pitches)
        notes = pitches >= 0
        phrase = (onsets[notes] - onsets[0]) // (bars * 48)
        for k in np.unique(phrase):
            p = pitches[notes][phrase == k]
            if len(p) >= 4:
                stds.append(p.std())
    if not stds:
        raise ValueError("no phrase of at least 4 notes")
    return float(np.mean(stds))


def leap_share(solos, over: int = 7) -> float:
    """Share of the intervals between consecutive notes (rests skipped) larger than ``over``
    semitones, either way."""
    steps = np.concatenate([np.diff(np.asarray(s.pitches)[np.asarray(s.pitches) >= 0]) for s in solos])
    return float(np.mean(np.abs(steps) > over))


# ------------------------------------------------------------- bounds from the real solos

def halves_spread(real, measure, n: int = 200, seed: int = 0, q: float = 0.95) -> float:
    """How far apart two halves of the real solos fall on ``measure`` (a function of a list
    of solos -> float): the ``q`` quantile of ``|measure(A) - measure(B)|`` over ``n``
    random splits of ``real`` into halves A and B. A generated set that differs from the
    real solos by less than this is as close to them as they are to themselves."""
    rng = np.random.default_rng(seed)
    gaps = []
    for _ in range(n):
        order = rng.permutation(len(real))
        half = len(real) // 2
        a, b = [real[i] for i in order[:half]], [real[i] for i in order[half:]]
        gaps.append(abs(measure(a) - measure(b)))
    return float(np.quantile(gaps, q))


# ------------------------------------------------------------- copying from the training solos

def runs_of(values, n: int = 8) -> list[tuple]:
    """Every run of ``n`` consecutive values of one solo, as tuples."""
    values = list(values)
    return [tuple(values[i:i + n]) for i in range(len(values) - n + 1)]


def copy_share(solos_values, known: set, n: int = 8) -> float:
    """Share of the ``n``-value runs of ``solos_values`` (one list of value strings per solo)
    found verbatim in ``known`` (e.g. every run of the training solos)."""
    runs = [r for values in solos_values for r in runs_of(values, n)]
    if not runs:
        raise ValueError(f"no solo has {n} values")
    return float(np.mean([r in known for r in runs]))


# ------------------------------------------------------------- a classifier two-sample test

def phrase_features(solos, bars: int = 4) -> np.ndarray:
    """(n_phrases, 16) features of every 4-bar phrase with at least 4 notes: note count per
    bar, pitch std, leap share (> 7), mean |interval|, share of each duration class (<= 2,
    3-4, 6, 8-9, 12, > 12 steps), rest share of the time, chord-tone share, and the share of
    onsets on the beat, on the off-beat eighth and elsewhere."""
    rows = []
    for s in solos:
        onsets, durations, pitches = (np.asarray(x) for x in (s.onsets, s.durations, s.pitches))
        phrase = (onsets - onsets[0]) // (bars * 48)
        for k in np.unique(phrase):
            at = phrase == k
            notes = at & (pitches >= 0)
            if notes.sum() < 4:
                continue
            p, d = pitches[notes], durations[notes]
            steps = np.diff(p)
            tones = chord_tone_counts(type(s)(onsets[at], durations[at], pitches[at],
                                              [c for c, a in zip(s.chords, at) if a]))
            hits = tones["strong"][0] + tones["weak"][0]
            where = onsets[notes] % STEPS_PER_BEAT
            rows.append([notes.sum() / bars, p.std(), np.mean(np.abs(steps) > 7), np.abs(steps).mean(),
                         np.mean(d <= 2), np.mean((d >= 3) & (d <= 4)), np.mean(d == 6),
                         np.mean((d >= 8) & (d <= 9)), np.mean(d == 12), np.mean(d > 12),
                         durations[at & (pitches < 0)].sum() / durations[at].sum(),
                         hits / notes.sum(), np.mean(where == 0), np.mean(where == 6),
                         np.mean((where != 0) & (where != 6)), len(np.unique(p)) / notes.sum()])
    return np.array(rows, dtype=float)


def _logistic(X, y, steps: int = 300, lr: float = 0.5, l2: float = 1e-3):
    w, b = np.zeros(X.shape[1]), 0.0
    for _ in range(steps):
        z = np.clip(X @ w + b, -30, 30)
        g = 1.0 / (1.0 + np.exp(-z)) - y
        w -= lr * (X.T @ g / len(y) + l2 * w)
        b -= lr * g.mean()
    return w, b


def two_sample_accuracy(a: np.ndarray, b: np.ndarray, folds: int = 5, seed: int = 0) -> float:
    """Cross-validated accuracy of a logistic regression telling the rows of ``a`` from those
    of ``b`` (``folds`` folds, the two sets balanced to the smaller one by random choice,
    features standardised on each training fold). About 0.5 when the two cannot be told
    apart; near 1 when they can."""
    rng = np.random.default_rng(seed)
    m = min(len(a), len(b))
    if m < 2 * folds:
        raise ValueError(f"need at least {2 * folds} rows per set, got {len(a)} and {len(b)}")
    X = np.concatenate([a[rng.choice(len(a), m, replace=False)], b[rng.choice(len(b), m, replace=False)]])
    y = np.r_[np.zeros(m), np.ones(m)]
    order = rng.permutation(2 * m)
    correct = 0
    for f in range(folds):
        test = order[f::folds]
        train = np.setdiff1d(order, test)
        mu, sd = X[train].mean(0), X[train].std(0) + 1e-9
        w, b0 = _logistic((X[train] - mu) / sd, y[train])
        correct += int((((X[test] - mu) / sd @ w + b0 > 0) == y[test]).sum())
    return correct / (2 * m)


# ------------------------------------------------------------- harmony under shifted chords

def scale_fit(solos, shift: int = 0) -> float:
    """Share of notes that fit the chord (a chord tone or a tone of its chord scale, see
    :meth:`helpers.jazz.music.Chord.note_type`) sounding ``shift`` steps after their onset
    (read from the solo's own events, :func:`chord_track`): ``shift = 0`` asks about the
    notes' own chords, ``shift = 96`` about the chords two bars later."""
    hits = total = 0
    for s in solos:
        chord_at = chord_track(s)
        for onset, pitch in zip(s.onsets, s.pitches):
            if pitch < 0:
                continue
            hits += chord_at(int(onset) + shift).note_type(int(pitch)) in ("chord", "scale")
            total += 1
    return hits / max(total, 1)


def shifted_chord_gain(solos, shift: int = 96) -> float:
    """How much better the notes fit their own chords than the chords ``shift`` steps
    later: ``scale_fit(solos) - scale_fit(solos, shift)``."""
    return scale_fit(solos) - scale_fit(solos, shift)


# ------------------------------------------------------------- every measure, with its bound

def _fit_counts(s, shift: int = 96) -> np.ndarray:
    chord_at = chord_track(s)
    notes = [(int(o), int(p)) for o, p in zip(s.onsets, s.pitches) if p >= 0]
    own = sum(chord_at(o).note_type(p) in ("chord", "scale") for o, p in notes)
    later = sum(chord_at(o + shift).note_type(p) in ("chord", "scale") for o, p in notes)
    return np.array([own, later, len(notes)], float)


def _phrase_stds(s) -> np.ndarray:
    onsets, pitches = np.asarray(s.onsets), np.asarray(s.pitches)
    notes = pitches >= 0
    phrase = (onsets[notes] - onsets[0]) // (4 * 48)
    stds = [pitches[notes][phrase == k].std() for k in np.unique(phrase) if (phrase == k).sum() >= 4]
    return np.array([sum(stds), len(stds)], float)


def _hist(x, support) -> np.ndarray:
    lo = support[0]
    return np.bincount(np.asarray(x, int) - lo, minlength=len(support)).astype(float)


# name -> (per-solo statistics, value of summed statistics, "share" | "distribution" | "mean")
SET_MEASURES = {
    "chord tones, strong beats": (lambda s, runs: np.array(chord_tone_counts(s)["strong"], float),
                                  lambda t: t[0] / t[1]),
    "own - shifted chords": (lambda s, runs: _fit_counts(s), lambda t: (t[0] - t[1]) / t[2]),
    "TV durations": (lambda s, runs: _hist(note_durations([s]), range(1, max(DURATIONS) + 1)),
                     lambda t: t / t.sum()),
    "TV intervals": (lambda s, runs: _hist(intervals([s]), range(-INTERVAL_CLIP, INTERVAL_CLIP + 1)),
                     lambda t: t / t.sum()),
    "phrase pitch std": (lambda s, runs: _phrase_stds(s), lambda t: t[0] / t[1]),
    "leaps > 7": (lambda s, runs: np.array([np.sum(np.abs(intervals([s], 24)) > 7), len(intervals([s]))], float),
                  lambda t: t[0] / t[1]),
    "copied 8-runs": (lambda s, runs: np.array([sum(r in runs for r in runs_of(s.values)),
                                                 max(len(s.values) - 7, 0)], float),
                      lambda t: t[0] / t[1]),
}


def _gap(a, b) -> float:
    """|a - b| for numbers, the total variation distance for distributions."""
    return float(0.5 * np.abs(a - b).sum()) if np.ndim(a) else float(abs(a - b))


def solo_stats(solos, train_runs: set) -> dict:
    """``{measure: (n_solos, k) array}``: the per-solo statistics of every measure of
    :data:`SET_MEASURES` (the solos need ``values``, for the copy check), plus the 4-bar
    phrase features of each solo for the classifier (``"classifier"``: a list of arrays)."""
    out = {name: np.stack([per(s, train_runs) for s in solos]) for name, (per, _) in SET_MEASURES.items()}
    out["classifier"] = [phrase_features([s]) for s in solos]
    return out


def value_of(stats: dict, name: str, rows=None):
    """The value of measure ``name`` over the solos ``rows`` (all by default) of ``stats``."""
    table = stats[name] if rows is None else stats[name][rows]
    return SET_MEASURES[name][1](table.sum(0))


def _phrases(stats, rows=None) -> np.ndarray:
    chosen = stats["classifier"] if rows is None else [stats["classifier"][i] for i in rows]
    return np.concatenate([f for f in chosen if len(f)])


def gaps(real: dict, other: dict) -> dict:
    """``{measure: gap}`` between two sets of solo statistics (:func:`solo_stats`); the
    classifier's gap is its cross-validated accuracy."""
    out = {name: _gap(value_of(real, name), value_of(other, name)) for name in SET_MEASURES}
    out["classifier"] = two_sample_accuracy(_phrases(real), _phrases(other))
    return out


def real_bounds(real: dict, n: int = 100, seed: int = 0, q: float = 0.95) -> dict:
    """``{measure: bound}``: the ``q`` quantile of the gap between two random halves of the
    real solos (``n`` splits): how far the real solos are from themselves."""
    rng = np.random.default_rng(seed)
    m = len(real["classifier"])
    found = {name: [] for name in [*SET_MEASURES, "classifier"]}
    for k in range(n):
        order = rng.permutation(m)
        a, b = order[: m // 2], order[m // 2:]
        for name in SET_MEASURES:
            found[name].append(_gap(value_of(real, name, a), value_of(real, name, b)))
        if k < 20:  # the classifier is the slow one: 20 splits
            found["classifier"].append(two_sample_accuracy(_phrases(real, a), _phrases(real, b), seed=k))
    return {name: float(np.quantile(v, q)) for name, v in found.items()}
