"""A Chinese submission is graded exactly like an English one: the same solutions, written in
each edition's notebook 1, get the same gradebook row."""
import csv
import re
from pathlib import Path

import nbformat

from helpers.instructor import edition, grade, nbcells
from helpers.instructor import translations as tr

ROOT = Path(__file__).resolve().parent.parent
STEM = "1_rnn_step_by_step"
OPTIONS = grade.Options(timeout=20, exercise_timeout=5)


def every_piece_translated() -> dict:
    """The catalogue's translations, and a stand-in for each piece still untranslated, so
    that every comment and printed literal of the Chinese submission differs from the English."""
    table = {}
    for e in tr.notebook_entries(ROOT / "notebooks" / f"{STEM}.ipynb"):
        if e.kind == "print":
            quote = next(i for i, ch in enumerate(e.msgid) if ch in "\"'")
            table[e.cell_id, e.msgid] = e.msgid[:quote + 1] + "中文" + e.msgid[quote + 1:]
        else:
            table[e.cell_id, e.msgid] = "中文 " + " ".join(e.msgid.split())
    return {**table, **tr.translations(STEM, "zh_CN")}


def submission(nb) -> nbformat.NotebookNode:
    """The learner's work in ``nb``: the first code cell, the ``# EXPORT`` cell and every
    graded cell, solved (the rest of the notebook only adds minutes)."""
    code = [c for c in nb.cells if c.cell_type == "code"]
    keep = [code[0]] + [c for c in code[1:] if nbcells.is_export(c) or nbcells.graded_name(c)]
    cells = [nbformat.v4.new_code_cell(nbcells.code_without_markers(c.source)) for c in keep]
    return nbformat.v4.new_notebook(cells=cells, metadata=nb.metadata)


def test_the_same_solutions_get_the_same_grades_in_both_editions(tmp_path):
    english = nbformat.read(str(ROOT / "notebooks" / f"{STEM}.ipynb"), as_version=4)
    chinese = edition.translate_notebook(english, "zh_CN", stem=STEM, table=every_piece_translated())
    subs = tmp_path / "submissions"
    for student, nb in (("en", english), ("zh", chinese)):
        (subs / student).mkdir(parents=True)
        nbformat.write(submission(nb), str(subs / student / f"{STEM}.ipynb"))
    mine, theirs = (nbformat.read(str(subs / s / f"{STEM}.ipynb"), as_version=4) for s in ("en", "zh"))
    differ = [a for a, b in zip(mine.cells, theirs.cells) if a.source != b.source]
    assert len(differ) >= 10, "the Chinese submission is not translated"
    graded_sources = "".join(c.source for c in theirs.cells if nbcells.graded_name(c))
    assert re.search(r"[\u4e00-\u9fff]", graded_sources), "the graded cells hold no Chinese"
    results = grade.grade_batch(subs, tmp_path / "grades", jobs=2, options=OPTIONS,
                                echo=lambda line: None)
    by_student = {r["student"]: r for r in results}
    assert by_student["en"]["score"] == by_student["en"]["max_score"] == 120, by_student["en"]
    rows = {row.pop("student"): row for row in csv.DictReader((tmp_path / "grades" / "gradebook.csv").open())}
    assert rows["zh"].pop("files") == "zh/1_rnn_step_by_step"
    assert rows["en"].pop("files") == "en/1_rnn_step_by_step"
    assert rows["zh"] == rows["en"] and len(rows["en"]) > 12
    assert [(r["exercise"], r["points"]) for r in by_student["zh"]["exercises"]] == \
        [(r["exercise"], r["points"]) for r in by_student["en"]["exercises"]]
