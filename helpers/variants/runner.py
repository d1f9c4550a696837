"""The shared runner of the variants study: its jobs, one run per (task, length, model, seed),
the whole study (in worker processes, resumable, with a time limit), and the results file.

    from helpers.variants.config import TINY
    from helpers.variants.runner import run_study, load_results
    results = run_study(TINY, adding_problem=adding_problem)   # a few seconds per task
    results = load_results("results/variants.json")  # what scripts/run_variants.py stored

A results dict holds ``command``, ``date``, ``versions``, ``data`` (fingerprints of the data
files read), ``config`` (the configuration, as a dict), ``tasks``, ``total_seconds``, ``runs``
(one record per run with the fields of ``RUN_FIELDS``, and ``adding.FIELDS`` on the adding
problem), ``timing``, ``not_run`` (the jobs of the configuration that the time limit left
out, with the reason) and ``history`` (every command that wrote it).
"""
from __future__ import annotations

import json
import os
import platform
import time
from dataclasses import dataclass
from pathlib import Path

from . import adding, emoji, jazz, timing
from . import models as V
from ..paths import fingerprint
from .config import StudyConfig, config_from_dict, task_config, task_seeds

STUDY_TASKS = V.TASKS + ("timing",)
RUN_FIELDS = ("task", "length", "model", "cell", "unit_forget_bias", "seed", "n_a", "params",
              "recurrent_params", "epochs", "best_epoch", "stopped", "train_loss", "eval",
              "seconds", "score", "cpu_seconds")
TOP_FIELDS = ("command", "date", "versions", "data", "workers", "config", "tasks", "total_seconds",
              "runs", "timing", "history")
VERSION_FIELDS = ("python", "numpy", "tensorflow", "keras", "machine")


@dataclass(frozen=True)
class Job:
    task: str
    length: int | None  # T_x of the adding problem; None for jazz and emoji
    model: str
    seed: int

    def key(self) -> tuple:
        return (self.task, self.length, self.model, self.seed)


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


def priority(config: StudyConfig, job: Job) -> tuple:
    """The order jobs start in, so that a study cut short by its time limit leaves balanced
    results: the two shortest adding lengths with all their seeds first, then the longer
    lengths one seed at a time (every model of seed 1, then of seed 2, ...; the forget-bias
    ablation after the three cells), then the other tasks; within that, the costliest first."""
    if job.task == "adding":
        short = job.length in sorted(config.adding.lengths)[:2]
        seeds = task_seeds(config, "adding")
        ablation = job.model not in V.CELLS
        return (0, 0, 0, 0, -_cost(config, job)) if short else (
            0, 1, ablation, seeds.index(job.seed), -_cost(config, job))
    return (1, 0, 0, 0, -_cost(config, job))


def _cost(config: StudyConfig, job: Job) -> float:
    """A rough relative cost of a job, to start the long ones first."""
    if job.task == "adding":
        return config.adding.n_train * (job.length + 20) / 60
    if job.task == "jazz":
        return 800.0
    if job.task == "timing":
        return 10_000.0
    return 30.0


def run_job(config: StudyConfig, job: Job, adding_problem) -> dict:
    """Train and score one model; return its run record (the fields of ``RUN_FIELDS``).
    ``adding_problem(m, T_x, rng)`` makes the adding problem's sequences."""
    import keras

    if job.task == "timing":
        return {"timing": timing.run(config.timing, config, adding_problem)}
    cpu_start = time.process_time()
    keras.utils.set_random_seed(job.seed)
    variant = V.VARIANTS[job.model]
    if job.task == "adding":
        out = adding.run(config.adding, job.length, variant, job.seed, adding_problem)
    elif job.task == "jazz":
        out = jazz.run(config.jazz, variant)
    elif job.task == "emoji":
        out = emoji.run(config.emoji, variant)
    else:
        raise ValueError(f"unknown task {job.task!r}: expected one of {STUDY_TASKS}")
    curve = out["curve"]
    extra = {name: out[name] for name in adding.FIELDS if name in out}
    return {"task": job.task, "length": job.length, "model": job.model, "cell": variant.cell,
            "unit_forget_bias": variant.unit_forget_bias if variant.cell == "LSTM" else None,
            "seed": job.seed, "n_a": out["n_a"], "params": V.trainable_params(out["model"]),
            "recurrent_params": V.recurrent_params(variant.cell, out["n_a"], out["n_x"]),
            "epochs": len(curve["eval"]), "best_epoch": curve["best_epoch"],
            "stopped": curve["stopped"], "train_loss": curve["train_loss"],
            "eval": curve["eval"], "seconds": curve["seconds"], "score": float(out["score"]),
            "cpu_seconds": round(time.process_time() - cpu_start, 2), **extra}


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
    import numpy as np
    import tensorflow as tf

    return {"python": platform.python_version(), "numpy": np.__version__,
            "tensorflow": tf.__version__, "keras": keras.__version__,
            "machine": f"{platform.machine()}, {platform.system()}, {os.cpu_count()} CPUs"}


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


