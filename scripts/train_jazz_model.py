"""Train the shipped jazz models of notebook 2 on all training solos (instructor side).

    .venv/bin/python scripts/train_jazz_model.py [--epochs 20]

Trains an LSTM (the notebook's architecture: one-hot values -> LSTM(n_a) -> softmax Dense)
and a GRU of the same size on windows of the training solos, stops early on the validation
NLL, and writes ``data/jazz/jazz_lstm.weights.h5``, ``data/jazz/jazz_gru.weights.h5`` and
``data/jazz/MODEL_CARD.md`` (data, settings, epochs, validation and test NLL next to the
n-gram baselines). Takes a few minutes on 2 CPU cores.
"""
import argparse
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import keras  # noqa: E402
import numpy as np  # noqa: E402

from helpers.jazz.data import SPLITS, build_summary, load_sequences, vocab_size  # noqa: E402
from helpers.jazz.evaluate import best_ngram  # noqa: E402
from helpers.jazz.model import GRU_WEIGHTS, LSTM_WEIGHTS, N_A, sequence_model, sequence_nll, windows  # noqa: E402
from helpers.notebook import setup  # noqa: E402

SEED = 2
TX, STRIDE, BATCH, LR = 32, 16, 64, 5e-3


class EpochLog(keras.callbacks.Callback):
    """One flushed line per epoch (Keras' own logging is silenced by ``setup``)."""

    def __init__(self, name):
        super().__init__()
        self.name = name

    def on_epoch_begin(self, epoch, logs=None):
        self.start = time.perf_counter()

    def on_epoch_end(self, epoch, logs=None):
        print(f"{self.name} epoch {epoch + 1}: loss {logs['loss']:.4f}, val_loss {logs['val_loss']:.4f}, "
              f"{time.perf_counter() - self.start:.0f} s", flush=True)


def train(cell: str, data: dict, n_values: int, epochs: int, patience: int):
    keras.utils.set_random_seed(SEED)
    model = sequence_model(n_values, N_A, cell=cell, one_hot_input=False)
    model.compile(optimizer=keras.optimizers.Adam(LR), loss="sparse_categorical_crossentropy")
    w_train, w_val = windows(data["train"], TX, STRIDE), windows(data["validation"], TX, STRIDE)
    stop = keras.callbacks.EarlyStopping(monitor="val_loss", patience=patience,
                                         restore_best_weights=True)
    start = time.perf_counter()
    history = model.fit(w_train[:, :-1], w_train[:, 1:], validation_data=(w_val[:, :-1], w_val[:, 1:]),
                        epochs=epochs, batch_size=BATCH, shuffle=True, callbacks=[stop, EpochLog(cell)], verbose=0)
    seconds = time.perf_counter() - start
    best = int(np.argmin(history.history["val_loss"])) + 1
    result = {"epochs_run": len(history.history["loss"]), "best_epoch": best, "seconds": seconds,
              "windows": len(w_train),
              "params": model.count_params()}
    for split in ("validation", "test"):
        result[split] = sequence_nll(model, data[split], one_hot_input=False)
    return model, result


