"""The notebooks' catalogues: every piece of English text has a current translation, and a
changed English cell makes its entry stale, named by notebook and cell id."""
import shutil
from pathlib import Path

import nbformat
import polib
import pytest

from helpers.instructor import translations as tr
from helpers.instructor.course import NOTEBOOKS

ROOT = Path(__file__).resolve().parent.parent
STEM = "1_rnn_step_by_step"
STEMS = [Path(nb.file).stem for nb in NOTEBOOKS]


@pytest.fixture
def small(tmp_path):
    """A copy of notebook 1 and a catalogue made for it, every entry translated."""
    notebook, catalogue = tmp_path / f"{STEM}.ipynb", tmp_path / f"{STEM}.po"
    shutil.copyfile(ROOT / "notebooks" / f"{STEM}.ipynb", notebook)
    added, obsoleted = tr.update(STEM, "zh_CN", notebook=notebook, catalogue=catalogue)
    assert added == len({(e.cell_id, e.msgid) for e in tr.notebook_entries(notebook)}) > 30
    assert obsoleted == 0
    po = polib.pofile(str(catalogue))
    for entry in po:
        entry.msgstr = "译文"
    po.save(str(catalogue))
    return notebook, catalogue


def first_markdown(notebook):
    nb = nbformat.read(str(notebook), as_version=4)
    return nb, next(c for c in nb.cells if c.cell_type == "markdown")


def test_a_complete_catalogue_has_no_problem(small):
    notebook, catalogue = small
    assert tr.problems(STEM, "zh_CN", notebook=notebook, catalogue=catalogue) == []


def test_a_changed_english_cell_makes_its_entry_stale_then_obsolete(small):
    notebook, catalogue = small
    nb, cell = first_markdown(notebook)
    cell.source += "\n\nOne more sentence."
    nbformat.write(nb, str(notebook))
    found = tr.problems(STEM, "zh_CN", notebook=notebook, catalogue=catalogue)
    assert len(found) == 2, found
    assert found[0].startswith(f"{STEM}: cell {cell.id}: markdown not in {STEM}.po")
    assert found[1].startswith(f"{STEM}: cell {cell.id}: stale entry")
    assert all("\n" not in line for line in found)
    assert tr.update(STEM, "zh_CN", notebook=notebook, catalogue=catalogue) == (1, 1)
    found = tr.problems(STEM, "zh_CN", notebook=notebook, catalogue=catalogue)
    assert [line.split(":")[1:3] for line in found] == [
        [f" cell {cell.id}", " untranslated markdown"], [f" cell {cell.id}", " obsolete entry (its English changed or its cell is gone)"]]
    import polib
    po = polib.pofile(str(catalogue))
    next(e for e in po if e.msgctxt == cell.id and not e.obsolete).msgstr = "又多了一句。"
    po.save(str(catalogue))
    assert tr.update(STEM, "zh_CN", notebook=notebook, catalogue=catalogue, purge=True) == (0, 0)
    assert tr.problems(STEM, "zh_CN", notebook=notebook, catalogue=catalogue) == []


def test_untranslated_and_fuzzy_entries_are_named(small):
    notebook, catalogue = small
    po = polib.pofile(str(catalogue))
    comment = next(e for e in po if e.comment == "comment")
    printed = next(e for e in po if e.comment == "print")
    comment.msgstr = ""
    printed.flags.append("fuzzy")
    po.save(str(catalogue))
    found = tr.problems(STEM, "zh_CN", notebook=notebook, catalogue=catalogue)
    assert found == [
        f"{STEM}: cell {comment.msgctxt}: untranslated comment: {tr.short(comment.msgid)}",
        f"{STEM}: cell {printed.msgctxt}: fuzzy print: {tr.short(printed.msgid)}"]
    assert (comment.msgctxt, comment.msgid) not in tr.translations(STEM, "zh_CN", catalogue)
    assert (printed.msgctxt, printed.msgid) not in tr.translations(STEM, "zh_CN", catalogue)


def test_markers_and_code_are_never_catalogued():
    entries = [e for stem in STEMS for e in tr.notebook_entries(ROOT / "notebooks" / f"{stem}.ipynb")]
    comments = [e.msgid for e in entries if e.kind == "comment"]
    assert comments and not [c for c in comments if tr.MARKERS.match(c)]
    assert not [c for c in comments if c.startswith(("GRADED FUNCTION", "BEGIN SOLUTION", "EXPORT"))]


def test_every_catalogue_is_up_to_date_with_its_notebook():
    """No entry is stale or obsolete, none missing: `make translations` has been run since the
    English last changed (what is still untranslated is the next test's business)."""
    found = [line for stem in STEMS for line in tr.problems(stem, "zh_CN")
             if ": untranslated " not in line]
    assert not found, "\n".join(found[:20])


def test_every_catalogue_is_complete_and_current():
    found = [line for stem in STEMS for line in tr.problems(stem, "zh_CN")]
    assert not found, f"{len(found)} catalogue entries to translate or update:\n" + "\n".join(found[:20])
