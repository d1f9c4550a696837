"""Notebook 4's building blocks: equal parameter budgets, the adding problem (the reference
solution of the notebook's exercise), jazz windows and scoring, sentence encoding (fast; no
training)."""
import math

import numpy as np
import pytest

from helpers.instructor.graded.variants import adding_problem
from helpers.jazz.sequences import next_value_windows
from helpers.variants import models as V


@pytest.mark.parametrize("task,dims,budget", [
    ("adding", {}, 1200),
    ("jazz", {"n_values": 60, "n_e": 8}, 6000),
    ("emoji", {}, 3000),
])
@pytest.mark.parametrize("model", list(V.VARIANTS))
def test_models_have_the_budgeted_parameter_count(task, dims, budget, model):
    variant = V.VARIANTS[model]
    embedding = np.random.default_rng(0).normal(size=(30, 50)).astype(np.float32)
    n_a = V.units_for_budget(task, variant.cell, budget, **dims)
    extra = {"embedding": embedding} if task == "emoji" else dims
    keras_model = V.build_model(task, variant, n_a, **extra)
    count = V.trainable_params(keras_model)
    assert count == V.model_params(task, variant.cell, n_a, **dims)  # closed form = Keras
    assert abs(count - budget) <= 0.1 * budget, (model, n_a, count)


def test_units_follow_the_cost_of_each_cell():
    # per unit, a GRU has 3 and an LSTM 4 weight blocks against SimpleRNN's 1
    n = {cell: V.units_for_budget("adding", cell, 5000) for cell in V.CELLS}
    assert n["SimpleRNN"] > n["GRU"] > n["LSTM"]
    assert V.units_for_budget("adding", "LSTM", V.model_params("adding", "LSTM", 16)) == 16


def test_budget_errors_name_the_problem():
    with pytest.raises(ValueError, match="below the smallest LSTM"):
        V.units_for_budget("adding", "LSTM", 10)
    with pytest.raises(ValueError, match="unknown cell 'RNN'"):
        V.recurrent_params("RNN", 4, 2)
    with pytest.raises(ValueError, match="unknown task"):
        V.model_params("copy", "GRU", 4)


def test_forget_bias_variant_sets_the_initial_forget_gate_bias():
    for model, expected in (("LSTM", 1.0), ("LSTM, forget bias 0", 0.0)):
        keras_model = V.build_model("adding", V.VARIANTS[model], 4)
        bias = np.asarray(keras_model.get_layer("lstm").cell.bias)
        np.testing.assert_array_equal(bias[4:8], expected)  # gates i, f, c, o: f is the second
        np.testing.assert_array_equal(bias[:4], 0.0)


def test_adding_problem_targets_and_shapes():
    x, y = adding_problem(500, 30, np.random.default_rng(3))
    assert x.shape == (500, 30, 2) and y.shape == (500,)
    assert x.dtype == np.float32 and y.dtype == np.float32
    values, markers = x[..., 0], x[..., 1]
    assert values.min() >= 0.0 and values.max() < 1.0
    np.testing.assert_array_equal(markers[:, :15].sum(axis=1), 1)  # one marker in each half
    np.testing.assert_array_equal(markers[:, 15:].sum(axis=1), 1)
    assert set(np.unique(markers)) == {0.0, 1.0}
    np.testing.assert_allclose(y, (values * markers).sum(axis=1), rtol=1e-6)
    # every position of each half gets marked somewhere: the markers really move
    assert (markers.sum(axis=0) > 0).all()


def test_adding_problem_is_reproducible_and_checks_its_arguments():
    a = adding_problem(8, 10, np.random.default_rng(7))
    b = adding_problem(8, 10, np.random.default_rng(7))
    np.testing.assert_array_equal(a[0], b[0])
    with pytest.raises(ValueError, match="T_x >= 2"):
        adding_problem(8, 1, np.random.default_rng(0))


def test_normalised_mse():
    y = np.array([0.5, 1.0, 1.5, 2.0])
    assert V.normalised_mse(y, y) == 0.0
    assert V.normalised_mse(y, np.full(4, y.mean())) == pytest.approx(1.0)
    with pytest.raises(ValueError, match="4 targets but 3 predictions"):
        V.normalised_mse(y, y[:3])


