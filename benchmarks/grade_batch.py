"""Grading a class: 30 notebook-1 submissions with --jobs 1 and with --jobs 2.

    .venv/bin/python benchmarks/grade_batch.py [--count 30] [--jobs 2]

The submissions are the small notebook-1 submissions of ``helpers.instructor.attacks``
(setup, export and the twelve graded cells, recognised as notebook 1 by their content), a
mix of: solved; partial (a random half of the exercises left as stubs); broken (two
sequence functions returning too little, one raising); and attacks from the grader's
catalogue. The same folder is graded twice into fresh result folders, sequentially and then
with ``--jobs N``; the learner release is written once beforehand and not timed. It checks
that both runs give every submission the same score, then prints both wall times and the
ratio jobs-1 / jobs-N.
"""
import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from helpers.instructor import attacks, grade  # noqa: E402

# Attacks that end quickly: the catalogue's time-limit and kernel-death cases are in the
# mix too, but only one each, as a real class would have few of them.
QUICK = ("patch_checks", "patch_numpy", "import_solutions", "replay_expected", "sys_exit",
         "fake_output", "not_plain", "equal_to_anything", "network")
SLOW = ("endless_loop", "os_exit")


def write_submissions(folder: Path, count: int, seed: int = 0) -> dict:
    """``count`` submissions in ``folder``; returns ``{file stem: kind}``."""
    rng = random.Random(seed)
    names = attacks.names()
    catalogue = {a.name: a for a in attacks.attacks(classmates=folder)}
    kinds = {}
    plan = (["attack"] * (len(QUICK) + len(SLOW)) + ["solved"] * 8 + ["partial"] * 6)
    plan += ["broken"] * max(0, count - len(plan))
    plan = plan[:count]
    attack_names = list(QUICK + SLOW)
    for index, kind in enumerate(plan):
        if kind == "attack":
            attack = catalogue[attack_names.pop(0)]
            nb, kind = attacks.attack_submission(attack), f"attack {attack.name}"
        elif kind == "solved":
            nb = attacks.submission()
        elif kind == "partial":
            nb = attacks.submission(solved=set(rng.sample(names, len(names) // 2)))
        else:
            crash = attacks._fn('    raise IndexError("off by one")\n', "rnn_backward", "da, caches")
            nb = attacks.submission(broken=set(rng.sample(["rnn_forward", "gru_forward",
                                                           "lstm_forward"], 2)),
                                    replace={"rnn_backward": crash})
        stem = f"student{index:02d}"
        nbformat.write(nb, str(folder / f"{stem}.ipynb"))
        kinds[stem] = kind
    return kinds


def timed(folder: Path, out: Path, jobs: int, options: grade.Options) -> tuple[float, dict]:
    start = time.perf_counter()
    results = grade.grade_batch(folder, out, jobs=jobs, force=True, options=options,
                                echo=lambda line: None)
    return time.perf_counter() - start, {r["key"]: r["score"] for r in results}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--count", type=int, default=30)
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args(argv)
    options = grade.Options(timeout=30, exercise_timeout=10)
    with tempfile.TemporaryDirectory(prefix="rnnlab-bench-") as tmp:
        folder = Path(tmp) / "submissions"
        folder.mkdir()
        kinds = write_submissions(folder, args.count)
        grade.shared_release()  # once, not timed
        one, scores_one = timed(folder, Path(tmp) / "jobs1", 1, options)
        many, scores_many = timed(folder, Path(tmp) / f"jobs{args.jobs}", args.jobs, options)
    if scores_one != scores_many:
        print("the two runs disagree:", {k: (scores_one[k], scores_many.get(k))
                                         for k in scores_one if scores_one[k] != scores_many.get(k)})
        return 1
    mix = {}
    for kind in kinds.values():
        mix[kind.split()[0]] = mix.get(kind.split()[0], 0) + 1
    print(f"{args.count} submissions ({', '.join(f'{n} {k}' for k, n in mix.items())}), "
          f"mean score {sum(scores_one.values()) / len(scores_one):.1f} / 120")
    print(f"--jobs 1: {one:.1f} s ({one / args.count:.2f} s per submission)")
    print(f"--jobs {args.jobs}: {many:.1f} s ({many / args.count:.2f} s per submission)")
    print(f"ratio jobs 1 / jobs {args.jobs}: {one / many:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
