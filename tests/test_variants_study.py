"""Notebook 4's study: the committed results file (every planned run either stored or listed as
not run, plausible, computed from the data as it is now), its schema checks, merging a partial
re-run, the time limit, and the runner end to end."""
import copy
import dataclasses
import datetime
import importlib.util
import json
import math
import shutil

import numpy as np
import pytest

from helpers.instructor.graded.variants import adding_problem
from helpers.jazz.data import vocab_size
from helpers.paths import DATA, ROOT
from helpers.variants import adding, emoji, tables, timing
from helpers.variants import config as C
from helpers.variants import models as V
from helpers.variants import runner as R

RESULTS = ROOT / "results" / "variants.json"


@pytest.fixture(scope="module")
def results():
    return R.load_results(RESULTS)


def test_committed_results_cover_the_full_study(results):
    assert C.config_from_dict(results["config"]) == C.FULL  # stored runs = current full config
    assert results["tasks"] == list(R.STUDY_TASKS)
    assert len(results["config"]["seeds"]) >= 5
    assert results["command"].startswith("python scripts/run_variants.py")
    datetime.datetime.fromisoformat(results["date"])
    assert all(results["versions"][key] for key in R.VERSION_FIELDS)
    planned = {j.key() for j in R.jobs(C.FULL, V.TASKS)}
    ran = {(r["task"], r["length"], r["model"], r["seed"]) for r in results["runs"]}
    not_run = {tuple(e["job"]) for e in results["not_run"]}
    assert ran | not_run == planned and not ran & not_run and len(ran) == len(results["runs"])
    assert all(e["reason"].startswith("not started within the time limit") for e in results["not_run"])
    rounds = C.FULL.timing.rounds * len(C.FULL.timing.models)
    assert len(results["timing"]) == 2 * rounds   # two benches


def test_what_did_not_run_is_the_end_of_the_planned_order(results):
    """A study cut short by its time limit started its jobs in ``priority`` order: the runs
    left out are the last of that order, not a choice made after seeing results."""
    adding_jobs = sorted((j for j in R.jobs(C.FULL, ("adding",))), key=lambda j: R.priority(C.FULL, j))
    not_run = {tuple(e["job"]) for e in results["not_run"]}
    flags = [j.key() in not_run for j in adding_jobs]
    assert flags == sorted(flags)        # False (ran) ... then True (not run)
    # the two shortest lengths come first, with every seed: the comparisons at T_x = 50 are whole
    for length in sorted(C.FULL.adding.lengths)[:2]:
        for model in C.FULL.adding.models:
            assert adding.solved(results, model, length)[1] == len(C.FULL.seeds)


def test_priority_puts_the_short_lengths_first_then_one_seed_at_a_time():
    order = sorted(R.jobs(C.FULL, R.STUDY_TASKS), key=lambda j: R.priority(C.FULL, j))
    adding_jobs = [j for j in order if j.task == "adding"]
    assert order[:len(adding_jobs)] == adding_jobs
    short = sorted(C.FULL.adding.lengths)[:2]
    n_short = sum(1 for j in adding_jobs if j.length in short)
    assert all(j.length in short for j in adding_jobs[:n_short])
    long_jobs = [j for j in adding_jobs[n_short:] if j.model in V.CELLS]
    assert [j.seed for j in long_jobs] == sorted(j.seed for j in long_jobs)


def test_committed_results_match_the_current_data(results):
    """Fails when a data file the study read was rebuilt: re-run the tasks it names."""
    assert set(results["data"]) == set(R.data_files(results["tasks"]))
    problems = R.stale_data(results)
    assert not problems, "results/variants.json is stale:\n" + "\n".join(problems)


def test_stale_data_catches_a_changed_file(results, tmp_path):
    for name in R.data_files(results["tasks"]):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(DATA / name, tmp_path / name)
    assert R.stale_data(results, root=tmp_path) == []       # an exact copy is fresh
    train = tmp_path / "emoji" / "train.csv"
    train.write_text(train.read_text(encoding="utf-8") + "I adore this song,0\n", encoding="utf-8")
    problems = R.stale_data(results, root=tmp_path)
    assert len(problems) == 1
    assert problems[0].startswith("emoji/train.csv changed since the study ran")
    assert problems[0].endswith("re-run python scripts/run_variants.py --tasks emoji")
    (tmp_path / "jazz" / "values.json").unlink()
    problems = R.stale_data(results, root=tmp_path)
    assert any(p.startswith("jazz/values.json: missing") for p in problems)
    forgotten = copy.deepcopy(results)
    del forgotten["data"]["jazz/solos.parquet"]
    assert any("jazz/solos.parquet: no fingerprint stored" in p
               for p in R.stale_data(forgotten, root=tmp_path))


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
    for task in V.TASKS:
        table = tables.summary(results, task)
        groups = table.groupby("length")["params"] if task == "adding" else [(None, table["params"])]
        for _, params in groups:
            assert params.max() <= 1.1 * params.min(), (task, list(params))


