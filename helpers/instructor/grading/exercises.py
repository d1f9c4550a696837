"""Grading each exercise of a notebook whose kernel has run it: a fresh salt per submission,
the instructor's answers for those inputs computed here, each check run here on a proxy of
the learner's function (``calls.py``)."""
import secrets

from ... import checking, plain
from ..references import expected as reference_values
from .calls import Budget, LearnerFunction
from .course import Course, course
from .kernel import Kernel
from .settings import HINT_LIMIT, Options
from ...i18n import _


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
                                     _("the kernel kept dying ({restarts} restarts)").format(
                                         restarts=kernel.restarts))
        else:
            budget = Budget(options.exercise_timeout)
            has = kernel.box.ask("has", name, timeout=options.exercise_timeout)
            if has.status != "ok":
                found = checking.Outcome(name, "failed", 0, _("the kernel did not answer ({status}) "
                                                              "when asked whether {name} is defined").format(
                                                                status=has.status, name=name))
            else:
                fn = LearnerFunction(kernel, name, name, budget) if has.value is True else None
                with checking.session(salt, references):
                    found = checking.outcome(name, fn)
        passed = found.status == "passed"
        rows.append({"exercise": name, "points": points if passed else 0, "max_points": points,
                     "passed": passed, "status": found.status,
                     "hint": plain.one_line(found.hint, HINT_LIMIT)})
    return rows
