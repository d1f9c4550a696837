"""What the first cell of every notebook calls: fixed seeds, stable printing, a quiet TensorFlow.

    from helpers.notebook import setup   # the notebook's first import, before keras
    import keras
    ...
    setup(seed=1)             # numpy / Python only
    setup(seed=1, keras=True) # also Keras / TensorFlow (deterministic CPU ops)

``setup`` also makes a cell that calls an exercise still left as a stub (``raise
NotImplementedError("rnn_forward: replace these two lines with your code")``) print one line,
``⏳ rnn_forward is not implemented yet: finish it above, then run this cell again``, instead of
a traceback, and end without an error, so that running the whole notebook goes on to the end
(:func:`show_unfinished_exercises`). Other errors show as usual.

TensorFlow prints C++ start-up lines to the process's stderr while it loads, which a notebook
shows under its first cell. Most of them obey ``TF_CPP_MIN_LOG_LEVEL`` (read once, at the first
import, so this module sets it before anything imports TensorFlow; a value already set in the
environment wins). Two do not, on CPUs where oneDNN is on (TensorFlow's default with AVX-512):
abseil's ``WARNING: All log messages before absl::InitializeLog() ...`` and
``port.cc ... oneDNN custom operations are on ...``. So importing this module puts a finder
on ``sys.meta_path`` (:class:`QuietTensorFlowFinder`): whenever TensorFlow is first imported
afterwards (by ``import keras`` or anything else), it loads with the process's stderr caught,
and every line it printed is written back except those start-up lines (:data:`STARTUP_LINE`). Nothing about the numerics changes:
oneDNN stays as the machine chose it.
"""
import os

# 3: no INFO / WARNING / C++ ERROR lines at start-up or during fit; Python exceptions still show
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import importlib.abc  # noqa: E402
import importlib.util  # noqa: E402
import random  # noqa: E402
import re  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
from contextlib import contextmanager  # noqa: E402

import numpy as np  # noqa: E402

from .fonts import use_language_font  # noqa: E402
from .i18n import _  # noqa: E402

# what TensorFlow prints while loading whatever TF_CPP_MIN_LOG_LEVEL says
STARTUP_LINE = re.compile(r"^WARNING: All log messages before absl::InitializeLog\(\)"
                          r"|^I\d{4} [\d:. ]+\d+ port\.cc:\d+\] oneDNN custom operations are on")


def without_startup_lines(text: str) -> str:
    """``text`` minus TensorFlow's start-up lines (each line kept with its line break)."""
    return "".join(line for line in text.splitlines(keepends=True) if not STARTUP_LINE.match(line))


@contextmanager
def startup_lines_dropped():
    """Catch what this process writes to file descriptor 2; pass on all but the start-up lines."""
    sys.stderr.flush()
    saved = os.dup(2)
    with tempfile.TemporaryFile() as caught:
        os.dup2(caught.fileno(), 2)
        try:
            yield
        finally:
            os.dup2(saved, 2)
            os.close(saved)
            caught.seek(0)
            kept = without_startup_lines(caught.read().decode("utf-8", "replace"))
            if kept:
                sys.stderr.write(kept)
                sys.stderr.flush()


class QuietTensorFlowFinder(importlib.abc.MetaPathFinder):
    """Finds ``tensorflow`` like the other finders do, but loads it inside
    :func:`startup_lines_dropped`. It leaves ``sys.meta_path`` once TensorFlow is found, so
    TensorFlow is imported only when something asks for it (``import keras`` does)."""

    def find_spec(self, name, path=None, target=None):
        if name != "tensorflow":
            return None
        sys.meta_path.remove(self)
        spec = importlib.util.find_spec(name)
        if spec is not None and spec.loader is not None:
            spec.loader = QuietLoader(spec.loader)
        return spec


class QuietLoader(importlib.abc.Loader):
    def __init__(self, loader):
        self.loader = loader

    def create_module(self, spec):
        return self.loader.create_module(spec)

    def exec_module(self, module):
        with startup_lines_dropped():
            self.loader.exec_module(module)


if "tensorflow" not in sys.modules and not any(isinstance(f, QuietTensorFlowFinder) for f in sys.meta_path):
    sys.meta_path.insert(0, QuietTensorFlowFinder())


STUB = re.compile(r"^([A-Za-z_]\w*): ")   # how a stub's NotImplementedError starts: its exercise
STUB_TEXT = "replace these two lines with your code"   # the release's stubs say this


def stub_message(err: BaseException) -> str | None:
    """The line to print for a stub's ``NotImplementedError``; None for any other error. A stub's
    message starts with the name of an exercise the checks know, or of a function of the
    notebook (``"rnn_forward: replace these two lines with your code"``)."""
    from .checking import REGISTRY

    if not isinstance(err, NotImplementedError):
        return None
    message = " ".join(str(err).split())
    found = STUB.match(message)
    if found is None or not (found.group(1) in REGISTRY or callable(_user_namespace().get(found.group(1)))):
        return None
    if message[found.end():].startswith(STUB_TEXT):
        return _("⏳ {name} is not implemented yet: finish it above, then run this cell "
                 "again").format(name=found.group(1))
    return f"⏳ {message}"   # a message of its own: "Emojify_V2: the model is not trained yet - ..."


def _user_namespace() -> dict:
    try:
        from IPython import get_ipython
    except ImportError:
        return {}
    shell = get_ipython()
    return shell.user_ns if shell is not None else {}


def _show_stub_line(shell, etype, value, tb, tb_offset=None):
    """IPython's handler for a ``NotImplementedError`` raised by a cell: a stub's prints its one
    line (and :func:`_forgive_stub` lets the cell end without an error); any other shows its
    usual traceback."""
    line = stub_message(value)
    if line is None:
        shell.showtraceback((etype, value, tb), tb_offset=tb_offset)
        return None
    print(line)
    return None


def _forgive_stub(result) -> None:
    """After a cell: a stub's error was reported by its line, so the cell did not fail (a notebook
    run from top to bottom goes on to the next cell)."""
    if result.error_in_exec is not None and stub_message(result.error_in_exec) is not None:
        result.error_in_exec = None


def show_unfinished_exercises() -> bool:
    """Install :func:`_show_stub_line` and :func:`_forgive_stub` in the running IPython (once);
    False outside IPython."""
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    shell = get_ipython()
    if shell is None:
        return False
    shell.set_custom_exc((NotImplementedError,), _show_stub_line)
    if _forgive_stub not in shell.events.callbacks["post_run_cell"]:
        shell.events.register("post_run_cell", _forgive_stub)
    return True


def setup(seed: int = 1, keras: bool = False) -> None:
    """Seed Python and numpy (and Keras/TF if asked), round printed arrays, and let cells that
    need an unfinished exercise say so in one line (:func:`show_unfinished_exercises`)."""
    show_unfinished_exercises()
    use_language_font()   # Chinese characters in plots (the Chinese edition only)
    random.seed(seed)
    np.random.seed(seed)
    np.set_printoptions(precision=6, suppress=True, linewidth=100)
    if keras:
        import keras as _keras
        import tensorflow as tf

        _keras.utils.set_random_seed(seed)
        tf.config.experimental.enable_op_determinism()
        _keras.utils.disable_interactive_logging()
