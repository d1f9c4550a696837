"""The jazz dataset of notebook 2 (derived from the Weimar Jazz Database, ODbL 1.0).

Files in ``data/jazz/`` (written by ``scripts/build_jazz_dataset.py``):
``solos.parquet`` (one row per note or rest), ``solos_meta.parquet`` (one row per solo,
with its ``split``) and ``values.json`` (the vocabulary, id 0 = ``<unk>``).

    from helpers.jazz.data import load_sequences, vocab_size
    train = load_sequences("train")   # list of int32 arrays, one per solo
    n_values = vocab_size()           # ids are 0 .. n_values - 1
    contexts = load_contexts("train") # one (len(seq), N_CONTEXT) float32 array per solo

Values are described in ``helpers/music.py``.
"""
from __future__ import annotations

import hashlib
import json
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from .music import Solo
from ..paths import DATA

JAZZ = DATA / "jazz"
SPLITS = ("train", "validation", "test")
UNK = "<unk>"


@lru_cache(maxsize=1)
def _events() -> pd.DataFrame:
    return pd.read_parquet(JAZZ / "solos.parquet")


@lru_cache(maxsize=1)
def _vocabulary() -> dict:
    return json.loads((JAZZ / "values.json").read_text(encoding="utf-8"))


def load_meta() -> pd.DataFrame:
    """One row per solo: melid, performer, title, instrument, style, avgtempo, key,
    chord_changes, recordingyear, split (by performer), iois and short_iois (the real
    performance's inter-onset intervals, and those under 0.2 beat)."""
    return pd.read_parquet(JAZZ / "solos_meta.parquet")


def load_events() -> pd.DataFrame:
    """One row per event: melid, onset, duration (steps), pitch (-1 = rest), chord, value."""
    return _events().copy()


def values() -> list[str]:
    """The vocabulary: ``values()[i]`` is the value with id ``i``; id 0 is ``<unk>``."""
    return list(_vocabulary()["values"])


def vocab_size() -> int:
    """Number of distinct value ids (``<unk>`` included)."""
    return len(_vocabulary()["values"])


def build_summary() -> dict:
    """Statistics of the dataset build (counts, coverage per split)."""
    return dict(_vocabulary()["summary"])


def value_steps() -> np.ndarray:
    """(n_values,) int: the duration in steps of every value id (0 for ``<unk>``), so the
    time reached after value ``i`` started at ``onset`` is ``onset + value_steps()[i]``."""
    from .music import split_value

    return np.array([0 if v == UNK else split_value(v)[2] for v in _vocabulary()["values"]], np.int64)


def to_ids(vals) -> np.ndarray:
    """Value strings -> int32 ids (unknown values -> 0, ``<unk>``)."""
    index = {v: i for i, v in enumerate(_vocabulary()["values"])}
    return np.array([index.get(str(v), 0) for v in vals], dtype=np.int32)


def to_values(ids) -> list[str]:
    """Ids -> value strings; raises ``IndexError`` naming an id out of range."""
    vocab = _vocabulary()["values"]
    out = []
    for i in np.asarray(ids).ravel():
        if not 0 <= int(i) < len(vocab):
            raise IndexError(f"value id {int(i)} is out of range 0..{len(vocab) - 1}")
        out.append(vocab[int(i)])
    return out


def split_melids(split: str) -> list[int]:
    """Solo ids of a split, in ascending order."""
    if split not in SPLITS:
        raise ValueError(f"unknown split {split!r}: expected one of {SPLITS}")
    meta = load_meta()
    return sorted(int(m) for m in meta.loc[meta["split"] == split, "melid"])


def load_sequences(split: str) -> list[np.ndarray]:
    """One int32 array of value ids per solo of ``split`` ("train", "validation", "test"),
    in ascending solo id order. Ids lie in ``0 .. vocab_size() - 1``; 0 is ``<unk>``."""
    wanted = set(split_melids(split))
    events = _events()
    events = events[events["melid"].isin(wanted)]
    ids = to_ids(events["value"].astype(str))
    melid = events["melid"].to_numpy()
    cuts = np.flatnonzero(np.diff(melid)) + 1
    return [np.ascontiguousarray(part, dtype=np.int32) for part in np.split(ids, cuts)]


def _solo_rows(melid: int) -> pd.DataFrame:
    events = _events()
    rows = events[events["melid"] == int(melid)]
    if rows.empty:
        raise KeyError(f"no solo with melid {melid} in data/jazz/solos.parquet")
    return rows


def _track(rows: pd.DataFrame):
    from .context import ChordTrack

    return ChordTrack.from_events(rows["onset"], rows["duration"], rows["chord"].astype(str))


