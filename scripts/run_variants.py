"""Run the RNN variants study (notebook 4) and store its results.

    python scripts/run_variants.py                      # the full study -> results/variants.json
    python scripts/run_variants.py --config tiny --out build/variants/tiny.json
    python scripts/run_variants.py --tasks emoji         # re-run one task, keep the others
    python scripts/run_variants.py --tasks adding --time-limit 60   # start no job after 60 min

Each run trains one model (task, sequence length, variant, seed) from scratch until its
validation score has plateaued; the ``timing`` task is one job that times a training pass of
each model, interleaved and repeated. Runs are spread over ``--jobs`` worker processes of one
thread each (the machine has 2 cores; ``--jobs 1`` runs them here, one after the other). The
results file records the command, the library versions, the date, fingerprints of the data
files read, the configuration and every run. With ``--tasks`` naming only some tasks and an
existing results file whose other tasks have the same settings, the new runs replace those
tasks' runs in it and the other tasks are kept (``--replace`` writes a file with only the new
tasks instead). With ``--time-limit`` no job starts after that many minutes: the results list
the jobs left out (``not_run``), and the notebook says which. The adding problem's sequences
come from the generated copy of the notebook's graded ``adding_problem``.
"""
import argparse
import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")  # before TensorFlow loads, here and in workers

from helpers.instructor.graded.variants import adding_problem  # noqa: E402
from helpers.variants.config import CONFIGS  # noqa: E402
from helpers.variants.runner import (STUDY_TASKS, init_worker, load_results,  # noqa: E402
                                     merge_results, run_study, save_results)


def log(text: str) -> None:
    print(f"{time.strftime('%H:%M:%S')} {text}", flush=True)


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--config", choices=sorted(CONFIGS), default="full")
    parser.add_argument("--tasks", nargs="+", choices=STUDY_TASKS, default=list(STUDY_TASKS))
    parser.add_argument("--jobs", type=int, default=2, help="worker processes (default 2)")
    parser.add_argument("--out", type=Path, default=ROOT / "results" / "variants.json")
    parser.add_argument("--time-limit", type=float, default=None, metavar="MIN",
                        help="start no job after this many minutes; list the rest as not run")
    parser.add_argument("--replace", action="store_true",
                        help="write only the tasks run now, even if --out holds other tasks")
    args = parser.parse_args(argv)
    if args.jobs < 1:
        parser.error(f"--jobs must be at least 1, got {args.jobs}")
    if args.time_limit is not None and args.time_limit <= 0:
        parser.error(f"--time-limit must be positive, got {args.time_limit}")
    limit = None if args.time_limit is None else 60 * args.time_limit
    config = CONFIGS[args.config]
    command = " ".join(["python", "scripts/run_variants.py", *argv])
    log(f"{command}: {config.name} configuration, tasks {args.tasks}, {args.jobs} worker(s)")
    # finished runs are appended here, so that an interrupted study resumes where it stopped
    checkpoint = args.out.with_name(args.out.stem + ".partial.jsonl")
    if args.jobs == 1:
        init_worker()
        results = run_study(config, adding_problem, tasks=tuple(args.tasks), command=command,
                            log=log, checkpoint=checkpoint, time_limit=limit)
    else:
        with ProcessPoolExecutor(args.jobs, mp_context=get_context("spawn"),
                                 initializer=init_worker) as pool:
            results = run_study(config, adding_problem, tasks=tuple(args.tasks),
                                command=command, log=log, executor=pool, workers=args.jobs,
                                checkpoint=checkpoint, time_limit=limit)
    partial = set(args.tasks) != set(STUDY_TASKS)
    if partial and not args.replace and args.out.is_file():
        results = merge_results(load_results(args.out), results)
        log(f"kept the other tasks of {args.out}: {results['tasks']}")
    save_results(results, args.out)
    checkpoint.unlink(missing_ok=True)
    log(f"wrote {args.out} ({len(results['runs'])} runs, {len(results['not_run'])} jobs not run, "
        f"{results['total_seconds']:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
