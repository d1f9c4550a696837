"""The course's notebooks, in teaching order, and the module each one exports to.

``module`` names both the generated file ``helpers/instructor/graded/<module>.py`` and the checks
module ``helpers/<module>/checks.py``; ``None`` means the notebook has no graded exercise.
"""
from dataclasses import dataclass


@dataclass(frozen=True)
class Notebook:
    file: str
    title: str
    module: str | None


NOTEBOOKS = (
    Notebook("1_rnn_step_by_step.ipynb",
             "Building your Recurrent Neural Network - Step by Step", "step_by_step"),
    Notebook("2_jazz_improvisation.ipynb",
             "Improvise a Jazz Solo with an LSTM Network", "jazz"),
    Notebook("3_emojify.ipynb", "Emojify", "emojify"),
    Notebook("4_rnn_variants.ipynb", "Comparing RNN variants", "variants"),
)


def by_file(name: str) -> Notebook:
    """Look a notebook up by file name (``3_emojify.ipynb``) or stem (``3_emojify``)."""
    for nb in NOTEBOOKS:
        if name in (nb.file, nb.file.removesuffix(".ipynb")):
            return nb
    known = ", ".join(nb.file for nb in NOTEBOOKS)
    raise KeyError(f"{name!r} is not a course notebook (known: {known})")
