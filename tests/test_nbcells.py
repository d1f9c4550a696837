"""The marker parser shared by export, release and grade."""
import nbformat
import pytest

from helpers.instructor import nbcells

CELL = '''# GRADED FUNCTION: scale
def scale(x, k):
    """Multiply x by k."""
    ### BEGIN SOLUTION
    y = x * k
    ### END SOLUTION
    return y'''


def code_cell(source):
    return nbformat.v4.new_code_cell(source)


def test_graded_name_reads_the_first_line_only():
    assert nbcells.graded_name(code_cell(CELL)) == "scale"
    assert nbcells.graded_name(code_cell("x = 1\n# GRADED FUNCTION: scale")) is None
    assert nbcells.graded_name(nbformat.v4.new_markdown_cell(CELL)) is None


def test_learner_source_replaces_the_block_and_keeps_the_rest():
    learner = nbcells.learner_source(CELL, "scale")
    assert "x * k" not in learner and nbcells.BEGIN not in learner
    assert '    # YOUR CODE HERE\n    raise NotImplementedError("scale:' in learner
    assert learner.endswith("    return y")
    compile(learner, "learner", "exec")


def test_round_trip_restores_the_instructor_cell():
    learner = nbcells.learner_source(CELL, "scale")
    assert nbcells.solved_source(learner, CELL, "scale") == CELL


def test_two_blocks_round_trip_in_order():
    two = CELL.replace("    return y", "    ### BEGIN SOLUTION\n    y = y + 1\n    ### END SOLUTION\n    return y")
    learner = nbcells.learner_source(two, "scale")
    assert learner.count("# YOUR CODE HERE") == 2
    assert nbcells.solved_source(learner, two, "scale") == two


def test_solution_text_and_code_without_markers():
    assert nbcells.solution_text(CELL) == ["    y = x * k"]
    code = nbcells.code_without_markers(CELL)
    assert "BEGIN" not in code and "y = x * k" in code


@pytest.mark.parametrize("source, message", [
    ("### BEGIN SOLUTION\nx = 1", "never closed"),
    ("x = 1\n### END SOLUTION", "without"),
    ("### BEGIN SOLUTION\n### BEGIN SOLUTION\n### END SOLUTION", "inside another"),
])
def test_broken_markers_name_the_line(source, message):
    with pytest.raises(nbcells.MarkerError, match=message):
        nbcells.solution_blocks(source, "demo.ipynb, cell 3")
    with pytest.raises(nbcells.MarkerError, match="demo.ipynb, cell 3, line"):
        nbcells.solution_blocks(source, "demo.ipynb, cell 3")