def test_check_results_names_what_is_missing(results):
    broken = copy.deepcopy(results)
    del broken["versions"]["keras"]
    with pytest.raises(ValueError, match="no 'keras'"):
        R.check_results(broken)
    broken = copy.deepcopy(results)
    gone = broken["runs"].pop(5)
    with pytest.raises(ValueError, match=f"no run for .*model='{gone['model']}', seed={gone['seed']}"):
        R.check_results(broken)
    broken = copy.deepcopy(results)
    del broken["runs"][0]["score"]
    with pytest.raises(ValueError, match=r"runs'\]\[0\]: missing \['score'\]"):
        R.check_results(broken)
    broken = copy.deepcopy(results)
    broken["runs"][1]["eval"].pop()
    with pytest.raises(ValueError, match=r"runs'\]\[1\]: curves do not have"):
        R.check_results(broken)
    broken = copy.deepcopy(results)
    broken["runs"][2]["best_epoch"] = broken["runs"][2]["epochs"] + 1
    with pytest.raises(ValueError, match=r"runs'\]\[2\]: best_epoch"):
        R.check_results(broken)
    broken = copy.deepcopy(results)
    broken["timing"] = []
    with pytest.raises(ValueError, match="no timing records"):
        R.check_results(broken)
    broken = copy.deepcopy(results)
    del broken["runs"][0]["gradient_early"]
    with pytest.raises(ValueError, match=r"runs'\]\[0\]: missing \['gradient_early'\]"):
        R.check_results(broken)
    broken = copy.deepcopy(results)
    broken["runs"][0]["gradient_start"].pop()
    with pytest.raises(ValueError, match=r"runs'\]\[0\]: gradients do not cover"):
        R.check_results(broken)
    # a run listed as not run may be missing, and only then
    broken = copy.deepcopy(results)
    gone = broken["runs"].pop(0)
    broken["not_run"].append({"job": [gone["task"], gone["length"], gone["model"], gone["seed"]],
                              "reason": "not started within the time limit of 1 min"})
    R.check_results(broken)


def test_tables_and_comparisons_from_the_results(results):
    table = tables.summary(results, "adding")
    assert list(table["model"].unique()) == list(C.FULL.adding.models)
    assert (table["seeds"] <= len(C.FULL.seeds)).all()
    for row in table.itertuples():
        k, n = adding.solved(results, row.model, row.length)
        assert (k, n) == (row.solved, row.seeds)
        assert row.solved_low <= k / n <= row.solved_high
    shown = tables.format_summary(table, "adding")
    assert " of 5  [" in shown["solved"].iloc[0] and "±" in shown[C.METRICS["adding"][0]].iloc[0]
    test = adding.compare_solved(results, 50, "GRU", "LSTM")
    assert 0.0 < test["two_sided"] <= 1.0
    exits = adding.compare_exits(results, 50, "GRU", "LSTM")
    assert len(exits["exits_a"]) == len(exits["exits_b"]) == len(C.FULL.seeds)
    assert 0.0 < exits["p"] <= 1.0
    solved = adding.solved_table(results)
    assert list(solved["T_x"]) == adding.lengths(results)
    assert solved.iloc[0]["GRU"].startswith("5 of 5 [")
    gradients = adding.gradient_table(results, 50)
    assert list(gradients["model"]) == list(C.FULL.adding.models)
    diff = tables.compare_scores(results, "jazz", "GRU", "LSTM")
    assert diff["low"] <= diff["difference"] <= diff["high"] and 0.0 < diff["p"] <= 1.0
    table = timing.summary(results)
    assert len(table) == 2 * len(C.FULL.timing.models)
    assert (table[table["model"] == "SimpleRNN"]["ratio"] == 1.0).all()
    assert (table["min"] <= table["median"]).all() and (table["median"] <= table["max"]).all()


