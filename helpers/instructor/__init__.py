"""Instructor tooling: never shipped to learners (``make release`` leaves this folder out).

Who may see what, by place in ``helpers/``:

- learners and their kernels: every other subpackage; of it, a grading kernel runs for the
  grader only ``helpers/<module>/probes.py`` (the learner's function called on the grader's
  inputs, its raw result returned) and ``plain`` / ``keras_wire`` (plain values on the wire);
  the checks (``helpers/<module>/checks.py``) run in the notebook for feedback, and in the
  grading process for grades;
- the grader only: ``grading/`` (one module per part; ``grade`` is its command), which runs
  the checks on its side, in a process where no learner code runs;
- authors only: ``course``, ``nbcells``, ``export`` (writes ``graded/<module>.py``, the
  generated solutions, each notebook's practice ``helpers/<module>/expected.npz`` and
  ``manifest.json``), ``references/`` (the answers and mistake tables behind the checks,
  used by ``export`` and by the grader), ``release`` (the learner version), ``execute``
  (runs notebooks headless) and ``attacks`` (small honest and hostile submissions of
  notebooks 1-3 that test the grader).
"""
