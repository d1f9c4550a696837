"""Generated copies of the graded functions (see ``helpers.instructor.export``); never edit by hand.

Only scripts and tests import these. The learner release does not ship this folder.
"""
