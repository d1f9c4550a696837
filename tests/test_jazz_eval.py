"""Notebook 2's evaluation: the measures, sampling (temperature, top-p), sound, generated MIDI."""
import numpy as np
import pytest

from helpers.jazz import audio, data as jazz_data, measures, music, sampling
from helpers.jazz.context import ChordTrack
from helpers.jazz.model import load_trained, make_layers
from helpers.jazz.sequences import best_ngram
from helpers.instructor.graded.jazz import generate_with_context, sample_with_temperature
from helpers.notebook import setup


@pytest.fixture(scope="module")
def real():
    return [jazz_data.load_solo(m) for m in jazz_data.split_melids("test")]


@pytest.fixture(scope="module")
def lstm():
    setup(seed=3, keras=True)
    LSTM_cell, densor, _ = make_layers(jazz_data.vocab_size())
    load_trained(LSTM_cell, densor)
    return sampling.lstm_weights(LSTM_cell, densor)


def _random_solos(real, seed=0):
    """Uniformly random pitches in the alto range over the real solos' rhythm and chords."""
    rng = np.random.default_rng(seed)
    out = []
    for s in real:
        pitches = np.where(s.pitches >= 0, rng.integers(sampling.SAX_LOW, sampling.SAX_HIGH + 1, len(s)), -1)
        out.append(music.Solo(s.onsets, s.durations, pitches, s.chords))
    return out


# ------------------------------------------------------------------ measures

def test_tv_distance():
    assert measures.tv_distance([1, 2, 3], [1, 2, 3], range(1, 4)) == 0
    assert measures.tv_distance([1, 1], [2, 2], range(1, 4)) == 1
    assert abs(measures.tv_distance([1, 2], [1, 1], range(1, 3)) - 0.5) < 1e-12
    with pytest.raises(ValueError, match="outside the support"):
        measures.tv_distance([9], [1], range(1, 4))
    with pytest.raises(ValueError, match="empty sample"):
        measures.tv_distance([], [1], range(1, 4))


def test_harmony_measure_hears_the_chords(real):
    own, shifted = measures.chord_tone_share(real), measures.chord_tone_share(real, shift=6)
    for kind in ("strong", "weak"):
        assert own[kind] - shifted[kind] > 0.15, kind
    # random pitches over the same rhythm score about 4 in 12
    random = measures.chord_tone_share(_random_solos(real))
    assert abs(random["all"] - 4 / 12) < 0.03 and own["all"] - random["all"] > 0.1
    mean, std = measures.bootstrap_share(real, "strong")
    assert abs(mean - own["strong"]) < 3 * std and 0 < std < 0.05


def test_real_solos_are_their_own_reference(real):
    row = measures.summary(real, real)
    assert row["duration_tv"] == 0 and row["interval_tv"] == 0
    assert abs(row["short_share"] - 0.103) < 0.01  # 10.3 % of the test notes last <= 1/6 beat


def test_the_bounds_of_the_notebook_fail_random_and_unigram_generators(real):
    train, val = jazz_data.load_sequences("train"), jazz_data.load_sequences("validation")
    n_values, steps_of = jazz_data.vocab_size(), jazz_data.value_steps()
    unigram = best_ngram(1, n_values, train, val)
    tracks = [jazz_data.load_chord_track(m) for m in jazz_data.split_melids("test")[:12]]
    uni = sampling.solos_under(real[:12], tracks, lambda track, total, first, seed, register: sampling.ngram_sample(
        unigram, first, total, steps_of, n_values, sample_with_temperature, seed=seed, register=register))
    rnd = _random_solos(real)

    def meets(solos):
        row = measures.summary(real, solos)
        return (row["duration_tv"] <= 0.10 and row["interval_tv"] <= 0.08
                and abs(row["short_share"] - row["short_share_real"]) <= 0.05)

    def close_harmony(solos):
        return abs(measures.chord_tone_share(solos)["strong"] - measures.chord_tone_share(real)["strong"]) <= 0.03

    assert not meets(uni) and not meets(rnd)
    assert not close_harmony(rnd)


