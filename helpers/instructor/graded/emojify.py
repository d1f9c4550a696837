"""Generated from notebooks/3_emojify.ipynb by `python -m helpers.instructor.export`: do not edit.

Edit the graded cells of the notebook instead, then run `make export`.
"""


# EXPORT
import numpy as np
import keras

N_CLASSES = 5  # 0 love, 1 sports, 2 happy, 3 sad, 4 food


def softmax(z):
    """Softmax of one score vector z, (n_y,): a probability distribution over the n_y classes."""
    e = np.exp(z - np.max(z))
    return e / e.sum()


# GRADED FUNCTION: sentence_to_avg
def sentence_to_avg(sentence, word_to_vec_map):
    """Average of the word vectors of a sentence's known words.

    Arguments:
    sentence -- one sentence, str (words separated by spaces; any case)
    word_to_vec_map -- mapping word (lower case) -> its vector, (n_h,)

    Returns:
    avg -- the average of the known words' vectors, (n_h,) float64; unknown words are
           skipped, and a sentence with no known word gives zeros
    """
    any_word = next(iter(word_to_vec_map))
    avg = np.zeros(np.shape(word_to_vec_map[any_word]))
    known = [w for w in sentence.lower().split() if w in word_to_vec_map]
    for w in known:
        avg += word_to_vec_map[w]
    if known:
        avg = avg / len(known)
    return avg


# GRADED FUNCTION: model
def model(X, Y, word_to_vec_map, learning_rate=0.01, num_iterations=400):
    """Train Emojifier-V1, a softmax layer on sentence averages, by per-example SGD.

    Arguments:
    X -- the m training sentences, list or array of str
    Y -- their labels, (m,) integers 0..4
    word_to_vec_map -- mapping word -> vector, (n_h,)
    learning_rate -- step size of each update
    num_iterations -- passes over the training set

    Returns:
    pred -- labels that the final W and b predict for the training sentences, (m,) int
    W -- weights, (n_y, n_h)
    b -- bias, (n_y,)
    """
    m = len(Y)
    n_y = N_CLASSES
    avg = np.stack([sentence_to_avg(x, word_to_vec_map) for x in X])  # (m, n_h)
    n_h = avg.shape[1]
    rng = np.random.default_rng(1)  # a fixed initialisation: every run gives the same model
    W = rng.standard_normal((n_y, n_h)) / np.sqrt(n_h)
    b = np.zeros((n_y,))
    Y_oh = np.eye(n_y)[Y]  # one-hot labels, (m, n_y)

    for t in range(num_iterations):
        cost = 0.0
        for i in range(m):
            z = W @ avg[i] + b
            a = softmax(z)
            cost += -np.sum(Y_oh[i] * np.log(a))
            dz = a - Y_oh[i]
            dW = np.outer(dz, avg[i])
            db = dz
            W = W - learning_rate * dW
            b = b - learning_rate * db
        if t % 100 == 0:
            accuracy = np.mean(np.argmax(avg @ W.T + b, axis=1) == Y)
            print(f"iteration {t:3d}: cost = {cost / m:.4f}, training accuracy = {accuracy:.4f}")

    pred = np.argmax(avg @ W.T + b, axis=1)
    return pred, W, b


# GRADED FUNCTION: sentences_to_indices
def sentences_to_indices(X, word_to_index, max_len):
    """Turn sentences into rows of word indices, padded with zeros at the end.

    Arguments:
    X -- m sentences, list or array of str
    word_to_index -- mapping word (lower case) -> index >= 1 (0 is padding)
    max_len -- length of every row; no sentence may have more known words

    Returns:
    X_indices -- (m, max_len) int32: X_indices[i, j] is the index of the j-th known word of
                 sentence i, 0 after its last word; unknown words are skipped
    """
    m = len(X)
    X_indices = np.zeros((m, max_len), dtype=np.int32)
    for i, sentence in enumerate(X):
        indices = [word_to_index[w] for w in sentence.lower().split() if w in word_to_index]
        if len(indices) > max_len:
            raise ValueError(f"sentence {i} ({sentence!r}) has {len(indices)} known words, "
                             f"more than max_len={max_len}")
        X_indices[i, :len(indices)] = indices
    return X_indices


# GRADED FUNCTION: pretrained_embedding_layer
def pretrained_embedding_layer(word_to_vec_map, word_to_index):
    """A frozen Keras Embedding layer holding the word vectors.

    Arguments:
    word_to_vec_map -- mapping word -> vector, (emb_dim,)
    word_to_index -- mapping word -> index 1..vocab_size-1 (0 is padding)

    Returns:
    embedding_layer -- keras Embedding, (vocab_size, emb_dim) matrix whose row 0 is zeros and
                       whose row word_to_index[w] is the vector of w; not trainable, masks index 0
    """
    vocab_size = len(word_to_index) + 1  # + 1 for the padding row 0
    any_word = next(iter(word_to_index))
    emb_dim = np.shape(word_to_vec_map[any_word])[0]
    emb_matrix = np.zeros((vocab_size, emb_dim), dtype=np.float32)
    for word, index in word_to_index.items():
        emb_matrix[index, :] = word_to_vec_map[word]
    embedding_layer = keras.layers.Embedding(vocab_size, emb_dim, trainable=False, mask_zero=True)
    embedding_layer.build((None,))
    embedding_layer.set_weights([emb_matrix])
    return embedding_layer


# GRADED FUNCTION: Emojify_V2
def Emojify_V2(input_shape, word_to_vec_map, word_to_index):
    """Emojifier-V2: pretrained embedding, two LSTM layers, softmax over the 5 classes.

    Arguments:
    input_shape -- (max_len,): the length of the index rows (None for any length)
    word_to_vec_map -- mapping word -> vector, (emb_dim,)
    word_to_index -- mapping word -> index >= 1 (0 is padding)

    Returns:
    model -- keras.Model from (m, max_len) int indices to (m, 5) class probabilities
    """
    sentence_indices = keras.Input(shape=input_shape, dtype="int32")
    embedding_layer = pretrained_embedding_layer(word_to_vec_map, word_to_index)
    embeddings = embedding_layer(sentence_indices)
    X = keras.layers.LSTM(128, return_sequences=True)(embeddings)
    X = keras.layers.Dropout(0.5)(X)
    X = keras.layers.LSTM(128)(X)
    X = keras.layers.Dropout(0.5)(X)
    X = keras.layers.Dense(N_CLASSES)(X)
    X = keras.layers.Activation("softmax")(X)
    model = keras.Model(inputs=sentence_indices, outputs=X)
    return model


__all__ = ['sentence_to_avg', 'model', 'sentences_to_indices', 'pretrained_embedding_layer', 'Emojify_V2']
