"""Evaluation for notebook 2: music statistics and plots.

The n-gram baselines and the per-value NLL live in ``helpers.jazz.sequences`` (one scoring
function for every model); ``NGram`` and ``best_ngram`` are re-exported here.
"""
from __future__ import annotations

from collections import Counter

import numpy as np

from .music import STEPS_PER_BEAT, Solo, parse_chord
from .measures import intervals, note_durations  # the one meaning of each (clipped intervals)
from .sequences import NGram, best_ngram  # noqa: F401  (re-exported)
from ..i18n import _

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


def rest_share(solos) -> float:
    """Share of time spent in rests."""
    rest = sum(int(np.asarray(s.durations)[np.asarray(s.pitches) < 0].sum()) for s in solos)
    total = sum(int(np.asarray(s.durations).sum()) for s in solos)
    return rest / max(total, 1)


# ------------------------------------------------------------------------------ plots

def plot_piano_roll(pm, ax=None, seconds: float | None = None, title: str = ""):
    """Draw every pitched instrument of a ``pretty_midi.PrettyMIDI`` as horizontal bars (pitch
    against time), one colour per instrument; only the first ``seconds`` if given. Drums have
    no pitch (their note numbers name the drum), so they are left out."""
    import matplotlib.pyplot as plt

    if ax is None:
        ax = plt.subplots(figsize=(12, 4))[1]
    colours = ("tab:red", "tab:blue", "tab:gray", "tab:green")
    for inst, colour in zip([i for i in pm.instruments if not i.is_drum], colours):
        bars = [(n.start, n.end - n.start) for n in inst.notes if seconds is None or n.start < seconds]
        pitches = [n.pitch for n in inst.notes if seconds is None or n.start < seconds]
        for (start, length), pitch in zip(bars, pitches):
            ax.broken_barh([(start, length)], (pitch - 0.4, 0.8), color=colour)
        ax.plot([], [], color=colour, lw=6, label=inst.name or _("program {program}").format(program=inst.program))
    ax.set_xlabel(_("time (s)"))
    ax.set_ylabel(_("MIDI pitch"))
    ax.legend(loc="upper right")
    ax.set_title(title)
    return ax


def plot_side_by_side(real, generated, labels=None):
    """Interval and duration distributions of real and generated solos, side by side
    (``labels``: the two legend entries, by default "real (test solos)" and "generated")."""
    import matplotlib.pyplot as plt

    labels = labels or (_("real (test solos)"), _("generated"))
    fig, axes = plt.subplots(1, 2, figsize=(12, 3.5))
    bins = np.arange(-12.5, 13.5)
    for solos, label in zip((real, generated), labels):
        steps = intervals(solos)   # clipped to ±12
        axes[0].hist(steps, bins=bins, density=True, histtype="step", lw=2, label=label)
        durs = note_durations(solos)
        kinds = sorted(set(int(d) for d in durs))
        shares = [np.mean(durs == d) for d in kinds]
        axes[1].plot(kinds, shares, "o-", label=label)
    axes[0].set_xlabel(_("interval to the next note (semitones, clipped to ±12)"))
    axes[0].set_ylabel(_("share"))
    axes[1].set_xscale("log", base=2)
    axes[1].set_xlabel(_("note duration (steps of 1/12 beat)"))
    axes[1].set_ylabel(_("share of notes"))
    for ax in axes:
        ax.legend()
    fig.tight_layout()
    return fig
