"""A whole class at once: student folders, bad files as rows, re-runs, one-line errors."""
import csv
import json
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from helpers.instructor import attacks, grade

ROOT = Path(__file__).resolve().parent.parent
OPTIONS = grade.Options(timeout=20, exercise_timeout=5)


def cli(*args):
    run = subprocess.run([sys.executable, "-m", "helpers.instructor.grade", *map(str, args)],
                         cwd=ROOT, capture_output=True, text=True, timeout=600)
    return run.returncode, run.stdout, run.stderr


def problem_files(folder: Path) -> None:
    """One of each kind of file that cannot be graded, in the LMS layout."""
    (folder / "bob").mkdir(parents=True)
    (folder / "bob" / "corrupt.ipynb").write_text('{"cells": [', encoding="utf-8")
    (folder / "bob" / "empty.ipynb").write_text("", encoding="utf-8")
    (folder / "carol").mkdir()
    (folder / "dave").mkdir()
    holiday = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("photos")])
    nbformat.write(holiday, str(folder / "dave" / "holiday.ipynb"))
    (folder / "erin").mkdir()
    stranger = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
        "# GRADED FUNCTION: frobnicate\ndef frobnicate():\n    return 1")])
    nbformat.write(stranger, str(folder / "erin" / "unknown.ipynb"))
    (folder / "notes.txt").write_text("not a submission", encoding="utf-8")
    (folder / "frank").mkdir()
    (folder / "frank" / "gone.ipynb").symlink_to(folder / "frank" / "moved-away.ipynb")


REASONS = {"bob/corrupt": "not a notebook: invalid JSON", "bob/empty": "empty file",
           "carol": "no notebook (.ipynb) in this folder",
           "dave/holiday": "no '# GRADED FUNCTION:' cell",
           "erin/unknown": "frobnicate) belong to none", "notes.txt": "is no .ipynb file",
           "frank/gone": "cannot read the file (No such file or directory)"}


def test_bad_files_are_rows_with_one_line_reasons_and_the_batch_goes_on(tmp_path):
    subs, out = tmp_path / "subs", tmp_path / "grades"
    problem_files(subs)
    code, stdout, stderr = cli(subs, "--out", out)
    assert code == 0, stderr
    assert "Traceback" not in stdout + stderr
    lines = stdout.splitlines()
    for key, reason in REASONS.items():
        line = next(line for line in lines if line.startswith(f"{key}: "))
        assert reason in line, line
        assert reason in json.loads((out / f"{key}.json").read_text())["problem"]
    book = list(csv.DictReader((out / "gradebook.csv").open()))
    assert {row["student"] for row in book} == {"bob", "carol", "dave", "erin", "frank", "notes"}
    bob = next(row for row in book if row["student"] == "bob")
    assert "invalid JSON" in bob["problems"] and "empty file" in bob["problems"]


@pytest.mark.parametrize("args, message", [
    (["no/such/folder"], "no/such/folder: no such file or folder"),
    (["{empty}"], "no notebooks (.ipynb) found"),
    (["{empty}", "--jobs", "0"], "--jobs: 0 must be at least 1"),
    (["{empty}", "--timeout", "soon"], "'soon' is not a number of seconds"),
    (["{empty}", "--colour"], "unrecognized arguments: --colour"),
])
def test_command_line_errors_are_one_line(tmp_path, capsys, args, message):
    (tmp_path / "empty").mkdir()
    try:
        code = grade.main([a.format(empty=tmp_path / "empty") for a in args])
    except SystemExit as stop:  # argparse's way out, with our one-line message
        code = stop.code
    stdout, stderr = capsys.readouterr()
    assert code == 2
    assert stderr.strip().count("\n") == 0 and message in stderr, stderr
    assert "Traceback" not in stdout + stderr


def test_grading_without_isolation_is_refused_in_one_line(tmp_path, monkeypatch, capsys):
    """As a normal user (or where namespaces are not allowed) nothing runs: one line says why."""
    from helpers.instructor.grading import view

    (tmp_path / "subs").mkdir()
    nbformat.write(attacks.submission(), str(tmp_path / "subs" / "a.ipynb"))
    monkeypatch.setattr(view, "AS_ROOT", False)
    assert grade.main([str(tmp_path / "subs"), "--out", str(tmp_path / "out")]) == 2
    stdout, stderr = capsys.readouterr()
    assert stderr.startswith("grade: grading needs root") and stderr.count("\n") == 1, stderr
    assert not (tmp_path / "out").exists()
    monkeypatch.setattr(view, "AS_ROOT", True)
    monkeypatch.setattr(view, "_WORKS", [False])
    assert "namespaces" in view.missing_isolation()


