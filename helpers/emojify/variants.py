"""Section 5 of notebook 3: Emojifier-V2 with an LSTM, a GRU or a bidirectional LSTM.

Each kind of recurrent layer is trained with 64 units and several seeds, and the LSTM also with
Emojifier-V2's 128 units (``"LSTM-128"``): twelve trainings of 25 epochs, about five minutes on
two cores: more than a notebook replay should wait. So
``scripts/run_emojify_variants.py`` trains them and stores every model's test predictions in
``results/emojify_variants.json``, and the notebook reads that file::

    from helpers.emojify.variants import load_variants, accuracies
    stored = load_variants()                        # checked against data/ and FULL
    accuracies(stored, "GRU", Y_test)               # one test accuracy per seed, (n_seeds,)

The script builds the models from the notebook's own ``sentences_to_indices`` and
``pretrained_embedding_layer`` (their generated copies in ``helpers/instructor/graded/``), so
there is no second version of graded code here; :func:`run_variants` takes them as arguments.
"""
from __future__ import annotations

import dataclasses
import datetime
import json
import platform
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..paths import DATA, ROOT, fingerprint

KINDS = ("LSTM", "GRU", "BiLSTM")
RESULTS = ROOT / "results" / "emojify_variants.json"
DATA_FILES = ("emoji/train.csv", "emoji/test.csv")
COMMAND = "python scripts/run_emojify_variants.py"


@dataclass(frozen=True)
class VariantsConfig:
    kinds: tuple[str, ...] = KINDS
    seeds: tuple[int, ...] = (1, 2, 3)
    units: int = 64            # per recurrent layer; the BiLSTM has units // 2 per direction
    wide: tuple[str, ...] = ("LSTM",)  # kinds also trained with wide_units, stored as "LSTM-128"
    wide_units: int = 128      # Emojifier-V2's units: what halving them costs, over the same seeds
    epochs: int = 25           # as Emojifier-V2 in section 3
    batch_size: int = 32
    learning_rate: float = 0.003

    def to_dict(self) -> dict:
        return dataclasses.asdict(self)

    def runs(self) -> list[tuple[str, str, int]]:
        """``(name, kind, units)`` of every model trained (with each seed)."""
        return ([(kind, kind, self.units) for kind in self.kinds]
                + [(f"{kind}-{self.wide_units}", kind, self.wide_units) for kind in self.wide])

    def names(self) -> list[str]:
        """The keys of the stored ``predictions``: the kinds, then e.g. ``"LSTM-128"``."""
        return [name for name, _, _ in self.runs()]


FULL = VariantsConfig()


