"""The course in another language: each notebook made from the English one and its catalogue.

    python -m helpers.instructor.edition                 # regenerate notebooks/zh_CN/ (make translate)
    python -m helpers.instructor.edition 3_emojify       # one notebook
    python -m helpers.instructor.edition --check         # list stale generated notebooks

:func:`translate_notebook` replaces every translatable piece that
:mod:`helpers.instructor.translations` extracts: a markdown cell's whole source, a comment's
text (its ``#`` signs and the code before it stay), a printed literal at its exact source
position. Untranslated pieces stay English; everything else (code, cell ids, cell metadata,
attachments) is the English notebook's, and the notebook's metadata records the language
(``metadata.rnnlab.language``). The generated notebooks ``notebooks/<lang>/<stem>.ipynb`` get
their outputs from running them with ``RNNLAB_LANG=<lang>``; they are never edited by hand:
:func:`stale` names every one whose sources are not those of the translation of today's
English notebook and catalogue.
"""
import argparse
import ast
import copy
import re
import sys
import time
from pathlib import Path

import nbformat

from . import translations as tr
from .course import NOTEBOOKS, by_file
from ..paths import NOTEBOOKS as NB_DIR

FIELD = re.compile(r"\{[^{}]*\}")


class TranslationError(ValueError):
    """A translation that cannot replace its English in the code (one line, naming the
    notebook, the cell and the literal)."""


def edition_path(stem: str, lang: str) -> Path:
    """The generated notebook of ``stem`` in ``lang`` (the English source for ``en``)."""
    return NB_DIR / f"{stem}.ipynb" if lang == "en" else NB_DIR / lang / f"{stem}.ipynb"


def language_of(nb) -> str:
    """The language a notebook records (``en`` when it records none, as the sources)."""
    return nb.metadata.get("rnnlab", {}).get("language", "en")


def _literal(text: str):
    """The string literal (plain or f-string) ``text`` is, else None."""
    try:
        node = ast.parse(f"({text}\n)", mode="eval").body
    except SyntaxError:
        return None
    if isinstance(node, ast.JoinedStr) or (isinstance(node, ast.Constant) and isinstance(node.value, str)):
        return node
    return None


def _fields(node) -> list[str]:
    """The ``{...}`` fields of a literal, sorted (their order may change with the language)."""
    if isinstance(node, ast.JoinedStr):
        return sorted("{" + ast.unparse(v.value) + (f"!{chr(v.conversion)}" if v.conversion > 0 else "")
                      + (":" + ast.unparse(v.format_spec)[2:-1] if v.format_spec else "") + "}"
                      for v in node.values if isinstance(v, ast.FormattedValue))
    return sorted(FIELD.findall(node.value))


def checked_literal(english: str, translated: str, where: str) -> str:
    """``translated`` if it can stand for the printed literal ``english``: a literal of the same
    kind (f-string or not) with the same ``{...}`` fields; else :class:`TranslationError`."""
    old, new = _literal(english), _literal(translated)
    if new is None:
        raise TranslationError(f"{where}: the translation of {tr.short(english, 80)} is not a "
                               f"string literal: {tr.short(translated, 80)}")
    if type(old) is not type(new):
        kind = "an f-string" if isinstance(old, ast.JoinedStr) else "a plain string"
        raise TranslationError(f"{where}: the translation of {tr.short(english, 80)} must be {kind} "
                               f"like its English: {tr.short(translated, 80)}")
    if _fields(old) != _fields(new):
        raise TranslationError(f"{where}: the translation of {tr.short(english, 80)} has the fields "
                               f"{' '.join(_fields(new)) or 'none'} where the English has "
                               f"{' '.join(_fields(old)) or 'none'}")
    return translated


def _offsets(source: str) -> list[int]:
    """Character offset of the start of each line (1-based line numbers: index 0 unused)."""
    starts, pos = [0, 0], 0
    for line in source.split("\n"):
        pos += len(line) + 1
        starts.append(pos)
    return starts


def _spans(source: str, table: dict, cell_id: str, where: str) -> list[tuple[int, int, str]]:
    """``(start, end, new text)`` of each translated comment and printed literal of a cell."""
    starts, lines = _offsets(source), source.split("\n")
    spans = []
    for tok, text in tr.code_comments(source):
        new = table.get((cell_id, text))
        if new is None:
            continue
        if new.splitlines() != [new]:   # a line break would turn the rest into code
            raise TranslationError(f"{where}: the translation of the comment {tr.short(text, 80)} "
                                   f"spans several lines")
        head = len(tok.string) - len(tok.string.lstrip("#").lstrip())
        body = tok.string[head:].rstrip()
        start = starts[tok.start[0]] + tok.start[1] + head
        spans.append((start, start + len(body), new))
    for node, text in tr.printed_literals(source):
        new = table.get((cell_id, text))
        if new is None:
            continue
        checked_literal(text, new, where)
        line = lines[node.lineno - 1].encode()
        start = starts[node.lineno] + len(line[:node.col_offset].decode())
        end_line = lines[node.end_lineno - 1].encode()
        end = starts[node.end_lineno] + len(end_line[:node.end_col_offset].decode())
        assert source[start:end] == text, (where, text)
        spans.append((start, end, new))
    spans.sort()
    for (_, end, _), (start, _, _) in zip(spans, spans[1:]):
        if start < end:
            raise TranslationError(f"{where}: two translated pieces overlap")
    return spans


