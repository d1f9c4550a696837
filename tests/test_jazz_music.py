"""helpers.jazz.music: chords, values, progressions, MIDI and audio; bad input errors."""
import re
import wave

import numpy as np
import pretty_midi
import pytest

from helpers.jazz import music
from helpers.instructor.graded.jazz import note_to_value
from helpers.jazz.music import QUALITIES, SLOTS, parse_chord, parse_progression, realise_pitch


@pytest.mark.parametrize("symbol, root, quality", [
    ("Bb7", 10, "dom7"), ("G-7", 7, "min7"), ("Ebj7", 3, "maj7"), ("C-7b5", 0, "half-dim"),
    ("Bo7", 11, "dim7"), ("F+7", 5, "aug7"), ("Fsus7913", 5, "sus7"), ("Db-69/Ab", 1, "min6"),
    ("F#7", 6, "dom7"), ("Cb7", 11, "dom7"), ("C", 0, "maj6"), ("D-j7", 2, "minmaj7"),
    ("Ab+j7/C", 8, "augmaj7"), ("A79b13", 9, "dom7"), ("Gm7b5", 7, "half-dim"),
])
def test_parse_chord(symbol, root, quality):
    chord = parse_chord(symbol)
    assert (chord.root, chord.quality, chord.symbol) == (root, quality, symbol)


@pytest.mark.parametrize("symbol", ["Xq7", "H7", "", "NC", "C7zz", "bB7"])
def test_unknown_chord_symbol_is_named(symbol):
    with pytest.raises(ValueError, match=f"unknown chord symbol {symbol!r}"):
        parse_chord(symbol)


@pytest.mark.parametrize("quality", sorted(QUALITIES))
def test_slots_name_every_pitch_class_once(quality):
    chord = music.Chord("X", 0, quality)
    assert sorted(chord.slot_names) == sorted(SLOTS)
    assert chord.slot_names[0] == "R"
    assert [chord.slot_names[i] for i in chord.tones] == ["3", "5", "7"]
    for i, slot in enumerate(chord.slot_names):
        assert chord.interval_of(slot) == i


def test_realise_pitch_inverts_note_to_value():
    rng = np.random.default_rng(0)
    symbols = ["Bb7", "C-7", "Ebj7", "C-7b5", "Bo7", "F+7", "Gsus7", "D-6"]
    for _ in range(2000):
        prev = int(rng.integers(40, 90))
        pitch = prev + int(rng.integers(-24, 25))
        chord = parse_chord(symbols[rng.integers(len(symbols))])
        slot, contour, _ = music.split_value(note_to_value(pitch, prev, 6, chord))
        assert realise_pitch(slot, contour, prev, chord) == pitch


def test_note_types():
    chord = parse_chord("C7")
    assert [chord.note_type(p) for p in (60, 64, 67, 70)] == ["chord"] * 4
    assert [chord.note_type(p) for p in (62, 65, 69)] == ["scale"] * 3
    assert chord.note_type(63) == "approach" and chord.note_type(71) == "approach"
    assert parse_chord("C-7b5").note_type(61) == "scale"


def test_malformed_values_are_named():
    for bad in ("3:+", "X:+:6", "3:^:6", "rest:5", "3:+:7"):
        with pytest.raises(ValueError, match=re.escape(repr(bad))):
            music.split_value(bad)


def test_progression_parsing_and_chords_in_time():
    blues = parse_progression(music.BLUES_IN_BB)
    assert len(blues.bars) == 12 and blues.steps == 12 * 48
    assert blues.chord_at(0).symbol == "Bb7" and blues.chord_at(48).symbol == "Eb7"
    assert blues.chord_at(10 * 48 + 23).symbol == "Bb7" and blues.chord_at(10 * 48 + 24).symbol == "G7"
    assert blues.chord_at(12 * 48 + 48).symbol == "Eb7"  # second chorus
    changes = blues.changes(2)
    assert len(changes) == 2 * 14 and changes[-1] == (23 * 48 + 24, 24, parse_chord("F7"))
    wjd = parse_progression("A1: ||Bb6 G7 |C-7 F7 ||\nB1: ||D7   |D7   ||")
    assert [[c.symbol for c in bar] for bar in wjd.bars] == [["Bb6", "G7"], ["C-7", "F7"], ["D7"], ["D7"]]


