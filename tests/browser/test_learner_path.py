"""A learner's path in a real browser: JupyterLab on the learner release, notebook 1, one exercise.

Chromium (Debian's package, headless) opens notebook 1 of a fresh learner release in JupyterLab,
started as `make lab` starts it (the course's jupyter-config). As a learner would, the test runs
the notebook's cells from the top with Shift+Enter, puts a solution into the
``rnn_cell_forward`` exercise cell (the editor's text is replaced the way a paste arrives, so
that the editor's auto-indent does not re-indent it), runs it and its check cell, and reads the
check's ✓ lines on the page; then it does the same with a solution that forgets the bias ``ba``
and reads the hint line (✗) that the check shows for it.

Run it with `make test-browser` (it installs Chromium when missing); `make test` does not.
"""
import os
import re
import socket
from pathlib import Path

import pytest
from playwright.sync_api import expect

from helpers.instructor import nbcells, release
from tests.test_jupyter_server import TOKEN, start_lab

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOK = "1_rnn_step_by_step.ipynb"
EXERCISE = "rnn_cell_forward"
RUN_TIMEOUT = 240_000  # ms: the first cells import TensorFlow, on a busy machine


def exercise_sources() -> tuple[str, str]:
    """The learner's exercise cell with the instructor's solution in place of the stub, and the
    same cell with a mistake (the bias ``ba`` left out of ``a_next``)."""
    nb = nbcells.read(ROOT / "notebooks" / NOTEBOOK)
    instructor = next(c.source for c in nb.cells if nbcells.graded_name(c) == EXERCISE)
    learner = nbcells.learner_source(instructor, EXERCISE)
    solved = nbcells.solved_source(learner, instructor, EXERCISE)
    wrong = solved.replace("Wax @ xt + ba)", "Wax @ xt)")
    assert wrong != solved, "the solution no longer adds ba as this test expects"
    return solved, wrong


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    root = tmp_path_factory.mktemp("lab") / "workspace"
    release.write(root)
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = dict(os.environ, JUPYTER_CONFIG_PATH=str(ROOT / "jupyter-config"))
    proc = start_lab(port, root, env=env)
    yield f"http://127.0.0.1:{port}"
    proc.terminate()
    proc.wait(timeout=30)


def replace_text(page, cell, text: str) -> None:
    """Put ``text`` into ``cell``'s editor in place of what is there, back to command mode."""
    cell.locator(".cm-content").click()
    page.keyboard.press("Control+a")
    page.keyboard.insert_text(text)
    page.keyboard.press("Escape")


def test_a_learner_solves_an_exercise_and_reads_the_checks(lab, page):
    solved, wrong = exercise_sources()
    page.set_default_timeout(60_000)
    page.goto(f"{lab}/lab/tree/{NOTEBOOK}?token={TOKEN}")
    cells = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook .jp-Cell")
    expect(cells.first).to_be_visible()
    # the kernel is connected and idle (the status bar says so) before the first Shift+Enter
    expect(page.locator(".jp-StatusBar-Widget", has_text="| Idle").first).to_be_visible(
        timeout=RUN_TIMEOUT)
    active = page.locator(".jp-Notebook .jp-Cell.jp-mod-active")
    exercise = cells.filter(has_text=f"# GRADED FUNCTION: {EXERCISE}")
    check = cells.filter(has_text=f"check_{EXERCISE}({EXERCISE})")

    # the learner runs the notebook from the top (Shift+Enter) down to the exercise; each code
    # cell's prompt must leave "[ ]:" (queued "[*]:" or run "[n]:"), else a run went missing
    cells.first.click()
    page.keyboard.press("Escape")
    for _ in range(40):
        if active.filter(has_text=f"# GRADED FUNCTION: {EXERCISE}").count():
            break
        code = "jp-CodeCell" in active.get_attribute("class")
        index = active.get_attribute("data-windowed-list-index")
        page.keyboard.press("Shift+Enter")
        if code:
            prompt = page.locator(f".jp-Notebook .jp-Cell[data-windowed-list-index='{index}'] "
                                  ".jp-InputPrompt")
            expect(prompt).not_to_have_text(re.compile(r"^\[ \]:$"))
    else:
        pytest.fail(f"no cell '# GRADED FUNCTION: {EXERCISE}' in the first 40 cells")
    expect(exercise.locator(".cm-content")).to_contain_text("raise NotImplementedError")

    # a right solution: run it and its check cell, read the ✓ lines
    replace_text(page, exercise, solved)
    page.keyboard.press("Shift+Enter")
    page.keyboard.press("Shift+Enter")
    output = check.locator(".jp-OutputArea-output")
    expect(output.first).to_contain_text(f"{EXERCISE}: all 3 checks passed", timeout=RUN_TIMEOUT)
    lines = output.all_inner_texts()
    passed = [line for text in lines for line in text.splitlines() if line.strip().startswith("✓")]
    assert len(passed) == 3, lines

    # a wrong one (no bias): the check cell shows the hint, and no ✓ line any more
    replace_text(page, exercise, wrong)
    page.keyboard.press("Shift+Enter")
    page.keyboard.press("Shift+Enter")
    expect(output.first).to_contain_text(f"✗ {EXERCISE}: a_next is what you get without ba",
                                         timeout=RUN_TIMEOUT)
    expect(output.first).not_to_contain_text("✓")
