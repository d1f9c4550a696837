"""Evaluation for notebook 2: n-gram baselines, per-value NLL, and music statistics.

NLL convention (shared by every model here): each sequence's first value is given, every
later value ``x_t`` is scored by ``-log p(x_t | x_<t)`` in nats, and the mean is taken over
all scored values of all sequences.
"""
from __future__ import annotations

from collections import Counter, defaultdict

import numpy as np

from .music import STEPS_PER_BEAT, Solo, parse_chord


class NGram:
    """Unigram (add-k smoothed) or interpolated Kneser-Ney bigram / trigram model of ids.

    ``NGram(order, n_values, discount).fit(sequences)``; ``prob(context, x)`` with context
    the tuple of previous ids (only the last ``order - 1`` are used).
    """

    def __init__(self, order: int, n_values: int, discount: float = 0.75, add_k: float = 1.0):
        if order not in (1, 2, 3):
            raise ValueError(f"order must be 1, 2 or 3, got {order}")
        self.order, self.n_values, self.d, self.k = order, int(n_values), discount, add_k

    def fit(self, sequences):
        self.unigram = Counter()
        self.counts = {n: defaultdict(Counter) for n in (2, 3)}   # context -> next -> count
        for seq in sequences:
            seq = [int(v) for v in seq]
            self.unigram.update(seq)
            for t in range(1, len(seq)):
                self.counts[2][(seq[t - 1],)][seq[t]] += 1
                if t >= 2:
                    self.counts[3][(seq[t - 2], seq[t - 1])][seq[t]] += 1
        # Kneser-Ney continuation counts: in how many distinct contexts a value follows.
        cont1 = Counter()
        for ctx, nxt in self.counts[2].items():
            for x in nxt:
                cont1[x] += 1
        cont2 = defaultdict(Counter)  # for the bigram level under a trigram: N1+(. u x)
        for (v, u), nxt in self.counts[3].items():
            for x in nxt:
                cont2[(u,)][x] += 1
        self.cont1, self.cont1_total = cont1, sum(cont1.values())
        self.cont2 = cont2
        self.total = sum(self.unigram.values())
        return self

    def _p1(self, x: int) -> float:
        if self.order == 1:
            return (self.unigram[x] + self.k) / (self.total + self.k * self.n_values)
        d, total = self.d, self.cont1_total
        seen = len(self.cont1)
        return max(self.cont1[x] - d, 0) / total + d * seen / total / self.n_values

    def _p2(self, u: tuple, x: int, counts) -> float:
        nxt = counts.get(u)
        if not nxt:
            return self._p1(x)
        total = sum(nxt.values())
        return max(nxt[x] - self.d, 0) / total + self.d * len(nxt) / total * self._p1(x)

    def prob(self, context, x: int) -> float:
        context = tuple(int(c) for c in context)
        if self.order == 1 or not context:
            return self._p1(x)
        if self.order == 2 or len(context) < 2:
            return self._p2(context[-1:], x, self.counts[2])
        # trigram: the lower level uses continuation counts (Kneser-Ney)
        nxt = self.counts[3].get(context[-2:])
        lower = self._p2(context[-1:], x, self.cont2)
        if not nxt:
            return lower
        total = sum(nxt.values())
        return max(nxt[x] - self.d, 0) / total + self.d * len(nxt) / total * lower

    def nll(self, sequences) -> float:
        """Mean NLL per value (nats), the first value of each sequence given."""
        total, count = 0.0, 0
        for seq in sequences:
            seq = [int(v) for v in seq]
            for t in range(1, len(seq)):
                total -= np.log(self.prob(seq[max(0, t - 2):t], seq[t]))
                count += 1
        return total / count


def best_ngram(order: int, n_values: int, train, validation, discounts=(0.5, 0.75, 0.9)):
    """Fit ``NGram(order)`` on train, choosing the discount (or add-k) on validation."""
    grid = [dict(add_k=k) for k in (0.01, 0.1, 1.0)] if order == 1 else [dict(discount=d) for d in discounts]
    fitted = [NGram(order, n_values, **kw).fit(train) for kw in grid]
    scores = [m.nll(validation) for m in fitted]
    return fitted[int(np.argmin(scores))]


