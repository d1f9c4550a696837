"""Graded functions of notebook 2 (via helpers/instructor/graded/jazz.py), their checks and mutations,
the model helpers, the shipped weights and generation."""
import re

import numpy as np
import pytest
from keras import ops

from helpers.jazz import data as jazz_data, evaluate as jazz_eval, music
from helpers.jazz import checks
from helpers.checking import CheckFailed
from helpers.instructor.graded import jazz as graded
from helpers.jazz.model import (SampleFeedback, fast_equivalent, load_gru, load_trained, make_layers,
                                sample_ids, sequence_nll, set_temperature, improvise, LSTM_WEIGHTS)
from helpers.notebook import setup
from tests.mutate import mutant



@pytest.fixture(autouse=True, scope="module")
def seeded():
    setup(seed=3, keras=True)


def _stack(outputs):
    outputs = outputs if isinstance(outputs, (list, tuple)) else [outputs]
    return np.stack([ops.convert_to_numpy(o) for o in outputs])


def _toy(n_values=11, n_a=6, seed=0):
    return checks._toy_layers(n_values, n_a, seed)


# ------------------------------------------------------------------- graded functions

def test_djmodel_shapes_and_fast_equivalent():
    LSTM_cell, densor, reshaper = _toy()
    model = graded.djmodel(5, LSTM_cell, densor, reshaper)
    assert [tuple(t.shape) for t in model.inputs] == [(None, 5, 11), (None, 6), (None, 6)]
    assert len(model.outputs) == 5 and all(tuple(o.shape) == (None, 11) for o in model.outputs)
    X = np.eye(11, dtype="float32")[np.random.default_rng(1).integers(0, 11, (4, 5))]
    zeros = np.zeros((4, 6), "float32")
    slow = _stack(model([X, zeros, zeros])).transpose(1, 0, 2)
    fast = ops.convert_to_numpy(fast_equivalent(LSTM_cell, densor)(X))
    assert slow.shape == (4, 5, 11)
    np.testing.assert_allclose(slow, fast, atol=1e-5)
    np.testing.assert_allclose(slow.sum(-1), 1, atol=1e-5)


def test_training_and_inference_models_share_weights():
    import keras
    LSTM_cell, densor, reshaper = _toy(seed=4)
    train_model = graded.djmodel(3, LSTM_cell, densor, reshaper)
    inference = graded.music_inference_model(LSTM_cell, densor, Ty=4)
    assert {id(w) for w in train_model.weights} == {id(w) for w in inference.weights
                                                     if "temperature" not in w.path}
    x0 = np.zeros((1, 1, 11), "float32")
    x0[0, 0, 3] = 1
    a0 = np.full((1, 6), 0.3, "float32")
    before = _stack(inference([x0, a0, a0]))
    # train the training model: the inference model sees the new weights
    X = np.eye(11, dtype="float32")[np.random.default_rng(2).integers(1, 11, (32, 3))]
    Y = [np.roll(X, -1, axis=1)[:, t] for t in range(3)]
    train_model.compile(optimizer=keras.optimizers.SGD(5.0), loss="categorical_crossentropy")
    train_model.fit([X, np.zeros((32, 6)), np.zeros((32, 6))], Y, epochs=3, verbose=0)
    after = _stack(inference([x0, a0, a0]))
    kernel = ops.convert_to_numpy(LSTM_cell.weights[0])
    assert not np.allclose(kernel, checks._toy_layers(11, 6, 4)[0].get_weights()[0])
    assert before.shape == after.shape == (4, 1, 11)


def test_inference_model_feeds_back_its_choices():
    LSTM_cell, densor, _ = _toy(seed=7)
    inference = graded.music_inference_model(LSTM_cell, densor, Ty=9)
    x0 = np.zeros((1, 1, 11), "float32")
    x0[0, 0, 2] = 1
    zeros = np.zeros((1, 6), "float32")
    _, indices = graded.predict_and_sample(inference, x0, zeros, zeros, temperature=0)
    # teacher forcing with its own choices: each choice is the argmax (without <unk>)
    sequence = np.concatenate([[2], indices[:, 0]])
    probs = ops.convert_to_numpy(fast_equivalent(LSTM_cell, densor)(np.eye(11, dtype="float32")[sequence[None, :-1]]))[0]
    probs[:, 0] = 0
    assert np.array_equal(probs.argmax(-1), indices[:, 0])
    # the numpy step-by-step sampler makes the same greedy choices
    assert np.array_equal(sample_ids(LSTM_cell, densor, 9, 2, temperature=0)[1:], indices[:, 0])


def test_predict_and_sample_temperature():
    LSTM_cell, densor, _ = _toy(n_values=13, seed=8)
    inference = graded.music_inference_model(LSTM_cell, densor, Ty=20)
    x0 = np.zeros((1, 1, 13), "float32")
    zeros = np.zeros((1, 6), "float32")
    r0, i0 = graded.predict_and_sample(inference, x0, zeros, zeros, temperature=0)
    r0b, i0b = graded.predict_and_sample(inference, x0, zeros, zeros, temperature=0)
    assert r0.shape == (20, 13) and i0.shape == (20, 1) and np.array_equal(i0, i0b)
    assert np.array_equal(r0.argmax(-1), i0[:, 0])
    hot = [graded.predict_and_sample(inference, x0, zeros, zeros, temperature=2.0)[1] for _ in range(3)]
    assert any(not np.array_equal(h, i0) for h in hot)
    assert all((h != 0).all() for h in hot + [i0])  # <unk> is never chosen


