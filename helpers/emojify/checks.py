"""Checks for notebook 3, Emojify (the references: ``helpers.instructor.references.emojify``).

The checks use a tiny made-up vocabulary (a few words with 4-dimensional vectors) so that
they run in well under a second and every number can be worked out by hand.

Grading contract: random inputs come from :func:`helpers.checking.rng`, reference values from
:func:`helpers.checking.expected_arrays`, and what the learner's code *builds* (a Keras layer
or model) leaves the probes of ``probes.py`` only as plain values (its JSON and weights,
``helpers.keras_wire``); the checks rebuild it on their side and inspect that copy.
"""

import re

import numpy as np

from .. import keras_wire
from .probes import probe_Emojify_V2, probe_embedding_layer, probe_model
from ..checking import REGISTRY, CheckFailed, NotImplementedYet, Report, exercise, expected_arrays, \
    learner_function, quote, rng
from ..i18n import _

MODULE = "emojify"
POINTS = {"sentence_to_avg": 10, "model": 20, "sentences_to_indices": 10,
          "pretrained_embedding_layer": 10, "Emojify_V2": 20}

WORDS = ("i", "love", "you", "pizza", "play", "ball", "sad", "happy")
DIM = 4
N_CLASSES = 5


def tiny_vocabulary(dim: int = DIM):
    """``(word_to_vec_map, word_to_index)``: WORDS with random vectors, and the indices
    1..len(WORDS) in a random order (both drawn afresh when grading)."""
    vectors = np.round(rng(7).standard_normal((len(WORDS), dim)), 3)
    word_to_vec_map = {w: vectors[i] for i, w in enumerate(WORDS)}
    order = rng(8).permutation(len(WORDS)) + 1
    word_to_index = {w: int(order[i]) for i, w in enumerate(WORDS)}
    return word_to_vec_map, word_to_index


# Sentences and labels for the model checks: mixed case, an unknown word, repeated words; the
# first five hold every label once, so that n_y = len(np.unique(Y)) is 5 in every call.
SENTENCES = np.array(["I love you", "play ball", "I am sad", "happy happy you",
                      "pizza", "Love PIZZA", "you play", "sad zzz ball"])
LABELS = np.array([0, 1, 3, 2, 4, 0, 1, 3])
# One SGD step in disguise: the last four sentences have no known word, so their average is 0
# and only the first sentence moves W (the others move b only).
ONE_STEP = np.array(["I love you", "qqq", "zzz", "xxx", "yyy"])
ONE_STEP_LABELS = np.array([0, 1, 2, 3, 4])
INDEX_SENTENCES = np.array(["I love you", "pizza", "you LOVE zzz pizza"])
V2_LEN = 6
V2_BATCH = np.array([[1, 2, 3, 0, 0, 0], [4, 0, 0, 0, 0, 0]])


# ---------------------------------------------------------------- sentence_to_avg

@exercise("sentence_to_avg", POINTS["sentence_to_avg"])
def check_sentence_to_avg(fn, report):
    w2v, __ = tiny_vocabulary()
    ref = expected_arrays(MODULE)
    avg = report.call(fn, "i love you", w2v)
    report.shape(avg, (DIM,), _("the average of 'i love you'"),
                 hint=_("return one vector of shape ({DIM},) (the embedding size), got shape "
                        "{shape}").format(DIM=DIM, shape=np.shape(avg)))
    report.close(avg, ref["sentence_to_avg/0"], _("the average of 'i love you'"),
                 hint=_("add up the vectors of the words and divide by the number of words."))
    report.close(report.call(fn, "I LOVE You", w2v), ref["sentence_to_avg/0"],
                 _("'I LOVE You' (capitals)"), hint=_("lower-case the sentence before looking words up."))
    report.close(report.call(fn, "sad zzz ball", w2v), ref["sentence_to_avg/7"],
                 _("'sad zzz ball' (one unknown word)"),
                 hint=_("skip unknown words and divide by the number of KNOWN words only."))
    report.close(report.call(fn, "happy happy you", w2v), ref["sentence_to_avg/3"],
                 _("'happy happy you' (a repeated word)"), hint=_("count a repeated word every time it occurs."))
    empty = report.call(fn, "qqq zzz", w2v)
    report.shape(empty, (DIM,), _("a sentence without a known word"))
    report.require(np.all(np.isfinite(empty)) and not np.any(empty),
                   _("a sentence without a known word gives zeros"),
                   _("a sentence with no known word must give a vector of zeros (don't divide by "
                     "a count of 0)."))
    # GloVe's vectors are float32, as here; the average is float64 (the docstring says so)
    glove_like = {w: v.astype(np.float32) for w, v in w2v.items()}
    avg32 = np.asarray(report.call(fn, "i love you", glove_like))
    report.require(avg32.dtype == np.float64, _("float32 word vectors give a float64 average"),
                   _("with float32 word vectors (GloVe's) your average is {dtype}: return "
                     "float64, as the docstring says: add the vectors into the given avg = "
                     "np.zeros(...) (float64), not np.mean or sum of the float32 vectors alone.").format(
                       dtype=avg32.dtype))


