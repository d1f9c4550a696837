"""helpers.jazz.context: chord tracks and the context features of a step."""
import numpy as np
import pytest

from helpers.jazz import data as jazz_data
from helpers.jazz.context import (N_CONTEXT, PACE_SCALE, PARTS, SLICES, ChordTrack, chord_tones, context_at,
                                  describe, event_contexts, solo_pace, tempo_band)
from helpers.jazz.music import BLUES_IN_BB, parse_chord, parse_progression


@pytest.fixture(scope="module")
def blues():
    return ChordTrack.from_progression(parse_progression(BLUES_IN_BB))


def test_layout():
    assert N_CONTEXT == sum(size for _, size in PARTS) == 105
    assert chord_tones(parse_chord("G7")).nonzero()[0].tolist() == [0, 4, 7, 10]
    assert chord_tones(parse_chord("C-7b5")).nonzero()[0].tolist() == [0, 3, 6, 10]


def test_blues_track_merges_repeated_bars_and_wraps(blues):
    assert blues.starts[:4] == [0, 48, 96, 192]           # bars 3-4 are one Bb7
    assert blues.chord_at(150).symbol == "Bb7" and blues.chord_at(576 + 50).symbol == "Eb7"
    assert blues.next_change(100) == (92, blues.chords[3])
    until, chord = blues.next_change(560)                  # F7 in the last bar -> Bb7, next chorus
    assert until == 16 and chord.symbol == "Bb7"


def test_context_parts_on_the_blues(blues):
    c = describe(context_at(blues, 36, 30, tempo=160, pace=1.5))               # bar 1, beat 4: Bb7, Eb7 in a beat
    assert c == {"chord": [0, 4, 7, 10], "next_chord": [0, 4, 7, 10], "next_root": 5,
                 "until_change": 12, "beat": 3, "in_beat": 0, "changed": 0, "tempo": 1,
                 "bpm": 160.0, "pace": 1.5, "last_pc": None, "height": None}
    c = describe(context_at(blues, 48 + 6, 40, tempo=160, pace=1.5))            # an eighth into bar 2, from Bb7
    assert c["changed"] == 1 + 5 and c["in_beat"] == 6 and c["beat"] == 0
    c = describe(context_at(blues, 100, tempo=250, pace=1.5))                   # a change 92 steps away: "far"
    assert c["until_change"] is None and c["changed"] == 0 and c["tempo"] == 3
    vec = context_at(blues, 7, tempo=80, pace=1.5)
    assert vec.shape == (N_CONTEXT,) and vec.dtype == np.float32
    for name, size in PARTS:                               # one-hot parts have exactly one 1
        if name not in ("chord", "next_chord", "last_pc", "height", "bpm", "pace"):
            assert vec[SLICES[name]].sum() == 1, name


def test_a_vamp_has_no_next_chord():
    vamp = ChordTrack.from_progression(parse_progression("D-7 | D-7"))
    assert vamp.next_change(10) == (None, None)
    c = describe(context_at(vamp, 10, 4, tempo=200, pace=1.5))
    assert c["next_chord"] == [] and c["next_root"] is None and c["until_change"] is None


def test_changes_of_a_transcribed_solo_move_to_the_half_bar():
    # a note from step 40 to 52 over C7, then F7 seen at 52: the change is placed on 48
    track = ChordTrack.from_events([0, 40, 52, 60], [40, 12, 8, 12], ["C7", "C7", "F7", "F7"])
    assert track.starts == [0, 48] and track.chord_at(47).symbol == "C7"
    # seen at a beat inside a half bar: placed on that beat; off the beat grid: on the onset
    assert ChordTrack.from_events([0, 26, 38], [26, 12, 12], ["C7", "C7", "F7"]).starts == [0, 36]
    assert ChordTrack.from_events([0, 30, 33], [30, 3, 12], ["C7", "C7", "F7"]).starts == [0, 33]
    with pytest.raises(ValueError, match="strictly ascending"):
        ChordTrack([0, 0], [parse_chord("C7"), parse_chord("F7")])


