"""The Emojify sentence set, its five labels, and predictions from any trained classifier.

    from helpers.emojify.data import load_sentences, label_to_emoji
    X_train, Y_train = load_sentences("train")   # list of str, (m,) int64 labels 0-4
    X_test, Y_test = load_sentences("test")      # sentences never seen in training
    X_test, Y_test, tags = load_sentences("test", tags=True)  # + what each test sentence tests

Labels, in this order: 0 ❤️ love, 1 ⚾ sports, 2 😄 happy, 3 😞 sad, 4 🍴 food.
The CSV files (``data/emoji/{train,test}.csv``) were written for this course and are CC0.
Their header is ``sentence,label`` or ``sentence,label,tag``; a tag says what a test sentence
tests (see :data:`TAGS`, empty for an ordinary sentence). A malformed row, a label outside 0-4,
an unknown tag or an empty sentence raises :class:`SentenceFileError` naming the file and line.

``convert_to_one_hot(Y, C)`` and ``predict(X, Y, W, b, word_to_vec_map)`` are what code written
in the classic assignment's style expects to find in the notebook.

``nearest_same_label(sentence, label, X_train, Y_train)`` measures how close a test sentence is
to the training sentences of its label, in content words (:data:`STOP_WORDS` aside); no test
sentence but the ``new-word`` ones is within one of them. ``nearest_other_label`` does the same
for the other labels' sentences. ``paired_difference(correct_a, correct_b)`` compares two models
on the same sentences, with an exact (McNemar) interval.

``predict_emoji(model, sentences, encode)`` works outside the notebook with whatever turns
sentences into the model's input (``encode``) and whatever has a ``predict(x, verbose=0)``
method that returns class probabilities (a Keras model, or :class:`SoftmaxClassifier` for the
numpy Emojifier-V1's ``W`` and ``b``).
"""
import csv
import math
import re
from dataclasses import dataclass
from pathlib import Path

import emoji
import numpy as np

from ..i18n import _
from ..paths import DATA

LABELS = ("love", "sports", "happy", "sad", "food")
EMOJI_NAMES = (":red_heart:", ":baseball:", ":grinning_face_with_smiling_eyes:",
               ":disappointed_face:", ":fork_and_knife:")
EMOJI = tuple(emoji.emojize(name) for name in EMOJI_NAMES)
N_CLASSES = len(LABELS)
SPLITS = ("train", "test")
HEADERS = (["sentence", "label"], ["sentence", "label", "tag"])
TAGS = {
    "": "an ordinary sentence",
    "new-word": "paraphrases its class with a content word that no training sentence uses",
    "negation": "a negation decides the emoji (not happy -> sad, no longer sad -> happy)",
    "order": "word order decides the emoji (the last clause of '... but now ...')",
}
SLICE = ("negation", "order")  # the tags whose sentences only a reader of word order can get right


class SentenceFileError(ValueError):
    """A sentence file with a bad header or row; the message names the file and line."""


def sentence_file(split: str) -> Path:
    if split not in SPLITS:
        raise ValueError(f"split must be one of {SPLITS}, got {split!r}")
    return DATA / "emoji" / f"{split}.csv"


def read_sentences(path, tags: bool = False):
    """Read a ``sentence,label[,tag]`` CSV: ``(sentences, labels)`` with labels ``(m,)`` int64
    in 0-4, and with ``tags=True`` also the list of tags (``""`` where the file has none)."""
    path = Path(path)
    sentences, labels, found = [], [], []
    with open(path, newline="", encoding="utf-8") as fh:
        reader = csv.reader(fh)
        header = next(reader, None)
        if header not in HEADERS:
            raise SentenceFileError(f"{path}, line 1: expected the header 'sentence,label' or "
                                    f"'sentence,label,tag', got {header!r}")
        fields = ",".join(header)
        for row in reader:
            line = reader.line_num
            if not row:
                raise SentenceFileError(f"{path}, line {line}: empty line")
            if len(row) != len(header):
                raise SentenceFileError(f"{path}, line {line}: expected {len(header)} fields "
                                        f"({fields}), got {len(row)}: {row!r}")
            sentence, label = row[0].strip(), row[1].strip()
            tag = row[2].strip() if len(row) > 2 else ""
            if tag not in TAGS:
                raise SentenceFileError(f"{path}, line {line}: unknown tag {row[2]!r}, expected one "
                                        f"of {sorted(TAGS)}")
            if not sentence:
                raise SentenceFileError(f"{path}, line {line}: the sentence is empty")
            if not re.fullmatch(r"[0-9]+", label) or int(label) >= N_CLASSES:
                raise SentenceFileError(f"{path}, line {line}: label {row[1]!r} is not an integer "
                                        f"from 0 to {N_CLASSES - 1}")
            sentences.append(sentence)
            labels.append(int(label))
            found.append(tag)
    if not sentences:
        raise SentenceFileError(f"{path}: no sentences after the header")
    if tags:
        return sentences, np.array(labels, dtype=np.int64), found
    return sentences, np.array(labels, dtype=np.int64)


