"""Notebook 4's study: the committed results file, its schema checks, and a reduced run of the
runner script end to end."""
import copy
import datetime
import importlib.util
import json
import math

import pytest

from helpers.variants import study as S
from helpers.jazz.data import vocab_size
from helpers.paths import ROOT

RESULTS = ROOT / "results" / "variants.json"


@pytest.fixture(scope="module")
def results():
    return S.load_results(RESULTS)


def test_committed_results_cover_the_full_study(results):
    assert S.config_from_dict(results["config"]) == S.FULL  # stored runs = current full config
    assert results["tasks"] == list(S.V.TASKS)
    assert len(results["config"]["seeds"]) >= 3
    assert results["command"].startswith("python scripts/run_variants.py")
    datetime.datetime.fromisoformat(results["date"])
    assert all(results["versions"][key] for key in S.VERSION_FIELDS)
    expected = {(j.task, j.length, j.model, j.seed) for j in S.jobs(S.FULL)}
    assert {(r["task"], r["length"], r["model"], r["seed"]) for r in results["runs"]} == expected
    assert len(results["runs"]) == len(expected)


def test_committed_results_are_plausible(results):
    for run in results["runs"]:
        assert all(math.isfinite(v) for v in run["train_loss"] + run["eval"] + [run["score"]])
        assert run["seconds_per_epoch"] > 0
        if run["task"] == "emoji":
            assert 0.0 <= run["score"] <= 1.0
        else:
            assert run["score"] >= 0.0
    # equal budgets: within one task (and length) the parameter counts differ by < 10 %
    for task in S.V.TASKS:
        table = S.summary(results, task)
        groups = table.groupby("length")["params"] if task == "adding" else [(None, table["params"])]
        for _, params in groups:
            assert params.max() <= 1.1 * params.min(), (task, list(params))


def test_check_results_names_what_is_missing(results):
    broken = copy.deepcopy(results)
    del broken["versions"]["keras"]
    with pytest.raises(ValueError, match="no 'keras'"):
        S.check_results(broken)
    broken = copy.deepcopy(results)
    gone = broken["runs"].pop(5)
    with pytest.raises(ValueError, match=f"no run for .*model='{gone['model']}', seed={gone['seed']}"):
        S.check_results(broken)
    broken = copy.deepcopy(results)
    del broken["runs"][0]["score"]
    with pytest.raises(ValueError, match=r"runs'\]\[0\]: missing \['score'\]"):
        S.check_results(broken)
    broken = copy.deepcopy(results)
    broken["runs"][1]["eval"].pop()
    with pytest.raises(ValueError, match=r"runs'\]\[1\]: curves do not have"):
        S.check_results(broken)


def test_summary_and_figures_from_the_results(results):
    import matplotlib
    matplotlib.use("Agg")
    table = S.summary(results, "adding")
    assert list(table["model"].unique()) == list(S.FULL.adding.models)
    assert (table["seeds"] == len(S.FULL.seeds)).all()
    shown = S.format_summary(table, "adding")
    assert "±" in shown[S.METRICS["adding"][0]].iloc[0]
    ax = S.plot_length_sweep(results)
    assert ax.get_xlabel() and ax.get_ylabel() and ax.get_title()
    assert len(ax.get_legend().get_texts()) == len(S.FULL.adding.models) + 1
    for task in S.V.TASKS:
        assert S.plot_curves(results, task, length=50 if task == "adding" else None).get_legend()
        assert S.plot_scores(results, task).get_ylabel() == S.METRICS[task][0]


MICRO = S.StudyConfig(
    "micro", seeds=(1,),
    adding=S.AddingConfig(lengths=(6,), models=("GRU", "LSTM, forget bias 0"), n_train=256,
                          n_eval=64, epochs=2, batch_size=64),
    jazz=S.JazzConfig(models=("SimpleRNN",), budget=8000, n_e=8, epochs=1, max_solos=3),
    emoji=S.EmojiConfig(models=("LSTM",), budget=1500, epochs=2),
)


def test_runner_end_to_end_on_a_reduced_config(tmp_path, monkeypatch):
    spec = importlib.util.spec_from_file_location("run_variants", ROOT / "scripts" / "run_variants.py")
    runner = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(runner)
    monkeypatch.setitem(runner.CONFIGS, "micro", MICRO)
    out = tmp_path / "micro.json"
    assert runner.main(["--config", "micro", "--jobs", "2", "--out", str(out)]) == 0
    stored = S.load_results(out)
    assert stored["command"] == f"python scripts/run_variants.py --config micro --jobs 2 --out {out}"
    assert stored["workers"] == 2
    assert [(r["task"], r["model"]) for r in stored["runs"]] == [
        ("adding", "GRU"), ("adding", "LSTM, forget bias 0"), ("jazz", "SimpleRNN"), ("emoji", "LSTM")]
    assert json.loads(out.read_text())["config"]["name"] == "micro"
    for run in stored["runs"]:
        assert len(run["eval"]) == run["epochs"]
    jazz = stored["runs"][2]
    assert jazz["score"] < math.log(vocab_size())  # better than guessing uniformly