def load_chord_track(melid: int):
    """The chords under one solo as a :class:`helpers.jazz.context.ChordTrack` (changes
    placed on the half-bar or beat before the first note that shows them)."""
    return _track(_solo_rows(melid))


@lru_cache(maxsize=len(SPLITS))
def _contexts(split: str) -> tuple:
    from .context import event_contexts

    out = []
    events = _events()
    meta = load_meta().set_index("melid")
    for melid in split_melids(split):
        rows = events[events["melid"] == melid]
        ctx = event_contexts(_track(rows), rows["onset"].to_numpy(), rows["duration"].to_numpy(),
                             tempo=float(meta.loc[melid, "avgtempo"]), pitches=rows["pitch"].to_numpy())
        ctx.flags.writeable = False
        out.append(ctx)
    return tuple(out)


def load_contexts(split: str) -> list[np.ndarray]:
    """The context features of every value of ``split``, aligned with :func:`load_sequences`:
    one float32 array ``(len(seq), N_CONTEXT)`` per solo, row ``t`` being the context of
    the event after value ``t`` at the solo's average tempo, with the last note played and
    the solo's median pitch as the register's centre (see ``helpers.jazz.context``).
    Read-only, cached."""
    if split not in SPLITS:
        raise ValueError(f"unknown split {split!r}: expected one of {SPLITS}")
    return list(_contexts(split))


def training_paces(tempo: float, window: float = 30.0) -> np.ndarray:
    """The paces (notes per beat, ``helpers.jazz.context.solo_pace``) of the training solos
    within ``window`` bpm of ``tempo``, ascending: how busy the players in the data play
    at about that tempo."""
    from .context import PACE_SCALE, SLICES

    tempi = load_meta().set_index("melid")["avgtempo"].astype(float)
    paces = [float(ctx[0, SLICES["pace"]][0]) * PACE_SCALE
             for melid, ctx in zip(split_melids("train"), _contexts("train"))
             if abs(tempi[melid] - float(tempo)) <= window]
    if not paces:
        raise ValueError(f"no training solo within {window} bpm of {tempo} bpm")
    return np.sort(paces)


def typical_pace(tempo: float, window: float = 30.0) -> float:
    """The pace of a typical player at ``tempo``: the median of :func:`training_paces`."""
    return float(np.median(training_paces(tempo, window)))


def load_solo(melid: int) -> Solo:
    """One solo's events as a :class:`helpers.jazz.music.Solo` (values in ``Solo.values``)."""
    rows = _solo_rows(melid)
    solo = Solo(rows["onset"].to_numpy(np.int64), rows["duration"].to_numpy(np.int64),
                rows["pitch"].to_numpy(np.int64), rows["chord"].astype(str).tolist())
    solo.values = rows["value"].astype(str).tolist()
    return solo


# ------------------------------------------------------------------ fingerprints (freshness)

def _sha(*parts: bytes) -> str:
    h = hashlib.sha256()
    for part in parts:
        h.update(len(part).to_bytes(8, "little"))
        h.update(part)
    return h.hexdigest()


def fingerprints(folder=None) -> dict:
    """SHA-256 fingerprints of what the models learn from, read from ``folder`` (default
    ``data/jazz``): ``solos.parquet`` (every event: solo, onset, duration, pitch, chord,
    value), ``values.json`` (the vocabulary, in id order) and ``split`` (which solo is in
    which split). They hash the content, not the file bytes, so the same data written by
    another library version keeps its fingerprint."""
    folder = Path(folder) if folder is not None else JAZZ
    events = pd.read_parquet(folder / "solos.parquet")
    parts = []
    for column in ("melid", "onset", "duration", "pitch"):
        parts.append(events[column].to_numpy(np.int64).astype("<i8").tobytes())
    for column in ("chord", "value"):
        parts.append("\x1f".join(events[column].astype(str)).encode("utf-8"))
    vocab = json.loads((folder / "values.json").read_text(encoding="utf-8"))["values"]
    meta = pd.read_parquet(folder / "solos_meta.parquet")
    split = sorted(zip(meta["melid"].astype(int), meta["split"].astype(str)))
    return {"solos.parquet": _sha(*parts),
            "values.json": _sha(json.dumps(vocab, ensure_ascii=False).encode("utf-8")),
            "split": _sha(json.dumps(split).encode("utf-8"))}


def stale(recorded: dict, folder=None) -> list[str]:
    """One line per fingerprint in ``recorded`` that the data in ``folder`` no longer has
    (empty if everything matches)."""
    current = fingerprints(folder)
    return [f"{name}: trained on {recorded.get(name, '?')[:12]}, the data now has {value[:12]}"
            for name, value in current.items() if recorded.get(name) != value]


def file_sha256(path) -> str:
    """SHA-256 of a file's bytes (for shipped weights)."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()
