"""The variants study: its configurations, one run per (task, length, model, seed), the results
file, and the tables and figures drawn from it.

    from helpers.variants.study import FULL, TINY, run_study, load_results, summary
    results = run_study(TINY)                     # a few seconds per task
    results = load_results("results/variants.json")  # what scripts/run_variants.py stored
    summary(results, "jazz")                      # mean +- std over seeds, per model

A results dict holds ``command``, ``date``, ``versions``, ``config`` (the configuration, as
a dict), ``total_seconds`` and ``runs``: one record per run with the fields of ``RUN_FIELDS``.
"""
from __future__ import annotations

import dataclasses
import datetime
import json
import os
import platform
import statistics
import time
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np

from . import models as V

# task -> (name of the reported test score, name of the per-epoch evaluation, lower is better)
METRICS = {
    "adding": ("test normalised MSE", "validation normalised MSE", True),
    "jazz": ("test NLL (nats per value)", "validation NLL (nats per value)", True),
    "emoji": ("test accuracy", "test accuracy", False),
}
RUN_FIELDS = ("task", "length", "model", "cell", "unit_forget_bias", "seed", "n_a", "params",
              "epochs", "seconds_per_epoch", "train_loss", "eval", "seconds", "score",
              "cpu_seconds")
TOP_FIELDS = ("command", "date", "versions", "data", "workers", "config", "tasks", "total_seconds",
              "runs")
VERSION_FIELDS = ("python", "numpy", "tensorflow", "keras", "machine")


@dataclass(frozen=True)
class AddingConfig:
    lengths: tuple[int, ...] = (10, 20, 50, 100, 200)
    models: tuple[str, ...] = ("SimpleRNN", "GRU", "LSTM", "LSTM, forget bias 0")
    budget: int = 1200
    n_train: int = 6400
    n_eval: int = 1000          # sequences in the validation set and in the test set
    epochs: int = 6
    batch_size: int = 64
    learning_rate: float = 0.01


@dataclass(frozen=True)
class JazzConfig:
    models: tuple[str, ...] = ("SimpleRNN", "GRU", "LSTM")
    budget: int = 60_000
    n_e: int = 32               # size of the value embedding
    T_x: int = 32               # window length (training and scoring)
    stride: int = 16
    epochs: int = 5
    batch_size: int = 64
    learning_rate: float = 0.004
    max_solos: int | None = None  # use only the first solos of each split (reduced runs)


@dataclass(frozen=True)
class EmojiConfig:
    models: tuple[str, ...] = ("SimpleRNN", "GRU", "LSTM")
    budget: int = 8_000
    epochs: int = 25
    batch_size: int = 32
    learning_rate: float = 0.005


@dataclass(frozen=True)
class StudyConfig:
    name: str
    seeds: tuple[int, ...] = (1, 2, 3)
    adding: AddingConfig = field(default_factory=AddingConfig)
    jazz: JazzConfig = field(default_factory=JazzConfig)
    emoji: EmojiConfig = field(default_factory=EmojiConfig)

    def to_dict(self) -> dict:
        return dataclasses.asdict(self)


FULL = StudyConfig("full")
TINY = StudyConfig(  # every variant once on the adding problem, one model per real task
    "tiny", seeds=(1,),
    adding=AddingConfig(lengths=(10,), n_train=1024, n_eval=256, epochs=3, batch_size=32),
    jazz=JazzConfig(models=("GRU",), budget=20_000, n_e=16, epochs=2, learning_rate=0.01,
                    max_solos=20),
    emoji=EmojiConfig(models=("LSTM",), budget=3_000, epochs=4),
)
CONFIGS = {c.name: c for c in (FULL, TINY)}


# ---------------------------------------------------------------- one run

@dataclass(frozen=True)
class Job:
    task: str
    length: int | None  # T_x of the adding problem; None for jazz and emoji
    model: str
    seed: int


def jobs(config: StudyConfig, tasks=V.TASKS) -> list[Job]:
    """Every (task, length, model, seed) the configuration asks for, in a fixed order."""
    out = []
    for task in tasks:
        cfg = getattr(config, task)
        lengths = cfg.lengths if task == "adding" else (None,)
        out += [Job(task, length, model, seed)
                for length in lengths for model in cfg.models for seed in config.seeds]
    return out


@lru_cache(maxsize=4)
def _jazz_data(max_solos):
    from ..jazz.data import load_sequences, vocab_size

    splits = {s: load_sequences(s)[:max_solos] for s in ("train", "validation", "test")}
    return splits, vocab_size()