# ---------------------------------------------------------------- model

def _trained(report, fn, X, Y, learning_rate, num_iterations, first=False):
    w2v, __ = tiny_vocabulary()
    got = report.probe(probe_model, fn, X, Y, w2v, learning_rate, num_iterations)
    if got["returned"] != "3 values":
        report.fail(_("model must return the three values pred, W, b (got {returned}).").format(
                        returned=got['returned']))
    if first:
        report.ok(_("model returns pred, W, b"))
    return got


def _step_multiple(got, want, start):
    """k if ``got - start`` is k times ``want - start`` for a whole k other than 1, else None."""
    step, ref_step = np.ravel(got - start), np.ravel(want - start)
    if not np.any(ref_step) or np.shape(step) != np.shape(ref_step):
        return None
    k = float(step @ ref_step / (ref_step @ ref_step))
    if abs(k - round(k)) < 1e-6 and round(k) != 1 and np.allclose(step, k * ref_step, atol=1e-8):
        return round(k)
    return None


COST_WORD = r"(?:cost|代价|损失)"   # the words for the cost in the course's languages


def printed_costs(printed: str) -> list:
    """The numbers printed right after the word for the cost (``cost = 1.6094``, ``Cost: 0.3``,
    ``代价 = 0.3``)."""
    found = re.findall(COST_WORD + r"\W{0,4}(-?\d+(?:\.\d*)?(?:e[-+]?\d+)?|nan|inf)", printed, re.I)
    return [float(v) for v in found]