def test_next_value_windows_by_hand():
    X, Y, W = next_value_windows([np.array([1, 2, 3, 4, 5]), np.array([6, 7, 8, 9])], T_x=2, stride=2)
    np.testing.assert_array_equal(X, [[1, 2], [3, 4], [6, 7], [8, 9]])
    np.testing.assert_array_equal(Y, [[2, 3], [4, 5], [7, 8], [9, 0]])
    np.testing.assert_array_equal(W, [[1, 1], [1, 1], [1, 1], [1, 0]])
    assert X.dtype == np.int32 and W.dtype == np.float32


def test_next_value_windows_with_stride_T_x_score_each_value_once():
    rng = np.random.default_rng(0)
    seqs = [rng.integers(1, 9, size=n) for n in (2, 17, 32, 33, 100)]
    X, Y, W = next_value_windows(seqs, T_x=16, stride=16)
    assert W.sum() == sum(len(s) - 1 for s in seqs)
    np.testing.assert_array_equal(np.sort(Y[W > 0]), np.sort(np.concatenate([s[1:] for s in seqs])))
    _, _, W8 = next_value_windows(seqs, T_x=16, stride=8)  # overlapping windows score values twice
    assert W8.sum() > W.sum()


class FakeGlove:
    dim = 3
    table = {"i": 0, "love": 1, "you": 2, "food": 3}

    def lookup(self, word):
        return None if word not in self.table else self.table[word] + 1

    def vector(self, word):
        return np.full(3, self.table[word], dtype=np.float32)


def test_sentence_vocabulary_and_encoding():
    word_index, matrix = V.sentence_vocabulary(["I love you", "food"], FakeGlove())
    assert word_index == {"food": 1, "i": 2, "love": 3, "you": 4}
    assert matrix.shape == (5, 3)
    np.testing.assert_array_equal(matrix[0], 0.0)            # padding row
    np.testing.assert_array_equal(matrix[word_index["love"]], 1.0)
    ids = V.encode_sentences(["I LOVE food", "you"], word_index, T_x=4)
    np.testing.assert_array_equal(ids, [[2, 3, 1, 0], [4, 0, 0, 0]])


def test_sentence_errors_name_the_word_and_sentence():
    with pytest.raises(KeyError, match="'pizza' \\(in the sentence 'I love pizza'\\)"):
        V.sentence_vocabulary(["I love pizza"], FakeGlove())
    word_index, _ = V.sentence_vocabulary(["I love you"], FakeGlove())
    with pytest.raises(KeyError, match="'food' \\(sentence 1"):
        V.encode_sentences(["you", "food"], word_index, T_x=3)
    with pytest.raises(ValueError, match="sentence 0 .* has 3 words, more than T_x=2"):
        V.encode_sentences(["I love you"], word_index, T_x=2)


# ---------------------------------------------------------------- early stopping

def test_improved_needs_more_than_the_margin():
    assert V.improved(0.5, math.inf, 0.01, 0.0)               # anything beats "no score yet"
    assert not V.improved(math.nan, 1.0, 0.0, 0.0)
    assert V.improved(0.97, 1.0, 0.01, 0.02)                  # 0.03 > max(0.01, 0.02)
    assert not V.improved(0.985, 1.0, 0.01, 0.02)             # 0.015 < 0.02 (relative margin)
    assert not V.improved(0.0095, 0.01, 0.001, 0.02)          # 0.0005 < 0.001 (absolute margin)
    assert V.improved(0.9, 0.8, 0.05, 0.0, lower_is_better=False)


def _toy_regression():
    import keras

    rng = np.random.default_rng(0)
    x = rng.normal(size=(64, 3)).astype(np.float32)
    y = (x @ np.array([1.0, -2.0, 0.5])).astype(np.float32)
    inputs = keras.Input(shape=(3,))
    return keras.Model(inputs, keras.layers.Dense(1)(inputs)), x, y


def test_train_stops_on_a_plateau_and_keeps_the_best_weights():
    model, x, y = _toy_regression()
    scripted = iter([1.0, 0.5, 0.499, 0.6, 0.45, 0.7, 0.8, 0.9, 1.0])   # validation scores
    kept = {}

    def evaluate(mdl):
        score = next(scripted)
        kept[score] = [w.copy() for w in mdl.get_weights()]
        return score

    curve = V.train(model, x, y, evaluate, max_epochs=9, patience=3, batch_size=16,
                    learning_rate=0.01, loss="mse", min_delta=0.01)
    # 0.499 is no improvement on 0.5 (margin 0.01) but 0.45 is; then 3 epochs without one
    assert curve["best_epoch"] == 5 and curve["stopped"] == "plateau"
    assert len(curve["eval"]) == len(curve["train_loss"]) == len(curve["seconds"]) == 8
    for restored, best in zip(model.get_weights(), kept[0.45]):
        np.testing.assert_array_equal(restored, best)


