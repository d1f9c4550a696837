"""Notebook 3, section 5: the stored LSTM / GRU / BiLSTM predictions and the script that
trains them (``scripts/run_emojify_variants.py``, ``helpers/emojify/variants.py``)."""
import importlib.util
import json
import shutil

import numpy as np
import pytest

from helpers.emojify import variants as EV
from helpers.emojify.data import load_sentences
from helpers.paths import DATA, ROOT


@pytest.fixture(scope="module")
def y_test():
    return load_sentences("test")[1]


def test_stored_predictions_cover_the_full_configuration_and_the_current_data(y_test):
    stored = EV.load_variants(n_test=len(y_test))  # raises when stale
    assert EV.stale(stored) == []
    assert tuple(stored["config"]["kinds"]) == EV.FULL.kinds
    assert list(stored["predictions"]) == EV.FULL.names() == ["LSTM", "GRU", "BiLSTM", "LSTM-128"]
    for kind in EV.FULL.names():
        seeds = EV.predictions(stored, kind)
        assert sorted(seeds) == list(EV.FULL.seeds)
        for pred in seeds.values():
            assert pred.shape == y_test.shape and set(np.unique(pred)) <= set(range(5))
    # far from a constant guess: the most frequent test label alone is right this often
    majority = np.bincount(y_test).max() / len(y_test)
    for kind in EV.FULL.names():
        assert EV.accuracies(stored, kind, y_test).min() > majority + 0.4


def test_a_changed_data_file_or_configuration_makes_the_stored_results_stale(tmp_path):
    stored = json.loads(EV.RESULTS.read_text(encoding="utf-8"))
    copy = tmp_path / "data"
    shutil.copytree(DATA / "emoji", copy / "emoji")
    assert EV.stale(stored, root=copy) == []
    with open(copy / "emoji" / "test.csv", "a", encoding="utf-8") as fh:
        fh.write("a brand new sentence,2\n")
    (problem,) = EV.stale(stored, root=copy)
    assert problem.startswith("data/emoji/test.csv changed since the variants were trained")
    assert problem.endswith("re-run python scripts/run_emojify_variants.py")
    other = EV.VariantsConfig(epochs=EV.FULL.epochs + 1)
    assert any("configuration" in p for p in EV.stale(stored, config=other))


def test_load_variants_names_what_is_wrong_in_one_line(tmp_path, y_test):
    with pytest.raises(FileNotFoundError, match="no stored variants"):
        EV.load_variants(tmp_path / "none.json")
    bad = tmp_path / "bad.json"
    bad.write_text("{ not json", encoding="utf-8")
    with pytest.raises(ValueError, match=r"bad.json: not JSON .*line 1"):
        EV.load_variants(bad)
    stored = json.loads(EV.RESULTS.read_text(encoding="utf-8"))
    short = json.loads(json.dumps(stored))
    short["predictions"]["GRU"]["2"] = short["predictions"]["GRU"]["2"][:-1]
    (tmp_path / "short.json").write_text(json.dumps(short), encoding="utf-8")
    with pytest.raises(ValueError, match=f"GRU seed 2 has {len(y_test) - 1} predictions for "
                                         f"{len(y_test)} test sentences"):
        EV.load_variants(tmp_path / "short.json", n_test=len(y_test))
    del short["predictions"]["BiLSTM"]
    (tmp_path / "short.json").write_text(json.dumps(short), encoding="utf-8")
    with pytest.raises(ValueError, match="no entry 'BiLSTM'"):
        EV.load_variants(tmp_path / "short.json")
    short["predictions"]["BiLSTM"] = stored["predictions"]["BiLSTM"]
    del short["predictions"]["LSTM-128"]
    (tmp_path / "short.json").write_text(json.dumps(short), encoding="utf-8")
    with pytest.raises(ValueError, match="no entry 'LSTM-128'"):
        EV.load_variants(tmp_path / "short.json")
    with pytest.raises(ValueError, match="unknown recurrent layer 'RNN'"):
        EV.recurrent_block("RNN", 8, True)


def test_the_script_trains_with_the_notebooks_functions_and_stores_what_it_did(tmp_path, y_test):
    spec = importlib.util.spec_from_file_location(
        "run_emojify_variants", ROOT / "scripts" / "run_emojify_variants.py")
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    out = tmp_path / "quick.json"
    assert script.main(["--kinds", "BiLSTM", "--wide", "--seeds", "3", "--epochs", "1",
                        "--out", str(out)]) == 0
    quick = json.loads(out.read_text(encoding="utf-8"))
    assert quick["command"] == (f"python scripts/run_emojify_variants.py --kinds BiLSTM --wide --seeds 3 "
                                f"--epochs 1 --out {out}")
    assert list(quick["predictions"]) == ["BiLSTM"] and list(quick["predictions"]["BiLSTM"]) == ["3"]
    assert len(quick["predictions"]["BiLSTM"]["3"]) == len(y_test)
    stored = json.loads(EV.RESULTS.read_text(encoding="utf-8"))
    assert quick["trainable"]["BiLSTM"] == stored["trainable"]["BiLSTM"]  # the same architecture
    assert quick["max_len"] == stored["max_len"] == max(len(s.split()) for s in load_sentences("train")[0])
    assert any("configuration" in p for p in EV.stale(quick))  # one epoch is not the notebook's run
