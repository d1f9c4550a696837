"""Grade learner notebooks: one, a folder of them, or a folder of student folders.

    python -m helpers.instructor.grade submissions/3_emojify.ipynb
    python -m helpers.instructor.grade submissions/ --jobs 2   # notebooks or <student>/<nb>.ipynb

What a score means: every verdict is computed in this process, where no learner code ever
runs. Before a notebook's kernel starts, this process has loaded the manifest, that
notebook's checks and the instructor's solutions. Per submission it draws a fresh random
salt, so the checks' inputs (``helpers.checking.rng``) are new, and computes the reference
answers for them here, with the solutions (``checks.expected``). Exercises are graded in the
manifest's order, so inputs built from an earlier exercise's answers (the caches a backward
check passes) reach the kernel only once that exercise is graded. The learner's notebook
runs in a sandboxed kernel (``helpers.instructor.sandbox``: a learner release without
solutions, no network, memory and process limits, a time limit per cell and per exercise;
as root also its own user id and none of the instructor's files) and each check calls the
learner's function there through a proxy: the arguments go in, and only plain values
(``helpers.plain``: numbers, strings, lists, tuples, dicts, numeric arrays, never pickles)
come back. Crashes, exits, endless loops and patched libraries in the kernel cost only the
exercise they hit; a kernel that dies is restarted and the notebook re-run without the
cell that killed it.

Each notebook is recognised by its graded cells (``# GRADED FUNCTION: <name>``), not by its
file name. A file that cannot be graded (empty, corrupt, unknown) gets its own row with a
one-line reason. Results: one JSON per submission and ``gradebook.csv`` (student by
exercise, with totals) in ``--out`` (default ``build/grades/``); a re-run skips submissions
already graded with the same content and the same checks, unless ``--force``.
"""
import argparse
import csv
import hashlib
import importlib
import json
import multiprocessing
import os
import secrets
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import nbformat

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")  # the solutions of notebooks 2-3 import Keras

from .. import checking, keras_wire, plain
from . import nbcells, sandbox
from .references import expected as reference_values
from .course import NOTEBOOKS
from ..paths import BUILD, ROOT

MANIFEST = ROOT / "helpers" / "instructor" / "manifest.json"
MAX_NOTEBOOK = 50 * 2**20
MAX_RESTARTS = 6
HINT_LIMIT = 1000   # characters of a hint kept in the results (quoted errors are cut before)


class GradeError(Exception):
    """A submission (or the command line) that cannot be graded; the message is one line."""


@dataclass
class Options:
    timeout: float = 120.0            # seconds per notebook cell
    exercise_timeout: float = 60.0    # seconds per exercise (all its calls together)
    notebook_timeout: float = 600.0   # seconds for running the notebook, restarts included
    memory: int = sandbox.MEMORY      # bytes of address space for the kernel


# ------------------------------------------------------------------ the trusted side

@dataclass
class Course:
    """What one course notebook is graded with: the manifest's exercises, then (loaded by
    :meth:`load` before the notebook's kernel starts) its checks and the solutions."""
    file: str
    module: str
    exercises: list           # [{"name", "points"}] from the manifest
    checks: object = None     # helpers.<module>.checks (registers the check bodies)
    solutions: object = None  # helpers.instructor.graded.<module>

    def load(self) -> "Course":
        if self.solutions is None:
            self.checks = importlib.import_module(f"helpers.{self.module}.checks")
            self.solutions = importlib.import_module(f"helpers.instructor.graded.{self.module}")
        return self


_COURSE: dict = {}


def course() -> dict:
    """``{notebook file: Course}`` from the manifest, read once per process."""
    if not _COURSE:
        manifest = json.loads(MANIFEST.read_text(encoding="utf-8"))
        for nb in NOTEBOOKS:
            if nb.module is not None and nb.file in manifest:
                _COURSE[nb.file] = Course(nb.file, nb.module, manifest[nb.file])
    return _COURSE


