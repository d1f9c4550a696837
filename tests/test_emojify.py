"""Notebook 3 (Emojify): the graded functions, their checks, and the mutations the checks catch."""
import contextlib
import io

import numpy as np
import pytest

from helpers.emojify import checks
from helpers.instructor.references import emojify as references
from helpers.checking import CheckFailed
from helpers.emojify.data import predict_emoji, load_sentences
from helpers.emojify.glove import load_glove
from helpers.step_by_step.rnn_utils import numerical_gradient
from helpers.instructor.graded import emojify as graded
from tests.mutate import mutant, mutant_namespace

EXERCISES = ("sentence_to_avg", "model", "sentences_to_indices", "pretrained_embedding_layer",
             "Emojify_V2")


def quiet(fn, *args, **kwargs):
    with contextlib.redirect_stdout(io.StringIO()):
        return fn(*args, **kwargs)


@pytest.fixture(scope="module")
def glove():
    return load_glove()


@pytest.fixture(scope="module")
def small_vocabulary(glove):
    """GloVe restricted to the words of a few sentences, re-indexed 1..V (0 stays padding)."""
    words = sorted({w for s in load_sentences("test")[0] for w in s.lower().split()})
    word_to_index = {w: i + 1 for i, w in enumerate(words)}
    word_to_vec_map = {w: glove.word_to_vec_map[w] for w in words}
    return word_to_vec_map, word_to_index


# ------------------------------------------------------------------ the checks themselves
# (the catalogue of broken solutions is in test_emojify_mutations.py, classic-style solutions
# in test_emojify_classic.py)

def test_the_reference_solutions_pass_every_check(capsys):
    for name in EXERCISES:
        getattr(checks, f"check_{name}")(getattr(graded, name))
    out = capsys.readouterr().out
    assert all(f"✅ {name}: all" in out for name in EXERCISES)


def test_the_check_inputs_come_from_the_session_rng():
    from helpers.checking import session

    local, _ = checks.tiny_vocabulary()
    with session((99,), references=lambda module: {}):
        salted, _ = checks.tiny_vocabulary()
    assert not np.allclose(local["love"], salted["love"])


def test_the_probes_return_plain_values():
    w2v, w2i = checks.tiny_vocabulary()
    plain = (type(None), bool, int, float, str, np.ndarray, np.bool_)

    def is_plain(value):
        if isinstance(value, dict):
            return all(isinstance(k, str) and is_plain(v) for k, v in value.items())
        if isinstance(value, (list, tuple)):
            return all(is_plain(v) for v in value)
        return isinstance(value, plain)

    with contextlib.redirect_stdout(io.StringIO()):
        assert is_plain(checks.probe_model(graded.model, checks.SENTENCES, checks.LABELS, w2v, 0.1, 1))
    assert is_plain(checks.probe_embedding_layer(graded.pretrained_embedding_layer, w2v, w2i))
    assert is_plain(checks.probe_Emojify_V2(graded.Emojify_V2, checks.V2_LEN, w2v, w2i))


# ------------------------------------------------------------------ V1

def test_sentence_to_avg_on_glove(glove):
    w2v = glove.word_to_vec_map
    avg = graded.sentence_to_avg("I love Pizza", w2v)
    assert avg.shape == (50,)
    np.testing.assert_allclose(avg, (w2v["i"] + w2v["love"] + w2v["pizza"]) / 3, rtol=1e-6)


def test_sentence_to_avg_skips_unknown_words(glove):
    w2v = glove.word_to_vec_map
    np.testing.assert_allclose(graded.sentence_to_avg("pizza qqqzzzx", w2v), w2v["pizza"], rtol=1e-6)
    empty = graded.sentence_to_avg("qqqzzzx xxqqzz", w2v)
    assert empty.shape == (50,) and not empty.any()


def softmax(z):
    e = np.exp(z - z.max())
    return e / e.sum()


def numeric_gradients(W, b, avg, y):
    """Central finite differences of -log softmax(W avg + b)[y] with respect to W and b."""
    W, b = W.copy(), b.copy()

    def loss():
        return -np.log(softmax(W @ avg + b)[y])

    return numerical_gradient(loss, W), numerical_gradient(loss, b)


def initial_parameters(n_h):
    W = np.random.default_rng(1).standard_normal((5, n_h)) / np.sqrt(n_h)
    return W, np.zeros(5)


def test_model_step_is_the_finite_difference_gradient():
    w2v, _ = checks.tiny_vocabulary()
    lr = 0.5
    X, Y = checks.SENTENCES[:1], checks.LABELS[:1]
    _, W1, b1 = quiet(graded.model, X, Y, w2v, learning_rate=lr, num_iterations=1)
    W0, b0 = initial_parameters(checks.DIM)
    avg = graded.sentence_to_avg(X[0], w2v)
    dW_num, db_num = numeric_gradients(W0, b0, avg, Y[0])
    np.testing.assert_allclose((W0 - W1) / lr, dW_num, atol=1e-7)
    np.testing.assert_allclose((b0 - b1) / lr, db_num, atol=1e-7)


def test_model_updates_after_every_example_with_its_own_gradient():
    w2v, _ = checks.tiny_vocabulary()
    lr = 0.3
    X, Y = checks.SENTENCES[:3], checks.LABELS[:3]
    _, W_got, b_got = quiet(graded.model, X, Y, w2v, learning_rate=lr, num_iterations=2)
    W, b = initial_parameters(checks.DIM)
    for _ in range(2):
        for x, y in zip(X, Y):
            dW, db = numeric_gradients(W, b, graded.sentence_to_avg(x, w2v), y)
            W, b = W - lr * dW, b - lr * db
    np.testing.assert_allclose(W_got, W, atol=1e-7)
    np.testing.assert_allclose(b_got, b, atol=1e-7)


