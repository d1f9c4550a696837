"""Notebook 2, *Improvise a Jazz Solo with an LSTM Network*.

- ``music``     the note encoding (``slot:contour:duration`` values), chords, swung MIDI;
- ``data``      the Weimar Jazz Database solos shipped in ``data/jazz/``, their splits, context
                features and fingerprints;
- ``context``   the context of a step: chords, metre, tempo and where the last note lies
                (chord tracks, ``context_at``);
- ``sequences`` windows, one-hot encoding, the unrolled model's training arrays, n-gram
                baselines and the one per-value NLL
                (``sequence_nll``, whole solos or fixed windows);
- ``model``     the Keras layers, the shipped trained models (plain and conditioned) and
                sampling helpers;
- ``sampling``  top-p sampling around the notebook's sampler, the one numpy LSTM step, generation
                with the LSTM, the n-grams and the conditioned model, kept in the alto's range
                while sampling (``Register``), realising ids over chords;
- ``measures``  generated vs real solos: rhythm heard in rendered MIDI against real timing,
                phrases (pitch spread, leaps), harmony under own and shifted chords, copying,
                a classifier two-sample test, bounds from halves of the real solos;
- ``audio``     SoundFont rendering (``midirenderer``), sine fallback;
- ``classic``   Keras 3 layers that accept the classic (Keras 2) calls;
- ``evaluate``  music statistics and plots;
- ``checks``    the check of every graded function; ``expected.npz`` its reference values.
"""
