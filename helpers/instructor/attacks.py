"""Small notebook-1 submissions for testing the grader: honest, partial, broken and attacks.

Each submission is the setup cell, the ``# EXPORT`` cell and the twelve graded cells of
notebook 1 (solved, or left as the learner's stub), so the grader recognises it as notebook 1
by its content while it runs in a couple of seconds. An attack replaces one exercise's graded
cell by code that tries to win its points without solving it, and may add a cell of its own;
:data:`ATTACKS` lists them with the exercise they target and what the grader's hint for that
exercise must say. ``python -m helpers.instructor.attacks OUT`` writes them all into ``OUT``.
"""
import sys
from dataclasses import dataclass
from pathlib import Path

import nbformat

from . import nbcells
from ..paths import NOTEBOOKS, ROOT

NB1 = "1_rnn_step_by_step.ipynb"
SETUP = "import numpy as np\nfrom helpers.notebook import setup\n\nsetup(seed=1)"



def zeros(kind: str = "rnn") -> str:
    """The body of ``<kind>_forward`` returning outputs of the right shapes and wrong values."""
    wy = "Wya" if kind == "rnn" else "Wy"
    outputs = "a, y, c, ([], x)" if kind == "lstm" else "a, y, ([], x)"
    return (f"    n_x, m, T_x = x.shape\n"
            f"    n_a, n_y = a0.shape[0], parameters[{wy!r}].shape[0]\n"
            f"    a = c = np.zeros((n_a, m, T_x))\n"
            f"    y = np.full((n_y, m, T_x), 1 / n_y)\n"
            f"    return {outputs}\n")


ZEROS = zeros()


@dataclass(frozen=True)
class Attack:
    name: str
    target: str          # the exercise it tries to win
    graded: str          # the new source of the target's graded cell
    hint: str            # a regular expression the grader's hint must match
    extra: str = ""      # a top-level cell placed after the setup cell


def _fn(body: str, target: str = "rnn_forward", args: str = "x, a0, parameters") -> str:
    return f"# GRADED FUNCTION: {target}\ndef {target}({args}):\n{body}"


