"""Generated from notebooks/2_jazz_improvisation.ipynb by `python -m helpers.instructor.export`: do not edit.

Edit the graded cells of the notebook instead, then run `make export`.
"""


# EXPORT
import numpy as np
import keras
from keras import ops
from keras.layers import Input, RepeatVector
from keras.models import Model
from keras.utils import to_categorical
from helpers.jazz.music import DURATIONS, format_value


# GRADED FUNCTION: note_to_value
def note_to_value(pitch, prev_pitch, duration, chord):
    """The value of one note, given the chord under it and the previous note.

    Arguments:
    pitch -- MIDI number of the note (int)
    prev_pitch -- MIDI number of the previous note (int); for the first note, the note itself
    duration -- steps (1/12 beat) until the next event, one of DURATIONS
    chord -- a helpers.jazz.music.Chord: chord.root is the root's pitch class (0-11) and
             chord.slot_names (12 strings) the slot of each interval above the root

    Returns:
    value -- string "slot:contour:duration", e.g. "3:+:6"
    """
    if duration not in DURATIONS:
        raise ValueError(f"duration {duration} is not one of {DURATIONS}")
    if abs(pitch - prev_pitch) > 24:
        raise ValueError(f"the jump from {prev_pitch} to {pitch} is more than two octaves")
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


# GRADED FUNCTION: djmodel
def djmodel(Tx, LSTM_cell, densor, reshaper):
    """The training model, unrolled by hand over Tx steps with shared layers.

    Arguments:
    Tx -- number of time steps
    LSTM_cell -- shared keras.layers.LSTM(n_a, return_state=True)
    densor -- shared keras.layers.Dense(n_values, activation="softmax")
    reshaper -- shared keras.layers.Reshape((1, n_values))

    Returns:
    model -- keras.Model with inputs [X (m, Tx, n_values), a0 (m, n_a), c0 (m, n_a)]
             and a list of Tx outputs, each (m, n_values)
    """
    n_values = densor.units
    n_a = LSTM_cell.units
    X = Input(shape=(Tx, n_values), name="X")
    a0 = Input(shape=(n_a,), name="a0")
    c0 = Input(shape=(n_a,), name="c0")
    a = a0
    c = c0
    outputs = []
    for t in range(Tx):
        x = X[:, t, :]
        x = reshaper(x)
        _, a, c = LSTM_cell(x, initial_state=[a, c])
        out = densor(a)
        outputs.append(out)
    model = Model(inputs=[X, a0, c0], outputs=outputs)
    return model


# GRADED FUNCTION: music_inference_model
def music_inference_model(LSTM_cell, densor, Ty=100):
    """The generation model: each step's most probable value is the next step's input.

    Arguments:
    LSTM_cell -- the trained, shared LSTM(n_a, return_state=True) layer
    densor -- the trained, shared Dense(n_values, activation="softmax") layer
    Ty -- number of values to generate

    Returns:
    inference_model -- keras.Model with inputs [x0 (m, 1, n_values), a0 (m, n_a), c0 (m, n_a)]
                       and a list of Ty outputs, each the probabilities (m, n_values) of a step
    """
    n_values = densor.units
    n_a = LSTM_cell.units
    x0 = Input(shape=(1, n_values))
    a0 = Input(shape=(n_a,), name="a0")
    c0 = Input(shape=(n_a,), name="c0")
    a = a0
    c = c0
    x = x0
    outputs = []
    for t in range(Ty):
        _, a, c = LSTM_cell(x, initial_state=[a, c])
        out = densor(a)
        outputs.append(out)
        x = ops.argmax(out, axis=-1)
        x = ops.one_hot(x, n_values)
        x = RepeatVector(1)(x)
    inference_model = Model(inputs=[x0, a0, c0], outputs=outputs)
    return inference_model


# GRADED FUNCTION: predict_and_sample
def predict_and_sample(inference_model, x_initializer, a_initializer, c_initializer):
    """Generate Ty values with the inference model.

    Arguments:
    inference_model -- a model built by music_inference_model
    x_initializer -- one-hot of the first value, shape (1, 1, n_values)
    a_initializer, c_initializer -- initial states, shape (1, n_a)

    Returns:
    results -- one-hot of the generated values, shape (Ty, n_values)
    indices -- their ids, shape (Ty, 1)
    """
    n_values = x_initializer.shape[2]
    pred = inference_model.predict([x_initializer, a_initializer, c_initializer], verbose=0)
    indices = np.argmax(pred, axis=-1)
    results = to_categorical(indices, num_classes=n_values)
    return results, indices


# GRADED FUNCTION: sample_with_temperature
def sample_with_temperature(probs, temperature, u):
    """Draw one index from probs reshaped by a temperature.

    Arguments:
    probs -- probabilities of the values, shape (n_values,), summing to 1
    temperature -- 0 for the most probable index, > 0 to sample from probs ** (1 / temperature)
    u -- a uniform random number in [0, 1)

    Returns:
    index -- int in 0 .. n_values - 1
    """
    if temperature > 0:
        p = probs ** (1.0 / temperature)
        p = p / np.sum(p)
        index = np.searchsorted(np.cumsum(p), u, side="right")
    else:
        index = np.argmax(probs)
    return int(index)


# GRADED FUNCTION: generate_with_context
def generate_with_context(step, context_at, durations, first_id, total_steps, choose):
    """Generate ids one by one, each predicted with the context of the step where it starts.

    Arguments:
    step -- function (x_id, context, state) -> (probs (n_values,), state); state None at first
    context_at -- function (step, prev_step) -> context vector of a value starting at `step`
                  when the one before it started at `prev_step`
    durations -- int array (n_values,): steps (1/12 beat) that each value lasts
    first_id -- id of the given first value, starting at step 0
    total_steps -- length of the solo in steps
    choose -- function (probs) -> id (greedy, temperature, top-p ...)

    Returns:
    ids -- list of ints, first_id first; the values start before total_steps
    """
    ids = [first_id]
    state = None
    onset = 0
    while True:
        position = onset + durations[ids[-1]]
        if position >= total_steps:
            break
        probs, state = step(ids[-1], context_at(position, onset), state)
        ids.append(choose(probs))
        onset = position
    return ids


__all__ = ['note_to_value', 'djmodel', 'music_inference_model', 'predict_and_sample', 'sample_with_temperature', 'generate_with_context']
