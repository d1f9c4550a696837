"""The course as the grader knows it: each notebook's exercises and points, its checks, its
solutions, and the fingerprint of everything a verdict depends on.

Points are declared once, in each checks module's ``POINTS``; ``make export`` writes them into
``helpers/instructor/manifest.json``, which is all the grader reads about them. Fingerprints
(of the grader, of a submitted file) come from ``fingerprints.py``.
"""
import importlib
import json
from dataclasses import dataclass

from .. import nbcells
from ..course import NOTEBOOKS
from ...paths import ROOT
from .settings import GradeError
from ...i18n import _

MANIFEST = ROOT / "helpers" / "instructor" / "manifest.json"


@dataclass
class Course:
    """What one course notebook is graded with: the manifest's exercises, then (loaded by
    :meth:`load` before the notebook's kernel starts) its checks and the solutions."""
    file: str
    module: str
    exercises: list           # [{"name", "points"}] from the manifest
    checks: object = None     # helpers.<module>.checks (registers the check bodies)
    solutions: object = None  # helpers.instructor.graded.<module>

    def load(self) -> "Course":
        if self.solutions is None:
            self.checks = importlib.import_module(f"helpers.{self.module}.checks")
            self.solutions = importlib.import_module(f"helpers.instructor.graded.{self.module}")
        return self


_COURSE: dict = {}


def course() -> dict:
    """``{notebook file: Course}`` from the manifest, read once per process."""
    if not _COURSE:
        manifest = json.loads(MANIFEST.read_text(encoding="utf-8"))
        for nb in NOTEBOOKS:
            if nb.module is not None and nb.file in manifest:
                _COURSE[nb.file] = Course(nb.file, nb.module, manifest[nb.file])
    return _COURSE


def identify(nb) -> Course:
    """The course notebook whose graded functions this notebook holds most of."""
    names = {nbcells.graded_name(cell) for cell in nb.cells} - {None}
    if not names:
        raise GradeError(_("not a course notebook: it has no '# GRADED FUNCTION:' cell"))
    best, overlap = None, 0
    for item in course().values():
        common = len(names & {e["name"] for e in item.exercises})
        if common > overlap:
            best, overlap = item, common
    if best is None:
        shown = ", ".join(sorted(names)[:4])
        raise GradeError(_("not a course notebook: its graded functions ({shown}) belong to none").format(
                             shown=shown))
    return best
