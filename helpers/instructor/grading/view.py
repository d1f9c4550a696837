"""What a grading kernel may see and use, decided by the grading process.

A kernel sees an allow-list of the file system (``boot.py`` builds it in the kernel's own
mount namespace and ``chroot``s into it): the system folders, the Python it runs (the virtual
environment by its own path and by its real one when it is a link, and the base
installation), the learner release, and its own folder; a private, size-limited ``/tmp`` and
``/dev/shm``. Every other path (this checkout and any other, home folders, the submissions,
the results) does not exist there. It also gets no network, its own user id, and its own
control groups (``cgroups.py``).

That needs root and private mount and network namespaces. Without them, grading refuses, in
one line that says what is missing (:func:`missing_isolation`): it never runs learner code in
a weaker mode.
"""
import ctypes
import os
import sys
from pathlib import Path

BASE_SYSTEM = ("/usr", "/bin", "/sbin", "/lib", "/lib64", "/lib32", "/etc", "/sys")
DEVICES = ("/dev/null", "/dev/zero", "/dev/full", "/dev/random", "/dev/urandom")
TMP_SIZE = "512m"                      # the kernel's private /tmp and /dev/shm, each
CLONE_NEWNS, CLONE_NEWNET = 0x00020000, 0x40000000
AS_ROOT = os.geteuid() == 0

_WORKS: list = []


def python_paths() -> list[str]:
    """The Python a kernel runs: the virtual environment (its path and its real path, when it
    is a link or lies outside the checkout) and the base installation."""
    paths = {sys.prefix, sys.exec_prefix, sys.base_prefix, sys.base_exec_prefix,
             os.path.dirname(sys.executable)}
    paths |= {os.path.realpath(p) for p in paths}
    return sorted(paths)


def readable_paths(release: Path) -> list[str]:
    """What a kernel sees read-only."""
    return [*BASE_SYSTEM, *python_paths(), str(Path(release) / "release")]


def namespaces_work() -> bool:
    """Whether this machine lets the grader give a kernel its own mount and network namespace."""
    if not _WORKS:
        works = False
        if AS_ROOT:
            pid = os.fork()
            if pid == 0:
                code = ctypes.CDLL(None, use_errno=True).unshare(CLONE_NEWNS | CLONE_NEWNET)
                os._exit(0 if code == 0 else 1)
            works = os.waitpid(pid, 0)[1] == 0
        _WORKS.append(works)
    return _WORKS[0]


def missing_isolation() -> str:
    """Why kernels cannot be isolated here, in one line, or "" when they can."""
    if not AS_ROOT:
        return ("grading needs root: each kernel gets its own user id, an allow-list view of the "
                "files and no network, which a normal user cannot give it (learner code would "
                "run as you, seeing your files); grade as root, e.g. in a container")
    if not namespaces_work():
        return ("grading needs private mount and network namespaces (unshare failed here), so "
                "that a kernel sees only an allow-list of the files; grade where they are allowed")
    return ""
