"""Time one LSTM forward + backward pass: notebook 1's numpy code against Keras.

    .venv/bin/python benchmarks/lstm_numpy_vs_keras.py

Sizes n_x=50, n_a=64, m=64, T_x=50. The numpy side is the exported solution of notebook 1
(``lstm_forward`` then ``lstm_backward``, float64). The Keras side is ``keras.layers.LSTM`` with
the same weights: forward pass and the gradient of the same loss, sum(da * a), with respect to
the weights and the inputs through ``tf.GradientTape`` (float32), both eagerly and compiled with
``tf.function``. Each figure is the median of several runs after one warm-up run; the script
prints the ratios measured in this one run.
"""
import os
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np  # noqa: E402

from helpers.step_by_step import rnn_utils  # noqa: E402
from helpers.instructor.graded.step_by_step import lstm_backward, lstm_forward  # noqa: E402

N_X, N_A, N_Y, M, T_X = 50, 64, 10, 64, 50
REPEATS = 7


def median_time(fn, repeats=REPEATS):
    fn()  # warm-up (tracing, allocation)
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main():
    import keras
    import tensorflow as tf

    rng = np.random.default_rng(0)
    x, a0 = rng.standard_normal((N_X, M, T_X)), np.zeros((N_A, M))
    parameters = rnn_utils.lstm_parameters(N_X, N_A, N_Y, rng, scale=0.1)
    da = rng.standard_normal((N_A, M, T_X))

    def numpy_step():
        a, y, c, caches = lstm_forward(x, a0, parameters)
        return lstm_backward(da, caches)

    layer = keras.layers.LSTM(N_A, return_sequences=True)
    x_k = tf.constant(rnn_utils.to_keras_sequence(x), dtype=tf.float32)
    da_k = tf.constant(rnn_utils.to_keras_sequence(da), dtype=tf.float32)
    layer.build((M, T_X, N_X))
    layer.set_weights(rnn_utils.keras_lstm_weights(parameters))

    def keras_step():
        with tf.GradientTape() as tape:
            tape.watch(x_k)
            h = layer(x_k)
            loss = tf.reduce_sum(h * da_k)
        return tape.gradient(loss, [x_k, *layer.trainable_weights])

    compiled = tf.function(keras_step)

    # same numbers first: the comparison is only fair if both compute the same thing
    ours = numpy_step()
    theirs = keras_step()
    assert np.allclose(ours["dx"], rnn_utils.from_keras_sequence(theirs[0].numpy()), atol=1e-3), \
        "numpy and Keras disagree on dx"

    t_numpy = median_time(numpy_step)
    t_eager = median_time(keras_step)
    t_compiled = median_time(compiled)
    print(f"LSTM forward + backward, n_x={N_X}, n_a={N_A}, m={M}, T_x={T_X} "
          f"(median of {REPEATS} runs, {os.cpu_count()} CPU cores)")
    print(f"  numpy (float64, notebook 1)            {t_numpy * 1e3:8.1f} ms")
    print(f"  Keras eager + GradientTape (float32)   {t_eager * 1e3:8.1f} ms")
    print(f"  Keras tf.function + GradientTape       {t_compiled * 1e3:8.1f} ms")
    print(f"  ratio numpy / Keras eager:    {t_numpy / t_eager:.2f}")
    print(f"  ratio numpy / Keras compiled: {t_numpy / t_compiled:.2f}")


if __name__ == "__main__":
    main()
