"""helpers.jazz.sequences: windows, one-hot and the one scoring function (both modes)."""
import numpy as np
import pytest

from helpers.jazz.sequences import (NGram, WHOLE, WINDOWS, next_value_windows, one_hot,
                                    sequence_nll, windows)


def test_windows_full_and_padded():
    seqs = [np.arange(1, 11), np.arange(20, 24)]
    full = windows(seqs, 4, stride=2)
    assert full.shape == (3, 5) and full[0].tolist() == [1, 2, 3, 4, 5]
    assert full[-1].tolist() == [5, 6, 7, 8, 9]           # the short sequence gives none
    padded = windows(seqs, 4, pad=True)
    assert padded.tolist() == [[1, 2, 3, 4, 5], [5, 6, 7, 8, 9], [9, 10, 0, 0, 0], [20, 21, 22, 23, 0]]
    ctx = windows([np.ones((10, 3)), np.ones((4, 3))], 4, pad=True)
    assert ctx.shape == (4, 5, 3)
    with pytest.raises(ValueError, match="T_x = 40"):
        windows(seqs, 40)


def test_next_value_windows_score_every_value_once():
    rng = np.random.default_rng(0)
    seqs = [rng.integers(1, 9, n) for n in (2, 7, 32, 33, 70)]
    X, Y, W = next_value_windows(seqs, 8)
    assert X.shape == Y.shape == W.shape and X.dtype == np.int32
    assert W.sum() == sum(len(s) - 1 for s in seqs)
    assert sorted(Y[W > 0].tolist()) == sorted(np.concatenate([s[1:] for s in seqs]).tolist())
    assert (Y[W == 0] == 0).all()


def test_one_hot():
    out = one_hot(np.array([[0, 2], [1, 1]]), 3)
    assert out.shape == (2, 2, 3) and out.dtype == np.float32
    assert out[0, 1].tolist() == [0, 0, 1]
    with pytest.raises(ValueError, match="id 3 is out of range 0..2"):
        one_hot([3], 3)


def _toy_model(n_values=7, n_a=5, seed=1, context=0):
    import keras
    from keras import layers, ops
    keras.utils.set_random_seed(seed)
    ids = keras.Input(shape=(None,), dtype="int32")
    x = ops.one_hot(ids, n_values)
    inputs = [ids]
    if context:
        c = keras.Input(shape=(None, context))
        inputs.append(c)
        x = layers.Concatenate()([x, c])
    out = layers.Dense(n_values, activation="softmax")(layers.LSTM(n_a, return_sequences=True)(x))
    return keras.Model(inputs if context else ids, out)


def _manual_nll(model, seqs, T_x=None, contexts=None):
    """Score each row separately, exactly as the mode says (no padding at all)."""
    total, count = 0.0, 0
    for k, seq in enumerate(seqs):
        starts = [0] if T_x is None else range(0, len(seq) - 1, T_x)
        for s in starts:
            end = len(seq) if T_x is None else min(s + T_x + 1, len(seq))
            x = seq[s:end - 1][None]
            feed = x if contexts is None else [x, contexts[k][s:end - 1][None]]
            p = np.asarray(model(feed))[0]
            total -= np.log(p[np.arange(end - 1 - s), seq[s + 1:end]]).sum()
            count += end - 1 - s
    return total / count


def test_sequence_nll_both_modes_match_a_row_by_row_computation():
    rng = np.random.default_rng(3)
    seqs = [rng.integers(0, 7, n).astype(np.int32) for n in (5, 19, 12)]
    model = _toy_model()
    whole = sequence_nll(model, seqs, WHOLE, batch_size=2)
    assert abs(whole - _manual_nll(model, seqs)) < 1e-5
    win = sequence_nll(model, seqs, WINDOWS, T_x=4)
    assert abs(win - _manual_nll(model, seqs, T_x=4)) < 1e-5
    assert abs(win - whole) > 1e-4        # the modes really differ
    with pytest.raises(ValueError, match="unknown scoring mode 'all'"):
        sequence_nll(model, seqs, "all")
    with pytest.raises(ValueError, match="needs T_x"):
        sequence_nll(model, seqs, WINDOWS)
    with pytest.raises(ValueError, match="takes no context features"):
        sequence_nll(model, seqs, contexts=[np.zeros((len(s), 2)) for s in seqs])


