"""SimpleRNN, GRU and LSTM side by side: the tasks, models of equal size, and one training loop.

    from helpers.variants.models import VARIANTS, units_for_budget, build_model, train
    n_a = units_for_budget("adding", "GRU", budget=1200)                  # 18 units
    model = build_model("adding", VARIANTS["GRU"], n_a)

Three tasks, one model family each (``build_model(task, variant, n_a, **dims)``):

- ``"adding"`` (Hochreiter and Schmidhuber, 1997): ``T_x`` steps of (value, marker); the target
  is the sum of the two marked values (the sequences come from notebook 4's exercise,
  ``adding_problem``). Regression, loss MSE, reported as the *normalised* MSE (MSE / variance
  of the target): 1 = no better than always answering the mean.
- ``"jazz"``: next-value prediction on notebook 2's solos; reported as negative log-likelihood
  per predicted value (nats) on held-out solos, scored like notebook 2 (:func:`jazz_nll`).
- ``"emoji"``: notebook 3's sentences -> one of 5 labels, frozen GloVe vectors in; reported as
  accuracy on the test sentences.

"Equal size" means equal trainable parameter counts: :func:`model_params` gives the count in
closed form and :func:`units_for_budget` picks the number of units ``n_a`` whose count is
closest to a budget. The study's settings live in ``helpers.variants.config``, its runner and
results file in ``helpers.variants.runner``, each experiment's run and tables in
``adding``, ``jazz``, ``emoji`` and ``timing``.
"""
from __future__ import annotations

import math
import time
from dataclasses import dataclass, field

import numpy as np

TASKS = ("adding", "jazz", "emoji")
CELLS = ("SimpleRNN", "GRU", "LSTM")


@dataclass(frozen=True)
class Variant:
    """A recurrent layer to compare: its Keras class name and, for LSTM, the forget-gate bias."""

    name: str
    cell: str
    unit_forget_bias: bool = True  # LSTM only: forget-gate bias starts at 1 (else 0)

    def layer(self, n_a: int, return_sequences: bool = False):
        """A fresh Keras recurrent layer with ``n_a`` units."""
        import keras

        options = {"unit_forget_bias": self.unit_forget_bias} if self.cell == "LSTM" else {}
        return getattr(keras.layers, self.cell)(n_a, return_sequences=return_sequences,
                                                name=self.cell.lower(), **options)


VARIANTS = {v.name: v for v in (
    Variant("SimpleRNN", "SimpleRNN"),
    Variant("GRU", "GRU"),
    Variant("LSTM", "LSTM", unit_forget_bias=True),
    Variant("LSTM, forget bias 0", "LSTM", unit_forget_bias=False),
)}


# ---------------------------------------------------------------- parameter budgets

def recurrent_params(cell: str, n_a: int, n_x: int) -> int:
    """Trainable parameters of one Keras recurrent layer (``n_x`` inputs, ``n_a`` units).

    SimpleRNN: Wax, Waa, ba                       -> n_a (n_x + n_a + 1)
    GRU:       3 gates x (Wx, Wa, b_input, b_rec) -> 3 n_a (n_x + n_a + 2)  (reset_after=True)
    LSTM:      4 gates x (Wx, Wa, b)              -> 4 n_a (n_x + n_a + 1)
    """
    if cell == "SimpleRNN":
        return n_a * (n_x + n_a + 1)
    if cell == "GRU":
        return 3 * n_a * (n_x + n_a + 2)
    if cell == "LSTM":
        return 4 * n_a * (n_x + n_a + 1)
    raise ValueError(f"unknown cell {cell!r}: expected one of {CELLS}")


