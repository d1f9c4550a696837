"""The feedback machinery shared by every notebook's checks.

A check is a function ``body(fn, report)`` registered under its exercise's name with
``@exercise("rnn_cell_forward")``. It calls the learner's function through ``report.call``
and states facts with ``report.require`` / ``report.shape`` / ``report.close``; each fact
that holds prints one line, the first that fails stops the check with a hint.

The decorated check, called from a notebook as ``check_rnn_cell_forward(rnn_cell_forward)``:

- prints ``not implemented yet`` (and does not raise) while the function still raises
  ``NotImplementedError``, so an untouched learner notebook runs to the end;
- raises :class:`CheckFailed` (an ``AssertionError``) whose message is the hint otherwise; in
  a notebook it shows as the one line ``✗ <exercise>: <hint>``, without a traceback, and the
  cell stops there;
- prints a summary line when everything passed.

A check may name the learner's functions that the exercise calls (``uses``): when it fails,
their own checks run, and a failing one is named as the culprit. It may name the variables
that the given lines after the learner's code read (``defines``): a missing one gets a hint
instead of a bare ``NameError``. When the learner's code crashes, the hint quotes the
learner's own line that raised (:func:`describe_crash`).

``outcome(name, fn)`` runs the same check silently for the grader and returns an
:class:`Outcome` instead of raising.
"""
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import wraps
from pathlib import Path

import numpy as np

from .i18n import _

REGISTRY: dict = {}


class CheckFailed(AssertionError):
    """A check found a mistake; ``hint`` names the probable cause."""

    def __init__(self, exercise: str, hint: str):
        super().__init__(f"{exercise}: {hint}")
        self.exercise, self.hint = exercise, hint

    def _render_traceback_(self):
        """How IPython shows it: the one ✗ line, no traceback (the hint says what to fix)."""
        return [_("✗ {exercise}: {hint}").format(exercise=self.exercise, hint=self.hint)]


class LearnerCrash(Exception):
    """The learner's code raised, in another process; the message is :func:`describe_crash`'s."""


def describe_crash(err: BaseException) -> str:
    """One line saying how the learner's code crashed, and on which of the learner's lines.

    ``ValueError: <message> (at cell In[12], line 18, in rnn_cell_backward: dWax = dtanh @ xt)``.
    The line is the innermost frame of the traceback that is neither the course's ``helpers``
    nor an installed library (numpy, the standard library), so it is the learner's own code.
    Self-contained (imports inside): the grader runs it in the learner's kernel.
    """
    import linecache
    import os
    import sys

    message = " ".join(str(err).split())
    text = f"{type(err).__name__}: {message}" if message else type(err).__name__
    libraries = {os.path.realpath(p) for p in (sys.prefix, sys.base_prefix, sys.exec_prefix)}

    def is_learner(frame):
        module = str(frame.f_globals.get("__name__", ""))
        if module == "helpers" or module.startswith("helpers."):
            return False
        filename = frame.f_code.co_filename
        if filename.startswith("<frozen") or filename.startswith("<string>"):
            return False
        if filename.startswith("<"):
            return True
        real = os.path.realpath(filename)
        return not any(real.startswith(lib + os.sep) for lib in libraries)

    found, tb = None, err.__traceback__
    while tb is not None:
        if is_learner(tb.tb_frame):
            found = (tb.tb_frame, tb.tb_lineno)
        tb = tb.tb_next
    if found is None:
        return text
    return f"{text} (at {learner_line(*found)})"


def learner_line(frame, lineno: int) -> str:
    """``cell In[12], line 18, in rnn_cell_backward: dWax = dtanh @ xt``: line ``lineno`` of the
    code that ``frame`` runs, named as the learner sees it. Self-contained (imports inside)."""
    import linecache
    import os
    import sys

    filename = frame.f_code.co_filename
    label = None
    try:  # a notebook cell: IPython names it "In[12]"
        shell = sys.modules["IPython"].get_ipython() if "IPython" in sys.modules else None
        named = shell.compile.format_code_name(filename) if shell is not None else None
        if named:
            label = f"{named[0].lower()} {named[1]}"
    except Exception:
        label = None
    if label is None:
        label = filename if filename.startswith("<") else os.path.basename(filename)
    where = f"{label}, line {lineno}"
    if frame.f_code.co_name != "<module>":
        where += f", in {frame.f_code.co_name}"
    code = linecache.getline(filename, lineno, frame.f_globals).strip()
    if code:
        where += ": " + (code if len(code) <= 100 else code[:97] + "...")
    return where


QUOTE_LIMIT = 300   # characters of a quoted error kept in a hint (the advice is never cut)


def quote(text: str, limit: int = QUOTE_LIMIT) -> str:
    """``text`` (an error, or a hint quoted inside another hint) on one line, at most ``limit``
    characters: a long message is cut in its middle, keeping its type and the learner's line
    (`` (at cell In[3], line 2: ...)``) that :func:`describe_crash` appends."""
    text = " ".join(str(text).split())
    if len(text) <= limit:
        return text
    where = text.rfind(" (at ")
    tail = text[where:] if where > 0 and len(text) - where <= limit // 2 else ""
    head = text[:len(text) - len(tail)] if tail else text
    return head[:max(limit - len(tail) - 3, 20)] + "..." + tail


