"""Grading throughput: one batch of finished notebooks 1-3 graded on 1, 2 and 4 Dask workers.

    .venv/bin/python benchmarks/grading_throughput.py [--submissions 6] [--workers 1 2 4] [--small]

The batch is a class in the LMS layout (``submissions/<student>/<notebook>.ipynb``): student
after student hands in notebooks 1, 2 and 3 in turn, ``--submissions`` files in all (6: two
students). Each file is a learner's finished notebook: the instructor notebook with every
solution written in place of its stub (the solution markers dropped) and the outputs of a
full run saved, so the grader's kernel runs the whole notebook, training cells included, as
it does for a real class. ``--small`` hands in the small submissions the grading tests use
instead (first cell, export cells and graded cells only): much quicker, but not what a class
costs.

The same folder is graded once per worker count on a fresh Dask ``LocalCluster`` (processes
with one thread each, as ``make grade JOBS=N`` starts) through ``--scheduler``, into a fresh
result folder, so nothing is skipped as already graded. Each worker writes its learner release
(as on a remote cluster) before the clock starts; the clusters' start-up is timed apart. It prints submissions per minute for each
worker count, the speed-up against one worker (measured in the same run), and the CPU seconds
and wall seconds per notebook on one worker. CPU seconds are those of the worker process and
the kernels it ended (the operating system's children times: the grader-side reference
answers, the sandboxed kernel, its checks), read after each result; a grading kernel is held
to one CPU, so on a cluster one kernel per core is the unit of work. (The worker queues the
next submission while one finishes, so a little of the next one's grader-side start-up may be
counted with the one before; the sum is exact.)

With its defaults it took 21 minutes on the 2-core reference machine shared with other jobs
(figures in benchmarks/README.md); ``--small`` takes about a minute.

The time limits are wider than ``make grade``'s (see ``OPTIONS``). It exits with 1 when the gradebooks differ between worker counts, or when a solved
submission does not get full marks.
"""
import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import nbformat
import psutil

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")  # the workers import Keras for the references

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from helpers.instructor import attacks, grade, nbcells  # noqa: E402
from helpers.instructor.grading import view  # noqa: E402
from helpers.instructor.course import NOTEBOOKS  # noqa: E402
from helpers.paths import NOTEBOOKS as NB_DIR  # noqa: E402

GRADED = [nb.file for nb in NOTEBOOKS[:3]]   # a class hands in notebooks 1, 2 and 3
# Roomier time limits than make grade's (120 s a cell, 600 s a notebook): four workers on two
# shared cores give a kernel a fraction of a core, and notebook 2's longest cell takes about a
# minute on a whole one. On a cluster with a core per worker the defaults hold.
OPTIONS = grade.Options(timeout=600, exercise_timeout=300, notebook_timeout=1800)


def finished(nb_file: str) -> nbformat.NotebookNode:
    """A learner's finished notebook: solutions in place of the stubs, outputs of a run kept."""
    nb = nbcells.read(NB_DIR / nb_file)
    for cell in nb.cells:
        if nbcells.graded_name(cell) is not None:
            cell.source = nbcells.code_without_markers(cell.source)
    return nb


def small(nb_file: str) -> nbformat.NotebookNode:
    return attacks.submission() if nb_file == attacks.NB1 else attacks.course_submission(nb_file)


def write_class(folder: Path, count: int, make) -> dict:
    """``count`` submissions under ``folder``; returns ``{key: notebook file}``."""
    made = {nb_file: make(nb_file) for nb_file in GRADED}
    keys = {}
    for index in range(count):
        nb_file = GRADED[index % len(GRADED)]
        student = folder / f"student{index // len(GRADED):02d}"
        student.mkdir(parents=True, exist_ok=True)
        nbformat.write(made[nb_file], str(student / nb_file))
        keys[f"{student.name}/{nb_file.removesuffix('.ipynb')}"] = nb_file
    return keys


def cpu_seconds(proc: psutil.Process) -> float:
    """User + system seconds of a process and of its children it has waited for."""
    t = proc.cpu_times()
    return t.user + t.system + t.children_user + t.children_system


