"""Checks for notebook 3, Emojify (``helpers/instructor/graded/emojify.py`` holds the reference).

The checks use a tiny made-up vocabulary (a few words with 4-dimensional vectors) so that
they run in well under a second and every number can be worked out by hand.
"""
import contextlib
import io

import numpy as np

from ..checking import exercise, expected_arrays

MODULE = "emojify"
POINTS = {"sentence_to_avg": 10, "model": 20, "sentences_to_indices": 10,
          "pretrained_embedding_layer": 10, "Emojify_V2": 20}

WORDS = ("i", "love", "you", "pizza", "play", "ball", "sad", "happy")
DIM = 4


def tiny_vocabulary(dim: int = DIM):
    """``(word_to_vec_map, word_to_index)``: WORDS with fixed vectors, indices 1..len(WORDS)."""
    rng = np.random.default_rng(7)
    vectors = np.round(rng.standard_normal((len(WORDS), dim)), 3)
    word_to_vec_map = {w: vectors[i] for i, w in enumerate(WORDS)}
    word_to_index = {w: i + 1 for i, w in enumerate(WORDS)}
    return word_to_vec_map, word_to_index


# Sentences and labels for the model checks: mixed case, an unknown word, repeated words.
SENTENCES = np.array(["I love you", "play ball", "I am sad", "happy happy you",
                      "pizza", "Love PIZZA", "you play", "sad zzz ball"])
LABELS = np.array([0, 1, 3, 2, 4, 0, 1, 3])