@exercise("model", POINTS["model"])
def check_model(fn, report):
    ref = expected_arrays(MODULE)
    start = _trained(report, fn, SENTENCES[:5], LABELS[:5], 0.0, 1, first=True)
    report.shape(start["W"], (N_CLASSES, DIM), "W",
                 hint=_("W must have shape (n_y, n_h) = ({N_CLASSES}, {DIM}), got {shape}.").format(
                          N_CLASSES=N_CLASSES, DIM=DIM, shape=np.shape(start['W'])))
    report.shape(start["b"], (N_CLASSES,), "b",
                 hint=_("b must have shape (n_y,) = ({N_CLASSES},), got {shape}.").format(
                          N_CLASSES=N_CLASSES, shape=np.shape(start['b'])))
    report.close(start["W"], ref["model/init/W"], _("W with learning_rate=0 (the initial W)"),
                 hint=_("keep the initialisation given in the cell (rng = "
                        "np.random.default_rng(1); W = rng.standard_normal((n_y, n_h)) / "
                        "np.sqrt(n_h)): the check compares your W with the reference's, so both "
                        "must start from the same W."))
    W0, b0 = ref["model/init/W"], ref["model/init/b"]

    step = _trained(report, fn, ONE_STEP, ONE_STEP_LABELS, 0.1, 1)
    k = _step_multiple(step["W"], ref["model/step/W"], W0)
    if k == -1:
        report.fail(_("W moved uphill: with dz = a - Y_oh and dW = np.outer(dz, avg), gradient "
                      "descent subtracts learning_rate times dW from W (and learning_rate times "
                      "db from b)."))
    if k is not None and k > 1:
        report.fail(_("W moved {k} times too far: compute dW and db afresh for each sentence (no "
                      "accumulation across examples), and update W and b right away.").format(k=k))
    report.close(step["W"], ref["model/step/W"], _("W after one SGD step"),
                 hint=_("one SGD step: the scores z = W avg + b and their softmax a; dz is a "
                        "minus the one-hot label, dW the outer product of dz and the average, db "
                        "is dz; then step W and b by -learning_rate times their gradients."))
    if np.allclose(step["b"], b0):
        report.fail(_("b never changes: update b too, with its own gradient db (equal to dz) "
                      "times learning_rate."))
    report.close(step["b"], ref["model/step/b"], _("b after the same pass"),
                 hint=_("update b after every sentence, by -learning_rate times db (db is dz of "
                        "that sentence only)."))

    m = len(LABELS)
    one = _trained(report, fn, SENTENCES, LABELS, 0.1, 1)
    report.close(one["W"], ref["model/m8_it1/W"], _("W after one pass over {m} sentences").format(
                                                      m=m),
                 hint=_("update W and b after EVERY sentence with that sentence's gradient only: "
                        "compute dW and db afresh for each example (no accumulation across "
                        "examples), and use the W and b already updated by the previous example."))
    report.close(one["b"], ref["model/m8_it1/b"], _("b after one pass over {m} sentences").format(
                                                      m=m),
                 hint=_("db must be that sentence's dz only, applied right away."))
    pred = one["pred"]
    report.require(np.shape(pred) in ((m,), (m, 1)), _("pred holds one label per sentence"),
                   _("pred holds one label per sentence: shape ({m},), got {shape} (take "
                     "np.argmax over the classes, axis=1 of the (m, n_y) scores).").format(
                       m=m, shape=np.shape(pred)))
    report.require(np.array_equal(np.ravel(pred), ref["model/m8_it1/pred"]),
                   _("pred are the trained model's labels"),
                   _("pred must be np.argmax of the trained W and b's scores for each training "
                     "sentence: one integer label 0-4 per sentence."))
    report.require(re.search(COST_WORD, one["printed"], re.I) is not None,
                   _("it reports the cost while training"),
                   _("print the cost (and accuracy) during training, e.g. at iteration 0."))
    costs = printed_costs(one["printed"])
    report.require(not costs or any(c > 0 for c in costs), _("the printed cost is above 0"),
                   _("every cost you print is {value1:.4f}: the cross-entropy of a sentence is "
                     "above 0, so add each sentence's cross-entropy to cost inside the loop over "
                     "the sentences, starting from cost = 0 at each iteration.").format(
                       value1=costs[0] if costs else 0))

    three = _trained(report, fn, SENTENCES, LABELS, 0.1, 3)
    report.close(three["W"], ref["model/m8_it3/W"], _("W after three passes"),
                 hint=_("each iteration must go over all the sentences again, starting from the "
                        "W and b left by the previous iteration."))


# ---------------------------------------------------------------- sentences_to_indices

@exercise("sentences_to_indices", POINTS["sentences_to_indices"])
def check_sentences_to_indices(fn, report):
    __, w2i = tiny_vocabulary()
    want = expected_arrays(MODULE)["sentences_to_indices/X"]
    got = report.call(fn, INDEX_SENTENCES, w2i, 5)
    report.shape(got, (3, 5), _("indices for 3 sentences, max_len 5"),
                 hint=_("return an (m, max_len) array, got shape {shape}").format(
                          shape=np.shape(got)))
    got = np.asarray(got)
    report.require(np.issubdtype(got.dtype, np.number) and np.all(np.isfinite(got))
                   and np.array_equal(got, np.round(got)), _("the indices are whole numbers"),
                   _("the indices should be whole numbers (got {dtype} values like {value1}): "
                     "X_indices = np.zeros((m, max_len), dtype=np.int32).").format(
                       dtype=got.dtype, value1=got.ravel()[:3]))
    report.require(got.dtype == np.int32, _("X_indices is int32"),
                   _("X_indices has dtype {dtype}: this course asks for int32 indices, the dtype "
                     "that the model's Input reads; keep the given X_indices = np.zeros((m, "
                     "max_len), dtype=np.int32) and write each row into it.").format(dtype=got.dtype))
    if not np.array_equal(got, want) and np.array_equal(
            got, expected_arrays(MODULE)["sentences_to_indices/case sensitive"]):
        report.fail(_("'I' and 'LOVE' were skipped as unknown words: word_to_index holds "
                      "lower-case words, so lower-case each sentence (sentence.lower()) before "
                      "splitting it."))
    report.require(np.array_equal(got[:2], want[:2]), _("known words get their index, padding is 0"),
                   _("word j of sentence i goes to X_indices[i, j] = word_to_index[word] "
                     "(lower-cased); the rest of the row stays 0 (padding)."))
    report.require(np.array_equal(got[2], want[2]), _("capitals are lower-cased, unknown words are skipped"),
                   _("skip words missing from word_to_index (leave no 0 for them), so the known "
                     "words stay next to each other (index 0 is kept for padding)."))
    one = report.call(fn, np.array(["pizza"]), w2i, 1)
    report.require(np.array_equal(np.asarray(one), want[1:2, :1]), _("m = 1 and max_len = 1 work"),
                   _("a single one-word sentence with max_len=1 should give [[word_to_index['pizza']]]."))


