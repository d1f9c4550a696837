"""Non-graded tools for notebook 1: random parameters, gradient checking, Keras weights, diagrams.

Parameter dictionaries use the course's notation (``Wax``, ``Wf``, ``Wz`` ...); every gate
weight of the LSTM and GRU acts on ``concat = [a_prev; xt]`` and has shape ``(n_a, n_a + n_x)``.
"""
import numpy as np

from ..i18n import _

RNN_KEYS = ("Wax", "Waa", "Wya", "ba", "by")
LSTM_KEYS = ("Wf", "bf", "Wi", "bi", "Wc", "bc", "Wo", "bo", "Wy", "by")
GRU_KEYS = ("Wz", "bz", "Wr", "br", "Wh", "bh", "Wy", "by")


def rnn_parameters(n_x, n_a, n_y, rng, scale=0.5):
    """Random RNN parameters: Wax (n_a, n_x), Waa (n_a, n_a), Wya (n_y, n_a), ba (n_a, 1), by (n_y, 1)."""
    shapes = {"Wax": (n_a, n_x), "Waa": (n_a, n_a), "Wya": (n_y, n_a), "ba": (n_a, 1), "by": (n_y, 1)}
    return {k: scale * rng.standard_normal(shapes[k]) for k in RNN_KEYS}


def gated_parameters(keys, n_x, n_a, n_y, rng, scale=0.5):
    """Random gate parameters for ``keys``: W* (n_a, n_a + n_x), b* (n_a, 1), Wy (n_y, n_a), by (n_y, 1)."""
    params = {}
    for k in keys:
        if k == "Wy":
            shape = (n_y, n_a)
        elif k == "by":
            shape = (n_y, 1)
        elif k.startswith("W"):
            shape = (n_a, n_a + n_x)
        else:
            shape = (n_a, 1)
        params[k] = scale * rng.standard_normal(shape)
    return params


def lstm_parameters(n_x, n_a, n_y, rng, scale=0.5):
    """Random LSTM parameters (keys ``LSTM_KEYS``)."""
    return gated_parameters(LSTM_KEYS, n_x, n_a, n_y, rng, scale)


def gru_parameters(n_x, n_a, n_y, rng, scale=0.5):
    """Random GRU parameters (keys ``GRU_KEYS``)."""
    return gated_parameters(GRU_KEYS, n_x, n_a, n_y, rng, scale)


# ---------------------------------------------------------------- gradient checking

def numerical_gradient(f, x, eps=1e-6):
    """Centred finite differences of the scalar ``f()`` with respect to the array ``x``.

    ``x`` is changed in place one entry at a time (and restored), so ``f`` must read it:
    dL/dx[i] ~ (f(x + eps e_i) - f(x - eps e_i)) / (2 eps). Returns an array shaped like ``x``.
    """
    grad = np.zeros_like(x, dtype=float)
    for index in np.ndindex(x.shape):
        old = x[index]
        x[index] = old + eps
        plus = f()
        x[index] = old - eps
        minus = f()
        x[index] = old
        grad[index] = (plus - minus) / (2 * eps)
    return grad


def relative_error(analytic, numeric):
    """||analytic - numeric|| / (||analytic|| + ||numeric||), 0 when both are zero."""
    analytic, numeric = np.asarray(analytic, float), np.asarray(numeric, float)
    denominator = np.linalg.norm(analytic) + np.linalg.norm(numeric)
    if denominator == 0:
        return 0.0
    return float(np.linalg.norm(analytic - numeric) / denominator)


def gradient_check(loss, arrays, analytic, eps=1e-6):
    """Compare analytic gradients with centred finite differences.

    ``loss()`` is a scalar that reads the arrays in ``arrays`` (a dict name -> array);
    ``analytic`` maps the same names to the gradients your backward pass computed.
    Returns the largest relative error over all names, and the errors per name.
    """
    errors = {}
    for name, array in arrays.items():
        if name not in analytic:
            raise KeyError(f"no analytic gradient for {name!r} (have {sorted(analytic)})")
        errors[name] = relative_error(analytic[name], numerical_gradient(loss, array, eps))
    return max(errors.values()), errors


def report_gradient_check(worst, threshold=1e-7):
    """One stable line for a notebook: the error's order of magnitude and the threshold."""
    exponent = int(np.floor(np.log10(worst))) if worst > 0 else None
    size = f"~1e{exponent}" if exponent is not None else "0"
    print(_("largest relative error {size} (required: below {threshold:.0e})").format(
        size=size, threshold=threshold))


# ---------------------------------------------------------------- Keras weight layouts

def _split(W, n_a):
    """(n_a, n_a + n_x) gate weight -> (recurrent part (n_a, n_a), input part (n_a, n_x))."""
    return W[:, :n_a], W[:, n_a:]


def keras_simple_rnn_weights(parameters):
    """[kernel (n_x, n_a), recurrent_kernel (n_a, n_a), bias (n_a,)] for keras.layers.SimpleRNN."""
    return [parameters["Wax"].T, parameters["Waa"].T, parameters["ba"].ravel()]


