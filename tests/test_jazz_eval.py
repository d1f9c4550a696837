"""Notebook 2's evaluation: the measures, sampling (temperature, top-p), sound, generated MIDI."""
import numpy as np
import pytest

from helpers.jazz import audio, data as jazz_data, measures, music, sampling
from helpers.jazz.model import load_trained, make_layers
from helpers.jazz.sequences import best_ngram
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
    uni = sampling.solos_under(real[:12], tracks, lambda track, total, first, seed: sampling.ngram_sample(
        unigram, first, total, steps_of, n_values, seed=seed))
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

def test_reshape_temperature_and_top_p():
    p = np.array([0.1, 0.5, 0.25, 0.15])
    q = sampling.reshape(p, 1.0)
    assert q[0] == 0 and np.isclose(q.sum(), 1) and np.allclose(q[1:], p[1:] / p[1:].sum())
    assert np.array_equal(sampling.reshape(p, 0), [0, 1, 0, 0])
    cold, hot = sampling.reshape(p, 0.5), sampling.reshape(p, 2.0)
    assert cold[1] > q[1] > hot[1]
    nucleus = sampling.reshape(p, 1.0, top_p=0.6)
    assert np.count_nonzero(nucleus) == 2 and np.isclose(nucleus.sum(), 1)
    with pytest.raises(ValueError, match="temperature must be >= 0"):
        sampling.reshape(p, -1)
    with pytest.raises(ValueError, match=r"top_p must be in \(0, 1\]"):
        sampling.reshape(p, 1, top_p=0)


def test_choose_draws_the_reshaped_distribution():
    p = np.array([0.0, 0.6, 0.3, 0.1])
    rng = np.random.default_rng(0)
    draws = np.array([sampling.choose(p, 1.0, 1.0, rng) for _ in range(4000)])
    assert np.allclose(np.bincount(draws, minlength=4) / 4000, p, atol=0.03)
    assert sampling.choose(p, 0) == 1


def test_lstm_sampler_fills_the_choruses_and_is_seeded(lstm):
    blues = music.parse_progression(music.BLUES_IN_BB)
    steps_of = jazz_data.value_steps()
    first = int(jazz_data.to_ids(["rest:12"])[0])
    ids = sampling.lstm_sample(lstm, first, 2 * blues.steps, steps_of, seed=4)
    assert np.array_equal(ids, sampling.lstm_sample(lstm, first, 2 * blues.steps, steps_of, seed=4))
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
                               jazz_data.value_steps(), seed=seed)
    solo, _ = sampling.realise_over(ids, tune.chord_at, choruses * tune.steps)
    path = tmp_path / "generated.mid"
    music.to_midi(solo, tempo=160, progression=tune, choruses=choruses, swing=True).write(str(path))
    parts = music.read_midi_parts(path)
    assert list(parts) == ["solo", "bass", "piano"]
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
