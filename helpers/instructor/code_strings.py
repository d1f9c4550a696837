"""The code's translation catalogue: every learner-facing string of ``helpers/``.

Check hints, ✓/✗ lines, one-line errors, grader and command messages and figure labels are
written in English inside ``_("...")`` (translated where they are written) or ``N_("...")``
(a table built at import time, translated where it is shown) from :mod:`helpers.i18n`. This
module collects the literal argument of each such call, with its ``file:line``, into
``locale/<lang>/LC_MESSAGES/helpers.po``: new text is added untranslated, text no longer in
the code is marked obsolete (``--purge`` drops obsolete entries once their text is gone for
good). The argument must be a plain string literal: ``_(f"...")`` or ``_(name)`` would hide
the text from translators, and is reported as an error on one line, ``file:line: ...``.

    python -m helpers.instructor.code_strings --update    # add new text, mark old text obsolete
    python -m helpers.instructor.code_strings --check     # list what a translator must do
"""
import argparse
import ast
import re
import sys
from pathlib import Path

from ..paths import ROOT

PACKAGE = ROOT / "helpers"
LOCALE = ROOT / "locale"
LANGUAGES = ("zh_CN",)
DOMAIN = "helpers"
MARKERS = ("_", "N_")
FIELD = re.compile(r"(?<!\{)\{([^{}]*)\}(?!\})")


class ExtractError(ValueError):
    """A ``_()`` / ``N_()`` call whose argument is not a string literal (one line per call)."""


def catalogue_path(lang: str) -> Path:
    return LOCALE / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def _marker(node: ast.AST) -> str | None:
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in MARKERS:
        return node.func.id
    return None


def _shadowing(tree: ast.AST, where: str) -> list[str]:
    """``file:line`` errors for functions (or a module) that call ``_()`` and also bind the
    name ``_`` (``a, _ = ...``): there ``_`` is a local variable and the call fails. A
    comprehension's ``for _ in`` has its own scope and is fine."""
    own_scope = {id(n) for c in ast.walk(tree) if isinstance(c, ast.comprehension)
                 for n in ast.walk(c.target)}

    def binds(node):
        return (isinstance(node, ast.Name) and node.id == "_" and isinstance(node.ctx, ast.Store)
                and id(node) not in own_scope)

    errors = []
    if any(_marker(n) == "_" for n in ast.walk(tree)):
        scopes = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)
        top = [n for stmt in tree.body if not isinstance(stmt, scopes) for n in ast.walk(stmt)
               if binds(n)]
        if top:
            errors.append(f"{where}:{top[0].lineno}: the module binds the name _ and calls _(); "
                          "rename the variable")
    for fn in ast.walk(tree):
        if not isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        calls = any(_marker(n) == "_" for n in ast.walk(fn))
        bound = [n for n in ast.walk(fn) if binds(n)]
        if calls and bound:
            errors.append(f"{where}:{bound[0].lineno}: {fn.name} binds the name _ and calls _(); "
                          "rename the variable")
    return errors


def strings_of(source: str, where: str) -> tuple[list[tuple[str, int]], list[str]]:
    """The ``(text, line)`` of every ``_()`` / ``N_()`` literal in ``source``, and one error
    line (``where:line: ...``) per call whose argument is not a plain string literal."""
    tree = ast.parse(source)
    found, errors = [], []
    for node in ast.walk(tree):
        name = _marker(node)
        if name is None:
            continue
        args = node.args
        if (len(args) == 1 and not node.keywords and isinstance(args[0], ast.Constant)
                and isinstance(args[0].value, str)):
            found.append((args[0].value, node.lineno))
        else:
            kind = "an f-string" if args and isinstance(args[0], ast.JoinedStr) else "not a string literal"
            errors.append(f"{where}:{node.lineno}: {name}() needs one plain string literal, got {kind}"
                          " (write a template: _(\"... {field} ...\").format(field=...))")
    return sorted(found, key=lambda item: item[1]), errors + _shadowing(tree, where)


def collect(package: Path = PACKAGE) -> dict[str, list[tuple[str, str]]]:
    """``{English text: [(file, line), ...]}`` of every marked string under ``package``, in file
    order. Raises :class:`ExtractError` listing every call that is not a literal."""
    strings: dict[str, list[tuple[str, str]]] = {}
    errors = []
    for path in sorted(package.rglob("*.py")):
        if "__pycache__" in path.parts:
            continue
        where = path.relative_to(ROOT).as_posix()
        found, bad = strings_of(path.read_text(encoding="utf-8"), where)
        errors += bad
        for text, line in found:
            strings.setdefault(text, []).append((where, str(line)))
    if errors:
        raise ExtractError("\n".join(errors))
    return strings


