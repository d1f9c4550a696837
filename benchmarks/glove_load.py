"""GloVe 6B 50d: load time and peak memory of helpers.emojify.glove vs a classic line-by-line text reader.

    .venv/bin/python benchmarks/glove_load.py [--repeat 3]

First (not timed) the packaged vectors are written out as a temporary ``glove.6B.50d.txt``
(400,000 lines, the original file's format). Then every loader runs in a fresh Python process,
``--repeat`` times, and reports its best wall time and its peak resident memory above the
process's resident memory after its imports (Linux: the peak is reset through
``/proc/self/clear_refs`` once the imports are done):

- ``classic text reader``: read the text file line by line into ``{word: np.array}`` and
  ``{word: index}`` dicts, the way the classic lesson's ``read_glove_vecs`` does;
- ``load_glove() (vectors ready)``: memory-map the .npy, nothing else, and read one vector row;
- ``load_glove() + word_to_index``: the same plus the word list and the ``{word: index}`` dict,
  then one ``word_to_vec_map`` lookup (the classic API ready to use);
- ``load_glove(txt)``: helpers.emojify.glove's own reader of an original text file, for reference.

It prints the ratios classic / load_glove for time and memory, measured in this one run.
"""
import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

CHILD = r"""
import json, sys, time
import numpy as np
import pyarrow.parquet  # imported before the baseline, like numpy: only the loading is measured
sys.path.insert(0, {root!r})
from helpers.emojify.glove import load_glove

def status_mb(field):
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024  # kB -> MiB
    raise RuntimeError(f"no {{field}} in /proc/self/status")

def reset_peak():
    # Linux: writing 5 to clear_refs resets the peak resident set size (VmHWM) to the current one,
    # so that the peak measured below belongs to the loading, not to the imports before it
    with open("/proc/self/clear_refs", "w") as fh:
        fh.write("5")

def classic(path):
    words_to_index, word_to_vec_map = {{}}, {{}}
    with open(path, encoding="utf-8") as fh:
        for i, line in enumerate(fh, start=1):
            parts = line.rstrip("\n").split(" ")
            word_to_vec_map[parts[0]] = np.array(parts[1:], dtype=np.float64)
            words_to_index[parts[0]] = i
    return words_to_index, word_to_vec_map

kind, txt = sys.argv[1], sys.argv[2]
reset_peak()
base = status_mb("VmRSS")
start = time.perf_counter()
if kind == "classic":
    w2i, w2v = classic(txt)
    vec = w2v["baseball"]
elif kind == "vectors":
    glove = load_glove()
    vec = np.array(glove.vectors[12345])
elif kind == "classic_api":
    glove = load_glove()
    vec = glove.word_to_vec_map["baseball"]
    assert glove.word_to_index["baseball"] > 0
elif kind == "our_text":
    glove = load_glove(txt)
    vec = glove.word_to_vec_map["baseball"]
seconds = time.perf_counter() - start
print(json.dumps({{"seconds": seconds, "peak_mb": status_mb("VmHWM") - base, "check": float(vec[0])}}))
"""

LOADERS = [("classic", "classic text reader (dict of arrays)"),
           ("vectors", "load_glove() (vectors ready)"),
           ("classic_api", "load_glove() + word_to_index"),
           ("our_text", "load_glove(txt) (helpers.emojify.glove text reader)")]


def write_text_copy(path: Path) -> None:
    """Write the packaged vectors in the original GloVe text format (one word + 50 numbers a line)."""
    import numpy as np

    sys.path.insert(0, str(ROOT))
    from helpers.emojify.glove import load_glove

    glove = load_glove()
    vectors = np.asarray(glove.vectors)
    with open(path, "w", encoding="utf-8") as fh:
        for word, row in zip(glove.words, vectors):
            fh.write(word + " " + " ".join(f"{x:.5g}" for x in row.tolist()) + "\n")


def measure(kind: str, txt: Path, repeat: int) -> dict:
    runs = []
    for _ in range(repeat):
        out = subprocess.run([sys.executable, "-c", CHILD.format(root=str(ROOT)), kind, str(txt)],
                             capture_output=True, text=True, check=True)
        runs.append(json.loads(out.stdout.strip().splitlines()[-1]))
    return {"seconds": min(r["seconds"] for r in runs), "peak_mb": max(r["peak_mb"] for r in runs)}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs per loader (best time is kept)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="glove-bench-") as tmp:
        txt = Path(tmp) / "glove.6B.50d.txt"
        start = time.perf_counter()
        write_text_copy(txt)
        print(f"wrote {txt.stat().st_size / 2**20:.0f} MiB of GloVe text in "
              f"{time.perf_counter() - start:.0f} s (not timed below)")
        results = {kind: measure(kind, txt, args.repeat) for kind, _ in LOADERS}
    print(f"\n{'loader':<46} {'time (s)':>9} {'peak memory (MiB)':>18}")
    for kind, label in LOADERS:
        r = results[kind]
        print(f"{label:<46} {r['seconds']:>9.3f} {r['peak_mb']:>18.1f}")
    classic = results["classic"]
    for kind in ("vectors", "classic_api"):
        r = results[kind]
        print(f"\nclassic / {dict(LOADERS)[kind]}: time x{classic['seconds'] / r['seconds']:.0f}, "
              f"peak memory x{classic['peak_mb'] / max(r['peak_mb'], 0.1):.0f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
