"""Course-wide rules: layout, notebook hygiene, generated files up to date."""
import ast
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from helpers.instructor import nbcells
from helpers.instructor.course import NOTEBOOKS
from helpers import checking as core

ROOT = Path(__file__).resolve().parent.parent
NB_PATHS = [ROOT / "notebooks" / nb.file for nb in NOTEBOOKS]
GRADED_NBS = [nb for nb in NOTEBOOKS if nb.module]


def test_required_layout_exists():
    for name in ("notebooks", "helpers", "data", "tests", "environment.yml", "README.md",
                 "pyproject.toml", "Makefile", ".ci/run", "LICENSE", "data/README.md"):
        assert (ROOT / name).exists(), f"{name} is missing"
    for path in NB_PATHS:
        assert path.exists(), f"course notebook {path.name} is missing"


@pytest.mark.parametrize("path", NB_PATHS, ids=lambda p: p.stem)
def test_notebook_is_saved_executed_with_the_python3_kernel(path):
    nb = nbcells.read(path)
    assert nb.metadata.get("kernelspec", {}).get("name") == "python3"
    code = [c for c in nb.cells if c.cell_type == "code" and c.source.strip()]
    assert code, "no code"
    unrun = [i for i, c in enumerate(code) if c.execution_count is None]
    assert not unrun, f"code cells {unrun} have no stored execution (run `make execute NB={path}`)"
    assert "setup(" in code[0].source, "the first code cell must call helpers.notebook.setup(seed=...)"
    errors = [o for c in code for o in c.outputs if o.output_type == "error"]
    assert not errors, f"stored outputs contain errors: {[e.ename for e in errors]}"


@pytest.mark.parametrize("path", NB_PATHS, ids=lambda p: p.stem)
def test_notebooks_never_import_the_generated_solutions(path):
    for cell in nbcells.read(path).cells:
        if cell.cell_type == "code":
            assert "helpers.instructor.graded" not in cell.source and "helpers import graded" not in cell.source


def test_runtime_helpers_never_import_the_instructor_tooling():
    """The learner release ships helpers/ without instructor/: nothing else there may need it."""
    for path in (ROOT / "helpers").rglob("*.py"):
        if "instructor" in path.relative_to(ROOT / "helpers").parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [("." * node.level) + (node.module or "")] + [a.name for a in node.names]
            assert not any("instructor" in n or "graded" in n for n in names), \
                f"{path.relative_to(ROOT)} imports instructor code"


@pytest.mark.parametrize("nb", GRADED_NBS, ids=lambda nb: nb.module)
def test_every_graded_function_has_a_check_and_a_check_cell(nb):
    import importlib
    checks = importlib.import_module(f"helpers.{nb.module}.checks")
    cells = nbcells.read(ROOT / "notebooks" / nb.file).cells
    graded = [(i, nbcells.graded_name(c)) for i, c in enumerate(cells) if nbcells.graded_name(c)]
    assert graded, "a graded notebook without graded cells"
    for index, name in graded:
        assert name in core.REGISTRY, f"no @exercise({name!r}) in helpers/{nb.module}/checks.py"
        assert hasattr(checks, f"check_{name}")
        later = [c.source for c in cells[index + 1:] if c.cell_type == "code"]
        assert later and re.search(rf"\bcheck_{name}\(\s*{name}\s*\)", later[0]), \
            f"the code cell after {name} must run check_{name}({name})"


def test_manifest_lists_every_graded_function_once():
    manifest = json.loads((ROOT / "helpers/instructor/manifest.json").read_text())
    for nb in GRADED_NBS:
        names = [e["name"] for e in manifest[nb.file]]
        cells = nbcells.read(ROOT / "notebooks" / nb.file).cells
        assert names == [nbcells.graded_name(c) for c in cells if nbcells.graded_name(c)]
        assert all(e["points"] > 0 for e in manifest[nb.file])


def test_data_readme_names_every_data_file():
    listed = subprocess.run(["git", "ls-files", "data"], cwd=ROOT, capture_output=True, text=True).stdout.split()
    readme = (ROOT / "data/README.md").read_text(encoding="utf-8")
    missing = [f for f in listed if f != "data/README.md" and Path(f).name not in readme]
    assert not missing, f"data/README.md does not name: {missing}"


def test_readme_shows_the_two_commands_first():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    first_code = re.search(r"```(?:bash|sh)?\n(.*?)```", text, re.S)
    assert first_code, "README.md has no command block"
    assert "make lab" in first_code.group(1) and "make test" in first_code.group(1)


def all_exercises():
    manifest = json.loads((ROOT / "helpers/instructor/manifest.json").read_text())
    modules = {nb.file: nb.module for nb in GRADED_NBS}
    return [(modules[f], e["name"]) for f, exercises in manifest.items() for e in exercises]


@pytest.mark.parametrize("module, name", all_exercises(), ids=lambda v: v)
def test_check_passes_the_reference_and_waits_for_a_stub(module, name, capsys):
    """Every check accepts the solution, and says "not implemented yet" (no error) for a stub."""
    import importlib
    checks = importlib.import_module(f"helpers.{module}.checks")
    graded = importlib.import_module(f"helpers.instructor.graded.{module}")
    check = getattr(checks, f"check_{name}")
    check(getattr(graded, name))
    assert f"✅ {name}: all" in capsys.readouterr().out
    assert core.outcome(name, getattr(graded, name)).status == "passed"

    def stub(*args, **kwargs):
        raise NotImplementedError(f"{name}: replace these two lines with your code")

    check(stub)
    assert capsys.readouterr().out.strip() == f"⏳ {name}: not implemented yet"
    assert core.outcome(name, stub).status == "not implemented"


@pytest.mark.parametrize("module, name", all_exercises(), ids=lambda v: v)
def test_a_crash_in_learner_code_is_one_line_that_quotes_the_learners_line(module, name, capsys):
    """Every check reports a crash of the learner's function as one line: the exception, the
    learner's own line that raised, and the exercise's name (never a private helper's)."""
    import importlib
    checks = importlib.import_module(f"helpers.{module}.checks")

    def crashing(*args, **kwargs):
        raise ValueError("the learner's mistake")

    crashing.__name__ = name
    with pytest.raises(core.CheckFailed) as failed:
        getattr(checks, f"check_{name}")(crashing)
    hint = failed.value.hint
    assert hint.startswith(f"calling {name} raised ValueError: the learner's mistake (at test_course.py, "
                           "line "), hint
    assert hint.endswith(f"in crashing: raise ValueError(\"the learner's mistake\"))"), hint
    assert failed.value._render_traceback_() == [f"✗ {name}: {hint}"]
    assert hint not in capsys.readouterr().out  # shown once: by the ✗ line alone
    assert core.outcome(name, crashing).hint == hint