def test_patience_counts_only_once_the_score_got_below_patience_below():
    model, x, y = _toy_regression()
    flat = [1.0, 1.01, 1.0, 1.02, 1.0, 1.01, 1.0]          # still on the plateau: never stopped
    curve = V.train(model, x, y, lambda mdl, s=iter(flat): next(s), max_epochs=7, patience=2,
                    batch_size=16, learning_rate=0.01, loss="mse", patience_below=0.5)
    assert curve["stopped"] == "max_epochs" and len(curve["eval"]) == 7
    # leaves the plateau at epoch 4 (0.3); patience counts from then on: best epoch 5, stop at 7
    late = [1.0, 1.0, 1.0, 0.3, 0.1, 0.1, 0.1, 0.1, 0.1]
    curve = V.train(model, x, y, lambda mdl, s=iter(late): next(s), max_epochs=9, patience=2,
                    batch_size=16, learning_rate=0.01, loss="mse", patience_below=0.5)
    assert (curve["stopped"], curve["best_epoch"], len(curve["eval"])) == ("plateau", 5, 7)
    # without patience_below the same flat start stops after the patience of 2 epochs
    curve = V.train(model, x, y, lambda mdl, s=iter(late): next(s), max_epochs=9, patience=2,
                    batch_size=16, learning_rate=0.01, loss="mse")
    assert (curve["stopped"], len(curve["eval"])) == ("plateau", 3)


def test_stop_epoch_replays_the_rule_of_train_on_stored_scores():
    scripted = [1.0, 0.5, 0.499, 0.6, 0.45, 0.7, 0.8, 0.9, 1.0]  # train stops these at epoch 8
    assert V.stop_epoch(scripted, patience=3, min_delta=0.01) == 8
    assert V.stop_epoch(scripted[:7], patience=3, min_delta=0.01) is None
    flat_then_late = [1.0, 1.0, 1.0, 1.0, 0.3, 0.1]
    assert V.stop_epoch(flat_then_late, patience=2) == 3
    assert V.stop_epoch(flat_then_late, patience=2, patience_below=0.5) is None


def test_train_reports_when_it_hit_the_epoch_limit():
    model, x, y = _toy_regression()
    scores = iter([1.0, 0.8, 0.6])
    curve = V.train(model, x, y, lambda mdl: next(scores), max_epochs=3, patience=2,
                    batch_size=16, learning_rate=0.01, loss="mse")
    assert curve["stopped"] == "max_epochs" and curve["best_epoch"] == 3
    with pytest.raises(ValueError, match="max_epochs and patience must be >= 1"):
        V.train(model, x, y, lambda mdl: 0.0, max_epochs=0, patience=2, batch_size=16,
                learning_rate=0.01, loss="mse")


def test_cross_entropy():
    probs = np.array([[0.5, 0.5], [0.9, 0.1]])
    assert V.cross_entropy([0, 0], probs) == pytest.approx(-(math.log(0.5) + math.log(0.9)) / 2)
    with pytest.raises(ValueError, match="3 labels for probabilities of shape \\(2, 2\\)"):
        V.cross_entropy([0, 1, 0], probs)


def test_jazz_score_is_notebook_2s_whole_solo_score():
    # the same function and mode as notebook 2: each solo read in one pass from a zero state,
    # which equals windows as long as the longest solo and differs from short windows
    import keras

    from helpers.jazz import sequences

    keras.utils.set_random_seed(3)
    model = V.build_model("jazz", V.VARIANTS["GRU"], 6, n_values=11, n_e=4)
    rng = np.random.default_rng(4)
    seqs = [rng.integers(1, 11, size=n) for n in (5, 23, 40)]
    whole = V.jazz_nll(model, seqs)
    assert whole == pytest.approx(sequences.sequence_nll(model, seqs, mode=sequences.WHOLE))
    assert whole == pytest.approx(
        sequences.sequence_nll(model, seqs, mode=sequences.WINDOWS, T_x=39), rel=1e-5)
    assert abs(whole - sequences.sequence_nll(model, seqs, mode=sequences.WINDOWS, T_x=8)) > 1e-6
    assert 0.5 * math.log(11) < whole < 2 * math.log(11)   # an untrained model: near uniform
