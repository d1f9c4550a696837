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
import time
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np

from . import models as V
from ..paths import fingerprint
from .stats import binomial_interval, bootstrap_interval, fisher_exact, permutation_test

# task -> (name of the reported test score, name of the per-epoch validation score, lower is better)
METRICS = {
    "adding": ("test normalised MSE", "validation normalised MSE", True),
    "jazz": ("test NLL (nats per value)", "validation NLL (nats per value)", True),
    "emoji": ("test accuracy", "validation cross-entropy", False),
}
STUDY_TASKS = V.TASKS + ("timing",)
RUN_FIELDS = ("task", "length", "model", "cell", "unit_forget_bias", "seed", "n_a", "params",
              "recurrent_params", "epochs", "best_epoch", "stopped", "train_loss", "eval",
              "seconds", "score", "cpu_seconds")
TIMING_FIELDS = ("bench", "model", "round", "position", "seconds", "sequences")
TOP_FIELDS = ("command", "date", "versions", "data", "workers", "config", "tasks", "total_seconds",
              "runs", "timing", "history")
VERSION_FIELDS = ("python", "numpy", "tensorflow", "keras", "machine")


@dataclass(frozen=True)
class AddingConfig:
    lengths: tuple[int, ...] = (10, 50)
    models: tuple[str, ...] = ("SimpleRNN", "GRU", "LSTM", "LSTM, forget bias 0")
    budget: int = 1200
    n_train: int = 2000         # training sequences (one epoch)
    n_val: int = 500            # validation sequences (early stopping)
    n_test: int = 1000          # test sequences (the reported score)
    max_epochs: int = 80        # 2,500 updates of 64 sequences at most
    patience: int = 10          # stop after 10 epochs (about 310 updates) without improvement,
    patience_below: float = 0.5  # counted only once the validation score got below 0.5: a run
    #                              still on the "answer the mean" plateau (1.0) trains all 80
    min_delta: float = 0.002    # an improvement beats the best validation score by
    rel_delta: float = 0.02     # more than max(min_delta, rel_delta * best)
    batch_size: int = 64
    learning_rate: float = 0.01
    solved_below: float = 0.1   # a run "solves" the task if its test normalised MSE is below


@dataclass(frozen=True)
class JazzConfig:
    models: tuple[str, ...] = ("SimpleRNN", "GRU", "LSTM")
    budget: int = 60_000
    n_e: int = 32               # size of the value embedding
    T_x: int = 32               # training window length
    stride: int = 32
    max_epochs: int = 30
    patience: int = 3
    min_delta: float = 0.002    # nats per value
    batch_size: int = 64
    learning_rate: float = 0.01
    max_solos: int | None = None  # use only the first solos of each split (reduced runs)
    seeds: tuple[int, ...] | None = (1, 2, 3)  # fewer than the study's: each run is costly


@dataclass(frozen=True)
class EmojiConfig:
    models: tuple[str, ...] = ("SimpleRNN", "GRU", "LSTM")
    budget: int = 8_000
    validation_share: float = 0.2   # of each label's training sentences, held out
    max_epochs: int = 150
    patience: int = 10
    min_delta: float = 0.001    # cross-entropy (nats)
    batch_size: int = 32
    learning_rate: float = 0.005


@dataclass(frozen=True)
class TimingConfig:
    models: tuple[str, ...] = ("SimpleRNN", "GRU", "LSTM")
    adding_length: int = 50
    adding_sequences: int = 1600   # timed: one pass over this many training sequences
    jazz_windows: int = 1600
    rounds: int = 5


@dataclass(frozen=True)
class StudyConfig:
    name: str
    seeds: tuple[int, ...] = (1, 2, 3, 4, 5)
    adding: AddingConfig = field(default_factory=AddingConfig)
    jazz: JazzConfig = field(default_factory=JazzConfig)
    emoji: EmojiConfig = field(default_factory=EmojiConfig)
    timing: TimingConfig = field(default_factory=TimingConfig)

    def to_dict(self) -> dict:
        return dataclasses.asdict(self)


