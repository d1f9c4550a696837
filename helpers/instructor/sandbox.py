"""A notebook kernel for untrusted code: its own folder, user, limits, and no way back.

The grader talks to the kernel only through :class:`Box`: :meth:`Box.run_cell` runs one
cell of the learner's notebook with a time limit, :meth:`Box.ask` asks the kernel to call a
function the notebook defined and returns the plain answer (``helpers.plain``), read from
files that only the kernel's own answer folder holds. Nothing the kernel prints is read.

What the kernel gets (see ``kernel_boot.py``): a learner release of the course (read-only, no
``helpers/instructor``) as its only ``helpers``, a private writable folder as working
directory and home, no network (a new network namespace where the OS allows it), a memory
limit (``RLIMIT_AS``), a file-size and a process limit, and, when the grader runs as root, its
own unprivileged user id, for which :func:`hidden` makes the instructor's files unreadable.
A kernel that dies or stops answering is killed with everything it started (its process
group, every process of its user id, every orphan it left) and can be started again.
"""
import contextlib
import ctypes
import os
import queue
import secrets
import shutil
import signal
import stat
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from jupyter_client.blocking import BlockingKernelClient
from jupyter_client.connect import write_connection_file

from .. import plain

BOOT = Path(__file__).with_name("kernel_boot.py")
AS_ROOT = os.geteuid() == 0
UID_BASE, UID_SPAN = 61000, 4000       # unprivileged user ids for kernels (root only)
MEMORY = 8 * 2**30                     # address space of a kernel: TF and Keras fit in it
FILE_SIZE = 2 * 2**30                  # largest file a kernel may write
PROCESSES = 512                        # threads and processes of a kernel's user id
SECRETS = ("helpers/instructor", "notebooks", "tests", ".git", "build", "docs", "scripts")
PR_SET_CHILD_SUBREAPER = 36
INTERRUPT_GRACE = 3.0                  # seconds an interrupted kernel has to answer
AGENT = "_rnnlab_agent"                # the kernel's private copy of helpers.plain


class BoxError(RuntimeError):
    """The kernel could not be started (one line)."""


@dataclass
class Answer:
    """What came back from one request: ``status`` and a plain ``value``.

    status: ``ok``, ``not implemented``, ``crash``, ``not plain`` (message says why),
    ``timeout``, ``died`` (the kernel process ended) or ``invalid`` (no well-formed answer).
    """
    status: str
    value: object = None
    message: str = ""
    printed: str = ""         # what the function printed during the call


# ------------------------------------------------------------------ process bookkeeping

def become_subreaper() -> None:
    """Orphans of our kernels are re-parented to this process, so we can find and end them."""
    with contextlib.suppress(Exception):
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_CHILD_SUBREAPER, 1)


