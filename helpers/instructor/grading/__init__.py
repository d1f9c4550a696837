"""Grading: what only the grading process runs (never shipped to learners)."""