def test_figures_from_the_results(results):
    import matplotlib
    matplotlib.use("Agg")
    ax = adding.plot_solved(results)
    assert ax.get_ylim()[0] == 0.0 and ax.get_ylabel() and ax.get_title()
    assert len(ax.get_legend().get_texts()) == len(C.FULL.adding.models)
    assert adding.plot_seed_scores(results).get_ylim()[0] == 0.0
    for task in V.TASKS:
        ax = tables.plot_curves(results, task, length=50 if task == "adding" else None)
        assert ax.get_legend() and ax.get_ylim()[0] == 0.0
        ax = tables.plot_scores(results, task)
        assert ax.get_ylabel() == C.METRICS[task][0] and ax.get_ylim()[0] == 0.0
    ax = tables.plot_differences([tables.compare_scores(results, "jazz", "GRU", "LSTM")])
    assert ax.get_yticklabels()[0].get_text() == "GRU − LSTM"
    ax = adding.plot_gradients(results, 50)
    assert ax.get_yscale() == "log" and len(ax.get_legend().get_texts()) == len(C.FULL.adding.models)


def test_merging_a_partial_rerun_replaces_only_its_tasks(results):
    emoji = [dict(r, score=0.5) for r in results["runs"] if r["task"] == "emoji"]
    new = {**copy.deepcopy(results), "tasks": ["emoji"], "runs": emoji, "timing": [],
           "data": {"emoji/train.csv": "0" * 16, "emoji/test.csv": "1" * 16},
           "history": [{"command": "python scripts/run_variants.py --tasks emoji"}]}
    merged = R.merge_results(results, new)
    assert merged["tasks"] == results["tasks"]
    assert [r["score"] for r in merged["runs"] if r["task"] == "emoji"] == [0.5] * len(emoji)
    assert [r for r in merged["runs"] if r["task"] != "emoji"] == \
        [r for r in results["runs"] if r["task"] != "emoji"]
    assert merged["data"]["emoji/train.csv"] == "0" * 16
    assert merged["data"]["jazz/values.json"] == results["data"]["jazz/values.json"]
    assert merged["timing"] == results["timing"] and len(merged["history"]) == len(results["history"]) + 1
    other = copy.deepcopy(new)
    other["config"]["emoji"]["patience"] += 1          # the re-run task's own settings may change
    assert R.merge_results(results, other)["config"]["emoji"]["patience"] == \
        results["config"]["emoji"]["patience"] + 1
    other["config"]["jazz"]["patience"] += 1           # a kept task's may not
    with pytest.raises(ValueError, match="the stored 'jazz' runs used other settings"):
        R.merge_results(results, other)


