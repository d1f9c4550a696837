"""Notebook 4's study: the committed results file (complete, plausible, computed from the data
as it is now), its schema checks, merging a partial re-run, and the runner end to end."""
import copy
import datetime
import importlib.util
import json
import math
import shutil

import pytest

from helpers.variants import study as S
from helpers.jazz.data import vocab_size
from helpers.paths import DATA, ROOT

RESULTS = ROOT / "results" / "variants.json"


@pytest.fixture(scope="module")
def results():
    return S.load_results(RESULTS)


def test_committed_results_cover_the_full_study(results):
    assert S.config_from_dict(results["config"]) == S.FULL  # stored runs = current full config
    assert results["tasks"] == list(S.STUDY_TASKS)
    assert len(results["config"]["seeds"]) >= 5
    assert results["command"].startswith("python scripts/run_variants.py")
    datetime.datetime.fromisoformat(results["date"])
    assert all(results["versions"][key] for key in S.VERSION_FIELDS)
    expected = {(j.task, j.length, j.model, j.seed) for j in S.jobs(S.FULL, S.V.TASKS)}
    assert {(r["task"], r["length"], r["model"], r["seed"]) for r in results["runs"]} == expected
    assert len(results["runs"]) == len(expected)
    rounds = S.FULL.timing.rounds * len(S.FULL.timing.models)
    assert len(results["timing"]) == 2 * rounds   # two benches


def test_committed_results_match_the_current_data(results):
    """Fails when a data file the study read was rebuilt: re-run the tasks it names."""
    assert set(results["data"]) == set(S.data_files(results["tasks"]))
    problems = S.stale_data(results)
    assert not problems, "results/variants.json is stale:\n" + "\n".join(problems)


def test_stale_data_catches_a_changed_file(results, tmp_path):
    for name in S.data_files(results["tasks"]):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(DATA / name, tmp_path / name)
    assert S.stale_data(results, root=tmp_path) == []       # an exact copy is fresh
    train = tmp_path / "emoji" / "train.csv"
    train.write_text(train.read_text(encoding="utf-8") + "I adore this song,0\n", encoding="utf-8")
    problems = S.stale_data(results, root=tmp_path)
    assert len(problems) == 1
    assert problems[0].startswith("emoji/train.csv changed since the study ran")
    assert problems[0].endswith("re-run python scripts/run_variants.py --tasks emoji")
    (tmp_path / "jazz" / "values.json").unlink()
    problems = S.stale_data(results, root=tmp_path)
    assert any(p.startswith("jazz/values.json: missing") for p in problems)
    forgotten = copy.deepcopy(results)
    del forgotten["data"]["jazz/solos.parquet"]
    assert any("jazz/solos.parquet: no fingerprint stored" in p
               for p in S.stale_data(forgotten, root=tmp_path))


def test_committed_results_are_plausible(results):
    for run in results["runs"]:
        assert all(math.isfinite(v) for v in run["train_loss"] + run["eval"] + [run["score"]])
        assert run["stopped"] in ("plateau", "max_epochs")
        assert run["params"] > run["recurrent_params"] > 0
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
    broken = copy.deepcopy(results)
    broken["runs"][2]["best_epoch"] = broken["runs"][2]["epochs"] + 1
    with pytest.raises(ValueError, match=r"runs'\]\[2\]: best_epoch"):
        S.check_results(broken)
    broken = copy.deepcopy(results)
    broken["timing"] = []
    with pytest.raises(ValueError, match="no timing records"):
        S.check_results(broken)


def test_tables_and_comparisons_from_the_results(results):
    table = S.summary(results, "adding")
    assert list(table["model"].unique()) == list(S.FULL.adding.models)
    assert (table["seeds"] == len(S.FULL.seeds)).all()
    for row in table.itertuples():
        k, n = S.solved(results, row.model, row.length)
        assert (k, n) == (row.solved, row.seeds)
        assert row.solved_low <= k / n <= row.solved_high
    shown = S.format_summary(table, "adding")
    assert " of 5  [" in shown["solved"].iloc[0] and "±" in shown[S.METRICS["adding"][0]].iloc[0]
    test = S.compare_solved(results, S.FULL.adding.lengths[-1], "GRU", "LSTM")
    assert 0.0 < test["two_sided"] <= 1.0
    diff = S.compare_scores(results, "jazz", "GRU", "LSTM")
    assert diff["low"] <= diff["difference"] <= diff["high"] and 0.0 < diff["p"] <= 1.0
    timing = S.timing_summary(results)
    assert len(timing) == 2 * len(S.FULL.timing.models)
    assert (timing[timing["model"] == "SimpleRNN"]["ratio"] == 1.0).all()
    assert (timing["min"] <= timing["median"]).all() and (timing["median"] <= timing["max"]).all()


