"""Grading a folder: find the submissions, skip what is already graded with the same checks,
grade the rest (here, or as tasks on Dask workers: ``cluster``), write one JSON each as the
results come in, and the gradebook."""
import json
import socket
from dataclasses import replace
from pathlib import Path

from ... import plain
from . import fingerprints, view
from .course import course
from .gradebook import summary_line, write_gradebook
from .notebook import Submission, grade_file, shared_release
from .reading import read_bytes
from .settings import GradeError, Options
from ...i18n import _


HIDDEN_NAMES = {".ipynb_checkpoints", "__MACOSX", "__pycache__"}


def find_submissions(target: Path) -> list[Submission]:
    """A notebook, a folder of notebooks, or a folder of student folders."""
    if not target.exists():
        raise GradeError(_("{target}: no such file or folder").format(target=target))
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
                                        problem=_("no notebook (.ipynb) in this folder")))
            for nb in notebooks:
                key = f"{entry.name}/{nb.relative_to(entry).with_suffix('').as_posix()}"
                found.append(Submission(entry.name, key, str(nb)))
        elif entry.suffix == ".ipynb":
            found.append(Submission(entry.stem, entry.stem, str(entry)))
        else:
            found.append(Submission(entry.stem, entry.name, str(entry),
                                    problem=_("not a notebook: {name} is no .ipynb file").format(
                                                name=entry.name)))
    if not found:
        raise GradeError(_("{target}: no notebooks (.ipynb) found in this folder").format(
                             target=target))
    return found


def grade_shipped(sub: Submission, data: bytes | None, options: Options, release: str) -> dict:
    """One task, here or in a worker process: grade a submission from its bytes in a sandbox
    of this machine; a plain dict comes back, stamped with this process's grader."""
    missing = view.missing_isolation()
    if missing:
        result = {"student": sub.student, "key": sub.key, "file": Path(sub.path).name,
                  "notebook": "", "score": 0, "max_score": 0, "exercises": [],
                  "problem": _("cannot grade on {host}: {missing}").format(
                                 host=socket.gethostname(), missing=missing)}
    else:
        result = grade_file(sub, options, release, data)
    return {**result, "grader": fingerprints.grader()}


def shipped(sub: Submission) -> tuple[Submission, bytes | None]:
    """A submission with its bytes, read here; one that cannot be read carries its reason."""
    if sub.problem:
        return sub, None
    try:
        return sub, read_bytes(Path(sub.path))
    except GradeError as err:
        return replace(sub, problem=str(err)), None


def failed(sub: Submission, reason: str) -> dict:
    return {"student": sub.student, "key": sub.key, "file": Path(sub.path).name, "notebook": "",
            "score": 0, "max_score": 0, "exercises": [], "problem": reason}


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
                options: Options | None = None, echo=print, scheduler: str | None = None) -> list:
    """Grade everything under ``target`` into ``out``; return the results in order.

    ``jobs`` > 1 grades on a local Dask cluster of that many processes, ``scheduler`` (an
    address such as ``tcp://host:8786``) on a running Dask cluster; else here, one by one.
    """
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
            echo(_("{key}: {score} / {max_score} (already graded)").format(
                     key=sub.key, score=old['score'], max_score=old['max_score']))
        else:
            todo.append(sub)

    def finish(sub: Submission, result) -> None:
        if isinstance(result, BaseException):
            result = failed(sub, _("grading failed ({error})").format(error=plain.one_line(result, 120)))
        elif result.get("grader", stamp) != stamp:
            result = failed(sub, _("graded by another grader ({grader}, here {stamp})").format(
                                     grader=result['grader'], stamp=stamp))
        result["grader"] = stamp
        results[sub.key] = result
        target_json = out / f"{sub.key}.json"
        target_json.parent.mkdir(parents=True, exist_ok=True)
        target_json.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n",
                               encoding="utf-8")
        echo(summary_line(result))

    if scheduler or (jobs > 1 and len(todo) > 1):
        from . import cluster
        # Local workers share this machine's learner release; remote ones write their own.
        release = "" if scheduler else str(shared_release())
        items = ((*shipped(sub), options, release) for sub in todo)  # read as sent
        for sub, outcome in cluster.graded(grade_shipped, items, stamp, jobs, scheduler):
            finish(sub, outcome)
    else:
        for sub in todo:
            finish(sub, grade_shipped(*shipped(sub), options, ""))
    ordered = [results[sub.key] for sub in subs]
    write_gradebook(out / "gradebook.csv", ordered)
    return ordered
