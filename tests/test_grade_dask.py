"""Grading on a Dask cluster: the same gradebook as one process, results streamed, re-runs skip."""
import json

import nbformat
import pytest

from helpers.instructor import attacks, grade
from helpers.instructor.grading import cluster

distributed = pytest.importorskip("distributed")  # pinned in requirements/test.lock

OPTIONS = grade.Options(timeout=20, exercise_timeout=5)


def small_class(folder):
    """Three students in the LMS layout: solved, one exercise done, an empty file."""
    for student in ("alice", "bob", "carol"):
        (folder / student).mkdir(parents=True)
    nbformat.write(attacks.submission(), str(folder / "alice" / "1_rnn_step_by_step.ipynb"))
    nbformat.write(attacks.submission(solved={"rnn_cell_forward"}), str(folder / "bob" / "work.ipynb"))
    (folder / "carol" / "empty.ipynb").write_text("", encoding="utf-8")


def test_a_two_process_cluster_gives_the_gradebook_of_one_process_and_reruns_skip(tmp_path):
    subs = tmp_path / "subs"
    small_class(subs)
    alone = grade.grade_batch(subs, tmp_path / "jobs1", jobs=1, options=OPTIONS,
                              echo=lambda line: None)
    assert [(r["student"], r["score"]) for r in alone] == [("alice", 120), ("bob", 10), ("carol", 0)]

    lines = []
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as local, \
            distributed.Client(local) as watcher, distributed.get_task_stream(watcher) as stream:
        on_cluster = grade.grade_batch(subs, tmp_path / "dask", options=OPTIONS,
                                       echo=lines.append, scheduler=local.scheduler_address)
        workers = set(watcher.scheduler_info()["workers"])
        # graded again: everything is already graded with the same content and checks
        again = []
        grade.grade_batch(subs, tmp_path / "dask", options=OPTIONS, echo=again.append,
                          scheduler=local.scheduler_address)
    tasks = [t for t in stream.data if t["key"].startswith("grade-")]
    # one task per submission, on both processes; the re-run sends only carol's problem again
    assert len(tasks) == 3 + 1, tasks
    assert {t["worker"] for t in tasks} == workers and len(workers) == 2
    assert len(lines) == 3 and any("120 / 120" in line for line in lines)

    book = (tmp_path / "dask" / "gradebook.csv").read_text(encoding="utf-8")
    assert book == (tmp_path / "jobs1" / "gradebook.csv").read_text(encoding="utf-8")
    for one, many in zip(alone, on_cluster):
        assert (one["key"], one["score"], one["problem"]) == (many["key"], many["score"], many["problem"])
        assert [e["points"] for e in one["exercises"]] == [e["points"] for e in many["exercises"]]
    stored = json.loads((tmp_path / "dask" / "bob" / "work.json").read_text())
    assert stored["grader"] == grade.fingerprint() and stored["score"] == 10

    carol = next(line for line in again if line.startswith("carol"))
    assert carol == "carol/empty: empty file"        # a problem is never kept: tried again
    assert sorted(line for line in again if "already graded" in line) == [
        "alice/1_rnn_step_by_step: 120 / 120 (already graded)",
        "bob/work: 10 / 120 (already graded)"]


class FakeClient:
    def __init__(self, reports):
        self.reports = reports

    def run(self, function):
        return self.reports


def test_workers_that_cannot_isolate_or_grade_differently_are_refused_in_one_line():
    stamp = grade.fingerprint()
    cluster.check_workers(FakeClient({"tcp://a:1": ("", stamp)}), stamp)
    with pytest.raises(grade.GradeError, match=r"^worker tcp://b:2: grading needs root"):
        cluster.check_workers(FakeClient({"tcp://a:1": ("", stamp),
                                          "tcp://b:2": ("grading needs root: ...", stamp)}), stamp)
    with pytest.raises(grade.GradeError, match=r"has another grader \(0123456789abcdef, here "):
        cluster.check_workers(FakeClient({"tcp://a:1": ("", "0123456789abcdef")}), stamp)


@pytest.mark.parametrize("args, message", [
    (["--jobs", "2", "--scheduler", "tcp://127.0.0.1:1"], "not allowed with argument --jobs"),
    (["--scheduler", "tcp://127.0.0.1:1"], "--scheduler tcp://127.0.0.1:1: cannot connect"),
])
def test_scheduler_errors_are_one_line(tmp_path, capsys, monkeypatch, args, message):
    monkeypatch.setattr(cluster, "CONNECT_TIMEOUT", 1)
    (tmp_path / "subs").mkdir()
    nbformat.write(attacks.submission(), str(tmp_path / "subs" / "a.ipynb"))
    try:
        code = grade.main([str(tmp_path / "subs"), "--out", str(tmp_path / "out"), *args])
    except SystemExit as stop:  # argparse's way out, with our one-line message
        code = stop.code
    stdout, stderr = capsys.readouterr()
    assert code == 2
    assert stderr.startswith("grade: ") and stderr.strip().count("\n") == 0, stderr
    assert message in stderr and "Traceback" not in stdout + stderr
