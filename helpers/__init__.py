"""RNN Lab helper package: what the notebooks import, one subpackage per notebook.

Learner runtime (ships with the learner release):

- ``helpers.paths``     where data, notebooks and build outputs live;
- ``helpers.notebook``  ``setup()``: the seeds and print options of every notebook's first cell;
- ``helpers.checking``  the feedback machinery that every exercise's check uses;
- ``helpers.plain``     plain values on the wire: how a graded function's results reach the grader;
- ``helpers.step_by_step``  notebook 1: parameters, gradient checking, diagrams, its checks;
- ``helpers.jazz``      notebook 2: the note encoding, dataset, models, evaluation, its checks;
- ``helpers.emojify``   notebook 3: GloVe vectors, the emoji sentences, its checks;
- ``helpers.variants``  notebook 4: the tasks, equal-size models and the stored study.

Instructor tooling (never shipped to learners): ``helpers.instructor`` - the notebook list,
export of the graded functions, the learner release, grading, headless execution, and the
generated solutions in ``helpers.instructor.graded``.

Importing the package itself is cheap: nothing heavy (TensorFlow, data) loads here.
"""
