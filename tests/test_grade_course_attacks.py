"""Notebooks 2 and 3 cannot be graded without solving them.

One batch (``--jobs 2``) grades a small honest submission of each and four attack bundles
(``helpers.instructor.attacks.course_bundles``), each attacking every exercise of its
notebook at once: answers borrowed from another copy of the course planted on the disk,
replayed practice answers, a subclassed model, a custom layer, a model built by a shipped
helper, the checks' probes replaced in the kernel, the kernel's answering agent replaced
(only when a grading marker is seen, and with a crafted answer that numpy cannot read).
Every attacked exercise earns 0 with a hint that says why; the rest keeps full marks.
"""
import os
import re
import shutil
from pathlib import Path

import nbformat
import pytest

from helpers.instructor import attacks, grade

ROOT = Path(__file__).resolve().parent.parent
OPTIONS = grade.Options(timeout=120, exercise_timeout=60, notebook_timeout=300)


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    base = tmp_path_factory.mktemp("course-attacks")
    other = base / "elsewhere" / "course"       # another copy of the course, readable by all
    shutil.copytree(ROOT / "helpers" / "instructor" / "graded", other / "helpers" / "instructor" / "graded")
    for path in [base, *base.rglob("*")]:
        os.chmod(path, 0o755 if path.is_dir() else 0o644)
    subs = base / "submissions"
    subs.mkdir()
    bundles = attacks.course_bundles(roots=(base / "elsewhere", "/work", "/home"))
    for bundle in bundles:
        nbformat.write(attacks.bundle_submission(bundle), str(subs / f"{bundle.name}.ipynb"))
    for nb in (attacks.NB2, attacks.NB3):
        nbformat.write(attacks.course_submission(nb), str(subs / f"honest_{nb[:1]}.ipynb"))
    results = grade.grade_batch(subs, base / "grades", jobs=2, options=OPTIONS, echo=lambda line: None)
    yield {"results": {r["key"]: r for r in results}, "bundles": bundles}


def rows(result):
    return {r["exercise"]: r for r in result["exercises"]}


@pytest.mark.parametrize("key, notebook, total", [("honest_2", attacks.NB2, 60),
                                                  ("honest_3", attacks.NB3, 70)])
def test_honest_small_submissions_get_full_marks(batch, key, notebook, total):
    result = batch["results"][key]
    assert result["notebook"] == notebook and not result["problem"]
    assert result["score"] == result["max_score"] == total, grade.table(result)


@pytest.mark.parametrize("name", [b.name for b in attacks.course_bundles()])
def test_every_attacked_exercise_earns_nothing_and_says_why(batch, name):
    bundle = next(b for b in batch["bundles"] if b.name == name)
    result = batch["results"][name]
    assert result["notebook"] == bundle.notebook and not result["problem"], result
    got = rows(result)
    for exercise, (points, hint) in bundle.expect.items():
        assert got[exercise]["points"] == points, (exercise, grade.table(result))
        assert re.search(hint, got[exercise]["hint"]), (exercise, got[exercise]["hint"])
    for exercise, row in got.items():
        if exercise not in bundle.expect:
            assert row["passed"], (exercise, grade.table(result))


def test_the_catalogue_covers_every_exercise_of_both_notebooks():
    covered = {(b.notebook, e) for b in attacks.course_bundles() for e, (p, _) in b.expect.items()
               if p == 0}
    for nb in (attacks.NB2, attacks.NB3):
        names = {e["name"] for e in grade.course()[nb].exercises}
        assert names == {e for n, e in covered if n == nb}


def test_the_learner_release_holds_no_reference_and_no_grading_case(tmp_path):
    """References, mistake tables and expected() are instructor-only; checks draw every
    input from rng, so no fixed grading case ships either."""
    from helpers.instructor import release

    release.write(tmp_path / "dist")
    helpers = tmp_path / "dist" / "helpers"
    assert not (helpers / "instructor").exists()
    text = "\n".join(p.read_text(encoding="utf-8") for p in helpers.rglob("checks.py"))
    for name in ("def expected(", "def np_lstm_step", "def inf_paths", "def dj_mistakes",
                 "def reference_generation", "def temperature_mistakes", "_case_sensitive_rows",
                 "NOTE_CASES", "_cell_forward_refs", "numerical_gradient"):
        assert name not in text, name


def test_a_virtual_environment_reached_through_a_link_is_graded(tmp_path):
    """A .venv that is a symbolic link (or lies outside the checkout) runs kernels as usual."""
    import subprocess
    import sys

    link = tmp_path / "venv-link"
    link.symlink_to(Path(sys.prefix).resolve(), target_is_directory=True)
    script = (
        "from helpers.instructor.grading import box, notebook\n"
        "with box.Box(notebook.shared_release()) as b:\n"
        "    b.preload_modules()\n"
        "    b.run_cell('import sys\\ndef where():\\n    return sys.prefix')\n"
        "    print(b.ask('call', 'where').value)\n")
    run = subprocess.run([str(link / "bin" / "python"), "-c", script], cwd=ROOT,
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr[-2000:]
    assert run.stdout.strip() == str(link), run.stdout