def fields(text: str) -> list[str]:
    """The distinct ``{...}`` fields of a template, sorted (``{{`` / ``}}`` are literal braces);
    a translation may use a field more or less often than the English, never another one."""
    return sorted(set(FIELD.findall(text.replace("{{", "").replace("}}", ""))))


def refresh(po, strings: dict) -> tuple[int, int]:
    """Bring the polib catalogue ``po`` up to ``strings``; returns (added, obsoleted)."""
    import polib

    current = {e.msgid: e for e in po if not e.obsolete}
    old = {e.msgid: e for e in po if e.obsolete}
    added = 0
    for text, refs in strings.items():
        entry = current.get(text)
        if entry is None and text in old:
            entry = old[text]
            entry.obsolete = False          # the text is back: its translation still fits
        if entry is None:
            entry = polib.POEntry(msgid=text, msgstr="")
            po.append(entry)
            added += 1
        entry.occurrences = list(refs)
        if fields(text) and "python-brace-format" not in entry.flags:
            entry.flags.append("python-brace-format")
    obsoleted = 0
    for entry in po:
        if not entry.obsolete and entry.msgid not in strings:
            entry.obsolete = True
            entry.occurrences = []
            obsoleted += 1
    return added, obsoleted


def update(lang: str, strings: dict | None = None, purge: bool = False) -> tuple[int, int]:
    """Bring ``helpers.po`` of ``lang`` up to the code; returns (added, obsoleted)."""
    import polib

    strings = collect() if strings is None else strings
    path = catalogue_path(lang)
    po = polib.pofile(str(path), wrapwidth=0) if path.exists() else polib.POFile(wrapwidth=0)
    po.metadata = {"Project-Id-Version": f"rnn-lab {DOMAIN}", "Language": lang,
                   "MIME-Version": "1.0", "Content-Type": "text/plain; charset=UTF-8",
                   "Content-Transfer-Encoding": "8bit"}
    added, obsoleted = refresh(po, strings)
    if purge:
        for entry in [e for e in po if e.obsolete]:
            po.remove(entry)
    path.parent.mkdir(parents=True, exist_ok=True)
    po.wrapwidth = 0
    po.save(str(path))
    return added, obsoleted


def problems(lang: str, strings: dict | None = None) -> list[str]:
    """One line per thing a translator must do for ``lang`` (empty when the catalogue is
    complete and current): text missing from the catalogue, untranslated, fuzzy or obsolete,
    or a translation whose ``{...}`` fields differ from its English."""
    import polib

    strings = collect() if strings is None else strings
    path = catalogue_path(lang)
    po = polib.pofile(str(path)) if path.exists() else polib.POFile()
    entries = {e.msgid: e for e in po if not e.obsolete}
    lines = []

    def where(text):
        return ", ".join(f"{f}:{n}" for f, n in strings.get(text, [])) or "no longer in the code"

    for text in strings:
        entry = entries.get(text)
        if entry is None:
            lines.append(f"{where(text)}: not in {path.name} (run --update): {text!r}")
        elif "fuzzy" in entry.flags:
            lines.append(f"{where(text)}: fuzzy translation of {text!r}")
        elif not entry.msgstr:
            lines.append(f"{where(text)}: untranslated {text!r}")
        elif fields(entry.msgstr) != fields(text):
            lines.append(f"{where(text)}: the translation has fields {fields(entry.msgstr)}, "
                         f"the English {fields(text)}: {text!r}")
    for entry in po:
        if entry.obsolete:
            lines.append(f"{path.name}: obsolete entry (its text left the code; --update --purge "
                         f"drops it): {entry.msgid!r}")
        elif entry.msgid not in strings:
            lines.append(f"{path.name}: entry no longer in the code (run --update): {entry.msgid!r}")
    return lines


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--update", action="store_true", help="update every catalogue")
    parser.add_argument("--purge", action="store_true", help="with --update: drop obsolete entries")
    parser.add_argument("--check", action="store_true", help="list untranslated, fuzzy, obsolete entries")
    args = parser.parse_args(argv)
    try:
        strings = collect()
    except ExtractError as err:
        print(err, file=sys.stderr)
        return 1
    status = 0
    for lang in LANGUAGES:
        if args.update:
            added, obsoleted = update(lang, strings, purge=args.purge)
            print(f"{catalogue_path(lang).relative_to(ROOT)}: {len(strings)} strings, {added} new, "
                  f"{obsoleted} obsolete")
        if args.check:
            lines = problems(lang, strings)
            print("\n".join(lines) or f"{catalogue_path(lang).relative_to(ROOT)}: complete")
            status = status or bool(lines)
    return int(status)


if __name__ == "__main__":
    sys.exit(main())