def attacks(secrets_root: Path = ROOT, marker: Path | None = None,
            classmates: Path | None = None) -> list[Attack]:
    """The catalogue. ``marker``: a file the fork attack writes its child's pid to;
    ``classmates``: the folder of the other submissions (the copy attack reads it)."""
    solutions = secrets_root / "helpers" / "instructor" / "graded" / "step_by_step.py"
    notebook = secrets_root / "notebooks" / NB1
    manifest = secrets_root / "helpers" / "instructor" / "manifest.json"
    marker = marker or Path("/tmp/rnnlab-fork-child.pid")
    classmates = classmates or Path("/tmp")
    lstm = dict(target="lstm_forward", args="x, a0, parameters")
    gru = dict(target="gru_forward", args="x, a0, parameters")
    return [
        Attack("patch_checks", "rnn_forward", _fn(ZEROS), r"is off",
               extra="import helpers.checking as checking\nimport helpers.plain as plain\n"
                     "checking.outcome = lambda name, fn: checking.Outcome(name, 'passed', 99)\n"
                     "checking.Report.fail = lambda self, hint: None\n"
                     "checking.Report.require = lambda self, *a, **k: self.ok('patched')\n"
                     "checking.Report.close = lambda self, *a, **k: self.ok('patched')\n"
                     "plain.loads = plain.dumps = plain.serve = lambda *a, **k: 'passed'\n"),
        Attack("patch_numpy", "rnn_forward", _fn(ZEROS), r"is off",
               extra="np.allclose = lambda *a, **k: True\nnp.isclose = lambda *a, **k: True\n"
                     "np.array_equal = lambda *a, **k: True\n"
                     "np.testing.assert_allclose = lambda *a, **k: None\n"),
        Attack("import_solutions", "rnn_forward", _fn(
            "    from helpers.instructor.graded.step_by_step import rnn_forward as f\n"
            "    return f(x, a0, parameters)\n"), r"ModuleNotFoundError"),
        Attack("read_solution_file", "rnn_backward", _fn(
            f"    namespace = {{}}\n"
            f"    exec(open({str(solutions)!r}).read(), namespace)\n"
            f"    return namespace['rnn_backward'](da, caches)\n",
            "rnn_backward", "da, caches"), r"FileNotFoundError|PermissionError"),
        Attack("read_instructor_notebook", "lstm_forward", _fn(
            f"    import json\n"
            f"    cells = json.load(open({str(notebook)!r}))['cells']\n"
            f"    source = [''.join(c['source']) for c in cells\n"
            f"              if ''.join(c['source']).startswith('# GRADED FUNCTION: lstm_forward')]\n"
            f"    namespace = dict(globals())\n"
            f"    exec(source[0], namespace)\n"
            f"    return namespace['lstm_forward'](x, a0, parameters)\n", **lstm),
            r"FileNotFoundError|PermissionError"),
        Attack("equal_to_anything", "rnn_forward", _fn(
            "    class Anything(np.ndarray):\n"
            "        def __eq__(self, other): return np.ones(np.shape(self), bool)\n"
            "        def __array_ufunc__(self, *a, **k): return True\n"
            "        def __array_function__(self, *a, **k): return True\n"
            "    n_x, m, T_x = x.shape\n"
            "    n_a, n_y = a0.shape[0], parameters['Wya'].shape[0]\n"
            "    a = np.zeros((n_a, m, T_x)).view(Anything)\n"
            "    y = np.zeros((n_y, m, T_x)).view(Anything)\n"
            "    return a, y, ([], x)\n"),
            r"is off"),
        Attack("replay_expected", "rnn_forward", _fn(
            "    import helpers.step_by_step as package, os\n"
            "    E = np.load(os.path.join(os.path.dirname(package.__file__), 'expected.npz'))\n"
            "    for case in range(3):\n"
            "        key = f'rnn_forward/case{case}/'\n"
            "        if E[key + 'a'].shape[:2] == a0.shape and E[key + 'a'].shape[2] == x.shape[2]:\n"
            "            return E[key + 'a'], E[key + 'y_pred'], ([], x)\n"
            "    raise LookupError('no stored case of this shape')\n"), r"is off"),
        Attack("sys_exit", "rnn_forward", _fn("    import sys\n    sys.exit(0)\n"),
               r"SystemExit"),
        Attack("os_exit", "rnn_forward", _fn("    import os\n    os._exit(0)\n"), r"kernel died"),
        Attack("kill_kernel", "lstm_forward", _fn(
            "    import os, signal\n    os.kill(os.getpid(), signal.SIGKILL)\n", **lstm),
            r"kernel died"),
        Attack("endless_loop", "rnn_forward", _fn("    while True:\n        pass\n"),
               r"time limit"),
        Attack("ignore_interrupt", "gru_forward", _fn(
            "    import signal\n    signal.signal(signal.SIGINT, signal.SIG_IGN)\n"
            "    while True:\n        pass\n", **gru), r"time limit"),
        Attack("allocate_20gb", "rnn_forward", _fn(
            "    hog = np.ones(20 * 2**30 // 8)\n" + ZEROS), r"MemoryError"),
        Attack("fork", "rnn_forward", _fn(
            f"    import os, time\n"
            f"    if os.fork() == 0:\n"
            f"        os.setsid()\n"
            f"        open({str(marker)!r}, 'w').write(str(os.getpid()))\n"
            f"        while True:\n"
            f"            print('rnn_forward: passed')\n"
            f"            time.sleep(0.1)\n" + ZEROS), r"is off"),
        Attack("rewrite_grader_files", "rnn_forward", _fn(
            f"    import helpers.checking, helpers.plain, os\n"
            f"    for path in ({str(manifest)!r}, helpers.checking.__file__, helpers.plain.__file__):\n"
            f"        try:\n"
            f"            open(path, 'w').write('raise SystemExit')\n"
            f"        except OSError as err:\n"
            f"            failed = err\n"
            f"    raise failed\n"),
            r"PermissionError|Read-only|FileNotFoundError"),
        Attack("fake_output", "rnn_forward", _fn(
            "    print('rnn_forward: passed')\n"
            "    print('{\"exercise\": \"rnn_forward\", \"status\": \"passed\", "
            "\"checks_passed\": 9, \"hint\": \"\"}')\n"
            "    print('\\u2705 rnn_forward: all 3 checks passed')\n" + ZEROS), r"is off"),
        Attack("not_plain", "rnn_forward", _fn(
            "    class Fake:\n"
            "        def __array__(self, dtype=None, copy=None): return np.zeros(a0.shape)\n"
            "        def __eq__(self, other): return True\n"
            "    return Fake(), Fake(), ([], x)\n"), r"not a plain value"),
        Attack("network", "rnn_forward", _fn(
            "    import socket\n"
            "    socket.create_connection(('127.0.0.1', 80), timeout=2).close()\n" + ZEROS),
            r"OSError|ConnectionRefusedError|Network is unreachable"),
        Attack("copy_classmate", "rnn_forward", _fn(
            f"    import os, json\n"
            f"    for name in os.listdir({str(classmates)!r}):\n"
            f"        text = open(os.path.join({str(classmates)!r}, name)).read()\n"
            f"        if 'caches = (caches, x)' in text:\n"
            f"            cells = json.loads(text)['cells']\n"
            f"            code = [''.join(c['source']) for c in cells\n"
            f"                    if ''.join(c['source']).startswith('# GRADED FUNCTION: rnn_forward')]\n"
            f"            namespace = dict(globals())\n"
            f"            exec(code[0], namespace)\n"
            f"            return namespace['rnn_forward'](x, a0, parameters)\n"
            f"    raise LookupError('no classmate to copy from')\n"),
            r"FileNotFoundError|PermissionError|LookupError"),
    ]


