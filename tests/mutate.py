"""Build deliberately broken versions of graded functions for the mutation tests.

``mutant("step_by_step", "rnn_cell_forward", "+ ba", "")`` reads the generated module's
source, replaces ``old`` by ``new`` exactly once inside that function's definition, runs
the whole module in a fresh namespace and returns the broken function (functions that
call it see the broken version too, as they would in a learner's notebook).
"""
import ast
import linecache
from pathlib import Path

GRADED = Path(__file__).resolve().parent.parent / "helpers" / "instructor" / "graded"


def function_span(source: str, name: str) -> tuple[int, int]:
    for node in ast.parse(source).body:
        if isinstance(node, ast.FunctionDef) and node.name == name:
            lines = source.split("\n")
            start = sum(len(line) + 1 for line in lines[: node.lineno - 1])
            end = sum(len(line) + 1 for line in lines[: node.end_lineno])
            return start, end
    raise LookupError(f"no function {name} in the generated module")


def mutant_namespace(module: str, name: str, old: str, new: str) -> dict:
    source = (GRADED / f"{module}.py").read_text(encoding="utf-8")
    start, end = function_span(source, name)
    body = source[start:end]
    count = body.count(old)
    if count != 1:
        raise AssertionError(f"mutation target {old!r} occurs {count} times in {name}")
    namespace = {"__name__": f"mutant_{module}"}
    code = source[:start] + body.replace(old, new) + source[end:]
    filename = f"<mutant {name}>"
    # as IPython does for a notebook cell: the source is findable, so crashes can quote their line
    linecache.cache[filename] = (len(code), None, code.splitlines(keepends=True), filename)
    exec(compile(code, filename, "exec"), namespace)
    return namespace


def mutant(module: str, name: str, old: str, new: str):
    return mutant_namespace(module, name, old, new)[name]


def assert_caught(module: str, function: str, old: str, new: str, hint: str, capsys) -> str:
    """The mutant fails its check with a hint matching ``hint``; return that hint.

    A notebook shows the failure as its one ✗ line (no traceback, stdout does not repeat it),
    and the grader's silent run of the same check reaches the same verdict and hint (up to
    the numbers Keras gives new layers: 'lstm', then 'lstm_1').
    """
    import importlib
    import re

    import pytest

    from helpers.checking import CheckFailed, outcome

    checks = importlib.import_module(f"helpers.{module}.checks")
    broken = mutant(module, function, old, new)
    with pytest.raises(CheckFailed, match=hint) as failed:
        getattr(checks, f"check_{function}")(broken)
    assert failed.value._render_traceback_() == [f"✗ {function}: {failed.value.hint}"]
    assert failed.value.hint not in capsys.readouterr().out
    found = outcome(function, broken)
    def same(text):
        return re.sub(r"\d+", "N", re.sub(r"_\d+\b", "", text))
    assert found.status == "failed" and same(found.hint) == same(failed.value.hint)
    return failed.value.hint
