"""The grader: what only the grading process runs (never shipped to learners).

One module per part, in the order a submission meets them:

- ``cli``          the command line (``python -m helpers.instructor.grade``);
- ``batch``        a folder of submissions: find them, reuse unchanged results, grade the
                   rest here or on Dask workers, write the JSON files and the gradebook;
- ``cluster``      the Dask engine: a local cluster (``--jobs N``) or a running one
                   (``--scheduler ADDRESS``); a task ships a submission's bytes, a dict returns;
- ``gradebook``    the gradebook CSV and the printed summaries;
- ``notebook``     one submission: read, recognise, run, grade; any error becomes its row;
- ``reading``      a submitted file into a notebook, or a one-line reason;
- ``course``       each notebook's exercises and points (the manifest), checks, solutions;
- ``fingerprints`` of the grader and of a submitted file;
- ``kernel``       running the notebook in its box, one deadline for all its restarts;
- ``exercises``    the checks, run here on a fresh salt with the answers computed here;
- ``calls``        the learner's function as a check sees it: a proxy into the kernel;
- ``wire``         what comes back from the kernel, read strictly as untrusted input;
- ``box``          one sandboxed kernel: start, stop, run a cell, ask for a call;
- ``view``         what a kernel may see (the allow-list) and why grading may refuse;
- ``cgroups``      a kernel's own CPU, memory and process share;
- ``processes``    finding and ending a kernel's processes;
- ``boot``         the only code here that runs in the kernel's process: it isolates it
                   before any learner code runs;
- ``settings``     options, limits and the one "cannot grade" error.
"""
