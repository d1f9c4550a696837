"""The naive Bayes baseline and the classic helpers of helpers.emojify.data."""
import contextlib
import io

import numpy as np
import pytest

from helpers.emojify.bayes import NaiveBayes
from helpers.emojify.data import convert_to_one_hot, load_sentences, predict


def test_naive_bayes_by_hand():
    nb = NaiveBayes.fit(["good good", "bad"], [2, 3])
    # vocabulary {bad, good}; class 2 saw good twice, class 3 saw bad once; Laplace alpha = 1
    np.testing.assert_allclose(np.exp(nb.log_likelihood[2, [0, 1]]), [1 / 4, 3 / 4])
    np.testing.assert_allclose(np.exp(nb.log_likelihood[3, [0, 1]]), [2 / 3, 1 / 3])
    np.testing.assert_allclose(np.exp(nb.log_prior[[2, 3]]), [0.5, 0.5])
    assert np.all(np.isneginf(nb.log_prior[[0, 1, 4]]))
    assert nb.predict(["Good!", "bad bad", "good qqq"]).tolist() == [2, 3, 2]
    # a sentence of unknown words falls back on the prior (a tie here: the first class of the two)
    assert nb.predict(["qqq"]).tolist() == [2]


def test_naive_bayes_ignores_word_order():
    X, Y = load_sentences("train")
    nb = NaiveBayes.fit(X, Y)
    np.testing.assert_allclose(nb.scores(["I was sad but now I am happy"]),
                               nb.scores(["I was happy but now I am sad"]))
    assert np.mean(nb.predict(X) == Y) > 0.8  # it does fit its training sentences


def test_naive_bayes_rejects_bad_input():
    with pytest.raises(ValueError, match="2 sentences but 1 labels"):
        NaiveBayes.fit(["a", "b"], [1])
    with pytest.raises(ValueError, match="alpha must be positive"):
        NaiveBayes.fit(["a"], [1], alpha=0)
    with pytest.raises(TypeError, match="list of sentences"):
        NaiveBayes.fit(["a"], [1]).predict("a")


def test_convert_to_one_hot():
    np.testing.assert_array_equal(convert_to_one_hot(np.array([[1], [0]]), C=3), [[0, 1, 0], [1, 0, 0]])
    assert convert_to_one_hot([4, 0]).shape == (2, 5)
    with pytest.raises(ValueError, match="whole numbers from 0 to 2"):
        convert_to_one_hot([3], C=3)


def test_predict_returns_a_column_and_prints_the_accuracy():
    w2v = {"good": np.array([1.0, 0.0]), "bad": np.array([0.0, 1.0])}
    W = np.zeros((5, 2))
    W[2, 0] = W[3, 1] = 1.0
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        pred = predict(np.array(["Good", "bad bad", "qqq"]), np.array([2, 3, 3]), W, np.zeros(5), w2v)
    assert pred.shape == (3, 1) and pred[:, 0].tolist() == [2, 3, 0]
    assert out.getvalue().strip() == "Accuracy: 0.6667"
