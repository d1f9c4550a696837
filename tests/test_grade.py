"""The grader: fair scores, per-exercise isolation of crashes and endless loops."""
import hashlib
import json
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from helpers.instructor import nbcells, release
from helpers.instructor.grade import grade_notebook

ROOT = Path(__file__).resolve().parent.parent
NB = "1_rnn_step_by_step.ipynb"


def digest(path):
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def fill(learner, instructor, names, sabotage=None):
    """Put back the solutions of ``names``; ``sabotage`` maps a name to code run first."""
    sabotage = sabotage or {}
    for mine, theirs in zip(learner.cells, instructor.cells):
        name = nbcells.graded_name(theirs)
        if name in names:
            mine.source = nbcells.solved_source(mine.source, theirs.source, name)
        if name in sabotage:
            _, _, indent = nbcells.solution_blocks(theirs.source)[0]
            stub = indent + nbcells.STUB_COMMENT
            code = "\n".join(indent + line for line in sabotage[name])
            mine.source = mine.source.replace(stub, code + "\n" + stub, 1)
    return learner


@pytest.fixture(scope="module")
def learner_nb(tmp_path_factory):
    out = tmp_path_factory.mktemp("grade") / "rel"
    release.write(out)
    return out / NB


def by_name(result):
    return {row["exercise"]: row for row in result["exercises"]}


def test_untouched_learner_notebook_scores_zero(learner_nb):
    before = digest(learner_nb)
    result = grade_notebook(learner_nb, timeout=120)
    assert result["score"] == 0 and result["max_score"] > 0
    assert {r["status"] for r in result["exercises"]} == {"not implemented"}
    assert digest(learner_nb) == before


def test_crashes_and_endless_loops_cost_only_their_exercise(learner_nb, tmp_path):
    learner = nbcells.read(learner_nb)
    instructor = nbcells.read(ROOT / "notebooks" / NB)
    mixed = fill(learner, instructor, {"rnn_cell_forward", "rnn_forward"},
                 sabotage={"lstm_cell_forward": ['raise ValueError("boom")'],
                           "gru_cell_forward": ["while True:", "    pass"]})
    path = tmp_path / NB
    nbformat.write(mixed, str(path))
    before = digest(path)
    rows = by_name(grade_notebook(path, timeout=40))
    assert rows["rnn_cell_forward"]["passed"] and rows["rnn_forward"]["passed"]
    assert rows["rnn_cell_forward"]["points"] == rows["rnn_cell_forward"]["max_points"] > 0
    assert not rows["lstm_cell_forward"]["passed"]
    assert "ValueError: boom" in rows["lstm_cell_forward"]["hint"]
    assert not rows["gru_cell_forward"]["passed"]
    assert "time limit" in rows["gru_cell_forward"]["hint"]
    assert rows["lstm_forward"]["status"] in ("failed", "not implemented")
    assert digest(path) == before


def test_solved_notebook_gets_full_marks_and_json(tmp_path):
    out = tmp_path / "grades"
    run = subprocess.run([sys.executable, "-m", "helpers.instructor.grade", str(ROOT / "notebooks" / NB),
                          "--out", str(out)], cwd=ROOT, capture_output=True, text=True, timeout=900)
    assert run.returncode == 0, run.stderr[-2000:]
    result = json.loads((out / "1_rnn_step_by_step.json").read_text())
    assert result["score"] == result["max_score"] > 0, run.stdout
    assert "exercise" in run.stdout and "points" in run.stdout


def test_unknown_notebook_is_refused_by_name(tmp_path):
    stray = tmp_path / "holiday_photos.ipynb"
    nbformat.write(nbformat.v4.new_notebook(), str(stray))
    with pytest.raises(KeyError, match="holiday_photos.ipynb"):
        grade_notebook(stray)