def load_sentences(split: str, tags: bool = False):
    """The course's ``"train"`` or ``"test"`` sentences and their labels (int 0-4).

    With ``tags=True`` also the tag of each sentence (see :data:`TAGS`; the training file has
    none, so its tags are all ``""``).
    """
    return read_sentences(sentence_file(split), tags=tags)


def label_to_emoji(label: int) -> str:
    """The emoji of a label 0-4 (❤️ ⚾ 😄 😞 🍴)."""
    label = int(label)
    if not 0 <= label < N_CLASSES:
        raise ValueError(f"label must be in 0..{N_CLASSES - 1}, got {label}")
    return EMOJI[label]


def clean(sentence: str) -> str:
    """Lower-case, keep letters, digits and apostrophes, one space between words."""
    return " ".join(re.sub(r"[^a-z0-9']+", " ", sentence.lower()).split())


# Words that say little about a sentence's class on their own: articles, pronouns, auxiliaries,
# prepositions, conjunctions, a few adverbs, and the negation and order markers, which the
# negation and order sentences of one label share by design (not, no longer, but now, at first).
STOP_WORDS = frozenset("""
a an the i me my mine myself you your yours he him his she her hers we us our ours they them
their theirs it its this that these those is am are was were be been being do does did have
has had will would can could shall should may might must and or but so to of in on at for
with by from about as up down out over some all very too really just now then first there
here what who not no never nobody nothing anymore longer more much many one two
""".split())


def content_words(sentence: str) -> list[str]:
    """The words of ``clean(sentence)`` that are not in :data:`STOP_WORDS`, in order."""
    return [w for w in clean(sentence).split() if w not in STOP_WORDS]


def word_distance(a, b) -> int:
    """Edit distance between two word sequences: the fewest words to insert, delete or replace."""
    previous = list(range(len(b) + 1))
    for i, word_a in enumerate(a, start=1):
        current = [i]
        for j, word_b in enumerate(b, start=1):
            current.append(min(previous[j] + 1, current[j - 1] + 1,
                               previous[j - 1] + (word_a != word_b)))
        previous = current
    return previous[-1]


def _nearest(sentence: str, sentences) -> tuple[int, str]:
    words = content_words(sentence)
    candidates = [(word_distance(words, content_words(s)), s) for s in sentences]
    return min(candidates, key=lambda pair: pair[0], default=(float("inf"), ""))


def nearest_same_label(sentence: str, label: int, sentences, labels) -> tuple[int, str]:
    """``(distance, sentence)``: the sentence of ``sentences`` with the same label whose content
    words are the fewest edits (:func:`word_distance`) from those of ``sentence``.

    A test sentence at distance 0 or 1 is a near-copy of a training sentence: one content word
    (stop words aside) added, removed or replaced. ``(inf, "")`` if no sentence has the label.
    """
    return _nearest(sentence, [s for s, y in zip(sentences, labels) if int(y) == int(label)])


def nearest_other_label(sentence: str, label: int, sentences, labels) -> tuple[int, str]:
    """Like :func:`nearest_same_label`, among the sentences whose label is not ``label``.

    At distance 0 the two have the same content words in the same order, and only stop words
    (a negation, say) can tell their labels apart.
    """
    return _nearest(sentence, [s for s, y in zip(sentences, labels) if int(y) != int(label)])


def convert_to_one_hot(Y, C: int = N_CLASSES) -> np.ndarray:
    """``(m, C)`` one-hot rows of the integer labels ``Y`` (any shape with m entries)."""
    Y = np.asarray(Y).reshape(-1)
    if Y.size and (not np.array_equal(Y, np.round(Y)) or Y.min() < 0 or Y.max() >= C):
        raise ValueError(f"labels must be whole numbers from 0 to {C - 1}, got {np.unique(Y)[:10]}")
    return np.eye(C)[Y.astype(int)]