def save_small(model, cell: str, n_values: int, path) -> None:
    """Save only the layers' weights (no optimizer state), in the notebook's one-hot model."""
    plain = sequence_model(n_values, N_A, cell=cell, one_hot_input=True)
    for name in ("rnn", "densor"):
        plain.get_layer(name).set_weights(model.get_layer(name).get_weights())
    plain.save_weights(str(path))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--epochs", type=int, default=30)
    parser.add_argument("--patience", type=int, default=3)
    args = parser.parse_args(argv)
    setup(SEED, keras=True)
    n_values = vocab_size()
    data = {split: load_sequences(split) for split in SPLITS}
    results = {}
    for cell, path in (("lstm", LSTM_WEIGHTS), ("gru", GRU_WEIGHTS)):
        model, results[cell] = train(cell, data, n_values, args.epochs, args.patience)
        save_small(model, cell, n_values, path)
        print(cell, {k: (round(v, 4) if isinstance(v, float) else v) for k, v in results[cell].items()})
    baselines = {}
    for order, name in ((1, "unigram (add-k)"), (2, "bigram (Kneser-Ney)"), (3, "trigram (Kneser-Ney)")):
        model = best_ngram(order, n_values, data["train"], data["validation"])
        baselines[name] = {"validation": model.nll(data["validation"]), "test": model.nll(data["test"])}
        print(name, baselines[name])
    best_test = min(b["test"] for b in baselines.values())
    if results["lstm"]["test"] >= best_test:
        print(f"WARNING: the LSTM's test NLL {results['lstm']['test']:.4f} does not beat the best "
              f"n-gram baseline {best_test:.4f}")
    write_card(results, baselines, n_values, data, args.patience)
    return 0


def write_card(results, baselines, n_values, data, patience):
    summary = build_summary()
    counts = {s: (len(data[s]), sum(len(x) for x in data[s])) for s in SPLITS}
    rows = [f"| LSTM {N_A} (shipped, `jazz_lstm.weights.h5`) | {results['lstm']['validation']:.3f} | {results['lstm']['test']:.3f} |",
            f"| GRU {N_A} (`jazz_gru.weights.h5`) | {results['gru']['validation']:.3f} | {results['gru']['test']:.3f} |"]
    rows += [f"| {name} | {b['validation']:.3f} | {b['test']:.3f} |" for name, b in baselines.items()]
    text = f"""# Model card: jazz value models of notebook 2

Written by `scripts/train_jazz_model.py`; do not edit by hand.

## Data
- Derived from the Weimar Jazz Database (ODbL 1.0, see `LICENSE.md`): {summary['solos']} solos in
  4/4 with a swing feel, one value per note or rest ({n_values} values including `<unk>`; see
  `helpers/music.py` for their meaning and `values.json` for the build's statistics).
- Split by solo (seed {summary['seed']}): train {counts['train'][0]} solos / {counts['train'][1]} values,
  validation {counts['validation'][0]} / {counts['validation'][1]}, test {counts['test'][0]} / {counts['test'][1]}.

## Models and settings
- LSTM: one-hot value -> `LSTM({N_A})` -> `Dense({n_values}, softmax)`, the architecture of the
  notebook's `djmodel` / `music_inference_model` (weights saved from the equivalent
  `helpers.jazz.model.sequence_model`, layers `rnn` and `densor`); {results['lstm']['params']} parameters.
- GRU of the same size (`GRU({N_A})`), {results['gru']['params']} parameters.
- Windows of {TX} values (stride {STRIDE}) cut inside solos, {results['lstm']['windows']} training windows; Adam, learning
  rate {LR}, batch {BATCH}, sparse categorical cross-entropy, early stopping on the validation
  loss (patience {patience}, best weights kept), seed {SEED}.
- LSTM: {results['lstm']['epochs_run']} epochs run, best epoch {results['lstm']['best_epoch']}.
  GRU: {results['gru']['epochs_run']} epochs run, best epoch {results['gru']['best_epoch']}.

## Negative log-likelihood per value (nats, lower is better)
Each solo is scored in one pass from a zero state; its first value is given. The n-gram
baselines are fitted on the training solos, their smoothing chosen on validation.

| model | validation | test |
|---|---|---|
{chr(10).join(rows)}

## Intended use and limits
Teaching: generating jazz-like lines over chord changes in notebook 2 and comparing RNN
variants in notebook 4. The models see values only (no chords, no absolute pitch, no
metre), so they know nothing about form or harmony beyond what a value says against its
chord; the generated lines are exercises, not music of the performers in the data.
"""
    (LSTM_WEIGHTS.parent / "MODEL_CARD.md").write_text(text, encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())
