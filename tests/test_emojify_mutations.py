"""Each deliberately broken Emojify solution must fail its check with the hint that names the mistake.

The mutants are textual edits of the generated ``helpers/instructor/graded/emojify.py`` (see
``tests/mutate.py``), each modelling a mistake learners make.
"""
import contextlib
import io

import pytest

from helpers.checking import CheckFailed
from helpers.emojify import checks
from tests.mutate import assert_caught, mutant_namespace

MODULE = "emojify"
KNOWN = "known = [w for w in sentence.lower().split() if w in word_to_vec_map]"
INDICES = "indices = [word_to_index[w] for w in sentence.lower().split() if w in word_to_index]"
LAYER = "keras.layers.Embedding(vocab_size, emb_dim, trainable=False, mask_zero=True)"

# (id, function, old text, new text, regex the hint must match)
MUTANTS = [
    # --- sentence_to_avg
    ("avg: no lower-casing", "sentence_to_avg", "sentence.lower().split()", "sentence.split()",
     r"lower-case the sentence"),
    ("avg: divided by every word", "sentence_to_avg", "avg = avg / len(known)",
     "avg = avg / len(sentence.split())", r"number of KNOWN words only"),
    ("avg: sum, not average", "sentence_to_avg", "avg = avg / len(known)", "avg = avg",
     r"divide by the number of words"),
    ("avg: 0 / 0 for no known word", "sentence_to_avg", "    if known:\n", "    if True:\n",
     r"vector of zeros \(don't divide by a count of 0\)"),
    ("avg: repeated word counted once", "sentence_to_avg", KNOWN,
     "known = list(dict.fromkeys(w for w in sentence.lower().split() if w in word_to_vec_map))",
     r"count a repeated word every time"),
    ("avg: np.mean of GloVe's float32 vectors", "sentence_to_avg",
     "    for w in known:\n        avg += word_to_vec_map[w]\n    if known:\n        avg = avg / len(known)\n",
     "    if known:\n        avg = np.mean([word_to_vec_map[w] for w in known], axis=0)\n",
     r"with float32 word vectors \(GloVe's\) your average is float32: return float64"),
    # --- model
    ("model: cost never accumulated", "model", "cost += -np.sum(Y_oh[i] * np.log(a))",
     "loss = -np.sum(Y_oh[i] * np.log(a))", r"every cost you print is 0.0000: .*add each sentence's cross-entropy to cost"),
    ("model: gradients accumulated", "model", "dW = np.outer(dz, avg[i])",
     "dW = np.outer(dz, avg[i]) + (dW if i else 0)", r"times too far: .*no accumulation"),
    ("model: b never updated", "model", "b = b - learning_rate * db", "b = b", r"b never changes"),
    ("model: dz with the wrong sign", "model", "dz = a - Y_oh[i]", "dz = Y_oh[i] - a", r"W moved uphill"),
    ("model: step uphill", "model", "W = W - learning_rate * dW", "W = W + learning_rate * dW",
     r"W moved uphill"),
    ("model: dW without the average", "model", "dW = np.outer(dz, avg[i])",
     "dW = np.outer(dz, np.ones_like(avg[i]))", r"one SGD step: .*dW the outer product"),
    ("model: argmax over the sentences", "model", "pred = np.argmax(avg @ W.T + b, axis=1)",
     "pred = np.argmax(avg @ W.T + b, axis=0)", r"pred holds one label per sentence"),
    ("model: pred from the scores' maximum", "model", "pred = np.argmax(avg @ W.T + b, axis=1)",
     "pred = np.max(avg @ W.T + b, axis=1)", r"pred must be np.argmax"),
    # --- sentences_to_indices
    ("indices: no lower-casing", "sentences_to_indices", "sentence.lower().split()", "sentence.split()",
     r"'I' and 'LOVE' were skipped .*sentence\.lower\(\)"),
    ("indices: 0 left for unknown words", "sentences_to_indices", INDICES,
     "indices = [word_to_index.get(w, 0) for w in sentence.lower().split()]", r"leave no 0 for them"),
    ("indices: padding at the front", "sentences_to_indices", "X_indices[i, :len(indices)] = indices",
     "X_indices[i, max_len - len(indices):] = indices", r"the rest of the row stays 0"),
    ("indices: off by one", "sentences_to_indices", "[word_to_index[w] for w",
     "[word_to_index[w] - 1 for w", r"X_indices\[i, j\] = word_to_index\[word\]"),
    ("indices: row not written", "sentences_to_indices", "X_indices[i, :len(indices)] = indices",
     "X_indices[0, :len(indices)] = indices", r"word j of sentence i goes to X_indices\[i, j\]"),
    ("indices: a float array", "sentences_to_indices", "X_indices = np.zeros((m, max_len), dtype=np.int32)",
     "X_indices = np.zeros((m, max_len))", r"X_indices has dtype float64: this course asks for int32"),
    # --- pretrained_embedding_layer
    ("embedding: trainable", "pretrained_embedding_layer", "trainable=False, ", "",
     r"pass trainable=False"),
    ("embedding: not masked", "pretrained_embedding_layer", ", mask_zero=True", "",
     r"pass mask_zero=True \(this course asks for it"),
    ("embedding: rows shifted by one", "pretrained_embedding_layer", "emb_matrix[index, :]",
     "emb_matrix[index - 1, :]", r"row 0 is padding: leave it at zeros"),
    ("embedding: weights never set", "pretrained_embedding_layer",
     "embedding_layer.set_weights([emb_matrix])", "pass", r"set_weights on the layer, with the list \[emb_matrix\]"),
    ("embedding: last word missing", "pretrained_embedding_layer", "word_to_index.items():",
     "list(word_to_index.items())[:-1]:", r"for every word"),
    ("embedding: not a keras layer", "pretrained_embedding_layer", "return embedding_layer",
     "return emb_matrix", r"return a keras\.layers\.Embedding, not ndarray"),
    # --- Emojify_V2
    ("V2: no softmax", "Emojify_V2", 'keras.layers.Activation("softmax")',
     'keras.layers.Activation("linear")', r"apply a softmax"),
    ("V2: a GRU instead of the second LSTM", "Emojify_V2", "X = keras.layers.LSTM(128)(X)",
     "X = keras.layers.GRU(128)(X)", r"two LSTM\(128\)"),
    ("V2: second dropout missing", "Emojify_V2", "X = keras.layers.Dropout(0.5)(X)\n    X = keras.layers.Dense",
     "X = keras.layers.Dense", r"Dropout\(0\.5\) after each LSTM"),
    ("V2: second LSTM returns sequences", "Emojify_V2", "X = keras.layers.LSTM(128)(X)",
     "X = keras.layers.LSTM(128, return_sequences=True)(X)", r"return only its last state"),
    ("V2: first LSTM too small", "Emojify_V2", "keras.layers.LSTM(128, return_sequences=True)",
     "keras.layers.LSTM(64, return_sequences=True)", r"two LSTM\(128\)"),
    ("V2: embedding made trainable", "Emojify_V2", "embeddings = embedding_layer(sentence_indices)",
     "embedding_layer.trainable = True\n    embeddings = embedding_layer(sentence_indices)",
     r"pretrained_embedding_layer is right, but the Embedding in the model is trainable"),
    ("V2: an embedding of its own", "Emojify_V2",
     "embedding_layer = pretrained_embedding_layer(word_to_vec_map, word_to_index)",
     "embedding_layer = keras.layers.Embedding(len(word_to_index) + 1, 4, mask_zero=True)",
     r"does not hold the word vectors"),
]


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
@pytest.mark.parametrize("name, function, old, new, hint", MUTANTS, ids=[m[0] for m in MUTANTS])
def test_mutant_fails_its_check_with_the_intended_hint(name, function, old, new, hint, capsys):
    assert_caught(MODULE, function, old, new, hint, capsys)


