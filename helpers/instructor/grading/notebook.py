"""Grading one submission: read it, recognise its course notebook, run it in a box, grade
its exercises; :func:`grade_file` turns any problem into that submission's row."""
import importlib.util
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from ... import plain
from . import box as boxes
from .course import course, identify
from .exercises import grade_exercises
from .kernel import Kernel
from .processes import become_subreaper
from .reading import parse_notebook, read_bytes
from .settings import GradeError, Options
from ...i18n import _


_RELEASE: list = []


def shared_release() -> Path:
    """A learner release for this process's kernels (written once, removed at exit)."""
    if not _RELEASE:
        import atexit
        import shutil

        folder = Path(tempfile.mkdtemp(prefix="rnnlab-grade-"))
        atexit.register(shutil.rmtree, folder, True)
        _RELEASE.append(boxes.prepare_release(folder))
    return _RELEASE[0]


def probes_of(module: str) -> tuple:
    """The probes module the kernel imports before any learner code, if the notebook has one."""
    name = f"helpers.{module}.probes"
    return (name,) if importlib.util.find_spec(name) is not None else ()


def grade_notebook(path, timeout: float = 120, exercise_timeout: float = 60,
                   release: Path | None = None, notebook_timeout: float = 600,
                   data: bytes | None = None) -> dict:
    """Grade the notebook at ``path`` (or its bytes ``data``, read elsewhere: ``path`` then
    only names it); the file is only read. Returns the result dict.

    Raises :class:`GradeError` when the file cannot be graded (see :func:`grade_file` for
    the batch form that turns that into a row).
    """
    options = Options(timeout=timeout, exercise_timeout=exercise_timeout,
                      notebook_timeout=notebook_timeout)
    path = Path(path)
    course()
    become_subreaper()
    nb, digest = parse_notebook(read_bytes(path) if data is None else data)
    item = identify(nb).load()
    cells = [(i, c.source) for i, c in enumerate(nb.cells) if c.cell_type == "code"]
    release = release or shared_release()
    start = time.monotonic()
    with boxes.Box(release, boxes.Limits(cell=timeout, memory=options.memory),
                   preload=probes_of(item.module)) as box:
        kernel = Kernel(box, cells, options)
        kernel.run_notebook()
        rows = grade_exercises(kernel, item, options)
    return {"notebook": item.file, "file": path.name, "sha256": digest,
            "score": sum(r["points"] for r in rows), "max_score": sum(r["max_points"] for r in rows),
            "exercises": rows, "notes": kernel.notes, "problem": "",
            "seconds": round(time.monotonic() - start, 1)}


@dataclass
class Submission:
    student: str
    key: str            # where its JSON goes, relative to --out, without ".json"
    path: str
    problem: str = ""   # set when the folder itself is the problem (no notebook in it)


def grade_file(sub: Submission, options: Options, release: str, data: bytes | None = None) -> dict:
    """Grade one submission (its file, or its bytes ``data`` where they were shipped to a
    worker); every problem becomes a row with a one-line reason."""
    base = {"student": sub.student, "key": sub.key, "file": Path(sub.path).name}
    if sub.problem:
        return {**base, "notebook": "", "score": 0, "max_score": 0, "exercises": [],
                "problem": sub.problem}
    try:
        result = grade_notebook(sub.path, options.timeout, options.exercise_timeout,
                                Path(release) if release else None, options.notebook_timeout,
                                data)
    except GradeError as err:
        return {**base, "notebook": "", "score": 0, "max_score": 0, "exercises": [],
                "problem": str(err)}
    except boxes.BoxError as err:
        return {**base, "notebook": "", "score": 0, "max_score": 0, "exercises": [],
                "problem": plain.one_line(err)}
    except Exception as err:  # noqa: BLE001 - one submission never stops the batch
        return {**base, "notebook": "", "score": 0, "max_score": 0, "exercises": [],
                "problem": _("grading failed ({error}: {message})").format(
                               error=type(err).__name__, message=plain.one_line(err, 160))}
    return {**base, **result, "file": Path(sub.path).name}
