"""Instructor tooling: never shipped to learners (``make release`` leaves this folder out).

- ``course``   the notebooks, in teaching order, and the module each one exports to;
- ``nbcells``  the parser of the cell markers (graded cells, solution blocks, export cells);
- ``export``   writes ``graded/<module>.py`` (generated solutions), each notebook's
  ``helpers/<module>/expected.npz`` and ``manifest.json`` from the notebooks;
- ``release``  writes the learner version; ``grade`` grades submissions (verdicts computed
  here, learner code run in ``sandbox``'s kernels, started by ``kernel_boot.py``);
  ``attacks`` builds small notebook-1 submissions, honest and hostile, to test it;
- ``execute``  runs notebooks headless (``make run``, ``make execute``).
"""