MICRO = C.StudyConfig(
    "micro", seeds=(1,),
    adding=C.AddingConfig(lengths=(6,), models=("GRU", "LSTM, forget bias 0"), n_train=256,
                          n_val=64, n_test=64, max_epochs=2, patience=1, batch_size=64,
                          gradient_sequences=8),
    jazz=C.JazzConfig(models=("SimpleRNN",), budget=8000, n_e=8, max_epochs=2, learning_rate=0.05,
                      seeds=None, max_solos=20),
    emoji=C.EmojiConfig(models=("LSTM",), budget=1500, max_epochs=2),
    timing=C.TimingConfig(models=("SimpleRNN", "GRU"), adding_length=6, adding_sequences=64,
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
    stored = R.load_results(out)
    assert stored["command"] == f"python scripts/run_variants.py --config micro --jobs 2 --out {out}"
    assert stored["workers"] == 2 and stored["tasks"] == list(R.STUDY_TASKS)
    assert [(r["task"], r["model"]) for r in stored["runs"]] == [
        ("adding", "GRU"), ("adding", "LSTM, forget bias 0"), ("jazz", "SimpleRNN"), ("emoji", "LSTM")]
    assert json.loads(out.read_text())["config"]["name"] == "micro"
    assert len(stored["timing"]) == 2 * 2 * 2 and R.stale_data(stored) == []
    for run in stored["runs"]:
        assert len(run["eval"]) == run["epochs"] <= 2
        if run["task"] == "adding":
            assert len(run["gradient_start"]) == 6 and len(run["gradient_early"]) == run["epochs"]
    jazz = stored["runs"][2]
    assert jazz["score"] < math.log(vocab_size()) - 0.3  # better than guessing uniformly
    # the emoji part re-runs alone and keeps the rest of the file
    before = {(r["task"], r["model"]): r for r in stored["runs"]}
    assert runner.main(["--config", "micro", "--jobs", "1", "--tasks", "emoji", "--out", str(out)]) == 0
    again = R.load_results(out)
    assert again["tasks"] == list(R.STUDY_TASKS) and len(again["history"]) == 2
    assert again["history"][1]["tasks"] == ["emoji"]
    for run in again["runs"]:
        if run["task"] != "emoji":
            assert run == before[(run["task"], run["model"])]


def test_a_time_limit_lists_the_jobs_it_left_out():
    R.init_worker()
    out = R.run_study(MICRO, adding_problem, tasks=("adding",), time_limit=1e-9)
    assert out["runs"] == [] and len(out["not_run"]) == 2
    assert out["not_run"][0]["job"] == ["adding", 6, "GRU", 1]
    assert out["not_run"][0]["reason"].startswith("not started within the time limit")
    R.check_results(out)                        # a partial study is a valid results file
    assert out["history"][0]["not_run"] == 2


def test_input_gradients_measure_what_reaches_each_step():
    """With its recurrent weights at 0 a SimpleRNN's last state depends on the last input only:
    no gradient reaches the earlier steps. With them back, some does."""
    import keras

    keras.utils.set_random_seed(0)
    model = V.build_model("adding", V.VARIANTS["SimpleRNN"], 4)
    x, y = adding_problem(16, 6, np.random.default_rng(0))
    kernel, recurrent, bias = model.get_layer("simplernn").get_weights()
    model.get_layer("simplernn").set_weights([kernel, np.zeros_like(recurrent), bias])
    profile = adding.input_gradients(model, x, y)
    assert profile.shape == (6,) and (profile[:-1] == 0).all() and profile[-1] > 0
    model.get_layer("simplernn").set_weights([kernel, recurrent, bias])
    assert (adding.input_gradients(model, x, y)[:-1] > 0).all()


def test_validation_split_holds_out_a_share_of_each_label():
    labels = np.array([0] * 50 + [1] * 20 + [2] * 3 + [3] * 1)
    held = emoji.validation_split(labels, 0.2)
    assert [int(held[labels == k].sum()) for k in range(4)] == [10, 4, 1, 0]  # one left to train
    np.testing.assert_array_equal(held, emoji.validation_split(labels, 0.2))    # fixed seed
    assert not np.array_equal(held, emoji.validation_split(labels, 0.2, seed=1))
    with pytest.raises(ValueError, match="validation_share must be between 0 and 1"):
        emoji.validation_split(labels, 1.0)


def test_each_task_runs_its_seeds():
    assert C.task_seeds(C.FULL, "adding") == C.FULL.seeds and len(C.FULL.seeds) >= 5
    assert C.task_seeds(C.FULL, "jazz") == C.FULL.jazz.seeds
    counts = {}
    for job in R.jobs(C.FULL, R.STUDY_TASKS):
        counts[job.task] = counts.get(job.task, 0) + 1
    assert counts == {"adding": len(C.FULL.adding.lengths) * 4 * len(C.FULL.seeds),
                      "jazz": 3 * len(C.FULL.jazz.seeds), "emoji": 3 * len(C.FULL.seeds),
                      "timing": 1}


def test_an_interrupted_study_resumes_from_its_checkpoint(tmp_path):
    R.init_worker()
    checkpoint = tmp_path / "study.partial.jsonl"
    first = R.run_study(MICRO, adding_problem, tasks=("adding",), checkpoint=checkpoint)
    lines = checkpoint.read_text().splitlines()
    assert len(lines) == len(first["runs"]) == 2
    checkpoint.write_text(lines[0] + "\n" + lines[1][:40], encoding="utf-8")  # cut off mid-line
    again = R.run_study(MICRO, adding_problem, tasks=("adding",), checkpoint=checkpoint)
    assert again["history"][0]["resumed_runs"] == 1      # the cut-off run was trained again
    assert again["runs"][0] == first["runs"][0]
    # the record after the cut-off line was written on a line of its own and is read back
    assert len(R._load_checkpoint(checkpoint, MICRO)) == 2
    other = R.run_study(dataclasses_replace(MICRO, name="other"), adding_problem, tasks=("adding",),
                        checkpoint=checkpoint)
    assert other["history"][0]["resumed_runs"] == 0      # another configuration reuses nothing


def dataclasses_replace(config, **changes):
    import dataclasses

    return dataclasses.replace(config, **changes)


def test_sign_test():
    assert timing.sign_test(5, 5) == pytest.approx(2 / 32) == timing.sign_test(0, 5)   # 5 rounds: never < 0.05
    assert timing.sign_test(7, 7) == pytest.approx(2 / 128)
    assert timing.sign_test(2, 4) == 1.0 and timing.sign_test(0, 0) == 1.0


def test_plateau_exit():
    assert adding.plateau_exit({"eval": [1.0, 0.9, 0.4, 0.01]}) == 3
    assert adding.plateau_exit({"eval": [1.0, 0.98, 1.01]}) is None