@pytest.mark.parametrize("text, message", [
    ("", "empty progression"), ("  |  | ", "empty progression"),
    ("Bb7 | Xq7 | F7", "bar 2: unknown chord symbol 'Xq7'"),
    ("Bb7 | Eb7 Eb7 Eb7", "bar 2 .* has 3 chords"),
])
def test_bad_progressions_are_named(text, message):
    with pytest.raises(ValueError, match=message):
        parse_progression(text)


def test_decode_is_contiguous_and_respects_range():
    blues = parse_progression(music.BLUES_IN_BB)
    values = ["R:+:6", "3:++:6", "5:++:12", "rest:6", "7:--:18", "T2:=:6"] * 20
    solo = music.decode(values, blues.chord_at, start_pitch=60, low=53, high=84)
    assert np.array_equal(solo.onsets[1:], solo.onsets[:-1] + solo.durations[:-1])
    notes = solo.pitches[solo.notes]
    assert notes.min() >= 53 and notes.max() <= 84
    assert solo.chords[0] == "Bb7" and solo.pitches[0] % 12 == 10
    clipped = music.clip(solo, 100)
    assert clipped.onsets[-1] + clipped.durations[-1] == 100


def test_accompaniment():
    blues = parse_progression(music.BLUES_IN_BB)
    bass = music.walking_bass(blues, 2)
    assert len(bass) == 2 * 12 * 4
    assert [onset for onset, _, _ in bass] == list(range(0, 2 * 12 * 48, 12))
    assert all(28 <= p <= 55 for _, _, p in bass)
    assert bass[0][2] % 12 == 10 and bass[4][2] % 12 == 3  # roots on the first beats
    comp = music.comping(blues, 1)
    assert len(comp) == 3 * 14 * 2  # three voices, on the chord's first beat and the "and" of its second
    assert {onset % 12 for onset, _, _ in comp} == {0, 6}
    skips = music.bass_skips(blues, 1)
    assert len(skips) == 6 and all(onset % 48 == 42 for onset, _, _ in skips)


def test_midi_file_parses_with_pretty_midi_and_music21(tmp_path):
    import music21

    blues = parse_progression(music.BLUES_IN_BB)
    solo = music.decode(["R:=:6", "3:+:6", "5:+:12", "rest:12", "7:-:12"] * 8, blues.chord_at, 62)
    pm = music.to_midi(solo, tempo=150, progression=blues, choruses=1)
    path = tmp_path / "solo.mid"
    pm.write(str(path))
    back = pretty_midi.PrettyMIDI(str(path))
    names = [inst.name for inst in back.instruments]
    assert names == ["solo", "bass", "piano", "drums"]
    assert len(back.instruments[0].notes) == int(solo.notes.sum())
    for inst in back.instruments:
        notes = sorted(inst.notes, key=lambda n: n.start)
        if inst.name in ("solo", "bass"):  # monophonic lines never overlap
            assert all(a.end <= b.start + 1e-6 for a, b in zip(notes, notes[1:]))
    score = music21.converter.parse(str(path), quantizePost=False)
    assert len(score.parts) == 4
    assert len(score.parts[0].stripTies().recurse().notes) == int(solo.notes.sum())
    pitched = [i for i in back.instruments if not i.is_drum]
    assert len(music.read_midi_notes(path)) == sum(len(i.notes) for i in pitched) < sum(
        len(i.notes) for i in back.instruments)


def test_midi_without_notes_is_named(tmp_path):
    path = tmp_path / "empty.mid"
    pretty_midi.PrettyMIDI().write(str(path))
    with pytest.raises(ValueError, match=f"MIDI file {path} has no notes"):
        music.read_midi_notes(path)


def test_encode_solo_without_notes_is_named():
    rests = music.Solo(np.array([0]), np.array([12]), np.array([-1]), ["C7"])
    with pytest.raises(ValueError, match="no notes"):
        music.encode_solo(rests, note_to_value)