def _processes() -> list[tuple[int, int, int, str]]:
    """``(pid, ppid, uid, state)`` of every process we can see."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as fh:
                tail = fh.read().rsplit(b")", 1)[1].split()
            uid = os.stat(f"/proc/{entry}").st_uid
        except (OSError, IndexError):
            continue
        found.append((int(entry), int(tail[1]), uid, tail[0].decode()))
    return found


def uid_in_use(uid: int) -> bool:
    return any(u == uid for _, _, u, _ in _processes())


def _reap(pid: int) -> None:
    with contextlib.suppress(ChildProcessError, OSError):
        os.waitpid(pid, os.WNOHANG)


def end_processes(root_pid: int | None, uid: int | None, marker: str) -> None:
    """SIGKILL the kernel's process tree, its user id's processes and orphans it left."""
    me = os.getpid()
    for _ in range(50):
        procs = _processes()
        children: dict[int, list[int]] = {}
        for pid, ppid, _, _ in procs:
            children.setdefault(ppid, []).append(pid)
        doomed = set()
        if root_pid is not None:
            stack = [root_pid]
            while stack:
                pid = stack.pop()
                if pid not in doomed:
                    doomed.add(pid)
                    stack += children.get(pid, [])
        for pid, ppid, puid, state in procs:
            if uid is not None and puid == uid:
                doomed.add(pid)
            elif ppid == me and pid != root_pid and _has_marker(pid, marker):
                doomed.add(pid)
        alive = [p for p, _, _, s in procs if p in doomed and s != "Z" and p != me]
        for pid, ppid, _, state in procs:
            if pid in doomed and ppid == me:
                _reap(pid)
        if not alive:
            return
        for pid in alive:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(pid, signal.SIGKILL)
        time.sleep(0.05)


def _has_marker(pid: int, marker: str) -> bool:
    try:
        with open(f"/proc/{pid}/environ", "rb") as fh:
            return marker.encode() in fh.read()
    except OSError:
        return False


# ------------------------------------------------------------------ hiding the instructor's files

_HIDDEN: dict[str, list] = {}
_HIDDEN_LOCK = threading.Lock()


_VIEWS: list = []


def private_views_work() -> bool:
    """Whether this machine lets us give a kernel its own mount namespace (root, not every
    container). Where it does, the instructor's folders are hidden there (see kernel_boot.py);
    elsewhere :func:`hidden` removes their "other" permission bits while grading."""
    if not _VIEWS:
        works = False
        if AS_ROOT:
            pid = os.fork()
            if pid == 0:
                code = ctypes.CDLL(None, use_errno=True).unshare(0x00020000)
                os._exit(0 if code == 0 else 1)
            works = os.waitpid(pid, 0)[1] == 0
        _VIEWS.append(works)
    return _VIEWS[0]


def _checkouts() -> set[Path]:
    """This checkout and the checkout holding the running virtual environment (an editable
    install points there)."""
    from ..paths import ROOT

    roots = {ROOT.resolve()}
    venv_parent = Path(sys.prefix).resolve().parent
    if (venv_parent / "helpers" / "instructor").is_dir():
        roots.add(venv_parent)
    return roots


def secret_roots(extra=()) -> list[Path]:
    """Folders a kernel sees empty: the checkouts of :func:`_checkouts` (the virtual
    environment's .venv stays visible) and ``extra``."""
    return sorted(_checkouts() | {Path(p).resolve() for p in extra})


def secret_paths(extra=()) -> list[Path]:
    """The instructor's files a kernel must not read, in the checkouts of :func:`_checkouts`,
    and ``extra``."""
    found = [root / name for root in sorted(_checkouts()) for name in SECRETS]
    found += [Path(p).resolve() for p in extra]
    return [p for p in found if p.exists() or p.is_symlink()]


@contextlib.contextmanager
def hidden(paths):
    """Remove the "other" permission bits of ``paths`` for the duration (as root only).

    Kernels run as users that are neither owner nor group of these files, so this makes them
    unreadable to learner code; root itself is not affected. Nested and repeated uses are
    counted; the original modes come back at the end, whatever happens in between.
    """
    if not AS_ROOT:
        yield
        return
    mine = []
    with _HIDDEN_LOCK:
        for path in paths:
            key = str(path)
            if key not in _HIDDEN:
                try:
                    mode = os.lstat(path).st_mode
                except OSError:
                    continue
                if stat.S_ISLNK(mode):
                    continue
                _HIDDEN[key] = [stat.S_IMODE(mode), 0]
                os.chmod(path, stat.S_IMODE(mode) & ~0o007)
            _HIDDEN[key][1] += 1
            mine.append(key)
    try:
        yield
    finally:
        with _HIDDEN_LOCK:
            for key in mine:
                _HIDDEN[key][1] -= 1
                if _HIDDEN[key][1] == 0:
                    mode = _HIDDEN.pop(key)[0]
                    with contextlib.suppress(OSError):
                        os.chmod(key, mode)


# ------------------------------------------------------------------ the shared, read-only release

def prepare_release(folder: Path) -> Path:
    """Write a learner release and the kernel bootstrap into ``folder``, readable by all,
    writable by no kernel. Returns ``folder``."""
    from . import release

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    release.write(folder / "release")
    shutil.copyfile(BOOT, folder / "kernel_boot.py")
    for path in [folder, *folder.rglob("*")]:
        if path.is_symlink():
            continue
        os.chmod(path, 0o755 if path.is_dir() else 0o644)
    if AS_ROOT:
        os.chmod(folder, 0o711)
    return folder


# ------------------------------------------------------------------ one kernel

@dataclass
class Limits:
    cell: float = 120.0          # seconds per notebook cell
    memory: int = MEMORY         # bytes of address space
    network: bool = False        # allow the network (tests of this module only)
    start: float = 60.0          # seconds for the kernel to answer its first request


@dataclass
class Box:
    """One sandboxed kernel for one submission. Use as a context manager."""
    release: Path                      # folder written by prepare_release
    limits: Limits = field(default_factory=Limits)
    preload: tuple = ()                # modules imported before any learner code
    hide: tuple = ()                   # more paths to hide (the submissions, the results)

    def __post_init__(self):
        self.release = Path(self.release)
        self.proc = self.client = None
        self.uid = None
        self.starts = 0
        self.marker = "RNNLAB_BOX_MARK=" + secrets.token_hex(8)

    # ----- life cycle
    def __enter__(self):
        base = self.release
        self.home = Path(_mkdtemp(base, "box-"))       # root-owned, 0711
        self.work = self.home / "work"                 # the kernel's own folder
        self.calls = self.home / "calls"               # requests (root) and answers (kernel)
        self.calls.mkdir(mode=0o755)
        os.chmod(self.calls, 0o711 if AS_ROOT else 0o700)
        if AS_ROOT:
            self.uid = self._free_uid()
            closed = _closed_ancestor(sys.base_prefix) or _closed_ancestor(sys.prefix)
            if closed and not private_views_work():
                self.__exit__()
                raise BoxError(f"cannot sandbox the kernel: {closed} (above this Python) is "
                               "closed to other users and this machine allows no private "
                               "mount namespace; grade as a normal user instead")
        self.start()
        return self

    def __exit__(self, *exc):
        self.stop()
        shutil.rmtree(self.home, ignore_errors=True)
        _TAKEN.discard(self.uid)

    def _free_uid(self) -> int:
        first = UID_BASE + (os.getpid() * 7 + secrets.randbelow(1000)) % UID_SPAN
        for step in range(UID_SPAN):
            uid = UID_BASE + (first - UID_BASE + step) % UID_SPAN
            if not uid_in_use(uid) and uid not in _TAKEN:
                _TAKEN.add(uid)
                return uid
        raise BoxError("no free user id for a grading kernel")

    def start(self) -> None:
        """Start a fresh kernel (a clean working folder each time)."""
        self.stop()
        self.starts += 1
        shutil.rmtree(self.work, ignore_errors=True)
        for sub in ("", "home", "build", "ipc"):
            (self.work / sub).mkdir(mode=0o700, exist_ok=True)
        if self.uid is not None:
            for path in [self.work, *self.work.rglob("*")]:
                os.chown(path, self.uid, self.uid)
        connection = self.home / "kernel.json"
        connection.unlink(missing_ok=True)
        write_connection_file(str(connection), ip=str(self.work / "ipc" / "k"), transport="ipc",
                              key=secrets.token_hex(16).encode())
        os.chmod(self.home, 0o711)  # write_connection_file may set the sticky bit
        home = self.work / "home"
        env = {
            "PATH": os.pathsep.join([str(Path(sys.executable).parent), "/usr/bin", "/bin"]),
            "HOME": str(home), "IPYTHONDIR": str(home / ".ipython"),
            "MPLCONFIGDIR": str(home / ".matplotlib"), "KERAS_HOME": str(home / ".keras"),
            "JUPYTER_RUNTIME_DIR": str(home / ".jupyter"), "XDG_CACHE_HOME": str(home / ".cache"),
            "TMPDIR": str(home), "PYTHONPATH": str(self.release / "release"),
            "PYTHONDONTWRITEBYTECODE": "1", "PYTHONHASHSEED": "0", "PYTHONWARNINGS": "ignore",
            "RNNLAB_BUILD": str(self.work / "build"), "MPLBACKEND": "Agg", "LANG": "C.UTF-8",
            "TF_CPP_MIN_LOG_LEVEL": "3", "PYDEVD_DISABLE_FILE_VALIDATION": "1",
            "RNNLAB_BOX_UID": str(self.uid if self.uid is not None else -1),
            "RNNLAB_BOX_GID": str(self.uid if self.uid is not None else -1),
            "RNNLAB_BOX_MEMORY": str(self.limits.memory), "RNNLAB_BOX_FSIZE": str(FILE_SIZE),
            "RNNLAB_BOX_NPROC": str(PROCESSES if self.uid is not None else _nproc_for_user()),
            "RNNLAB_BOX_CONNECTION": str(self.work / "kernel.json"),
            "RNNLAB_BOX_NETWORK": "allow" if self.limits.network else "deny",
            "RNNLAB_BOX_DROP": os.pathsep.join(_instructor_roots()),
        }
        if self.uid is not None and private_views_work():
            stage = self.home / "stage"
            stage.mkdir(mode=0o700, exist_ok=True)
            keep = {sys.prefix, sys.base_prefix, str(self.release), str(self.home)}
            env["RNNLAB_BOX_HIDE"] = os.pathsep.join(str(p) for p in secret_roots(self.hide))
            env["RNNLAB_BOX_KEEP"] = os.pathsep.join(str(Path(p).resolve()) for p in keep)
            env["RNNLAB_BOX_STAGE"] = str(stage)
        mark_name, mark_value = self.marker.split("=", 1)
        env[mark_name] = mark_value
        # RNNLAB_BOX_DEBUG=1 shows the kernel's own stderr (start-up problems).
        self.proc = subprocess.Popen(
            [sys.executable, str(self.release / "kernel_boot.py"), str(connection)],
            cwd=str(self.work), env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=None if os.environ.get("RNNLAB_BOX_DEBUG") else subprocess.DEVNULL,
            start_new_session=True, close_fds=True)
        client = BlockingKernelClient(connection_file=str(connection))
        client.load_connection_file()
        client.start_channels(shell=True, iopub=False, stdin=False, hb=False, control=False)
        self.client = client
        msg_id = client.kernel_info()
        status = self._wait(msg_id, self.limits.start)
        if status in ("timeout", "died"):
            self.stop()
            raise BoxError(f"the grading kernel did not start ({status})")

    def stop(self) -> None:
        if self.client is not None:
            with contextlib.suppress(Exception):
                self.client.stop_channels()
            self.client = None
        if self.proc is not None:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(self.proc.pid, signal.SIGKILL)
            end_processes(self.proc.pid, self.uid, self.marker)
            with contextlib.suppress(Exception):
                self.proc.wait(timeout=10)
            self.proc = None
        elif self.uid is not None:
            end_processes(None, self.uid, self.marker)

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    # ----- talking to it
    def _wait(self, msg_id: str, timeout: float) -> str:
        """The status of the reply to ``msg_id``, or ``timeout`` / ``died``."""
        deadline = time.monotonic() + timeout
        while True:
            if not self.alive():
                return "died"
            left = deadline - time.monotonic()
            if left <= 0:
                return "timeout"
            try:
                msg = self.client.get_shell_msg(timeout=min(0.2, left))
            except queue.Empty:
                continue
            if msg.get("parent_header", {}).get("msg_id") == msg_id:
                return str(msg.get("content", {}).get("status", "error"))

    def _execute(self, code: str, timeout: float, silent: bool = False) -> str:
        """Run ``code``; on a time-out interrupt it, and if even that is not answered, kill it.

        Returns ``ok``, ``error``, ``timeout`` (the kernel survived), ``stuck`` (it was
        killed) or ``died``.
        """
        if not self.alive():
            return "died"
        msg_id = self.client.execute(code, silent=silent, store_history=not silent,
                                     allow_stdin=False, stop_on_error=False)
        status = self._wait(msg_id, timeout)
        if status != "timeout":
            return "ok" if status == "ok" else ("died" if status == "died" else "error")
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.kill(self.proc.pid, signal.SIGINT)
        if self._wait(msg_id, INTERRUPT_GRACE) in ("timeout", "died"):
            self.stop()
            return "stuck"
        return "timeout"

    def run_cell(self, source: str, timeout: float | None = None) -> str:
        """Run one notebook cell under the per-cell time limit, or ``timeout`` seconds when
        given (see :meth:`_execute`)."""
        return self._execute(source, self.limits.cell if timeout is None else timeout)

    def preload_modules(self) -> str:
        """Before any learner code: import the checks (for probes) and a private copy of
        ``helpers.plain`` that answers the calls, so patching ``helpers.plain`` in the
        notebook does not touch it."""
        agent = self.release / "release" / "helpers" / "plain.py"
        code = (f"def {AGENT}():\n"
                f"    import importlib.util, sys\n"
                f"    spec = importlib.util.spec_from_file_location({AGENT!r}, {str(agent)!r})\n"
                f"    module = importlib.util.module_from_spec(spec)\n"
                f"    spec.loader.exec_module(module)\n"
                f"    sys.modules[{AGENT!r}] = module\n"
                + "".join(f"    import {m}\n" for m in self.preload)
                + f"{AGENT}()\ndel {AGENT}\n")
        return self._execute(code, self.limits.start, silent=True)

    def ask(self, op: str, name: str, args=(), kwargs=None, timeout: float = 60.0,
            module: str = "", probe: str = "") -> Answer:
        """Ask the kernel to ``call`` / ``probe`` / ``has`` the function ``name``."""
        if not self.alive():
            return Answer("died")
        nonce = secrets.token_hex(16)
        folder = self.calls / nonce
        folder.mkdir(mode=0o755)
        out = folder / "out"
        out.mkdir(mode=0o700)
        if self.uid is not None:
            os.chown(out, self.uid, self.uid)
        request = {"nonce": nonce, "op": op, "name": name, "module": module, "probe": probe}
        plain.write(folder, "request", request, {"args": tuple(args), "kwargs": dict(kwargs or {})})
        for path in folder.iterdir():
            if path.is_file():
                os.chmod(path, 0o644)
        code = f"__import__('sys').modules[{AGENT!r}].serve({str(folder)!r}, globals())"
        try:
            status = self._execute(code, timeout, silent=True)
            if status in ("timeout", "stuck", "died"):
                return Answer("timeout" if status != "died" else "died")
            return read_answer(out, nonce)
        finally:
            shutil.rmtree(folder, ignore_errors=True)


_TAKEN: set = set()


def _mkdtemp(parent: Path, prefix: str) -> str:
    import tempfile

    path = tempfile.mkdtemp(prefix=prefix, dir=parent)
    os.chmod(path, 0o711 if AS_ROOT else 0o700)
    return path


def _closed_ancestor(path: str) -> str:
    """The first folder above ``path`` that other users may not enter, or ""."""
    current = Path("/")
    for part in Path(path).resolve().parts[1:]:
        current = current / part
        with contextlib.suppress(OSError):
            if not os.stat(current).st_mode & 0o001:
                return str(current)
    return ""


def _instructor_roots() -> list[str]:
    from ..paths import ROOT

    return sorted({str(ROOT.resolve()), str(Path(sys.prefix).resolve().parent)})


def _nproc_for_user() -> str:
    """As a normal user the process limit counts all of the user's processes: leave room."""
    mine = sum(1 for _, _, uid, _ in _processes() if uid == os.getuid())
    return str(mine + PROCESSES)


# ------------------------------------------------------------------ reading an answer (untrusted)

def _read_file(dir_fd: int, name: str, limit: int) -> bytes:
    fd = os.open(name, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK, dir_fd=dir_fd)
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise plain.NotPlain(f"{name} is not a regular file")
        if info.st_size > limit:
            raise plain.NotPlain(f"{name} is larger than {limit // 2**20} MB")
        chunks, total = [], 0
        while True:
            chunk = os.read(fd, 1 << 20)
            if not chunk:
                break
            total += len(chunk)
            if total > limit:
                raise plain.NotPlain(f"{name} is larger than {limit // 2**20} MB")
            chunks.append(chunk)
        return b"".join(chunks)
    finally:
        os.close(fd)


def read_answer(out: Path, nonce: str) -> Answer:
    """The kernel's answer in ``out``, checked field by field; never follows a link."""
    try:
        dir_fd = os.open(str(out), os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW)
    except OSError:
        return Answer("invalid", message="its answer folder is gone")
    try:
        document = _read_file(dir_fd, "response.json", plain.MAX_JSON)
        blob = _read_file(dir_fd, "response.bin", plain.MAX_BYTES)
        header, value = plain.parse(document, blob)
    except FileNotFoundError:
        return Answer("invalid", message="no answer was written")
    except (OSError, plain.NotPlain) as err:
        return Answer("invalid", message=plain.one_line(err, 120))
    finally:
        os.close(dir_fd)
    status, message = header.get("status"), header.get("message", "")
    printed = header.get("printed", "")
    if header.get("nonce") != nonce:
        return Answer("invalid", message="the answer belongs to another request")
    if (status not in ("ok", "not implemented", "crash", "not plain")
            or not isinstance(message, str) or not isinstance(printed, str)):
        return Answer("invalid", message="the answer is malformed")
    return Answer(status, value if status == "ok" else None, plain.one_line(message),
                  printed[:plain.MAX_PRINTED])