def _keras_gates(parameters, gates):
    n_a = parameters["W" + gates[0]].shape[0]
    kernel = np.concatenate([_split(parameters["W" + g], n_a)[1].T for g in gates], axis=1)
    recurrent = np.concatenate([_split(parameters["W" + g], n_a)[0].T for g in gates], axis=1)
    bias = np.concatenate([parameters["b" + g].ravel() for g in gates])
    return [kernel, recurrent, bias]


def keras_lstm_weights(parameters):
    """Weights for keras.layers.LSTM, whose gate order is input, forget, candidate, output."""
    return _keras_gates(parameters, "ifco")


def keras_gru_weights(parameters):
    """Weights for keras.layers.GRU(reset_after=False): gate order update z, reset r, candidate h."""
    return _keras_gates(parameters, "zrh")


def to_keras_sequence(x):
    """(n_x, m, T_x) -> (m, T_x, n_x), the batch-major layout Keras expects."""
    return np.transpose(x, (1, 2, 0))


def from_keras_sequence(h):
    """(m, T_x, n_a) -> (n_a, m, T_x)."""
    return np.transpose(np.asarray(h), (2, 0, 1))


# ---------------------------------------------------------------- diagrams

def _box(ax, x, y, text, w=1.0, h=0.6, color="#dbe9f6"):
    from matplotlib.patches import FancyBboxPatch
    ax.add_patch(FancyBboxPatch((x - w / 2, y - h / 2), w, h, boxstyle="round,pad=0.05",
                                fc=color, ec="black", lw=1))
    ax.text(x, y, text, ha="center", va="center", fontsize=10)


def _arrow(ax, start, end):
    ax.annotate("", xy=end, xytext=start, arrowprops={"arrowstyle": "->", "lw": 1.2})


def draw_unrolled(cell="RNN", steps=4):
    """An RNN unrolled over ``steps`` time steps: x<t> in, a<t> carried right, y<t> out."""
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots(figsize=(2.2 * steps + 1.5, 3))
    carry = "a, c" if cell == "LSTM" else "a"
    for t in range(steps):
        x = 1.8 + 2.2 * t
        _box(ax, x, 1.5, f"{cell}\ncell", w=1.1, h=0.8)
        ax.text(x, 0.2, f"x⟨{t + 1}⟩", ha="center", fontsize=10)
        _arrow(ax, (x, 0.45), (x, 1.05))
        ax.text(x, 2.85, f"ŷ⟨{t + 1}⟩", ha="center", fontsize=10)
        _arrow(ax, (x, 1.95), (x, 2.7))
        _arrow(ax, (x - 1.65, 1.5), (x - 0.6, 1.5))
        ax.text(x - 1.1, 1.62, f"{carry}⟨{t}⟩", ha="center", fontsize=9)
    ax.text(1.8 + 2.2 * steps - 1.1, 1.62, f"{carry}⟨{steps}⟩", ha="center", fontsize=9)
    _arrow(ax, (1.8 + 2.2 * (steps - 1) + 0.6, 1.5), (1.8 + 2.2 * steps - 0.5, 1.5))
    ax.set_xlim(0, 2.2 * steps + 1.5)
    ax.set_ylim(0, 3.2)
    ax.axis("off")
    ax.set_title(_("{cell} unrolled over {steps} time steps (the same parameters at every step)").format(
        cell=cell, steps=steps))
    return fig


def draw_gated_cell(cell="LSTM"):
    """The data flow inside one LSTM or GRU step: gates computed from [a_prev; xt]."""
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots(figsize=(10, 3.6))
    if cell == "LSTM":
        gates = [("ft = σ(Wf·concat + bf)", "#f6d5d5"), ("it = σ(Wi·concat + bi)", "#f6ecd5"),
                 ("cct = tanh(Wc·concat + bc)", "#d5f6da"), ("ot = σ(Wo·concat + bo)", "#dcd5f6")]
        state = "c_next = ft*c_prev + it*cct\na_next = ot*tanh(c_next)"
    else:
        gates = [("zt = σ(Wz·concat + bz)", "#f6d5d5"), ("rt = σ(Wr·concat + br)", "#f6ecd5"),
                 ("hht = tanh(Wh·[rt*a_prev; xt] + bh)", "#d5f6da")]
        state = "a_next =\nzt*a_prev + (1-zt)*hht"
    _box(ax, 1.1, 1.8, "concat =\n[a_prev; xt]", w=1.7, h=0.9)
    for k, (text, color) in enumerate(gates):
        y = 3.1 - 2.6 * k / max(len(gates) - 1, 1)
        _box(ax, 4.9, y, text, w=4.0, h=0.5, color=color)
        _arrow(ax, (2.0, 1.8), (2.85, y))
        _arrow(ax, (6.95, y), (7.65, 1.8))
    _box(ax, 9.2, 1.8, state, w=3.0, h=0.9, color="#eeeeee")
    ax.set_xlim(0, 10.9)
    ax.set_ylim(0.0, 3.5)
    ax.axis("off")
    ax.set_title(_("One {cell} step").format(cell=cell))
    return fig