# ------------------------------------------------------------------ sampling

def test_nucleus_keeps_the_most_probable_mass_of_the_tempered_distribution():
    p = np.array([0.1, 0.5, 0.25, 0.15])          # id 0 is <unk>: never kept
    nucleus = lambda t, top_p: sampling.nucleus(sample_with_temperature, p, t, top_p)
    assert nucleus(1.0, 1.0).tolist() == [False, True, True, True]
    assert nucleus(0, 1.0).tolist() == [False, True, False, False]
    # without <unk>: 0.56, 0.28, 0.17; at T = 1 the first two reach 0.6, at T = 0.5 the first alone
    assert nucleus(1.0, 0.6).tolist() == [False, True, True, False]
    assert nucleus(0.5, 0.6).tolist() == [False, True, False, False]
    assert nucleus(2.0, 0.6).tolist() == [False, True, True, False]
    with pytest.raises(ValueError, match="temperature must be >= 0"):
        nucleus(-1, 1.0)
    with pytest.raises(ValueError, match=r"top_p must be in \(0, 1\]"):
        nucleus(1.0, 0)


def test_sampler_draws_the_tempered_nucleus():
    p = np.array([0.0, 0.6, 0.3, 0.1])
    for temperature, top_p, want in ((1.0, 1.0, [0, 0.6, 0.3, 0.1]), (0.5, 1.0, [0, 36 / 46, 9 / 46, 1 / 46]),
                                     (1.0, 0.8, [0, 2 / 3, 1 / 3, 0])):
        choose = sampling.sampler(sample_with_temperature, temperature, top_p, np.random.default_rng(0))
        draws = np.array([choose(p) for _ in range(4000)])
        assert np.allclose(np.bincount(draws, minlength=4) / 4000, want, atol=0.03), (temperature, top_p)
        ids, q = sampling.most_probable(sample_with_temperature, p, temperature, top_p, k=2)
        assert ids.tolist() == [1, 2] and np.allclose(q, want[1:3], atol=1e-9)
    assert sampling.sampler(sample_with_temperature, 0)(p) == 1


def test_sampler_draws_through_the_function_it_is_given():
    asked = []

    def always_last(probs, temperature, u):
        asked.append((len(probs), temperature))
        return len(probs) - 1

    choose = sampling.sampler(always_last, 0.7, 1.0, np.random.default_rng(0))
    assert choose(np.full(5, 0.2)) == 4 and asked == [(5, 0.7)]


def test_conditioned_sample_runs_the_generation_loop_it_is_given():
    class Step:
        def initial_state(self):
            return np.zeros(1), np.zeros(1)

        def __call__(self, x_id, context, a, c):
            return np.array([0.0, 0.5, 0.5]), a + 1, c

    seen = {}

    def generate(step, context_at, durations, first_id, total_steps, choose):
        probs, state = step(first_id, None, None)
        seen.update(state=state, total=total_steps, first=first_id, drawn=choose(probs))
        return [first_id, seen["drawn"]]

    blues = music.parse_progression(music.BLUES_IN_BB)
    register = sampling.Register(blues.chord_at, vocabulary=["<unk>", "R:=:12", "rest:12"])
    ids = sampling.conditioned_sample(generate, sample_with_temperature, Step(), blues, 48, 2,
                                      np.array([0, 12, 12]), seed=0, tempo=160, register=register)
    assert ids.tolist() == [2, seen["drawn"]] and seen["drawn"] in (1, 2)
    assert seen["total"] == 48 and seen["first"] == 2 and seen["state"][0][0] == 1


