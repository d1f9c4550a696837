"""Notebook 2, *Improvise a Jazz Solo with an LSTM Network*.

- ``music``     the note encoding (``slot:contour:duration`` values), chords, MIDI and audio;
- ``data``      the Weimar Jazz Database solos shipped in ``data/jazz/``, their splits, context
                features and fingerprints;
- ``context``   the harmonic and metric context of a step (chord tracks, ``context_at``);
- ``sequences`` windows, one-hot encoding, n-gram baselines and the one per-value NLL
                (``sequence_nll``, whole solos or fixed windows);
- ``model``     the Keras layers, the shipped trained models (plain and conditioned) and
                sampling helpers;
- ``evaluate``  music statistics and plots;
- ``checks``    the check of every graded function; ``expected.npz`` its reference values.
"""
