"""Experiment (a), the adding problem, and the forget-gate ablation on it: one run, its
gradient measurements, and the tables and figures of sections 3 to 5 of notebook 4.

    from helpers.variants import adding
    adding.solved(results, "GRU", 50)              # (5, 5): 5 of 5 seeds solved T_x = 50
    adding.compare_solved(results, 50, "GRU", "SimpleRNN")   # Fisher's exact test
    adding.plateau_exits(results)                  # the epoch each run left the plateau
    adding.gradient_table(results)                 # how far back the loss's gradient reaches

The sequences come from the ``adding_problem`` function that the notebook's exercise asks
for; the runner is handed the generated copy of it (``helpers.instructor.graded.variants``).
"""
from __future__ import annotations

import numpy as np

from . import models as V
from .config import AddingConfig, config_from_dict
from ..i18n import _
from .stats import binomial_interval, fisher_exact, rank_sum_test
from .tables import COLOURS, runs_frame, scores, summary

PLATEAU = 0.5   # validation MSE / Var below this: the model uses more than the recent value
FIELDS = ("gradient_start", "gradient_end", "gradient_early", "gradient_last")


# ---------------------------------------------------------------- one run

def gradient_function(model):
    """A compiled ``(x, y) -> dL/dx`` for ``model``, L the summed squared error: row i of the
    result is the gradient of sequence i's own error with respect to its inputs."""
    import tensorflow as tf

    @tf.function
    def gradient(x, y):
        with tf.GradientTape() as tape:
            tape.watch(x)
            loss = tf.reduce_sum((model(x, training=False)[:, 0] - y) ** 2)
        return tape.gradient(loss, x)

    return gradient


def input_gradients(model, x: np.ndarray, y: np.ndarray, gradient=None) -> np.ndarray:
    """``(T_x,)``: for each step t, the mean over the m sequences of ``||dL_i/dx_i<t>||``, the
    gradient of one sequence's squared error with respect to its input at step t. It is the
    signal that reaches step t from the target: near 0, no weight learns from what step t
    holds, e.g. the first marked value. ``gradient`` is :func:`gradient_function`'s result
    for ``model``, made here if not given."""
    import tensorflow as tf

    gradient = gradient or gradient_function(model)
    grads = gradient(tf.constant(np.asarray(x, dtype=np.float32)),
                     tf.constant(np.asarray(y, dtype=np.float32)))
    return np.linalg.norm(np.asarray(grads, dtype=np.float64), axis=2).mean(axis=0)


def _rounded(values) -> list[float]:
    return [float(f"{v:.4g}") for v in np.asarray(values, dtype=np.float64)]


