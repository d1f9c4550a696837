"""Notebook 1, *Building your Recurrent Neural Network - Step by Step*.

- ``rnn_utils``  random parameters in the course notation, gradient checking, Keras weights;
- ``checks``     the check of every graded function (``check_<fn>``);
- ``expected.npz``  the reference values those checks compare with (``make export``).
"""