def test_lstm_sampler_fills_the_choruses_and_is_seeded(lstm):
    blues = music.parse_progression(music.BLUES_IN_BB)
    steps_of = jazz_data.value_steps()
    first = int(jazz_data.to_ids(["rest:12"])[0])
    ids = sampling.lstm_sample(lstm, first, 2 * blues.steps, steps_of, sample_with_temperature, seed=4)
    assert np.array_equal(ids, sampling.lstm_sample(lstm, first, 2 * blues.steps, steps_of, sample_with_temperature, seed=4))
    assert steps_of[ids[:-1]].sum() < 2 * blues.steps <= steps_of[ids].sum() and (ids[1:] != 0).all()
    solo, _ = sampling.realise_over(ids, blues.chord_at, 2 * blues.steps)
    assert solo.onsets[-1] + solo.durations[-1] == 2 * blues.steps
    notes = solo.pitches[solo.notes]
    assert notes.max() <= sampling.SAX_HIGH and notes.min() >= sampling.SAX_LOW


def test_shifted_track_keeps_the_bar():
    track = jazz_data.load_chord_track(jazz_data.split_melids("test")[0])
    with pytest.raises(ValueError, match="whole number of bars"):
        sampling.ShiftedTrack(track, 12)
    shifted = sampling.ShiftedTrack(track, 96)
    assert shifted.chord_at(5) == track.chord_at(101)


# ------------------------------------------------------------------ MIDI and sound

@pytest.mark.parametrize("progression, choruses, seed", [
    (music.BLUES_IN_BB, 3, 7), (music.BLUES_IN_BB, 3, 8), ("F-7 | Bb-7 | Eb7 | Abj7 | Dbj7 | G7 | Cj7 | Cj7", 2, 11)])
def test_every_generated_file_has_a_monophonic_solo_part(lstm, tmp_path, progression, choruses, seed):
    tune = music.parse_progression(progression)
    ids = sampling.lstm_sample(lstm, int(jazz_data.to_ids(["rest:12"])[0]), choruses * tune.steps,
                               jazz_data.value_steps(), sample_with_temperature, seed=seed)
    solo, _ = sampling.realise_over(ids, tune.chord_at, choruses * tune.steps)
    path = tmp_path / "generated.mid"
    music.to_midi(solo, tempo=160, progression=tune, choruses=choruses, swing=True).write(str(path))
    parts = music.read_midi_parts(path)
    assert list(parts) == ["solo", "bass", "piano", "drums"]
    assert len(parts["solo"]) == int(solo.notes.sum())
    assert music.overlaps(parts["solo"]) == 0 and music.overlaps(parts["bass"]) == 0
    assert max(n.pitch for n in parts["solo"]) <= sampling.SAX_HIGH


def test_render_with_the_soundfont_and_fall_back_to_sine(capsys, monkeypatch):
    blues = music.parse_progression("Bb7 | Eb7")
    solo = music.decode(["R:=:12", "3:+:6", "5:+:6"] * 4, blues.chord_at, 70)
    pm = music.to_midi(solo, tempo=140, progression=blues, choruses=1)
    sound, how = audio.render(pm, rate=16000)
    assert how == "soundfont" and sound.ndim == 1 and 0.5 < np.abs(sound).max() <= 0.9 + 1e-9
    assert abs(len(sound) / 16000 - pm.get_end_time()) < 3.0
    import midirenderer
    monkeypatch.setattr(midirenderer, "render_wave_from", lambda *a: (_ for _ in ()).throw(RuntimeError("no")))
    sound, how = audio.render(pm, rate=8000)
    assert how == "sine" and sound.size
    line = capsys.readouterr().out.strip()
    assert line.count("\n") == 0 and "SoundFont rendering failed (RuntimeError: no)" in line


def test_track_changes_feed_the_accompaniment():
    track = jazz_data.load_chord_track(jazz_data.split_melids("test")[0])
    changes = sampling.TrackChanges(track.chord_at, 4 * 48)
    segments = changes.changes()
    assert sum(length for _, length, _ in segments) == 4 * 48
    assert len(music.walking_bass(changes, 1)) == 16


