"""The command line: ``python -m helpers.instructor.grade TARGET [--jobs N | --scheduler ADDRESS] ...``."""
import argparse
import os
import sys
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")  # the solutions of notebooks 2-3 import Keras

from ... import plain
from ...paths import BUILD
from . import view
from .batch import grade_batch
from .gradebook import table
from .settings import GradeError, Options
from ...i18n import _


class OneLineParser(argparse.ArgumentParser):
    def error(self, message):
        self.exit(2, _("grade: {message} (see --help)\n").format(message=message))


def positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(_("{text!r} is not a whole number").format(text=text)) from None
    if value < 1:
        raise argparse.ArgumentTypeError(_("{text} must be at least 1").format(text=text))
    return value


def seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(_("{text!r} is not a number of seconds").format(text=text)) from None
    if value <= 0:
        raise argparse.ArgumentTypeError(_("{text} must be more than 0 seconds").format(text=text))
    return value


def main(argv=None) -> int:
    parser = OneLineParser(description="Grade learner notebooks (a file, a folder of "
                                       "notebooks, or a folder of student folders).")
    parser.add_argument("target", type=Path, help="a notebook or a folder")
    parser.add_argument("--out", type=Path, default=BUILD / "grades",
                        help="folder for the JSON files and gradebook.csv")
    engine = parser.add_mutually_exclusive_group()
    engine.add_argument("--jobs", type=positive, default=1,
                        help="submissions graded at once (N > 1: a local Dask cluster of N processes)")
    engine.add_argument("--scheduler", metavar="ADDRESS",
                        help="grade on the running Dask cluster at ADDRESS (e.g. tcp://host:8786); "
                             "its workers need root and this checkout")
    parser.add_argument("--force", action="store_true", help="re-grade what is already graded")
    parser.add_argument("--timeout", type=seconds, default=120.0, help="seconds per cell")
    parser.add_argument("--exercise-timeout", type=seconds, default=60.0,
                        help="seconds per exercise")
    parser.add_argument("--notebook-timeout", type=seconds, default=600.0,
                        help="seconds for running a notebook, its restarts included")
    args = parser.parse_args(argv)
    options = Options(timeout=args.timeout, exercise_timeout=args.exercise_timeout,
                      notebook_timeout=args.notebook_timeout)
    missing = "" if args.scheduler else view.missing_isolation()  # else: checked per worker
    if missing:
        print(f"grade: {missing}", file=sys.stderr)
        return 2
    try:
        single = args.target.is_file()
        results = grade_batch(args.target, args.out, args.jobs, args.force, options,
                              echo=(lambda line: None) if single else print,
                              scheduler=args.scheduler)
    except GradeError as err:
        print(f"grade: {err}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(_("grade: interrupted"), file=sys.stderr)
        return 130
    except Exception as err:  # never a traceback: one line that says what went wrong
        print(f"grade: {type(err).__name__}: {plain.one_line(err)}", file=sys.stderr)
        return 1
    if single:
        print(table(results[0]))
    graded = [r for r in results if not r.get("problem")]
    print(_("gradebook: {path} ({graded} graded, {problems} with a problem)").format(
        path=args.out / "gradebook.csv", graded=len(graded), problems=len(results) - len(graded)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