def test_event_contexts_are_those_of_the_next_event(blues):
    onsets, durations = np.array([0, 12, 30]), np.array([12, 18, 6])
    ctx = event_contexts(blues, onsets, durations, tempo=140, pitches=[70, -1, 74])
    assert ctx.shape == (3, N_CONTEXT)
    # 2 notes in 36 steps (3 beats): a pace of 2/3 note per beat, the same on every row
    assert np.allclose(ctx[:, SLICES["pace"]] * PACE_SCALE, 2 / 3)
    assert np.allclose(ctx[1], context_at(blues, 30, 12, tempo=140, pace=2 / 3, pitch=70, centre=72), rtol=1e-6, atol=0)
    assert describe(ctx[1])["last_pc"] == 0 and describe(ctx[1])["height"] == 2   # Bb over Bb7, 2 below
    assert describe(ctx[2])["height"] == 2 and describe(ctx[0])["last_pc"] == 0


def test_dataset_contexts_align_with_the_sequences():
    seqs, ctx = jazz_data.load_sequences("test"), jazz_data.load_contexts("test")
    assert [len(c) for c in ctx] == [len(s) for s in seqs]
    melid = jazz_data.split_melids("test")[0]
    solo = jazz_data.load_solo(melid)
    track = jazz_data.load_chord_track(melid)
    # the track agrees with the chord stored at every onset
    assert all(track.chord_at(o).root == parse_chord(c).root for o, c in zip(solo.onsets, solo.chords))
    assert describe(ctx[0][0])["beat"] == ((solo.onsets[1] % 48) // 12)
    allc = np.concatenate(ctx)
    assert 0.05 < allc[:, SLICES["changed"]][:, 1:].sum() / len(allc) < 0.3   # changes happen
    with pytest.raises(ValueError, match="unknown split"):
        jazz_data.load_contexts("dev")


def test_value_steps_are_the_durations_of_the_values():
    steps = jazz_data.value_steps()
    vals = jazz_data.values()
    assert steps.shape == (len(vals),) and steps[0] == 0
    assert steps[jazz_data.to_ids(["rest:12"])[0]] == 12
    assert steps[jazz_data.to_ids(["3:+:6"])[0]] == 6
    assert set(steps[1:]) <= {1, 2, 3, 4, 6, 8, 9, 12, 18, 24, 36, 48}


def test_tempo_bands():
    assert [tempo_band(t) for t in (60, 119.9, 120, 179, 180, 239, 240, 320)] == [0, 0, 1, 1, 2, 2, 3, 3]
    with pytest.raises(ValueError, match="tempo must be a positive number"):
        tempo_band(0)


def test_dataset_contexts_carry_each_solos_tempo_band():
    meta = jazz_data.load_meta().set_index("melid")
    for melid, ctx in zip(jazz_data.split_melids("test"), jazz_data.load_contexts("test")):
        bands = ctx[:, SLICES["tempo"]]
        assert (bands.sum(1) == 1).all()
        assert (bands.argmax(1) == tempo_band(float(meta.loc[melid, "avgtempo"]))).all()


def test_the_last_note_and_its_height(blues):
    c = describe(context_at(blues, 48, 40, tempo=160, pace=1.5, pitch=67, centre=65))   # G over Eb7: the 3rd
    assert c["last_pc"] == 4 and c["height"] == 2
    assert describe(context_at(blues, 48, 40, tempo=160, pace=1.5, pitch=56, centre=65))["height"] == 0
    assert describe(context_at(blues, 48, 40, tempo=160, pace=1.5, pitch=75, centre=65))["height"] == 4
    assert describe(context_at(blues, 48, 40, tempo=160, pace=1.5, pitch=61, centre=65))["height"] == 1


def test_solo_pace_counts_notes_per_beat():
    assert solo_pace([6, 6, 12], [60, 62, -1]) == 1.0          # 2 notes in 2 beats
    assert solo_pace([3] * 8, [60] * 8) == 4.0                  # sixteenths
    with pytest.raises(ValueError, match="one pitch per duration"):
        solo_pace([6, 6], [60])
    with pytest.raises(ValueError, match="pace must be"):
        context_at(ChordTrack.from_progression(parse_progression("C7 | F7")), 0, tempo=120, pace=-1)
