"""Measure the soloists' swing and check the rendered rhythm against real timing (instructor side).

    .venv/bin/python scripts/measure_swing.py [--source ../shared/data/wjd]

Reads the Weimar Jazz Database tables (``wjd_transforms.parquet``, ``wjd_meta.parquet``) and
prints two tables; writes nothing.

1. Swing ratio of the soloists by tempo. A pair of eighths is a note on step 0 and a note on
   step 6 of one beat followed by a note on the next beat (WJD ``division`` 2, ``tatum`` 1 and
   2); its ratio is (onset 2 - onset 1) / (onset 3 - onset 2), in performed seconds. Printed:
   the median per tempo band, and the line fitted to log2 of each solo's median ratio (solos
   with at least ``MIN_PAIRS`` pairs) against its tempo: the constants ``SOLO_LOG2_RATIO`` of
   ``helpers/jazz/music.py``.
2. Share of inter-onsets under 0.2 beat, per tempo band: the real performances (onsets in
   seconds, beats at the solo's average tempo) against the solos of ``data/jazz/`` rendered to
   MIDI at that tempo by ``music.to_midi`` (swing included) and read back from the file.
"""
import argparse
import io
import sys
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from helpers.jazz import data as jazz_data, music  # noqa: E402

MIN_PAIRS = 10
SHORT_BEATS = 0.2
BANDS = ((0, 120), (120, 180), (180, 240), (240, 1000))


def eighth_pairs(notes: pd.DataFrame) -> np.ndarray:
    """Swing ratios of the eighth pairs of one solo (its WJD rows, sorted by onset)."""
    bar, beat, tatum, division, onset = (notes[c].to_numpy() for c in
                                         ("bar", "beat", "tatum", "division", "onset"))
    ratios = []
    for i in range(len(notes) - 2):
        pair = (division[i] == division[i + 1] == 2 and tatum[i] == 1 and tatum[i + 1] == 2
                and (bar[i], beat[i]) == (bar[i + 1], beat[i + 1]) and tatum[i + 2] == 1)
        following = (bar[i], beat[i] + 1) if beat[i] < 4 else (bar[i] + 1, 1)
        if pair and (bar[i + 2], beat[i + 2]) == following:
            ratios.append((onset[i + 1] - onset[i]) / (onset[i + 2] - onset[i + 1]))
    return np.array(ratios)


def swing_table(transforms: pd.DataFrame, meta: pd.DataFrame) -> None:
    swing = meta[(meta.signature == "4/4") & (meta.rhythmfeel == "SWING")]
    per_solo = []
    for melid, notes in transforms[transforms.melid.isin(swing.melid)].groupby("melid"):
        ratios = eighth_pairs(notes.sort_values("onset"))
        tempo = float(swing.loc[swing.melid == melid, "avgtempo"].iloc[0])
        per_solo.append((tempo, ratios))
    print(f"1. soloists' swing ratio: {sum(len(r) for _, r in per_solo)} eighth pairs in "
          f"{sum(len(r) > 0 for _, r in per_solo)} solos")
    for lo, hi in BANDS:
        ratios = np.concatenate([r for t, r in per_solo if lo <= t < hi])
        print(f"   {lo:3d}-{hi:<4d} bpm: median {np.median(ratios):.2f} "
              f"(quartiles {np.quantile(ratios, 0.25):.2f}-{np.quantile(ratios, 0.75):.2f}), {len(ratios)} pairs")
    kept = [(t, np.median(np.log2(r))) for t, r in per_solo if len(r) >= MIN_PAIRS]
    slope, intercept = np.polyfit([t for t, _ in kept], [m for _, m in kept], 1)
    correlation = np.corrcoef([t for t, _ in kept], [m for _, m in kept])[0, 1]
    print(f"   fit over {len(kept)} solos: log2 ratio = {intercept:.3f} {slope:+.6f} * bpm "
          f"(music.SOLO_LOG2_RATIO = {music.SOLO_LOG2_RATIO}), correlation {correlation:.2f}")


def rendered_beats(solo: music.Solo, tempo: float) -> np.ndarray:
    """Solo onsets in beats, read back from the MIDI file ``to_midi`` writes."""
    import pretty_midi

    shift = -min(0, int(np.floor(solo.onsets.min() / music.STEPS_PER_BAR)) * music.STEPS_PER_BAR)
    solo = music.Solo(solo.onsets + shift, solo.durations, solo.pitches, solo.chords)  # pickups
    buffer = io.BytesIO()
    music.to_midi(solo, tempo=tempo, drums=False).write(buffer)
    buffer.seek(0)
    return np.array([n.start for n in pretty_midi.PrettyMIDI(buffer).instruments[0].notes]) * tempo / 60


def timing_table(transforms: pd.DataFrame) -> None:
    rows = []
    for _, solo_meta in jazz_data.load_meta().iterrows():
        melid, tempo = int(solo_meta.melid), float(solo_meta.avgtempo)
        real = np.diff(np.sort(transforms.loc[transforms.melid == melid, "onset"].to_numpy())) * tempo / 60
        rendered = np.diff(rendered_beats(jazz_data.load_solo(melid), tempo))
        rows.append((tempo, (real < SHORT_BEATS).sum(), len(real),
                     (rendered < SHORT_BEATS).sum(), len(rendered)))
    table = np.array(rows)
    print(f"2. share of inter-onsets under {SHORT_BEATS} beat (data/jazz solos at their own tempo)")
    for lo, hi in BANDS:
        band = table[(table[:, 0] >= lo) & (table[:, 0] < hi)]
        print(f"   {lo:3d}-{hi:<4d} bpm, {len(band):3d} solos: real {100 * band[:, 1].sum() / band[:, 2].sum():5.1f} %, "
              f"rendered {100 * band[:, 3].sum() / band[:, 4].sum():5.1f} %")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=ROOT.parent / "shared" / "data" / "wjd")
    args = parser.parse_args(argv)
    path = args.source / "wjd_transforms.parquet"
    if not path.is_file():
        parser.error(f"{path} not found: give --source, the folder with the WJD parquet tables")
    transforms = pd.read_parquet(path)
    swing_table(transforms, pd.read_parquet(args.source / "wjd_meta.parquet"))
    timing_table(transforms)
    return 0


if __name__ == "__main__":
    sys.exit(main())
