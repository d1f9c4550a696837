"""The notebooks' translation catalogues (gettext ``.po``, read and written with polib).

The English notebooks are the source. For a language ``lang`` each notebook ``<stem>.ipynb``
has a catalogue ``locale/<lang>/LC_MESSAGES/<stem>.po`` with one entry per piece of text a
reader sees, its ``msgctxt`` the cell's id (nbformat 4.5) and its ``msgid`` the English:

- a markdown cell: the whole cell source;
- a comment in a code cell (``# ...``, alone on its line or after code): the text after the
  ``#`` signs and one space; machine markers (``GRADED FUNCTION``, ``EXPORT``, ``BEGIN`` /
  ``END SOLUTION``, ``NBVAL_...``) are never translated;
- printed prose in a code cell: a string literal (plain or f-string) passed straight to
  ``print(...)`` that holds a word of three letters or more, or two words, outside its ``{...}`` fields; the ``msgid`` is the literal exactly as
  written, quotes and prefix included, and its translation must be a literal of the same kind
  with the same ``{...}`` fields.

Code is otherwise identical in both editions. Because the English text is the ``msgid``,
changing a cell leaves its old entry unmatched: ``update`` marks it obsolete and adds the new
text untranslated, and the catalogue test fails until a translator catches up.

    python -m helpers.instructor.translations --update    # add new text, mark old text obsolete
    python -m helpers.instructor.translations --update --purge   # and drop obsolete entries
    python -m helpers.instructor.translations --check     # list what is untranslated or stale

:func:`problems` compares a catalogue with the text extracted afresh from its notebook: an
entry still untranslated, marked fuzzy, obsolete, or whose English is no longer in the
notebook is a problem, named by notebook and cell id (``tests/test_translations.py``).
"""
import argparse
import ast
import io
import re
import tokenize
from pathlib import Path
from typing import NamedTuple

import nbformat

from ..paths import ROOT
from .course import NOTEBOOKS

LOCALE = ROOT / "locale"
LANGUAGES = ("zh_CN",)
MARKERS = re.compile(r"^(GRADED FUNCTION:|EXPORT\b|BEGIN SOLUTION|END SOLUTION|NBVAL_|noqa|type:)")
WORDS = re.compile(r"[A-Za-z]{3,}|[A-Za-z]{2,}\W+[A-Za-z]{2,}")   # outside the {...} fields


class Entry(NamedTuple):
    """One translatable piece of a notebook: ``kind`` is markdown, comment or print."""
    cell_id: str
    kind: str
    msgid: str


def catalogue_path(stem: str, lang: str) -> Path:
    return LOCALE / lang / "LC_MESSAGES" / f"{stem}.po"


def comment_text(token: str) -> str:
    """The translatable text of a comment token (``'#  text'`` -> ``'text'``)."""
    return token.lstrip("#").strip()


def code_comments(source: str) -> list[tuple[tokenize.TokenInfo, str]]:
    """The comments of a code cell worth translating, with their text."""
    found = []
    try:
        for tok in tokenize.generate_tokens(io.StringIO(source).readline):
            if tok.type == tokenize.COMMENT:
                text = comment_text(tok.string)
                if re.search(r"[A-Za-z]{2,}", text) and not MARKERS.match(text):
                    found.append((tok, text))
    except (tokenize.TokenError, IndentationError):
        pass                                 # IPython magics or unfinished code: no comments
    return found


def printed_literals(source: str) -> list[tuple[ast.AST, str]]:
    """String literals passed straight to ``print`` that hold prose, with their source text."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return []
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "print":
            for arg in node.args:
                if isinstance(arg, (ast.Constant, ast.JoinedStr)) and (
                        not isinstance(arg, ast.Constant) or isinstance(arg.value, str)):
                    text = ast.get_source_segment(source, arg)
                    if text and WORDS.search(re.sub(r"\{[^{}]*\}", " ", text)):
                        found.append((arg, text))
    return sorted(found, key=lambda item: (item[0].lineno, item[0].col_offset))


def notebook_entries(path: Path) -> list[Entry]:
    """Every translatable piece of the notebook at ``path``, in reading order."""
    nb = nbformat.read(path, as_version=4)
    entries = []
    for cell in nb.cells:
        if cell.cell_type == "markdown" and cell.source.strip():
            entries.append(Entry(cell.id, "markdown", cell.source))
        elif cell.cell_type == "code":
            entries += [Entry(cell.id, "comment", text) for _, text in code_comments(cell.source)]
            entries += [Entry(cell.id, "print", text) for _, text in printed_literals(cell.source)]
    return entries


def english_path(stem: str) -> Path:
    return ROOT / "notebooks" / f"{stem}.ipynb"


def read_catalogue(path: Path):
    """The catalogue at ``path`` (polib), empty when there is none yet."""
    import polib

    return polib.pofile(str(path)) if Path(path).exists() else polib.POFile(wrapwidth=0)


def translations(stem: str, lang: str, path: Path | None = None) -> dict:
    """``{(cell id, English): translation}`` of the translated, current entries (not fuzzy,
    not obsolete) of ``stem``'s catalogue for ``lang``."""
    po = read_catalogue(path or catalogue_path(stem, lang))
    return {(e.msgctxt, e.msgid): e.msgstr for e in po
            if e.msgstr and not e.obsolete and "fuzzy" not in e.flags}