def test_figures_from_the_results(results):
    import matplotlib
    matplotlib.use("Agg")
    ax = S.plot_solved(results)
    assert ax.get_ylim()[0] == 0.0 and ax.get_ylabel() and ax.get_title()
    assert len(ax.get_legend().get_texts()) == len(S.FULL.adding.models)
    assert S.plot_seed_scores(results).get_ylim()[0] == 0.0
    for task in S.V.TASKS:
        ax = S.plot_curves(results, task, length=50 if task == "adding" else None)
        assert ax.get_legend() and ax.get_ylim()[0] == 0.0
        ax = S.plot_scores(results, task)
        assert ax.get_ylabel() == S.METRICS[task][0] and ax.get_ylim()[0] == 0.0
    ax = S.plot_differences([S.compare_scores(results, "jazz", "GRU", "LSTM")])
    assert ax.get_yticklabels()[0].get_text() == "GRU − LSTM"


def test_merging_a_partial_rerun_replaces_only_its_tasks(results):
    emoji = [dict(r, score=0.5) for r in results["runs"] if r["task"] == "emoji"]
    new = {**copy.deepcopy(results), "tasks": ["emoji"], "runs": emoji, "timing": [],
           "data": {"emoji/train.csv": "0" * 16, "emoji/test.csv": "1" * 16},
           "history": [{"command": "python scripts/run_variants.py --tasks emoji"}]}
    merged = S.merge_results(results, new)
    assert merged["tasks"] == results["tasks"]
    assert [r["score"] for r in merged["runs"] if r["task"] == "emoji"] == [0.5] * len(emoji)
    assert [r for r in merged["runs"] if r["task"] != "emoji"] == \
        [r for r in results["runs"] if r["task"] != "emoji"]
    assert merged["data"]["emoji/train.csv"] == "0" * 16
    assert merged["data"]["jazz/values.json"] == results["data"]["jazz/values.json"]
    assert merged["timing"] == results["timing"] and len(merged["history"]) == len(results["history"]) + 1
    other = copy.deepcopy(new)
    other["config"]["emoji"]["patience"] += 1
    with pytest.raises(ValueError, match="re-run every task instead of merging"):
        S.merge_results(results, other)


MICRO = S.StudyConfig(
    "micro", seeds=(1,),
    adding=S.AddingConfig(lengths=(6,), models=("GRU", "LSTM, forget bias 0"), n_train=256,
                          n_val=64, n_test=64, max_epochs=2, patience=1, batch_size=64),
    jazz=S.JazzConfig(models=("SimpleRNN",), budget=8000, n_e=8, max_epochs=2, learning_rate=0.05,
                      seeds=None, max_solos=20),
    emoji=S.EmojiConfig(models=("LSTM",), budget=1500, max_epochs=2),
    timing=S.TimingConfig(models=("SimpleRNN", "GRU"), adding_length=6, adding_sequences=64,
                          jazz_windows=32, rounds=2),
)


def _runner():
    spec = importlib.util.spec_from_file_location("run_variants", ROOT / "scripts" / "run_variants.py")
    runner = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(runner)
    return runner