FULL = StudyConfig("full")
TINY = StudyConfig(  # every variant once on the adding problem, one model per real task
    "tiny", seeds=(1,),
    adding=AddingConfig(lengths=(10,), n_train=1024, n_val=256, n_test=256, max_epochs=4,
                        patience=2, batch_size=32),
    jazz=JazzConfig(models=("GRU",), budget=20_000, n_e=16, max_epochs=2, max_solos=20, seeds=None),
    emoji=EmojiConfig(models=("LSTM",), budget=3_000, max_epochs=6, patience=3),
    timing=TimingConfig(adding_length=10, adding_sequences=256, jazz_windows=64, rounds=2),
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
    """Every (task, length, model, seed) the configuration asks for, in a fixed order
    (the timing benchmark is one job of its own, ``Job("timing", None, "", 0)``)."""
    out = []
    for task in tasks:
        if task == "timing":
            out.append(Job("timing", None, "", 0))
            continue
        cfg = getattr(config, task)
        lengths = cfg.lengths if task == "adding" else (None,)
        out += [Job(task, length, model, seed)
                for length in lengths for model in cfg.models for seed in task_seeds(config, task)]
    return out


def task_seeds(config: StudyConfig, task: str) -> tuple[int, ...]:
    """The seeds a task runs with: the study's, unless the task names its own."""
    return getattr(getattr(config, task), "seeds", None) or config.seeds


@lru_cache(maxsize=4)
def _jazz_data(max_solos):
    from ..jazz.data import load_sequences, vocab_size

    splits = {s: load_sequences(s)[:max_solos] for s in ("train", "validation", "test")}
    return splits, vocab_size()


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
def _emoji_data(share):
    from ..emojify.data import clean, load_sentences
    from ..emojify.glove import load_glove

    (x_all, y_all), (x_test, y_test) = load_sentences("train"), load_sentences("test")
    # frozen GloVe rows for every word met; the GloVe vectors do not depend on the labels
    word_index, embedding = V.sentence_vocabulary(x_all + x_test, load_glove())
    T_x = max(len(clean(s).split()) for s in x_all + x_test)  # padding is masked
    held = validation_split(y_all, share)
    encode = lambda sentences: V.encode_sentences(sentences, word_index, T_x)  # noqa: E731
    x_all = np.asarray(x_all, dtype=object)
    return (encode(list(x_all[~held])), y_all[~held], encode(list(x_all[held])), y_all[held],
            encode(x_test), y_test, embedding)


def run_job(config: StudyConfig, job: Job) -> dict:
    """Train and score one model; return its run record (the fields of ``RUN_FIELDS``)."""
    import keras

    if job.task == "timing":
        return {"timing": run_timing(config.timing, config)}
    cpu_start = time.process_time()
    keras.utils.set_random_seed(job.seed)
    variant = V.VARIANTS[job.model]
    cfg = getattr(config, job.task)
    stopping = dict(max_epochs=cfg.max_epochs, patience=cfg.patience, batch_size=cfg.batch_size,
                    learning_rate=cfg.learning_rate, min_delta=cfg.min_delta)
    if job.task == "adding":
        rng = np.random.default_rng([job.seed, job.length])
        x, y = V.adding_problem(cfg.n_train, job.length, rng)
        x_val, y_val = V.adding_problem(cfg.n_val, job.length, rng)
        x_test, y_test = V.adding_problem(cfg.n_test, job.length, rng)
        n_a = V.units_for_budget("adding", variant.cell, cfg.budget)
        n_x = 2
        model = V.build_model("adding", variant, n_a)
        curve = V.train(model, x, y, lambda mdl: V.normalised_mse(y_val, V.predict(mdl, x_val)),
                        loss="mse", rel_delta=cfg.rel_delta, patience_below=cfg.patience_below,
                        **stopping)
        score = V.normalised_mse(y_test, V.predict(model, x_test))
    elif job.task == "jazz":
        splits, n_values = _jazz_data(cfg.max_solos)
        dims = {"n_values": n_values, "n_e": cfg.n_e}
        n_a = V.units_for_budget("jazz", variant.cell, cfg.budget, **dims)
        n_x = cfg.n_e
        model = V.build_model("jazz", variant, n_a, **dims)
        X, Y, W = V.windows(splits["train"], cfg.T_x, cfg.stride)
        curve = V.train(model, X, Y, lambda mdl: V.jazz_nll(mdl, splits["validation"]),
                        loss="sparse_categorical_crossentropy", sample_weight=W, **stopping)
        score = V.jazz_nll(model, splits["test"])
    elif job.task == "emoji":
        x, y, x_val, y_val, x_test, y_test, embedding = _emoji_data(cfg.validation_share)
        n_x = embedding.shape[1]
        n_a = V.units_for_budget("emoji", variant.cell, cfg.budget, n_glove=n_x)
        model = V.build_model("emoji", variant, n_a, embedding=embedding)
        curve = V.train(model, x, y, lambda mdl: V.cross_entropy(y_val, V.predict(mdl, x_val)),
                        loss="sparse_categorical_crossentropy", **stopping)
        score = float(np.mean(np.argmax(V.predict(model, x_test), axis=1) == y_test))
    else:
        raise ValueError(f"unknown task {job.task!r}: expected one of {STUDY_TASKS}")
    return {"task": job.task, "length": job.length, "model": job.model, "cell": variant.cell,
            "unit_forget_bias": variant.unit_forget_bias if variant.cell == "LSTM" else None,
            "seed": job.seed, "n_a": n_a, "params": V.trainable_params(model),
            "recurrent_params": V.recurrent_params(variant.cell, n_a, n_x),
            "epochs": len(curve["eval"]), "best_epoch": curve["best_epoch"],
            "stopped": curve["stopped"], "train_loss": curve["train_loss"],
            "eval": curve["eval"], "seconds": curve["seconds"], "score": float(score),
            "cpu_seconds": round(time.process_time() - cpu_start, 2)}


def run_timing(cfg: TimingConfig, config: StudyConfig) -> list[dict]:
    """Time one training pass per model, interleaved: in each of ``cfg.rounds`` rounds every
    model trains once on the same sequences, in an order that rotates from round to round,
    so that a slow spell of a shared machine falls on all models alike.

    Two benches: the adding problem at ``T_x = cfg.adding_length`` and the jazz windows, each
    model with the study's parameter budget. A warm-up pass per model (graph tracing) is not
    timed. Returns one record per (bench, model, round) with the fields of ``TIMING_FIELDS``.
    """
    import keras

    keras.utils.set_random_seed(0)
    rng = np.random.default_rng(0)
    benches = {}
    x, y = V.adding_problem(cfg.adding_sequences, cfg.adding_length, rng)
    models = {}
    for name in cfg.models:
        variant = V.VARIANTS[name]
        model = V.build_model("adding", variant,
                              V.units_for_budget("adding", variant.cell, config.adding.budget))
        model.compile(optimizer=keras.optimizers.Adam(config.adding.learning_rate), loss="mse")
        models[name] = model
    benches[f"adding, T_x = {cfg.adding_length}"] = (models, x, y, None, config.adding.batch_size)
    splits, n_values = _jazz_data(config.jazz.max_solos)
    X, Y, W = V.windows(splits["train"], config.jazz.T_x, config.jazz.stride)
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


# ---------------------------------------------------------------- the whole study

def init_worker() -> None:
    """For a pool's worker processes: one thread each, deterministic ops, no progress output."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")  # no C++ start-up or graph messages
    import keras
    import tensorflow as tf

    tf.get_logger().setLevel("ERROR")  # per-epoch fit() calls retrace; that is expected here

    try:
        tf.config.threading.set_intra_op_parallelism_threads(1)
        tf.config.threading.set_inter_op_parallelism_threads(1)
    except RuntimeError:  # TensorFlow already started in this process: keep its threads
        pass
    tf.config.experimental.enable_op_determinism()
    keras.utils.disable_interactive_logging()


DATA_FILES = {"jazz": ("jazz/solos.parquet", "jazz/solos_meta.parquet", "jazz/values.json"),
              "emoji": ("emoji/train.csv", "emoji/test.csv"),
              "timing": ("jazz/solos.parquet", "jazz/solos_meta.parquet", "jazz/values.json")}


def data_files(tasks) -> list[str]:
    """The files under data/ that the tasks read, each once."""
    return list(dict.fromkeys(name for task in tasks for name in DATA_FILES.get(task, ())))


def data_fingerprints(tasks, root=None) -> dict:
    """``{file under data/: fingerprint}`` for the data the tasks read (``root`` stands for
    ``data/``, e.g. a copy in a temporary folder)."""
    from ..paths import DATA

    root = Path(DATA if root is None else root)
    return {name: fingerprint(root / name) for name in data_files(tasks)}


def stale_data(results: dict, root=None) -> list[str]:
    """One line per data file that changed, is missing, or has no stored fingerprint since
    ``results`` were computed, naming the tasks to re-run; empty when the results are fresh."""
    from ..paths import DATA

    root = Path(DATA if root is None else root)
    problems = []
    for name in data_files(results["tasks"]):
        tasks = [t for t in results["tasks"] if name in DATA_FILES.get(t, ())]
        rerun = f"re-run python scripts/run_variants.py --tasks {' '.join(tasks)}"
        stored = results["data"].get(name)
        if stored is None:
            problems.append(f"{name}: no fingerprint stored in the results; {rerun}")
        elif not (root / name).is_file():
            problems.append(f"{name}: missing, but the stored results were computed from it")
        elif fingerprint(root / name) != stored:
            problems.append(f"{name} changed since the study ran (stored {stored}, now "
                            f"{fingerprint(root / name)}); {rerun}")
    return problems


def versions() -> dict:
    import keras
    import tensorflow as tf

    return {"python": platform.python_version(), "numpy": np.__version__,
            "tensorflow": tf.__version__, "keras": keras.__version__,
            "machine": f"{platform.machine()}, {platform.system()}, {os.cpu_count()} CPUs"}


def _job_key(job: Job) -> list:
    return [job.task, job.length, job.model, job.seed]


def _load_checkpoint(path, config: StudyConfig) -> dict:
    """Finished records of an interrupted run of the same configuration, by job key."""
    if path is None or not Path(path).is_file():
        return {}
    wanted = json.dumps(config.to_dict(), sort_keys=True)
    done = {}
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        try:
            entry = json.loads(line)
        except json.JSONDecodeError:  # a line cut short when the run was stopped
            continue
        if json.dumps(entry.get("config"), sort_keys=True) == wanted:
            done[tuple(entry["job"])] = entry["record"]
    return done


def run_study(config: StudyConfig, tasks=STUDY_TASKS, command: str = "", log=None, executor=None,
              workers: int = 1, checkpoint=None) -> dict:
    """Run every job of ``config`` (restricted to ``tasks``) and return the results dict.

    ``executor`` (a ``concurrent.futures`` pool) spreads the jobs over processes, longest
    first; without one they run here, in order (``workers`` records how many ran at once).
    ``log(text)`` hears about each finished run. With a ``checkpoint`` file, every finished
    record is appended to it, and records already there for the same configuration are
    reused instead of run again (so an interrupted study resumes where it stopped).
    """
    from concurrent.futures import as_completed

    tasks = tuple(t for t in STUDY_TASKS if t in tasks)
    todo = jobs(config, tasks)
    start = time.perf_counter()
    runs, timing = [], []
    finished = _load_checkpoint(checkpoint, config)
    reused = 0

    def save(job, record):
        if checkpoint is not None:
            Path(checkpoint).parent.mkdir(parents=True, exist_ok=True)
            path = Path(checkpoint)
            cut = path.is_file() and path.stat().st_size and not path.read_bytes().endswith(b"\n")
            with open(path, "a", encoding="utf-8") as fh:  # after a line cut short: a new line
                fh.write(("\n" if cut else "") + json.dumps(
                    {"config": config.to_dict(), "job": _job_key(job), "record": record}) + "\n")

    def done(record):
        if "timing" in record:
            timing.extend(record["timing"])
            runs_done = len(runs) + 1
            text = f"timing benchmark: {len(record['timing'])} timed passes"
        else:
            runs.append(record)
            runs_done = len(runs) + (1 if timing else 0)
            where = f" T_x={record['length']}" if record["length"] else ""
            text = (f"{record['task']}{where} {record['model']} seed {record['seed']}: score "
                    f"{record['score']:.4f} after {record['epochs']} epochs ({record['stopped']})")
        if log:
            log(f"[{runs_done}/{len(todo)}] {text}, {time.perf_counter() - start:.0f} s so far")

    left = []
    for job in todo:
        if tuple(_job_key(job)) in finished:
            done(finished[tuple(_job_key(job))])
            reused += 1
        else:
            left.append(job)
    if executor is None:
        for job in left:
            record = run_job(config, job)
            save(job, record)
            done(record)
    else:
        futures = {executor.submit(run_job, config, job): job
                   for job in sorted(left, key=lambda j: -_cost(config, j))}
        for future in as_completed(futures):
            save(futures[future], future.result())
            done(future.result())
    order = {(j.task, j.length, j.model, j.seed): i for i, j in enumerate(todo)}
    runs.sort(key=lambda r: order[(r["task"], r["length"], r["model"], r["seed"])])
    date = datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")
    total = round(time.perf_counter() - start, 1)
    return {"command": command, "date": date, "versions": versions(),
            "data": data_fingerprints(tasks), "workers": workers, "config": config.to_dict(),
            "tasks": list(tasks), "total_seconds": total, "runs": runs, "timing": timing,
            "history": [{"command": command, "date": date, "tasks": list(tasks),
                         "workers": workers, "total_seconds": total,
                         "cpu_seconds": round(sum(r["cpu_seconds"] for r in runs), 1),
                         "resumed_runs": reused}]}


def merge_results(old: dict, new: dict) -> dict:
    """``old`` with the tasks of ``new`` replaced by ``new``'s runs (a partial re-run, e.g.
    ``--tasks emoji`` after the emoji data changed). Both must use the same configuration."""
    if config_from_dict(old["config"]) != config_from_dict(new["config"]):
        raise ValueError(f"the stored results use the {old['config']['name']!r} configuration as "
                         f"it was then; re-run every task instead of merging")
    tasks = [t for t in STUDY_TASKS if t in old["tasks"] or t in new["tasks"]]
    runs = [r for r in old["runs"] if r["task"] not in new["tasks"]] + new["runs"]
    order = {(j.task, j.length, j.model, j.seed): i
             for i, j in enumerate(jobs(config_from_dict(new["config"]), tasks))}
    runs.sort(key=lambda r: order[(r["task"], r["length"], r["model"], r["seed"])])
    merged = {**new, "tasks": tasks, "runs": runs,
              "data": {**old["data"], **new["data"]},
              "timing": new["timing"] if "timing" in new["tasks"] else old["timing"],
              "history": old["history"] + new["history"]}
    return check_results(merged)


def _cost(config: StudyConfig, job: Job) -> float:
    """A rough relative cost of a job, to start the long ones first."""
    if job.task == "adding":
        return config.adding.n_train * (job.length + 20) / 60
    if job.task == "jazz":
        return 800.0
    if job.task == "timing":
        return 10_000.0
    return 30.0


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
        if not 1 <= run["best_epoch"] <= run["epochs"]:
            raise ValueError(f"results['runs'][{number}]: best_epoch {run['best_epoch']} is not "
                             f"one of its {run['epochs']} epochs")
    for number, record in enumerate(results["timing"]):
        missing = [f for f in TIMING_FIELDS if f not in record]
        if missing:
            raise ValueError(f"results['timing'][{number}]: missing {missing}")
    if "timing" in results["tasks"] and not results["timing"]:
        raise ValueError("results: the timing task ran but no timing records are stored")
    config = config_from_dict(results["config"])
    have = {(r["task"], r["length"], r["model"], r["seed"]) for r in results["runs"]}
    for job in jobs(config, [t for t in results["tasks"] if t != "timing"]):
        if (job.task, job.length, job.model, job.seed) not in have:
            raise ValueError(f"results: no run for {job}")
    return results


def config_from_dict(d: dict) -> StudyConfig:
    def tuples(cls, values):
        return cls(**{k: tuple(v) if isinstance(v, list) else v for k, v in values.items()})

    return StudyConfig(d["name"], tuple(d["seeds"]), tuples(AddingConfig, d["adding"]),
                       tuples(JazzConfig, d["jazz"]), tuples(EmojiConfig, d["emoji"]),
                       tuples(TimingConfig, d["timing"]))


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
    except (ValueError, KeyError, TypeError) as err:
        raise ValueError(f"{path}: {err}") from None


# ---------------------------------------------------------------- tables

def runs_frame(results: dict, task: str, length=None):
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


def solved(results: dict, model: str, length: int) -> tuple[int, int]:
    """``(k, n)``: k of the n seeds of ``model`` solved the adding problem at ``length``
    (test normalised MSE below the configuration's ``solved_below``)."""
    values = scores(results, "adding", model, length)
    return int((values < results["config"]["adding"]["solved_below"]).sum()), len(values)


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


def format_summary(table, task: str, digits: int = 3):
    """``summary`` written for display: ``mean ± std``, "k of n" with its interval, epochs."""
    out = table.copy()
    if task == "adding":
        out["solved"] = [f"{k} of {n}  [{lo:.2f}, {hi:.2f}]" for k, n, lo, hi in
                         zip(out["solved"], out["seeds"], out["solved_low"], out["solved_high"])]
    out[METRICS[task][0]] = [f"{m:.{digits}f} ± {s:.{digits}f}"
                             for m, s in zip(out["mean"], out["std"])]
    out["epochs"] = [f"{a}-{b}" for a, b in zip(out["min_epochs"], out["max_epochs"])]
    out = out.rename(columns={"recurrent": "recurrent params", "params": "model params",
                              "at_max": "hit max"})
    return out.drop(columns=[c for c in ("mean", "std", "min_epochs", "max_epochs", "seeds",
                                         "solved_low", "solved_high") if c in out])


def plateau_exit(run: dict, level: float = 0.5):
    """The first epoch whose validation normalised MSE fell below ``level`` (the model then
    uses more than the recent marked value), or None if it never did before training stopped."""
    return next((epoch for epoch, value in enumerate(run["eval"], start=1) if value < level), None)


def plateau_exits(results: dict, level: float = 0.5):
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


def stopped_on_the_plateau(results: dict, level: float = 0.5) -> list[dict]:
    """Adding runs that left the plateau, but that the same patience counted from the first
    epoch (no ``patience_below``) would have stopped before they did: one row per such run
    with its ``length``, ``model``, ``seed``, the epoch that rule stops it (``stop``) and the
    epoch it left the plateau (``exit``, :func:`plateau_exit`)."""
    cfg = config_from_dict(results["config"]).adding
    rows = []
    for run in (r for r in results["runs"] if r["task"] == "adding"):
        exit_epoch = plateau_exit(run, level)
        if exit_epoch is None:
            continue
        stop = V.stop_epoch(run["eval"], cfg.patience, cfg.min_delta, cfg.rel_delta)
        if stop is not None and stop < exit_epoch:
            rows.append({"length": run["length"], "model": run["model"], "seed": run["seed"],
                         "stop": stop, "exit": exit_epoch})
    return rows


def compare_solved(results: dict, length: int, a: str, b: str) -> dict:
    """Fisher's exact test of "k of n solved" for models ``a`` and ``b`` at one length."""
    (ka, na), (kb, nb) = solved(results, a, length), solved(results, b, length)
    return {"length": length, "a": a, "b": b, "solved_a": ka, "n_a": na, "solved_b": kb,
            "n_b": nb, **fisher_exact(ka, na, kb, nb)}


def compare_scores(results: dict, task: str, a: str, b: str, length=None) -> dict:
    """Mean test score of ``a`` minus ``b`` with a 95 % bootstrap interval and the exact
    permutation p (two-sided) over seeds."""
    sa, sb = scores(results, task, a, length), scores(results, task, b, length)
    low, high = bootstrap_interval(sa, sb)
    return {"a": a, "b": b, "difference": float(sa.mean() - sb.mean()), "low": low,
            "high": high, "p": permutation_test(sa, sb)}


def timing_summary(results: dict):
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
    import math

    if n == 0:
        return 1.0
    tail = sum(math.comb(n, j) for j in range(0, min(k, n - k) + 1)) / 2 ** n
    return min(1.0, 2 * tail)


def format_timing(table):
    out = table[["bench", "model", "rounds"]].copy()
    out["s per 1000 sequences: median [min, max]"] = [
        f"{m:.2f} [{lo:.2f}, {hi:.2f}]" for m, lo, hi in zip(table["median"], table["min"], table["max"])]
    out["÷ SimpleRNN, same round: median [min, max]"] = [
        f"{m:.2f} [{lo:.2f}, {hi:.2f}]" for m, lo, hi in
        zip(table["ratio"], table["ratio_min"], table["ratio_max"])]
    out["slower in"] = [f"{k} of {n}" if model != "SimpleRNN" else "" for k, n, model in
                        zip(table["slower_rounds"], table["rounds"], table["model"])]
    out["sign test"] = [f"p = {p:.3f}" if model != "SimpleRNN" else "" for p, model in
                        zip(table["sign_p"], table["model"])]
    return out


# ---------------------------------------------------------------- figures

COLOURS = {"SimpleRNN": "tab:red", "GRU": "tab:blue", "LSTM": "tab:green",
           "LSTM, forget bias 0": "tab:purple"}


def plot_solved(results: dict, models=None, ax=None):
    """Adding problem: share of seeds that solved each length, with exact 95 % intervals."""
    import matplotlib.pyplot as plt

    table = summary(results, "adding")
    models = models or list(dict.fromkeys(table["model"]))
    missing = [m for m in models if m not in set(table["model"])]
    if missing:
        raise ValueError(f"no adding-problem runs for {missing} in these results")
    ax = ax or plt.subplots(figsize=(6, 4))[1]
    lengths = sorted(set(table["length"]))
    width = 0.8 / len(models)
    for i, model in enumerate(models):
        rows = table[table["model"] == model].set_index("length").loc[lengths]
        share = rows["solved"] / rows["seeds"]
        xs = np.arange(len(lengths)) + (i - (len(models) - 1) / 2) * width
        ax.bar(xs, share, width * 0.9, color=COLOURS.get(model), alpha=0.8,
               label=f"{model} ({rows['params'].iloc[0]} params)")
        ax.errorbar(xs, share, yerr=[share - rows["solved_low"], rows["solved_high"] - share],
                    fmt="none", ecolor="black", capsize=3, linewidth=1)
    ax.set_xticks(np.arange(len(lengths)), [f"T_x = {t}" for t in lengths])
    ax.set_ylim(0, 1.05)
    ax.set_ylabel(f"share of seeds solved (test MSE / Var < "
                  f"{results['config']['adding']['solved_below']})")
    ax.set_title(f"Adding problem: seeds solved of {int(table['seeds'].max())}, "
                 "exact 95 % intervals")
    ax.legend(fontsize=8)
    return ax


def plot_seed_scores(results: dict, models=None, ax=None):
    """Adding problem: every seed's test normalised MSE, per length and model (linear axis
    from 0, so the all-or-nothing outcome shows)."""
    import matplotlib.pyplot as plt

    frame = runs_frame(results, "adding")
    models = models or list(dict.fromkeys(frame["model"]))
    ax = ax or plt.subplots(figsize=(6, 4))[1]
    lengths = sorted(set(frame["length"]))
    width = 0.8 / len(models)
    for i, model in enumerate(models):
        for j, length in enumerate(lengths):
            values = frame[(frame["model"] == model) & (frame["length"] == length)]["score"]
            xs = j + (i - (len(models) - 1) / 2) * width + np.linspace(-0.2, 0.2, len(values)) * width
            ax.scatter(xs, values, s=14, color=COLOURS.get(model),
                       label=model if j == 0 else None)
    ax.axhline(1.0, color="grey", linestyle="--", linewidth=1, label="always answer the mean")
    ax.axhline(results["config"]["adding"]["solved_below"], color="black", linestyle=":",
               linewidth=1, label="solved below this line")
    ax.set_xticks(np.arange(len(lengths)), [f"T_x = {t}" for t in lengths])
    ax.set_ylim(0, max(1.2, float(frame["score"].max()) + 0.05))
    ax.set_ylabel("test MSE / Var(target), one dot per seed")
    ax.set_title("Adding problem: every seed")
    ax.legend(fontsize=8)
    return ax


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
        ax.axhline(1.0, color="grey", linestyle="--", linewidth=1, label="always answer the mean")
    if ylim is not None:
        ax.set_ylim(*ylim)
    else:
        ax.set_ylim(0, None)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel("epoch")
    ax.set_ylabel(METRICS[task][1])
    ax.set_title(title or f"{task}: validation curves" + (f", T_x = {length}" if length else ""))
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
    ax.set_ylabel(METRICS[task][0])
    ax.set_title(f"{task}: {METRICS[task][0]} ({int(table['seeds'].max())} seeds)")
    return ax


def plot_differences(comparisons: list[dict], ax=None, xlabel="difference of means"):
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
    ax.set_xlabel(xlabel)
    return ax
