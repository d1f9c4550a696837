"""Reading the course's cell markers: the one parser that export, release and grade share.

A graded cell starts with ``# GRADED FUNCTION: <name>`` and holds its solution between
``### BEGIN SOLUTION`` and ``### END SOLUTION`` lines. A cell that starts with ``# EXPORT``
is copied verbatim into the generated module (imports, small shared definitions).
"""
import re
from pathlib import Path

import nbformat

GRADED_RE = re.compile(r"^# GRADED FUNCTION: ([A-Za-z_]\w*)\s*$")
EXPORT_TAG = "# EXPORT"
BEGIN = "### BEGIN SOLUTION"
END = "### END SOLUTION"
STUB_COMMENT = "# YOUR CODE HERE"


class MarkerError(ValueError):
    """A graded cell whose markers are missing, unbalanced or nested."""


def read(path) -> nbformat.NotebookNode:
    return nbformat.read(str(path), as_version=4)


def graded_name(cell) -> str | None:
    """The function name of a graded code cell, else ``None``."""
    if cell.cell_type != "code":
        return None
    first = cell.source.split("\n", 1)[0]
    match = GRADED_RE.match(first)
    return match.group(1) if match else None


def is_export(cell) -> bool:
    return cell.cell_type == "code" and cell.source.split("\n", 1)[0].strip() == EXPORT_TAG


def solution_blocks(source: str, where: str = "cell") -> list[tuple[int, int, str]]:
    """``(begin_line, end_line, indent)`` of every solution block, 0-based, markers included."""
    blocks, start, indent = [], None, ""
    for i, line in enumerate(source.split("\n")):
        stripped = line.strip()
        if stripped == BEGIN:
            if start is not None:
                raise MarkerError(f"{where}, line {i + 1}: {BEGIN} inside another solution block")
            start, indent = i, line[: len(line) - len(line.lstrip())]
        elif stripped == END:
            if start is None:
                raise MarkerError(f"{where}, line {i + 1}: {END} without {BEGIN}")
            blocks.append((start, i, indent))
            start = None
    if start is not None:
        raise MarkerError(f"{where}, line {start + 1}: {BEGIN} is never closed")
    return blocks


def stub_lines(name: str, indent: str) -> list[str]:
    return [f"{indent}{STUB_COMMENT}",
            f'{indent}raise NotImplementedError("{name}: replace these two lines with your code")']


def learner_source(source: str, name: str, where: str = "cell") -> str:
    """The cell with each solution block (markers included) replaced by a stub."""
    lines = source.split("\n")
    out, pos = [], 0
    for begin, end, indent in solution_blocks(source, where):
        out += lines[pos:begin] + stub_lines(name, indent)
        pos = end + 1
    return "\n".join(out + lines[pos:])


def solved_source(learner: str, instructor: str, name: str, where: str = "cell") -> str:
    """Put the instructor's solution blocks back into a learner cell (inverse of the above)."""
    lines = instructor.split("\n")
    result = learner
    for begin, end, indent in solution_blocks(instructor, where):
        stub = "\n".join(stub_lines(name, indent))
        if stub not in result:
            raise MarkerError(f"{where}: a stub for {name} is missing from the learner cell")
        result = result.replace(stub, "\n".join(lines[begin:end + 1]), 1)
    return result


def code_without_markers(source: str) -> str:
    """The cell's code as it runs: marker lines dropped, solutions kept."""
    keep = [line for line in source.split("\n") if line.strip() not in (BEGIN, END)]
    return "\n".join(keep)


def solution_text(source: str) -> list[str]:
    """The lines strictly inside the solution blocks."""
    lines = source.split("\n")
    return [line for b, e, _ in solution_blocks(source) for line in lines[b + 1:e]]


def graded_cells(path: Path):
    """``(name, cell)`` for every graded cell of the notebook at ``path``, checking markers."""
    nb = read(path)
    found = []
    for index, cell in enumerate(nb.cells):
        name = graded_name(cell)
        if name is None:
            continue
        where = f"{Path(path).name}, cell {index} ({name})"
        if not solution_blocks(cell.source, where):
            raise MarkerError(f"{where}: graded cell has no {BEGIN} / {END} block")
        found.append((name, cell))
    return found
