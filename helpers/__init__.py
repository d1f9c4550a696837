"""RNN Lab helper package.

Small modules that the notebooks import:

- ``helpers.paths``   where data, notebooks and build outputs live;
- ``helpers.course``  the list of notebooks and their graded-function modules;
- ``helpers.checks``  the feedback checks that follow every exercise;
- ``helpers.graded``  *generated* copies of the graded functions (instructor side only);
- ``helpers.export`` / ``helpers.release`` / ``helpers.grade``  course tooling.

Importing the package itself is cheap: nothing heavy (TensorFlow, data) loads here.
"""