def test_student_folders_renamed_copies_and_reruns(tmp_path):
    subs, out = tmp_path / "subs", tmp_path / "grades"
    (subs / "alice").mkdir(parents=True)
    # A notebook-1 submission saved under notebook 2's name: recognised by its content.
    nbformat.write(attacks.submission(), str(subs / "alice" / "2_jazz_improvisation (1).ipynb"))
    (subs / "bob").mkdir()
    nbformat.write(attacks.submission(solved={"rnn_cell_forward"}), str(subs / "bob" / "work.ipynb"))
    seen = []
    first = grade.grade_batch(subs, out, jobs=2, options=OPTIONS, echo=seen.append)
    by_student = {r["student"]: r for r in first}
    assert by_student["alice"]["notebook"] == "1_rnn_step_by_step.ipynb"
    assert by_student["alice"]["score"] == 120 and by_student["bob"]["score"] == 10
    book = {row["student"]: row for row in csv.DictReader((out / "gradebook.csv").open())}
    assert book["alice"]["score"] == "120" and book["alice"]["step_by_step.gru_backward"] == "10"
    assert book["bob"]["step_by_step.rnn_cell_forward"] == "10"
    assert book["bob"]["step_by_step.rnn_forward"] == "0" and book["bob"]["max_score"] == "120"
    stored = out / "alice" / "2_jazz_improvisation (1).json"
    stamp = stored.stat().st_mtime_ns

    seen.clear()
    grade.grade_batch(subs, out, jobs=2, options=OPTIONS, echo=seen.append)
    assert all("(already graded)" in line for line in seen) and len(seen) == 2
    assert stored.stat().st_mtime_ns == stamp

    nbformat.write(attacks.submission(solved={"rnn_cell_forward", "rnn_forward"}),
                   str(subs / "bob" / "work.ipynb"))  # bob hands in again: only bob re-graded
    seen.clear()
    again = grade.grade_batch(subs, out, jobs=1, options=OPTIONS, echo=seen.append)
    assert [("already graded" in line) for line in seen] == [True, False]
    assert {r["student"]: r["score"] for r in again} == {"alice": 120, "bob": 20}

    seen.clear()
    grade.grade_batch(subs, out, jobs=2, force=True, options=OPTIONS, echo=seen.append)
    assert not any("already graded" in line for line in seen)
    assert stored.stat().st_mtime_ns != stamp


def test_an_unexpected_error_costs_one_row_and_the_batch_writes_its_gradebook(tmp_path, monkeypatch):
    """--jobs 1 too: whatever grading one submission raises becomes that submission's row."""
    subs, out = tmp_path / "subs", tmp_path / "grades"
    subs.mkdir()
    for name in ("a_first", "b_second"):
        nbformat.write(attacks.submission(solved={"rnn_cell_forward"}), str(subs / f"{name}.ipynb"))
    from helpers.instructor.grading import notebook
    real = notebook.grade_notebook

    def flaky(path, *args, **kwargs):
        if "a_first" in str(path):
            raise TypeError("Cannot interpret 'c4' as a data type")
        return real(path, *args, **kwargs)

    monkeypatch.setattr(notebook, "grade_notebook", flaky)
    results = {r["key"]: r for r in grade.grade_batch(subs, out, jobs=1, options=OPTIONS,
                                                      echo=lambda line: None)}
    assert results["a_first"]["problem"].startswith("grading failed (TypeError: Cannot interpret")
    assert results["b_second"]["score"] == 10
    book = {row["student"]: row for row in csv.DictReader((out / "gradebook.csv").open())}
    assert book["b_second"]["score"] == "10" and "grading failed" in book["a_first"]["problems"]


def test_restarts_cannot_multiply_the_cell_timeout(tmp_path):
    """Sleeping cells and cells that ignore interrupts: the notebook's deadline bounds them all."""
    stubborn = ("import signal, time\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\n"
                "while True:\n    time.sleep(0.1)")
    nb = attacks.submission(solved={"rnn_cell_forward"})
    for _ in range(3):
        nb.cells.insert(1, nbformat.v4.new_code_cell("import time\ntime.sleep(60)"))
        nb.cells.insert(1, nbformat.v4.new_code_cell(stubborn))
    path = tmp_path / "slow.ipynb"
    nbformat.write(nb, str(path))
    result = grade.grade_notebook(path, timeout=4, exercise_timeout=4, notebook_timeout=12)
    assert result["seconds"] < 12 + 4 + 60, result["seconds"]
    assert any("deadline" in note for note in result["notes"]), result["notes"]
