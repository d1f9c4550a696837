"""What the first cell of every notebook calls: fixed seeds, stable printing, a quiet TensorFlow.

    from helpers.notebook import setup   # the notebook's first import, before keras
    import keras
    ...
    setup(seed=1)             # numpy / Python only
    setup(seed=1, keras=True) # also Keras / TensorFlow (deterministic CPU ops)

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


def setup(seed: int = 1, keras: bool = False) -> None:
    """Seed Python and numpy (and Keras/TF if asked), round printed arrays."""
    random.seed(seed)
    np.random.seed(seed)
    np.set_printoptions(precision=6, suppress=True, linewidth=100)
    if keras:
        import keras as _keras
        import tensorflow as tf

        _keras.utils.set_random_seed(seed)
        tf.config.experimental.enable_op_determinism()
        _keras.utils.disable_interactive_logging()