def short(text: str, width: int = 60) -> str:
    """``text`` on one line, cut to ``width`` characters, quoted."""
    line = " ".join(text.split())
    return repr(line if len(line) <= width else line[:width - 1] + "…")


def problems(stem: str, lang: str, notebook: Path | None = None,
             catalogue: Path | None = None) -> list[str]:
    """One line per entry of the catalogue that is not a current translation of the English
    notebook, extracted afresh: untranslated (or missing), fuzzy, obsolete, or stale (its
    English is no longer in that cell). Each line names the notebook and the cell id."""
    path = catalogue or catalogue_path(stem, lang)
    po = read_catalogue(path)
    wanted = notebook_entries(notebook or english_path(stem))
    keys = {(e.cell_id, e.msgid) for e in wanted}
    have = {(e.msgctxt, e.msgid): e for e in po if not e.obsolete}
    found = []
    for e in wanted:
        entry = have.get((e.cell_id, e.msgid))
        if entry is None:
            found.append(f"{stem}: cell {e.cell_id}: {e.kind} not in {path.name} "
                         f"(run make translations): {short(e.msgid)}")
        elif "fuzzy" in entry.flags:
            found.append(f"{stem}: cell {e.cell_id}: fuzzy {e.kind}: {short(e.msgid)}")
        elif not entry.msgstr:
            found.append(f"{stem}: cell {e.cell_id}: untranslated {e.kind}: {short(e.msgid)}")
    for entry in po:
        if entry.obsolete:
            found.append(f"{stem}: cell {entry.msgctxt}: obsolete entry (its English changed "
                         f"or its cell is gone): {short(entry.msgid)}")
        elif (entry.msgctxt, entry.msgid) not in keys:
            found.append(f"{stem}: cell {entry.msgctxt}: stale entry, its English is no longer "
                         f"in the notebook (run make translations): {short(entry.msgid)}")
    return found


def update(stem: str, lang: str, notebook: Path | None = None,
           catalogue: Path | None = None, purge: bool = False) -> tuple[int, int]:
    """Bring ``stem``'s catalogue for ``lang`` up to the English notebook: new text is added
    untranslated, text no longer there is marked obsolete (dropped if it was never translated).
    With ``purge``, obsolete entries already in the catalogue are dropped (once the new text
    is translated, the old translation has served). Returns (added, obsoleted)."""
    import polib

    path = catalogue or catalogue_path(stem, lang)
    po = read_catalogue(path)
    po.metadata = {"Project-Id-Version": f"rnn-lab {stem}", "Language": lang,
                   "MIME-Version": "1.0", "Content-Type": "text/plain; charset=UTF-8",
                   "Content-Transfer-Encoding": "8bit"}
    wanted = notebook_entries(notebook or english_path(stem))
    keys = {(e.cell_id, e.msgid) for e in wanted}
    if purge:
        for entry in [e for e in po if e.obsolete and (e.msgctxt, e.msgid) not in keys]:
            po.remove(entry)
    have = {(e.msgctxt, e.msgid): e for e in po if not e.obsolete}
    retired = {(e.msgctxt, e.msgid): e for e in po if e.obsolete}
    added = 0
    for e in wanted:
        if (e.cell_id, e.msgid) in retired and (e.cell_id, e.msgid) not in have:
            retired[e.cell_id, e.msgid].obsolete = False     # the text is back: so is its translation
            have[e.cell_id, e.msgid] = retired[e.cell_id, e.msgid]
        if (e.cell_id, e.msgid) not in have:
            entry = polib.POEntry(msgctxt=e.cell_id, msgid=e.msgid, msgstr="", comment=e.kind)
            po.append(entry)
            have[e.cell_id, e.msgid] = entry
            added += 1
    obsoleted = 0
    for entry in list(po):
        if not entry.obsolete and (entry.msgctxt, entry.msgid) not in keys:
            if entry.msgstr:                 # kept for the translator of the new text
                entry.obsolete = True
            else:
                po.remove(entry)
            obsoleted += 1
    path.parent.mkdir(parents=True, exist_ok=True)
    po.wrapwidth = 0
    po.save(str(path))
    return added, obsoleted


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--update", action="store_true", help="update every catalogue")
    parser.add_argument("--check", action="store_true",
                        help="list untranslated, fuzzy and stale entries (exit 1 if any)")
    parser.add_argument("--purge", action="store_true", help="with --update: drop obsolete entries")
    args = parser.parse_args(argv)
    if args.check:
        found = [line for lang in LANGUAGES for nb in NOTEBOOKS
                 for line in problems(Path(nb.file).stem, lang)]
        print("\n".join(found) or "every catalogue is complete and current")
        return 1 if found else 0
    if args.update:
        for lang in LANGUAGES:
            for nb in NOTEBOOKS:
                stem = Path(nb.file).stem
                added, obsoleted = update(stem, lang, purge=args.purge)
                print(f"{catalogue_path(stem, lang).relative_to(ROOT)}: {added} new, "
                      f"{obsoleted} obsolete")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