def test_wav_and_synthesis(tmp_path):
    blues = parse_progression("Bb7")
    solo = music.decode(["R:=:12"] * 4, blues.chord_at, 70)
    pm = music.to_midi(solo, tempo=120, progression=blues)
    audio = music.synthesize(pm, 8000)
    assert audio.ndim == 1 and 0.5 < np.abs(audio).max() <= 0.9 + 1e-9
    path = music.write_wav(tmp_path / "a.wav", audio, 8000)
    with wave.open(str(path)) as w:
        assert (w.getframerate(), w.getnchannels(), w.getsampwidth()) == (8000, 1, 2)
        assert w.getnframes() == len(audio)


def test_swing_moves_only_off_beat_eighths_by_the_ratio():
    # beat 0: eighths (0, 6); beat 1: triplets (4, 8); beat 2: sixteenths (3, 6, 9);
    # beat 3: a lone off-beat eighth (6); beat 4: a sixteenth pair and an off-beat (0, 3, 6)
    onsets = np.array([0, 6, 12, 16, 20, 24, 27, 30, 33, 42, 48, 51, 54])
    for ratio in (1.0, 1.5, 2.0, 3.0):
        swung = music.swing_time(onsets, ratio)
        moved = np.flatnonzero(~np.isclose(swung, onsets))
        assert np.all(np.diff(swung) > 0)
        off = 12 * ratio / (1 + ratio)
        assert np.allclose(swung[[1, 9]], [off, 36 + off])                     # off-beat eighths
        assert np.allclose(np.delete(swung, [1, 9]), np.delete(onsets, [1, 9]))  # all else stays
        assert ratio == 1.0 or list(moved) == [1, 9]
    # durations follow the moved onsets: a note ending on a swung off-beat ends where it starts
    grid = [0, 6, 12]
    assert np.allclose(music.swing_time([0, 6], 2.0, grid), [0, 8])
    assert np.allclose(music.swing_time([6, 12], 2.0, grid), [8, 12])
    with pytest.raises(ValueError, match="swing ratio"):
        music.swing_time(onsets, 0.5)


def test_swing_ratio_falls_with_tempo():
    tempos = np.arange(60, 361, 20)
    for part in ("solo", "ride"):
        ratios = np.array([music.swing_ratio(t, part) for t in tempos])
        assert np.all(np.diff(ratios) <= 1e-12) and ratios[0] > ratios[-1] and ratios.min() >= 1.0
    # published and measured figures: ride 3.5:1 slow, 2:1 near 200 bpm, 1:1 fast (Friberg &
    # Sundstrom 2002); WJD soloists about 1.2:1, straighter as the tempo rises
    assert music.swing_ratio(100, "ride") == 3.5 and music.swing_ratio(330, "ride") == 1.0
    assert abs(music.swing_ratio(200, "ride") - 2.0) < 1e-9
    assert 1.15 < music.swing_ratio(120) < 1.25 and 1.05 < music.swing_ratio(300) < 1.12
    with pytest.raises(ValueError, match="tempo"):
        music.swing_ratio(0)
    with pytest.raises(ValueError, match="unknown part 'bass'"):
        music.swing_ratio(120, "bass")


def test_rendered_solo_keeps_triplets_and_sixteenths_and_swings_eighths(tmp_path):
    # eighths, triplets, sixteenths, eighths: the inter-onsets in the file, in beats
    steps = [6, 6, 4, 4, 4, 3, 3, 3, 3, 6, 6]
    onsets = np.cumsum([0] + steps[:-1])
    solo = music.Solo(onsets, np.array(steps), np.full(len(steps), 65), ["C7"] * len(steps))
    for tempo in (100, 160, 280):
        path = tmp_path / f"s{tempo}.mid"
        music.to_midi(solo, tempo=tempo, progression=parse_progression("C7")).write(str(path))
        starts = np.array([n.start for n in music.read_midi_parts(path)["solo"]]) * tempo / 60
        r = music.swing_ratio(tempo)
        long, short = r / (1 + r), 1 / (1 + r)
        expected = [long, short, 1 / 3, 1 / 3, 1 / 3, 0.25, 0.25, 0.25, 0.25, long]
        assert np.allclose(np.diff(starts), expected, atol=2e-3)


