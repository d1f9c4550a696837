"""Tables and figures that every experiment of the study uses: the runs of one task as a
frame, the summary per model, a comparison of two models' scores, and the generic plots.

    from helpers.variants import tables
    tables.summary(results, "jazz")                 # mean +- std over seeds, per model
    tables.compare_scores(results, "emoji", "GRU", "SimpleRNN")

The experiment modules (``adding``, ``jazz``, ``emoji``, ``timing``) hold what is particular
to each table.
"""
from __future__ import annotations

import numpy as np

from .config import METRICS, config_from_dict
from ..i18n import N_, _, gettext
from .stats import binomial_interval, permutation_test, welch_interval

COLOURS = {"SimpleRNN": "tab:red", "GRU": "tab:blue", "LSTM": "tab:green",
           "LSTM, forget bias 0": "tab:purple"}


def runs_frame(results: dict, task: str, length=None):
    """The runs of one task (and length) as a pandas DataFrame, one row per run."""
    import pandas as pd

    frame = pd.DataFrame([r for r in results["runs"] if r["task"] == task
                          and (length is None or r["length"] == length)])
    if frame.empty:
        raise ValueError(f"no {task} runs" + (f" of length {length}" if length else "")
                         + " in these results")
    return frame


def scores(results: dict, task: str, model: str, length=None) -> np.ndarray:
    """The test scores of one model (and length), one per seed, in seed order."""
    frame = runs_frame(results, task, length)
    rows = frame[frame["model"] == model].sort_values("seed")
    if rows.empty:
        raise ValueError(f"no {task} runs for {model!r}" + (f" at T_x={length}" if length else ""))
    return rows["score"].to_numpy(dtype=float)


def summary(results: dict, task: str):
    """One row per (length,) model: units, parameters of the recurrent layer and of the whole
    model, seeds, test score mean and std over seeds, epochs trained (min-max) and, for
    the adding problem, how many seeds solved it with an exact 95 % interval."""
    frame = runs_frame(results, task)
    keys = ["length", "model"] if task == "adding" else ["model"]
    order = {m: i for i, m in enumerate(getattr(config_from_dict(results["config"]), task).models)}
    table = (frame.groupby(keys, sort=False)
             .agg(units=("n_a", "first"), recurrent=("recurrent_params", "first"),
                  params=("params", "first"), seeds=("seed", "count"),
                  mean=("score", "mean"), std=("score", "std"),
                  min_epochs=("epochs", "min"), max_epochs=("epochs", "max"),
                  at_max=("stopped", lambda s: int((s == "max_epochs").sum())))
             .reset_index())
    table["std"] = table["std"].fillna(0.0)
    if task == "adding":
        limit = results["config"]["adding"]["solved_below"]
        table["solved"] = [int((frame[(frame["length"] == row.length) & (frame["model"] == row.model)]
                                ["score"] < limit).sum()) for row in table.itertuples()]
        intervals = [binomial_interval(k, n) for k, n in zip(table["solved"], table["seeds"])]
        table["solved_low"] = [lo for lo, _ in intervals]
        table["solved_high"] = [hi for _, hi in intervals]
    table = table.sort_values(keys, key=lambda col: col.map(order) if col.name == "model" else col)
    return table.reset_index(drop=True)


# The column headers of the study's printed tables, for the catalogue (``shown`` translates them)
HEADERS = (N_("model"), N_("units"), N_("recurrent params"), N_("model params"), N_("hit max"),
           N_("test NLL (nats per value)"), N_("test accuracy"), N_("test normalised MSE"),
           N_("epochs"), N_("solved"), N_("length"), N_("bench"), N_("rounds"),
           N_("s per 1000 sequences: median [min, max]"),
           N_("÷ SimpleRNN, same round: median [min, max]"), N_("slower in"), N_("sign test"),
           N_("seeds"), N_("before training"), N_("median over epochs"), N_("kept weights"),
           N_("left the plateau at epoch (one entry per seed)"), N_("left"),
           N_("still on it when stopped"))


def shown(frame) -> str:
    """A table of the study as text, its column headers in the course's language."""
    return frame.rename(columns=lambda c: gettext(c) if isinstance(c, str) else c).to_string(index=False)


def format_summary(table, task: str, digits: int = 3):
    """``summary`` written for display: ``mean ± std``, "k of n" with its interval, epochs."""
    out = table.copy()
    if task == "adding":
        out["solved"] = [_("{k} of {n}  [{low:.2f}, {high:.2f}]").format(k=k, n=n, low=lo, high=hi)
                         for k, n, lo, hi in
                         zip(out["solved"], out["seeds"], out["solved_low"], out["solved_high"])]
    out[METRICS[task][0]] = [f"{m:.{digits}f} ± {s:.{digits}f}"
                             for m, s in zip(out["mean"], out["std"])]
    out["epochs"] = [f"{a}-{b}" for a, b in zip(out["min_epochs"], out["max_epochs"])]
    out = out.rename(columns={"recurrent": "recurrent params", "params": "model params",
                              "at_max": "hit max"})
    return out.drop(columns=[c for c in ("mean", "std", "min_epochs", "max_epochs", "seeds",
                                         "solved_low", "solved_high") if c in out])


