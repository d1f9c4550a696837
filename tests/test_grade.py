"""The grader cannot be fooled: a catalogue of attacks, each in its own submission.

One batch (``--jobs 2``, short time limits) grades: the instructor's solved notebook 1, the
untouched learner notebook 1, a small honest submission under an odd file name, a mixed one,
and every attack of ``helpers.instructor.attacks``. Each attack must earn 0 points for the
exercise it targets, with a hint that says what went wrong, while every other exercise of
its submission keeps full marks.
"""
import hashlib
import json
import os
import re
import sys
from pathlib import Path

import nbformat
import pytest

from helpers.instructor import attacks, grade, release
from helpers.instructor.grading import box as sandbox, view

ROOT = Path(__file__).resolve().parent.parent
NB = "1_rnn_step_by_step.ipynb"
OPTIONS = grade.Options(timeout=20, exercise_timeout=4)


def digest(path):
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    base = tmp_path_factory.mktemp("catalogue")
    subs = base / "submissions"
    subs.mkdir()
    catalogue = attacks.write_all(subs, classmates=subs)
    nbformat.write(attacks.submission(), str(subs / "my copy (1).ipynb"))
    mixed = attacks.submission(solved=set(attacks.names()) - {"lstm_backward"},
                               broken={"gru_forward"},
                               replace={"rnn_backward": attacks._fn(
                                   '    raise ValueError("boom")\n', "rnn_backward", "da, caches")},
                               extra="import os\nos._exit(3)  # ends the kernel while the notebook runs")
    nbformat.write(mixed, str(subs / "mixed.ipynb"))
    rel = base / "release"
    release.write(rel)
    (subs / "untouched.ipynb").write_bytes((rel / NB).read_bytes())
    (subs / "instructor.ipynb").write_bytes((ROOT / "notebooks" / NB).read_bytes())
    watched = [ROOT / "helpers" / "instructor" / "manifest.json", *subs.glob("*.ipynb")]
    before = {p: digest(p) for p in watched}
    out = base / "grades"
    results = grade.grade_batch(subs, out, jobs=2, options=OPTIONS, echo=lambda line: None)
    after = {p: digest(p) for p in watched}
    yield {"results": {r["key"]: r for r in results}, "catalogue": catalogue, "out": out,
           "unchanged": before == after}


def rows(result):
    return {r["exercise"]: r for r in result["exercises"]}


def test_solved_instructor_notebook_gets_full_marks(batch):
    result = batch["results"]["instructor"]
    assert result["notebook"] == NB
    assert result["score"] == result["max_score"] == 120, grade.table(result)


def test_small_honest_copy_under_another_name_gets_full_marks(batch):
    result = batch["results"]["my copy (1)"]
    assert result["notebook"] == NB, "recognised by its graded cells, not its file name"
    assert result["score"] == result["max_score"] == 120, grade.table(result)


def test_untouched_learner_notebook_scores_zero_not_implemented(batch):
    result = batch["results"]["untouched"]
    assert result["score"] == 0 and result["max_score"] == 120
    assert {r["status"] for r in result["exercises"]} == {"not implemented"}
    assert {r["hint"] for r in result["exercises"]} == {"not implemented yet"}


def test_mixed_submission_loses_only_its_broken_exercises(batch):
    """A crash, a wrong return, a stub, and a cell that ends the kernel: the kernel is
    restarted, the notebook re-run without that cell, and the rest is graded as usual."""
    assert any("cell 2 ended the kernel" in note for note in batch["results"]["mixed"]["notes"])
    got = rows(batch["results"]["mixed"])
    assert "ValueError: boom" in got["rnn_backward"]["hint"]
    assert "must return the tuple" in got["gru_forward"]["hint"]
    assert got["lstm_backward"]["hint"] == "not implemented yet"
    broken = {"rnn_backward", "gru_forward", "lstm_backward"}
    for name, row in got.items():
        assert row["passed"] == (name not in broken), (name, row["hint"])
    assert batch["results"]["mixed"]["score"] == 90


@pytest.mark.parametrize("name", [a.name for a in attacks.attacks()])
def test_attack_earns_nothing_for_its_target_and_costs_nothing_else(batch, name):
    attack = next(a for a, _ in batch["catalogue"] if a.name == name)
    result = batch["results"][f"attack_{name}"]
    assert result["notebook"] == NB and not result["problem"]
    got = rows(result)
    target = got[attack.target]
    assert target["points"] == 0 and not target["passed"]
    assert re.search(attack.hint, target["hint"]), target["hint"]
    others = {n: r for n, r in got.items() if n != attack.target}
    assert all(r["passed"] for r in others.values()), grade.table(result)
    assert result["score"] == 110


def test_the_catalogue_covers_what_a_grader_must_withstand():
    names = {a.name for a in attacks.attacks()}
    assert len(names) >= 12
    assert {"patch_checks", "patch_numpy", "import_solutions", "equal_to_anything",
            "replay_expected", "sys_exit", "os_exit", "kill_kernel", "endless_loop",
            "allocate_20gb", "fork", "rewrite_grader_files", "fake_output"} <= names