# ----------------------------------------------------------------------- music statistics

NOTE_TYPES = ("chord", "scale", "approach", "other")


def note_types(solo: Solo, strong_only: bool = True) -> Counter:
    """Count note types against the chord; with ``strong_only``, only notes that start on
    beat 1 or 3 of a bar (``onset % 24 == 0``)."""
    out = Counter()
    for onset, pitch, symbol in zip(solo.onsets, solo.pitches, solo.chords):
        if pitch < 0 or (strong_only and int(onset) % (2 * STEPS_PER_BEAT)):
            continue
        out[parse_chord(symbol).note_type(int(pitch))] += 1
    return out


def type_shares(solos, strong_only: bool = True) -> dict:
    """Share of each note type over several solos."""
    total = Counter()
    for solo in solos:
        total += note_types(solo, strong_only)
    n = max(sum(total.values()), 1)
    return {t: total[t] / n for t in NOTE_TYPES}


def intervals(solos) -> np.ndarray:
    """Semitone steps between consecutive notes (rests skipped) of several solos."""
    out = []
    for solo in solos:
        p = np.asarray(solo.pitches)
        p = p[p >= 0]
        out.append(np.diff(p))
    return np.concatenate(out) if out else np.zeros(0, int)


def note_durations(solos) -> np.ndarray:
    """Durations (steps) of the notes (rests excluded) of several solos."""
    return np.concatenate([np.asarray(s.durations)[np.asarray(s.pitches) >= 0] for s in solos])


def rest_share(solos) -> float:
    """Share of time spent in rests."""
    rest = sum(int(np.asarray(s.durations)[np.asarray(s.pitches) < 0].sum()) for s in solos)
    total = sum(int(np.asarray(s.durations).sum()) for s in solos)
    return rest / max(total, 1)


# ------------------------------------------------------------------------------ plots

def plot_piano_roll(pm, ax=None, seconds: float | None = None, title: str = ""):
    """Draw every instrument of a ``pretty_midi.PrettyMIDI`` as horizontal bars (pitch
    against time), one colour per instrument; only the first ``seconds`` if given."""
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=(12, 4))
    colours = ("tab:red", "tab:blue", "tab:gray", "tab:green")
    for inst, colour in zip(pm.instruments, colours):
        bars = [(n.start, n.end - n.start) for n in inst.notes if seconds is None or n.start < seconds]
        pitches = [n.pitch for n in inst.notes if seconds is None or n.start < seconds]
        for (start, length), pitch in zip(bars, pitches):
            ax.broken_barh([(start, length)], (pitch - 0.4, 0.8), color=colour)
        ax.plot([], [], color=colour, lw=6, label=inst.name or f"program {inst.program}")
    ax.set_xlabel("time (s)")
    ax.set_ylabel("MIDI pitch")
    ax.legend(loc="upper right")
    ax.set_title(title)
    return ax


def plot_side_by_side(real, generated, labels=("real (test solos)", "generated")):
    """Interval and duration distributions of real and generated solos, side by side."""
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 2, figsize=(12, 3.5))
    bins = np.arange(-12.5, 13.5)
    for solos, label in zip((real, generated), labels):
        steps = intervals(solos)
        axes[0].hist(np.clip(steps, -12, 12), bins=bins, density=True, histtype="step", lw=2, label=label)
        durs = note_durations(solos)
        kinds = sorted(set(int(d) for d in durs))
        shares = [np.mean(durs == d) for d in kinds]
        axes[1].plot(kinds, shares, "o-", label=label)
    axes[0].set_xlabel("interval to the next note (semitones, clipped to ±12)")
    axes[0].set_ylabel("share")
    axes[1].set_xscale("log", base=2)
    axes[1].set_xlabel("note duration (steps of 1/12 beat)")
    axes[1].set_ylabel("share of notes")
    for ax in axes:
        ax.legend()
    fig.tight_layout()
    return fig