# ---------------------------------------------------------------- pretrained_embedding_layer

def inspect_embedding_layer(got) -> dict:
    """The layer's kind, settings and matrix, read from a copy rebuilt here."""
    import keras

    info = {"type": got.get("type", "?") if isinstance(got, dict) else "?", "is_embedding": False}
    if not isinstance(got, dict) or ("json" not in got and "not_json" not in got):
        return info
    try:
        layer = keras_wire.rebuild(got)
    except keras_wire.Unbuildable as err:
        return {**info, "unbuildable": got.get("not_json") or str(err)}
    info = {"type": type(layer).__name__, "is_embedding": type(layer) is keras.layers.Embedding}
    if info["is_embedding"]:
        weights = layer.get_weights() if layer.built else []
        info.update(input_dim=int(layer.input_dim), output_dim=int(layer.output_dim),
                    trainable=bool(layer.trainable), mask_zero=bool(layer.mask_zero),
                    built=bool(layer.built), n_weights=len(weights))
        if len(weights) == 1:
            info["matrix"] = np.asarray(weights[0], dtype=np.float64)
    return info


@exercise("pretrained_embedding_layer", POINTS["pretrained_embedding_layer"])
def check_pretrained_embedding_layer(fn, report):
    w2v, w2i = tiny_vocabulary()
    want = expected_arrays(MODULE)["pretrained_embedding_layer/matrix"]
    layer = inspect_embedding_layer(report.probe(probe_embedding_layer, fn, w2v, w2i))
    if "unbuildable" in layer:
        report.fail(_("the layer cannot be rebuilt from its JSON ({unbuildable}): return a "
                      "keras.layers.Embedding itself, not a subclass of it.").format(
                        unbuildable=layer['unbuildable']))
    report.require(layer["is_embedding"], _("it returns a keras Embedding layer"),
                   _("return a keras.layers.Embedding, not {type}.").format(type=layer["type"]))
    report.require(layer["input_dim"] == len(w2i) + 1 and layer["output_dim"] == DIM,
                   _("input_dim = len(word_to_index) + 1 = {input_dim}, output_dim = {DIM}").format(
                       input_dim=len(w2i) + 1, DIM=DIM),
                   _("the layer needs one row per word plus row 0 for padding: "
                     "Embedding({value1}, {DIM}), got Embedding({input_dim}, {output_dim}).").format(
                       value1=len(w2i) + 1, DIM=DIM, input_dim=layer['input_dim'],
                       output_dim=layer['output_dim']))
    report.require(layer["built"] and layer["n_weights"] == 1, _("the layer is built and holds its matrix"),
                   _("build the layer (layer.build((None,))) and then set_weights([emb_matrix])."))
    matrix = layer["matrix"]
    report.shape(matrix, want.shape, _("the embedding matrix"))
    if not any(np.allclose(row, vector, atol=1e-6) for row in matrix for vector in want[1:]):
        report.fail(_("the layer does not hold emb_matrix (no row is a word's vector): call "
                      "set_weights on the layer, with the list [emb_matrix], after build."))
    report.require(not np.any(matrix[0]), _("row 0 (padding) is zeros"),
                   _("row 0 is padding: leave it at zeros (row word_to_index[w] holds the vector "
                     "of w, and the indices start at 1)."))
    report.close(matrix, want, _("row word_to_index[w] holds the vector of w"), atol=1e-6,
                 hint=_("fill emb_matrix[word_to_index[word]] = word_to_vec_map[word] for every word."))
    report.require(not layer["trainable"], _("the layer is frozen"),
                   _("pass trainable=False: the GloVe vectors must not change during training."))
    report.require(layer["mask_zero"], _("index 0 is masked"),
                   _("pass mask_zero=True (this course asks for it, see the exercise text): the "
                     "layer then tells the LSTMs to skip the padding (index 0)."))