def test_runner_end_to_end_on_a_reduced_config(tmp_path, monkeypatch):
    runner = _runner()
    monkeypatch.setitem(runner.CONFIGS, "micro", MICRO)
    out = tmp_path / "micro.json"
    assert runner.main(["--config", "micro", "--jobs", "2", "--out", str(out)]) == 0
    stored = S.load_results(out)
    assert stored["command"] == f"python scripts/run_variants.py --config micro --jobs 2 --out {out}"
    assert stored["workers"] == 2 and stored["tasks"] == list(S.STUDY_TASKS)
    assert [(r["task"], r["model"]) for r in stored["runs"]] == [
        ("adding", "GRU"), ("adding", "LSTM, forget bias 0"), ("jazz", "SimpleRNN"), ("emoji", "LSTM")]
    assert json.loads(out.read_text())["config"]["name"] == "micro"
    assert len(stored["timing"]) == 2 * 2 * 2 and S.stale_data(stored) == []
    for run in stored["runs"]:
        assert len(run["eval"]) == run["epochs"] <= 2
    jazz = stored["runs"][2]
    assert jazz["score"] < math.log(vocab_size()) - 0.3  # better than guessing uniformly
    # the emoji part re-runs alone and keeps the rest of the file
    before = {(r["task"], r["model"]): r for r in stored["runs"]}
    assert runner.main(["--config", "micro", "--jobs", "1", "--tasks", "emoji", "--out", str(out)]) == 0
    again = S.load_results(out)
    assert again["tasks"] == list(S.STUDY_TASKS) and len(again["history"]) == 2
    assert again["history"][1]["tasks"] == ["emoji"]
    for run in again["runs"]:
        if run["task"] != "emoji":
            assert run == before[(run["task"], run["model"])]


def test_validation_split_holds_out_a_share_of_each_label():
    import numpy as np

    labels = np.array([0] * 50 + [1] * 20 + [2] * 3 + [3] * 1)
    held = S.validation_split(labels, 0.2)
    assert [int(held[labels == k].sum()) for k in range(4)] == [10, 4, 1, 0]  # one left to train
    np.testing.assert_array_equal(held, S.validation_split(labels, 0.2))    # fixed seed
    assert not np.array_equal(held, S.validation_split(labels, 0.2, seed=1))
    with pytest.raises(ValueError, match="validation_share must be between 0 and 1"):
        S.validation_split(labels, 1.0)


def test_each_task_runs_its_seeds():
    assert S.task_seeds(S.FULL, "adding") == S.FULL.seeds and len(S.FULL.seeds) >= 5
    assert S.task_seeds(S.FULL, "jazz") == S.FULL.jazz.seeds
    counts = {}
    for job in S.jobs(S.FULL, S.STUDY_TASKS):
        counts[job.task] = counts.get(job.task, 0) + 1
    assert counts == {"adding": len(S.FULL.adding.lengths) * 4 * len(S.FULL.seeds),
                      "jazz": 3 * len(S.FULL.jazz.seeds), "emoji": 3 * len(S.FULL.seeds),
                      "timing": 1}


def test_an_interrupted_study_resumes_from_its_checkpoint(tmp_path):
    S.init_worker()
    checkpoint = tmp_path / "study.partial.jsonl"
    first = S.run_study(MICRO, tasks=("adding",), checkpoint=checkpoint)
    lines = checkpoint.read_text().splitlines()
    assert len(lines) == len(first["runs"]) == 2
    checkpoint.write_text(lines[0] + "\n" + lines[1][:40], encoding="utf-8")  # cut off mid-line
    again = S.run_study(MICRO, tasks=("adding",), checkpoint=checkpoint)
    assert again["history"][0]["resumed_runs"] == 1      # the cut-off run was trained again
    assert again["runs"][0] == first["runs"][0]
    # the record after the cut-off line was written on a line of its own and is read back
    assert len(S._load_checkpoint(checkpoint, MICRO)) == 2
    other = S.run_study(dataclasses_replace(MICRO, name="other"), tasks=("adding",),
                        checkpoint=checkpoint)
    assert other["history"][0]["resumed_runs"] == 0      # another configuration reuses nothing


def dataclasses_replace(config, **changes):
    import dataclasses

    return dataclasses.replace(config, **changes)


def test_sign_test():
    assert S.sign_test(5, 5) == pytest.approx(2 / 32) == S.sign_test(0, 5)   # 5 rounds: never < 0.05
    assert S.sign_test(7, 7) == pytest.approx(2 / 128)
    assert S.sign_test(2, 4) == 1.0 and S.sign_test(0, 0) == 1.0


def test_plateau_exit():
    assert S.plateau_exit({"eval": [1.0, 0.9, 0.4, 0.01]}) == 3
    assert S.plateau_exit({"eval": [1.0, 0.98, 1.01]}) is None