@lru_cache(maxsize=1)
def _emoji_data():
    from ..emojify.data import clean, load_sentences
    from ..emojify.glove import load_glove

    (x_train, y_train), (x_test, y_test) = load_sentences("train"), load_sentences("test")
    word_index, embedding = V.sentence_vocabulary(x_train + x_test, load_glove())
    T_x = max(len(clean(s).split()) for s in x_train + x_test)
    return (V.encode_sentences(x_train, word_index, T_x), y_train,
            V.encode_sentences(x_test, word_index, T_x), y_test, embedding)


def run_job(config: StudyConfig, job: Job) -> dict:
    """Train and score one model; return its run record (the fields of ``RUN_FIELDS``)."""
    import keras

    cpu_start = time.process_time()
    keras.utils.set_random_seed(job.seed)
    variant = V.VARIANTS[job.model]
    cfg = getattr(config, job.task)
    if job.task == "adding":
        rng = np.random.default_rng([job.seed, job.length])
        x, y = V.adding_problem(cfg.n_train, job.length, rng)
        x_val, y_val = V.adding_problem(cfg.n_eval, job.length, rng)
        x_test, y_test = V.adding_problem(cfg.n_eval, job.length, rng)
        n_a = V.units_for_budget("adding", variant.cell, cfg.budget)
        model = V.build_model("adding", variant, n_a)
        curve = V.train(model, x, y, lambda mdl: V.normalised_mse(y_val, V.predict(mdl, x_val)),
                        cfg.epochs, cfg.batch_size, cfg.learning_rate, loss="mse")
        score = V.normalised_mse(y_test, V.predict(model, x_test))
    elif job.task == "jazz":
        splits, n_values = _jazz_data(cfg.max_solos)
        dims = {"n_values": n_values, "n_e": cfg.n_e}
        n_a = V.units_for_budget("jazz", variant.cell, cfg.budget, **dims)
        model = V.build_model("jazz", variant, n_a, **dims)
        X, Y, W = V.windows(splits["train"], cfg.T_x, cfg.stride)
        curve = V.train(model, X, Y, lambda mdl: V.sequence_nll(mdl, splits["validation"], cfg.T_x),
                        cfg.epochs, cfg.batch_size, cfg.learning_rate,
                        loss="sparse_categorical_crossentropy", sample_weight=W)
        score = V.sequence_nll(model, splits["test"], cfg.T_x)
    elif job.task == "emoji":
        x, y, x_test, y_test, embedding = _emoji_data()
        n_a = V.units_for_budget("emoji", variant.cell, cfg.budget, n_glove=embedding.shape[1])
        model = V.build_model("emoji", variant, n_a, embedding=embedding)

        def accuracy(mdl):
            return float(np.mean(np.argmax(V.predict(mdl, x_test), axis=1) == y_test))

        curve = V.train(model, x, y, accuracy, cfg.epochs, cfg.batch_size, cfg.learning_rate,
                        loss="sparse_categorical_crossentropy")
        score = curve["eval"][-1]
    else:
        raise ValueError(f"unknown task {job.task!r}: expected one of {V.TASKS}")
    return {"task": job.task, "length": job.length, "model": job.model, "cell": variant.cell,
            "unit_forget_bias": variant.unit_forget_bias if variant.cell == "LSTM" else None,
            "seed": job.seed, "n_a": n_a, "params": V.trainable_params(model), "epochs": cfg.epochs,
            # the first epoch also builds the graph: the median of the others is the steady state
            "seconds_per_epoch": statistics.median(curve["seconds"][1:] or curve["seconds"]),
            "train_loss": curve["train_loss"], "eval": curve["eval"], "seconds": curve["seconds"],
            "score": float(score), "cpu_seconds": round(time.process_time() - cpu_start, 2)}


# ---------------------------------------------------------------- the whole study

