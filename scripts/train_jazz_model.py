"""Train the shipped jazz models of notebook 2 on all training solos (instructor side).

    nice -n 10 .venv/bin/python scripts/train_jazz_model.py [--epochs 30] [--seeds 2 3 4]

Trains, on windows of the training solos, with early stopping on the validation loss
(the validation and test solos are by performers absent from training):

- an LSTM (the notebook's architecture: one-hot values -> LSTM(64) -> softmax Dense), once
  per seed, and a GRU of the same size (first seed only), which see past values only;
- the conditioned model (``helpers.jazz.model.conditioned_model``), which also sees the
  harmonic, metric, tempo and pace context of every step (``helpers.jazz.context``), once per seed;
- with ``--ablation``, the same conditioned architecture with its chord inputs, and then its
  metre inputs, replaced by zeros (uninformative: the same for every step), once per seed.

Every model and the n-gram baselines are scored by ``helpers.jazz.sequences.sequence_nll``
in the same mode (``whole``: each solo in one pass). Writes ``data/jazz/jazz_lstm.weights.h5``,
``jazz_gru.weights.h5``, ``jazz_conditioned.weights.h5`` (the seed with the best validation
NLL; every seed's :func:`rhythm_error` is recorded too), ``models.json`` (every number, plus fingerprints of the data and of the weights, so
that a rebuilt dataset is detected as stale) and ``MODEL_CARD.md``. ``--only conditioned``
keeps the shipped LSTM and GRU (re-scored, their earlier training record kept); ``--only
none`` trains nothing and re-scores what is shipped (with ``--ablation``: and trains only
the ablation). About 20 minutes on 2 busy CPU cores without the ablation, 6 more with it.
"""
import argparse
import json
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import keras  # noqa: E402
import numpy as np  # noqa: E402

from helpers.jazz.data import (SPLITS, build_summary, file_sha256, fingerprints, load_contexts,  # noqa: E402
                               load_sequences, vocab_size)
from helpers.jazz.model import (CONDITIONED_WEIGHTS, GRU_WEIGHTS, LSTM_WEIGHTS, MODELS_JSON, N_A,  # noqa: E402
                                N_A_CONDITIONED, N_EMBED, conditioned_model, sequence_model)
from helpers.jazz.context import N_CONTEXT, PARTS, SLICES  # noqa: E402
from helpers.jazz.sequences import WHOLE, best_ngram, next_value_windows, sequence_nll, windows  # noqa: E402
from helpers.notebook import setup  # noqa: E402

SEED = 2
TX, STRIDE, BATCH, LR = 32, 16, 128, 5e-3
# the conditioned model learns from longer windows (padded, the padding weighted 0), so that
# its state is trained over spans closer to a generated chorus (hundreds of values)
TX_CONDITIONED, STRIDE_CONDITIONED, BATCH_CONDITIONED = 128, 64, 32
ABLATIONS = {"chord": ("chord", "next_chord", "next_root", "until_change", "changed", "last_pc"),
             "metre": ("beat", "in_beat")}
MODE = WHOLE
CARD = MODELS_JSON.parent / "MODEL_CARD.md"


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


def fit(model, name, train, validation, epochs, patience, seed, batch=BATCH):
    """``train`` and ``validation``: (inputs, targets) or (inputs, targets, sample weights)."""
    keras.utils.set_random_seed(seed)
    model.compile(optimizer=keras.optimizers.Adam(LR), loss="sparse_categorical_crossentropy",
                  weighted_metrics=[])
    stop = keras.callbacks.EarlyStopping(monitor="val_loss", patience=patience, restore_best_weights=True)
    start = time.perf_counter()
    history = model.fit(*train[:2], sample_weight=train[2] if len(train) > 2 else None,
                        validation_data=tuple(validation), epochs=epochs, batch_size=batch, shuffle=True,
                        callbacks=[stop, EpochLog(name)], verbose=0)
    return {"epochs_run": len(history.history["loss"]),
            "best_epoch": int(np.argmin(history.history["val_loss"])) + 1,
            "seconds": round(time.perf_counter() - start, 1), "params": model.count_params(),
            "seed": seed}


def spread(runs: dict) -> dict:
    """Mean and sample standard deviation over seeds of the validation and test NLL."""
    out = {}
    for split in ("validation", "test"):
        x = np.array([r[split] for r in runs.values()])
        out[f"{split}_mean"], out[f"{split}_std"] = float(x.mean()), float(x.std(ddof=1))
    return out


def score(model, data, contexts=None):
    return {split: sequence_nll(model, data[split], MODE,
                                contexts=None if contexts is None else contexts[split])
            for split in ("validation", "test")}