def fingerprint() -> str:
    """Changes whenever what a verdict depends on changes (manifest, checks, solutions)."""
    digest = hashlib.sha256(MANIFEST.read_bytes())
    for item in course().values():
        for path in (ROOT / "helpers" / item.module / "checks.py",
                     ROOT / "helpers" / "instructor" / "graded" / f"{item.module}.py",
                     ROOT / "helpers" / "instructor" / "references" / f"{item.module}.py"):
            digest.update(path.read_bytes() if path.exists() else b"")
    for mod in (checking, plain, keras_wire):
        digest.update(Path(mod.__file__).read_bytes())
    return digest.hexdigest()[:16]


def identify(nb) -> Course:
    """The course notebook whose graded functions this notebook holds most of."""
    names = {nbcells.graded_name(cell) for cell in nb.cells} - {None}
    if not names:
        raise GradeError("not a course notebook: it has no '# GRADED FUNCTION:' cell")
    best, overlap = None, 0
    for item in course().values():
        common = len(names & {e["name"] for e in item.exercises})
        if common > overlap:
            best, overlap = item, common
    if best is None:
        shown = ", ".join(sorted(names)[:4])
        raise GradeError(f"not a course notebook: its graded functions ({shown}) belong to none")
    return best


def read_notebook(path: Path) -> tuple[nbformat.NotebookNode, str]:
    """``(notebook, sha256)``; :class:`GradeError` with a one-line reason otherwise."""
    try:
        if path.stat().st_size > MAX_NOTEBOOK:
            raise GradeError(f"file is larger than {MAX_NOTEBOOK // 2**20} MB")
        data = path.read_bytes()
    except OSError as err:
        raise GradeError(f"cannot read the file ({err.strerror or err})") from None
    digest = hashlib.sha256(data).hexdigest()
    if not data.strip():
        raise GradeError("empty file")
    try:
        raw = json.loads(data.decode("utf-8"))
    except UnicodeDecodeError:
        raise GradeError("not a notebook: the file is not UTF-8 text") from None
    except ValueError as err:
        raise GradeError(f"not a notebook: invalid JSON ({plain.one_line(err, 80)})") from None
    if not isinstance(raw, dict) or not isinstance(raw.get("cells"), list):
        raise GradeError("not a notebook: the JSON has no list of cells")
    try:
        nb = nbformat.reads(data.decode("utf-8"), as_version=4)
        for cell in nb.cells:
            if not isinstance(cell.get("source"), str) or "cell_type" not in cell:
                raise ValueError("a cell has no source")
    except Exception as err:  # nbformat raises many kinds on malformed input
        raise GradeError(f"not a valid notebook ({plain.one_line(err, 80)})") from None
    return nb, digest


class Budget:
    """The seconds an exercise's calls into the kernel may take, all together."""

    def __init__(self, seconds: float):
        self.total = self.left = seconds

    def spend(self, seconds: float) -> None:
        self.left -= seconds


class LearnerFunction:
    """Stands in for the learner's function in a check body; it runs in the kernel."""

    def __init__(self, kernel: "Kernel", exercise: str, name: str, budget: Budget):
        self.kernel, self.exercise, self.__name__, self.budget = kernel, exercise, name, budget

    def __repr__(self):
        return f"<the learner's {self.__name__}>"

    def __call__(self, *args, **kwargs):
        return self._ask("call", args, kwargs)

    def run_probe(self, probe, *args, **kwargs):
        module, name = getattr(probe, "__module__", ""), getattr(probe, "__name__", "")
        if not (module.startswith("helpers.") and module.endswith(".checks") and name.isidentifier()):
            raise checking.CheckFailed(self.exercise, f"cannot grade: {name!r} is not a probe "
                                                      "of a checks module")
        return self._ask("probe", args, kwargs, module=module, probe=name)

    def sibling(self, name: str):
        answer = self._timed("has", name, (), {})
        if answer.status == "ok" and answer.value is True:
            return LearnerFunction(self.kernel, self.exercise, name, self.budget)
        return None

    def _timed(self, op, name, args, kwargs, **extra) -> sandbox.Answer:
        if self.budget.left <= 0:
            self._fail(f"time limit of {self.budget.total:g} s for this exercise exceeded")
        start = time.monotonic()
        try:
            return self.kernel.box.ask(op, name, args, kwargs, timeout=self.budget.left, **extra)
        finally:
            self.budget.spend(time.monotonic() - start)

    def _fail(self, hint: str):
        raise checking.CheckFailed(self.exercise, hint)

    def _ask(self, op, args, kwargs, module="", probe=""):
        name = self.__name__
        for position, value in [*enumerate(args, 1), *kwargs.items()]:
            try:
                plain.dumps(value)
            except plain.NotPlain as err:  # a check that is not written for grading yet
                what = f"argument {position}" if isinstance(position, int) else position
                self._fail(f"cannot grade yet: the check passes {name} a value that is not "
                           f"plain: {str(err).replace('the result', what, 1)}")
        answer = self._timed(op, name, args, kwargs, module=module, probe=probe)
        if answer.printed and sys.stdout is not sys.__stdout__:
            # A check reads what the function printed by redirecting stdout around the call
            # (as it does locally); it is learner output, never read by the grader itself.
            sys.stdout.write(answer.printed)
        if answer.status == "ok":
            return answer.value
        if answer.status == "not implemented":
            raise NotImplementedError(answer.message)
        if answer.status == "crash":
            raise checking.LearnerCrash(answer.message)
        if answer.status == "not plain":
            self._fail(answer.message)
        if answer.status == "timeout":
            self._fail(f"time limit of {self.budget.total:g} s for this exercise exceeded "
                       f"while {name} was running (an endless loop?)")
        if answer.status == "died":
            self.kernel.note(f"the kernel died while {name} was running; it was restarted")
            self._fail(f"the kernel died while {name} was running (did it call os._exit, "
                       "kill its own process or run out of memory?)")
        self._fail(f"no valid answer came back from {name}: {answer.message}")


