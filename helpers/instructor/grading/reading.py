"""Reading a submitted file into a notebook, or a one-line reason why it is none."""
import json
from pathlib import Path

import nbformat

from ... import plain
from . import fingerprints
from .settings import MAX_NOTEBOOK, GradeError


def read_bytes(path: Path) -> bytes:
    """The submitted file's bytes (what travels to a worker); :class:`GradeError` otherwise."""
    try:
        if path.stat().st_size > MAX_NOTEBOOK:
            raise GradeError(f"file is larger than {MAX_NOTEBOOK // 2**20} MB")
        return path.read_bytes()
    except OSError as err:
        raise GradeError(f"cannot read the file ({err.strerror or err})") from None


def parse_notebook(data: bytes) -> tuple[nbformat.NotebookNode, str]:
    """A submitted file's bytes as ``(notebook, sha256)``, or a one-line :class:`GradeError`."""
    if len(data) > MAX_NOTEBOOK:
        raise GradeError(f"file is larger than {MAX_NOTEBOOK // 2**20} MB")
    digest = fingerprints.of_bytes(data)
    if not data.strip():
        raise GradeError("empty file")
    try:
        raw = json.loads(data.decode("utf-8"))
    except UnicodeDecodeError:
        raise GradeError("not a notebook: the file is not UTF-8 text") from None
    except ValueError as err:
        raise GradeError(f"not a notebook: invalid JSON ({plain.one_line(err, 80)})") from None
    if not isinstance(raw, dict) or not isinstance(raw.get("cells"), list):
        raise GradeError("not a notebook: the JSON has no list of cells")
    try:
        nb = nbformat.reads(data.decode("utf-8"), as_version=4)
        for cell in nb.cells:
            if not isinstance(cell.get("source"), str) or "cell_type" not in cell:
                raise ValueError("a cell has no source")
    except Exception as err:  # nbformat raises many kinds on malformed input
        raise GradeError(f"not a valid notebook ({plain.one_line(err, 80)})") from None
    return nb, digest
