"""The learner release: no solutions, runs to the end, round-trips, keeps learners' edits."""
import re
from pathlib import Path

import nbformat
import pytest

from helpers.instructor import nbcells, release
from helpers.instructor.course import NOTEBOOKS
from helpers.instructor.execute import execute

ROOT = Path(__file__).resolve().parent.parent
TEXT_SUFFIXES = {".ipynb", ".py", ".md", ".json", ".txt", ".cfg", ".toml", ".yml", ".csv", ".po"}


@pytest.fixture(scope="module")
def dist(tmp_path_factory):
    out = tmp_path_factory.mktemp("release") / "dist"
    release.write(out)
    return out


def instructor(nb):
    return nbcells.read(ROOT / "notebooks" / nb.file)


def solution_lines():
    """Every substantial solution line that does not also appear outside the solutions."""
    inside, outside = set(), set()
    for nb in NOTEBOOKS:
        for cell in instructor(nb).cells:
            if cell.cell_type != "code":
                continue
            solution = {line.strip() for line in nbcells.solution_text(cell.source)}
            inside |= solution
            outside |= {line.strip() for line in cell.source.split("\n")} - solution
    return sorted(line for line in inside - outside
                  if len(line) >= 8 and not line.startswith("#"))


def test_release_holds_no_solution_text(dist):
    lines = solution_lines()
    assert len(lines) > 50, "suspiciously few solution lines found"
    assert not (dist / "helpers" / "instructor").exists()
    texts = {p: p.read_text(encoding="utf-8") for p in dist.rglob("*")
             if p.is_file() and p.suffix in TEXT_SUFFIXES}
    leaks = [(str(p.relative_to(dist)), line) for line in lines for p, t in texts.items() if line in t]
    assert not leaks, f"solution lines found in the release: {leaks[:10]}"


def test_release_has_what_the_notebooks_need(dist):
    for nb in NOTEBOOKS:
        learner = nbcells.read(dist / nb.file)
        assert all(c.outputs == [] for c in learner.cells if c.cell_type == "code")
        assert all(c.execution_count is None for c in learner.cells if c.cell_type == "code")
    assert (dist / "helpers" / "step_by_step" / "expected.npz").exists()
    assert (dist / "data" / "README.md").exists()
    assert (dist / "README.md").exists()


PATH_IN_TEXT = re.compile(r"`((?:helpers|results|scripts|tests|data|docs|benchmarks|notebooks)/[^`\s]*)`")


def test_every_path_the_release_names_is_in_the_release(dist):
    """A learner who follows a file the text names (`helpers/jazz/music.py`) finds it."""
    named = {(nb.file, path) for nb in NOTEBOOKS for cell in nbcells.read(dist / nb.file).cells
             for path in PATH_IN_TEXT.findall(cell.source)}
    assert len(named) > 10
    missing = sorted((file, path) for file, path in named if not (dist / path).exists())
    assert not missing, f"named in the release but not in it: {missing}"


@pytest.mark.parametrize("nb", NOTEBOOKS, ids=lambda nb: nb.file)
def test_putting_the_solutions_back_gives_the_instructor_notebook(dist, nb):
    learner, solved = nbcells.read(dist / nb.file), instructor(nb)
    assert len(learner.cells) == len(solved.cells)
    for index, (mine, theirs) in enumerate(zip(learner.cells, solved.cells)):
        name = nbcells.graded_name(theirs)
        source = mine.source if name is None else nbcells.solved_source(
            mine.source, theirs.source, name, f"{nb.file}, cell {index}")
        assert source == theirs.source, f"{nb.file}, cell {index} differs after the round trip"


@pytest.mark.parametrize("nb", NOTEBOOKS, ids=lambda nb: nb.file)
def test_learner_notebook_runs_to_the_end_saying_not_implemented_yet(dist, nb):
    path = dist / nb.file
    learner = nbcells.read(path)
    learner.cells.append(nbformat.v4.new_code_cell("import helpers; print(helpers.__file__)"))
    nbformat.write(learner, str(path.with_suffix(".probe.ipynb")))
    ran = execute(path.with_suffix(".probe.ipynb"), timeout=300, allow_errors=True,
                  progress=False, cwd=dist)
    graded = [nbcells.graded_name(c) for c in ran.cells if nbcells.graded_name(c)]
    errors = [(i, o) for i, c in enumerate(ran.cells) if c.cell_type == "code"
              for o in c.outputs if o.output_type == "error"]
    printed = {i: "".join(o.get("text", "") for o in c.outputs if o.output_type == "stream")
               for i, c in enumerate(ran.cells) if c.cell_type == "code"}
    first = next(c for c in learner.cells if c.cell_type == "code")
    if "from helpers.notebook import setup" in first.source:
        # helpers.notebook.setup turns a stub's error into one line: no traceback is left, and
        # every cell that stopped at a stub says which exercise it waits for
        assert not errors, f"cells ending in an error: {[(i, o.ename, o.evalue[:200]) for i, o in errors]}"
        waiting = {i: re.findall(r"^⏳ (\w+)", text, re.M) for i, text in printed.items()}
        for i, names in waiting.items():
            assert len(names) <= 1, f"cell {i} printed {len(names)} lines: {printed[i][:300]}"
            assert set(names) <= set(graded), f"cell {i} waits for no graded function: {names}"
        assert sum(map(len, waiting.values())) >= len(graded)
    else:
        unrelated = [(i, o.ename, o.evalue[:200]) for i, o in errors
                     if o.ename != "NotImplementedError" or not o.evalue.split(":")[0] in graded]
        assert not unrelated, f"errors other than a stub's NotImplementedError: {unrelated}"
    for name in graded:
        check_cells = [i for i, c in enumerate(ran.cells)
                       if c.cell_type == "code" and f"check_{name}({name})" in c.source]
        assert check_cells, f"no check cell for {name}"
        for i in check_cells:
            assert f"{name}: not implemented yet" in printed[i], f"cell {i}: {printed[i][:300]}"
    assert str(dist / "helpers") in printed[len(ran.cells) - 1], "the release's own helpers were not used"


def test_keep_never_overwrites_a_learners_notebook(tmp_path):
    out = tmp_path / "workspace"
    release.write(out, keep=True)
    first = NOTEBOOKS[0].file
    nb = nbcells.read(out / first)
    nb.cells[0].source = "# my own notes\n" + nb.cells[0].source
    nbformat.write(nb, str(out / first))
    (out / NOTEBOOKS[1].file).unlink()
    written = release.write(out, keep=True)
    assert written == [NOTEBOOKS[1].file]
    assert nbcells.read(out / first).cells[0].source.startswith("# my own notes")


def test_release_refuses_to_overwrite_the_course():
    with pytest.raises(ValueError, match="contains the course"):
        release.write(ROOT)
