"""Build the jazz dataset of notebook 2 from the Weimar Jazz Database (instructor side).

    .venv/bin/python scripts/build_jazz_dataset.py [--source ../shared/data/wjd]

Reads ``wjd_transforms.parquet`` and ``wjd_meta.parquet`` (WJD via the jazzodata package)
and writes into ``data/jazz/``:

- ``solos.parquet``: one row per event (note or rest) of every selected solo: ``melid``,
  ``onset`` and ``duration`` in steps of 1/12 beat, ``pitch`` (MIDI, -1 for a rest),
  ``chord`` (WJD symbol sounding at the onset), ``value`` (the event's value, see
  ``helpers/music.py``);
- ``solos_meta.parquet``: one row per solo: performer, title, instrument, style, tempo,
  key, the tune's chord changes, the ``split`` (train / validation / test) and the solo's
  real performance timing, ``iois`` (inter-onset intervals between its consecutive notes,
  all WJD notes, grace notes included) and ``short_iois`` (those under ``SHORT_IOI`` = 0.2
  beat, measured from the onsets in seconds at the solo's average tempo);
- ``values.json``: the vocabulary (values seen at least ``MIN_COUNT`` times in the training
  solos, most frequent first, id 0 = ``<unk>``) and the build's statistics.

Choices (they are also printed and written to ``values.json``):
- Subset: solos in 4/4 with a swing feel. They share one metre and one rhythmic language,
  so one vocabulary of durations fits them all; Latin, funk, two-beat, ballad and odd-metre
  solos would each bring their own.
- Rhythm: the WJD places every onset on a 48-step bar grid (12 steps per beat). Each note
  lasts until the next event; its length is snapped to the nearest of ``DURATIONS``
  (aiming every time at the *original* next onset, so snapping errors never accumulate).
  A silence of at least half a beat after a note (from the WJD articulation, i.e. sounding
  length / inter-onset interval) becomes rest events, split into lengths from ``DURATIONS``
  (the note's length is adjusted a little to avoid rests shorter than a sixteenth).
  A note that starts on the same grid step as the note before it (a grace note the grid
  cannot separate) is dropped and counted. The last note of a solo lasts one beat.
- Pitch: a note more than two octaves from the previous note is moved by octaves towards
  it (counted): the values describe jumps up to two octaves.
- Chords: ``NC`` (no chord) takes the chord before it (or the first chord of the solo);
  solos without any chord annotation are skipped (listed in ``values.json``).
- Split: **by performer**, never by solo or window, so the validation and test solos are
  played by performers the training solos never heard. The performers are shuffled with a
  fixed seed; test takes whole performers in that order until it holds at least 10 % of the
  solos, then validation does the same, and every remaining performer goes to training.
"""
import argparse
import json
import sys
from collections import Counter
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from helpers.instructor.graded.jazz import note_to_value  # noqa: E402
from helpers.jazz.music import DURATIONS, STEPS_PER_BEAT, Solo, encode_solo, parse_chord  # noqa: E402

SEED = 1234
MIN_COUNT = 2
SILENCE = STEPS_PER_BEAT // 2
SPLIT_SHARES = (("test", 0.1), ("validation", 0.1))   # the rest is training
SHORT_IOI = 0.2  # beats
META_COLUMNS = ["melid", "performer", "title", "instrument", "style", "avgtempo", "key",
                "chord_changes", "recordingyear"]


def snap(steps: float) -> int:
    """The element of DURATIONS nearest to ``steps`` (ties go to the longer one)."""
    d = np.array(DURATIONS)
    return int(d[np.lexsort((-d, np.abs(d - steps)))[0]])


def split_rest(steps: int) -> list[int]:
    """Lengths from DURATIONS that add up to ``steps`` exactly (longest first)."""
    out = []
    while steps > 0:
        part = max(d for d in DURATIONS if d <= steps)
        out.append(part)
        steps -= part
    return out


def note_and_rests(gap: int, sounding: float) -> tuple[int, list[int]]:
    """Fill ``gap`` steps with a note (about ``sounding`` steps long) and rests.

    Among the note lengths in DURATIONS shorter than the gap, take the one that keeps the
    note's length closest to ``sounding`` while avoiding many rest pieces and rests shorter
    than a sixteenth (3 steps), which would only be articulation; onsets stay exact.
    """
    best = None
    for note in (d for d in DURATIONS if d < gap):
        rests = split_rest(gap - note)
        cost = abs(note - sounding) + 3 * (len(rests) - 1) + 6 * sum(r < 3 for r in rests)
        if best is None or cost < best[0]:
            best = (cost, note, rests)
    return best[1], best[2]