def test_accumulating_gradients_breaks_the_per_example_test():
    """The test above can fail: the classic accumulation bug does not pass it."""
    broken = mutant("emojify", "model", "dW = np.outer(dz, avg[i])",
                    "dW = np.outer(dz, avg[i]) + (dW if i else 0)")
    w2v, _ = checks.tiny_vocabulary()
    _, W_bad, _ = quiet(broken, checks.SENTENCES[:3], checks.LABELS[:3], w2v, learning_rate=0.3,
                        num_iterations=2)
    _, W_good, _ = quiet(graded.model, checks.SENTENCES[:3], checks.LABELS[:3], w2v,
                         learning_rate=0.3, num_iterations=2)
    assert not np.allclose(W_bad, W_good, atol=1e-4)


def test_model_shapes_and_report(glove, capsys):
    X, Y = load_sentences("train")
    pred, W, b = graded.model(X[:40], Y[:40], glove.word_to_vec_map, num_iterations=101)
    assert pred.shape == (40,) and W.shape == (5, 50) and b.shape == (5,)
    assert set(np.unique(pred)) <= set(range(5))
    lines = capsys.readouterr().out.strip().split("\n")
    assert len(lines) == 2 and lines[0].startswith("iteration   0: cost = ")
    assert "training accuracy" in lines[1]


# ------------------------------------------------------------------ V2

def test_sentences_to_indices_on_glove(glove):
    w2i = glove.word_to_index
    got = graded.sentences_to_indices(["I love you", "Pizza qqqzzzx now", "qqqzzzx"], w2i, 4)
    assert got.shape == (3, 4) and np.issubdtype(got.dtype, np.integer)
    assert got[0].tolist() == [w2i["i"], w2i["love"], w2i["you"], 0]
    assert got[1].tolist() == [w2i["pizza"], w2i["now"], 0, 0]  # the unknown word is skipped
    assert got[2].tolist() == [0, 0, 0, 0]


def test_sentences_to_indices_rejects_sentences_longer_than_max_len(glove):
    with pytest.raises(ValueError, match=r"sentence 1 \('a b c d'\) has 4 known words, more than max_len=3"):
        graded.sentences_to_indices(["a b", "a b c d"], glove.word_to_index, 3)
    # unknown words do not count towards the length
    assert graded.sentences_to_indices(["a qqqzzzx b c"], glove.word_to_index, 3).shape == (1, 3)


def test_pretrained_embedding_layer_holds_glove(glove):
    layer = graded.pretrained_embedding_layer(glove.word_to_vec_map, glove.word_to_index)
    matrix = layer.get_weights()[0]
    assert matrix.shape == (400001, 50)
    np.testing.assert_array_equal(matrix, glove.embedding_matrix())
    assert not layer.trainable and layer.mask_zero


def test_emojify_v2_shapes(small_vocabulary):
    w2v, w2i = small_vocabulary
    model = graded.Emojify_V2((7,), w2v, w2i)
    assert model.input_shape == (None, 7) and model.output_shape == (None, 5)
    x = graded.sentences_to_indices(["I want to eat", "she is crying"], w2i, 7)
    probs = model.predict(x, verbose=0)
    assert probs.shape == (2, 5)
    np.testing.assert_allclose(probs.sum(axis=1), 1, atol=1e-5)


def padding_gap(Emojify_V2, small_vocabulary):
    """Largest difference between the predictions for the same sentences padded to 6 and 15."""
    import keras

    w2v, w2i = small_vocabulary
    keras.utils.set_random_seed(3)
    short = Emojify_V2((6,), w2v, w2i)
    long = Emojify_V2((15,), w2v, w2i)
    long.set_weights(short.get_weights())
    sentences = ["I want to eat something", "she is crying", "the team practices on monday"]
    p_short = short.predict(graded.sentences_to_indices(sentences, w2i, 6), verbose=0)
    p_long = long.predict(graded.sentences_to_indices(sentences, w2i, 15), verbose=0)
    return float(np.max(np.abs(p_short - p_long)))


def test_masking_makes_the_prediction_independent_of_padding(small_vocabulary):
    assert padding_gap(graded.Emojify_V2, small_vocabulary) < 1e-5


def test_without_mask_the_padding_changes_the_prediction(small_vocabulary):
    namespace = mutant_namespace("emojify", "pretrained_embedding_layer", ", mask_zero=True", "")
    assert padding_gap(namespace["Emojify_V2"], small_vocabulary) > 1e-5


def test_predict_emoji_with_a_keras_model(small_vocabulary):
    w2v, w2i = small_vocabulary
    model = graded.Emojify_V2((8,), w2v, w2i)
    out = predict_emoji(model, ["I want to eat something!", "Let us get dinner"],
                        lambda s: graded.sentences_to_indices(s, w2i, 8))
    assert [len(p.probabilities) for p in out] == [5, 5]
    assert all(0 <= p.label < 5 for p in out)
    assert out[0].sentence == "I want to eat something!"


def test_with_fresh_inputs_and_live_references_the_verdicts_hold():
    """What the grader does: a fresh salt for rng, references computed from the solutions."""
    from helpers.checking import outcome, session

    with contextlib.redirect_stdout(io.StringIO()), \
            session((2027,), references=lambda module: references.expected(graded)):
        assert all(outcome(name, getattr(graded, name)).status == "passed" for name in EXERCISES)
        broken = mutant("emojify", "sentence_to_avg", "avg = avg / len(known)", "avg = avg")
        assert outcome("sentence_to_avg", broken).status == "failed"
