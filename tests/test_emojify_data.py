"""helpers.emojify.data: the sentence set, its loader's errors, and prediction outside the notebook."""
import numpy as np
import pytest

from helpers.emojify import data as emoji_data
from helpers.emojify.data import (EMOJI, SLICE, STOP_WORDS, SentenceFileError,
                                SoftmaxClassifier, clean, confusion_matrix, content_words,
                                label_to_emoji, load_sentences, nearest_other_label,
                                nearest_same_label, paired_difference, predict_emoji,
                                read_sentences, word_distance)
from helpers.emojify.glove import load_glove


@pytest.fixture(scope="module")
def splits():
    return {split: load_sentences(split, tags=True) for split in ("train", "test")}


def test_sizes_and_groups(splits):
    train, test = splits["train"], splits["test"]
    assert len(train[0]) == 653 and len(test[0]) == 211
    assert train[1].dtype == np.int64 and test[1].shape == (211,)
    assert set(train[2]) == {""}
    tags = np.array(test[2])
    counts = {tag: int(np.sum(tags == tag)) for tag in emoji_data.TAGS}
    assert counts == {"": 120, "new-word": 50, "negation": 21, "order": 20}
    assert np.sum(np.isin(tags, emoji_data.SLICE)) >= 30
    assert min(np.bincount(train[1], minlength=5)) >= 100
    assert np.bincount(test[1][tags == ""], minlength=5).tolist() == [24] * 5
    assert np.bincount(test[1][tags == "new-word"], minlength=5).tolist() == [10] * 5


def test_every_new_word_sentence_uses_a_content_word_training_never_uses(splits):
    train_words = {w for s in splits["train"][0] for w in clean(s).split()}
    sentences, _, tags = splits["test"]
    for s, tag in zip(sentences, tags):
        if tag == "new-word":
            new = set(clean(s).split()) - train_words - STOP_WORDS
            assert new, f"{s!r} uses only words seen in training"


def test_the_near_copy_measure():
    assert content_words("I was cheerful but NOW I am unhappy") == ["cheerful", "unhappy"]
    assert word_distance(["a", "b"], ["a", "b"]) == 0
    assert word_distance(["cheerful", "unhappy"], ["unhappy"]) == 1        # one word removed
    assert word_distance(["day", "not", "awful"], ["day", "not", "terrible"]) == 1
    assert word_distance(["sad", "happy"], ["happy", "sad"]) == 2          # order counts
    train, labels = ["I am unhappy", "he is glad", "I love pizza"], [3, 2, 4]
    assert nearest_same_label("I was cheerful but now I am unhappy", 3, train, labels) == (1, "I am unhappy")
    assert nearest_same_label("she was glad today", 3, train, labels) == (2, "I am unhappy")
    assert nearest_same_label("yes", 0, train, labels) == (float("inf"), "")


def near_copies(splits, tags, nearest, limit):
    """The test sentences with one of ``tags`` whose ``nearest`` training sentence is at most
    ``limit`` content words away, with that sentence."""
    train, test = splits["train"], splits["test"]
    near = []
    for s, y, tag in zip(*test):
        if tag in tags:
            distance, closest = nearest(s, y, train[0], train[1])
            if distance <= limit:
                near.append((s, closest))
    return near


def test_no_slice_sentence_is_a_near_copy_of_a_training_sentence_of_its_label(splits):
    # a slice sentence one content word (stop words aside) from a training sentence of the same
    # label could be answered by memory, not by reading its negation or word order
    assert near_copies(splits, SLICE, nearest_same_label, 1) == []
    # the measure flags what the slice held before: one content word from 'he is no longer cheerful'
    train = splits["train"]
    assert nearest_same_label("I was cheerful but now I am unhappy", 3, train[0], train[1])[0] <= 1


def test_ordinary_sentences_use_only_training_words(splits):
    # what sets the new-word sentences apart: every word of an ordinary one is in training
    train_words = {w for s in splits["train"][0] for w in clean(s).split()}
    unseen = [(s, sorted(set(clean(s).split()) - train_words))
              for s, tag in zip(splits["test"][0], splits["test"][2]) if tag == ""]
    assert [(s, words) for s, words in unseen if words] == []


def test_no_ordinary_sentence_is_a_near_copy_of_a_training_sentence(splits):
    # ordinary sentences use training words, but none is one content word from a training
    # sentence of its label, and none has the content words of one of another label
    assert near_copies(splits, ("",), nearest_same_label, 1) == []
    assert near_copies(splits, ("",), nearest_other_label, 0) == []
    # the measures flag what the ordinary sentences held before
    train = splits["train"]
    assert nearest_same_label("I am so hungry", 4, *train[:2])[0] == 0      # 'I am hungry'
    assert nearest_same_label("the steak was delicious", 4, *train[:2])[0] == 1
    assert nearest_same_label("I miss my girlfriend", 0, *train[:2])[0] == 1
    assert nearest_other_label("I am very happy today", 2, *train[:2]) == (0, "I am not happy today")
    assert nearest_other_label("yes", 0, ["I love you"], [0]) == (float("inf"), "")


def test_slice_labels_follow_the_stated_rule(splits):
    # data/README.md: no double negative (not unhappy), no denial without a mood word
    # (nothing is wrong with me), and every order sentence has the word order that decides it
    sentences, labels, tags = splits["test"]
    for s, y, tag in zip(sentences, labels, tags):
        words = clean(s).split()
        if tag in SLICE:
            assert not any(a in ("not", "never", "longer") and b.startswith("un")
                           for a, b in zip(words, words[1:])), s
            assert "wrong" not in words, s
        if tag == "order":
            assert "but" in words and y in (2, 3), s
        if tag == "negation":
            assert {"not", "no", "never", "nobody", "nothing"} & set(words), s


