"""The feedback machinery shared by every notebook's checks.

A check is a function ``body(fn, report)`` registered under its exercise's name with
``@exercise("rnn_cell_forward")``. It calls the learner's function through ``report.call``
and states facts with ``report.require`` / ``report.shape`` / ``report.close``; each fact
that holds prints one line, the first that fails stops the check with a hint.

The decorated check, called from a notebook as ``check_rnn_cell_forward(rnn_cell_forward)``:

- prints ``not implemented yet`` (and does not raise) while the function still raises
  ``NotImplementedError``, so an untouched learner notebook runs to the end;
- raises :class:`CheckFailed` (an ``AssertionError``) whose message is the hint otherwise;
- prints a summary line when everything passed.

``outcome(name, fn)`` runs the same body silently-safe for the grader and returns an
:class:`Outcome` instead of raising.
"""
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import wraps
from pathlib import Path

import numpy as np

REGISTRY: dict = {}


class CheckFailed(AssertionError):
    """A check found a mistake; ``hint`` names the probable cause."""

    def __init__(self, exercise: str, hint: str):
        super().__init__(f"{exercise}: {hint}")
        self.exercise, self.hint = exercise, hint


class LearnerCrash(Exception):
    """The learner's code raised, in another process; the message is :func:`describe_crash`'s."""


def describe_crash(err: BaseException) -> str:
    """One line saying how the learner's code crashed: ``TypeError: <message>``."""
    return f"{type(err).__name__}: {err}"


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
            print(f"  ✓ {what}")

    def fail(self, hint: str):
        raise CheckFailed(self.exercise, hint)

    def call(self, fn, *args, **kwargs):
        """Call the learner's function, turning its exceptions into clear feedback."""
        return self._guarded(fn, fn, *args, **kwargs)

    def probe(self, probe, fn, *args):
        """``probe(fn, *args)``, run where the learner's code lives.

        A probe is a module-level function of a checks module that builds something with the
        learner's function (a Keras model, a layer) and returns only plain values about it
        (arrays, numbers, strings, lists, dicts): when grading, the learner's code runs in
        another process and only plain values come back (see :class:`Session`).
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
            self.fail(f"calling {getattr(fn, '__name__', 'your function')} raised {err}")
        except Exception as err:  # the learner's code crashed: say how, not where we are
            self.fail(f"calling {getattr(fn, '__name__', 'your function')} raised "
                      f"{describe_crash(err)}")

    def require(self, condition, what: str, hint: str) -> None:
        if not condition:
            self.fail(hint)
        self.ok(what)

    def shape(self, value, shape, what: str, hint: str = "") -> None:
        got = np.shape(value)
        if tuple(got) != tuple(shape):
            self.fail(hint or f"{what} has shape {tuple(got)}, expected {tuple(shape)}")
        self.ok(f"{what} has shape {tuple(shape)}")

    def close(self, got, want, what: str, hint: str = "", atol: float = 1e-7, rtol: float = 1e-6):
        got, want = np.asarray(got, dtype=float), np.asarray(want, dtype=float)
        if got.shape != want.shape:
            self.fail(f"{what} has shape {got.shape}, expected {want.shape}")
        if not np.allclose(got, want, atol=atol, rtol=rtol):
            diff = float(np.max(np.abs(got - want)))
            self.fail((hint + " " if hint else "") + f"({what} is off by up to {diff:.3g})")
        self.ok(f"{what} matches the reference")


def exercise(name: str, points=None):
    """Register ``body(fn, report)`` as the check of exercise ``name``."""

    def decorate(body):
        REGISTRY[name] = body

        @wraps(body)
        def check(fn):
            report = Report(name)
            try:
                body(fn, report)
            except NotImplementedYet:
                print(f"⏳ {name}: not implemented yet")
                return None
            except CheckFailed as err:
                print(f"✗ {name}: {err.hint}")
                raise CheckFailed(name, err.hint) from None
            print(f"✅ {name}: all {report.passed} checks passed")
            return None

        check.__name__ = f"check_{name}"
        check.exercise = name
        return check

    return decorate


def outcome(name: str, fn) -> Outcome:
    """Run exercise ``name``'s check on ``fn`` and report instead of raising."""
    report = Report(name, verbose=False)
    if fn is None:
        return Outcome(name, "failed", 0, f"no function named {name} is defined")
    try:
        REGISTRY[name](fn, report)
    except NotImplementedYet:
        return Outcome(name, "not implemented", report.passed, "not implemented yet")
    except CheckFailed as err:
        return Outcome(name, "failed", report.passed, err.hint)
    except Exception as err:
        return Outcome(name, "failed", report.passed, f"{type(err).__name__}: {err}")
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
            raise FileNotFoundError(f"{path} is missing: run `make export` (instructor) "
                                    "or copy the course's helpers/ folder again (learner)")
        with np.load(path) as data:
            _EXPECTED[module] = {k: data[k] for k in data.files}
    return _EXPECTED[module]


def learner_function(fn, name: str):
    """The learner's function ``name`` defined beside ``fn`` (in the same notebook), or None."""
    sibling = getattr(fn, "sibling", None)
    if sibling is not None:
        return sibling(name)
    return getattr(fn, "__globals__", {}).get(name)