# ---------------------------------------------------------------- Emojify_V2

def _layer_info(layer) -> dict:
    import keras

    info = {"type": type(layer).__name__, "trainable": bool(layer.trainable)}
    if isinstance(layer, keras.layers.RNN) or hasattr(layer, "return_sequences"):
        info["units"] = int(getattr(layer, "units", 0) or 0)
        info["return_sequences"] = bool(layer.return_sequences)
    if isinstance(layer, keras.layers.Dropout):
        info["rate"] = float(layer.rate)
    if isinstance(layer, keras.layers.Embedding):
        info["mask_zero"] = bool(layer.mask_zero)
        weights = layer.get_weights()
        info["matrix"] = np.asarray(weights[0], dtype=np.float64) if weights else np.zeros((0, 0))
    activation = getattr(layer, "activation", None)
    if activation is not None:
        info["activation"] = getattr(activation, "__name__", str(activation))
    return info


def _predict(model, batch) -> np.ndarray:
    """The model's outputs on ``batch`` (one direct call: no traced predict function)."""
    from keras import ops

    return np.asarray(ops.convert_to_numpy(model(ops.convert_to_tensor(batch), training=False)),
                      dtype=np.float64)


def inspect_Emojify_V2(got, batch) -> dict:
    """The model's layers, shapes and predictions, read from a copy rebuilt here.

    ``short`` are the predictions of a second copy made for any length (its Input
    ``(None, None)``), with the same weights, on the batch cut to its first row's words: equal
    to ``probs[:1]`` when the padding is masked.
    """
    import keras

    kind = got.get("type", "?") if isinstance(got, dict) else "?"
    if not isinstance(got, dict) or ("json" not in got and "not_json" not in got):
        return {"type": kind, "is_model": False}
    try:
        model = keras_wire.rebuild(got)
    except keras_wire.Unbuildable as err:
        return {"type": kind, "is_model": False, "unbuildable": got.get("not_json") or str(err)}
    info = {"type": type(model).__name__, "is_model": isinstance(model, keras.Model)}
    if not info["is_model"]:
        return info
    layers = [layer for layer in model.layers if not isinstance(layer, keras.layers.InputLayer)]
    info.update(input_shape=list(model.input_shape), output_shape=list(model.output_shape),
                layers=[_layer_info(layer) for layer in layers], count_params=int(model.count_params()))
    if len(info["output_shape"]) != 2:
        return info
    batch = np.asarray(batch)
    info["probs"] = _predict(model, batch)
    try:
        flexible = keras_wire.rebuild(keras_wire.with_any_length(got))
        length = int(np.count_nonzero(batch[0]))
        info["short"] = _predict(flexible, batch[:1, :length])
    except (keras_wire.Unbuildable, ValueError) as err:
        info["short_error"] = str(err)[:200]
    return info


def _own_embedding_layer(fn, report):
    """Emojify_V2 builds on the learner's pretrained_embedding_layer: check that one first."""
    embedding = learner_function(fn, "pretrained_embedding_layer")
    if embedding is None:  # not defined: calling it would fail, and the crash says so
        return False
    inner = Report("pretrained_embedding_layer", verbose=False)
    try:
        REGISTRY["pretrained_embedding_layer"](embedding, inner)
    except NotImplementedYet:
        raise
    except CheckFailed as err:
        report.fail(_("the problem is in pretrained_embedding_layer, which Emojify_V2 uses: it "
                      "does not pass its own check yet ({value1}) Fix it and run its check first.").format(
                        value1=quote(err.hint)))
    return True


