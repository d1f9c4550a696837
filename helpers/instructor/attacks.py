"""Small submissions for testing the grader: honest, partial, broken and attacks.

Notebook 1: each submission is the setup cell, the ``# EXPORT`` cell and the twelve graded
cells (solved, or left as the learner's stub), so the grader recognises it by its content
while it runs in a couple of seconds. An attack replaces one exercise's graded cell by code
that tries to win its points without solving it, and may add a cell of its own; :data:`ATTACKS`
lists them with the exercise they target and what the grader's hint for that exercise must
say. ``python -m helpers.instructor.attacks OUT`` writes them all into ``OUT``.

Notebooks 2 and 3 (Keras: a kernel takes longer to start): :func:`course_bundles` gives four
submissions that attack every exercise at once (:class:`Bundle`), and
:func:`course_submission` small honest ones.
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


FORK_CHILD = "rnnlab-fork-child"  # the fork attack's child carries this word in its command line


def attacks(secrets_root: Path = ROOT, classmates: Path | None = None) -> list[Attack]:
    """The catalogue. The fork attack's child runs with :data:`FORK_CHILD` in its command line;
    ``classmates``: the folder of the other submissions (the copy attack reads it)."""
    solutions = secrets_root / "helpers" / "instructor" / "graded" / "step_by_step.py"
    notebook = secrets_root / "notebooks" / NB1
    manifest = secrets_root / "helpers" / "instructor" / "manifest.json"
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
            f"    import os, sys\n"
            f"    if os.fork() == 0:\n"
            f"        os.setsid()\n"
            f"        loop = 'import time\\nwhile True:\\n    print(\"rnn_forward: passed\")\\n    time.sleep(0.1)'\n"
            f"        os.execv(sys.executable, [sys.executable, '-c', loop, {FORK_CHILD!r}])\n" + ZEROS),
            r"is off"),
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


# ------------------------------------------------------------------ notebooks 2 and 3

NB2, NB3 = "2_jazz_improvisation.ipynb", "3_emojify.ipynb"


@dataclass(frozen=True)
class Bundle:
    """One submission of notebook 2 or 3 that attacks several exercises at once (one kernel
    run for many attacks): ``replace`` gives the new graded cells, ``extra`` a cell run after
    the first one, ``expect`` each exercise's points and a regular expression its hint must
    match (exercises not named are solved honestly and must keep full marks)."""
    name: str
    notebook: str
    replace: dict
    expect: dict
    extra: str = ""


def course_submission(nb_file: str, solved=None, replace=None, extra: str = "") -> nbformat.NotebookNode:
    """A small submission of ``nb_file``: its first code cell, ``extra``, its ``# EXPORT``
    cells and its graded cells (solved for ``solved``, default all; ``replace`` by name)."""
    instructor = nbcells.read(NOTEBOOKS / nb_file)
    code = [c for c in instructor.cells if c.cell_type == "code"]
    graded = [(nbcells.graded_name(c), c.source) for c in code if nbcells.graded_name(c)]
    solved = {n for n, _ in graded} if solved is None else set(solved)
    replace = replace or {}
    cells = [code[0].source] + ([extra] if extra else [])
    cells += [c.source for c in code if nbcells.is_export(c)]
    for name, source in graded:
        text = (nbcells.code_without_markers(source) if name in solved
                else nbcells.learner_source(source, name))
        cells.append(replace.get(name, text))
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells])
    nb.metadata["kernelspec"] = {"display_name": "Python 3", "language": "python", "name": "python3"}
    return nb


def _borrow_cell(module: str, roots) -> str:
    """A cell that looks for another copy of the course (``helpers/instructor/graded/<module>.py``)
    under ``roots`` and keeps its functions in ``BORROWED``."""
    return (f"import os\nBORROWED = {{}}\n"
            f"for _root in {[str(r) for r in roots]!r}:\n"
            f"    for _base, _dirs, _files in os.walk(_root):\n"
            f"        _dirs[:] = [d for d in _dirs if d not in ('.git', '.venv', 'node_modules', "
            f"'__pycache__', 'site-packages', 'proc', 'sys')] if _base.count(os.sep) < 9 else []\n"
            f"        if _base.endswith(os.path.join('instructor', 'graded')) and {module + '.py'!r} in _files:\n"
            f"            exec(open(os.path.join(_base, {module + '.py'!r})).read(), BORROWED)\n"
            f"            break\n"
            f"    if BORROWED:\n"
            f"        break\n")


def _borrowed(name: str, args: str) -> str:
    return (f"# GRADED FUNCTION: {name}\ndef {name}({args}):\n"
            f"    if {name!r} not in BORROWED:\n"
            f"        raise LookupError('no other copy of the course found')\n"
            f"    return BORROWED[{name!r}]({args.replace('=100', '').replace('=0.01', '').replace('=400', '')})\n")


_REPLAY = ("    import os\n    import helpers.{module} as package\n"
           "    E = np.load(os.path.join(os.path.dirname(package.__file__), 'expected.npz'))\n")

_CRAFTED_ANSWER = """
import json, os, sys
_agent = sys.modules.get('_rnnlab_agent')
if _agent is not None:
    _inner = _agent.serve
    def _crafted(call_dir, namespace):
        request, _ = _agent.read(call_dir, 'request')
        if request['op'] == 'call' and request['name'] == {target!r}:
            out = os.path.join(call_dir, 'out')
            open(os.path.join(out, 'response.bin'), 'wb').write(b'\\0' * 8)
            json.dump({{'nonce': request['nonce'], 'status': 'ok', 'message': '', 'printed': '',
                       'value': {{'k': 'array', 'v': {{'dtype': 'c4', 'shape': [1], 'offset': 0,
                                                      'nbytes': 8}}}}}},
                      open(os.path.join(out, 'response.json'), 'w'))
            return None
        return _inner(call_dir, namespace)
    _agent.serve = _crafted
