"""Grade learner notebooks.

    python -m helpers.instructor.grade submissions/3_emojify.ipynb
    python -m helpers.instructor.grade submissions/            # every course notebook in the folder

Each notebook runs in memory (the file is only read), in a fresh kernel, with a time limit
per cell; errors do not stop the run. Then one grading cell per exercise runs the exercise's check on the function
the learner defined, so code that crashes or never ends costs only its own exercise. The
score table is printed and written as JSON (``--out``, default ``build/grades/``). The
submitted file is never modified.
"""
import argparse
import importlib
import json
import os
import sys
import tempfile
from dataclasses import asdict
from pathlib import Path

import nbformat
from nbclient.exceptions import DeadKernelError

from ..checking import outcome
from .course import by_file
from .execute import run
from ..paths import BUILD, ROOT

MANIFEST = ROOT / "helpers" / "instructor" / "manifest.json"


def record(name: str, module: str, fn, results_file: str) -> None:
    """Run from the grading cells inside the learner's kernel: append one JSON line."""
    importlib.import_module(f"helpers.{module}.checks")  # registers the module's checks
    found = outcome(name, fn)
    with open(results_file, "a", encoding="utf-8") as fh:
        fh.write(json.dumps(asdict(found)) + "\n")
    print(f"{found.exercise}: {found.status}" + (f" - {found.hint}" if found.hint else ""))


def grading_cell(name: str, module: str, results_file: str):
    code = (f"from helpers.instructor.grade import record as __rnnlab_record\n"
            f"__rnnlab_record({name!r}, {module!r}, globals().get({name!r}), {results_file!r})")
    return nbformat.v4.new_code_cell(code)


def grade_notebook(path: Path, timeout: int = 120) -> dict:
    path = Path(path)
    notebook = by_file(path.name)
    exercises = json.loads(MANIFEST.read_text(encoding="utf-8")).get(notebook.file, [])
    with tempfile.TemporaryDirectory(prefix="rnnlab-grade-") as tmp:
        results = Path(tmp) / "results.jsonl"
        nb = nbformat.read(str(path), as_version=4)  # run in memory: the file stays untouched
        nb.cells += [grading_cell(e["name"], notebook.module, str(results)) for e in exercises]
        env = {"RNNLAB_BUILD": str(Path(tmp) / "build"),
               "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
        problem = ""
        try:
            run(nb, Path(tmp), timeout, allow_errors=True, progress=False, env=env)
        except DeadKernelError:
            problem = "the kernel died before this exercise was graded"
        got = {}
        if results.exists():
            for line in results.read_text(encoding="utf-8").splitlines():
                row = json.loads(line)
                got[row["exercise"]] = row
    rows = []
    for e in exercises:
        row = got.get(e["name"], {"status": "failed", "checks_passed": 0,
                                  "hint": problem or f"time limit of {timeout} s exceeded"})
        passed = row["status"] == "passed"
        rows.append({"exercise": e["name"], "points": e["points"] if passed else 0,
                     "max_points": e["points"], "passed": passed, "status": row["status"],
                     "hint": row["hint"]})
    return {"notebook": path.name, "score": sum(r["points"] for r in rows),
            "max_score": sum(r["max_points"] for r in rows), "exercises": rows}


def table(result: dict) -> str:
    lines = [f"{result['notebook']}: {result['score']} / {result['max_score']} points",
             f"  {'exercise':<28} {'points':>7}  {'passed':<6}  hint"]
    for r in result["exercises"]:
        lines.append(f"  {r['exercise']:<28} {r['points']:>3}/{r['max_points']:<3}  "
                     f"{'yes' if r['passed'] else 'no':<6}  {r['hint']}")
    return "\n".join(lines)


def submissions(target: Path) -> list[Path]:
    if target.is_dir():
        found = []
        for nb in sorted(target.glob("*.ipynb")):
            try:
                by_file(nb.name)
                found.append(nb)
            except KeyError:
                print(f"skipping {nb.name}: not a course notebook")
        return found
    if not target.exists():
        raise FileNotFoundError(f"{target}: no such notebook or folder")
    return [target]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="Grade learner notebooks.")
    parser.add_argument("target", type=Path, help="a learner notebook or a folder of them")
    parser.add_argument("--timeout", type=int, default=120, help="seconds per cell")
    parser.add_argument("--out", type=Path, default=BUILD / "grades", help="folder for the JSON")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    for path in submissions(args.target):
        result = grade_notebook(path, args.timeout)
        print(table(result))
        out = args.out / (path.stem + ".json")
        out.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        print(f"  -> {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
