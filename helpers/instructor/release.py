"""Write the learner version of the course into a folder.

    python -m helpers.instructor.release dist             # fresh release (replaces dist/)
    python -m helpers.instructor.release workspace --keep  # refresh workspace/, keeping learners' notebooks

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

from . import nbcells
from .course import NOTEBOOKS
from ..i18n import _
from ..paths import NOTEBOOKS as NB_DIR, ROOT

SHIPPED = ("helpers", "data", "results")  # folders the notebooks read at run time

LEARNER_README = """# RNN Lab - your workspace

Open the notebooks in order (JupyterLab: `make lab` in the course folder). In each graded
cell, replace the lines

    # YOUR CODE HERE
    raise NotImplementedError(...)

with your code, then run the check cell below it: it prints one line per passed check,
"not implemented yet" while the function is still a stub, or a hint when something is off.
Your edits stay yours: `make lab` never overwrites a notebook that is already here.

Notebooks: {titles}
"""


def learner_notebook(path: Path) -> nbformat.NotebookNode:
    nb = nbcells.read(path)
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
    return [n for n in names if n in skip]


def write(out: Path, keep: bool = False) -> list[str]:
    """Write the release into ``out``; return the notebooks written (kept ones excluded)."""
    out = Path(out)
    if out.resolve() == ROOT.resolve() or ROOT.resolve().is_relative_to(out.resolve()):
        raise ValueError(_("refusing to release into {out}: it contains the course itself").format(
                             out=out))
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
        nbformat.write(learner_notebook(NB_DIR / nb.file), str(target))
        written.append(nb.file)
    titles = "".join(f"\n- `{nb.file}`: {nb.title}" for nb in NOTEBOOKS)
    (out / "README.md").write_text(LEARNER_README.format(titles=titles), encoding="utf-8")
    return written


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="Write the learner version of the course.")
    parser.add_argument("out", type=Path, help="folder to write (e.g. dist or workspace)")
    parser.add_argument("--keep", action="store_true",
                        help="keep notebooks already in the folder (never overwrite edits)")
    args = parser.parse_args(argv)
    written = write(args.out, keep=args.keep)
    print(_("release: {n_written} learner notebook(s) written to {out}").format(
              n_written=len(written), out=args.out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
