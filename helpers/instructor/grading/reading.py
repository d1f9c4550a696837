"""Reading a submitted file into a notebook, or a one-line reason why it is none."""
import json
from pathlib import Path

import nbformat

from ... import plain
from . import fingerprints
from .settings import MAX_NOTEBOOK, GradeError


def read_notebook(path: Path) -> tuple[nbformat.NotebookNode, str]:
    """``(notebook, sha256)``; :class:`GradeError` with a one-line reason otherwise."""
    try:
        if path.stat().st_size > MAX_NOTEBOOK:
            raise GradeError(f"file is larger than {MAX_NOTEBOOK // 2**20} MB")
        data = path.read_bytes()
    except OSError as err:
        raise GradeError(f"cannot read the file ({err.strerror or err})") from None
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