def compare_scores(results: dict, task: str, a: str, b: str, length=None) -> dict:
    """Mean test score of ``a`` minus ``b`` over seeds, with its 95 % Welch t interval and
    the exact permutation p (two-sided) of the difference of means."""
    sa, sb = scores(results, task, a, length), scores(results, task, b, length)
    low, high = welch_interval(sa, sb)
    return {"a": a, "b": b, "n_a": len(sa), "n_b": len(sb),
            "difference": float(sa.mean() - sb.mean()), "low": low, "high": high,
            "p": permutation_test(sa, sb)}


def plot_curves(results: dict, task: str, length=None, models=None, ax=None, title=None,
                ylim=None):
    """Validation score after every epoch, one line per seed (runs stop at different
    epochs); a dot marks the epoch whose weights were kept."""
    import matplotlib.pyplot as plt
    from matplotlib.ticker import MaxNLocator

    frame = runs_frame(results, task, length)
    models = models or list(dict.fromkeys(frame["model"]))
    missing = [m for m in models if m not in set(frame["model"])]
    if missing:
        raise ValueError(f"no {task} runs for {missing} in these results")
    ax = ax or plt.subplots(figsize=(6, 4))[1]
    for model in models:
        for number, run in enumerate(frame[frame["model"] == model].itertuples()):
            epochs = np.arange(1, len(run.eval) + 1)
            ax.plot(epochs, run.eval, color=COLOURS.get(model), linewidth=1, alpha=0.7,
                    label=model if number == 0 else None)
            ax.plot(run.best_epoch, run.eval[run.best_epoch - 1], ".", color=COLOURS.get(model))
    if task == "adding":
        ax.axhline(1.0, color="grey", linestyle="--", linewidth=1, label=_("always answer the mean"))
    if ylim is not None:
        ax.set_ylim(*ylim)
    else:
        ax.set_ylim(0, None)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel(_("epoch"))
    ax.set_ylabel(gettext(METRICS[task][1]))
    ax.set_title(title or (_("{task}: validation curves, T_x = {length}") if length
                           else _("{task}: validation curves")).format(task=task, length=length))
    ax.legend(fontsize=8)
    return ax


def plot_scores(results: dict, task: str, ax=None):
    """Test score per model: a bar from 0 to the mean, the seeds as dots."""
    import matplotlib.pyplot as plt

    table = summary(results, task)
    frame = runs_frame(results, task)
    ax = ax or plt.subplots(figsize=(4.5, 3.5))[1]
    xs = np.arange(len(table))
    bars = ax.bar(xs, table["mean"], color=[COLOURS.get(m) for m in table["model"]], alpha=0.6)
    for x, model in zip(xs, table["model"]):
        values = frame[frame["model"] == model]["score"]
        ax.scatter(x + np.linspace(-0.15, 0.15, len(values)), values, s=12, color="black", zorder=3)
    ax.bar_label(bars, [f"{m:.3f} ± {s:.3f}" for m, s in zip(table["mean"], table["std"])],
                 label_type="center", fontsize=9)
    ax.set_xticks(xs, table["model"])
    ax.set_ylim(0, None)
    ax.set_ylabel(gettext(METRICS[task][0]))
    ax.set_title(_("{task}: {metric} ({seeds} seeds)").format(
        task=task, metric=gettext(METRICS[task][0]), seeds=int(table["seeds"].max())))
    return ax


def plot_differences(comparisons: list[dict], ax=None, xlabel=None):
    """Differences of mean scores with their 95 % intervals; the line at 0 is "no difference"."""
    import matplotlib.pyplot as plt

    ax = ax or plt.subplots(figsize=(6, 0.6 + 0.5 * len(comparisons)))[1]
    ys = np.arange(len(comparisons))[::-1]
    for y, c in zip(ys, comparisons):
        ax.errorbar(c["difference"], y, xerr=[[c["difference"] - c["low"]],
                                              [c["high"] - c["difference"]]],
                    fmt="o", color="black", capsize=4)
    ax.axvline(0.0, color="grey", linestyle="--", linewidth=1)
    ax.set_yticks(ys, [f"{c['a']} − {c['b']}" for c in comparisons])
    ax.set_xlabel(xlabel or _("difference of means"))
    return ax