def test_the_catalogue_has_four_mistakes_per_exercise():
    import helpers.instructor.graded.emojify as graded

    per_function = {name: sum(m[1] == name for m in MUTANTS) for name in graded.__all__}
    assert set(per_function) == set(checks.POINTS)
    assert min(per_function.values()) >= 4, per_function


@pytest.mark.parametrize("old, new, hint", [
    ("trainable=False, ", "", r"pretrained_embedding_layer.*does not pass its own check.*trainable=False"),
    (", mask_zero=True", "", r"pretrained_embedding_layer.*does not pass its own check.*mask_zero=True"),
])
def test_a_broken_embedding_layer_is_named_by_the_model_check(old, new, hint):
    # the learner's Emojify_V2 is right; the culprit is their pretrained_embedding_layer
    namespace = mutant_namespace(MODULE, "pretrained_embedding_layer", old, new)
    with pytest.raises(CheckFailed, match=hint), contextlib.redirect_stdout(io.StringIO()):
        checks.check_Emojify_V2(namespace["Emojify_V2"])


def test_an_unfinished_embedding_layer_leaves_the_model_check_not_implemented(capsys):
    namespace = mutant_namespace(MODULE, "pretrained_embedding_layer", "vocab_size = len(word_to_index) + 1",
                                 "raise NotImplementedError('pretrained_embedding_layer')")
    checks.check_Emojify_V2(namespace["Emojify_V2"])
    assert "not implemented yet" in capsys.readouterr().out