def rhythm_error(model, seed: int = 0) -> dict:
    """How far the model's rhythm, as a listener hears it, lies from the validation players'.

    One solo per validation solo, as long as it, over its chords, at its tempo and its pace
    (notes per beat, ``helpers.jazz.context.solo_pace``), rendered to MIDI with swing; per
    tempo band (``helpers.jazz.context.TEMPO_EDGES``), the pooled share of inter-onsets under
    0.2 beat (``helpers.jazz.measures.pooled_short_ioi_share``) against the real validation
    solos' (performance timing).
    Returns ``{"error": mean over bands of |generated - real|, "bands": {...}}``.
    """
    from helpers.instructor.graded.jazz import generate_with_context, sample_with_temperature
    from helpers.jazz import data as jazz_data, measures, music, sampling
    from helpers.jazz.context import solo_pace, tempo_band
    from helpers.jazz.model import ConditionedStep

    meta = jazz_data.load_meta().set_index("melid")
    step, steps_of = ConditionedStep(model), jazz_data.value_steps()
    first_id = int(jazz_data.to_ids(["rest:12"])[0])
    generated, real_solos = {}, {}
    for k, melid in enumerate(jazz_data.split_melids("validation")):
        tempo = float(meta.loc[melid, "avgtempo"])
        real = jazz_data.load_solo(melid)
        shifted, total = sampling.under_real_chords(real, jazz_data.load_chord_track(melid))
        ids = sampling.conditioned_sample(generate_with_context, sample_with_temperature, step, shifted, total,
                                          first_id, steps_of, seed=1000 * seed + k, tempo=tempo,
                                          pace=solo_pace(real.durations, np.where(real.notes, real.pitches, -1)),
                                          register=sampling.Register(shifted.chord_at))
        solo, _ = sampling.realise_over(ids, shifted.chord_at, total)
        iois = measures.rendered_iois(music.to_midi(solo, tempo=tempo, progression=sampling.TrackChanges(
            shifted.chord_at, total)), tempo)
        generated.setdefault(tempo_band(tempo), []).append(iois)
        real_solos.setdefault(tempo_band(tempo), []).append(melid)
    bands = {str(b): {"generated": measures.pooled_short_ioi_share(generated[b])["share"],
                      "real": float(meta.loc[real_solos[b], "short_iois"].sum() / meta.loc[real_solos[b], "iois"].sum())}
             for b in sorted(generated)}
    return {"error": float(np.mean([abs(b["generated"] - b["real"]) for b in bands.values()])), "bands": bands}


def blank(contexts, parts):
    """The contexts with the features of ``parts`` set to zero (uninformative inputs)."""
    out = {}
    for split, arrays in contexts.items():
        out[split] = []
        for ctx in arrays:
            ctx = np.array(ctx)
            for name in parts:
                ctx[:, SLICES[name]] = 0.0
            out[split].append(ctx)
    return out


def train_plain(cell, data, n_values, epochs, patience, seed=SEED):
    keras.utils.set_random_seed(seed)
    model = sequence_model(n_values, N_A, cell=cell, one_hot_input=False)
    w_train, w_val = windows(data["train"], TX, STRIDE), windows(data["validation"], TX, STRIDE)
    record = fit(model, f"{cell} seed {seed}", (w_train[:, :-1], w_train[:, 1:]), (w_val[:, :-1], w_val[:, 1:]),
                 epochs, patience, seed)
    record["windows"] = len(w_train)
    # save only the layers' weights, in the notebook's one-hot model
    plain = sequence_model(n_values, N_A, cell=cell, one_hot_input=True)
    for name in ("rnn", "densor"):
        plain.get_layer(name).set_weights(model.get_layer(name).get_weights())
    return plain, record