def quietly(report, fn, *args, **kwargs):
    """Call through ``report`` and capture what the learner's function prints."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        result = report.call(fn, *args, **kwargs)
    return result, out.getvalue()


def expected(graded) -> dict:
    w2v, w2i = tiny_vocabulary()
    ref = {}
    for k, s in enumerate(SENTENCES):
        ref[f"sentence_to_avg/{k}"] = graded.sentence_to_avg(s, w2v)
    with contextlib.redirect_stdout(io.StringIO()):
        for m, iters in ((1, 1), (len(LABELS), 1), (len(LABELS), 3)):
            pred, W, b = graded.model(SENTENCES[:m], LABELS[:m], w2v, learning_rate=0.1,
                                      num_iterations=iters)
            ref[f"model/m{m}_it{iters}/W"], ref[f"model/m{m}_it{iters}/b"] = W, b
            ref[f"model/m{m}_it{iters}/pred"] = pred
    return ref


# ---------------------------------------------------------------- sentence_to_avg

@exercise("sentence_to_avg", POINTS["sentence_to_avg"])
def check_sentence_to_avg(fn, report):
    w2v, _ = tiny_vocabulary()
    ref = expected_arrays(MODULE)
    avg = report.call(fn, "i love you", w2v)
    report.shape(avg, (DIM,), "the average of 'i love you'",
                 hint=f"return one vector of shape ({DIM},) (the embedding size), "
                      f"got shape {np.shape(avg)}")
    report.close(avg, (w2v["i"] + w2v["love"] + w2v["you"]) / 3, "the average of 'i love you'",
                 hint="add up the vectors of the words and divide by the number of words.")
    report.close(report.call(fn, "I LOVE You", w2v), ref["sentence_to_avg/0"],
                 "'I LOVE You' (capitals)", hint="lower-case the sentence before looking words up.")
    report.close(report.call(fn, "sad zzz ball", w2v), (w2v["sad"] + w2v["ball"]) / 2,
                 "'sad zzz ball' (one unknown word)",
                 hint="skip unknown words and divide by the number of KNOWN words only.")
    report.close(report.call(fn, "happy happy you", w2v), ref["sentence_to_avg/3"],
                 "'happy happy you' (a repeated word)", hint="count a repeated word every time it occurs.")
    empty = report.call(fn, "qqq zzz", w2v)
    report.shape(empty, (DIM,), "a sentence without a known word")
    report.require(np.all(np.isfinite(empty)) and not np.any(empty),
                   "a sentence without a known word gives zeros",
                   "a sentence with no known word must give a vector of zeros "
                   "(don't divide by a count of 0).")


# ---------------------------------------------------------------- model

@exercise("model", POINTS["model"])
def check_model(fn, report):
    w2v, _ = tiny_vocabulary()
    ref = expected_arrays(MODULE)
    (pred, W, b), printed = quietly(report, fn, SENTENCES[:1], LABELS[:1], w2v,
                                    learning_rate=0.1, num_iterations=1)
    report.shape(W, (5, DIM), "W")
    report.shape(b, (5,), "b")
    report.shape(pred, (1,), "pred for one sentence", hint="pred holds one label per sentence: shape (m,).")
    report.close(W, ref["model/m1_it1/W"], "W after one step on one sentence",
                 hint="one SGD step: the scores z = W avg + b and their softmax a; dz is a minus "
                      "the one-hot label, dW the outer product of dz and the average, db is dz; "
                      "then step W and b by -learning_rate times their gradients.")
    report.close(b, ref["model/m1_it1/b"], "b after one step on one sentence",
                 hint="update b too, with its own gradient db (equal to dz) times learning_rate.")
    m = len(LABELS)
    (pred, W, b), printed = quietly(report, fn, SENTENCES, LABELS, w2v,
                                    learning_rate=0.1, num_iterations=1)
    report.close(W, ref[f"model/m{m}_it1/W"], f"W after one pass over {m} sentences",
                 hint="update W and b after EVERY sentence with that sentence's gradient only: "
                      "compute dW and db afresh for each example (no accumulation across examples), "
                      "and use the W and b already updated by the previous example.")
    report.close(b, ref[f"model/m{m}_it1/b"], f"b after one pass over {m} sentences",
                 hint="db must be that sentence's dz only, applied right away.")
    (pred, W, b), printed = quietly(report, fn, SENTENCES, LABELS, w2v,
                                    learning_rate=0.1, num_iterations=3)
    report.close(W, ref[f"model/m{m}_it3/W"], "W after three passes",
                 hint="each iteration must go over all the sentences again, starting from the "
                      "W and b left by the previous iteration.")
    report.shape(pred, (m,), "pred")
    report.require(np.array_equal(np.asarray(pred).ravel(), ref[f"model/m{m}_it3/pred"]),
                   "pred are the final model's labels",
                   "pred must be np.argmax of the FINAL W and b's scores for each training "
                   "sentence: one integer label 0-4 per sentence.")
    report.require("cost" in printed.lower(), "it reports the cost while training",
                   "print the cost (and accuracy) during training, e.g. at iteration 0.")


# ---------------------------------------------------------------- sentences_to_indices

@exercise("sentences_to_indices", POINTS["sentences_to_indices"])
def check_sentences_to_indices(fn, report):
    _, w2i = tiny_vocabulary()
    X = np.array(["I love you", "pizza", "you LOVE zzz pizza"])
    got = report.call(fn, X, w2i, 5)
    report.shape(got, (3, 5), "indices for 3 sentences, max_len 5",
                 hint=f"return an (m, max_len) array, got shape {np.shape(got)}")
    got = np.asarray(got)
    report.require(np.issubdtype(got.dtype, np.integer), "the indices are integers",
                   f"the indices should be an integer array (got {got.dtype}): "
                   "np.zeros((m, max_len), dtype=np.int32).")
    want = np.array([[1, 2, 3, 0, 0], [4, 0, 0, 0, 0], [3, 2, 4, 0, 0]])
    report.require(np.array_equal(got[:2], want[:2]), "known words get their index, padding is 0",
                   "word j of sentence i goes to X_indices[i, j] = word_to_index[word] (lower-cased); "
                   "the rest of the row stays 0 (padding).")
    report.require(np.array_equal(got[2], want[2]), "capitals are lower-cased, unknown words are skipped",
                   "lower-case each word and skip words missing from word_to_index, so the known "
                   "words stay next to each other (index 0 is kept for padding).")
    one = report.call(fn, np.array(["pizza"]), w2i, 1)
    report.require(np.array_equal(np.asarray(one), [[4]]), "m = 1 and max_len = 1 work",
                   "a single one-word sentence with max_len=1 should give [[word_to_index['pizza']]].")


# ---------------------------------------------------------------- pretrained_embedding_layer

@exercise("pretrained_embedding_layer", POINTS["pretrained_embedding_layer"])
def check_pretrained_embedding_layer(fn, report):
    import keras

    w2v, w2i = tiny_vocabulary()
    layer = report.call(fn, w2v, w2i)
    report.require(isinstance(layer, keras.layers.Embedding), "it returns a keras Embedding layer",
                   f"return a keras.layers.Embedding, not {type(layer).__name__}.")
    report.require(layer.input_dim == len(w2i) + 1 and layer.output_dim == DIM,
                   f"input_dim = len(word_to_index) + 1 = {len(w2i) + 1}, output_dim = {DIM}",
                   f"the layer needs one row per word plus row 0 for padding: Embedding("
                   f"{len(w2i) + 1}, {DIM}), got Embedding({layer.input_dim}, {layer.output_dim}).")
    report.require(not layer.trainable, "the layer is frozen",
                   "pass trainable=False: the GloVe vectors must not change during training.")
    report.require(bool(layer.mask_zero), "index 0 is masked",
                   "pass mask_zero=True so the LSTM skips the padding (index 0).")
    report.require(layer.built and len(layer.get_weights()) == 1, "the layer is built and holds its matrix",
                   "build the layer (layer.build((None,))) and then set_weights([emb_matrix]).")
    matrix = layer.get_weights()[0]
    report.shape(matrix, (len(w2i) + 1, DIM), "the embedding matrix")
    report.require(not np.any(matrix[0]), "row 0 (padding) is zeros",
                   "row 0 is padding: leave it at zeros.")
    want = np.zeros_like(matrix)
    for word, index in w2i.items():
        want[index] = w2v[word]
    report.close(matrix, want, "row word_to_index[w] holds the vector of w", atol=1e-6,
                 hint="fill emb_matrix[word_to_index[word]] = word_to_vec_map[word] for every word.")


# ---------------------------------------------------------------- Emojify_V2

def _layer_summary(model):
    import keras

    kinds = []
    for layer in model.layers:
        if isinstance(layer, keras.layers.InputLayer):
            continue
        kinds.append(layer)
    return kinds


@exercise("Emojify_V2", POINTS["Emojify_V2"])
def check_Emojify_V2(fn, report):
    import keras

    w2v, w2i = tiny_vocabulary()
    model = report.call(fn, (6,), w2v, w2i)
    report.require(isinstance(model, keras.Model), "it returns a keras Model",
                   f"return keras.Model(inputs=sentence_indices, outputs=X), not {type(model).__name__}.")
    report.require(tuple(model.input_shape) == (None, 6), "the input is (None, max_len)",
                   f"the Input should have shape input_shape, got {model.input_shape}.")
    report.require(tuple(model.output_shape) == (None, 5), "the output is (None, 5)",
                   f"end with Dense(5) and a softmax: the output shape is {model.output_shape}.")
    layers = _layer_summary(model)
    names = [type(layer).__name__ for layer in layers]
    report.require(names[:1] == ["Embedding"] and not layers[0].trainable,
                   "the first layer is the frozen pretrained Embedding",
                   "start with pretrained_embedding_layer(word_to_vec_map, word_to_index) applied "
                   f"to the Input (layers found: {names}).")
    rnn = [layer for layer in layers if isinstance(layer, keras.layers.LSTM)]
    report.require(len(rnn) == 2 and all(layer.units == 128 for layer in rnn),
                   "two LSTM layers with 128 units",
                   f"use two LSTM(128) layers (found {[f'{type(l).__name__}' for l in layers]}).")
    report.require(rnn[0].return_sequences and not rnn[1].return_sequences,
                   "the first LSTM returns sequences, the second its last state",
                   "the first LSTM feeds a sequence to the second: return_sequences=True on the "
                   "first, False on the second.")
    drops = [layer for layer in layers if isinstance(layer, keras.layers.Dropout)]
    report.require(len(drops) == 2 and all(abs(d.rate - 0.5) < 1e-9 for d in drops),
                   "two Dropout(0.5) layers", "put Dropout(0.5) after each LSTM.")
    expected_order = ["Embedding", "LSTM", "Dropout", "LSTM", "Dropout", "Dense"]
    report.require(names[:6] == expected_order, "the layers come in the right order",
                   f"expected {expected_order} (+ softmax), found {names}.")
    report.require(model.count_params() == 4 * 128 * (DIM + 128 + 1) + 4 * 128 * (128 + 128 + 1)
                   + 5 * 129 + (len(w2i) + 1) * DIM,
                   "the number of parameters matches",
                   f"unexpected number of parameters ({model.count_params()}): check the units.")
    x = np.array([[1, 2, 3, 0, 0, 0], [4, 0, 0, 0, 0, 0]])
    probs = np.asarray(model.predict(x, verbose=0))
    report.require(probs.shape == (2, 5) and np.allclose(probs.sum(axis=1), 1, atol=1e-5)
                   and np.all(probs >= 0), "the outputs are probabilities",
                   "apply a softmax at the end (keras.layers.Activation('softmax')).")
    flexible = report.call(fn, (None,), w2v, w2i)
    flexible.set_weights(model.get_weights())
    short = np.asarray(flexible.predict(np.array([[1, 2, 3]]), verbose=0))
    report.close(short, probs[:1], "padding does not change the prediction", atol=1e-5,
                 hint="the padding zeros must be masked: mask_zero=True in the Embedding, and no "
                      "layer between the Embedding and the LSTMs that drops the mask.")
