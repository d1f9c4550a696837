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