class NotImplementedYet(Exception):
    """The learner's function still raises NotImplementedError."""


@dataclass
class Outcome:
    exercise: str
    status: str  # "passed", "failed" or "not implemented"
    checks_passed: int
    hint: str = ""


class Report:
    """Collects the facts checked for one exercise and prints one line per fact."""

    def __init__(self, exercise: str, verbose: bool = True):
        self.exercise, self.verbose, self.passed = exercise, verbose, 0

    def ok(self, what: str) -> None:
        self.passed += 1
        if self.verbose:
            print(_("  ✓ {what}").format(what=what))

    def fail(self, hint: str):
        raise CheckFailed(self.exercise, hint)

    def call(self, fn, *args, **kwargs):
        """Call the learner's function, turning its exceptions into clear feedback."""
        return self._guarded(fn, fn, *args, **kwargs)

    def probe(self, probe, fn, *args):
        """``probe(fn, *args)``, run where the learner's code lives.

        A probe is a module-level function of a ``helpers/<module>/probes.py`` that builds the
        inputs that cannot travel (layers, a chord, callbacks), calls the learner's function
        and returns its raw result as plain values (a model as its JSON and weights): when
        grading, it runs in the learner's kernel, which may replace it, so the check judges
        what comes back as untrusted and computes everything else on its own side.
        """
        run = getattr(fn, "run_probe", None)
        if run is not None:
            return self._guarded(fn, run, probe, *args)
        return self._guarded(fn, probe, fn, *args)

    def _guarded(self, fn, target, *args, **kwargs):
        try:
            return target(*args, **kwargs)
        except NotImplementedError as err:
            raise NotImplementedYet(str(err)) from None
        except CheckFailed:
            raise
        except LearnerCrash as err:  # the learner's code crashed in the grading kernel
            self.crashed(fn, str(err))
        except Exception as err:  # the learner's code crashed: say how, and on which line
            self.crashed(fn, describe_crash(err))

    def crashed(self, fn, crash: str):
        """Fail with the one-line ``crash`` (see :func:`describe_crash`) and a hint for it."""
        name = getattr(fn, "__name__", "")
        if not name.isidentifier() or name.startswith("_"):
            name = self.exercise  # a lambda, a probe, a private helper: name the exercise
        hint = crash_hint(self.exercise, crash)
        if hint:
            self.fail(_("calling {name} raised {crash} — {hint}").format(
                name=name, crash=quote(crash), hint=hint))
        self.fail(_("calling {name} raised {crash}").format(name=name, crash=quote(crash)))

    def require(self, condition, what: str, hint: str) -> None:
        if not condition:
            self.fail(hint)
        self.ok(what)

    def shape(self, value, shape, what: str, hint: str = "") -> None:
        got = np.shape(value)
        if tuple(got) != tuple(shape):
            self.fail(hint or _("{what} has shape {got}, expected {want}").format(
                what=what, got=tuple(got), want=tuple(shape)))
        self.ok(_("{what} has shape {shape}").format(what=what, shape=tuple(shape)))

    def close(self, got, want, what: str, hint: str = "", atol: float = 1e-7, rtol: float = 1e-6):
        got, want = np.asarray(got, dtype=float), np.asarray(want, dtype=float)
        if got.shape != want.shape:
            self.fail(_("{what} has shape {got}, expected {want}").format(
                what=what, got=got.shape, want=want.shape))
        if not np.allclose(got, want, atol=atol, rtol=rtol):
            diff = float(np.max(np.abs(got - want)))
            self.fail((hint + " " if hint else "")
                      + _("({what} is off by up to {diff:.3g})").format(what=what, diff=diff))
        self.ok(_("{what} matches the reference").format(what=what))


BODIES: dict = {}   # exercise -> body(fn, report), as written in the checks module
USES: dict = {}     # exercise -> the learner's functions it calls, whose checks run first on failure
DEFINES: dict = {}  # exercise -> variables the given lines after the learner's code read


def exercise(name: str, points=None, uses: tuple = (), defines: tuple = ()):
    """Register ``body(fn, report)`` as the check of exercise ``name``.

    ``uses``: other graded functions that the learner's ``name`` calls. When this check fails,
    their checks run (silently) on the learner's versions; the first that fails is named as
    the culprit instead of blaming ``name``.
    ``defines``: the variables that the lines given after the learner's code (the ``return``)
    read; a ``NameError`` for one of them gets a hint saying the code must define it.
    """

    def decorate(body):
        BODIES[name], USES[name], DEFINES[name] = body, tuple(uses), tuple(defines)
        REGISTRY[name] = lambda fn, report: _run(name, fn, report)

        @wraps(body)
        def check(fn):
            report = Report(name)
            try:
                REGISTRY[name](fn, report)
            except NotImplementedYet:
                print(_("⏳ {name}: not implemented yet").format(name=name))
                return None
            except CheckFailed as err:  # shown as one line in a notebook (_render_traceback_)
                raise CheckFailed(name, err.hint) from None
            print(_("✅ {name}: all {passed} checks passed").format(name=name, passed=report.passed))
            return None

        check.__name__ = f"check_{name}"
        check.exercise = name
        return check

    return decorate