def resolve_chords(symbols: list[str]) -> list[str]:
    known = [s for s in symbols if s != "NC"]
    if not known:
        raise ValueError("the solo has no chord at all")
    out, last = [], known[0]
    for s in symbols:
        last = s if s != "NC" else last
        out.append(last)
    return out


def quantise(notes: pd.DataFrame, stats: Counter) -> Solo:
    """One solo's notes (sorted) -> events on the step grid."""
    steps = (notes["bar"].astype(int) * 48 + notes["mcm_48"].astype(int)).to_numpy()
    pitch = notes["pitch_raw"].astype(int).to_numpy()
    art = notes["articulation_raw"].astype(float).fillna(1.0).to_numpy()
    chords = resolve_chords(notes["chord"].astype(str).tolist())
    keep = np.ones(len(steps), bool)
    keep[1:] = steps[1:] > steps[:-1]
    stats["grace_notes_dropped"] += int((~keep).sum())
    steps, pitch, art = steps[keep], pitch[keep], art[keep]
    chords = [c for c, k in zip(chords, keep) if k]
    onsets, durations, pitches, symbols = [], [], [], []
    q = int(steps[0])
    prev = int(pitch[0])
    for i in range(len(steps)):
        p = int(pitch[i])
        while p - prev > 24:
            p -= 12
            stats["octave_moved"] += 1
        while prev - p > 24:
            p += 12
            stats["octave_moved"] += 1
        prev = p
        if i + 1 < len(steps):
            ioi = int(steps[i + 1] - steps[i])
            gap = int(steps[i + 1]) - q
            silence = ioi * (1.0 - art[i])
        else:
            ioi = gap = STEPS_PER_BEAT
            silence = 0.0
        if silence >= SILENCE and gap >= 2:
            note, rests = note_and_rests(gap, ioi - silence)
        elif gap > max(DURATIONS):
            note, rests = note_and_rests(gap, max(DURATIONS))
        else:
            note, rests = snap(max(gap, 1)), []
        onsets.append(q)
        durations.append(note)
        pitches.append(p)
        symbols.append(chords[i])
        q += note
        for r in rests:
            onsets.append(q)
            durations.append(r)
            pitches.append(-1)
            symbols.append(chords[i])
            q += r
        stats["rests"] += len(rests)
        stats["notes"] += 1
    return Solo(np.array(onsets), np.array(durations), np.array(pitches), symbols)


def split_by_performer(meta: pd.DataFrame, seed: int = SEED) -> dict:
    """``{melid: split}``: whole performers, shuffled with ``seed``, fill test, then
    validation, up to their share of the solos (``SPLIT_SHARES``); the rest is training.
    No performer has solos in two splits."""
    performers = sorted(set(meta["performer"].astype(str)))
    order = np.random.default_rng(seed).permutation(len(performers))
    by_performer = meta.groupby(meta["performer"].astype(str))["melid"].apply(
        lambda s: sorted(int(m) for m in s)).to_dict()
    split, k = {}, 0
    for name, share in SPLIT_SHARES:
        held = 0
        while held < share * len(meta):
            for m in by_performer[performers[order[k]]]:
                split[m] = name
                held += 1
            k += 1
    for index in order[k:]:
        for m in by_performer[performers[index]]:
            split[m] = "train"
    return split


