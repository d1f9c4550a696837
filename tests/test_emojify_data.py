"""helpers.emojify.data: the sentence set, its loader's errors, and prediction outside the notebook."""
import numpy as np
import pytest

from helpers.emojify import data as emoji_data
from helpers.emojify.data import (EMOJI, SentenceFileError, SoftmaxClassifier, clean,
                                confusion_matrix, label_to_emoji, load_sentences,
                                predict_emoji, read_sentences)
from helpers.emojify.glove import load_glove


@pytest.fixture(scope="module")
def splits():
    return {split: load_sentences(split) for split in ("train", "test")}


def test_sizes_and_balance(splits):
    for split, (size, per_label) in {"train": (500, 100), "test": (120, 24)}.items():
        sentences, labels = splits[split]
        assert len(sentences) == size and labels.shape == (size,)
        assert labels.dtype == np.int64
        assert np.bincount(labels, minlength=5).tolist() == [per_label] * 5


def test_no_test_sentence_repeats_a_training_sentence(splits):
    train = {clean(s) for s in splits["train"][0]}
    repeated = [s for s in splits["test"][0] if clean(s) in train]
    assert repeated == []


def test_no_duplicates_within_a_split(splits):
    for sentences, _ in splits.values():
        cleaned = [clean(s) for s in sentences]
        assert len(set(cleaned)) == len(cleaned)


def test_sentences_are_short_clean_and_in_glove(splits):
    glove = load_glove()
    for sentences, _ in splits.values():
        for s in sentences:
            words = s.lower().split()
            assert 1 <= len(words) <= 12, s
            assert clean(s) == s.lower(), s
            assert all(glove.lookup(w) is not None for w in words), s


def test_labels_and_emoji():
    assert emoji_data.LABELS == ("love", "sports", "happy", "sad", "food")
    assert [label_to_emoji(k) for k in range(5)] == ["\u2764\ufe0f", "\u26be", "\U0001F604",
                                                     "\U0001F61E", "\U0001F374"]
    assert label_to_emoji(np.int64(4)) == EMOJI[4]
    with pytest.raises(ValueError, match="label must be in 0..4, got 5"):
        label_to_emoji(5)


def test_unknown_split():
    with pytest.raises(ValueError, match="'dev'"):
        load_sentences("dev")


def write(tmp_path, text):
    path = tmp_path / "s.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_reads_quoted_sentences(tmp_path):
    sentences, labels = read_sentences(write(tmp_path, 'sentence,label\n"well, yes",2\nno,3\n'))
    assert sentences == ["well, yes", "no"] and labels.tolist() == [2, 3]


@pytest.mark.parametrize("text, message", [
    ("sentence;label\nhi,1\n", r"s\.csv, line 1: expected the header"),
    ("sentence,label\nhi,1\nhello there\n", r"s\.csv, line 3: expected 2 fields"),
    ("sentence,label\nhi,1\na,b,2\n", r"s\.csv, line 3: expected 2 fields"),
    ("sentence,label\nhi,1\nhey,5\n", r"s\.csv, line 3: label '5' is not an integer from 0 to 4"),
    ("sentence,label\nhi,-1\n", r"s\.csv, line 2: label '-1'"),
    ("sentence,label\nhi,x\n", r"s\.csv, line 2: label 'x'"),
    ("sentence,label\nhi,1\n   ,2\n", r"s\.csv, line 3: the sentence is empty"),
    ("sentence,label\nhi,1\n\nyo,2\n", r"s\.csv, line 3: empty line"),
    ("sentence,label\n", r"s\.csv: no sentences"),
])
def test_bad_rows_name_file_and_line(tmp_path, text, message):
    with pytest.raises(SentenceFileError, match=message):
        read_sentences(write(tmp_path, text))


def test_clean():
    assert clean("  I LOVE you!!  ") == "i love you"
    assert clean("Pizza, please... now?") == "pizza please now"


def test_predict_emoji_with_a_softmax_classifier():
    W = np.zeros((5, 2))
    W[3, 0] = 5.0  # feature 0 says "sad"
    W[4, 1] = 5.0  # feature 1 says "food"
    model = SoftmaxClassifier(W, np.zeros(5))
    seen = []

    def encode(sentences):
        seen.extend(sentences)
        return np.array([[1.0, 0.0] if "cry" in s else [0.0, 1.0] for s in sentences])

    out = predict_emoji(model, ["I CRY!", "soup"], encode)
    assert seen == ["i cry", "soup"]  # cleaned before encoding
    assert [p.label for p in out] == [3, 4]
    assert [p.emoji for p in out] == [EMOJI[3], EMOJI[4]]
    assert out[0].sentence == "I CRY!"
    assert abs(sum(out[0].probabilities) - 1) < 1e-6
    assert EMOJI[3] in str(out[0])


def test_predict_emoji_rejects_bad_input_and_bad_models():
    model = SoftmaxClassifier(np.zeros((5, 2)), np.zeros(5))
    with pytest.raises(TypeError, match="list of sentences"):
        predict_emoji(model, "one string", lambda s: np.zeros((len(s), 2)))
    wrong = SoftmaxClassifier(np.zeros((3, 2)), np.zeros(3))
    with pytest.raises(ValueError, match=r"shape \(1, 3\), expected \(1, 5\)"):
        predict_emoji(wrong, ["hi"], lambda s: np.zeros((len(s), 2)))


def test_confusion_matrix():
    m = confusion_matrix([0, 1, 1, 4], [0, 2, 1, 4])
    assert m.shape == (5, 5) and m.sum() == 4
    assert m[1, 2] == 1 and m[1, 1] == 1 and m[0, 0] == 1 and m[4, 4] == 1
    with pytest.raises(ValueError):
        confusion_matrix([0, 1], [0])
