"""Cutting and scoring sequences of jazz values: the one place that does it.

Every number that compares jazz models (notebook 2, notebook 4, the model card) is a
:func:`sequence_nll`: the mean negative log-likelihood, in nats per value, of every value
after the first of each solo, ``-log p(x_t | x_<t)``. Two scoring modes, named explicitly:

- ``"whole"`` (:data:`WHOLE`): each solo is read in one pass from a zero state, so the
  prediction of ``x_t`` sees the whole solo before it;
- ``"windows"`` (:data:`WINDOWS`): each solo is cut into consecutive windows of ``T_x``
  inputs; the state starts fresh in each window, so a prediction sees at most ``T_x``
  values (fewer at the start of a window). Every value after the first of a solo is still
  scored exactly once.

Numbers are comparable only when they were scored in the same mode (and, for windows, the
same ``T_x``). The n-gram baselines (:class:`NGram`) are scored by the same function: in
windows mode their history is cut at the window start too.

Shapes: ``m`` rows (solos or windows), ``T_x`` time steps, ``n_values`` values,
``n_c`` context features (see ``helpers.jazz.context``).
"""
from __future__ import annotations

import contextlib
import copy
import logging
from collections import Counter, defaultdict

import numpy as np

WHOLE = "whole"
WINDOWS = "windows"
MODES = (WHOLE, WINDOWS)


def one_hot(ids, n_values: int) -> np.ndarray:
    """int ids of any shape -> float32 one-hot with a trailing ``n_values`` axis.

    Raises ``ValueError`` naming the first id outside ``0 .. n_values - 1``.
    """
    ids = np.asarray(ids)
    bad = (ids < 0) | (ids >= n_values)
    if bad.any():
        raise ValueError(f"id {int(ids[bad].ravel()[0])} is out of range 0..{n_values - 1}")
    return np.eye(n_values, dtype=np.float32)[ids]


def windows(sequences, T_x: int, stride: int | None = None, pad: bool = False) -> np.ndarray:
    """Cut every sequence into windows of ``T_x + 1`` consecutive steps.

    A window starting at ``s`` holds ``seq[s : s + T_x + 1]``: its first ``T_x`` steps are
    the inputs, its last ``T_x`` the targets. Windows never cross two sequences. Starts
    are ``0, stride, 2 stride, ...`` (``stride`` defaults to ``T_x``).

    - ``pad=False`` (training): only full windows, so some values at the end of a sequence
      may be left out.
    - ``pad=True`` (scoring): windows go on while a target is left; the last one of a
      sequence is padded with zeros. Cut ``[np.ones(len(s)) for s in sequences]`` the same
      way to know which steps are real (:func:`next_value_windows` does it).

    ``sequences`` are arrays whose first axis is time: ids ``(T,)`` give
    ``(n_windows, T_x + 1)``; context features ``(T, n_c)`` give ``(n_windows, T_x + 1, n_c)``.
    Raises ``ValueError`` if no window can be cut.
    """
    if T_x < 1 or (stride is not None and stride < 1):
        raise ValueError(f"T_x and stride must be >= 1, got T_x={T_x}, stride={stride}")
    stride = stride or T_x
    out = []
    for seq in sequences:
        seq = np.asarray(seq)
        last = len(seq) - 1 if pad else len(seq) - T_x
        for start in range(0, max(last, 0), stride):
            piece = seq[start:start + T_x + 1]
            if len(piece) < T_x + 1:
                fill = np.zeros((T_x + 1 - len(piece),) + seq.shape[1:], dtype=seq.dtype)
                piece = np.concatenate([piece, fill])
            out.append(piece)
    if not out:
        raise ValueError(f"no sequence is long enough for a window of T_x = {T_x}"
                         + ("" if pad else " (try pad=True)"))
    return np.stack(out)



def training_arrays(window_ids: np.ndarray, n_values: int):
    """``(X, Y)`` for the hand-unrolled model from :func:`windows` of ids (m, T_x + 1):
    X (m, T_x, n_values) one-hot, Y a list of T_x arrays (m, n_values), ``Y[t]`` the one-hot
    of the value that follows ``X[:, t]``."""
    X = one_hot(window_ids[:, :-1], n_values)
    Y = one_hot(window_ids[:, 1:], n_values)
    return X, [Y[:, t] for t in range(Y.shape[1])]

def next_value_windows(sequences, T_x: int, stride: int | None = None):
    """Padded next-value windows: ``X (m, T_x)`` int32 inputs, ``Y (m, T_x)`` int32 targets
    (``Y[:, t]`` follows ``X[:, t]``) and ``W (m, T_x)`` float32, 1 for a real target and 0
    for padding. With ``stride == T_x`` every value after the first of each sequence is a
    target exactly once."""
    ids = windows(sequences, T_x, stride, pad=True).astype(np.int32)
    real = windows([np.ones(len(s), np.float32) for s in sequences], T_x, stride, pad=True)
    return ids[:, :-1], ids[:, 1:], real[:, 1:]