def init_worker() -> None:
    """For a pool's worker processes: one thread each, deterministic ops, no progress output."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    import keras
    import tensorflow as tf

    try:
        tf.config.threading.set_intra_op_parallelism_threads(1)
        tf.config.threading.set_inter_op_parallelism_threads(1)
    except RuntimeError:  # TensorFlow already started in this process: keep its threads
        pass
    tf.config.experimental.enable_op_determinism()
    keras.utils.disable_interactive_logging()


DATA_FILES = {"jazz": ("jazz/solos.parquet", "jazz/solos_meta.parquet", "jazz/values.json"),
              "emoji": ("emoji/train.csv", "emoji/test.csv")}


def data_fingerprints(tasks) -> dict:
    """``{file under data/: first 16 hex digits of its SHA-256}`` for the data the tasks read."""
    import hashlib

    from ..paths import DATA

    return {name: hashlib.sha256((DATA / name).read_bytes()).hexdigest()[:16]
            for task in tasks for name in DATA_FILES.get(task, ())}


def versions() -> dict:
    import keras
    import tensorflow as tf

    return {"python": platform.python_version(), "numpy": np.__version__,
            "tensorflow": tf.__version__, "keras": keras.__version__,
            "machine": f"{platform.machine()}, {platform.system()}, {os.cpu_count()} CPUs"}


def run_study(config: StudyConfig, tasks=V.TASKS, command: str = "", log=None, executor=None,
              workers: int = 1) -> dict:
    """Run every job of ``config`` (restricted to ``tasks``) and return the results dict.

    ``executor`` (a ``concurrent.futures`` pool) spreads the jobs over processes, longest
    first; without one they run here, in order (``workers`` records how many ran at once).
    ``log(text)`` hears about each finished run.
    """
    from concurrent.futures import as_completed

    todo = jobs(config, tasks)
    start = time.perf_counter()
    runs = []

    def done(record):
        runs.append(record)
        if log:
            where = f" T_x={record['length']}" if record["length"] else ""
            log(f"[{len(runs)}/{len(todo)}] {record['task']}{where} {record['model']} seed "
                f"{record['seed']}: score {record['score']:.4f}, {record['seconds_per_epoch']:.2f} "
                f"s/epoch, {time.perf_counter() - start:.0f} s so far")

    if executor is None:
        for job in todo:
            done(run_job(config, job))
    else:
        futures = [executor.submit(run_job, config, job)
                   for job in sorted(todo, key=lambda j: -_cost(config, j))]
        for future in as_completed(futures):
            done(future.result())
        order = {(j.task, j.length, j.model, j.seed): i for i, j in enumerate(todo)}
        runs.sort(key=lambda r: order[(r["task"], r["length"], r["model"], r["seed"])])
    return {"command": command,
            "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
            "versions": versions(), "data": data_fingerprints(tasks), "workers": workers,
            "config": config.to_dict(), "tasks": list(tasks),
            "total_seconds": round(time.perf_counter() - start, 1), "runs": runs}


def _cost(config: StudyConfig, job: Job) -> float:
    """A rough relative cost of a job, to start the long ones first."""
    if job.task == "adding":
        return config.adding.epochs * config.adding.n_train * (job.length + 20) / 2000
    if job.task == "jazz":
        return 40.0 * config.jazz.epochs
    return 1.0 * config.emoji.epochs


def check_results(results: dict) -> dict:
    """Raise ValueError naming the first missing field or run; return ``results`` if complete."""
    for key in TOP_FIELDS:
        if key not in results:
            raise ValueError(f"results: no {key!r} field")
    for key in VERSION_FIELDS:
        if key not in results["versions"]:
            raise ValueError(f"results['versions']: no {key!r}")
    for number, run in enumerate(results["runs"]):
        missing = [f for f in RUN_FIELDS if f not in run]
        if missing:
            raise ValueError(f"results['runs'][{number}]: missing {missing}")
        if not len(run["train_loss"]) == len(run["eval"]) == len(run["seconds"]) == run["epochs"]:
            raise ValueError(f"results['runs'][{number}]: curves do not have "
                             f"{run['epochs']} epochs")
    config = config_from_dict(results["config"])
    have = {(r["task"], r["length"], r["model"], r["seed"]) for r in results["runs"]}
    for job in jobs(config, results["tasks"]):
        if (job.task, job.length, job.model, job.seed) not in have:
            raise ValueError(f"results: no run for {job}")
    return results


def config_from_dict(d: dict) -> StudyConfig:
    def tuples(cls, values):
        return cls(**{k: tuple(v) if isinstance(v, list) else v for k, v in values.items()})

    return StudyConfig(d["name"], tuple(d["seeds"]), tuples(AddingConfig, d["adding"]),
                       tuples(JazzConfig, d["jazz"]), tuples(EmojiConfig, d["emoji"]))


def save_results(results: dict, path) -> None:
    check_results(results)
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    Path(path).write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")


def load_results(path) -> dict:
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"{path}: no results file (run scripts/run_variants.py)")
    try:
        return check_results(json.loads(path.read_text(encoding="utf-8")))
    except ValueError as err:
        raise ValueError(f"{path}: {err}") from None


# ---------------------------------------------------------------- tables

def runs_frame(results: dict, task: str):
    import pandas as pd

    return pd.DataFrame([r for r in results["runs"] if r["task"] == task])


def summary(results: dict, task: str):
    """One row per (length,) model: units, parameters, score mean and std over seeds, s/epoch."""
    frame = runs_frame(results, task)
    keys = ["length", "model"] if task == "adding" else ["model"]
    order = {m: i for i, m in enumerate(getattr(config_from_dict(results["config"]), task).models)}
    table = (frame.groupby(keys, sort=False)
             .agg(units=("n_a", "first"), params=("params", "first"), seeds=("seed", "count"),
                  mean=("score", "mean"), std=("score", "std"),
                  s_per_epoch=("seconds_per_epoch", "mean"))
             .reset_index())
    table["std"] = table["std"].fillna(0.0)
    table = table.sort_values(keys, key=lambda col: col.map(order) if col.name == "model" else col)
    return table.reset_index(drop=True)


def format_summary(table, task: str, digits: int = 3):
    """``summary`` with the score written ``mean ± std`` and times rounded, for display."""
    out = table.copy()
    out[METRICS[task][0]] = [f"{m:.{digits}f} ± {s:.{digits}f}"
                             for m, s in zip(out["mean"], out["std"])]
    out["s / epoch"] = out["s_per_epoch"].round(1)
    return out.drop(columns=["mean", "std", "s_per_epoch"])


# ---------------------------------------------------------------- figures

COLOURS = {"SimpleRNN": "tab:red", "GRU": "tab:blue", "LSTM": "tab:green",
           "LSTM, forget bias 0": "tab:purple"}


def plot_length_sweep(results: dict, models=None, ax=None):
    """Adding problem: test normalised MSE (mean ± std over seeds) against sequence length."""
    import matplotlib.pyplot as plt

    table = summary(results, "adding")
    models = models or list(dict.fromkeys(table["model"]))
    missing = [m for m in models if m not in set(table["model"])]
    if missing:
        raise ValueError(f"no adding-problem runs for {missing} in these results")
    ax = ax or plt.subplots(figsize=(6, 4))[1]
    for model in models:
        rows = table[table["model"] == model]
        ax.errorbar(rows["length"], rows["mean"], yerr=rows["std"], marker="o", capsize=4,
                    label=f"{model} ({rows['params'].iloc[0]} params)", color=COLOURS.get(model))
    ax.axhline(1.0, color="grey", linestyle="--", linewidth=1, label="always answer the mean")
    ax.set_xscale("log")
    lengths = sorted(set(table["length"]))
    ax.set_xticks(lengths, [str(t) for t in lengths])
    shown = table[table["model"].isin(models)]
    ax.set_ylim(-0.05, max(1.2, float((shown["mean"] + shown["std"]).max()) + 0.05))
    ax.set_xlabel("sequence length T_x (log scale)")
    ax.set_ylabel("test MSE / Var(target)")
    ax.set_title("Adding problem: error against sequence length")
    ax.legend(fontsize=8)
    return ax


def plot_curves(results: dict, task: str, length=None, models=None, ax=None, title=None):
    """Per-epoch evaluation (mean over seeds, band = ± std) for each model of one task."""
    import matplotlib.pyplot as plt
    from matplotlib.ticker import MaxNLocator

    frame = runs_frame(results, task)
    if length is not None:
        frame = frame[frame["length"] == length]
    models = models or list(dict.fromkeys(frame["model"]))
    missing = [m for m in models if m not in set(frame["model"])]
    if frame.empty or missing:
        raise ValueError(f"no {task} runs" + (f" of length {length}" if length else "")
                         + (f" for {missing}" if missing else "") + " in these results")
    ax = ax or plt.subplots(figsize=(6, 4))[1]
    for model in models:
        curves = np.array(frame[frame["model"] == model]["eval"].tolist())
        epochs = np.arange(1, curves.shape[1] + 1)
        mean, std = curves.mean(axis=0), curves.std(axis=0)
        ax.plot(epochs, mean, marker=".", label=model, color=COLOURS.get(model))
        ax.fill_between(epochs, mean - std, mean + std, alpha=0.2, color=COLOURS.get(model))
    if task == "adding":
        ax.axhline(1.0, color="grey", linestyle="--", linewidth=1, label="always answer the mean")
        ax.set_ylim(-0.05, max(1.3, ax.get_ylim()[1]))
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel("epoch")
    ax.set_ylabel(METRICS[task][1])
    ax.set_title(title or f"{task}: learning curves" + (f", T_x = {length}" if length else ""))
    ax.legend(fontsize=8)
    return ax


def plot_scores(results: dict, task: str, ax=None):
    """Bar chart of the test score (mean, error bar = std over seeds) per model."""
    import matplotlib.pyplot as plt

    table = summary(results, task)
    ax = ax or plt.subplots(figsize=(4.5, 3.5))[1]
    bars = ax.bar(table["model"], table["mean"], yerr=table["std"], capsize=6,
                  color=[COLOURS.get(m) for m in table["model"]])
    ax.bar_label(bars, [f"{m:.3f} ± {s:.3f}" for m, s in zip(table["mean"], table["std"])],
                 label_type="center", color="white", fontsize=9)
    ax.set_ylabel(METRICS[task][0])
    ax.set_title(f"{task}: {METRICS[task][0]} ({len(results['config']['seeds'])} seeds)")
    low, high = table["mean"].min(), table["mean"].max()
    pad = max(0.05 * abs(high), (high - low) + table["std"].max() * 2)
    ax.set_ylim(max(0.0, low - pad), high + pad)
    return ax
