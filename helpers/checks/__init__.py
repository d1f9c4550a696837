"""Checks that give feedback after each exercise; one module per notebook.

``helpers.checks.<module>`` defines ``check_<name>(fn)`` for every graded function of the
notebook exported to ``helpers.graded.<module>`` and, where the checks compare against
reference values, ``expected(graded) -> dict of arrays`` used by ``helpers.export``.
Check modules never import ``helpers.graded``: the learner release has no such folder.
"""
from .core import CheckFailed, Outcome, exercise, outcome  # noqa: F401