def predict(X, Y, W, b, word_to_vec_map) -> np.ndarray:
    """Emojifier-V1's labels for the sentences ``X`` (``(m, 1)``), printing the accuracy on ``Y``.

    The average of a sentence's known (lower-cased) words goes through ``softmax(W avg + b)``.
    """
    any_word = next(iter(word_to_vec_map))
    n_h = np.shape(word_to_vec_map[any_word])[0]
    pred = np.zeros((len(X), 1))
    for j, sentence in enumerate(X):
        known = [w for w in str(sentence).lower().split() if w in word_to_vec_map]
        avg = np.mean([word_to_vec_map[w] for w in known], axis=0) if known else np.zeros(n_h)
        pred[j] = np.argmax(np.asarray(W) @ avg + np.asarray(b))
    print(_("Accuracy: {accuracy:.4f}").format(accuracy=np.mean(pred[:, 0] == np.asarray(Y).reshape(-1))))
    return pred


def softmax(z: np.ndarray) -> np.ndarray:
    """Row-wise softmax of ``(m, n_y)`` scores."""
    e = np.exp(z - np.max(z, axis=-1, keepdims=True))
    return e / np.sum(e, axis=-1, keepdims=True)


@dataclass(frozen=True)
class SoftmaxClassifier:
    """Emojifier-V1 after training: ``W`` (n_y, n_h), ``b`` (n_y,); input ``(m, n_h)`` averages."""

    W: np.ndarray
    b: np.ndarray

    def predict(self, x, verbose=0) -> np.ndarray:
        return softmax(np.asarray(x) @ np.asarray(self.W).T + np.asarray(self.b))


@dataclass(frozen=True)
class Prediction:
    sentence: str
    label: int
    emoji: str
    probabilities: tuple[float, ...]

    def __str__(self) -> str:
        probs = " ".join(f"{e}{p:.2f}" for e, p in zip(EMOJI, self.probabilities))
        return f"{self.sentence} {self.emoji}   ({probs})"


def predict_proba(model, sentences, encode, clean_text: bool = True) -> np.ndarray:
    """``(m, 5)`` class probabilities: ``model.predict(encode(sentences), verbose=0)``."""
    if isinstance(sentences, str):
        raise TypeError("give a list of sentences, not one string")
    texts = [clean(s) if clean_text else s for s in sentences]
    probs = np.asarray(model.predict(encode(texts), verbose=0), dtype=np.float64)
    if probs.shape != (len(texts), N_CLASSES):
        raise ValueError(f"the model returned shape {probs.shape}, expected ({len(texts)}, {N_CLASSES})")
    return probs


def predict_emoji(model, sentences, encode, clean_text: bool = True) -> list[Prediction]:
    """Predict an emoji for each sentence.

    model     -- anything with ``predict(x, verbose=0) -> (m, 5)`` probabilities
    sentences -- list of m str
    encode    -- turns the (cleaned) list of sentences into the model's input, e.g.
                 ``lambda s: sentences_to_indices(np.array(s), word_to_index, max_len)``
    """
    probs = predict_proba(model, sentences, encode, clean_text)
    labels = np.argmax(probs, axis=1)
    return [Prediction(s, int(k), EMOJI[k], tuple(round(float(p), 6) for p in row))
            for s, k, row in zip(sentences, labels, probs)]


def confusion_matrix(y_true, y_pred, n_classes: int = N_CLASSES) -> np.ndarray:
    """``(n_classes, n_classes)`` counts: row = true label, column = predicted label."""
    y_true, y_pred = np.asarray(y_true).ravel(), np.asarray(y_pred).ravel()
    if y_true.shape != y_pred.shape:
        raise ValueError(f"y_true has {y_true.size} labels, y_pred {y_pred.size}")
    matrix = np.zeros((n_classes, n_classes), dtype=np.int64)
    np.add.at(matrix, (y_true.astype(int), y_pred.astype(int)), 1)
    return matrix


@dataclass(frozen=True)
class PairedDifference:
    """Accuracy of model A minus that of model B on the same n sentences, with an interval."""

    difference: float    # acc(A) - acc(B)
    low: float           # the interval's ends, on the same scale as ``difference``
    high: float
    only_a: int          # sentences only A gets right
    only_b: int          # sentences only B gets right
    n: int
    p_value: float       # exact two-sided McNemar test of "A and B are equally accurate"

    def __str__(self) -> str:
        p = "p < 0.001" if self.p_value < 0.001 else f"p = {self.p_value:.3f}"
        return (f"{100 * self.difference:+5.1f} points [{100 * self.low:+5.1f}, "
                f"{100 * self.high:+5.1f}] ({self.only_a} vs {self.only_b} sentences, {p})")


