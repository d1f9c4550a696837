"""helpers.emojify.glove: the packaged loader, its lazy classic API, and the text-file reader."""
import numpy as np
import pytest

from helpers.emojify import glove as glove_mod
from helpers.emojify.glove import GloveFormatError, load_glove, read_text


@pytest.fixture(scope="module")
def glove():
    return load_glove()


def test_packaged_vectors_are_memory_mapped_float32(glove):
    assert glove.vectors.shape == (400000, 50)
    assert glove.vectors.dtype == np.float32
    assert isinstance(glove.vectors, np.memmap)
    assert glove.dim == 50 and len(glove) == 400000


def test_classic_api_is_built_only_when_asked():
    fresh = load_glove()
    assert fresh._words is None and fresh._word_to_index is None and fresh._index_to_word is None
    fresh.vectors[0]
    assert fresh._words is None
    assert fresh.lookup("the") == 1
    assert fresh._index_to_word is None


def test_embedding_indices_are_rows_plus_one(glove):
    index = glove.lookup("baseball")
    assert index is not None and index >= 1
    assert glove.index_to_word[index] == "baseball"
    assert glove.words[index - 1] == "baseball"
    np.testing.assert_array_equal(glove.word_to_vec_map["baseball"], glove.vectors[index - 1])
    assert 0 not in glove.index_to_word
    assert glove.lookup("the") == 1 and glove.words[0] == "the"


def test_unknown_words(glove):
    assert glove.lookup("qwxzzyv") is None
    assert "qwxzzyv" not in glove.word_to_vec_map
    with pytest.raises(KeyError, match="qwxzzyv"):
        glove.word_to_vec_map["qwxzzyv"]
    assert glove.lookup("Cat") is None  # the vocabulary is lower-case


def test_word_to_vec_map_is_a_read_only_mapping(glove):
    w2v = glove.word_to_vec_map
    assert len(w2v) == 400000
    assert "cat" in w2v
    vec = w2v["cat"]
    assert vec.shape == (50,) and vec.dtype == np.float32
    with pytest.raises(ValueError):
        vec[0] = 1.0
    assert next(iter(w2v)) == "the"


def test_keys_is_a_dict_keys_view_so_the_classic_list_of_keys_stays_usable(glove):
    # the classic `w in list(word_to_vec_map.keys())`: keys() is word_to_index's own keys view,
    # not the Python-level KeysView of a Mapping, so list() copies it in C and `in` on the view
    # itself is a hash lookup; same words, same order as iterating the mapping
    keys = glove.word_to_vec_map.keys()
    assert type(keys) is type({}.keys())
    assert len(keys) == 400000 and "cat" in keys and "qwxzzyv" not in keys
    assert list(keys)[:3] == glove.words[:3] and list(keys)[-1] == glove.words[-1]
    assert list(keys)[0] == next(iter(glove.word_to_vec_map))


def test_embedding_matrix_row_zero_is_padding(glove):
    matrix = glove.embedding_matrix()
    assert matrix.shape == (400001, 50) and matrix.dtype == np.float32
    assert not matrix[0].any()
    i = glove.lookup("pizza")
    np.testing.assert_array_equal(matrix[i], glove.word_to_vec_map["pizza"])


def test_similar_words_are_close(glove):
    def cos(a, b):
        u, v = glove.vector(a), glove.vector(b)
        return float(u @ v / np.linalg.norm(u) / np.linalg.norm(v))

    assert cos("happy", "glad") > cos("happy", "baseball")
    assert cos("pizza", "pasta") > cos("pizza", "wedding")


TEXT = "the 0.5 -1.0 2.0\ncat 1.5 0.25 -3.0\nnaïve 0 0 1e-3\n"


def test_reads_an_original_text_file(tmp_path):
    path = tmp_path / "glove.tiny.txt"
    path.write_text(TEXT, encoding="utf-8")
    small = load_glove(path)
    assert small.vectors.shape == (3, 3) and small.vectors.dtype == np.float32
    assert small.words == ["the", "cat", "naïve"]
    assert small.lookup("cat") == 2 and small.lookup("dog") is None
    np.testing.assert_allclose(small.word_to_vec_map["cat"], [1.5, 0.25, -3.0])
    np.testing.assert_allclose(small.embedding_matrix()[3], [0, 0, 1e-3])
    assert not small.embedding_matrix()[0].any()


def test_environment_variable_points_to_a_text_file(tmp_path, monkeypatch):
    path = tmp_path / "glove.env.txt"
    path.write_text(TEXT, encoding="utf-8")
    monkeypatch.setenv(glove_mod.ENV_VAR, str(path))
    assert len(load_glove()) == 3
    monkeypatch.setenv(glove_mod.ENV_VAR, str(tmp_path / "missing.txt"))
    with pytest.raises(FileNotFoundError, match="RNNLAB_GLOVE"):
        load_glove()


@pytest.mark.parametrize("text, message", [
    ("the 0.5 1.0\ncat 1.5\n", r"line 2: 1 numbers after 'cat', expected 2"),
    ("the 0.5 1.0\ncat 1.5 oops\n", r"line 2: the values of 'cat' are not all numbers"),
    ("the 0.5 1.0\n\n", r"line 2: expected a word followed by numbers"),
    ("the 0.5 1.0\nthe 1.5 2.0\n", r"line 2: 'the' already appeared on line 1"),
    ("", r"the file is empty"),
])
def test_malformed_text_files_name_the_line(tmp_path, text, message):
    path = tmp_path / "bad.txt"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(GloveFormatError, match=message) as err:
        read_text(path)
    assert "bad.txt" in str(err.value)


def test_missing_text_file(tmp_path):
    with pytest.raises(FileNotFoundError, match="nothing.txt"):
        load_glove(tmp_path / "nothing.txt")
