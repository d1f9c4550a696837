"""The timing benchmark: one training pass per model, interleaved and repeated; its table.

    from helpers.variants import timing
    table = timing.summary(results)      # per bench and model: seconds per 1000 sequences
    print(timing.format_table(table).to_string(index=False))
"""
from __future__ import annotations

import math
import time

import numpy as np

from ..i18n import _

from . import jazz as jazz_task
from ..jazz.sequences import next_value_windows
from . import models as V
from .config import StudyConfig, TimingConfig


def run(cfg: TimingConfig, config: StudyConfig, adding_problem) -> list[dict]:
    """Time one training pass per model, interleaved: in each of ``cfg.rounds`` rounds every
    model trains once on the same sequences, in an order that rotates from round to round,
    so that a slow spell of a shared machine falls on all models alike.

    Two benches: the adding problem at ``T_x = cfg.adding_length`` and the jazz windows, each
    model with the study's parameter budget. A warm-up pass per model (graph tracing) is not
    timed. Returns one record per (bench, model, round) with the fields of ``FIELDS``.
    """
    import keras

    keras.utils.set_random_seed(0)
    rng = np.random.default_rng(0)
    benches = {}
    x, y = adding_problem(cfg.adding_sequences, cfg.adding_length, rng)
    models = {}
    for name in cfg.models:
        variant = V.VARIANTS[name]
        model = V.build_model("adding", variant,
                              V.units_for_budget("adding", variant.cell, config.adding.budget))
        model.compile(optimizer=keras.optimizers.Adam(config.adding.learning_rate), loss="mse")
        models[name] = model
    benches[f"adding, T_x = {cfg.adding_length}"] = (models, x, y, None, config.adding.batch_size)
    splits, n_values = jazz_task.data(config.jazz.max_solos)
    X, Y, W = next_value_windows(splits["train"], config.jazz.T_x, config.jazz.stride)
    X, Y, W = X[:cfg.jazz_windows], Y[:cfg.jazz_windows], W[:cfg.jazz_windows]
    dims = {"n_values": n_values, "n_e": config.jazz.n_e}
    models = {}
    for name in cfg.models:
        variant = V.VARIANTS[name]
        model = V.build_model("jazz", variant,
                              V.units_for_budget("jazz", variant.cell, config.jazz.budget, **dims),
                              **dims)
        model.compile(optimizer=keras.optimizers.Adam(config.jazz.learning_rate),
                      loss="sparse_categorical_crossentropy")
        models[name] = model
    benches[f"jazz, T_x = {config.jazz.T_x}"] = (models, X, Y, W, config.jazz.batch_size)
    records = []
    for bench, (models, x, y, w, batch_size) in benches.items():
        for model in models.values():  # warm-up: builds the training graph
            model.fit(x[:batch_size], y[:batch_size], batch_size=batch_size, epochs=1, verbose=0)
        names = list(models)
        for number in range(cfg.rounds):
            order = names[number % len(names):] + names[:number % len(names)]
            for position, name in enumerate(order):
                start = time.perf_counter()
                models[name].fit(x, y, sample_weight=w, batch_size=batch_size, epochs=1,
                                 shuffle=False, verbose=0)
                records.append({"bench": bench, "model": name, "round": number + 1,
                                "position": position, "seconds": time.perf_counter() - start,
                                "sequences": int(len(x))})
    return records


FIELDS = ("bench", "model", "round", "position", "seconds", "sequences")


def summary(results: dict):
    """Per bench and model: median, min and max seconds per 1000 training sequences over the
    interleaved rounds, and the per-round ratio to the SimpleRNN (median, min, max)."""
    import pandas as pd

    frame = pd.DataFrame(results["timing"])
    if frame.empty:
        raise ValueError("no timing records in these results")
    frame["per_1000"] = 1000 * frame["seconds"] / frame["sequences"]
    rows = []
    for bench, group in frame.groupby("bench", sort=False):
        base = group[group["model"] == "SimpleRNN"].set_index("round")["per_1000"]
        for model, g in group.groupby("model", sort=False):
            ratio = g.set_index("round")["per_1000"] / base
            slower = int((ratio > 1).sum())
            rows.append({"bench": bench, "model": model, "rounds": len(g),
                         "median": g["per_1000"].median(), "min": g["per_1000"].min(),
                         "max": g["per_1000"].max(), "ratio": ratio.median(),
                         "ratio_min": ratio.min(), "ratio_max": ratio.max(),
                         "slower_rounds": slower,
                         "sign_p": sign_test(slower, int((ratio != 1).sum()))})
    return pd.DataFrame(rows)


def sign_test(k: int, n: int) -> float:
    """Two-sided sign test: p of k or a more extreme count of "slower" rounds out of n, if
    either model were as likely to be the slower one in each round (1.0 when n is 0)."""
    if n == 0:
        return 1.0
    tail = sum(math.comb(n, j) for j in range(0, min(k, n - k) + 1)) / 2 ** n
    return min(1.0, 2 * tail)


def format_table(table):
    """:func:`summary` written for display."""
    out = table[["bench", "model", "rounds"]].copy()
    out["s per 1000 sequences: median [min, max]"] = [
        f"{m:.2f} [{lo:.2f}, {hi:.2f}]" for m, lo, hi in zip(table["median"], table["min"], table["max"])]
    out["÷ SimpleRNN, same round: median [min, max]"] = [
        f"{m:.2f} [{lo:.2f}, {hi:.2f}]" for m, lo, hi in
        zip(table["ratio"], table["ratio_min"], table["ratio_max"])]
    out["slower in"] = [_("{k} of {n}").format(k=k, n=n) if model != "SimpleRNN" else "" for k, n, model in
                        zip(table["slower_rounds"], table["rounds"], table["model"])]
    out["sign test"] = [f"p = {p:.3f}" if model != "SimpleRNN" else "" for p, model in
                        zip(table["sign_p"], table["model"])]
    return out