def test_sample_feedback_layer():
    layer = SampleFeedback(5, seed=1)
    probs = np.array([[0.9, 0.05, 0.05, 0.0, 0.0], [0.1, 0.2, 0.6, 0.05, 0.05]], "float32")
    out = ops.convert_to_numpy(layer(probs))
    assert np.array_equal(out.argmax(-1), [1, 2]) and np.allclose(out.sum(-1), 1)
    layer.temperature.assign(1.0)
    draws = np.stack([ops.convert_to_numpy(layer(probs)).argmax(-1) for _ in range(300)])
    assert (draws != 0).all() and set(np.unique(draws[:, 1])) >= {1, 2, 3, 4}
    assert 0.45 < np.mean(draws[:, 1] == 2) < 0.75
    with pytest.raises(ValueError, match="temperature must be >= 0"):
        set_temperature(graded.music_inference_model(*_toy()[:2], Ty=1), -1)


# ------------------------------------------------------------------------- checks

MUTATIONS = [
    ("note_to_value", "(pitch - chord.root) % 12", "(chord.root - pitch) % 12", "slot"),
    ("note_to_value", "elif 0 < jump <= 12:", "elif 0 < jump < 12:", "contour"),
    ("note_to_value", "elif -12 <= jump < 0:", "elif -12 < jump < 0:", "contour"),
    ("djmodel", "initial_state=[a, c]", "initial_state=[a0, c0]", "initial_state"),
    ("djmodel", "out = densor(a)", "out = densor(c)", "densor"),
    ("djmodel", "outputs.append(out)", "outputs = [out]", "one output per time step"),
    ("music_inference_model", "outputs.append(choice)", "outputs.append(out)", "one-hot"),
    ("music_inference_model", "x = ops.expand_dims(choice, axis=1)", "x = x0", "Feed the one-hot choice back"),
    ("music_inference_model", "choice = sampler(out)", "choice = ops.one_hot(ops.argmax(out, axis=-1), n_values)", "SampleFeedback"),
    ("predict_and_sample", "set_temperature(inference_model, temperature)", "pass", "set_temperature"),
    ("predict_and_sample", "indices = np.argmax(pred, axis=-1)", "indices = np.argmax(pred, axis=1)", "shape"),
]


@pytest.mark.parametrize("name, old, new, hint", MUTATIONS)
def test_checks_catch_mutations(name, old, new, hint, capsys):
    broken = mutant("jazz", name, old, new)
    with pytest.raises(CheckFailed, match=re.escape(hint)):
        getattr(checks, f"check_{name}")(broken)


# ------------------------------------------------------------- shipped model, generation

@pytest.fixture(scope="module")
def trained():
    n_values = jazz_data.vocab_size()
    LSTM_cell, densor, _ = make_layers(n_values)
    load_trained(LSTM_cell, densor)
    return LSTM_cell, densor


def test_shipped_lstm_beats_the_ngrams_and_matches_its_card(trained):
    test = jazz_data.load_sequences("test")
    lstm = sequence_nll(fast_equivalent(*trained), test)
    gru = sequence_nll(load_gru(jazz_data.vocab_size()), test)
    card = (LSTM_WEIGHTS.parent / "MODEL_CARD.md").read_text(encoding="utf-8")
    assert f"| {lstm:.3f} |" in card and f"| {gru:.3f} |" in card
    train, val = jazz_data.load_sequences("train"), jazz_data.load_sequences("validation")
    bigram = jazz_eval.best_ngram(2, jazz_data.vocab_size(), train, val).nll(test)
    assert lstm < bigram - 0.05
    assert abs(gru - lstm) < 0.2


def test_improvise_fills_the_choruses_exactly(trained, tmp_path):
    blues = music.parse_progression(music.BLUES_IN_BB)
    solo, values = improvise(*trained, blues, choruses=2, temperature=1.0, seed=5)
    again, _ = improvise(*trained, blues, choruses=2, temperature=1.0, seed=5)
    assert np.array_equal(solo.pitches, again.pitches)  # seeded
    assert solo.onsets[0] == 0 and solo.onsets[-1] + solo.durations[-1] == 2 * blues.steps
    assert np.array_equal(solo.onsets[1:], solo.onsets[:-1] + solo.durations[:-1])
    notes = solo.pitches[solo.notes]
    assert notes.min() >= 53 and notes.max() <= 84 and len(notes) > 40
    assert "<unk>" not in values
    shares = jazz_eval.type_shares([solo])
    assert shares["chord"] + shares["scale"] > 0.5
    with pytest.raises(ValueError, match="choruses must be at least 1"):
        improvise(*trained, blues, choruses=0)


def test_generated_solo_file_parses_with_pretty_midi_and_music21(trained, tmp_path):
    import music21
    import pretty_midi

    tune = music.parse_progression("F-7 | Bb-7 | Eb7 | Abj7 | Dbj7 | G7 | Cj7 | Cj7")
    solo, _ = improvise(*trained, tune, choruses=2, temperature=1.0, seed=9)
    path = tmp_path / "generated.mid"
    music.to_midi(solo, tempo=170, progression=tune, choruses=2).write(str(path))
    pm = pretty_midi.PrettyMIDI(str(path))
    assert [i.name for i in pm.instruments] == ["solo", "bass", "piano"]
    assert len(pm.instruments[0].notes) == int(solo.notes.sum())
    assert len(pm.instruments[1].notes) == 2 * 8 * 4
    assert abs(pm.get_end_time() - 2 * 8 * 4 * 60 / 170) < 0.5
    score = music21.converter.parse(str(path), quantizePost=False)
    assert len(score.parts) == 3
    assert len(score.parts[0].stripTies().recurse().notes) == int(solo.notes.sum())
    assert len(music.read_midi_notes(path)) == sum(len(i.notes) for i in pm.instruments)