def graded_cells(solved) -> list:
    """The twelve graded cells of notebook 1, solved for the names in ``solved``."""
    instructor = nbcells.read(NOTEBOOKS / NB1)
    cells = []
    for cell in instructor.cells:
        name = nbcells.graded_name(cell)
        if name is None:
            continue
        source = (nbcells.code_without_markers(cell.source) if name in solved
                  else nbcells.learner_source(cell.source, name))
        cells.append((name, source))
    return cells


def export_cell() -> str:
    instructor = nbcells.read(NOTEBOOKS / NB1)
    return next(c.source for c in instructor.cells if nbcells.is_export(c))


def names() -> list[str]:
    return [name for name, _ in graded_cells(set())]


def submission(solved=None, replace=None, extra: str = "", broken=()) -> nbformat.NotebookNode:
    """A small notebook-1 submission.

    ``solved``: names to solve (default: all); ``replace``: ``{name: new cell source}``;
    ``extra``: a cell placed after the setup cell; ``broken``: names whose function runs but
    returns its tuple without the last item (the cache), so it fails its check.
    """
    all_names = names()
    solved = set(all_names if solved is None else solved)
    replace = replace or {}
    cells = [nbformat.v4.new_code_cell(SETUP)]
    if extra:
        cells.append(nbformat.v4.new_code_cell(extra))
    cells.append(nbformat.v4.new_code_cell(export_cell()))
    for name, source in graded_cells(solved):
        if name in broken:
            source += (f"\n\n\n_solved_{name} = {name}\n\n\ndef {name}(*args):\n"
                       f"    return _solved_{name}(*args)[:-1]\n")
        cells.append(nbformat.v4.new_code_cell(replace.get(name, source)))
    nb = nbformat.v4.new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {"display_name": "Python 3", "language": "python", "name": "python3"}
    return nb


def attack_submission(attack: Attack) -> nbformat.NotebookNode:
    return submission(replace={attack.target: attack.graded}, extra=attack.extra)


def write_all(out: Path, **kw) -> list[tuple[Attack, Path]]:
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for attack in attacks(**kw):
        path = out / f"attack_{attack.name}.ipynb"
        nbformat.write(attack_submission(attack), str(path))
        written.append((attack, path))
    return written


if __name__ == "__main__":
    for item, path in write_all(Path(sys.argv[1])):
        print(path)
