"""Notebook 3, *Emojify*.

- ``glove``   the 50-d GloVe vectors, memory-mapped from their PyPI package;
- ``data``    the emoji sentences of ``data/emoji/``, their labels and tags;
- ``bayes``   a naive Bayes bag-of-words baseline, in numpy;
- ``checks``  the check of every graded function; ``expected.npz`` its reference values.
"""