"""

_SERVE_WHEN_GRADED = """
if _agent is not None and ({always} or any(k.startswith('RNNLAB_BOX_MARK') for k in os.environ)):
    _graded = _agent.serve
    def _liar(call_dir, namespace):
        request, _ = _agent.read(call_dir, 'request')
        if request['op'] != 'probe' or request['probe'] not in {probes!r}:
            return _graded(call_dir, namespace)
        _agent.write(os.path.join(call_dir, 'out'), 'response',
                     {{'nonce': request['nonce'], 'status': 'ok', 'message': '', 'printed': 'cost'}},
                     {fake})
        return None
    _agent.serve = _liar
"""


def _patch_probes(module: str, names, fake: str) -> str:
    """Replace the probes wherever they live in the kernel (``probes.py``, or the checks module
    that held them before)."""
    return (f"import importlib\nimport numpy as np\n"
            f"def _fake_probe(fn, *args, **kwargs):\n    return {fake}\n"
            f"for _where in ('helpers.{module}.checks', 'helpers.{module}.probes'):\n"
            f"    try:\n"
            f"        _module = importlib.import_module(_where)\n"
            f"    except ImportError:\n"
            f"        continue\n"
            + "".join(f"    _module.{n} = _fake_probe\n" for n in names))


JAZZ_FAKE = ("{'is_model': True, 'inputs': [[None, 4, 7], [None, 5], [None, 5]], 'n_outputs': 4, "
             "'n_params': 0, 'shares_layers': True, 'foreign_weights': 0, "
             "'pred': np.zeros((4, 3, 7)), 'out': np.zeros((6, 2, 7)), 'ids': np.zeros(3), "
             "'asked': np.zeros((2, 2)), 'results': np.zeros((12, 9)), 'indices': np.zeros((12, 1))}")
EMOJIFY_FAKE = ("{'returned': '3 values', 'pred': np.zeros(8), 'W': np.zeros((5, 4)), "
                "'b': np.zeros(5), 'printed': 'cost', 'is_model': True, 'type': 'Functional', "
                "'input_shape': [None, 6], 'output_shape': [None, 5], 'layers': [], "
                "'count_params': 0, 'probs': np.full((2, 5), 0.2), 'short': np.full((1, 5), 0.2)}")


def course_bundles(roots=("/work", "/home", "/root", "/srv", "/opt", "/mnt", "/tmp", "/var/tmp")) -> list[Bundle]:
    """The attacks on notebooks 2 and 3, four submissions in all. ``roots``: where the
    "another copy of the course" attacks look (a test adds the copy it plants)."""
    jazz_borrow = _borrow_cell("jazz", roots)
    emojify_borrow = _borrow_cell("emojify", roots)
    not_plain = r"no valid answer came back|malformed"
    return [
        Bundle("jazz_borrowed", NB2, extra=jazz_borrow, replace={
            "note_to_value": (
                "# GRADED FUNCTION: note_to_value\n"
                "def note_to_value(pitch, prev_pitch, duration, chord):\n"
                + _REPLAY.format(module="jazz") +
                "    from helpers.jazz import checks\n"
                "    cases = (checks.note_cases() if hasattr(checks, 'note_cases')\n"
                "             else [list(c) for c in checks.NOTE_CASES])\n"
                "    table = {(int(p), int(q), int(d), str(s)): str(v)\n"
                "             for (p, q, d, s), v in zip(cases, E['note_to_value/values'])}\n"
                "    return table.get((pitch, prev_pitch, duration, chord.symbol), f'R:=:{duration}')\n"),
            "djmodel": _borrowed("djmodel", "Tx, LSTM_cell, densor, reshaper"),
            "music_inference_model": (
                "# GRADED FUNCTION: music_inference_model\n"
                "def music_inference_model(LSTM_cell, densor, Ty=100):\n"
                "    class Loop(keras.Model):\n"
                "        def call(self, inputs):\n"
                "            x, a, c = inputs\n"
                "            outputs = []\n"
                "            for _ in range(Ty):\n"
                "                _, a, c = LSTM_cell(x, initial_state=[a, c])\n"
                "                out = densor(a)\n"
                "                outputs.append(out)\n"
                "                x = ops.expand_dims(ops.one_hot(ops.argmax(out, axis=-1), out.shape[-1]), 1)\n"
                "            return outputs\n"
                "    model = Loop()\n"
                "    n_values, n_a = densor.units, LSTM_cell.units\n"
                "    model([np.zeros((1, 1, n_values), 'float32'), np.zeros((1, n_a), 'float32'),\n"
                "           np.zeros((1, n_a), 'float32')])\n"
                "    return model\n"),
            "predict_and_sample": (
                "# GRADED FUNCTION: predict_and_sample\n"
                "def predict_and_sample(inference_model, x_initializer, a_initializer, c_initializer):\n"
                "    from helpers.instructor.graded.jazz import predict_and_sample as f\n"
                "    return f(inference_model, x_initializer, a_initializer, c_initializer)\n"),
            "sample_with_temperature": (
                "# GRADED FUNCTION: sample_with_temperature\n"
                "def sample_with_temperature(probs, temperature, u):\n"
                + _REPLAY.format(module="jazz") +
                "    from helpers.jazz import checks\n"
                "    P, T, U = checks.temperature_inputs()\n"
                "    for i in range(len(T)):\n"
                "        if np.allclose(P[i], probs) and T[i] == temperature and U[i] == u:\n"
                "            return int(E['sample_with_temperature/indices'][i])\n"
                "    return 0\n"),
            "generate_with_context": _borrowed(
                "generate_with_context", "step, context_at, durations, first_id, total_steps, choose"),
        }, expect={
            "note_to_value": (0, r"should be slot|should have contour|expected"),
            "djmodel": (0, r"LookupError"),
            "music_inference_model": (0, r"cannot be rebuilt from its JSON"),
            "predict_and_sample": (0, r"ModuleNotFoundError"),
            "sample_with_temperature": (0, r"index|temperature|argmax"),
            "generate_with_context": (0, r"LookupError"),
        }),
        Bundle("jazz_patched", NB2, replace={},
               extra=(_patch_probes("jazz", ("probe_note_to_value", "probe_djmodel",
                                             "probe_music_inference_model", "probe_predict_and_sample",
                                             "probe_generate_with_context"), JAZZ_FAKE)
                      + _CRAFTED_ANSWER.format(target="sample_with_temperature")
                      + _SERVE_WHEN_GRADED.format(fake=JAZZ_FAKE, always=False,
                                                  probes=("probe_djmodel", "probe_music_inference_model"))),
               expect={
                   "note_to_value": (0, r"no list of values"),
                   "djmodel": (0, r"must return Model"),
                   "music_inference_model": (0, r"must return Model"),
                   "predict_and_sample": (0, r"."),
                   "sample_with_temperature": (0, not_plain),
                   "generate_with_context": (0, r"."),
               }),
        Bundle("emojify_borrowed", NB3, extra=emojify_borrow, replace={
            "sentence_to_avg": _borrowed("sentence_to_avg", "sentence, word_to_vec_map"),
            "model": (
                "# GRADED FUNCTION: model\n"
                "def model(X, Y, word_to_vec_map, learning_rate=0.01, num_iterations=400):\n"
                + _REPLAY.format(module="emojify") +
                "    print('cost')\n"
                "    run = {0.0: 'init'}.get(learning_rate) or ('m8_it1' if num_iterations == 1 and len(X) == 8\n"
                "        else 'm8_it3' if len(X) == 8 else 'step')\n"
                "    return E[f'model/{run}/pred'], E[f'model/{run}/W'], E[f'model/{run}/b']\n"),
            "sentences_to_indices": (
                "# GRADED FUNCTION: sentences_to_indices\n"
                "def sentences_to_indices(X, word_to_index, max_len):\n"
                + _REPLAY.format(module="emojify") +
                "    stored = E['sentences_to_indices/X']\n"
                "    return stored[:len(X), :max_len]\n"),
            "Emojify_V2": (
                "# GRADED FUNCTION: Emojify_V2\n"
                "def Emojify_V2(input_shape, word_to_vec_map, word_to_index):\n"
                "    layer = pretrained_embedding_layer(word_to_vec_map, word_to_index)\n"
                "    return emojify_variant('LSTM', layer, input_shape[0], 128)\n"),
        }, expect={
            "sentence_to_avg": (0, r"LookupError"),
            "model": (0, r"W with learning_rate=0|initial W|off by"),
            "sentences_to_indices": (0, r"index|word_to_index|padding|lower"),
            "pretrained_embedding_layer": (10, r"^$"),
            "Emojify_V2": (0, r"not available while grading"),
        }),
        Bundle("emojify_patched", NB3, replace={
            "sentences_to_indices": (
                "# GRADED FUNCTION: sentences_to_indices\n"
                "def sentences_to_indices(X, word_to_index, max_len):\n"
                "    from helpers.instructor.references.emojify import expected\n"
                "    return expected\n"),
            "pretrained_embedding_layer": (
                "# GRADED FUNCTION: pretrained_embedding_layer\n"
                "def pretrained_embedding_layer(word_to_vec_map, word_to_index):\n"
                "    class Frozen(keras.layers.Embedding):\n"
                "        pass\n"
                "    vocab_size, emb_dim = len(word_to_index) + 1, len(next(iter(word_to_vec_map.values())))\n"
                "    matrix = np.zeros((vocab_size, emb_dim))\n"
                "    for word, index in word_to_index.items():\n"
                "        matrix[index] = word_to_vec_map[word]\n"
                "    layer = Frozen(vocab_size, emb_dim, trainable=False, mask_zero=True)\n"
                "    layer.build((None,))\n"
                "    layer.set_weights([matrix])\n"
                "    return layer\n"),
        }, extra=(_patch_probes("emojify", ("probe_model", "probe_Emojify_V2"), EMOJIFY_FAKE)
                  + _CRAFTED_ANSWER.format(target="sentence_to_avg")
                  + _SERVE_WHEN_GRADED.format(fake=EMOJIFY_FAKE, always=True,
                                            probes=("probe_model", "probe_Emojify_V2"))),
            expect={
                "sentence_to_avg": (0, not_plain),
                "model": (0, r"."),
                "sentences_to_indices": (0, r"ModuleNotFoundError"),
                "pretrained_embedding_layer": (0, r"cannot be rebuilt from its JSON"),
                "Emojify_V2": (0, r"."),
            }),
    ]


def bundle_submission(bundle: Bundle) -> nbformat.NotebookNode:
    """The bundle's submission: every exercise it does not attack is solved honestly, except
    that ``*_patched`` bundles leave the untouched ones as the learner's stubs."""
    solved = None if not bundle.name.endswith("_patched") else {
        n for n, (points, _) in bundle.expect.items() if points}
    return course_submission(bundle.notebook, solved=solved, replace=bundle.replace,
                             extra=bundle.extra)
