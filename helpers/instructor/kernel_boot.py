"""Start a grading kernel inside its sandbox (run by path, standard library only).

    python kernel_boot.py CONNECTION_FILE

``helpers.instructor.sandbox`` copies this file next to the learner release and starts it
with the settings in ``RNNLAB_BOX_*`` environment variables (removed before any learner code
runs). In order, while still privileged: a new network namespace (no network; best effort),
the memory, file-size and process limits, a private copy of the connection file, then (when
started as root) the switch to the sandbox's own unprivileged user. Then it removes every
import route to the instructor's checkout (the editable-install finder, the checkout's folder
on ``sys.path``) and runs an ordinary IPython kernel.
"""
import ctypes
import os
import resource
import shutil
import signal
import sys

CLONE_NEWNS, CLONE_NEWUSER, CLONE_NEWNET = 0x00020000, 0x10000000, 0x40000000
MS_RDONLY, MS_NOSUID, MS_NODEV, MS_BIND, MS_REC, MS_PRIVATE = 1, 2, 4, 4096, 16384, 1 << 18
PR_SET_PDEATHSIG = 1


def setting(name: str, default: str = "") -> str:
    return os.environ.pop(f"RNNLAB_BOX_{name}", default)


def unshare_network(libc, as_root: bool) -> None:
    """A new, empty network namespace; as a normal user inside a new user namespace."""
    flags = CLONE_NEWNET if as_root else CLONE_NEWUSER | CLONE_NEWNET
    if libc.unshare(flags) != 0 and not as_root:
        libc.unshare(CLONE_NEWNET)


def _mount(libc, source, target, fstype, flags, data=""):
    enc = [None if v is None else str(v).encode() for v in (source, target, fstype, data)]
    if libc.mount(enc[0], enc[1], enc[2], flags, enc[3]) != 0:
        raise OSError(ctypes.get_errno(), f"mount {target}")


def _inside(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip("/") + "/")


def cover(libc, folder: str, keep: list, stage: str) -> None:
    """Lay an empty tmpfs over ``folder`` (in this mount namespace), keeping the ``keep``
    paths inside it visible where they were."""
    staged = []
    for index, path in enumerate(keep):
        spot = os.path.join(stage, f"{len(os.listdir(stage))}-{index}")
        os.mkdir(spot, 0o700)
        _mount(libc, path, spot, None, MS_BIND | MS_REC)
        staged.append((spot, path))
    if os.path.isdir(folder):
        _mount(libc, "tmpfs", folder, "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755,size=1m")
    else:
        _mount(libc, "/dev/null", folder, None, MS_BIND)
    for spot, path in staged:
        os.makedirs(path, mode=0o755, exist_ok=True)
        _mount(libc, spot, path, None, MS_BIND | MS_REC)


def blocked_ancestor(path: str) -> str | None:
    """The first folder above ``path`` that others may not enter, if any."""
    current = "/"
    for part in path.strip("/").split("/")[:-1]:
        current = os.path.join(current, part)
        if not os.stat(current).st_mode & 0o001:
            return current
    return None


def private_view(libc, hide: list, keep: list, stage: str) -> None:
    """A mount namespace where the ``hide`` folders are empty (but for the ``keep`` paths
    inside them) and every ``keep`` path can be reached by an unprivileged user."""
    if libc.unshare(CLONE_NEWNS) != 0:
        raise OSError(ctypes.get_errno(), "unshare")
    _mount(libc, None, "/", None, MS_REC | MS_PRIVATE)
    hide = sorted({os.path.realpath(h) for h in hide if os.path.lexists(h)}, key=len)
    keep = sorted({os.path.realpath(k) for k in keep})
    done = []
    for folder in hide:
        if any(_inside(folder, d) for d in done):
            continue
        cover(libc, folder, [k for k in keep if _inside(k, folder) and k != folder], stage)
        done.append(folder)
    for _ in range(8):
        blocked = {}
        for path in keep:
            ancestor = blocked_ancestor(path)
            if ancestor:
                blocked.setdefault(ancestor, []).append(path)
        if not blocked:
            return
        for folder, paths in blocked.items():
            cover(libc, folder, paths, stage)


def limit(which, value: str) -> None:
    if value:
        amount = int(value)
        try:
            resource.setrlimit(which, (amount, amount))
        except (ValueError, OSError):
            soft, hard = resource.getrlimit(which)
            if hard == resource.RLIM_INFINITY or amount < hard:
                resource.setrlimit(which, (amount, hard))


def main() -> None:
    source = sys.argv[1]
    uid, gid = int(setting("UID", "-1")), int(setting("GID", "-1"))
    memory, fsize, nproc = setting("MEMORY"), setting("FSIZE"), setting("NPROC")
    private = setting("CONNECTION")
    drop = [p for p in setting("DROP").split(os.pathsep) if p]
    hide = [p for p in setting("HIDE").split(os.pathsep) if p]
    keep = [p for p in setting("KEEP").split(os.pathsep) if p]
    stage = setting("STAGE")
    libc = ctypes.CDLL(None, use_errno=True)
    if hide and os.geteuid() == 0:
        try:
            private_view(libc, hide, keep, stage)
        except OSError as err:
            sys.stderr.write(f"kernel_boot: no private file view ({err})\n")
            os._exit(3)
    if setting("NETWORK") != "allow":
        unshare_network(libc, os.geteuid() == 0)
    limit(resource.RLIMIT_AS, memory)
    limit(resource.RLIMIT_FSIZE, fsize)
    limit(resource.RLIMIT_CORE, "0")
    shutil.copyfile(source, private)
    if uid >= 0 and os.geteuid() == 0:
        os.chown(private, uid, gid)
        os.setgroups([])
        os.setgid(gid)
        os.setuid(uid)
    os.chmod(private, 0o600)
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
