"""Keras 3 layers that also accept the calls the classic (2021, Keras 2) assignment writes.

``LSTM`` is ``keras.layers.LSTM``; called as ``LSTM_cell(inputs=x, initial_state=[a, c])``
(Keras 2's keyword) it passes ``x`` on as the sequence, which Keras 3 names ``sequences``.
"""
import keras


@keras.saving.register_keras_serializable(package="rnn_lab")
class LSTM(keras.layers.LSTM):
    """``keras.layers.LSTM`` that also takes its input as ``inputs=`` (as Keras 2 did)."""

    def __call__(self, *args, inputs=None, **kwargs):
        if inputs is not None:
            args = (inputs, *args)
        return super().__call__(*args, **kwargs)