def _binomial_cdf(k: int, n: int, p: float) -> float:
    """P(X <= k) for X ~ Binomial(n, p)."""
    return math.fsum(math.comb(n, i) * p ** i * (1 - p) ** (n - i) for i in range(k + 1))


def _clopper_pearson(k: int, n: int, confidence: float) -> tuple[float, float]:
    """Exact (Clopper-Pearson) interval of a binomial proportion from k successes in n trials,
    found by bisection on the binomial CDF."""
    alpha = (1 - confidence) / 2

    def solve(target, cdf_k):
        low, high = 0.0, 1.0  # the CDF at cdf_k falls as p grows
        for _ in range(60):
            mid = (low + high) / 2
            low, high = (mid, high) if _binomial_cdf(cdf_k, n, mid) > target else (low, mid)
        return (low + high) / 2

    lower = 0.0 if k == 0 else solve(1 - alpha, k - 1)
    upper = 1.0 if k == n else solve(alpha, k)
    return lower, upper


def paired_difference(correct_a, correct_b, confidence: float = 0.95) -> PairedDifference:
    """Compare two models on the same sentences from their ``(n,)`` right/wrong arrays.

    Only the sentences they disagree on tell them apart: ``b`` that only A gets right, ``c``
    that only B does. Given ``d = b + c``, ``b`` is Binomial(d, q) and the difference in
    accuracy is ``d / n * (2 q - 1)``; the interval maps the exact (Clopper-Pearson) interval
    of ``q`` onto that scale, and the p-value is the exact McNemar test of ``q = 1/2``.
    """
    a = np.asarray(correct_a, dtype=bool).ravel()
    b_ = np.asarray(correct_b, dtype=bool).ravel()
    if a.shape != b_.shape or a.size == 0:
        raise ValueError(f"need two right/wrong arrays of the same non-zero length, got "
                         f"{a.size} and {b_.size}")
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must be between 0 and 1, got {confidence}")
    n, only_a, only_b = a.size, int(np.sum(a & ~b_)), int(np.sum(~a & b_))
    d = only_a + only_b
    if d == 0:
        return PairedDifference(0.0, 0.0, 0.0, 0, 0, n, 1.0)
    q_low, q_high = _clopper_pearson(only_a, d, confidence)
    p_value = min(1.0, 2 * _binomial_cdf(min(only_a, only_b), d, 0.5))
    return PairedDifference((only_a - only_b) / n, d / n * (2 * q_low - 1),
                            d / n * (2 * q_high - 1), only_a, only_b, n, p_value)


def plot_confusion(matrix, title: str = "", ax=None):
    """Draw a confusion matrix with the emoji labels; returns the matplotlib Axes."""
    import matplotlib.pyplot as plt

    if ax is None:
        ax = plt.subplots(figsize=(4.2, 3.8))[1]
    ax.imshow(matrix, cmap="Blues")
    names = [f"{i} {name}" for i, name in enumerate(LABELS)]
    ax.set_xticks(range(N_CLASSES), names, rotation=45, ha="right")
    ax.set_yticks(range(N_CLASSES), names)
    ax.set_xlabel(_("predicted"))
    ax.set_ylabel(_("true"))
    top = matrix.max() if matrix.size else 0
    for i in range(matrix.shape[0]):
        for j in range(matrix.shape[1]):
            ax.text(j, i, str(matrix[i, j]), ha="center", va="center",
                    color="white" if matrix[i, j] > top / 2 else "black")
    if title:
        ax.set_title(title)
    return ax


def trained(model, exercise: str, what: str):
    """``model`` if it exists; while the exercise it needs is unfinished, say so.

    Cells after a training cell start with
    ``v2 = trained(emojifier_v2, "Emojify_V2", "Emojifier-V2")``: the training cell sets
    ``emojifier_v2 = None`` before it calls the graded functions, so an unfinished exercise
    shows up here as a NotImplementedError that names it (``"Emojify_V2: ..."``, like the
    stubs' own), not as a NameError.
    """
    if model is None:
        # the message starts with "<exercise>: ", as a stub's does (helpers.notebook reads it)
        raise NotImplementedError(f"{exercise}: " + _(
            "{what} is not trained yet - finish {exercise} (and the exercises before it), then run "
            "its training cell").format(what=what, exercise=exercise))
    return model
