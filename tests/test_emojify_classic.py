"""Correct solutions written the way the 2021 edition of the classic Emojify assignment writes
them pass the checks, except where this course deliberately asks for more, and there the hint
names the difference.

The solutions below are written for this test in that style (``np.dot``, counters, classic
Keras names imported into the notebook's namespace, a float index array).
"""
import contextlib
import io

import pytest

from helpers.checking import CheckFailed
from helpers.emojify import checks

# what the notebook's first cells define before the exercises
PRELUDE = """
import numpy as np
import keras
from keras import Model
from keras.layers import Input, Embedding, LSTM, Dense, Dropout, Activation
from keras.utils import to_categorical
from helpers.emojify.data import convert_to_one_hot, predict
from helpers.instructor.graded.emojify import softmax
"""

SENTENCE_TO_AVG = """
def sentence_to_avg(sentence, word_to_vec_map):
    any_word = list(word_to_vec_map.keys())[0]
    words = sentence.lower().split()
    avg = np.zeros(word_to_vec_map[any_word].shape)
    count = 0
    for w in words:
        if w in word_to_vec_map:
            avg += word_to_vec_map[w]
            count += 1
    if count > 0:
        avg = avg / count
    return avg
"""

MODEL = """
def model(X, Y, word_to_vec_map, learning_rate=0.01, num_iterations=400):
    any_word = list(word_to_vec_map.keys())[0]
    cost = 0
    m = Y.shape[0]
    n_y = len(np.unique(Y))
    n_h = word_to_vec_map[any_word].shape[0]
    {init}
    b = np.zeros((n_y,))
    Y_oh = convert_to_one_hot(Y, C=n_y)
    for t in range(num_iterations):
        for i in range(m):
            avg = sentence_to_avg(X[i], word_to_vec_map)
            z = np.dot(W, avg) + b
            a = softmax(z)
            cost = -np.sum(np.multiply(Y_oh[i], np.log(a)))
            dz = a - Y_oh[i]
            dW = np.dot(dz.reshape(n_y, 1), avg.reshape(1, n_h))
            db = dz
            W = W - learning_rate * dW
            b = b - learning_rate * db
        if t % 100 == 0:
            print("Epoch: " + str(t) + " --- cost = " + str(cost))
            pred = predict(X, Y, W, b, word_to_vec_map)
    return pred, W, b
"""
GIVEN_INIT = "rng = np.random.default_rng(1); W = rng.standard_normal((n_y, n_h)) / np.sqrt(n_h)"
CLASSIC_INIT = "W = np.random.randn(n_y, n_h) / np.sqrt(n_h)"

SENTENCES_TO_INDICES = """
def sentences_to_indices(X, word_to_index, max_len):
    m = X.shape[0]
    X_indices = np.zeros((m, max_len){index_dtype})
    for i in range(m):
        sentence_words = X[i].lower().split()
        j = 0
        for w in sentence_words:
            if w in word_to_index:
                X_indices[i, j] = word_to_index[w]
                j = j + 1
    return X_indices
"""

PRETRAINED_EMBEDDING_LAYER = """
def pretrained_embedding_layer(word_to_vec_map, word_to_index):
    vocab_size = len(word_to_index) + 1
    any_word = list(word_to_vec_map.keys())[0]
    emb_dim = word_to_vec_map[any_word].shape[0]
    emb_matrix = np.zeros((vocab_size, emb_dim))
    for word, idx in word_to_index.items():
        emb_matrix[idx, :] = word_to_vec_map[word]
    embedding_layer = Embedding(vocab_size, emb_dim, trainable=False{mask})
    embedding_layer.build((None,))
    embedding_layer.set_weights([emb_matrix])
    return embedding_layer
"""

EMOJIFY_V2 = """
def Emojify_V2(input_shape, word_to_vec_map, word_to_index):
    sentence_indices = Input(shape=input_shape, dtype='int32')
    embedding_layer = pretrained_embedding_layer(word_to_vec_map, word_to_index)
    embeddings = embedding_layer(sentence_indices)
    X = LSTM(units=128, return_sequences=True)(embeddings)
    X = Dropout(rate=0.5)(X)
    X = LSTM(units=128, return_sequences=False)(X)
    X = Dropout(rate=0.5)(X)
    X = Dense(units=5)(X)
    X = Activation('softmax')(X)
    model = Model(inputs=sentence_indices, outputs=X)
    return model
"""


def classic(init=GIVEN_INIT, mask=", mask_zero=True", index_dtype="") -> dict:
    namespace = {"__name__": "classic_emojify"}
    source = "\n".join([PRELUDE, SENTENCE_TO_AVG, MODEL.replace("{init}", init),
                        SENTENCES_TO_INDICES.replace("{index_dtype}", index_dtype),
                        PRETRAINED_EMBEDDING_LAYER.replace("{mask}", mask), EMOJIFY_V2])
    exec(compile(source, "<classic emojify>", "exec"), namespace)
    return namespace


def passes(name, fn):
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        getattr(checks, f"check_{name}")(fn)
    return f"✅ {name}: all" in out.getvalue()


@pytest.mark.parametrize("name", ["sentence_to_avg", "model", "sentences_to_indices",
                                  "pretrained_embedding_layer", "Emojify_V2"])
def test_a_classic_solution_passes(name):
    # with the int32 index array that the course asks for (the classic's float one: below)
    assert passes(name, classic(index_dtype=", dtype=np.int32")[name])


def test_the_classic_float_index_array_gets_the_int32_hint():
    # the docstring asks for int32 (the given line makes it so); the classic builds floats
    import numpy as np

    w2v, w2i = checks.tiny_vocabulary()
    got = classic()["sentences_to_indices"](checks.INDEX_SENTENCES, w2i, 5)
    assert got.dtype == np.float64
    with pytest.raises(CheckFailed, match=r"X_indices has dtype float64: this course asks for int32"), \
            contextlib.redirect_stdout(io.StringIO()):
        checks.check_sentences_to_indices(classic()["sentences_to_indices"])
    fixed = classic(index_dtype=", dtype=np.int32")["sentences_to_indices"]
    assert passes("sentences_to_indices", fixed)


def test_the_classic_prediction_column_passes():
    import numpy as np

    w2v, _ = checks.tiny_vocabulary()
    with contextlib.redirect_stdout(io.StringIO()):
        pred, _, _ = classic()["model"](checks.SENTENCES, checks.LABELS, w2v, 0.1, 1)
    assert pred.shape == (len(checks.LABELS), 1) and pred.dtype == np.float64


def test_without_mask_zero_the_hint_names_the_deliberate_difference():
    fn = classic(mask="")["pretrained_embedding_layer"]
    with pytest.raises(CheckFailed, match=r"pass mask_zero=True \(this course asks for it"), \
            contextlib.redirect_stdout(io.StringIO()):
        checks.check_pretrained_embedding_layer(fn)


def test_a_classic_model_on_that_layer_is_told_the_culprit():
    fn = classic(mask="")["Emojify_V2"]
    with pytest.raises(CheckFailed, match=r"the problem is in pretrained_embedding_layer.*mask_zero=True"), \
            contextlib.redirect_stdout(io.StringIO()):
        checks.check_Emojify_V2(fn)


def test_an_initialisation_of_its_own_is_named_by_the_hint():
    # the course fixes W's initialisation (given in the cell) so that W can be compared
    fn = classic(init=CLASSIC_INIT)["model"]
    with pytest.raises(CheckFailed, match=r"keep the initialisation given in the cell"), \
            contextlib.redirect_stdout(io.StringIO()):
        checks.check_model(fn)
