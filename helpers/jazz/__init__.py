"""Notebook 2, *Improvise a Jazz Solo with an LSTM Network*.

- ``music``     the note encoding (``slot:contour:duration`` values), chords, MIDI and audio;
- ``data``      the Weimar Jazz Database solos shipped in ``data/jazz/`` and their splits;
- ``model``     the Keras layers, the shipped trained models and sampling helpers;
- ``evaluate``  n-gram baselines, per-value NLL and music statistics;
- ``checks``    the check of every graded function; ``expected.npz`` its reference values.
"""
