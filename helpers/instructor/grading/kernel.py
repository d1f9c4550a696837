"""Running a submitted notebook in its box, cell by cell, under one deadline for the whole
notebook: a cell that kills or wedges the kernel is skipped on a restart, and restarts stop
at the deadline, so they cannot multiply the cell timeout."""
import time

from . import box as boxes
from .settings import MAX_RESTARTS, Options


class Kernel:
    """A sandboxed kernel that holds the learner's notebook, run cell by cell."""

    def __init__(self, box: boxes.Box, cells: list, options: Options):
        self.box, self.cells, self.options = box, cells, options
        self.skip: dict = {}       # cell index -> why it is skipped on a re-run
        self.notes: list = []
        self.restarts = 0
        self.deadline = time.monotonic() + options.notebook_timeout

    def note(self, text: str) -> None:
        if text not in self.notes:
            self.notes.append(text)

    def run_notebook(self) -> None:
        """Run every code cell; a cell that kills or wedges the kernel is skipped on a restart."""
        while True:
            self.box.preload_modules()
            for index, source in self.cells:
                if index in self.skip:
                    continue
                left = self.deadline - time.monotonic()
                if left <= 0:
                    self.note(f"the notebook ran past its {self.options.notebook_timeout:g} s "
                              f"deadline: cell {index + 1} and the cells after it were not run")
                    return
                status = self.box.run_cell(source, min(self.options.timeout, left))
                if status == "timeout":
                    self.note(f"cell {index + 1} exceeded {min(self.options.timeout, left):g} s "
                              "and was interrupted")
                if status in ("died", "stuck"):
                    why = "ended the kernel" if status == "died" else "could not be interrupted"
                    self.skip[index] = why
                    self.note(f"cell {index + 1} {why}; the notebook was re-run without it")
                    break
            else:
                return
            if not self.restart():
                return

    def restart(self) -> bool:
        if time.monotonic() >= self.deadline:
            self.note(f"the notebook ran past its {self.options.notebook_timeout:g} s deadline; "
                      "its kernel was not restarted")
            return False
        if self.restarts >= MAX_RESTARTS:
            return False
        self.restarts += 1
        try:
            self.box.start()
        except boxes.BoxError as err:
            self.note(str(err))
            return False
        return True

    def ready(self) -> bool:
        """A live kernel with the notebook run in it (restarted if the last one died)."""
        if self.box.alive():
            return True
        if not self.restart():
            return False
        self.run_notebook()
        return self.box.alive()