def train_conditioned(seed, data, contexts, n_values, epochs, patience):
    keras.utils.set_random_seed(seed)
    model = conditioned_model(n_values)
    arrays = {}
    for split in ("train", "validation"):
        X, Y, W = next_value_windows(data[split], TX_CONDITIONED, STRIDE_CONDITIONED)
        C = windows(contexts[split], TX_CONDITIONED, STRIDE_CONDITIONED, pad=True)[:, :-1]
        arrays[split] = ([X, C.astype(np.float32)], Y, W)
    record = fit(model, f"conditioned seed {seed}", arrays["train"], arrays["validation"], epochs, patience,
                 seed, BATCH_CONDITIONED)
    record["windows"] = len(arrays["train"][1])
    return model, record


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--epochs", type=int, default=30)
    parser.add_argument("--patience", type=int, default=3)
    parser.add_argument("--ablation", action="store_true",
                        help="also train the conditioned model with its chord, then its metre, inputs blanked")
    parser.add_argument("--seeds", type=int, nargs="+", default=[2, 3, 4])
    parser.add_argument("--only", choices=["all", "conditioned", "none"], default="all",
                        help="what to train: everything, only the conditioned model (the shipped "
                             "LSTM and GRU are kept and re-scored), or nothing (re-score the shipped "
                             "weights and rewrite models.json and the card)")
    args = parser.parse_args(argv)
    setup(SEED, keras=True)
    n_values = vocab_size()
    data = {split: load_sequences(split) for split in SPLITS}
    contexts = {split: load_contexts(split) for split in SPLITS}
    old = json.loads(MODELS_JSON.read_text(encoding="utf-8")) if MODELS_JSON.exists() else {}
    results = {}

    for cell, path in (("lstm", LSTM_WEIGHTS), ("gru", GRU_WEIGHTS)):
        if args.only == "all":
            seeds = args.seeds if cell == "lstm" else args.seeds[:1]
            trained = {}
            for seed in seeds:
                model, record = train_plain(cell, data, n_values, args.epochs, args.patience, seed)
                trained[seed] = (model, {**record, **score(model, data)})
                print(cell, trained[seed][1], flush=True)
            best = min(trained, key=lambda s: trained[s][1]["validation"])
            trained[best][0].save_weights(str(path))
            results[cell] = {**trained[best][1], "shipped_seed": best,
                             "runs": {str(s): r for s, (_, r) in trained.items()}}
            if len(trained) > 1:
                results[cell].update(spread({s: r for s, (_, r) in trained.items()}))
        else:
            if cell not in old.get("models", {}):
                raise SystemExit(f"--only {args.only} needs the earlier record of {cell} in {MODELS_JSON}")
            record = {k: v for k, v in old["models"][cell].items() if k not in ("validation", "test")}
            model = sequence_model(n_values, N_A, cell=cell)
            model.load_weights(str(path))
            results[cell] = {**record, **score(model, data)}
        print(cell, results[cell], flush=True)

    runs = {}
    if args.only == "none":
        before = old["models"]["conditioned"]
        shipped = int(before["shipped_seed"])
        model = conditioned_model(n_values)
        model.load_weights(str(CONDITIONED_WEIGHTS))
        runs = {int(s): (None, r) for s, r in before["runs"].items()}
        runs[shipped] = (model, {**runs[shipped][1], **score(model, data, contexts)})
    else:
        for seed in args.seeds:
            model, record = train_conditioned(seed, data, contexts, n_values, args.epochs, args.patience)
            runs[seed] = (model, {**record, **score(model, data, contexts), "rhythm": rhythm_error(model)})
            print("conditioned", runs[seed][1], flush=True)
        shipped = min(runs, key=lambda s: runs[s][1]["validation"])
        runs[shipped][0].save_weights(str(CONDITIONED_WEIGHTS))
    seeds = sorted(runs)
    results["conditioned"] = {**runs[shipped][1], "shipped_seed": shipped,
                              "runs": {str(s): runs[s][1] for s in seeds},
                              **spread({s: runs[s][1] for s in seeds})}
    ablation = old.get("ablation", {}) if args.only != "all" else {}
    if args.ablation:
        for name, parts in ABLATIONS.items():
            blanked = blank(contexts, parts)
            ab = {}
            for seed in args.seeds:
                model, record = train_conditioned(seed, data, blanked, n_values, args.epochs, args.patience)
                ab[seed] = {**record, **score(model, data, blanked)}
                print("conditioned without", name, ab[seed], flush=True)
            ablation[name] = {"blanked": list(parts), "runs": {str(s): r for s, r in ab.items()}, **spread(ab)}

    baselines = {}
    for order, name in ((1, "unigram (add-k)"), (2, "bigram (Kneser-Ney)"), (3, "trigram (Kneser-Ney)")):
        model = best_ngram(order, n_values, data["train"], data["validation"])
        baselines[name] = score(model, data)
        print(name, baselines[name], flush=True)
    best_test = min(b["test"] for b in baselines.values())
    gain = best_test - results["conditioned"]["test_mean"]
    print(f"conditioned gain over the best n-gram: {gain:.3f} nats per value "
          f"(mean of {len(seeds)} seeds)")
    if gain < 0.45:
        print("WARNING: the conditioned model beats the best n-gram by less than 0.45 nats per value")

    record = {"data": fingerprints(),
              "weights": {p.name: file_sha256(p) for p in (LSTM_WEIGHTS, GRU_WEIGHTS, CONDITIONED_WEIGHTS)},
              "scoring": {"function": "helpers.jazz.sequences.sequence_nll", "mode": MODE},
              "settings": {"T_x": TX, "stride": STRIDE, "batch": BATCH, "learning_rate": LR,
                           "conditioned_T_x": TX_CONDITIONED, "conditioned_stride": STRIDE_CONDITIONED,
                           "conditioned_batch": BATCH_CONDITIONED,
                           "patience": args.patience, "max_epochs": args.epochs,
                           "n_a": N_A, "n_a_conditioned": N_A_CONDITIONED, "n_embed": N_EMBED,
                           "n_context": N_CONTEXT},
              "models": results, "baselines": baselines, "ablation": ablation}
    MODELS_JSON.write_text(json.dumps(record, indent=1) + "\n", encoding="utf-8")
    write_card(record, n_values, data)
    return 0