def test_a_generation_loop_that_does_not_advance_is_stopped_with_a_hint():
    class Step:
        def initial_state(self):
            return np.zeros(1), np.zeros(1)

        def __call__(self, x_id, context, a, c):
            return np.array([0.0, 0.5, 0.5]), a, c

    def stuck(step, context_at, durations, first_id, total_steps, choose):
        ids, state, onset = [first_id], None, 0
        while onset + durations[ids[-1]] < total_steps:     # onset never moves on
            probs, state = step(ids[-1], context_at(onset + durations[ids[-1]], onset), state)
            ids.append(choose(probs))
        return ids

    blues = music.parse_progression(music.BLUES_IN_BB)
    register = sampling.Register(blues.chord_at, vocabulary=["<unk>", "R:=:12", "rest:12"])
    with pytest.raises(RuntimeError, match="does not advance.*set onset"):
        sampling.conditioned_sample(stuck, sample_with_temperature, Step(), ChordTrack.from_progression(blues),
                                    48, 1, np.array([0, 12, 12]), seed=0, tempo=160, register=register)


def test_the_register_keeps_the_line_in_range_without_folding(lstm):
    blues = music.parse_progression(music.BLUES_IN_BB)
    steps_of = jazz_data.value_steps()
    first = int(jazz_data.to_ids(["rest:12"])[0])
    for seed in range(3):
        register = sampling.Register(blues.chord_at, 65, low=60, high=72)   # a narrow octave
        ids = sampling.lstm_sample(lstm, first, 3 * blues.steps, steps_of, sample_with_temperature,
                                   seed=seed, register=register)
        values = jazz_data.to_values(ids)
        folded = music.decode(values, blues.chord_at, 65, low=60, high=72)
        free = music.decode(values, blues.chord_at, 65)                     # no folding at all
        assert np.array_equal(folded.pitches, free.pitches)
        notes = free.pitches[free.notes]
        assert notes.min() >= 60 and notes.max() <= 72 and register.pitch == notes[-1]
    # without the register the same octave needs folds, which make leaps
    ids = sampling.lstm_sample(lstm, first, 3 * blues.steps, steps_of, sample_with_temperature, seed=0)
    values = jazz_data.to_values(ids)
    assert not np.array_equal(music.decode(values, blues.chord_at, 65, low=60, high=72).pitches,
                              music.decode(values, blues.chord_at, 65).pitches)


def test_rendered_inter_onsets_are_read_in_beats(tmp_path):
    blues = music.parse_progression("Bb7 | Eb7")
    solo = music.decode(["R:=:6"] * 8 + ["3:+:3"] * 8 + ["5:+:12"] * 2, blues.chord_at, 70)
    pm = music.to_midi(solo, tempo=100, swing=False)
    iois = measures.rendered_iois(pm, 100)
    assert np.allclose(iois, [0.5] * 8 + [0.25] * 8 + [1.0])
    assert measures.short_ioi_share(iois) == 0 and measures.short_ioi_share(iois, 0.3) == 8 / 17
    with pytest.raises(ValueError, match="no part named 'drums'"):
        measures.rendered_iois(pm, 100, part="drums")


def test_real_timing_depends_on_the_tempo():
    meta = jazz_data.load_meta()
    slow, fast = measures.real_short_ioi_share(meta, 80), measures.real_short_ioi_share(meta, 260)
    assert slow["low"] <= slow["share"] <= slow["high"] and slow["solos"] >= 20
    assert slow["low"] > 5 * fast["high"]
    assert slow["one_low"] < slow["low"] and slow["one_high"] > slow["high"]   # one solo varies more
    with pytest.raises(ValueError, match="no real solo within 5 bpm of 500"):
        measures.real_short_ioi_share(meta, 500, window=5)