def _rows(sequences, mode: str, T_x: int | None):
    """Rows to score, as windows of ``T + 1`` steps (``T`` = longest solo - 1 in whole mode)."""
    if mode not in MODES:
        raise ValueError(f"unknown scoring mode {mode!r}: expected one of {MODES}")
    if mode == WINDOWS:
        if not T_x:
            raise ValueError("scoring mode 'windows' needs T_x (the window length)")
        return lambda seqs: windows(seqs, T_x, T_x, pad=True)
    length = max(len(s) for s in sequences) - 1
    return lambda seqs: windows(seqs, length, length, pad=True)


def sequence_nll(model, sequences, mode: str = WHOLE, T_x: int | None = None, contexts=None,
                 batch_size: int = 16) -> float:
    """Mean NLL (nats per value) of every value after the first of each sequence.

    model: a Keras model mapping ids ``(m, T)`` int, or one-hot ``(m, T, n_values)``, and
    optionally context features ``(m, T, n_c)`` as a second input, to probabilities
    ``(m, T, n_values)``; or any object with ``target_probs(X, Y) -> (m, T)`` (the n-grams).
    sequences: list of int arrays of value ids. mode: :data:`WHOLE` or :data:`WINDOWS`
    (then ``T_x`` is the window length). contexts: for a model with a context input, one
    ``(len(seq), n_c)`` array per sequence, ``contexts[i][t]`` fed next to value ``t``.

    Rows are padded at the end; padding comes after every scored step, so a causal model's
    scores do not depend on it. Keras models run ``batch_size`` rows at a time through
    ``model.predict`` (one compiled graph for every chunk of the same shape).
    """
    sequences = [np.asarray(s) for s in sequences]
    if any(s.ndim != 1 or len(s) < 2 for s in sequences) or not sequences:
        raise ValueError("sequence_nll needs 1-D sequences of at least 2 ids each")
    cut = _rows(sequences, mode, T_x)
    ids = cut(sequences).astype(np.int32)
    real = cut([np.ones(len(s), np.float32) for s in sequences])
    X, Y, W = ids[:, :-1], ids[:, 1:], real[:, 1:]
    C = None
    if contexts is not None:
        if [len(c) for c in contexts] != [len(s) for s in sequences]:
            raise ValueError("contexts must have one row per value of each sequence")
        C = cut([np.asarray(c, np.float32) for c in contexts])[:, :-1]
    p = target_probs(model, X, Y, C, W, batch_size)
    return float(-(np.log(np.maximum(p, 1e-12)) * W).sum() / W.sum())


class _NoRetracingWarning(logging.Filter):
    def filter(self, record) -> bool:
        return "retracing" not in record.getMessage()


@contextlib.contextmanager
def _expected_retracing():
    """Scoring many models, and a shorter last chunk for each, traces ``predict`` anew each
    time; that is expected here, so TensorFlow's warning about it is dropped (only it, only
    while scoring)."""
    log, quiet = logging.getLogger("tensorflow"), _NoRetracingWarning()
    log.addFilter(quiet)
    try:
        yield
    finally:
        log.removeFilter(quiet)


def target_probs(model, X, Y, C=None, W=None, batch_size: int = 16) -> np.ndarray:
    """``p[i, t]`` = the probability ``model`` gives to ``Y[i, t]`` after ``X[i, :t + 1]``
    (and contexts ``C[i, :t + 1]``). X, Y (m, T) int; C (m, T, n_c) or None; W (m, T)
    marks the steps that count (others may be skipped). Returns float64 (m, T)."""
    if hasattr(model, "target_probs"):
        return np.asarray(model.target_probs(X, Y, W), dtype=np.float64)
    inputs = model.inputs
    n_values = model.output_shape[-1]
    if len(inputs) == 2 and C is None:
        raise ValueError(f"model {model.name!r} takes context features: pass contexts=")
    if len(inputs) == 1 and C is not None:
        raise ValueError(f"model {model.name!r} takes no context features, but contexts were given")
    one_hot_input = len(inputs[0].shape) == 3
    out = np.zeros(X.shape, dtype=np.float64)
    with _expected_retracing():
        for lo in range(0, len(X), batch_size):
            x = X[lo:lo + batch_size]
            feed = [one_hot(x, n_values) if one_hot_input else x]
            if C is not None:
                feed.append(C[lo:lo + batch_size])
            probs = model.predict(feed if len(feed) > 1 else feed[0], batch_size=len(x), verbose=0)
            out[lo:lo + len(x)] = np.take_along_axis(probs, Y[lo:lo + batch_size, :, None],
                                                     axis=-1)[..., 0]
    return out


# ------------------------------------------------------------------------ n-gram baselines

