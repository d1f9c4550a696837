"""Notebook 2, *Improvise a Jazz Solo with an LSTM Network*.

- ``music``     the note encoding (``slot:contour:duration`` values), chords, swung MIDI;
- ``data``      the Weimar Jazz Database solos shipped in ``data/jazz/``, their splits, context
                features and fingerprints;
- ``context``   the harmonic and metric context of a step (chord tracks, ``context_at``);
- ``sequences`` windows, one-hot encoding, n-gram baselines and the one per-value NLL
                (``sequence_nll``, whole solos or fixed windows);
- ``model``     the Keras layers, the shipped trained models (plain and conditioned) and
                sampling helpers;
- ``sampling``  top-p sampling around the notebook's sampler, numpy generation with the LSTM, the n-grams
                and the conditioned model, realising ids over chords in the alto's range;
- ``measures``  generated vs real solos: TV distances, short notes, chord tones on strong and
                weak beats (with the tritone check);
- ``audio``     SoundFont rendering (``midirenderer``), sine fallback;
- ``classic``   Keras 3 layers that accept the classic (Keras 2) calls;
- ``evaluate``  music statistics and plots;
- ``checks``    the check of every graded function; ``expected.npz`` its reference values.
"""
