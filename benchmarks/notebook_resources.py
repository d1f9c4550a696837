"""What one learner's notebooks cost: peak memory and CPU time of each notebook, run headless.

    .venv/bin/python benchmarks/notebook_resources.py [notebook ...] [--interval 0.2]

Each course notebook (the instructor version: every exercise solved, as a learner who finished
it) runs from top to bottom in a fresh kernel, with helpers.instructor.execute (the kernel that
``make run`` uses), in a temporary folder for the files it writes. While it runs, a thread
samples the kernel and every process it starts (psutil, every ``--interval`` seconds):

- peak memory: the kernel's own peak resident set (``VmHWM``, exact, read by the last sample
  before the kernel exits) and the peak of the sampled sum of the resident sets of the kernel
  and the processes it starts (at least the kernel's own peak; a sum counts shared pages once
  per process: an upper bound);
- CPU time: user + system seconds of the kernel and every process it started, exact: what the
  operating system adds to this process's children times once the kernel has ended
  (``os.times()``), and the mean number of cores busy (CPU time over wall time). TensorFlow
  spreads its work over every core it is given.

Then JupyterLab itself (the server a hub starts per learner, with no kernel) is started on a
learner release, asked for its page and notebook 1, and its resident set is read.

It prints one line per notebook and the figures a hub needs per learner (the largest peak,
the CPU time of the longest notebook). The machine's load average is printed at the start and
the end: on a shared machine the wall times grow with it, the CPU times and memory much less.
"""
import argparse
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from helpers.instructor import release  # noqa: E402
from helpers.instructor.course import NOTEBOOKS, by_file  # noqa: E402
from helpers.instructor.execute import execute  # noqa: E402
from helpers.paths import NOTEBOOKS as NB_DIR  # noqa: E402

MIB = 1024 * 1024


def own_peak(proc: psutil.Process) -> int:
    """The process's peak resident set in bytes (Linux ``VmHWM``; else its current RSS)."""
    try:
        with open(f"/proc/{proc.pid}/status") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return proc.memory_info().rss


class Sampler(threading.Thread):
    """Samples every process below this one until stopped."""

    def __init__(self, interval: float):
        super().__init__(daemon=True)
        self.interval, self.done = interval, threading.Event()
        self.peak_sum, self.kernel_peak = 0, 0
        self.me = psutil.Process()

    def sample(self) -> None:
        total = 0
        for proc in self.me.children(recursive=True):
            try:
                with proc.oneshot():
                    total += proc.memory_info().rss
                    if proc.ppid() == self.me.pid:  # the kernel itself
                        self.kernel_peak = max(self.kernel_peak, own_peak(proc))
            except psutil.Error:  # it ended between the listing and the reading
                continue
        self.peak_sum = max(self.peak_sum, total)

    def run(self) -> None:
        while not self.done.is_set():
            self.sample()
            self.done.wait(self.interval)


def children_cpu() -> float:
    """User + system seconds of this process's ended (and waited for) descendants."""
    times = os.times()
    return times.children_user + times.children_system


def measure(path: Path, interval: float) -> dict:
    sampler = Sampler(interval)
    with tempfile.TemporaryDirectory() as build:
        cpu_before = children_cpu()
        sampler.start()
        start = time.perf_counter()
        execute(path, progress=False, env={"RNNLAB_BUILD": build})  # ends and waits for the kernel
        wall = time.perf_counter() - start
        sampler.done.set()
        sampler.join()
        cpu = children_cpu() - cpu_before
    return {"notebook": path.name, "wall_s": wall, "cpu_s": cpu, "cores": cpu / wall,
            "kernel_peak_mib": sampler.kernel_peak / MIB,
            "tree_peak_mib": max(sampler.peak_sum, sampler.kernel_peak) / MIB}


def server_mib() -> float:
    """Resident memory of a JupyterLab server on a learner release, once it has served notebook 1."""
    with tempfile.TemporaryDirectory() as folder, socket.socket() as sock:
        release.write(Path(folder) / "workspace")
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
        sock.close()
        server = subprocess.Popen(
            [sys.executable, "-m", "jupyterlab", "--no-browser", f"--port={port}", "--ip=127.0.0.1",
             "--IdentityProvider.token=bench", f"--ServerApp.root_dir={folder}/workspace",
             "--allow-root"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            for path in ("/api/status", "/lab", f"/lab/tree/{NOTEBOOKS[0].file}",
                         f"/api/contents/{NOTEBOOKS[0].file}"):
                for _ in range(240):
                    try:
                        urllib.request.urlopen(f"http://127.0.0.1:{port}{path}?token=bench").read()
                        break
                    except OSError:
                        time.sleep(0.5)
                else:
                    raise SystemExit(f"JupyterLab did not answer {path}")
            return psutil.Process(server.pid).memory_info().rss / MIB
        finally:
            server.terminate()
            server.wait(timeout=30)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("notebooks", nargs="*", help="notebook files or stems (default: all four)")
    parser.add_argument("--interval", type=float, default=0.2, help="seconds between samples")
    args = parser.parse_args(argv)
    chosen = [by_file(name) for name in args.notebooks] or list(NOTEBOOKS)
    print(f"load average at start: {' '.join(f'{x:.1f}' for x in os.getloadavg())} "
          f"({os.cpu_count()} cores)", flush=True)
    rows = []
    print(f"{'notebook':<28} {'wall s':>7} {'CPU s':>7} {'cores':>6} {'kernel peak MiB':>16} "
          f"{'tree peak MiB':>14}", flush=True)
    for nb in chosen:
        row = measure(NB_DIR / nb.file, args.interval)
        rows.append(row)
        print(f"{row['notebook']:<28} {row['wall_s']:7.0f} {row['cpu_s']:7.0f} {row['cores']:6.2f} "
              f"{row['kernel_peak_mib']:16.0f} {row['tree_peak_mib']:14.0f}", flush=True)
    server = server_mib()
    print(f"JupyterLab server (no kernel), resident: {server:.0f} MiB")
    print(f"load average at end: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    peak = max(rows, key=lambda r: r["tree_peak_mib"])
    longest = max(rows, key=lambda r: r["cpu_s"])
    print(f"per learner: peak memory {peak['tree_peak_mib'] + server:.0f} MiB "
          f"(server + {peak['notebook']}), "
          f"longest notebook {longest['cpu_s']:.0f} CPU s ({longest['notebook']}), "
          f"all notebooks {sum(r['cpu_s'] for r in rows):.0f} CPU s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
