"""Notebook 4, *Comparing RNN variants*.

- ``models``  the three tasks and SimpleRNN / GRU / LSTM models of equal parameter budgets;
- ``study``   the study's configurations, runner, results file, tables and figures.
"""
