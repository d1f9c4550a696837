"""Generated from notebooks/2_jazz_improvisation.ipynb by `python -m helpers.export`: do not edit.

Edit the graded cells of the notebook instead, then run `make export`.
"""


# EXPORT
import numpy as np
import keras
from keras import ops
from helpers.music import DURATIONS, format_value


# GRADED FUNCTION: note_to_value
def note_to_value(pitch, prev_pitch, duration, chord):
    """The value of one note, given the chord under it and the previous note.

    Arguments:
    pitch -- MIDI number of the note (int)
    prev_pitch -- MIDI number of the previous note (int); for the first note, the note itself
    duration -- steps (1/12 beat) until the next event, one of DURATIONS
    chord -- a helpers.music.Chord: chord.root is the root's pitch class (0-11) and
             chord.slot_names[i] the slot of the pitch class i semitones above the root

    Returns:
    value -- string "slot:contour:duration", e.g. "3:+:6"
    """
    if duration not in DURATIONS:
        raise ValueError(f"duration {duration} is not one of {DURATIONS}")
    if abs(pitch - prev_pitch) > 24:
        raise ValueError(f"jump from {prev_pitch} to {pitch} is more than two octaves")
    slot = chord.slot_names[(pitch - chord.root) % 12]
    jump = pitch - prev_pitch
    if jump == 0:
        contour = "="
    elif 0 < jump <= 12:
        contour = "+"
    elif -12 <= jump < 0:
        contour = "-"
    elif jump > 12:
        contour = "++"
    else:
        contour = "--"
    return format_value(slot, contour, duration)


__all__ = ['note_to_value']
