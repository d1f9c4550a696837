"""Notebook 4, *Comparing RNN variants*.

- ``models``  the three tasks, SimpleRNN / GRU / LSTM models of equal parameter budgets, and
              training with early stopping;
- ``study``   the study's configurations, runner, results file (with data fingerprints),
              tables and figures;
- ``stats``   exact tests and intervals for comparing a handful of seeds.
"""
