"""Grading a folder: find the submissions, skip what is already graded with the same checks,
grade the rest (one process or several), write one JSON each and the gradebook."""
import json
import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from ... import plain
from . import fingerprints
from .course import course
from .gradebook import summary_line, write_gradebook
from .notebook import Submission, grade_file, shared_release
from .processes import become_subreaper
from .settings import GradeError, Options


HIDDEN_NAMES = {".ipynb_checkpoints", "__MACOSX", "__pycache__"}


def find_submissions(target: Path) -> list[Submission]:
    """A notebook, a folder of notebooks, or a folder of student folders."""
    if not target.exists():
        raise GradeError(f"{target}: no such file or folder")
    if target.is_file():
        return [Submission(target.stem, target.stem, str(target))]
    found = []
    for entry in sorted(target.iterdir()):
        if entry.name.startswith(".") or entry.name in HIDDEN_NAMES:
            continue
        if entry.is_dir():
            notebooks = sorted(p for p in entry.rglob("*.ipynb")
                               if not HIDDEN_NAMES & set(p.relative_to(entry).parts)
                               and not any(part.startswith(".") for part in p.relative_to(entry).parts))
            if not notebooks:
                found.append(Submission(entry.name, entry.name, str(entry),
                                        problem="no notebook (.ipynb) in this folder"))
            for nb in notebooks:
                key = f"{entry.name}/{nb.relative_to(entry).with_suffix('').as_posix()}"
                found.append(Submission(entry.name, key, str(nb)))
        elif entry.suffix == ".ipynb":
            found.append(Submission(entry.stem, entry.stem, str(entry)))
        else:
            found.append(Submission(entry.stem, entry.name, str(entry),
                                    problem=f"not a notebook: {entry.name} is no .ipynb file"))
    if not found:
        raise GradeError(f"{target}: no notebooks (.ipynb) found in this folder")
    return found


def _init_worker() -> None:
    become_subreaper()
    course()


def _previous(out: Path, sub: Submission, stamp: str) -> dict | None:
    try:
        old = json.loads((out / f"{sub.key}.json").read_text(encoding="utf-8"))
        digest = fingerprints.of_file(sub.path)
    except (OSError, ValueError):
        return None
    if old.get("sha256") == digest and old.get("grader") == stamp and not old.get("problem"):
        return old
    return None


def grade_batch(target: Path, out: Path, jobs: int = 1, force: bool = False,
                options: Options | None = None, echo=print) -> list:
    """Grade everything under ``target`` into ``out``; return the results in order."""
    options = options or Options()
    subs = find_submissions(target)
    course()
    stamp = fingerprints.grader()
    out.mkdir(parents=True, exist_ok=True)
    results: dict = {}
    todo = []
    for sub in subs:
        old = None if force or sub.problem else _previous(out, sub, stamp)
        if old is not None:
            results[sub.key] = old
            echo(f"{sub.key}: {old['score']} / {old['max_score']} (already graded)")
        else:
            todo.append(sub)
    # Kernels need a learner release: written once, here (before the workers start) or lazily.
    release = str(shared_release()) if jobs > 1 and len(todo) > 1 else ""

    def finish(sub: Submission, result: dict) -> None:
        result["grader"] = stamp
        results[sub.key] = result
        target_json = out / f"{sub.key}.json"
        target_json.parent.mkdir(parents=True, exist_ok=True)
        target_json.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n",
                               encoding="utf-8")
        echo(summary_line(result))

    if jobs <= 1 or len(todo) <= 1:
        for sub in todo:
            finish(sub, grade_file(sub, options, release))
    else:
        context = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(jobs, mp_context=context, initializer=_init_worker) as pool:
            futures = [(sub, pool.submit(grade_file, sub, options, release)) for sub in todo]
            for sub, future in futures:
                try:
                    result = future.result()
                except Exception as err:  # a worker that died: the batch goes on
                    result = {"student": sub.student, "key": sub.key,
                              "file": Path(sub.path).name, "notebook": "", "score": 0,
                              "max_score": 0, "exercises": [],
                              "problem": f"grading failed ({plain.one_line(err, 120)})"}
                finish(sub, result)
    ordered = [results[sub.key] for sub in subs]
    write_gradebook(out / "gradebook.csv", ordered)
    return ordered