def performance_iois(rows: pd.DataFrame, tempo: float) -> tuple[int, int]:
    """(inter-onset intervals, those under SHORT_IOI beat) of one solo's WJD notes, from
    their onsets in seconds at the solo's average ``tempo`` (beats per minute)."""
    onsets = np.sort(rows["onset"].astype(float).to_numpy())
    beats = np.diff(onsets) * tempo / 60.0
    return int(len(beats)), int((beats < SHORT_IOI).sum())


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--source", type=Path, default=ROOT.parent / "shared" / "data" / "wjd")
    parser.add_argument("--out", type=Path, default=ROOT / "data" / "jazz")
    args = parser.parse_args(argv)
    notes = pd.read_parquet(args.source / "wjd_transforms.parquet")
    meta = pd.read_parquet(args.source / "wjd_meta.parquet")
    chosen = meta[(meta["signature"] == "4/4") & (meta["rhythmfeel"] == "SWING")]
    chosen = chosen.sort_values("melid")
    print(f"{len(meta)} solos in the WJD, {len(chosen)} in 4/4 with a swing feel")

    stats, tables, skipped = Counter(), [], []
    for melid in chosen["melid"].astype(int):
        rows = notes[notes["melid"] == melid].sort_values("event_id")
        if (rows["chord"].astype(str) == "NC").all():
            skipped.append(int(melid))
            continue
        solo = quantise(rows, stats)
        for symbol in set(solo.chords):
            parse_chord(symbol)  # fails loudly on a symbol the encoding cannot read
        values = encode_solo(solo, note_to_value)
        tables.append(pd.DataFrame({
            "melid": np.int16(melid), "onset": solo.onsets.astype(np.int32),
            "duration": solo.durations.astype(np.int16), "pitch": solo.pitches.astype(np.int16),
            "chord": solo.chords, "value": values}))
    print(f"skipped {len(skipped)} solos with no chord annotation at all (melid {skipped})")
    chosen = chosen[~chosen["melid"].isin(skipped)]
    events = pd.concat(tables, ignore_index=True)
    events["chord"] = events["chord"].astype("category")
    events["value"] = events["value"].astype("category")

    split = split_by_performer(chosen)
    timing = {int(m): performance_iois(notes[notes["melid"] == m], float(t))
              for m, t in zip(chosen["melid"].astype(int), chosen["avgtempo"].astype(float))}
    out_meta = chosen[META_COLUMNS].copy()
    out_meta["melid"] = out_meta["melid"].astype(np.int16)
    out_meta["split"] = [split[int(m)] for m in out_meta["melid"]]
    out_meta["iois"] = np.array([timing[int(m)][0] for m in out_meta["melid"]], np.int32)
    out_meta["short_iois"] = np.array([timing[int(m)][1] for m in out_meta["melid"]], np.int32)
    out_meta = out_meta.astype({c: "string" for c in ("performer", "title", "instrument", "style",
                                                       "key", "chord_changes", "split")})

    train_ids = {m for m, s in split.items() if s == "train"}
    counts = Counter(events.loc[events["melid"].isin(train_ids), "value"].astype(str))
    vocab = ["<unk>"] + sorted((v for v, c in counts.items() if c >= MIN_COUNT),
                               key=lambda v: (-counts[v], v))
    coverage = {}
    known = set(vocab)
    for name in ("train", "validation", "test"):
        ids = {m for m, s in split.items() if s == name}
        vals = events.loc[events["melid"].isin(ids), "value"].astype(str)
        coverage[name] = {"solos": len(ids), "values": int(len(vals)),
                          "covered": round(float(vals.isin(known).mean()), 5)}
    summary = {
        "source": "Weimar Jazz Database (WJD), via the jazzodata R package 0.1.4; ODbL 1.0",
        "subset": "signature 4/4 and rhythmfeel SWING",
        "seed": SEED, "min_count": MIN_COUNT, "split_by": "performer",
        "performers": {name: len(set(chosen.loc[chosen["melid"].isin(
            [m for m, s in split.items() if s == name]), "performer"]))
            for name in ("train", "validation", "test")},
        "solos": len(chosen), "skipped_without_chords": skipped, "events": int(len(events)),
        "wjd_notes": int(notes["melid"].isin(chosen["melid"]).sum()),
        **{k: int(v) for k, v in sorted(stats.items())},
        "distinct_values_in_train": len(counts),
        "coverage": coverage,
    }
    args.out.mkdir(parents=True, exist_ok=True)
    events.to_parquet(args.out / "solos.parquet", index=False, compression="zstd")
    out_meta.to_parquet(args.out / "solos_meta.parquet", index=False, compression="zstd")
    (args.out / "values.json").write_text(
        json.dumps({"values": vocab, "train_counts": [counts.get(v, 0) for v in vocab],
                    "summary": summary}, indent=1) + "\n", encoding="utf-8")
    print(json.dumps(summary, indent=1))
    print(f"vocabulary: {len(vocab)} values (including <unk>)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