def test_forked_children_do_not_survive_grading(batch):
    from helpers.instructor.grading.processes import processes

    def command(pid):
        try:
            return Path(f"/proc/{pid}/cmdline").read_bytes()
        except OSError:
            return b""

    assert not [p for p, *_ in processes() if attacks.FORK_CHILD.encode() in command(p)]


def test_no_file_the_grader_uses_or_was_given_changed(batch):
    assert batch["unchanged"]


def test_each_submission_has_its_json_and_a_gradebook_row(batch):
    out = batch["out"]
    for key, result in batch["results"].items():
        stored = json.loads((out / f"{key}.json").read_text())
        assert stored["score"] == result["score"] and stored["sha256"]
    book = (out / "gradebook.csv").read_text().splitlines()
    assert book[0].startswith("student,step_by_step.rnn_cell_forward")
    assert len(book) == 1 + len(batch["results"])


def test_kernel_is_isolated_and_keras_trains_under_the_memory_limit(tmp_path):
    """Its own user, an allow-list view of the files (no checkout, home, submission or
    grader temporary file; a private /tmp), no network, no grading marker, its own control
    groups; no import route to the instructor's package; Keras trains under the limits."""
    folder = grade.shared_release()
    planted = tmp_path / "other-checkout" / "helpers" / "instructor" / "graded"
    planted.mkdir(parents=True)
    (planted / "jazz.py").write_text("SECRET = 1\n")
    for path in [tmp_path, *tmp_path.rglob("*")]:
        os.chmod(path, 0o755 if path.is_dir() else 0o644)
    code = f"""
import os, socket
def who():
    return os.getuid()
def solutions():
    import helpers.instructor.graded
def seen(path):
    return os.path.exists(path)
def network():
    socket.create_connection(("127.0.0.1", 9), timeout=2)
def environment():
    return sorted(k for k in os.environ if k.startswith("RNNLAB_BOX"))
def tmp():
    return sorted(os.listdir("/tmp"))
def groups():
    return open("/proc/self/cgroup").read()
def keras_loss():
    import numpy as np, keras
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2, activation="softmax")])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    x, y = np.random.default_rng(0).standard_normal((64, 3)), np.arange(64) % 2
    return float(model.fit(x, y, epochs=2, verbose=0).history["loss"][-1])
"""
    with sandbox.Box(folder, sandbox.Limits(cell=60)) as box:
        assert box.preload_modules() == "ok" and box.run_cell(code) == "ok"
        solutions = box.ask("call", "solutions")
        assert solutions.status == "crash" and "helpers.instructor" in solutions.message
        assert box.ask("call", "who").value not in (None, 0)
        for hidden in (ROOT / "notebooks" / NB, ROOT / "helpers", planted / "jazz.py", tmp_path,
                       "/home", "/root/.bashrc", ROOT / "README.md", ROOT / ".git", folder / "kernel_boot.py"):
            assert box.ask("call", "seen", (str(hidden),)).value is False, hidden
        for visible in (sys.prefix, os.path.realpath(sys.prefix), sys.base_prefix,
                        folder / "release" / "helpers" / "checking.py"):
            assert box.ask("call", "seen", (str(visible),)).value is True, visible
        assert box.ask("call", "network").status == "crash"
        assert box.ask("call", "environment").value == []
        # where the release lies, and the top folder of a venv that itself lies under /tmp
        under_tmp = {Path(p).relative_to("/tmp").parts[0] for p in view.python_paths()
                     if Path(p).is_relative_to("/tmp")}
        assert set(box.ask("call", "tmp").value) <= {folder.name} | under_tmp
        if box.groups:
            assert all(g.name in box.ask("call", "groups").value for g in box.groups)
        loss = box.ask("call", "keras_loss", timeout=120)
        assert loss.status == "ok" and 0 < loss.value < 5, loss


def test_processes_a_kernel_starts_share_its_control_groups_and_end_with_it():
    """Children that call setsid stay in the kernel's groups (its 1-CPU quota, its memory and
    process limits count them) and are ended with it."""
    from helpers.instructor.grading import cgroups

    code = """
import os, sys, time
def hogs(n):
    pids = []
    for _ in range(n):
        pid = os.fork()
        if pid == 0:
            os.setsid()
            end = time.time() + 60
            while time.time() < end:
                pass
            os._exit(0)
        pids.append(pid)
    return pids
"""
    with sandbox.Box(grade.shared_release(), sandbox.Limits(cell=30)) as box:
        assert box.preload_modules() == "ok" and box.run_cell(code) == "ok"
        pids = box.ask("call", "hogs", (12,)).value
        assert len(pids) == 12
        if box.groups:
            assert set(pids) <= cgroups.members(box.groups), box.shares
        else:  # where none can be created, the box says what limits it instead
            assert "RLIMITs" in box.shares
    def running(pid):
        try:  # a zombie waits for its new parent to reap it: it runs no more
            return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
        except OSError:
            return False

    assert not [p for p in pids if running(p)]