def grade_on(workers: int, folder: Path, out: Path) -> dict:
    """Grade ``folder`` into ``out`` on a fresh local cluster of ``workers`` processes."""
    from dask import distributed

    start = time.perf_counter()
    with distributed.LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                  dashboard_address=None, silence_logs=40) as local, \
            distributed.Client(local) as watcher:
        procs = [psutil.Process(pid) for pid in watcher.run(os.getpid).values()]
        releases = watcher.run(grade.shared_release).values()  # each worker's own, not timed
        started = time.perf_counter()
        cpu_before = sum(cpu_seconds(p) for p in procs)
        marks, lines = [], []

        def echo(line: str) -> None:   # called here as each result comes in
            lines.append(line)
            marks.append((line.split(":")[0], time.perf_counter(),
                          sum(cpu_seconds(p) for p in procs)))

        results = grade.grade_batch(folder, out, options=OPTIONS, echo=echo,
                                    scheduler=local.scheduler_address)
        wall = time.perf_counter() - started
    for release in releases:   # a worker process ends without its exit handlers
        shutil.rmtree(release, ignore_errors=True)
    cpu = {}
    before = cpu_before
    for key, _, after in marks:     # one worker: results come in the order they were graded
        cpu[key], before = after - before, after
    return {"workers": workers, "wall": wall, "startup": started - start, "results": results,
            "cpu": cpu, "skipped": [line for line in lines if "already graded" in line],
            "book": (out / "gradebook.csv").read_text(encoding="utf-8")}


def per_notebook(keys: dict, values: dict) -> dict:
    """``{notebook file: mean of values[key]}`` over the keys of that notebook."""
    return {nb: statistics.mean(values[k] for k, f in keys.items() if f == nb)
            for nb in GRADED if any(f == nb for f in keys.values())}


def problems(runs: list, keys: dict) -> list[str]:
    """What is wrong with the runs: skipped submissions, differing gradebooks, lost marks."""
    found = []
    first = runs[0]
    for run in runs:
        if run["skipped"]:
            found.append(f"{run['workers']} workers skipped: {run['skipped']}")
        if run["book"] != first["book"]:
            theirs = {r["key"]: r["score"] for r in run["results"]}
            ours = {r["key"]: r["score"] for r in first["results"]}
            differ = {k: (ours[k], theirs.get(k)) for k in ours if ours[k] != theirs.get(k)}
            found.append(f"the gradebook of {run['workers']} workers differs from that of "
                         f"{first['workers']}: scores {differ or 'equal, exercises differ'}")
    for r in first["results"]:
        if r.get("problem") or r["score"] != r["max_score"]:
            found.append(f"{r['key']} ({keys.get(r['key'])}): "
                         f"{r.get('problem') or str(r['score']) + ' / ' + str(r['max_score'])}")
    return found


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--submissions", type=int, default=6,
                        help="files in the batch, notebooks 1, 2, 3 in turn (default 6)")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2, 4],
                        help="worker counts to compare, the first one the baseline (default 1 2 4)")
    parser.add_argument("--small", action="store_true",
                        help="small submissions (graded cells only) instead of finished notebooks")
    args = parser.parse_args(argv)
    missing = view.missing_isolation()
    if missing:
        print(f"grading_throughput: {missing}", file=sys.stderr)
        return 2
    print(f"{os.cpu_count()} CPUs; load average at start: "
          f"{' '.join(f'{x:.1f}' for x in os.getloadavg())}", flush=True)
    with tempfile.TemporaryDirectory(prefix="rnnlab-throughput-") as tmp:
        folder = Path(tmp) / "submissions"
        keys = write_class(folder, args.submissions, small if args.small else finished)
        count = {nb: list(keys.values()).count(nb) for nb in GRADED}
        print(f"{args.submissions} submissions ({'small' if args.small else 'finished notebooks'}): "
              + ", ".join(f"{n} x {nb}" for nb, n in count.items()), flush=True)
        runs = []
        for workers in args.workers:
            run = grade_on(workers, folder, Path(tmp) / f"grades-{workers}")
            runs.append(run)
            print(f"{workers} worker(s): {run['wall']:.0f} s, "
                  f"{60 * args.submissions / run['wall']:.2f} submissions per minute "
                  f"(cluster start {run['startup']:.1f} s, not counted); load average "
                  f"{os.getloadavg()[0]:.1f}", flush=True)
    wrong = problems(runs, keys)
    if wrong:
        print("FAILED:", *wrong, sep="\n  ")
        return 1
    base = runs[0]
    print(f"gradebooks of {', '.join(str(r['workers']) for r in runs)} workers: identical; "
          f"every submission at full marks")
    for run in runs[1:]:
        print(f"speed-up {run['workers']} workers / {base['workers']}: "
              f"{base['wall'] / run['wall']:.2f}")
    wall = per_notebook(keys, {r["key"]: r["seconds"] for r in base["results"]})
    print(f"per notebook, on {base['workers']} worker(s) (mean):")
    if base["workers"] == 1:
        cpu = per_notebook(keys, base["cpu"])
        for nb in wall:
            print(f"  {nb:<28} {cpu[nb]:6.1f} CPU s  {wall[nb]:6.1f} s in the sandbox")
        print(f"  one learner's three notebooks: {sum(cpu.values()):.0f} CPU s")
    else:
        for nb in wall:
            print(f"  {nb:<28} {wall[nb]:6.1f} s in the sandbox")
    print(f"load average at end: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
