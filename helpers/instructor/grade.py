"""Grade learner notebooks: one, a folder of them, or a folder of student folders.

    python -m helpers.instructor.grade submissions/3_emojify.ipynb
    python -m helpers.instructor.grade submissions/ --jobs 2   # notebooks or <student>/<nb>.ipynb

What a score means: every verdict is computed in the grading process, where no learner code
ever runs, from plain values that the learner's own functions returned on inputs drawn afresh
for each submission, against the instructor's answers for those inputs, computed there too.
Models come back as their JSON and weights and are rebuilt and run there. The learner's
notebook runs in a sandboxed kernel: its own user id, an allow-list view of the files, no
network, its own control groups, a deadline per notebook. See ``helpers/instructor/grading/``
(one module per part: ``cli``, ``batch``, ``notebook``, ``kernel``, ``exercises``, ``calls``,
``box``, ``boot``, ``view``, ``cgroups``, ``processes``, ``wire``, ``course``,
``fingerprints``, ``gradebook``, ``reading``, ``settings``).

This module is the command; the functions below are the grader's public entry points.
"""
import sys

from .grading.batch import find_submissions, grade_batch  # noqa: F401
from .grading.cli import main
from .grading.course import course, identify  # noqa: F401
from .grading.fingerprints import grader as fingerprint  # noqa: F401
from .grading.gradebook import summary_line, table, write_gradebook  # noqa: F401
from .grading.notebook import Submission, grade_file, grade_notebook, shared_release  # noqa: F401
from .grading.settings import GradeError, Options  # noqa: F401

__all__ = ["GradeError", "Options", "Submission", "course", "find_submissions", "fingerprint",
           "grade_batch", "grade_file", "grade_notebook", "identify", "main", "shared_release",
           "summary_line", "table", "write_gradebook"]

if __name__ == "__main__":
    sys.exit(main())