def write_card(record, n_values, data):
    summary = build_summary()
    models, baselines, settings = record["models"], record["baselines"], record["settings"]
    counts = {s: (len(data[s]), sum(len(x) for x in data[s])) for s in SPLITS}
    cond = models["conditioned"]
    n_seeds = len(cond["runs"])
    rows = [f"| conditioned LSTM {N_A_CONDITIONED}, mean ± std over {n_seeds} seeds | "
            f"{cond['validation_mean']:.3f} ± {cond['validation_std']:.3f} | "
            f"{cond['test_mean']:.3f} ± {cond['test_std']:.3f} |"]
    rows += [f"| conditioned, seed {s}{' (shipped, `jazz_conditioned.weights.h5`)' if int(s) == cond['shipped_seed'] else ''} "
             f"| {r['validation']:.3f} | {r['test']:.3f} |" for s, r in cond["runs"].items()]
    ablation = record.get("ablation", {})
    for name, ab in ablation.items():
        rows.append(f"| conditioned, {name} inputs blanked, mean ± std over {len(ab['runs'])} seeds | "
                    f"{ab['validation_mean']:.3f} ± {ab['validation_std']:.3f} | "
                    f"{ab['test_mean']:.3f} ± {ab['test_std']:.3f} |")
    lstm = models["lstm"]
    if "test_std" in lstm:
        rows.append(f"| LSTM {N_A}, mean ± std over {len(lstm['runs'])} seeds | "
                    f"{lstm['validation_mean']:.3f} ± {lstm['validation_std']:.3f} | "
                    f"{lstm['test_mean']:.3f} ± {lstm['test_std']:.3f} |")
    rows += [f"| LSTM {N_A} (shipped, seed {lstm.get('shipped_seed', SEED)}, `jazz_lstm.weights.h5`) | {lstm['validation']:.3f} | {lstm['test']:.3f} |",
             f"| GRU {N_A} (`jazz_gru.weights.h5`) | {models['gru']['validation']:.3f} | {models['gru']['test']:.3f} |"]
    rows += [f"| {name} | {b['validation']:.3f} | {b['test']:.3f} |" for name, b in baselines.items()]
    best_test = min(b["test"] for b in baselines.values())
    parts = ", ".join(f"{name} ({size})" for name, size in PARTS)
    times = "; ".join(f"seed {s}: {r['epochs_run']} epochs (best {r['best_epoch']}), {r['seconds']:.0f} s"
                      for s, r in cond["runs"].items())
    rhythm = "; ".join(f"seed {s}: gap {r['rhythm']['error']:.3f} (" + ", ".join(
        f"band {b}: {x['generated']:.1%} vs {x['real']:.1%}" for b, x in r["rhythm"]["bands"].items()) + ")"
        for s, r in cond["runs"].items() if "rhythm" in r)
    lstm_times = "; ".join(f"seed {s}: {r['epochs_run']} epochs (best {r['best_epoch']}), {r['seconds']:.0f} s"
                           for s, r in models["lstm"].get("runs", {str(SEED): models["lstm"]}).items())
    ablation_text = "".join(
        f"\n- Ablation, {name}: the same architecture trained and scored with the context features "
        f"{', '.join(ab['blanked'])} set to zero at every step (so they carry no information), "
        f"once per seed ({', '.join(ab['runs'])})." for name, ab in record.get("ablation", {}).items())
    fp = "\n".join(f"- `{name}`: `{value}`" for name, value in record["data"].items())
    wh = "\n".join(f"- `{name}`: `{value}`" for name, value in record["weights"].items())
    text = f"""# Model card: jazz value models of notebook 2

Written by `scripts/train_jazz_model.py` (every number is also in `models.json`); do not edit
by hand.

## Data
- Derived from the Weimar Jazz Database (ODbL 1.0, see `LICENSE.md`): {summary['solos']} solos in
  4/4 with a swing feel, one value per note or rest ({n_values} values including `<unk>`; see
  `helpers/jazz/music.py` for their meaning and `values.json` for the build's statistics).
- Split by performer (seed {summary['seed']}; no validation or test performer has a solo in
  training): train {counts['train'][0]} solos / {counts['train'][1]} values ({summary['performers']['train']} performers),
  validation {counts['validation'][0]} / {counts['validation'][1]} ({summary['performers']['validation']} performers),
  test {counts['test'][0]} / {counts['test'][1]} ({summary['performers']['test']} performers).
- Fingerprints of the data the models were trained on (`helpers.jazz.data.fingerprints`; a
  test fails when the data in `data/jazz/` no longer has them, until the models are retrained):
{fp}

## Models and settings
- LSTM: one-hot value -> `LSTM({N_A})` -> `Dense({n_values}, softmax)`, the architecture of the
  notebook's `djmodel` / `music_inference_model` (weights saved from the equivalent
  `helpers.jazz.model.sequence_model`, layers `rnn` and `densor`); {models['lstm']['params']} parameters.
  Trained once per seed, the seed with the best validation NLL shipped: {lstm_times}.
- GRU of the same size (`GRU({N_A})`, Keras's default `reset_after=True`), {models['gru']['params']} parameters.
  {models['gru']['epochs_run']} epochs run, best epoch {models['gru']['best_epoch']}, {models['gru']['seconds']:.0f} s.
- Conditioned model (`helpers.jazz.model.conditioned_model`): at each step the value
  (`Embedding({n_values}, {N_EMBED})`) next to its {settings['n_context']} context features
  (`helpers.jazz.context`: {parts}) -> `LSTM({N_A_CONDITIONED})` -> `Dense({n_values}, softmax)`;
  {cond['params']} parameters. Trained once per seed; the seed with the best validation NLL
  (seed {cond['shipped_seed']}) is shipped. {times}.
- Rhythm of each conditioned seed on the validation players (`rhythm_error` in the script): one
  solo per validation solo, over its chords at its tempo and pace, rendered with swing; per
  tempo band the share of inter-onsets under 0.2 beat, generated against real, and the mean gap
  over the bands. The seeds' NLLs differ by hundredths of a nat, their rhythms more: {rhythm}.{ablation_text}
- LSTM and GRU: windows of {TX} values (stride {STRIDE}) cut inside solos, {models['lstm']['windows']} training windows,
  batch {BATCH}. Conditioned model: windows of {settings['conditioned_T_x']} values (stride {settings['conditioned_stride']}), the last one of each
  solo padded (padding weighted 0), {cond['windows']} training windows, batch {settings['conditioned_batch']}.
- All: Adam, learning rate {LR}, sparse categorical cross-entropy, early stopping on the
  validation loss (patience {settings['patience']}, at most {settings['max_epochs']} epochs, best weights kept); GRU seed {SEED}.

## Negative log-likelihood per value (nats, lower is better)
All rows are scored by `helpers.jazz.sequences.sequence_nll` in mode `{record['scoring']['mode']}`: each solo
in one pass from a zero state, its first value given. The n-gram baselines are fitted on
the training solos, their smoothing chosen on validation.

| model | validation | test |
|---|---|---|
{chr(10).join(rows)}

Gain of the conditioned model over the best n-gram on the test solos (players unseen in
training): {best_test - cond['test_mean']:.3f} nats per value (mean over seeds); over the LSTM:
{models['lstm'].get('test_mean', models['lstm']['test']) - cond['test_mean']:.3f} (means over seeds).

## Shipped weights (SHA-256)
{wh}

## Intended use and limits
Teaching: generating jazz-like lines over chord changes in notebook 2 and comparing RNN
variants in notebook 4. The LSTM and GRU see values only (no chords, no absolute pitch, no
metre); the conditioned model also sees the chord under the next event, the next chord and
when it comes, the position in the bar, whether the chord just changed, the tempo, the solo's pace (notes per
beat; when generating, by default the median of the training solos within 30 bpm) and the
last note's pitch class against the chord and its height against the solo's median pitch,
but still no form beyond the next change. The validation and test solos are by performers
absent from training. In the training solos the chord changes
are known only at note onsets (a change is placed on the half bar or beat before the first
note that shows it). The generated lines are exercises, not music of the performers in
the data.
"""
    CARD.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())
