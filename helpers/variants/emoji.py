"""Experiment (c), notebook 3's emoji sentences: the validation split, the data, one run.
Its table is the shared ``tables.summary(results, "emoji")``.

    from helpers.variants import emoji, tables
    tables.summary(results, "emoji")
    tables.compare_scores(results, "emoji", "GRU", "SimpleRNN")
"""
from __future__ import annotations

from functools import lru_cache

import numpy as np

from . import models as V
from .config import EmojiConfig


def validation_split(labels: np.ndarray, share: float, seed: int = 0) -> np.ndarray:
    """Boolean mask of the training sentences held out for validation: ``round(share * n)``
    of each label's ``n`` sentences (at least one), drawn with a fixed seed."""
    labels = np.asarray(labels)
    if not 0 < share < 1:
        raise ValueError(f"validation_share must be between 0 and 1, got {share}")
    rng = np.random.default_rng(seed)
    held = np.zeros(len(labels), dtype=bool)
    for label in np.unique(labels):
        rows = np.flatnonzero(labels == label)
        k = min(len(rows) - 1, max(1, round(share * len(rows))))
        held[rng.choice(rows, size=k, replace=False)] = True
    return held


@lru_cache(maxsize=2)
def data(share):
    """Encoded training, validation and test sentences with their labels, and the frozen
    GloVe matrix of every word met."""
    from ..emojify.data import clean, load_sentences
    from ..emojify.glove import load_glove

    (x_all, y_all), (x_test, y_test) = load_sentences("train"), load_sentences("test")
    # frozen GloVe rows for every word met; the GloVe vectors do not depend on the labels
    word_index, embedding = V.sentence_vocabulary(x_all + x_test, load_glove())
    T_x = max(len(clean(s).split()) for s in x_all + x_test)  # padding is masked
    held = validation_split(y_all, share)
    x_all = np.asarray(x_all, dtype=object)

    def encode(sentences):
        return V.encode_sentences(sentences, word_index, T_x)

    return (encode(list(x_all[~held])), y_all[~held], encode(list(x_all[held])), y_all[held],
            encode(x_test), y_test, embedding)


def run(cfg: EmojiConfig, variant: V.Variant) -> dict:
    """Train one classifier until its validation cross-entropy plateaus; score its test
    accuracy."""
    x, y, x_val, y_val, x_test, y_test, embedding = data(cfg.validation_share)
    n_x = embedding.shape[1]
    n_a = V.units_for_budget("emoji", variant.cell, cfg.budget, n_glove=n_x)
    model = V.build_model("emoji", variant, n_a, embedding=embedding)
    curve = V.train(model, x, y, lambda mdl: V.cross_entropy(y_val, V.predict(mdl, x_val)),
                    loss="sparse_categorical_crossentropy", max_epochs=cfg.max_epochs,
                    patience=cfg.patience, batch_size=cfg.batch_size,
                    learning_rate=cfg.learning_rate, min_delta=cfg.min_delta)
    score = float(np.mean(np.argmax(V.predict(model, x_test), axis=1) == y_test))
    return {"n_a": n_a, "n_x": n_x, "model": model, "curve": curve, "score": score}