def model_params(task: str, cell: str, n_a: int, n_values: int = 0, n_e: int = 0,
                 n_classes: int = 5, n_glove: int = 50) -> int:
    """Trainable parameters of ``build_model(task, ...)`` with ``n_a`` units.

    adding: RNN on 2 inputs + Dense(1)
    jazz:   Embedding(n_values, n_e) + RNN + Dense(n_values)
    emoji:  (frozen GloVe, not counted) + RNN on n_glove inputs + Dense(n_classes)
    """
    if task == "adding":
        return recurrent_params(cell, n_a, 2) + n_a + 1
    if task == "jazz":
        if n_values < 1 or n_e < 1:
            raise ValueError(f"jazz needs n_values >= 1 and n_e >= 1, got {n_values}, {n_e}")
        return n_values * n_e + recurrent_params(cell, n_a, n_e) + (n_a + 1) * n_values
    if task == "emoji":
        return recurrent_params(cell, n_a, n_glove) + (n_a + 1) * n_classes
    raise ValueError(f"unknown task {task!r}: expected one of {TASKS}")


def units_for_budget(task: str, cell: str, budget: int, **dims) -> int:
    """The unit count ``n_a`` whose :func:`model_params` is closest to ``budget``."""
    if budget < model_params(task, cell, 1, **dims):
        raise ValueError(f"a budget of {budget} parameters is below the smallest {cell} "
                         f"model for {task} ({model_params(task, cell, 1, **dims)})")
    n_a = 1
    while model_params(task, cell, n_a + 1, **dims) <= budget:
        n_a += 1
    below, above = model_params(task, cell, n_a, **dims), model_params(task, cell, n_a + 1, **dims)
    return n_a if budget - below <= above - budget else n_a + 1


# ---------------------------------------------------------------- task (a): the adding problem

