"""Notebook 3's references, for the instructor only (never in the learner release).

:func:`expected` runs the exported solutions on the checks' inputs (``helpers.checking.rng``:
the practice inputs, or fresh ones when grading).
"""
import contextlib
import io

import numpy as np

from ...emojify.checks import (INDEX_SENTENCES, LABELS, ONE_STEP, ONE_STEP_LABELS, SENTENCES,
                               V2_LEN, tiny_vocabulary)


def expected(graded) -> dict:
    """Reference values of the checks, computed with the exported solutions ``graded``."""
    w2v, w2i = tiny_vocabulary()
    ref = {}
    for k, s in enumerate(SENTENCES):
        ref[f"sentence_to_avg/{k}"] = graded.sentence_to_avg(s, w2v)
    with contextlib.redirect_stdout(io.StringIO()):
        runs = {"init": (SENTENCES[:5], LABELS[:5], 0.0, 1), "step": (ONE_STEP, ONE_STEP_LABELS, 0.1, 1),
                "m8_it1": (SENTENCES, LABELS, 0.1, 1), "m8_it3": (SENTENCES, LABELS, 0.1, 3)}
        for key, (X, Y, lr, iters) in runs.items():
            pred, W, b = graded.model(X, Y, w2v, learning_rate=lr, num_iterations=iters)
            ref[f"model/{key}/W"], ref[f"model/{key}/b"], ref[f"model/{key}/pred"] = W, b, pred
    ref["sentences_to_indices/X"] = graded.sentences_to_indices(INDEX_SENTENCES, w2i, 5)
    ref["sentences_to_indices/case sensitive"] = _case_sensitive_rows(INDEX_SENTENCES, w2i, 5)
    ref["pretrained_embedding_layer/matrix"] = graded.pretrained_embedding_layer(w2v, w2i).get_weights()[0]
    ref["Emojify_V2/count_params"] = np.array(graded.Emojify_V2((V2_LEN,), w2v, w2i).count_params())
    return ref


def _case_sensitive_rows(sentences, word_to_index, max_len):
    """What a version that forgets ``.lower()`` returns (to recognise that mistake)."""
    rows = np.zeros((len(sentences), max_len))
    for i, s in enumerate(sentences):
        known = [word_to_index[w] for w in s.split() if w in word_to_index]
        rows[i, :len(known)] = known
    return rows
