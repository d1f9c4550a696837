"""Write the learner version of the course into a folder.

    python -m helpers.instructor.release dist             # fresh release (replaces dist/)
    python -m helpers.instructor.release workspace --keep  # refresh workspace/, keeping learners' notebooks
    RNNLAB_LANG=zh_CN python -m helpers.instructor.release dist   # the Chinese edition

The language is :func:`helpers.i18n.language` (``RNNLAB_LANG``, else the locale) or
``--lang``. The Chinese edition's learner notebooks are made from the generated Chinese
instructor notebooks (``notebooks/zh_CN/``, ``make translate``) exactly as the English ones
from ``notebooks/``; a stale one is refused. The release records its language in its
notebooks' metadata (``rnnlab.language``), in its README and in ``.rnnlab-language``, and
``--keep`` refuses to mix editions in one folder.

Each notebook loses its solutions (every ``### BEGIN SOLUTION`` ... ``### END SOLUTION`` block
becomes ``# YOUR CODE HERE`` + ``raise NotImplementedError``) and all outputs. Beside the
notebooks go ``helpers/`` without the generated ``helpers/instructor/graded/`` (it holds solutions),
``data/``, ``results/`` (the stored variants study), and a short README.
"""
import argparse
import shutil
import sys
from pathlib import Path

import nbformat

from . import edition, nbcells
from .course import NOTEBOOKS
from ..i18n import LANGUAGES, SOURCE, LanguageError, N_, _, catalogue, language
from ..paths import ROOT

SHIPPED = ("helpers", "data", "results", "locale")  # folders the notebooks read at run time (locale: the hints in Chinese)
MARKER = ".rnnlab-language"               # the release's language, one line

LEARNER_README = N_("""# RNN Lab - your workspace

Open the notebooks in order (JupyterLab: `make lab` in the course folder). In each graded
cell, replace the lines

    # YOUR CODE HERE
    raise NotImplementedError(...)

with your code, then run the check cell below it: it prints one line per passed check,
"not implemented yet" while the function is still a stub, or a hint when something is off.
Your edits stay yours: `make lab` never overwrites a notebook that is already here.

Notebooks: {titles}

Language: {language}
""")
NAMES = {"en": "English (en)", "zh_CN": "简体中文 (zh_CN)"}


def released_language(out: Path) -> str | None:
    """The language of the release in ``out`` (None when ``out`` holds no release)."""
    marker = Path(out) / MARKER
    if marker.exists():
        return marker.read_text(encoding="utf-8").strip()
    return SOURCE if any((Path(out) / nb.file).exists() for nb in NOTEBOOKS) else None


def title(nb, lang: str) -> str:
    """A notebook's title in ``lang``: the first heading of its generated notebook."""
    if lang == SOURCE:
        return nb.title
    cells = nbcells.read(edition.edition_path(Path(nb.file).stem, lang)).cells
    text = next((c.source for c in cells if c.cell_type == "markdown"), "")
    return next((line.lstrip("#").strip() for line in text.split("\n") if line.startswith("# ")),
                nb.title)


def learner_notebook(path: Path, lang: str = SOURCE) -> nbformat.NotebookNode:
    nb = nbcells.read(path)
    nb.metadata["rnnlab"] = {**nb.metadata.get("rnnlab", {}), "language": lang}
    for index, cell in enumerate(nb.cells):
        name = nbcells.graded_name(cell)
        if name is not None:
            cell.source = nbcells.learner_source(cell.source, name, f"{path.name}, cell {index}")
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
            cell.metadata.pop("execution", None)
    return nb


def _ignore(directory, names):
    skip = {"__pycache__", ".ipynb_checkpoints"}
    if Path(directory).resolve() == (ROOT / "helpers").resolve():
        skip.add("instructor")
    if Path(directory).resolve().is_relative_to((ROOT / "locale").resolve()):
        # only the code's strings: the notebooks' catalogues hold the instructor notebooks' text
        return [n for n in names if n in skip or (n.endswith(".po") and n != "helpers.po")]
    return [n for n in names if n in skip]


def write(out: Path, keep: bool = False, lang: str = SOURCE) -> list[str]:
    """Write the ``lang`` edition's release into ``out``; return the notebooks written (kept
    ones excluded)."""
    out = Path(out)
    if out.resolve() == ROOT.resolve() or ROOT.resolve().is_relative_to(out.resolve()):
        raise ValueError(_("refusing to release into {out}: it contains the course itself").format(
                             out=out))
    if lang not in LANGUAGES:
        raise LanguageError(f"{lang!r} is not a course language; use one of {', '.join(LANGUAGES)}")
    had = released_language(out) if keep else None
    if had not in (None, lang):
        raise ValueError(f"{out} holds the {NAMES.get(had, had)} edition, not {NAMES[lang]}: set "
                         f"RNNLAB_LANG={had}, or move {out} away for a fresh {lang} one")
    if lang != SOURCE:
        found = edition.stale(lang)
        if found:
            raise ValueError(f"the {lang} notebooks are not current: {found[0]}")
    if out.exists() and not keep:
        shutil.rmtree(out)
    out.mkdir(parents=True, exist_ok=True)
    for folder in SHIPPED:
        shutil.rmtree(out / folder, ignore_errors=True)
        shutil.copytree(ROOT / folder, out / folder, ignore=_ignore)
    written = []
    for nb in NOTEBOOKS:
        target = out / nb.file
        if keep and target.exists():
            print(_("kept your {file}").format(file=nb.file))
            continue
        source = edition.edition_path(Path(nb.file).stem, lang)
        nbformat.write(learner_notebook(source, lang), str(target))
        written.append(nb.file)
    titles = "".join(f"\n- `{nb.file}`: {title(nb, lang)}" for nb in NOTEBOOKS)
    readme = catalogue(lang).get(LEARNER_README, LEARNER_README)
    (out / "README.md").write_text(readme.format(titles=titles, language=NAMES[lang]),
                                   encoding="utf-8")
    (out / MARKER).write_text(lang + "\n", encoding="utf-8")
    return written


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="Write the learner version of the course.")
    parser.add_argument("out", type=Path, help="folder to write (e.g. dist or workspace)")
    parser.add_argument("--keep", action="store_true",
                        help="keep notebooks already in the folder (never overwrite edits)")
    parser.add_argument("--lang", choices=LANGUAGES,
                        help="the edition (default: RNNLAB_LANG, else the locale)")
    args = parser.parse_args(argv)
    try:
        lang = args.lang or language()
        written = write(args.out, keep=args.keep, lang=lang)
    except ValueError as err:   # LanguageError too
        print(f"release: {err}", file=sys.stderr)
        return 2
    print(_("release: {n_written} learner notebook(s) of the {edition} edition written to {out}").format(
              n_written=len(written), edition=NAMES[lang], out=args.out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
