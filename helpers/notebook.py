"""What the first cell of every notebook calls: fixed seeds and stable printing.

    from helpers.notebook import setup
    setup(seed=1)             # numpy / Python only
    setup(seed=1, keras=True) # also Keras / TensorFlow (deterministic CPU ops)
"""
import os
import random

import numpy as np


def setup(seed: int = 1, keras: bool = False) -> None:
    """Seed Python and numpy (and Keras/TF if asked), quiet TF, round printed arrays."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    random.seed(seed)
    np.random.seed(seed)
    np.set_printoptions(precision=6, suppress=True, linewidth=100)
    if keras:
        import keras as _keras
        import tensorflow as tf

        _keras.utils.set_random_seed(seed)
        tf.config.experimental.enable_op_determinism()
        _keras.utils.disable_interactive_logging()
