"""The study's settings, one dataclass per experiment, and the two configurations.

    from helpers.variants.config import FULL, TINY
    FULL.adding.lengths        # (10, 50, 100, 200)
    FULL.jazz.seeds            # (1, 2, 3): jazz runs are costly

A results file stores its configuration as a dict (``StudyConfig.to_dict``);
:func:`config_from_dict` reads it back.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

from ..i18n import N_

# task -> (name of the reported test score, name of the per-epoch validation score, lower is better)
METRICS = {
    "adding": (N_("test normalised MSE"), N_("validation normalised MSE"), True),
    "jazz": (N_("test NLL (nats per value)"), N_("validation NLL (nats per value)"), True),
    "emoji": (N_("test accuracy"), N_("validation cross-entropy"), False),
}


@dataclass(frozen=True)
class AddingConfig:
    lengths: tuple[int, ...] = (10, 50, 100, 200)
    models: tuple[str, ...] = ("SimpleRNN", "GRU", "LSTM", "LSTM, forget bias 0")
    budget: int = 1200
    n_train: int = 2000         # training sequences (one epoch: 32 updates of 64; the last has 16)
    n_val: int = 500            # validation sequences (early stopping)
    n_test: int = 1000          # test sequences (the reported score)
    max_epochs: int = 150       # 4,800 updates at most
    patience: int = 20          # stop after 20 epochs (640 updates) without improvement,
    patience_below: float = 0.5  # counted only once the validation score got below 0.5: a run
    #                              still on the "answer the mean" plateau (1.0) trains all 150
    min_delta: float = 0.002    # an improvement beats the best validation score by
    rel_delta: float = 0.02     # more than max(min_delta, rel_delta * best)
    batch_size: int = 64
    learning_rate: float = 0.01
    solved_below: float = 0.1   # a run "solves" the task if its test normalised MSE is below
    gradient_sequences: int = 64  # validation sequences the gradient norms are measured on


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
                        patience=2, batch_size=32, gradient_sequences=16),
    jazz=JazzConfig(models=("GRU",), budget=20_000, n_e=16, max_epochs=2, max_solos=20, seeds=None),
    emoji=EmojiConfig(models=("LSTM",), budget=3_000, max_epochs=6, patience=3),
    timing=TimingConfig(adding_length=10, adding_sequences=256, jazz_windows=64, rounds=2),
)
CONFIGS = {c.name: c for c in (FULL, TINY)}
TASK_CONFIGS = {"adding": AddingConfig, "jazz": JazzConfig, "emoji": EmojiConfig,
                "timing": TimingConfig}


def config_from_dict(d: dict) -> StudyConfig:
    def tuples(cls, values):
        known = {f.name for f in dataclasses.fields(cls)}
        unknown = set(values) - known
        if unknown:
            raise ValueError(f"{cls.__name__}: unknown settings {sorted(unknown)}")
        return cls(**{k: tuple(v) if isinstance(v, list) else v for k, v in values.items()})

    return StudyConfig(d["name"], tuple(d["seeds"]),
                       *(tuples(cls, d[task]) for task, cls in TASK_CONFIGS.items()))


def task_seeds(config: StudyConfig, task: str) -> tuple[int, ...]:
    """The seeds a task runs with: the study's, unless the task names its own."""
    return getattr(getattr(config, task), "seeds", None) or config.seeds


def task_config(config: StudyConfig, task: str) -> dict:
    """What a task's runs depend on: its own settings and, unless it names its own, the seeds
    (two results files can share a task's runs when this is equal)."""
    return {"seeds": list(task_seeds(config, task)), **dataclasses.asdict(getattr(config, task))}
