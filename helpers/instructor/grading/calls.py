"""The learner's function as a check sees it when grading: a proxy whose calls run in the
kernel, each under the exercise's time budget, and whose answers are plain values only."""
import sys
import time

from ... import checking, plain
from .box import Answer
from ...i18n import _


class Budget:
    """The seconds an exercise's calls into the kernel may take, all together."""

    def __init__(self, seconds: float):
        self.total = self.left = seconds

    def spend(self, seconds: float) -> None:
        self.left -= seconds


class LearnerFunction:
    """Stands in for the learner's function in a check body; it runs in the kernel."""

    def __init__(self, kernel, exercise: str, name: str, budget: Budget):
        self.kernel, self.exercise, self.__name__, self.budget = kernel, exercise, name, budget

    def __repr__(self):
        return f"<the learner's {self.__name__}>"

    def __call__(self, *args, **kwargs):
        return self._ask("call", args, kwargs)

    def run_probe(self, probe, *args, **kwargs):
        module, name = getattr(probe, "__module__", ""), getattr(probe, "__name__", "")
        if not (module.startswith("helpers.") and module.endswith(".probes") and name.isidentifier()):
            raise checking.CheckFailed(self.exercise, f"cannot grade: {name!r} is not a probe "
                                                      "of a probes module")
        return self._ask("probe", args, kwargs, module=module, probe=name)

    def sibling(self, name: str):
        answer = self._timed("has", name, (), {})
        if answer.status == "ok" and answer.value is True:
            return LearnerFunction(self.kernel, self.exercise, name, self.budget)
        return None

    def _timed(self, op, name, args, kwargs, **extra) -> Answer:
        if self.budget.left <= 0:
            self._fail(_("time limit of {total:g} s for this exercise exceeded").format(
                           total=self.budget.total))
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
                self._fail(_("cannot grade yet: the check passes {name} a value that is not "
                             "plain: {why}").format(
                               name=name, why=str(err).replace("the result", what, 1)))
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
            self._fail(_("time limit of {total:g} s for this exercise exceeded while {name} was "
                         "running (an endless loop?)").format(total=self.budget.total, name=name))
        if answer.status == "died":
            self.kernel.note(_("the kernel died while {name} was running; it was restarted").format(
                                 name=name))
            self._fail(_("the kernel died while {name} was running (did it call os._exit, kill "
                         "its own process or run out of memory?)").format(name=name))
        self._fail(_("no valid answer came back from {name}: {message}").format(
                       name=name, message=answer.message))