def normalised_mse(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    """MSE / variance of ``y_true``: 0 is perfect, 1 is as good as predicting the mean."""
    y_true = np.asarray(y_true, dtype=np.float64).ravel()
    y_pred = np.asarray(y_pred, dtype=np.float64).ravel()
    if y_true.shape != y_pred.shape:
        raise ValueError(f"{y_true.size} targets but {y_pred.size} predictions")
    return float(np.mean((y_true - y_pred) ** 2) / np.var(y_true))


# ---------------------------------------------------------------- task (b): jazz values

def jazz_nll(model, sequences: list[np.ndarray]) -> float:
    """The jazz score of notebook 2, by the same function and in the same mode:
    ``helpers.jazz.sequences.sequence_nll(..., mode="whole")``, the mean negative
    log-likelihood (nats) of every value after the first of each solo, each solo read in one
    pass from a zero state."""
    from ..jazz.sequences import WHOLE, sequence_nll

    return sequence_nll(model, sequences, mode=WHOLE)


# ---------------------------------------------------------------- task (c): emoji sentences

def sentence_vocabulary(sentences: list[str], glove) -> tuple[dict[str, int], np.ndarray]:
    """A small embedding for the words of these sentences only, filled from GloVe.

    Words are the space-separated tokens of ``helpers.emojify.data.clean(sentence)``. Returns
    ``word_index`` (word -> 1..n_words, sorted alphabetically; 0 is padding) and the
    ``(n_words + 1, dim)`` float32 matrix whose row ``word_index[w]`` is the GloVe vector of w.
    A word GloVe does not know raises KeyError naming the word and its sentence.
    """
    from ..emojify.data import clean

    words = set()
    for sentence in sentences:
        for word in clean(sentence).split():
            if glove.lookup(word) is None:
                raise KeyError(f"{word!r} (in the sentence {sentence!r}) has no GloVe vector")
            words.add(word)
    word_index = {word: i for i, word in enumerate(sorted(words), start=1)}
    matrix = np.zeros((len(word_index) + 1, glove.dim), dtype=np.float32)
    for word, i in word_index.items():
        matrix[i] = glove.vector(word)
    return word_index, matrix


def encode_sentences(sentences: list[str], word_index: dict[str, int], T_x: int) -> np.ndarray:
    """``(m, T_x)`` int32 ids from :func:`sentence_vocabulary`'s ``word_index``, 0-padded at
    the end. A word missing from ``word_index`` or a sentence longer than ``T_x`` raises."""
    from ..emojify.data import clean

    ids = np.zeros((len(sentences), T_x), dtype=np.int32)
    for row, sentence in enumerate(sentences):
        words = clean(sentence).split()
        if len(words) > T_x:
            raise ValueError(f"sentence {row} ({sentence!r}) has {len(words)} words, "
                             f"more than T_x={T_x}")
        for t, word in enumerate(words):
            if word not in word_index:
                raise KeyError(f"{word!r} (sentence {row}, {sentence!r}) is not in the vocabulary")
            ids[row, t] = word_index[word]
    return ids


# ---------------------------------------------------------------- models

def build_model(task: str, variant: Variant, n_a: int, n_values: int = 0, n_e: int = 0,
                embedding: np.ndarray | None = None, n_classes: int = 5):
    """A compiled-ready Keras model for ``task`` around one ``variant`` layer of ``n_a`` units.

    adding: (m, T_x, 2) float -> (m, 1) sum
    jazz:   (m, T_x) value ids -> (m, T_x, n_values) next-value probabilities
    emoji:  (m, T_x) word ids (0 = padding, masked) -> (m, n_classes) probabilities;
            ``embedding`` is the frozen (n_words + 1, dim) matrix of :func:`sentence_vocabulary`
    """
    import keras

    if task == "adding":
        x = keras.Input(shape=(None, 2), name="x")
        a = variant.layer(n_a)(x)
        y = keras.layers.Dense(1, name="sum")(a)
    elif task == "jazz":
        x = keras.Input(shape=(None,), dtype="int32", name="values")
        e = keras.layers.Embedding(n_values, n_e, name="embedding")(x)
        a = variant.layer(n_a, return_sequences=True)(e)
        y = keras.layers.Dense(n_values, activation="softmax", name="next_value")(a)
    elif task == "emoji":
        if embedding is None:
            raise ValueError("the emoji model needs its embedding matrix")
        x = keras.Input(shape=(None,), dtype="int32", name="words")
        e = keras.layers.Embedding(embedding.shape[0], embedding.shape[1], mask_zero=True,
                                   trainable=False, name="glove",
                                   embeddings_initializer=keras.initializers.Constant(embedding))(x)
        a = variant.layer(n_a)(e)
        y = keras.layers.Dense(n_classes, activation="softmax", name="label")(a)
    else:
        raise ValueError(f"unknown task {task!r}: expected one of {TASKS}")
    return keras.Model(x, y, name=f"{task}_{variant.cell.lower()}")


def predict(model, x: np.ndarray, batch_size: int = 1024) -> np.ndarray:
    """``model(x)`` as numpy, called directly in batches: unlike ``model.predict`` this traces
    no graph, which costs more than the call itself for the small inputs of this study."""
    return np.concatenate([np.asarray(model(x[i:i + batch_size], training=False))
                           for i in range(0, len(x), batch_size)])


def cross_entropy(labels: np.ndarray, probs: np.ndarray) -> float:
    """Mean ``-log probs[i, labels[i]]`` (nats): the validation loss of a classifier."""
    labels, probs = np.asarray(labels), np.asarray(probs, dtype=np.float64)
    if probs.ndim != 2 or len(labels) != len(probs):
        raise ValueError(f"{len(labels)} labels for probabilities of shape {probs.shape}")
    return float(-np.mean(np.log(np.maximum(probs[np.arange(len(labels)), labels], 1e-12))))


def trainable_params(model) -> int:
    return int(sum(math.prod(w.shape) for w in model.trainable_weights))


# ---------------------------------------------------------------- training

def improved(value: float, best: float, min_delta: float, rel_delta: float,
             lower_is_better: bool = True) -> bool:
    """Whether ``value`` beats ``best`` by more than ``max(min_delta, rel_delta * |best|)``."""
    if not math.isfinite(value):
        return False
    if not math.isfinite(best):
        return True
    margin = max(min_delta, rel_delta * abs(best))
    return value < best - margin if lower_is_better else value > best + margin


@dataclass
class EarlyStopping:
    """The stopping rule of :func:`train`, fed one validation score (lower is better) per epoch.

    ``update(score)`` returns ``(improved, stop)``: whether the score beats the best so far by
    more than ``max(min_delta, rel_delta * |best|)``, and whether training should stop now
    because ``patience`` epochs in a row brought no such improvement. Patience only counts
    once a score has been below ``patience_below``: a run that never got below it (on the
    adding problem, one still on the "answer the mean" plateau at 1) is never stopped early.
    """
    patience: int
    min_delta: float = 0.0
    rel_delta: float = 0.0
    patience_below: float = math.inf
    best: float = field(default=math.inf, init=False)     # the state, updated by update()
    best_epoch: int = field(default=0, init=False)
    epoch: int = field(default=0, init=False)
    counting: bool = field(default=False, init=False)

    def update(self, score: float) -> tuple[bool, bool]:
        self.epoch += 1
        self.counting = self.counting or score < self.patience_below
        if improved(score, self.best, self.min_delta, self.rel_delta):
            self.best, self.best_epoch = score, self.epoch
            return True, False
        return False, self.counting and self.epoch - self.best_epoch >= self.patience


def stop_epoch(scores, patience: int, min_delta: float = 0.0, rel_delta: float = 0.0,
               patience_below: float = math.inf):
    """The epoch (from 1) at which :class:`EarlyStopping` would have ended a run whose
    validation scores were ``scores``, or None if it would not have stopped within them."""
    rule = EarlyStopping(patience, min_delta, rel_delta, patience_below)
    return next((epoch for epoch, score in enumerate(scores, start=1) if rule.update(score)[1]),
                None)


def train(model, x, y, evaluate, max_epochs: int, patience: int, batch_size: int,
          learning_rate: float, loss: str, min_delta: float = 0.0, rel_delta: float = 0.0,
          sample_weight=None, clipnorm: float = 1.0, patience_below: float = math.inf) -> dict:
    """Train with Adam until the validation score has plateaued, at most ``max_epochs`` epochs.

    After each epoch ``evaluate(model) -> float`` scores the model on validation data (lower
    is better); :class:`EarlyStopping` (``patience``, ``min_delta``, ``rel_delta``,
    ``patience_below``) decides when to stop, and the model is given back the weights of its
    best epoch.

    Returns ``{"train_loss": [...], "eval": [...], "seconds": [...], "best_epoch": b,
    "stopped": "plateau" | "max_epochs"}``, one list entry per epoch trained (``seconds`` =
    wall time of that epoch's training, evaluation excluded; ``best_epoch`` counts from 1).
    """
    import keras

    if max_epochs < 1 or patience < 1:
        raise ValueError(f"max_epochs and patience must be >= 1, got {max_epochs}, {patience}")
    model.compile(optimizer=keras.optimizers.Adam(learning_rate, clipnorm=clipnorm), loss=loss)
    curve = {"train_loss": [], "eval": [], "seconds": []}
    rule = EarlyStopping(patience, min_delta, rel_delta, patience_below)
    best_weights, stopped = None, "max_epochs"
    for _ in range(max_epochs):
        start = time.perf_counter()
        history = model.fit(x, y, sample_weight=sample_weight, batch_size=batch_size,
                            epochs=1, shuffle=True, verbose=0)
        curve["seconds"].append(time.perf_counter() - start)
        curve["train_loss"].append(float(history.history["loss"][0]))
        score = float(evaluate(model))
        curve["eval"].append(score)
        better, stop = rule.update(score)
        if better:
            best_weights = model.get_weights()
        elif stop:
            stopped = "plateau"
            break
    if best_weights is not None:
        model.set_weights(best_weights)
    return {**curve, "best_epoch": max(rule.best_epoch, 1), "stopped": stopped}