class Kernel:
    """A sandboxed kernel that holds the learner's notebook, run cell by cell."""

    def __init__(self, box: sandbox.Box, cells: list, options: Options):
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
        except sandbox.BoxError as err:
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


def grade_exercises(kernel: Kernel, item: Course, options: Options) -> list:
    salt = tuple(secrets.randbits(32) for _ in range(4))
    cache: dict = {}

    def references(module: str) -> dict:
        if module not in cache:
            owner = next(c for c in course().values() if c.module == module).load()
            cache[module] = reference_values(module, owner.solutions)
        return cache[module]

    with checking.session(salt, references):
        references(item.module)  # before any call: the time limits count the kernel's time only
    rows = []
    for exercise in item.exercises:
        name, points = exercise["name"], exercise["points"]
        if not kernel.ready():
            found = checking.Outcome(name, "failed", 0,
                                     f"the kernel kept dying ({kernel.restarts} restarts)")
        else:
            budget = Budget(options.exercise_timeout)
            has = kernel.box.ask("has", name, timeout=options.exercise_timeout)
            if has.status != "ok":
                found = checking.Outcome(name, "failed", 0, "the kernel did not answer "
                                         f"({has.status}) when asked whether {name} is defined")
            else:
                fn = LearnerFunction(kernel, name, name, budget) if has.value is True else None
                with checking.session(salt, references):
                    found = checking.outcome(name, fn)
        passed = found.status == "passed"
        rows.append({"exercise": name, "points": points if passed else 0, "max_points": points,
                     "passed": passed, "status": found.status,
                     "hint": plain.one_line(found.hint, HINT_LIMIT)})
    return rows


# ------------------------------------------------------------------ one submission

_RELEASE: list = []


def shared_release() -> Path:
    """A learner release for this process's kernels (written once, removed at exit)."""
    if not _RELEASE:
        import atexit
        import shutil

        folder = Path(tempfile.mkdtemp(prefix="rnnlab-grade-"))
        atexit.register(shutil.rmtree, folder, True)
        _RELEASE.append(sandbox.prepare_release(folder))
    return _RELEASE[0]