def test_the_slice_has_its_patterns_in_training(splits):
    train, test = splits["train"], splits["test"]
    negations = [(s, y) for s, y in zip(train[0], train[1]) if " not " in f" {clean(s)} "]
    # negated happy words are sad, negated sad words are happy: both directions are taught
    assert sum(y == 3 for _, y in negations) >= 30 and sum(y == 2 for _, y in negations) >= 30
    assert ("I am not happy", 3) in negations and ("I am not sad", 2) in negations
    orders = [(s, y) for s, y in zip(train[0], train[1]) if " but now " in f" {s} " or " but then " in f" {s} "]
    assert len(orders) >= 20 and {y for _, y in orders} == {2, 3}
    # the order sentences of the test set come in pairs of the same words in another order
    order_test = [s for s, tag in zip(test[0], test[2]) if tag == "order"]
    bags = {}
    for s in order_test:
        bags.setdefault(tuple(sorted(clean(s).split())), []).append(s)
    assert sum(len(group) == 2 for group in bags.values()) >= 8


def test_miss_follows_the_stated_rule(splits):
    # missing a loved person is love; missing a thing, a place, a time or a chance is sad
    # (sport keeps its topic). data/README.md states the rule; this lists every use.
    labelled = {clean(s): y for split in splits.values() for s, y in zip(split[0], split[1])}
    miss = {s: y for s, y in labelled.items() if any(w.startswith("miss") for w in s.split())}
    assert miss == {
        "i miss you so much my darling": 0, "honey i missed you today": 0,
        "i miss my girlfriend tonight": 0, "i miss my mom": 0, "i miss you every day": 0, "i miss my husband so much": 0,
        "we miss you grandma": 0, "she misses her boyfriend": 0,
        "she misses her old life": 3, "we missed the last train": 3, "i miss my old school": 3,
        "he misses his home town": 3, "i missed my chance": 3, "she missed her flight": 3,
        "i miss the summer": 3, "we miss the old days": 3,
        "he missed the penalty kick": 1,
    }


def test_every_test_sentence_fits_the_training_max_len(splits):
    max_len = max(len(s.split()) for s in splits["train"][0])
    assert max(len(s.split()) for s in splits["test"][0]) <= max_len


def test_no_test_sentence_repeats_a_training_sentence(splits):
    train = {clean(s) for s in splits["train"][0]}
    repeated = [s for s in splits["test"][0] if clean(s) in train]
    assert repeated == []


def test_no_duplicates_within_a_split(splits):
    for sentences, _, _ in splits.values():
        cleaned = [clean(s) for s in sentences]
        assert len(set(cleaned)) == len(cleaned)


def test_sentences_are_short_clean_and_in_glove(splits):
    glove = load_glove()
    for sentences, _, _ in splits.values():
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


def test_reads_tags(tmp_path):
    path = write(tmp_path, "sentence,label,tag\nI am not sad,2,negation\nyay,2,\n")
    sentences, labels, tags = read_sentences(path, tags=True)
    assert tags == ["negation", ""] and labels.tolist() == [2, 2]
    assert read_sentences(write(tmp_path, "sentence,label\nhi,1\n"), tags=True)[2] == [""]


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
    ("sentence,label,tag\nhi,1,\nno,3,sarcasm\n", r"s\.csv, line 3: unknown tag 'sarcasm'"),
    ("sentence,label,tag\nhi,1\n", r"s\.csv, line 2: expected 3 fields \(sentence,label,tag\)"),
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


def test_paired_difference_is_the_exact_mcnemar_interval():
    a = np.array([True] * 10 + [False] * 10)
    out = paired_difference(a, np.zeros(20, bool))          # A alone right on 10 of 20
    assert (out.only_a, out.only_b, out.n) == (10, 0, 20) and out.difference == 0.5
    # Clopper-Pearson for 10 of 10 is [0.025 ** (1/10), 1], mapped by d/n * (2q - 1)
    assert abs(out.low - 0.5 * (2 * 0.025 ** 0.1 - 1)) < 1e-9 and abs(out.high - 0.5) < 1e-9
    assert abs(out.p_value - 2 * 0.5 ** 10) < 1e-12
    swapped = paired_difference(np.zeros(20, bool), a)
    assert abs(swapped.low + out.high) < 1e-9 and abs(swapped.high + out.low) < 1e-9
    # 3 of 10 disagreements (R: binom.test(3, 10) gives [0.0667, 0.6525]), shared rights ignored
    mixed = paired_difference([1] * 3 + [0] * 7 + [1] * 5, [0] * 3 + [1] * 7 + [1] * 5)
    assert abs(mixed.low - 10 / 15 * (2 * 0.0667395 - 1)) < 1e-6
    assert abs(mixed.high - 10 / 15 * (2 * 0.6524529 - 1)) < 1e-6
    assert mixed.low < mixed.difference < mixed.high and "p = 0.344" in str(mixed)
    assert str(out).endswith("(10 vs 0 sentences, p = 0.002)")
    assert str(paired_difference([1] * 12, [0] * 12)).endswith("p < 0.001)")
    same = paired_difference([1, 0, 1], [1, 0, 1])
    assert (same.difference, same.low, same.high, same.p_value) == (0, 0, 0, 1)
    with pytest.raises(ValueError, match="same non-zero length, got 2 and 3"):
        paired_difference([1, 0], [1, 0, 1])


def test_confusion_matrix():
    m = confusion_matrix([0, 1, 1, 4], [0, 2, 1, 4])
    assert m.shape == (5, 5) and m.sum() == 4
    assert m[1, 2] == 1 and m[1, 1] == 1 and m[0, 0] == 1 and m[4, 4] == 1
    with pytest.raises(ValueError):
        confusion_matrix([0, 1], [0])
