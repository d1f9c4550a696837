"""Experiment (b), next-value prediction on notebook 2's jazz solos: one run and its data.
Its table is the shared ``tables.summary(results, "jazz")``.

    from helpers.variants import jazz, tables
    tables.summary(results, "jazz")
    tables.compare_scores(results, "jazz", "GRU", "SimpleRNN")
"""
from __future__ import annotations

from functools import lru_cache

from ..jazz.sequences import next_value_windows
from . import models as V
from .config import JazzConfig


@lru_cache(maxsize=4)
def data(max_solos):
    """The train / validation / test solos (the first ``max_solos`` of each, or all) and the
    number of values."""
    from ..jazz.data import load_sequences, vocab_size

    splits = {s: load_sequences(s)[:max_solos] for s in ("train", "validation", "test")}
    return splits, vocab_size()


def run(cfg: JazzConfig, variant: V.Variant) -> dict:
    """Train one model on the jazz windows until its validation NLL plateaus; score it on the
    test solos exactly as notebook 2 scores its models."""
    splits, n_values = data(cfg.max_solos)
    dims = {"n_values": n_values, "n_e": cfg.n_e}
    n_a = V.units_for_budget("jazz", variant.cell, cfg.budget, **dims)
    model = V.build_model("jazz", variant, n_a, **dims)
    X, Y, W = next_value_windows(splits["train"], cfg.T_x, cfg.stride)
    curve = V.train(model, X, Y, lambda mdl: V.jazz_nll(mdl, splits["validation"]),
                    loss="sparse_categorical_crossentropy", sample_weight=W,
                    max_epochs=cfg.max_epochs, patience=cfg.patience, batch_size=cfg.batch_size,
                    learning_rate=cfg.learning_rate, min_delta=cfg.min_delta)
    return {"n_a": n_a, "n_x": cfg.n_e, "model": model, "curve": curve,
            "score": V.jazz_nll(model, splits["test"])}
