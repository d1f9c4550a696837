"""Notebook 4, *Comparing RNN variants*. Each table of the notebook comes from one module:

- ``config``  the study's settings (one dataclass per experiment) and its configurations;
- ``models``  SimpleRNN / GRU / LSTM models of equal parameter budgets for the three tasks,
              and training with early stopping;
- ``adding``  experiment (a), the adding problem, with the forget-gate ablation and the
              gradient measurements (sections 3 to 5);
- ``jazz``    experiment (b), next-value prediction on the jazz solos (section 6);
- ``emoji``   experiment (c), the emoji sentences (section 6);
- ``timing``  the interleaved timing benchmark (section 7);
- ``tables``  what every experiment's tables share: runs as a frame, summaries, comparisons
              of two models, generic figures;
- ``runner``  the shared runner: jobs, one run, the whole study, the results file;
- ``stats``   exact tests and intervals for comparing a handful of seeds (appendix A);
- ``checks``  the check of the notebook's exercise, ``adding_problem``.
"""
