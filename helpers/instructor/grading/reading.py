"""Reading a submitted file into a notebook, or a one-line reason why it is none."""
import json
from pathlib import Path

import nbformat

from ... import plain
from . import fingerprints
from .settings import MAX_NOTEBOOK, GradeError
from ...i18n import _


def read_bytes(path: Path) -> bytes:
    """The submitted file's bytes (what travels to a worker); :class:`GradeError` otherwise."""
    try:
        if path.stat().st_size > MAX_NOTEBOOK:
            raise GradeError(_("file is larger than {value1} MB").format(
                                 value1=MAX_NOTEBOOK // 2**20))
        return path.read_bytes()
    except OSError as err:
        raise GradeError(_("cannot read the file ({value1})").format(value1=err.strerror or err)) from None


def parse_notebook(data: bytes) -> tuple[nbformat.NotebookNode, str]:
    """A submitted file's bytes as ``(notebook, sha256)``, or a one-line :class:`GradeError`."""
    if len(data) > MAX_NOTEBOOK:
        raise GradeError(_("file is larger than {value1} MB").format(value1=MAX_NOTEBOOK // 2**20))
    digest = fingerprints.of_bytes(data)
    if not data.strip():
        raise GradeError(_("empty file"))
    try:
        raw = json.loads(data.decode("utf-8"))
    except UnicodeDecodeError:
        raise GradeError(_("not a notebook: the file is not UTF-8 text")) from None
    except ValueError as err:
        raise GradeError(_("not a notebook: invalid JSON ({one_line})").format(
                             one_line=plain.one_line(err, 80))) from None
    if not isinstance(raw, dict) or not isinstance(raw.get("cells"), list):
        raise GradeError(_("not a notebook: the JSON has no list of cells"))
    try:
        nb = nbformat.reads(data.decode("utf-8"), as_version=4)
        for cell in nb.cells:
            if not isinstance(cell.get("source"), str) or "cell_type" not in cell:
                raise ValueError("a cell has no source")
    except Exception as err:  # nbformat raises many kinds on malformed input
        raise GradeError(_("not a valid notebook ({one_line})").format(
                             one_line=plain.one_line(err, 80))) from None
    return nb, digest