def translate_source(source: str, table: dict, cell_id: str, where: str) -> str:
    """A code cell's source with its translated comments and printed literals swapped in."""
    for start, end, new in reversed(_spans(source, table, cell_id, where)):
        source = source[:start] + new + source[end:]
    return source


def translate_notebook(english, lang: str, stem: str | None = None,
                       table: dict | None = None) -> nbformat.NotebookNode:
    """The ``lang`` edition of ``english`` (a notebook, or the path of one): see the module's
    docstring. ``stem`` names its catalogue (default: the path's stem); ``table`` replaces
    the catalogue (``{(cell id, English): translation}``)."""
    if not isinstance(english, nbformat.NotebookNode):
        stem = stem or Path(english).stem
        english = nbformat.read(str(english), as_version=4)
    if stem is None:
        raise ValueError("translate_notebook: give the notebook's stem (which catalogue to use)")
    table = tr.translations(stem, lang) if table is None else table
    nb = copy.deepcopy(english)
    for cell in nb.cells:
        where = f"{stem}, cell {cell.get('id')}"
        if cell.cell_type == "markdown":
            cell.source = table.get((cell.id, cell.source), cell.source)
        elif cell.cell_type == "code":
            cell.source = translate_source(cell.source, table, cell.id, where)
    nb.metadata["rnnlab"] = {**nb.metadata.get("rnnlab", {}), "language": lang}
    return nb


def sources(nb) -> list:
    """What a notebook is apart from its outputs: each cell's id, type, source, metadata (but
    the run's timestamps) and attachments, and the notebook's metadata that the translation
    sets."""
    return [nb.metadata.get("rnnlab", {})] + [
        (c.get("id"), c.cell_type, c.source,
         {k: v for k, v in c.get("metadata", {}).items() if k != "execution"}, c.get("attachments"))
        for c in nb.cells]


def stale(lang: str, stems=None) -> list[str]:
    """One line per generated notebook of ``lang`` that is missing or whose sources differ
    from :func:`translate_notebook` of today's English notebook and catalogue."""
    found = []
    for stem in stems or [Path(nb.file).stem for nb in NOTEBOOKS]:
        path = edition_path(stem, lang)
        if not path.exists():
            found.append(f"{path.relative_to(NB_DIR.parent)}: missing (run make translate)")
            continue
        want = sources(translate_notebook(edition_path(stem, "en"), lang))
        have = sources(nbformat.read(str(path), as_version=4))
        if have != want:
            cells = [w[0] for w, h in zip(want[1:], have[1:]) if w != h]
            what = (f"cell {cells[0]} differs" if cells else
                    f"{len(have) - 1} cells where the translation has {len(want) - 1}"
                    if len(have) != len(want) else "its metadata differs")
            found.append(f"{path.relative_to(NB_DIR.parent)}: stale, {what} "
                         f"(run make translate)")
    return found


def build(stem: str, lang: str, timeout: int = 900) -> Path:
    """Translate ``stem`` into ``lang`` and run it there with ``RNNLAB_LANG=<lang>``, as nbval
    replays it; write ``notebooks/<lang>/<stem>.ipynb``."""
    from .execute import run

    target = edition_path(stem, lang)
    target.parent.mkdir(parents=True, exist_ok=True)
    nb = translate_notebook(edition_path(stem, "en"), lang)
    run(nb, target.parent, timeout=timeout, label=target.name, env={"RNNLAB_LANG": lang})
    nbformat.write(nb, str(target))
    return target


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", help="stems or files (default: every notebook)")
    parser.add_argument("--lang", default="zh_CN", choices=tr.LANGUAGES)
    parser.add_argument("--check", action="store_true", help="list stale generated notebooks")
    args = parser.parse_args(argv)
    try:
        stems = [Path(by_file(Path(n).name).file).stem for n in args.notebooks] or None
        if args.check:
            found = stale(args.lang, stems)
            print("\n".join(found) or f"notebooks/{args.lang}: every notebook is current")
            return 1 if found else 0
        for stem in stems or [Path(nb.file).stem for nb in NOTEBOOKS]:
            start = time.perf_counter()
            target = build(stem, args.lang)
            print(f"{target.relative_to(NB_DIR.parent)}: done in "
                  f"{time.perf_counter() - start:.0f} s", flush=True)
    except (KeyError, TranslationError) as err:
        print(f"edition: {err.args[0] if isinstance(err, KeyError) else err}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
