"""The fingerprints the grader keeps with each result: of everything a verdict depends on
(:func:`grader`), and of a submitted file (:func:`of_file`). A result is reused only when both
are unchanged (``batch.py``); the results folder is never visible to a kernel."""
import hashlib
from pathlib import Path

from ... import checking, keras_wire, plain
from ...paths import ROOT
from .course import MANIFEST, course


def of_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def of_file(path) -> str:
    return of_bytes(Path(path).read_bytes())


def grader() -> str:
    """Changes whenever what a verdict depends on changes (manifest, checks, solutions)."""
    digest = hashlib.sha256(MANIFEST.read_bytes())
    for item in course().values():
        for path in (ROOT / "helpers" / item.module / "checks.py",
                     ROOT / "helpers" / item.module / "probes.py",
                     ROOT / "helpers" / "instructor" / "graded" / f"{item.module}.py",
                     ROOT / "helpers" / "instructor" / "references" / f"{item.module}.py"):
            digest.update(path.read_bytes() if path.exists() else b"")
    for path in sorted(Path(__file__).parent.glob("*.py")):  # the grader itself
        digest.update(path.read_bytes())
    for mod in (checking, plain, keras_wire):
        digest.update(Path(mod.__file__).read_bytes())
    return digest.hexdigest()[:16]