def test_written_solo_is_monophonic_with_swing_where_it_used_to_overlap(tmp_path):
    # a two-step note on the off-beat followed by a note two steps later: swing used to put
    # both onsets at the same time (a chord of two notes in the solo part)
    solo = music.Solo(np.array([0, 4, 6, 8, 12, 18, 19, 21]), np.array([4, 2, 2, 4, 6, 1, 2, 3]),
                      np.array([60, 62, 64, 65, 67, 69, 71, 72]), ["C7"] * 8)
    path = tmp_path / "tight.mid"
    music.to_midi(solo, tempo=200, progression=parse_progression("C7")).write(str(path))
    parts = music.read_midi_parts(path)
    assert music.overlaps(parts["solo"]) == 0 and music.overlaps(parts["bass"]) == 0
    starts = [n.start for n in parts["solo"]]
    assert len(set(np.round(starts, 6))) == len(starts) == 8


def test_overlaps_counts_notes_that_sound_together():
    assert music.overlaps([(0, 1), (1, 2), (2, 3)]) == 0
    assert music.overlaps([(0, 1.5), (1, 2), (2, 3)]) == 1
    assert music.overlaps([(0, 1), (0, 1)]) == 1


def test_drums_play_ride_on_every_beat_and_hihat_on_2_and_4_on_channel_10(tmp_path):
    import mido

    blues = parse_progression(music.BLUES_IN_BB)
    solo = music.decode(["R:=:6", "3:+:6", "5:+:12"] * 16, blues.chord_at, 62, low=55, high=80)
    tempo = 180
    path = tmp_path / "drums.mid"
    music.to_midi(solo, tempo=tempo, progression=blues, choruses=2).write(str(path))
    hits = [m for track in mido.MidiFile(str(path)).tracks for m in track
            if m.type == "note_on" and m.velocity > 0]
    drum_hits = [m for m in hits if m.channel == 9]          # channel 10, counted from 1
    assert {m.note for m in drum_hits} == {music.RIDE, music.PEDAL_HIHAT}
    assert all(m.channel != 9 for m in hits if m not in drum_hits) and len(hits) > len(drum_hits)
    drums = music.read_midi_parts(path)["drums"]
    beats = lambda pitch: np.array([n.start * tempo / 60 for n in drums if n.pitch == pitch])
    ride, hihat = beats(music.RIDE), beats(music.PEDAL_HIHAT)
    n_beats = 2 * 12 * 4
    on_beat = np.isclose(ride, np.round(ride), atol=1e-3)
    assert sorted(np.round(ride[on_beat]).astype(int)) == list(range(n_beats))   # every beat
    r = music.swing_ratio(tempo, "ride")
    skips = ride[~on_beat] - np.floor(ride[~on_beat])
    assert len(skips) == n_beats // 2 and np.allclose(skips, r / (1 + r), atol=1e-3)  # swung "-a"
    assert set((np.floor(ride[~on_beat]).astype(int) % 4).tolist()) == {1, 3}
    assert np.allclose(hihat, np.round(hihat), atol=1e-3)
    assert sorted(np.round(hihat).astype(int)) == [b for b in range(n_beats) if b % 4 in (1, 3)]
    # over a real solo's chord track (what notebook 2 plays its test solo over) as well
    from helpers.jazz import data as jazz_data, sampling
    track = jazz_data.load_chord_track(jazz_data.split_melids("test")[0])
    changes = sampling.TrackChanges(track.chord_at, 4 * 48 - 12)
    over_track = music.to_midi(solo, tempo=tempo, progression=changes).instruments[3]
    assert sum(n.pitch == music.RIDE for n in over_track.notes) == 4 * 4 + 4 * 2
        # no progression, no accompaniment; drums=False leaves them out
    assert [i.name for i in music.to_midi(solo).instruments] == ["solo"]
    assert "drums" not in [i.name for i in music.to_midi(solo, progression=blues, drums=False).instruments]


