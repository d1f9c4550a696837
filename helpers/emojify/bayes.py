"""A bag-of-words baseline: multinomial naive Bayes, in numpy.

    nb = NaiveBayes.fit(X_train, Y_train)
    nb.predict(["I am so happy"])        # (m,) labels 0-4

Each class k gets a prior P(k) (its share of the training sentences) and a word distribution
P(w | k) = (count of w in class k + alpha) / (words in class k + alpha * V) over the V training
words (Laplace smoothing, ``alpha=1``). A sentence's score for class k is
log P(k) + sum over its words of log P(w | k); words never seen in training are ignored. The
model sees which words occur, not their order, so "not happy" and "happy not" look the same.
"""
from dataclasses import dataclass

import numpy as np

from .data import N_CLASSES, clean


@dataclass(frozen=True)
class NaiveBayes:
    vocabulary: dict  # word -> column of log_likelihood
    log_prior: np.ndarray  # (n_classes,)
    log_likelihood: np.ndarray  # (n_classes, V)

    @classmethod
    def fit(cls, sentences, labels, alpha: float = 1.0, n_classes: int = N_CLASSES) -> "NaiveBayes":
        labels = np.asarray(labels, dtype=int)
        if len(sentences) != len(labels):
            raise ValueError(f"{len(sentences)} sentences but {len(labels)} labels")
        if alpha <= 0:
            raise ValueError(f"alpha must be positive, got {alpha}")
        words = [clean(s).split() for s in sentences]
        vocabulary = {w: j for j, w in enumerate(sorted({w for ws in words for w in ws}))}
        counts = np.zeros((n_classes, len(vocabulary)))
        for ws, k in zip(words, labels):
            for w in ws:
                counts[k, vocabulary[w]] += 1
        log_likelihood = np.log(counts + alpha) - np.log(counts.sum(axis=1, keepdims=True)
                                                         + alpha * len(vocabulary))
        prior = np.bincount(labels, minlength=n_classes) / len(labels)
        with np.errstate(divide="ignore"):
            return cls(vocabulary, np.log(prior), log_likelihood)

    def scores(self, sentences) -> np.ndarray:
        """``(m, n_classes)`` log P(k) + sum of log P(w | k) over the sentence's known words."""
        if isinstance(sentences, str):
            raise TypeError("give a list of sentences, not one string")
        bags = np.zeros((len(sentences), len(self.vocabulary)))
        for i, s in enumerate(sentences):
            for w in clean(s).split():
                if w in self.vocabulary:
                    bags[i, self.vocabulary[w]] += 1
        return self.log_prior + bags @ self.log_likelihood.T

    def predict(self, sentences) -> np.ndarray:
        """``(m,)`` the most probable label of each sentence."""
        return np.argmax(self.scores(sentences), axis=1)