@exercise("Emojify_V2", POINTS["Emojify_V2"])
def check_Emojify_V2(fn, report):
    w2v, w2i = tiny_vocabulary()
    ref = expected_arrays(MODULE)
    own_layer_ok = _own_embedding_layer(fn, report)
    model = inspect_Emojify_V2(report.probe(probe_Emojify_V2, fn, V2_LEN, w2v, w2i), V2_BATCH)
    if "unbuildable" in model:
        report.fail(_("the model cannot be rebuilt from its JSON ({unbuildable}): build it from "
                      "Keras's own layers (no subclassed Model, custom layer or Lambda).").format(
                        unbuildable=model['unbuildable']))
    if own_layer_ok:
        report.ok(_("your pretrained_embedding_layer passes its check"))
    report.require(model["is_model"], _("it returns a keras Model"),
                   _("return keras.Model(inputs=sentence_indices, outputs=X), not {type}.").format(
                       type=model['type']))
    report.require(model["input_shape"] == [None, V2_LEN], _("the input is (None, max_len)"),
                   _("the Input should have shape input_shape, got {value1}.").format(
                       value1=tuple(model['input_shape'])))
    layers = model["layers"]
    names = [layer["type"] for layer in layers]
    rnn = [layer for layer in layers if layer["type"] == "LSTM"]
    if len(model["output_shape"]) == 3:
        report.fail(_("the model outputs a sequence: the second LSTM must return only its last "
                      "state (return_sequences=False, the default), so that Dense(5) sees one "
                      "vector per sentence (output shape {value1}).").format(
                        value1=tuple(model['output_shape'])))
    report.require(model["output_shape"] == [None, N_CLASSES], _("the output is (None, 5)"),
                   _("end with Dense(5) and a softmax: the output shape is {value1}.").format(
                       value1=tuple(model['output_shape'])))
    report.require(names[:1] == ["Embedding"], _("the first layer is an Embedding"),
                   _("apply the layer from pretrained_embedding_layer(word_to_vec_map, "
                     "word_to_index) to the Input first (layers found: {names}).").format(
                       names=names))
    first = layers[0]
    report.require(np.shape(first["matrix"]) == np.shape(ref["pretrained_embedding_layer/matrix"])
                   and np.allclose(first["matrix"], ref["pretrained_embedding_layer/matrix"], atol=1e-6),
                   _("the Embedding holds the word vectors"),
                   _("the Embedding does not hold the word vectors: use the layer that "
                     "pretrained_embedding_layer(word_to_vec_map, word_to_index) returns."))
    report.require(not first["trainable"], _("the Embedding is frozen"),
                   _("your pretrained_embedding_layer is right, but the Embedding in the model "
                     "is trainable: use its layer as it is (do not set trainable=True in "
                     "Emojify_V2)."))
    report.require(first["mask_zero"], _("the Embedding masks the padding"),
                   _("your pretrained_embedding_layer is right, but the Embedding in the model "
                     "does not mask index 0: use the layer it returns, unchanged."))
    report.require(len(rnn) == 2 and all(layer["units"] == 128 for layer in rnn),
                   _("two LSTM layers with 128 units"),
                   _("use two LSTM(128) layers (found {value1}).").format(
                       value1=[(l['type'], l.get('units')) for l in layers]))
    report.require(rnn[0]["return_sequences"] and not rnn[1]["return_sequences"],
                   _("the first LSTM returns sequences, the second its last state"),
                   _("the first LSTM feeds a sequence to the second: return_sequences=True on "
                     "the first, False on the second."))
    drops = [layer for layer in layers if layer["type"] == "Dropout"]
    report.require(len(drops) == 2 and all(abs(d["rate"] - 0.5) < 1e-9 for d in drops),
                   _("two Dropout(0.5) layers"), _("put Dropout(0.5) after each LSTM."))
    expected_order = ["Embedding", "LSTM", "Dropout", "LSTM", "Dropout", "Dense"]
    report.require(names[:6] == expected_order, _("the layers come in the right order"),
                   _("expected {expected} (+ softmax), found {names}.").format(
                       expected=expected_order, names=names))
    report.require(model["count_params"] == int(ref["Emojify_V2/count_params"]),
                   _("the number of parameters matches"),
                   _("unexpected number of parameters ({count_params}): check the units.").format(
                       count_params=model['count_params']))
    probs = model["probs"]
    report.require(probs.shape == (2, N_CLASSES) and np.allclose(probs.sum(axis=1), 1, atol=1e-5)
                   and np.all(probs >= 0), _("the outputs are probabilities"),
                   _("apply a softmax at the end (Activation('softmax'))."))
    if "short" not in model:
        report.fail(_("the model cannot read shorter sentences: build its layers from "
                      "input_shape (do not fix max_len inside Emojify_V2)."))
    report.close(model["short"], probs[:1], _("padding does not change the prediction"), atol=1e-5,
                 hint=_("the padding zeros must be masked: mask_zero=True in the Embedding, and "
                        "no layer between the Embedding and the LSTMs that drops the mask."))
