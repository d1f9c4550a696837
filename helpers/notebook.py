"""What the first cell of every notebook calls: fixed seeds, stable printing, a quiet TensorFlow.

    from helpers.notebook import setup   # the notebook's first import, before keras
    import keras
    ...
    setup(seed=1)             # numpy / Python only
    setup(seed=1, keras=True) # also Keras / TensorFlow (deterministic CPU ops)

TensorFlow reads its logging level once, when it is first imported, and prints its C++
start-up lines (oneDNN, absl, CPU features) to the kernel's stderr, which the notebook shows.
Importing this module sets that level, so it must come before ``import keras`` /
``import tensorflow``; a value already set in the environment wins.
"""
import os

# 3: no INFO / WARNING / C++ ERROR lines at start-up or during fit; Python exceptions still show
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import random  # noqa: E402

import numpy as np  # noqa: E402


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