class NGram:
    """Unigram (add-k smoothed) or interpolated Kneser-Ney bigram / trigram model of ids.

    ``NGram(order, n_values, discount).fit(sequences)``; ``prob(context, x)`` with context
    the tuple of previous ids (only the last ``order - 1`` are used); scored like any model
    with :func:`sequence_nll` (``nll`` is a shortcut).
    """

    def __init__(self, order: int, n_values: int, discount: float = 0.75, add_k: float = 1.0):
        if order not in (1, 2, 3):
            raise ValueError(f"order must be 1, 2 or 3, got {order}")
        self.order, self.n_values, self.d, self.k = order, int(n_values), discount, add_k

    def fit(self, sequences):
        self.unigram = Counter()
        self.counts = {n: defaultdict(Counter) for n in (2, 3)}   # context -> next -> count
        for seq in sequences:
            seq = [int(v) for v in seq]
            self.unigram.update(seq)
            for t in range(1, len(seq)):
                self.counts[2][(seq[t - 1],)][seq[t]] += 1
                if t >= 2:
                    self.counts[3][(seq[t - 2], seq[t - 1])][seq[t]] += 1
        # Kneser-Ney continuation counts: in how many distinct contexts a value follows.
        cont1 = Counter()
        for nxt in self.counts[2].values():
            for x in nxt:
                cont1[x] += 1
        cont2 = defaultdict(Counter)  # for the bigram level under a trigram: N1+(. u x)
        for (_, u), nxt in self.counts[3].items():
            for x in nxt:
                cont2[(u,)][x] += 1
        self.cont1, self.cont1_total = cont1, sum(cont1.values())
        self.cont2 = cont2
        self.total = sum(self.unigram.values())
        self._distributions = {}
        return self

    def _p1(self, x: int) -> float:
        if self.order == 1:
            return (self.unigram[x] + self.k) / (self.total + self.k * self.n_values)
        d, total = self.d, self.cont1_total
        return max(self.cont1[x] - d, 0) / total + d * len(self.cont1) / total / self.n_values

    def _p2(self, u: tuple, x: int, counts) -> float:
        nxt = counts.get(u)
        if not nxt:
            return self._p1(x)
        total = sum(nxt.values())
        return max(nxt[x] - self.d, 0) / total + self.d * len(nxt) / total * self._p1(x)

    def prob(self, context, x: int) -> float:
        context = tuple(int(c) for c in context)
        if self.order == 1 or not context:
            return self._p1(x)
        if self.order == 2 or len(context) < 2:
            return self._p2(context[-1:], x, self.counts[2])
        # trigram: the lower level uses continuation counts (Kneser-Ney)
        nxt = self.counts[3].get(context[-2:])
        lower = self._p2(context[-1:], x, self.cont2)
        if not nxt:
            return lower
        total = sum(nxt.values())
        return max(nxt[x] - self.d, 0) / total + self.d * len(nxt) / total * lower

    def smoothed(self, discount: float | None = None, add_k: float | None = None) -> "NGram":
        """The same fitted counts with another discount (or add-k): a copy that shares them."""
        other = copy.copy(self)
        other.d = self.d if discount is None else discount
        other.k = self.k if add_k is None else add_k
        other._distributions = {}
        return other

    def distribution(self, context) -> np.ndarray:
        """``prob(context, x)`` for every value x, (n_values,); computed once per context
        (of the last ``order - 1`` ids) and kept, since samplers ask for the same ones often."""
        key = tuple(int(c) for c in context[-(self.order - 1):]) if self.order > 1 else ()
        if key not in self._distributions:
            self._distributions[key] = np.array([self.prob(key, x) for x in range(self.n_values)])
        return self._distributions[key]

    def target_probs(self, X, Y, W=None) -> np.ndarray:
        """``p[i, t] = prob(X[i, :t + 1], Y[i, t])`` (the history stops at the row start);
        steps with ``W == 0`` are left at 1."""
        X, Y = np.asarray(X), np.asarray(Y)
        out = np.ones(X.shape, dtype=np.float64)
        keep = np.ones(X.shape, bool) if W is None else np.asarray(W) > 0
        for i, t in zip(*np.nonzero(keep)):
            out[i, t] = self.prob(X[i, max(0, t - self.order + 2):t + 1], int(Y[i, t]))
        return out

    def nll(self, sequences, mode: str = WHOLE, T_x: int | None = None) -> float:
        """:func:`sequence_nll` of this model."""
        return sequence_nll(self, sequences, mode, T_x)


def best_ngram(order: int, n_values: int, train, validation, discounts=(0.5, 0.75, 0.9)):
    """Fit ``NGram(order)`` on train, choosing the discount (or add-k) on validation
    (scored in whole mode)."""
    grid = [dict(add_k=k) for k in (0.01, 0.1, 1.0)] if order == 1 else [dict(discount=d) for d in discounts]
    counted = NGram(order, n_values).fit(train)  # the counts do not depend on the smoothing
    fitted = [counted.smoothed(**kw) for kw in grid]
    scores = [m.nll(validation) for m in fitted]
    return fitted[int(np.argmin(scores))]
