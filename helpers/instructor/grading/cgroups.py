"""Each grading kernel's own CPU, memory and process share: a control group per kernel.

cgroup v2 where its ``cpu``, ``memory`` and ``pids`` controllers can be used below this
process's group, else cgroup v1 (one folder per controller, as many containers mount them),
else none: :func:`available` says which, and :func:`create` raises :class:`NoShares` naming
what is missing (the box then relies on its RLIMITs, its nice level and the notebook's
deadline, and says so). The kernel joins its groups itself, before it runs any learner code
(``boot.py``), so every process it starts is counted, limited, and ended with it.
"""
import contextlib
import os
import signal
import time
from pathlib import Path

ROOT = Path("/sys/fs/cgroup")
CPU_PERIOD = 100_000          # microseconds


class NoShares(RuntimeError):
    """No writable control groups with the controllers a kernel needs (one line)."""


def _own(controller: str) -> str | None:
    """This process's group for a v1 ``controller`` ('' for v2), from /proc/self/cgroup."""
    try:
        lines = Path("/proc/self/cgroup").read_text().splitlines()
    except OSError:
        return None
    for line in lines:
        _, names, path = line.split(":", 2)
        if controller in names.split(",") or (controller == "" and names == ""):
            return path
    return None


def _v2_base() -> Path | None:
    for mount in (ROOT, ROOT / "unified"):
        own = _own("")
        if own is None or not (mount / "cgroup.controllers").exists():
            continue
        base = mount / own.lstrip("/")
        try:
            enabled = set((base / "cgroup.controllers").read_text().split())
        except OSError:
            continue
        if {"cpu", "memory", "pids"} <= enabled and os.access(base, os.W_OK):
            return base
    return None


def _v1_bases() -> dict | None:
    bases = {}
    for controller in ("memory", "pids", "cpu"):
        own = _own(controller)
        mount = ROOT / controller
        if own is None or not mount.is_dir():
            return None
        base = mount / own.lstrip("/")
        if not os.access(base, os.W_OK):
            return None
        bases[controller] = base
    return bases


def available() -> str:
    """``"v2"``, ``"v1"`` or ``""`` (no control groups this process may create)."""
    if _v2_base() is not None:
        return "v2"
    if _v1_bases() is not None:
        return "v1"
    return ""


def _write(path: Path, value) -> None:
    path.write_text(str(value))


def create(name: str, memory: int, processes: int, cpus: float) -> list[Path]:
    """New groups called ``name`` limited to ``memory`` bytes, ``processes`` tasks and
    ``cpus`` CPUs; returns their folders (the kernel joins them all)."""
    base = _v2_base()
    if base is not None:
        folder = base / name
        folder.mkdir()
        with contextlib.suppress(OSError):  # the parent must delegate the controllers
            _write(base / "cgroup.subtree_control", "+cpu +memory +pids")
        _write(folder / "memory.max", memory)
        with contextlib.suppress(OSError):
            _write(folder / "memory.swap.max", 0)
        _write(folder / "pids.max", processes)
        _write(folder / "cpu.max", f"{int(cpus * CPU_PERIOD)} {CPU_PERIOD}")
        return [folder]
    bases = _v1_bases()
    if bases is None:
        raise NoShares("no writable control groups (cgroup v2 with cpu, memory and pids, or "
                       "cgroup v1) under /sys/fs/cgroup")
    folders = []
    try:
        for controller, parent in bases.items():
            folder = parent / name
            folder.mkdir()
            folders.append(folder)
            if controller == "memory":
                _write(folder / "memory.limit_in_bytes", memory)
                with contextlib.suppress(OSError):
                    _write(folder / "memory.memsw.limit_in_bytes", memory)
            elif controller == "pids":
                _write(folder / "pids.max", processes)
            else:
                _write(folder / "cpu.cfs_period_us", CPU_PERIOD)
                _write(folder / "cpu.cfs_quota_us", int(cpus * CPU_PERIOD))
    except OSError as err:
        remove(folders)
        raise NoShares(f"cannot set up control groups ({err.strerror or err})") from None
    return folders


def members(folders) -> set[int]:
    found = set()
    for folder in folders:
        for name in ("cgroup.procs", "tasks"):
            with contextlib.suppress(OSError, ValueError):
                found |= {int(p) for p in (Path(folder) / name).read_text().split()}
    return found


def kill_all(folders) -> None:
    """SIGKILL every process in the groups until none is left."""
    for _ in range(100):
        alive = members(folders) - {os.getpid()}
        if not alive:
            return
        for pid in alive:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(pid, signal.SIGKILL)
        time.sleep(0.02)


def remove(folders) -> None:
    kill_all(folders)
    for folder in folders:
        for _ in range(50):
            try:
                Path(folder).rmdir()
                break
            except FileNotFoundError:
                break
            except OSError:
                time.sleep(0.02)
