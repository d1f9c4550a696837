"""Start a grading kernel inside its sandbox (runs in the kernel's process, by path, standard
library only, before any learner code).

    python kernel_boot.py CONNECTION_FILE

``box.py`` copies this file next to the learner release and starts it as root with the
settings in ``RNNLAB_BOX_*`` environment variables (each removed as it is read). In order,
while still privileged: join the kernel's control groups; a private copy of the connection
file; a mount namespace whose root is an allow-list view of the files (``view.py``), entered
with ``chroot``; a new, empty network namespace; the memory, file-size and core limits; then
the switch to the kernel's own unprivileged user id and its process limit. Any step that
fails ends the start with a one-line reason (``kernel_boot: ...``): there is no weaker mode.
Then it removes every import route to the instructor's checkout (the editable-install finder,
the checkout's folder on ``sys.path``) and runs an ordinary IPython kernel.
"""
import ctypes
import os
import resource
import shutil
import signal
import sys

CLONE_NEWNS, CLONE_NEWUSER, CLONE_NEWNET = 0x00020000, 0x10000000, 0x40000000
MS_RDONLY, MS_NOSUID, MS_NODEV, MS_REMOUNT, MS_BIND, MS_REC, MS_PRIVATE = 1, 2, 4, 32, 4096, 16384, 1 << 18
PR_SET_PDEATHSIG = 1


def setting(name: str, default: str = "") -> str:
    return os.environ.pop(f"RNNLAB_BOX_{name}", default)


def _mount(libc, source, target, fstype, flags, data=""):
    enc = [None if v is None else str(v).encode() for v in (source, target, fstype, data)]
    if libc.mount(enc[0], enc[1], enc[2], flags, enc[3]) != 0:
        raise OSError(ctypes.get_errno(), f"mount {target}")


def _real_parts(path: str, root: str, links: list) -> str:
    """``path`` with every symbolic link on the way resolved; each link met is recorded in
    ``links`` as ``(where, target)`` so that the view can hold the same link."""
    current = "/"
    parts = [p for p in path.split("/") if p]
    for index, part in enumerate(parts):
        step = os.path.join(current, part)
        if os.path.islink(step):
            target = os.readlink(step)
            links.append((step, target))
            rest = "/".join(parts[index + 1:])
            resolved = os.path.normpath(os.path.join(current, target))
            return _real_parts(os.path.join(resolved, rest) if rest else resolved, root, links)
        current = step
    return current


def allow_list_view(libc, root: str, readable: list, writable: list, private: dict) -> None:
    """Make ``root`` (an empty folder) a file system holding only the ``readable`` paths
    (read-only), the ``writable`` ones, and ``private`` tmpfs folders ``{path: size}``; then
    ``chroot`` into it. Paths keep their names; symbolic links on the way are recreated."""
    if libc.unshare(CLONE_NEWNS) != 0:
        raise OSError(ctypes.get_errno(), "unshare")
    _mount(libc, None, "/", None, MS_REC | MS_PRIVATE)
    _mount(libc, "tmpfs", root, "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755,size=4m")
    links: list = []
    binds = []
    for path, mode in [(p, "ro") for p in readable] + [(p, "rw") for p in writable]:
        if os.path.lexists(path):
            binds.append((_real_parts(os.path.abspath(path), root, links), mode))
    mounts = [(len(p), p, "tmpfs", size) for p, size in private.items()]
    mounts += [(len(p), p, mode, None) for p, mode in binds]
    done = set()
    for _, path, kind, size in sorted(mounts):
        if (path, kind) in done:
            continue
        done.add((path, kind))
        target = root + path
        if kind == "tmpfs":
            os.makedirs(target, mode=0o755, exist_ok=True)
            _mount(libc, "tmpfs", target, "tmpfs", MS_NOSUID | MS_NODEV,
                   f"mode=1777,size={size}")
            continue
        if os.path.isdir(path):
            os.makedirs(target, mode=0o755, exist_ok=True)
        else:
            os.makedirs(os.path.dirname(target), mode=0o755, exist_ok=True)
            if not os.path.exists(target):
                open(target, "a").close()
        _mount(libc, path, target, None, MS_BIND | MS_REC)
        if kind == "ro":
            _mount(libc, None, target, None, MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID)
    for where, target in links:
        spot = root + where
        if not os.path.lexists(spot):
            os.makedirs(os.path.dirname(spot), mode=0o755, exist_ok=True)
            os.symlink(target, spot)
    os.makedirs(root + "/proc", mode=0o555, exist_ok=True)
    _mount(libc, "proc", root + "/proc", "proc", MS_NOSUID | MS_NODEV)
    for name, target in (("fd", "/proc/self/fd"), ("stdin", "/proc/self/fd/0"),
                         ("stdout", "/proc/self/fd/1"), ("stderr", "/proc/self/fd/2")):
        if not os.path.lexists(f"{root}/dev/{name}"):
            os.symlink(target, f"{root}/dev/{name}")
    os.chdir(root)
    os.chroot(".")
    os.chdir("/")