def _run(name: str, fn, report: Report) -> None:
    """The check's body; on failure, a failing function it ``uses`` is named instead."""
    try:
        BODIES[name](fn, report)
    except CheckFailed as failed:
        culprit = failing_dependency(name, fn)
        if culprit is None:
            raise
        raise CheckFailed(name, culprit) from failed


def failing_dependency(name: str, fn) -> str | None:
    """The hint naming the first learner function that ``name`` uses and that fails its check."""
    for other in USES.get(name, ()):
        try:
            theirs = learner_function(fn, other)
            if theirs is None:
                continue
            REGISTRY[other](theirs, Report(other, verbose=False))
        except CheckFailed as err:
            return _("your {other}, which {name} calls, fails its own check ({hint}); "
                     "fix {other} first, then run this check again").format(
                other=other, name=name, hint=quote(err.hint))
        except Exception:  # not implemented, not reachable: no verdict on it
            continue
    return None


def crash_hint(exercise: str, crash: str) -> str:
    """A hint for a one-line crash description, or ``""``."""
    missing = re.match(r"(?:NameError|UnboundLocalError): (?:name|cannot access local variable) "
                       r"'(\w+)'", crash)
    if missing:
        needed = DEFINES.get(exercise, ())
        if missing.group(1) in needed:
            return _("your code must define {name} (this exercise's code defines "
                     "{needed}: the lines given after it read them)").format(
                name=missing.group(1), needed=", ".join(needed))
        return _("{name} is used before your code gives it a value").format(name=missing.group(1))
    if re.match(r"ValueError: .*(mismatch|broadcast|shapes? )", crash):
        return _("the arrays in that line do not have the shapes you expect: compare each "
                 "one with the shapes in the docstring")
    return ""


def outcome(name: str, fn) -> Outcome:
    """Run exercise ``name``'s check on ``fn`` and report instead of raising."""
    report = Report(name, verbose=False)
    if fn is None:
        return Outcome(name, "failed", 0, _("no function named {name} is defined").format(name=name))
    try:
        REGISTRY[name](fn, report)
    except NotImplementedYet:
        return Outcome(name, "not implemented", report.passed, _("not implemented yet"))
    except CheckFailed as err:
        return Outcome(name, "failed", report.passed, err.hint)
    except Exception as err:
        return Outcome(name, "failed", report.passed, describe_crash(err))
    return Outcome(name, "passed", report.passed)


# ------------------------------------------------------------------ inputs and reference values

@dataclass(frozen=True)
class Session:
    """Where the checks draw their inputs and their reference values from.

    Locally (the check cells of the notebooks) ``salt`` is empty: :func:`rng` gives the fixed
    inputs whose reference values ship in ``helpers/<module>/expected.npz``. The grader
    installs a session with a fresh ``salt`` and a ``references(module)`` that computes the
    instructor's answers for those fresh inputs, on the grading side only.
    """
    salt: tuple = ()
    references: object = None  # callable(module) -> dict of arrays, or None: the shipped file


_SESSION = [Session()]


@contextmanager
def session(salt: tuple, references) -> Iterator[None]:
    """Run the checks inside ``with session(salt, references):`` (the grader does)."""
    _SESSION.append(Session(tuple(salt), references))
    try:
        yield
    finally:
        _SESSION.pop()


def rng(*key: int) -> np.random.Generator:
    """The random generator of one input of a check, keyed by small integers.

    Every random input of every check comes from here, so the grader can draw them fresh.
    """
    return np.random.default_rng([*_SESSION[-1].salt, *key])


_EXPECTED: dict = {}


def expected_arrays(module: str) -> dict:
    """The reference values of ``module``'s checks for the inputs :func:`rng` gives now.

    Locally: the arrays exported to ``helpers/<module>/expected.npz`` (``make export``).
    """
    current = _SESSION[-1]
    if current.references is not None:
        return current.references(module)
    if module not in _EXPECTED:
        path = Path(__file__).resolve().parent / module / "expected.npz"
        if not path.exists():
            raise FileNotFoundError(_("{path} is missing: run `make export` (instructor) "
                                      "or copy the course's helpers/ folder again (learner)").format(path=path))
        with np.load(path) as data:
            _EXPECTED[module] = {k: data[k] for k in data.files}
    return _EXPECTED[module]


def learner_function(fn, name: str):
    """The learner's function ``name`` defined beside ``fn`` (in the same notebook), or None."""
    sibling = getattr(fn, "sibling", None)
    if sibling is not None:
        return sibling(name)
    return getattr(fn, "__globals__", {}).get(name)