def grade_notebook(path, timeout: float = 120, exercise_timeout: float = 60,
                   release: Path | None = None, hide=(), notebook_timeout: float = 600) -> dict:
    """Grade the notebook at ``path``; the file is only read. Returns the result dict.

    Raises :class:`GradeError` when the file cannot be graded (see :func:`grade_file` for
    the batch form that turns that into a row).
    """
    options = Options(timeout=timeout, exercise_timeout=exercise_timeout,
                      notebook_timeout=notebook_timeout)
    path = Path(path)
    course()
    sandbox.become_subreaper()
    nb, digest = read_notebook(path)
    item = identify(nb).load()
    cells = [(i, c.source) for i, c in enumerate(nb.cells) if c.cell_type == "code"]
    release = release or shared_release()
    start = time.monotonic()
    hide = tuple(hide) + (path.resolve(),)
    guard = (sandbox.hidden(sandbox.secret_paths(hide)) if not sandbox.private_views_work()
             else _nothing())
    with guard, sandbox.Box(release, sandbox.Limits(cell=timeout, memory=options.memory),
                            preload=(f"helpers.{item.module}.checks",), hide=hide) as box:
        kernel = Kernel(box, cells, options)
        kernel.run_notebook()
        rows = grade_exercises(kernel, item, options)
    return {"notebook": item.file, "file": path.name, "sha256": digest,
            "score": sum(r["points"] for r in rows), "max_score": sum(r["max_points"] for r in rows),
            "exercises": rows, "notes": kernel.notes, "problem": "",
            "seconds": round(time.monotonic() - start, 1)}


class _nothing:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


@dataclass
class Submission:
    student: str
    key: str            # where its JSON goes, relative to --out, without ".json"
    path: str
    problem: str = ""   # set when the folder itself is the problem (no notebook in it)


def grade_file(sub: Submission, options: Options, release: str, hide=()) -> dict:
    """Grade one submission; every problem becomes a row with a one-line reason."""
    base = {"student": sub.student, "key": sub.key, "file": Path(sub.path).name}
    if sub.problem:
        return {**base, "notebook": "", "score": 0, "max_score": 0, "exercises": [],
                "problem": sub.problem}
    try:
        result = grade_notebook(sub.path, options.timeout, options.exercise_timeout,
                                Path(release) if release else None, hide,
                                options.notebook_timeout)
    except GradeError as err:
        return {**base, "notebook": "", "score": 0, "max_score": 0, "exercises": [],
                "problem": str(err)}
    except sandbox.BoxError as err:
        return {**base, "notebook": "", "score": 0, "max_score": 0, "exercises": [],
                "problem": plain.one_line(err)}
    except Exception as err:  # noqa: BLE001 - one submission never stops the batch
        return {**base, "notebook": "", "score": 0, "max_score": 0, "exercises": [],
                "problem": f"grading failed ({type(err).__name__}: {plain.one_line(err, 160)})"}
    return {**base, **result, "file": Path(sub.path).name}


# ------------------------------------------------------------------ a batch

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
    sandbox.become_subreaper()
    course()


def _previous(out: Path, sub: Submission, stamp: str) -> dict | None:
    try:
        old = json.loads((out / f"{sub.key}.json").read_text(encoding="utf-8"))
        digest = hashlib.sha256(Path(sub.path).read_bytes()).hexdigest()
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
    stamp = fingerprint()
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
    hide = (target.resolve(), out.resolve())
    # Kernels need a learner release: written once, here (before the workers start) or lazily.
    release = str(shared_release()) if jobs > 1 and len(todo) > 1 else ""
    guard = (sandbox.hidden(sandbox.secret_paths(hide)) if not sandbox.private_views_work()
             else _nothing())

    def finish(sub: Submission, result: dict) -> None:
        result["grader"] = stamp
        results[sub.key] = result
        target_json = out / f"{sub.key}.json"
        target_json.parent.mkdir(parents=True, exist_ok=True)
        target_json.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n",
                               encoding="utf-8")
        echo(summary_line(result))

    with guard:
        if jobs <= 1 or len(todo) <= 1:
            for sub in todo:
                finish(sub, grade_file(sub, options, release, hide))
        else:
            context = multiprocessing.get_context("spawn")
            with ProcessPoolExecutor(jobs, mp_context=context, initializer=_init_worker) as pool:
                futures = [(sub, pool.submit(grade_file, sub, options, release, hide))
                           for sub in todo]
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


def summary_line(result: dict) -> str:
    if result.get("problem"):
        return f"{result['key']}: {result['problem']}"
    return (f"{result['key']}: {result['score']} / {result['max_score']} points "
            f"({result['notebook']})")