def limit(which, value: str) -> None:
    if value:
        amount = int(value)
        try:
            resource.setrlimit(which, (amount, amount))
        except (ValueError, OSError):
            soft, hard = resource.getrlimit(which)
            if hard == resource.RLIM_INFINITY or amount < hard:
                resource.setrlimit(which, (amount, hard))


def join_cgroups(paths: str) -> None:
    """Move this process (and so everything it starts) into the kernel's own cgroups."""
    for folder in [p for p in paths.split(os.pathsep) if p]:
        name = "cgroup.procs" if os.path.exists(os.path.join(folder, "cgroup.procs")) else "tasks"
        with open(os.path.join(folder, name), "w") as fh:
            fh.write(str(os.getpid()))


def main() -> None:
    source = sys.argv[1]
    uid, gid = int(setting("UID", "-1")), int(setting("GID", "-1"))
    memory, fsize, nproc = setting("MEMORY"), setting("FSIZE"), setting("NPROC")
    private = setting("CONNECTION")
    drop = [p for p in setting("DROP").split(os.pathsep) if p]
    readable = [p for p in setting("READ").split(os.pathsep) if p]
    writable = [p for p in setting("WRITE").split(os.pathsep) if p]
    tmp_size = setting("TMP_SIZE", "512m")
    root = setting("ROOT")
    cgroups = setting("CGROUPS")
    nice = int(setting("NICE", "0"))
    network = setting("NETWORK")
    libc = ctypes.CDLL(None, use_errno=True)
    if os.geteuid() != 0 or uid < 0 or not root:
        sys.stderr.write("kernel_boot: must be started as root with a user id and a view\n")
        os._exit(3)
    try:
        join_cgroups(cgroups)
        shutil.copyfile(source, private)
        os.chown(private, uid, gid)
        os.chmod(private, 0o600)
        allow_list_view(libc, root, readable, writable, {"/tmp": tmp_size, "/dev/shm": tmp_size})
        if network != "allow" and libc.unshare(CLONE_NEWNET) != 0:
            raise OSError(ctypes.get_errno(), "unshare the network")
    except OSError as err:
        sys.stderr.write(f"kernel_boot: cannot isolate the kernel ({err})\n")
        os._exit(3)
    limit(resource.RLIMIT_AS, memory)
    limit(resource.RLIMIT_FSIZE, fsize)
    limit(resource.RLIMIT_CORE, "0")
    if nice:
        os.nice(nice)
    os.setgroups([])
    os.setgid(gid)
    os.setuid(uid)
    limit(resource.RLIMIT_NPROC, nproc)
    libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)  # the kernel never outlives the grader
    if os.getppid() == 1:
        os._exit(1)
    # No route back to the instructor's checkout: neither the editable install nor a folder.
    sys.meta_path[:] = [f for f in sys.meta_path
                        if not type(f).__module__.startswith("__editable__")
                        and not getattr(f, "__module__", "").startswith("__editable__")]
    sys.path_hooks[:] = [h for h in sys.path_hooks
                         if not getattr(h, "__module__", "").startswith("__editable__")]
    for name in [m for m in sys.modules if m.startswith("__editable__")]:
        del sys.modules[name]
    here = os.path.dirname(os.path.abspath(__file__))
    blocked = {os.path.realpath(p) for p in drop + [here]}
    sys.path[:] = [p for p in sys.path if p and os.path.realpath(p) not in blocked]
    sys.path_importer_cache.clear()
    sys.argv = ["ipykernel", "-f", private]
    from ipykernel import kernelapp

    kernelapp.launch_new_instance()


if __name__ == "__main__":
    main()