def test_sequence_nll_with_contexts():
    rng = np.random.default_rng(4)
    seqs = [rng.integers(0, 7, n).astype(np.int32) for n in (9, 14)]
    ctx = [rng.normal(size=(len(s), 3)).astype(np.float32) for s in seqs]
    model = _toy_model(context=3)
    assert abs(sequence_nll(model, seqs, contexts=ctx) - _manual_nll(model, seqs, contexts=ctx)) < 1e-5
    with pytest.raises(ValueError, match="pass contexts="):
        sequence_nll(model, seqs)
    with pytest.raises(ValueError, match="one row per value"):
        sequence_nll(model, seqs, contexts=[c[:-1] for c in ctx])


def test_ngrams_are_scored_by_the_same_function():
    seqs = [np.array([1, 2, 1, 2, 1, 2, 3]), np.array([2, 1, 2, 1, 3, 3])]
    uni = NGram(1, 4, add_k=1.0).fit(seqs)
    counts = np.bincount(np.concatenate(seqs), minlength=4) + 1.0
    p = counts / counts.sum()
    expected = -np.mean([np.log(p[x]) for s in seqs for x in s[1:]])
    assert abs(uni.nll(seqs) - expected) < 1e-12
    assert abs(uni.nll(seqs, WINDOWS, 2) - expected) < 1e-12     # no history: modes agree
    bi = NGram(2, 4).fit(seqs)
    assert bi.nll(seqs) < uni.nll(seqs) - 0.2
    tri = NGram(3, 4).fit(seqs)
    # in windows of 1 input the trigram only ever sees one previous value: it is a bigram
    assert abs(tri.nll(seqs, WINDOWS, 1) - bi.nll(seqs)) < 1e-12
    assert abs(tri.nll(seqs) - bi.nll(seqs)) > 1e-3


def test_scoring_drops_only_tensorflows_retracing_warning(caplog):
    import logging

    from helpers.jazz.sequences import _expected_retracing

    log = logging.getLogger("tensorflow")
    with caplog.at_level(logging.WARNING, logger="tensorflow"):
        with _expected_retracing():
            log.warning("5 out of the last 5 calls to <function f> triggered tf.function retracing.")
            log.warning("something else went wrong")
        log.warning("after scoring: 6 calls triggered tf.function retracing.")
    assert [r.getMessage() for r in caplog.records] == [
        "something else went wrong", "after scoring: 6 calls triggered tf.function retracing."]


def test_ngram_distribution_is_prob_of_every_value_and_kept():
    seqs = [np.array([0, 1, 2, 1, 0, 2, 2]), np.array([1, 1, 0, 2])]
    for order in (1, 2, 3):
        model = NGram(order, 3).fit(seqs)
        for context in ((), (1,), (0, 2), (2, 1, 0)):
            dist = model.distribution(context)
            key = context[-(order - 1):] if order > 1 else ()
            np.testing.assert_allclose(dist, [model.prob(key, x) for x in range(3)], rtol=1e-15)
            assert dist.sum() == pytest.approx(1.0)
            assert model.distribution(context) is dist     # computed once per context


def test_smoothed_copy_scores_like_a_fresh_fit_with_that_discount():
    seqs = [np.array([0, 1, 2, 1, 0, 2, 2, 1]), np.array([1, 1, 0, 2, 0])]
    counted = NGram(3, 3).fit(seqs)
    for discount in (0.5, 0.9):
        fresh = NGram(3, 3, discount=discount).fit(seqs)
        copy = counted.smoothed(discount=discount)
        assert copy.counts is counted.counts and counted.d == 0.75
        assert copy.nll(seqs) == pytest.approx(fresh.nll(seqs), rel=1e-12)
    assert NGram(1, 3).fit(seqs).smoothed(add_k=0.1).nll(seqs) == pytest.approx(
        NGram(1, 3, add_k=0.1).fit(seqs).nll(seqs), rel=1e-12)
