"""The jazz dataset (data/jazz/), its build script and helpers.jazz.data."""
import importlib.util
from collections import Counter

import numpy as np
import pandas as pd
import pytest

from helpers.jazz import data as jazz_data
from helpers.instructor.graded.jazz import note_to_value
from helpers.jazz.music import DURATIONS, decode, encode_solo, parse_chord
from helpers.paths import ROOT


@pytest.fixture(scope="module")
def build():
    spec = importlib.util.spec_from_file_location("build_jazz", ROOT / "scripts" / "build_jazz_dataset.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def events():
    return jazz_data.load_events()


def test_counts_match_the_build_summary(events):
    summary, meta = jazz_data.build_summary(), jazz_data.load_meta()
    assert summary["solos"] == len(meta) == 341
    assert summary["events"] == len(events)
    assert summary["notes"] == int((events["pitch"] >= 0).sum())
    assert summary["rests"] == int((events["pitch"] < 0).sum())
    assert sorted(meta["melid"]) == sorted(events["melid"].unique())
    for split, cov in summary["coverage"].items():
        assert cov["solos"] == len(jazz_data.split_melids(split))
        assert cov["values"] == sum(len(s) for s in jazz_data.load_sequences(split))


def test_split_is_by_solo_and_covers_every_solo():
    splits = {s: set(jazz_data.split_melids(s)) for s in jazz_data.SPLITS}
    assert not splits["train"] & splits["validation"]
    assert not splits["train"] & splits["test"]
    assert not splits["validation"] & splits["test"]
    assert set().union(*splits.values()) == set(jazz_data.load_meta()["melid"])
    assert [len(splits[s]) for s in jazz_data.SPLITS] == [266, 40, 35]


def test_validation_and_test_players_are_unseen_in_training():
    meta = jazz_data.load_meta()
    players = {s: set(meta.loc[meta["split"] == s, "performer"]) for s in jazz_data.SPLITS}
    assert not players["train"] & players["validation"]
    assert not players["train"] & players["test"]
    assert not players["validation"] & players["test"]
    assert len(players["test"]) >= 5 and len(players["validation"]) >= 4


def test_split_by_performer_keeps_each_performer_whole(build):
    meta = pd.DataFrame({"melid": range(20), "performer": list("aaaaabbbcccdddeeffgh")})
    split = build.split_by_performer(meta, seed=3)
    assert sorted(split) == list(range(20))
    for _, rows in meta.groupby("performer"):
        assert len({split[m] for m in rows["melid"]}) == 1
    counts = Counter(split.values())
    assert counts["test"] >= 2 and counts["validation"] >= 2 and counts["train"] >= 10


def test_real_performance_timing_is_stored_per_solo():
    meta = jazz_data.load_meta()
    assert (meta["iois"] > 50).all() and (meta["short_iois"] <= meta["iois"]).all()
    slow = meta[meta["avgtempo"].astype(float) < 120]
    fast = meta[meta["avgtempo"].astype(float) >= 240]
    # how busy a line is depends on the tempo: ballads play far more short inter-onsets
    share = lambda m: m["short_iois"].sum() / m["iois"].sum()  # noqa: E731
    assert share(slow) > 0.3 and share(fast) < 0.03


def test_load_sequences_interface(events):
    n = jazz_data.vocab_size()
    assert n == len(jazz_data.values()) and jazz_data.values()[0] == "<unk>"
    seqs = jazz_data.load_sequences("validation")
    per_solo = events[events["melid"].isin(jazz_data.split_melids("validation"))].groupby("melid").size()
    assert [len(s) for s in seqs] == per_solo.sort_index().tolist()
    for seq in seqs:
        assert seq.dtype == np.int32 and seq.ndim == 1
        assert seq.min() >= 0 and seq.max() < n
    with pytest.raises(ValueError, match="unknown split 'dev'"):
        jazz_data.load_sequences("dev")


def test_vocabulary_is_from_training_solos_only(events):
    train = events[events["melid"].isin(jazz_data.split_melids("train"))]
    counts = Counter(train["value"].astype(str))
    vocab = jazz_data.values()[1:]
    assert set(vocab) == {v for v, c in counts.items() if c >= 2}
    assert [counts[v] for v in vocab] == sorted((counts[v] for v in vocab), reverse=True)
    ids = np.concatenate(jazz_data.load_sequences("test"))
    assert 0.99 < np.mean(ids != 0) < 1.0  # a few test values are unknown, and counted


def test_events_follow_each_other_without_gaps_or_overlaps(events):
    assert set(events["duration"].unique()) <= set(DURATIONS)
    for _, solo in events.groupby("melid"):
        onset, dur = solo["onset"].to_numpy(), solo["duration"].to_numpy()
        assert np.array_equal(onset[1:], onset[:-1] + dur[:-1])
    assert (events.loc[events["pitch"] >= 0, "pitch"].between(20, 110)).all()


def test_stored_values_are_the_encoding_of_every_solo():
    for melid in jazz_data.load_meta()["melid"]:
        solo = jazz_data.load_solo(melid)
        assert encode_solo(solo, note_to_value) == solo.values, melid


@pytest.mark.parametrize("melid", [1, 2, 53, 218, 266, 387])
def test_decode_of_encode_gives_the_solo_back(melid):
    solo = jazz_data.load_solo(melid)
    values = encode_solo(solo, note_to_value)
    chord_at_onset = dict(zip(solo.onsets.tolist(), solo.chords))
    first = int(solo.pitches[solo.notes][0])
    back = decode(values, lambda step: parse_chord(chord_at_onset[step]), first, int(solo.onsets[0]))
    assert np.array_equal(back.onsets, solo.onsets)
    assert np.array_equal(back.durations, solo.durations)
    assert np.array_equal(back.pitches, solo.pitches)
    assert back.chords == solo.chords


def test_every_stored_chord_parses(events):
    for symbol in events["chord"].astype(str).unique():
        parse_chord(symbol)


def test_build_snapping_and_rests(build):
    assert build.snap(5) == 6 and build.snap(7) == 8 and build.snap(10) == 9 and build.snap(100) == 48
    for steps in (1, 5, 7, 13, 61, 200):
        parts = build.split_rest(steps)
        assert sum(parts) == steps and all(p in DURATIONS for p in parts)
    assert build.resolve_chords(["NC", "F7", "NC", "Bb7"]) == ["F7", "F7", "F7", "Bb7"]
    with pytest.raises(ValueError, match="no chord"):
        build.resolve_chords(["NC", "NC"])


def test_build_quantise_on_a_small_solo(build):
    notes = pd.DataFrame({
        "bar": [1, 1, 1, 1, 1, 2],
        "mcm_48": [0, 6, 6, 13, 24, 0],          # a grace note on step 6, an off-grid 13
        "pitch_raw": [60, 62, 61, 64, 100, 65],   # 100 is > 2 octaves from 64
        "articulation_raw": [1.0, 1.0, 1.0, 1.0, 0.25, 1.0],
        "chord": ["NC", "C7", "C7", "C7", "F7", "F7"],
    })
    stats = Counter()
    solo = build.quantise(notes, stats)
    assert stats["grace_notes_dropped"] == 1 and stats["octave_moved"] == 1
    assert solo.chords[0] == "C7"                       # NC takes the first known chord
    assert solo.onsets[0] == 48 and np.array_equal(solo.onsets[1:], solo.onsets[:-1] + solo.durations[:-1])
    assert list(solo.pitches[:3]) == [60, 62, 64] and solo.pitches[3] == 88
    assert -1 in solo.pitches                           # the short note before the bar line
    assert solo.onsets[-1] == 96                        # the last note lands on its bar exactly


def test_training_paces_and_the_typical_pace_near_a_tempo():
    """Notes per beat counted from the stored solos, not read back from the contexts."""
    meta = jazz_data.load_meta().set_index("melid")
    for tempo in (72, 250):
        solos = [jazz_data.load_solo(m) for m in jazz_data.split_melids("train")
                 if abs(float(meta.loc[m, "avgtempo"]) - tempo) <= 30]
        paces = [s.notes.sum() / (s.durations.sum() / 12) for s in solos]
        assert np.allclose(jazz_data.training_paces(tempo), np.sort(paces), rtol=1e-5)
        assert jazz_data.typical_pace(tempo) == pytest.approx(np.median(paces), rel=1e-5)
    assert jazz_data.typical_pace(72) > 1.5 * jazz_data.typical_pace(250)   # ballads are busier
    with pytest.raises(ValueError, match="no training solo within 5 bpm of 500"):
        jazz_data.typical_pace(500, window=5)
