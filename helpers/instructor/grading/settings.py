"""The options and limits of a grading run, and the one error that means "cannot grade"."""
from dataclasses import dataclass

from .box import MEMORY

MAX_NOTEBOOK = 50 * 2**20
MAX_RESTARTS = 6
HINT_LIMIT = 1000   # characters of a hint kept in the results (quoted errors are cut before)


class GradeError(Exception):
    """A submission (or the command line) that cannot be graded; the message is one line."""


@dataclass
class Options:
    timeout: float = 120.0            # seconds per notebook cell
    exercise_timeout: float = 60.0    # seconds per exercise (all its calls together)
    notebook_timeout: float = 600.0   # seconds for running the notebook, restarts included
    memory: int = MEMORY              # bytes for the kernel
