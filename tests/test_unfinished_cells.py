"""A cell that needs an exercise still left as a stub prints one line and ends without an error,
so a learner's notebook runs to its end; every other error still shows as usual."""
import re

import nbformat

from helpers.instructor.execute import execute

STUB = 'raise NotImplementedError("{0}: replace these two lines with your code")'
LINE = "⏳ {0} is not implemented yet: finish it above, then run this cell again\n"


def run(tmp_path, cells, allow_errors=False):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(source) for source in cells]
    path = tmp_path / "synthetic.ipynb"
    nbformat.write(nb, str(path))
    ran = execute(path, timeout=120, allow_errors=allow_errors, progress=False)
    return [(cell.outputs, "".join(o.get("text", "") for o in cell.outputs
                                   if o.output_type == "stream")) for cell in ran.cells]


def test_stub_calls_print_one_line_and_the_notebook_runs_on(tmp_path):
    cells = run(tmp_path, [
        "from helpers.notebook import setup\nsetup(seed=1)",
        f"def my_step(x):\n    {STUB.format('my_step')}",
        "value = 2\nresult = my_step(value)\nprint('never printed')",   # in a statement
        "print('before')\nmy_step(1)",                                    # in the last expression
        "value + 1",                                                      # values still display
        f"def Other_model():\n    raise NotImplementedError('Other_model: not trained yet - finish it')\n"
        "Other_model()",
    ])
    (_, first), (_, second), (stub_out, stub_text), (_, last_text), (shown, _), (_, own) = cells
    assert stub_text == LINE.format("my_step")
    assert all(o.output_type == "stream" for o in stub_out)
    assert last_text == "before\n" + LINE.format("my_step")
    assert shown[0]["data"]["text/plain"] == "3"
    assert own == "⏳ Other_model: not trained yet - finish it\n"


def test_other_errors_keep_their_traceback_and_line(tmp_path):
    cells = run(tmp_path, [
        "from helpers.notebook import setup\nsetup(seed=1)",
        "x = 1\n\nraise NotImplementedError('numpy: a feature of a library')",
        "y = 2\n1 / 0",
        "def f():\n    raise NotImplementedError('f does not say which exercise')\nf()",
    ], allow_errors=True)
    errors = [[o for o in outputs if o.output_type == "error"] for outputs, _ in cells[1:]]
    assert [e[0].ename for e in errors] == ["NotImplementedError", "ZeroDivisionError",
                                            "NotImplementedError"]
    def plain(error):
        return re.sub(r"\x1b\[[0-9;]*m", "", "".join(error.traceback))
    assert re.search(r"-> +3 raise NotImplementedError", plain(errors[0][0]))
    assert "1 / 0" in plain(errors[1][0])
    assert all(not text for _, text in cells[1:])


def test_without_setup_a_stub_still_raises(tmp_path):
    cells = run(tmp_path, [f"def my_step():\n    {STUB.format('my_step')}\nmy_step()"],
                allow_errors=True)
    assert [o.ename for o in cells[0][0] if o.output_type == "error"] == ["NotImplementedError"]