def test_solo_dynamics_vary_with_accents_and_phrase_shape():
    blues = parse_progression(music.BLUES_IN_BB)
    rng = np.random.default_rng(4)
    values = [f"{['R', '3', '5', '7', 'T2'][rng.integers(5)]}:{['+', '-'][rng.integers(2)]}:"
              f"{[3, 4, 6, 6, 6, 12][rng.integers(6)]}" for _ in range(120)]
    values = [v if k % 17 else "rest:24" for k, v in enumerate(values)]
    solo = music.decode(values, blues.chord_at, 64, low=55, high=80)
    velocity = music.dynamics(solo, seed=0)
    notes = solo.notes
    assert velocity.shape == (len(solo),) and np.all(velocity[~notes] == 0)
    v = velocity[notes]
    assert v.min() >= 1 and v.max() <= 127 and v.std() > 5 and len(set(v.tolist())) > 15
    assert np.array_equal(velocity, music.dynamics(solo, seed=0))           # deterministic
    assert not np.array_equal(velocity, music.dynamics(solo, seed=1))       # the seed matters
    # accents: off-beat eighths louder than the notes on the beat
    onsets = np.asarray(solo.onsets)
    off = notes & (onsets % 12 == 6)
    on = notes & (onsets % 12 == 0)
    assert velocity[off].mean() > velocity[on].mean() + 3
    # phrase shape: the phrase's highest note louder than its first note, on average
    phrases = music.phrases(solo)
    assert len(phrases) == 7 and all(np.all(notes[p]) for p in phrases)
    peaks = [velocity[p[np.argmax(solo.pitches[p])]] - velocity[p[0]] for p in phrases if len(p) > 3]
    assert np.mean(peaks) > 5
    # in the file, each note carries its velocity
    pm = music.to_midi(solo, progression=blues, seed=0)
    assert [n.velocity for n in pm.instruments[0].notes] == v.tolist()


def test_swing_adds_no_short_inter_onsets_to_real_solos(tmp_path):
    """The test solos of data/jazz rendered at their own tempo: the share of inter-onsets
    under 0.2 beat in the file is the share on the step grid (a 2:1 map of the whole beat
    would add the squeezed sixteenths), and their eighth pairs swing by the solo's ratio."""
    from helpers.jazz import data as jazz_data

    meta = jazz_data.load_meta().set_index("melid")
    swung_notes = 0
    for melid in jazz_data.split_melids("test")[:6]:
        tempo = float(meta.loc[melid, "avgtempo"])
        solo = jazz_data.load_solo(melid)
        shift = -min(0, int(np.floor(solo.onsets.min() / 48)) * 48)   # pickups before bar 0
        solo = music.Solo(solo.onsets + shift, solo.durations, solo.pitches, solo.chords)
        path = tmp_path / f"{melid}.mid"
        music.to_midi(solo, tempo=tempo, drums=False).write(str(path))
        written = pretty_midi.PrettyMIDI(str(path))
        file_tempo = written.get_tempo_changes()[1][0]  # the file stores whole microseconds per beat
        assert abs(file_tempo - tempo) < 1e-3
        beats = np.array([n.start for n in written.instruments[0].notes]) * file_tempo / 60
        grid = np.asarray(solo.onsets)[solo.notes] / 12
        assert len(beats) == len(grid)
        assert np.mean(np.diff(beats) < 0.2) == np.mean(np.diff(grid) < 0.2)
        # notes on step 6 of a beat whose only onsets are 0 and 6 moved by the tempo's ratio
        swung = np.isin(np.floor(grid), list(music.eighth_beats(solo.onsets))) & np.isclose(grid % 1, 0.5)
        r = music.swing_ratio(tempo)
        swung_notes += swung.sum()
        assert np.allclose(beats[swung] - np.floor(grid[swung]), r / (1 + r), atol=2e-3)
        assert np.allclose(beats[~swung], grid[~swung], atol=2e-3)
    assert swung_notes > 100   # some players place their eighths on the triplet grid: none swing