def test_pooled_share_of_generated_solos():
    """Intervals pooled over solos: a long busy solo weighs more than a short sparse one."""
    busy, sparse = np.r_[np.full(30, 0.1), np.full(10, 0.5)], np.full(10, 1.0)
    got = measures.pooled_short_ioi_share([busy, sparse])
    assert got["share"] == pytest.approx(30 / 50) and got["solos"] == 2
    assert got["low"] <= got["share"] <= got["high"] and got["low"] < 0.5 < got["high"]
    with pytest.raises(ValueError, match="at least one inter-onset"):
        measures.pooled_short_ioi_share([busy, []])


def test_phrase_measures():
    steps = music.Solo(np.arange(8) * 12, np.full(8, 12), np.array([60, 62, 64, 65, 67, 65, 64, 62]), [])
    leaps = music.Solo(np.arange(8) * 12, np.full(8, 12), np.array([60, 72, 60, 72, 60, 72, 60, 72]), [])
    assert abs(measures.phrase_pitch_std([steps]) - np.std([60, 62, 64, 65, 67, 65, 64, 62])) < 1e-12
    assert measures.phrase_pitch_std([leaps]) == 6.0
    assert measures.leap_share([steps]) == 0 and measures.leap_share([leaps]) == 1
    assert measures.leap_share([leaps], over=12) == 0


def test_real_phrases_are_narrower_than_random_ones(real):
    rnd = _random_solos(real)
    assert measures.phrase_pitch_std(real) < 0.6 * measures.phrase_pitch_std(rnd)
    assert measures.leap_share(real) < 0.2 * measures.leap_share(rnd)


def test_copy_share_counts_runs_found_verbatim():
    train = [["a", "b", "c", "d", "e", "f", "g", "h", "i"]]
    known = {r for values in train for r in measures.runs_of(values)}
    assert len(known) == 2
    assert measures.copy_share(train, known) == 1.0
    assert measures.copy_share([list("abcdefgXi")], known) == 0.0
    with pytest.raises(ValueError, match="no solo has 8 values"):
        measures.copy_share([list("abc")], known)


def test_two_sample_accuracy_is_near_chance_for_one_distribution_and_near_one_for_two():
    rng = np.random.default_rng(0)
    a, b = rng.normal(size=(300, 4)), rng.normal(size=(300, 4))
    assert abs(measures.two_sample_accuracy(a, b) - 0.5) < 0.08
    assert 0.78 < measures.two_sample_accuracy(a, b + [2, 0, 0, 0]) < 0.9   # the best possible: 0.84
    assert measures.two_sample_accuracy(a, b + [4, 0, 0, 0]) > 0.95
    with pytest.raises(ValueError, match="at least 10 rows"):
        measures.two_sample_accuracy(a[:4], b)


def test_real_solos_fit_their_own_chords_better_than_shifted_ones(real):
    rnd = _random_solos(real)
    assert measures.shifted_chord_gain(real) > 0.03
    assert abs(measures.shifted_chord_gain(rnd)) < 0.02      # random pitches fit any chord alike


def test_gaps_and_bounds_of_the_real_solos(real):
    train_runs = {r for m in jazz_data.split_melids("train")[:40] for r in measures.runs_of(jazz_data.load_solo(m).values)}
    stats = measures.solo_stats(real, train_runs)
    gaps = measures.gaps(stats, stats)
    assert all(gaps[name] == 0 for name in measures.SET_MEASURES)
    assert gaps["classifier"] < 0.6                         # the same phrases: chance
    bounds = measures.real_bounds(stats, n=20)
    rnd = measures.gaps(stats, measures.solo_stats([_with_values(s) for s in _random_solos(real)], train_runs))
    assert rnd["TV intervals"] > 3 * bounds["TV intervals"] and rnd["leaps > 7"] > 3 * bounds["leaps > 7"]
    assert rnd["classifier"] > bounds["classifier"]


def _with_values(solo):
    solo.values = ["x"] * len(solo)
    return solo