def run(cfg: AddingConfig, length: int, variant: V.Variant, seed: int, adding_problem) -> dict:
    """Train one model on the adding problem at ``T_x = length``; return its record fields.

    Besides the curves of :func:`helpers.variants.models.train`, it measures
    :func:`input_gradients` on ``cfg.gradient_sequences`` validation sequences: the whole
    profile before training (``gradient_start``) and with the kept weights (``gradient_end``),
    and after every epoch its mean over the first half of the steps, where the first marker
    lies (``gradient_early``), and at the last step (``gradient_last``).
    """
    rng = np.random.default_rng([seed, length])
    x, y = adding_problem(cfg.n_train, length, rng)
    x_val, y_val = adding_problem(cfg.n_val, length, rng)
    x_test, y_test = adding_problem(cfg.n_test, length, rng)
    x_grad, y_grad = x_val[:cfg.gradient_sequences], y_val[:cfg.gradient_sequences]
    n_a = V.units_for_budget("adding", variant.cell, cfg.budget)
    model = V.build_model("adding", variant, n_a)
    gradient = gradient_function(model)
    start = input_gradients(model, x_grad, y_grad, gradient)
    early, last = [], []

    def evaluate(mdl):
        profile = input_gradients(mdl, x_grad, y_grad, gradient)
        early.append(profile[:length // 2].mean())
        last.append(profile[-1])
        return V.normalised_mse(y_val, V.predict(mdl, x_val))

    curve = V.train(model, x, y, evaluate, loss="mse", rel_delta=cfg.rel_delta,
                    patience_below=cfg.patience_below, max_epochs=cfg.max_epochs,
                    patience=cfg.patience, batch_size=cfg.batch_size,
                    learning_rate=cfg.learning_rate, min_delta=cfg.min_delta)
    return {"n_a": n_a, "n_x": 2, "model": model, "curve": curve,
            "score": V.normalised_mse(y_test, V.predict(model, x_test)),
            "gradient_start": _rounded(start),
            "gradient_end": _rounded(input_gradients(model, x_grad, y_grad, gradient)),
            "gradient_early": _rounded(early), "gradient_last": _rounded(last)}


# ---------------------------------------------------------------- solved or not

def lengths(results: dict) -> list[int]:
    """The lengths with at least one stored run, in increasing order."""
    return sorted({r["length"] for r in results["runs"] if r["task"] == "adding"})


def seeds_run(results: dict, model: str, length: int) -> int:
    """How many seeds of ``model`` ran at ``length`` (fewer than planned when the study's time
    limit left some out)."""
    return sum(1 for r in results["runs"] if r["task"] == "adding" and r["model"] == model
               and r["length"] == length)


def solved(results: dict, model: str, length: int) -> tuple[int, int]:
    """``(k, n)``: k of the n seeds of ``model`` solved the adding problem at ``length``
    (test normalised MSE below the configuration's ``solved_below``)."""
    values = scores(results, "adding", model, length)
    return int((values < results["config"]["adding"]["solved_below"]).sum()), len(values)


def compare_solved(results: dict, length: int, a: str, b: str) -> dict:
    """Fisher's exact test of "k of n solved" for models ``a`` and ``b`` at one length."""
    (ka, na), (kb, nb) = solved(results, a, length), solved(results, b, length)
    return {"length": length, "a": a, "b": b, "solved_a": ka, "n_a": na, "solved_b": kb,
            "n_b": nb, **fisher_exact(ka, na, kb, nb)}


def solved_table(results: dict):
    """One row per length: "k of n" solved per model, with the exact 95 % interval."""
    import pandas as pd

    table = summary(results, "adding")
    rows = []
    for length, group in table.groupby("length", sort=True):
        row = {"T_x": length}
        for r in group.itertuples():
            row[r.model] = solved_interval(r.solved, r.seeds)
        rows.append(row)
    return pd.DataFrame(rows).fillna(_("not run"))


# ---------------------------------------------------------------- leaving the plateau

def plateau_exit(run: dict, level: float = PLATEAU):
    """The first epoch whose validation normalised MSE fell below ``level`` (the model then
    uses more than the recent marked value), or None if it never did before training stopped."""
    return next((epoch for epoch, value in enumerate(run["eval"], start=1) if value < level), None)


def exit_epochs(results: dict, model: str, length: int, level: float = PLATEAU) -> list:
    """:func:`plateau_exit` of each seed of ``model`` at ``length``, in seed order."""
    frame = runs_frame(results, "adding", length)
    rows = frame[frame["model"] == model].sort_values("seed")
    return [plateau_exit(run, level) for run in rows.to_dict("records")]


def plateau_exits(results: dict, level: float = PLATEAU):
    """Adding problem, per length and model: for every seed, the epoch it left the plateau
    (:func:`plateau_exit`) or ``>E`` if it was still on it after all the E epochs it trained
    (patience only counts once a run has left the plateau, so such a run trained to the
    epoch limit)."""
    import pandas as pd

    frame = runs_frame(results, "adding").sort_values(["length", "seed"])
    order = {m: i for i, m in enumerate(config_from_dict(results["config"]).adding.models)}
    rows = []
    for (length, model), group in frame.groupby(["length", "model"]):
        exits = [plateau_exit(run, level) for run in group.to_dict("records")]
        rows.append({"length": length, "model": model,
                     "left the plateau at epoch (one entry per seed)": ", ".join(
                         str(e) if e is not None else f">{n}"
                         for e, n in zip(exits, group["epochs"])),
                     "left": sum(e is not None for e in exits),
                     "still on it when stopped": sum(e is None for e in exits)})
    table = pd.DataFrame(rows)
    table["order"] = table["model"].map(order)
    return table.sort_values(["length", "order"]).drop(columns="order").reset_index(drop=True)


def compare_exits(results: dict, length: int, a: str, b: str, level: float = PLATEAU) -> dict:
    """The plateau-exit epochs of ``a`` and ``b`` at ``length`` and the exact rank-sum
    (Wilcoxon-Mann-Whitney) p of their difference; a run that never left counts as leaving
    after its last epoch (later than any that left)."""
    def epochs(model):
        frame = runs_frame(results, "adding", length)
        rows = frame[frame["model"] == model].sort_values("seed").to_dict("records")
        return [plateau_exit(r, level) or r["epochs"] + 1 for r in rows]

    ea, eb = epochs(a), epochs(b)
    return {"length": length, "a": a, "b": b, "exits_a": ea, "exits_b": eb,
            "p": rank_sum_test(ea, eb)}


def stopped_on_the_plateau(results: dict, patience: int | None = None,
                           level: float = PLATEAU) -> list[dict]:
    """Adding runs that left the plateau, but that patience counted from the first epoch (no
    ``patience_below``) would have stopped before they did: one row per such run with its
    ``length``, ``model``, ``seed``, the epoch that rule stops it (``stop``) and the epoch it
    left the plateau (``exit``). ``patience`` defaults to the study's."""
    cfg = config_from_dict(results["config"]).adding
    patience = patience or cfg.patience
    rows = []
    for run in (r for r in results["runs"] if r["task"] == "adding"):
        exit_epoch = plateau_exit(run, level)
        if exit_epoch is None:
            continue
        stop = V.stop_epoch(run["eval"], patience, cfg.min_delta, cfg.rel_delta)
        if stop is not None and stop < exit_epoch:
            rows.append({"length": run["length"], "model": run["model"], "seed": run["seed"],
                         "stop": stop, "exit": exit_epoch})
    return rows


# ---------------------------------------------------------------- gradients

def gradient_ratio(run: dict) -> dict:
    """One run's gradient reaching the first half of the sequence, as a share of the gradient
    at the last step, ``mean_t<T/2 ||dL/dx<t>|| / ||dL/dx<T>||``: before training, its median
    over the epochs, and with the kept weights."""
    def ratio(early, last):
        return early / last if last > 0 else (0.0 if early == 0 else np.inf)

    half = run["length"] // 2
    return {"before training": ratio(np.mean(run["gradient_start"][:half]), run["gradient_start"][-1]),
            "median over epochs": float(np.median([ratio(e, l) for e, l in
                                                   zip(run["gradient_early"], run["gradient_last"])])),
            "kept weights": ratio(np.mean(run["gradient_end"][:half]), run["gradient_end"][-1])}


def gradient_table(results: dict, length: int):
    """Per model at ``length``: :func:`gradient_ratio` before training, over training and with
    the kept weights, as the median over seeds with its min-max."""
    import pandas as pd

    frame = runs_frame(results, "adding", length)
    order = config_from_dict(results["config"]).adding.models
    rows = []
    for model in [m for m in order if m in set(frame["model"])]:
        ratios = [gradient_ratio(r) for r in frame[frame["model"] == model].to_dict("records")]
        row = {"model": model, "seeds": len(ratios)}
        for name in ratios[0]:
            values = [r[name] for r in ratios]
            row[name] = f"{np.median(values):.0e} [{min(values):.0e}, {max(values):.0e}]"
        rows.append(row)
    return pd.DataFrame(rows)


def plot_gradients(results: dict, length: int, models=None, ax=None):
    """Per seed, the gradient reaching the first half over training (``gradient_early /
    gradient_last`` after each epoch, log axis); a cross marks the epoch the run left the
    plateau."""
    import matplotlib.pyplot as plt

    frame = runs_frame(results, "adding", length)
    models = models or list(dict.fromkeys(frame["model"]))
    ax = ax or plt.subplots(figsize=(6, 4))[1]
    for model in models:
        for number, run in enumerate(frame[frame["model"] == model].to_dict("records")):
            ratio = np.maximum(np.asarray(run["gradient_early"]) /
                               np.maximum(run["gradient_last"], 1e-30), 1e-20)
            epochs = np.arange(1, len(ratio) + 1)
            ax.plot(epochs, ratio, color=COLOURS.get(model), linewidth=1, alpha=0.7,
                    label=model if number == 0 else None)
            exit_epoch = plateau_exit(run)
            if exit_epoch is not None:
                ax.plot(exit_epoch, ratio[exit_epoch - 1], "x", color=COLOURS.get(model))
    ax.set_yscale("log")
    ax.set_xlabel(_("epoch"))
    ax.set_ylabel(_("gradient reaching the first half / at the last step"))
    ax.set_title(_("Adding problem, T_x = {length}: how far back the gradient reaches").format(
        length=length))
    ax.legend(fontsize=8)
    return ax


# ---------------------------------------------------------------- figures

def plot_solved(results: dict, models=None, ax=None):
    """Adding problem: share of seeds that solved each length, with exact 95 % intervals."""
    import matplotlib.pyplot as plt

    table = summary(results, "adding")
    models = models or list(dict.fromkeys(table["model"]))
    missing = [m for m in models if m not in set(table["model"])]
    if missing:
        raise ValueError(f"no adding-problem runs for {missing} in these results")
    ax = ax or plt.subplots(figsize=(6, 4))[1]
    all_lengths = sorted(set(table["length"]))
    width = 0.8 / len(models)
    for i, model in enumerate(models):
        rows = table[table["model"] == model].set_index("length")
        xs = np.array([all_lengths.index(t) for t in rows.index]) + (i - (len(models) - 1) / 2) * width
        share = rows["solved"] / rows["seeds"]
        ax.bar(xs, share, width * 0.9, color=COLOURS.get(model), alpha=0.8,
               label=_("{model} ({params} params)").format(model=model, params=rows["params"].iloc[0]))
        ax.errorbar(xs, share, yerr=[share - rows["solved_low"], rows["solved_high"] - share],
                    fmt="none", ecolor="black", capsize=3, linewidth=1)
    ax.set_xticks(np.arange(len(all_lengths)), [f"T_x = {t}" for t in all_lengths])
    ax.set_ylim(0, 1.05)
    ax.set_ylabel(_("share of seeds solved (test MSE / Var < {below})").format(
        below=results["config"]["adding"]["solved_below"]))
    ax.set_title(_("Adding problem: share of seeds solved, exact 95 % intervals"))
    ax.legend(fontsize=8)
    return ax


def plot_seed_scores(results: dict, models=None, ax=None):
    """Adding problem: every seed's test normalised MSE, per length and model (linear axis
    from 0, so the all-or-nothing outcome shows)."""
    import matplotlib.pyplot as plt

    frame = runs_frame(results, "adding")
    models = models or list(dict.fromkeys(frame["model"]))
    ax = ax or plt.subplots(figsize=(6, 4))[1]
    all_lengths = sorted(set(frame["length"]))
    width = 0.8 / len(models)
    for i, model in enumerate(models):
        for j, length in enumerate(all_lengths):
            values = frame[(frame["model"] == model) & (frame["length"] == length)]["score"]
            xs = j + (i - (len(models) - 1) / 2) * width + np.linspace(-0.2, 0.2, len(values)) * width
            ax.scatter(xs, values, s=14, color=COLOURS.get(model),
                       label=model if j == 0 else None)
    ax.axhline(1.0, color="grey", linestyle="--", linewidth=1, label=_("always answer the mean"))
    ax.axhline(results["config"]["adding"]["solved_below"], color="black", linestyle=":",
               linewidth=1, label=_("solved below this line"))
    ax.set_xticks(np.arange(len(all_lengths)), [f"T_x = {t}" for t in all_lengths])
    ax.set_ylim(0, max(1.2, float(frame["score"].max()) + 0.05))
    ax.set_ylabel(_("test MSE / Var(target), one dot per seed"))
    ax.set_title(_("Adding problem: every seed"))
    ax.legend(fontsize=8)
    return ax


def solved_interval(k: int, n: int) -> str:
    """"k of n [low, high]" with the exact 95 % interval."""
    low, high = binomial_interval(k, n)
    return _("{k} of {n} [{low:.2f}, {high:.2f}]").format(k=k, n=n, low=low, high=high)