def write_gradebook(path: Path, results: list) -> None:
    """One row per student, one column per exercise (``<module>.<name>``), then totals."""
    modules = {c.file: c.module for c in course().values()}
    columns = [f"{c.module}.{e['name']}" for c in course().values() for e in c.exercises]
    rows: dict = {}
    for result in results:
        row = rows.setdefault(result["student"], {"student": result["student"], "files": [],
                                                  "score": 0, "max_score": 0, "problems": []})
        row["files"].append(result.get("key", ""))
        if result.get("problem"):
            row["problems"].append(f"{result.get('file', '')}: {result['problem']}")
            continue
        module = modules.get(result["notebook"], "")
        if any(f"{module}.{r['exercise']}" in row for r in result["exercises"]):
            row["problems"].append(f"{result.get('file', '')}: a second copy of "
                                   f"{result['notebook']}, not counted")
            continue
        for r in result["exercises"]:
            row[f"{module}.{r['exercise']}"] = r["points"]
        row["score"] += result["score"]
        row["max_score"] += result["max_score"]
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["student", *columns, "score", "max_score", "files", "problems"])
        for row in rows.values():
            writer.writerow([row["student"], *[row.get(c, "") for c in columns], row["score"],
                             row["max_score"], " ".join(row["files"]), "; ".join(row["problems"])])


def table(result: dict) -> str:
    if result.get("problem"):
        return summary_line(result)
    lines = [f"{result['file']} ({result['notebook']}): {result['score']} / "
             f"{result['max_score']} points",
             f"  {'exercise':<28} {'points':>7}  {'passed':<6}  hint"]
    for r in result["exercises"]:
        lines.append(f"  {r['exercise']:<28} {r['points']:>3}/{r['max_points']:<3}  "
                     f"{'yes' if r['passed'] else 'no':<6}  {r['hint']}")
    for note in result.get("notes", []):
        lines.append(f"  note: {note}")
    return "\n".join(lines)


# ------------------------------------------------------------------ command line

class OneLineParser(argparse.ArgumentParser):
    def error(self, message):
        self.exit(2, f"grade: {message} (see --help)\n")


def positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text} must be at least 1")
    return value


def seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds") from None
    if value <= 0:
        raise argparse.ArgumentTypeError(f"{text} must be more than 0 seconds")
    return value


def isolation_note() -> str | None:
    """A line to print after grading when the kernels could not get their own user ids."""
    if sandbox.AS_ROOT:
        return None
    return ("note: graded as a non-root user, so learner code ran under your own user id and "
            "could read what you can read (the verdicts are still computed here); grade as root, "
            "e.g. in a container, to give each kernel its own user id and hide your files")


def main(argv=None) -> int:
    parser = OneLineParser(description="Grade learner notebooks (a file, a folder of "
                                       "notebooks, or a folder of student folders).")
    parser.add_argument("target", type=Path, help="a notebook or a folder")
    parser.add_argument("--out", type=Path, default=BUILD / "grades",
                        help="folder for the JSON files and gradebook.csv")
    parser.add_argument("--jobs", type=positive, default=1, help="submissions graded at once")
    parser.add_argument("--force", action="store_true", help="re-grade what is already graded")
    parser.add_argument("--timeout", type=seconds, default=120.0, help="seconds per cell")
    parser.add_argument("--exercise-timeout", type=seconds, default=60.0,
                        help="seconds per exercise")
    parser.add_argument("--notebook-timeout", type=seconds, default=600.0,
                        help="seconds for running a notebook, its restarts included")
    args = parser.parse_args(argv)
    options = Options(timeout=args.timeout, exercise_timeout=args.exercise_timeout,
                      notebook_timeout=args.notebook_timeout)
    try:
        single = args.target.is_file()
        results = grade_batch(args.target, args.out, args.jobs, args.force, options,
                              echo=(lambda line: None) if single else print)
    except GradeError as err:
        print(f"grade: {err}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("grade: interrupted", file=sys.stderr)
        return 130
    except Exception as err:  # never a traceback: one line that says what went wrong
        print(f"grade: {type(err).__name__}: {plain.one_line(err)}", file=sys.stderr)
        return 1
    if single:
        print(table(results[0]))
    graded = [r for r in results if not r.get("problem")]
    print(f"gradebook: {args.out / 'gradebook.csv'} ({len(graded)} graded, "
          f"{len(results) - len(graded)} with a problem)")
    note = isolation_note()
    if note:
        print(note)
    return 0


if __name__ == "__main__":
    sys.exit(main())