def recurrent_block(kind: str, units: int, return_sequences: bool):
    """One recurrent layer of ``units`` outputs: ``LSTM``, ``GRU`` or ``BiLSTM`` (two LSTMs of
    ``units // 2``, one reading each way, their states concatenated)."""
    from keras.layers import GRU, LSTM, Bidirectional

    if kind == "LSTM":
        return LSTM(units, return_sequences=return_sequences)
    if kind == "GRU":
        return GRU(units, return_sequences=return_sequences)
    if kind == "BiLSTM":
        return Bidirectional(LSTM(units // 2, return_sequences=return_sequences))
    raise ValueError(f"unknown recurrent layer {kind!r}: expected one of {', '.join(KINDS)}")


def emojify_variant(kind: str, embedding_layer, max_len: int, units: int):
    """Emojifier-V2's architecture with ``kind`` recurrent layers: indices (m, max_len) ->
    embedding -> recurrent (sequences) -> dropout -> recurrent (last state) -> dropout ->
    dense softmax over the 5 classes, (m, 5)."""
    from keras import Model
    from keras.layers import Activation, Dense, Dropout, Input

    sentence_indices = Input(shape=(max_len,), dtype="int32")
    X = embedding_layer(sentence_indices)
    X = recurrent_block(kind, units, return_sequences=True)(X)
    X = Dropout(0.5)(X)
    X = recurrent_block(kind, units, return_sequences=False)(X)
    X = Dropout(0.5)(X)
    X = Activation("softmax")(Dense(5)(X))
    return Model(sentence_indices, X)


def train_variant(kind: str, units: int, seed: int, config: VariantsConfig, embedding_layer,
                  max_len: int, X_train_indices, Y_train, X_test_indices) -> tuple[np.ndarray, int]:
    """Train one variant with ``units`` per layer from seed ``seed``; return its test predictions
    (m_test,) and its number of trainable weights."""
    import keras

    keras.utils.set_random_seed(seed)
    net = emojify_variant(kind, embedding_layer, max_len, units)
    net.compile(loss="sparse_categorical_crossentropy",
                optimizer=keras.optimizers.Adam(config.learning_rate), metrics=["accuracy"])
    net.fit(X_train_indices, Y_train, epochs=config.epochs, batch_size=config.batch_size,
            shuffle=True, verbose=0)
    probs = keras.ops.convert_to_numpy(net(X_test_indices, training=False))
    trainable = sum(int(np.prod(w.shape)) for w in net.trainable_weights)
    return np.argmax(probs, axis=1), trainable


def data_fingerprints(root=None) -> dict:
    """``{file under data/: fingerprint}`` of the sentences the variants are trained on."""
    root = Path(DATA if root is None else root)
    return {name: fingerprint(root / name) for name in DATA_FILES}


def run_variants(config: VariantsConfig, sentences_to_indices, pretrained_embedding_layer,
                 log=None) -> dict:
    """Train every (kind, seed) of ``config`` and return the results dict: ``command``,
    ``date``, ``versions``, ``data`` (fingerprints), ``config``, ``max_len``, ``seconds``,
    ``trainable`` (name -> weights), ``predictions`` (name -> seed -> list of test labels), where
    the names are ``config.names()``."""
    import keras
    import tensorflow as tf

    from .data import load_sentences
    from .glove import load_glove

    start = time.perf_counter()
    X_train, Y_train = load_sentences("train")
    X_test, Y_test = load_sentences("test")
    max_len = max(len(s.split()) for s in X_train)  # from the training sentences, as notebook 3
    glove = load_glove()
    embedding_layer = pretrained_embedding_layer(glove.word_to_vec_map, glove.word_to_index)
    X_train_indices = sentences_to_indices(X_train, glove.word_to_index, max_len)
    X_test_indices = sentences_to_indices(X_test, glove.word_to_index, max_len)
    predictions, trainable = {}, {}
    for name, kind, units in config.runs():
        predictions[name] = {}
        for seed in config.seeds:
            pred, trainable[name] = train_variant(kind, units, seed, config, embedding_layer,
                                                  max_len, X_train_indices, Y_train, X_test_indices)
            predictions[name][str(seed)] = [int(p) for p in pred]
            if log:
                log(f"{name} seed {seed}: test accuracy {np.mean(pred == Y_test):.3f}")
    return {"command": COMMAND, "date": datetime.datetime.now(datetime.timezone.utc)
            .isoformat(timespec="seconds"),
            "versions": {"python": platform.python_version(), "numpy": np.__version__,
                         "tensorflow": tf.__version__, "keras": keras.__version__},
            "data": data_fingerprints(), "config": config.to_dict(), "max_len": max_len,
            "seconds": round(time.perf_counter() - start, 1), "trainable": trainable,
            "predictions": predictions}


def save_variants(results: dict, path=RESULTS) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    return path


def stale(results: dict, config: VariantsConfig = FULL, root=None) -> list[str]:
    """One line per reason the stored results no longer describe what the notebook would
    train today (a changed data file, another configuration); empty when they are fresh."""
    problems = []
    for name, now in data_fingerprints(root).items():
        stored = results["data"].get(name)
        if stored != now:
            problems.append(f"data/{name} changed since the variants were trained (stored "
                            f"{stored}, now {now}); re-run {COMMAND}")
    if results["config"] != json.loads(json.dumps(config.to_dict())):
        problems.append(f"the stored configuration {results['config']} is not the current one "
                        f"{config.to_dict()}; re-run {COMMAND}")
    return problems


def load_variants(path=RESULTS, n_test: int | None = None) -> dict:
    """Read stored results; a one-line error names the file and what is wrong with it
    (missing, not JSON, a missing kind or seed, predictions of the wrong length, stale data)."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"{path}: no stored variants (run {COMMAND})")
    try:
        results = json.loads(path.read_text(encoding="utf-8"))
        config = results["config"]
        names = list(config["kinds"]) + [f"{k}-{config['wide_units']}" for k in config["wide"]]
        for kind in names:
            for seed in config["seeds"]:
                pred = results["predictions"][kind][str(seed)]
                if n_test is not None and len(pred) != n_test:
                    raise ValueError(f"{kind} seed {seed} has {len(pred)} predictions for "
                                     f"{n_test} test sentences")
    except json.JSONDecodeError as err:
        raise ValueError(f"{path}: not JSON ({err.msg}, line {err.lineno})") from None
    except KeyError as err:
        raise ValueError(f"{path}: no entry {err} (re-run {COMMAND})") from None
    except ValueError as err:
        raise ValueError(f"{path}: {err} (re-run {COMMAND})") from None
    problems = stale(results)
    if problems:
        raise ValueError(f"{path}: {problems[0]}")
    return results


def predictions(results: dict, kind: str) -> dict[int, np.ndarray]:
    """Seed -> the test predictions of that seed's model, (m_test,); ``kind`` is a kind or a
    wide model's name (``"LSTM-128"``)."""
    return {int(seed): np.asarray(pred) for seed, pred in results["predictions"][kind].items()}


def accuracies(results: dict, kind: str, Y_test, rows=slice(None)) -> np.ndarray:
    """Test accuracy of each seed's model on the test sentences ``rows``, (n_seeds,)."""
    Y_test = np.asarray(Y_test)
    return np.array([np.mean(pred[rows] == Y_test[rows])
                     for pred in predictions(results, kind).values()])