def run_study(config: StudyConfig, adding_problem, tasks=STUDY_TASKS, command: str = "",
              log=None, executor=None, workers: int = 1, checkpoint=None,
              time_limit: float | None = None) -> dict:
    """Run every job of ``config`` (restricted to ``tasks``) and return the results dict.

    ``executor`` (a ``concurrent.futures`` pool of ``workers`` processes) spreads the jobs
    over processes, in the order of :func:`priority`; without one they run here, one after
    the other. ``log(text)`` hears about each finished run. With a ``checkpoint`` file, every
    finished record is appended to it, and records already there for the same configuration
    are reused instead of run again (so an interrupted study resumes where it stopped). With
    a ``time_limit`` (seconds), no job starts once that much time has passed: the jobs left
    are listed in the results' ``not_run``, with the reason.
    """
    from concurrent.futures import FIRST_COMPLETED, wait

    tasks = tuple(t for t in STUDY_TASKS if t in tasks)
    todo = jobs(config, tasks)
    start = time.perf_counter()
    runs, timing_records = [], []
    finished = _load_checkpoint(checkpoint, config)
    reused = 0

    def save(job, record):
        if checkpoint is not None:
            Path(checkpoint).parent.mkdir(parents=True, exist_ok=True)
            path = Path(checkpoint)
            cut = path.is_file() and path.stat().st_size and not path.read_bytes().endswith(b"\n")
            with open(path, "a", encoding="utf-8") as fh:  # after a line cut short: a new line
                fh.write(("\n" if cut else "") + json.dumps(
                    {"config": config.to_dict(), "job": list(job.key()), "record": record}) + "\n")

    def done(record):
        if "timing" in record:
            timing_records.extend(record["timing"])
            text = f"timing benchmark: {len(record['timing'])} timed passes"
        else:
            runs.append(record)
            where = f" T_x={record['length']}" if record["length"] else ""
            text = (f"{record['task']}{where} {record['model']} seed {record['seed']}: score "
                    f"{record['score']:.4f} after {record['epochs']} epochs ({record['stopped']})")
        if log:
            count = len(runs) + (1 if timing_records else 0)
            log(f"[{count}/{len(todo)}] {text}, {time.perf_counter() - start:.0f} s so far")

    def time_left() -> bool:
        return time_limit is None or time.perf_counter() - start < time_limit

    left = []
    for job in todo:
        if job.key() in finished:
            done(finished[job.key()])
            reused += 1
        else:
            left.append(job)
    left.sort(key=lambda j: priority(config, j))
    if executor is None:
        while left and time_left():
            job = left.pop(0)
            record = run_job(config, job, adding_problem)
            save(job, record)
            done(record)
    else:
        running = {}
        while left or running:
            while left and len(running) < workers and time_left():
                job = left.pop(0)
                running[executor.submit(run_job, config, job, adding_problem)] = job
            if not running:
                break
            finished_now, _ = wait(running, return_when=FIRST_COMPLETED)
            for future in finished_now:
                job = running.pop(future)
                save(job, future.result())
                done(future.result())
    order = {j.key(): i for i, j in enumerate(todo)}
    runs.sort(key=lambda r: order[(r["task"], r["length"], r["model"], r["seed"])])
    total = round(time.perf_counter() - start, 1)
    not_run = [{"job": list(j.key()), "reason": f"not started within the time limit of "
                f"{time_limit / 60:.0f} min"} for j in sorted(left, key=lambda j: order[j.key()])]
    import datetime

    date = datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")
    return {"command": command, "date": date, "versions": versions(),
            "data": data_fingerprints(tasks), "workers": workers, "config": config.to_dict(),
            "tasks": list(tasks), "total_seconds": total, "runs": runs, "timing": timing_records,
            "not_run": not_run,
            "history": [{"command": command, "date": date, "tasks": list(tasks),
                         "workers": workers, "total_seconds": total,
                         "cpu_seconds": round(sum(r["cpu_seconds"] for r in runs), 1),
                         "resumed_runs": reused, "not_run": len(not_run)}]}


