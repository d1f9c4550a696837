"""Checks for notebook 2 (jazz improvisation)."""