def merge_results(old: dict, new: dict) -> dict:
    """``old`` with the tasks of ``new`` replaced by ``new``'s runs (a partial re-run, e.g.
    ``--tasks emoji`` after the emoji data changed, or ``--tasks adding`` after the adding
    problem's settings changed). Every task kept from ``old`` must have the same settings in
    both (``config.task_config``); the merged file carries ``new``'s configuration."""
    old_config, new_config = config_from_dict(old["config"]), config_from_dict(new["config"])
    for task in old["tasks"]:
        if task in new["tasks"]:
            continue
        if task_config(old_config, task) != task_config(new_config, task):
            raise ValueError(f"the stored {task!r} runs used other settings than the "
                             f"{new['config']['name']!r} configuration has now; re-run "
                             f"--tasks {task} as well")
    tasks = [t for t in STUDY_TASKS if t in old["tasks"] or t in new["tasks"]]
    runs = [r for r in old["runs"] if r["task"] not in new["tasks"]] + new["runs"]
    order = {j.key(): i for i, j in enumerate(jobs(new_config, tasks))}
    runs.sort(key=lambda r: order[(r["task"], r["length"], r["model"], r["seed"])])
    kept_not_run = [e for e in old.get("not_run", []) if e["job"][0] not in new["tasks"]]
    merged = {**new, "tasks": tasks, "runs": runs,
              "data": {**old["data"], **new["data"]},
              "timing": new["timing"] if "timing" in new["tasks"] else old["timing"],
              "not_run": kept_not_run + new.get("not_run", []),
              "history": old["history"] + new["history"]}
    return check_results(merged)


def check_results(results: dict) -> dict:
    """Raise ValueError naming the first missing field or run; return ``results`` if every
    job of its configuration either ran or is listed in ``not_run``."""
    for key in TOP_FIELDS:
        if key not in results:
            raise ValueError(f"results: no {key!r} field")
    for key in VERSION_FIELDS:
        if key not in results["versions"]:
            raise ValueError(f"results['versions']: no {key!r}")
    for number, run in enumerate(results["runs"]):
        fields = RUN_FIELDS + (adding.FIELDS if run.get("task") == "adding" else ())
        missing = [f for f in fields if f not in run]
        if missing:
            raise ValueError(f"results['runs'][{number}]: missing {missing}")
        if not len(run["train_loss"]) == len(run["eval"]) == len(run["seconds"]) == run["epochs"]:
            raise ValueError(f"results['runs'][{number}]: curves do not have "
                             f"{run['epochs']} epochs")
        if run["task"] == "adding" and not (len(run["gradient_early"]) == run["epochs"]
                                            and len(run["gradient_start"]) == run["length"]):
            raise ValueError(f"results['runs'][{number}]: gradients do not cover "
                             f"{run['epochs']} epochs and {run['length']} steps")
        if not 1 <= run["best_epoch"] <= run["epochs"]:
            raise ValueError(f"results['runs'][{number}]: best_epoch {run['best_epoch']} is not "
                             f"one of its {run['epochs']} epochs")
    for number, record in enumerate(results["timing"]):
        missing = [f for f in timing.FIELDS if f not in record]
        if missing:
            raise ValueError(f"results['timing'][{number}]: missing {missing}")
    not_run = {tuple(e["job"]) for e in results.get("not_run", [])}
    if "timing" in results["tasks"] and not results["timing"] and \
            ("timing", None, "", 0) not in not_run:
        raise ValueError("results: the timing task ran but no timing records are stored")
    config = config_from_dict(results["config"])
    have = {(r["task"], r["length"], r["model"], r["seed"]) for r in results["runs"]}
    for job in jobs(config, [t for t in results["tasks"] if t != "timing"]):
        if job.key() not in have and job.key() not in not_run:
            raise ValueError(f"results: no run for {job}, and it is not listed as not run")
    return results


def save_results(results: dict, path) -> None:
    check_results(results)
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    Path(path).write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")


def load_results(path) -> dict:
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"{path}: no results file")
    try:
        return check_results(json.loads(path.read_text(encoding="utf-8")))
    except (ValueError, KeyError, TypeError) as err:
        raise ValueError(f"{path}: {err}") from None
