"""One sandboxed notebook kernel for one submission (the grading process's side of it).

The grader talks to the kernel only through :class:`Box`: :meth:`Box.run_cell` runs one
cell of the learner's notebook with a time limit, :meth:`Box.ask` asks the kernel to call a
function the notebook defined and returns the plain answer (``wire.read_answer``), read from
files that only the kernel's own answer folder holds. Nothing the kernel prints is read.

What the kernel gets is set up by ``boot.py`` from the ``RNNLAB_BOX_*`` settings written here
(see ``view.py``): its own unprivileged user id, an allow-list view of the files, no network,
its own control groups (``cgroups.py``) or, where there are none, RLIMITs and a nice level
(the notebook's deadline bounds its time either way). A kernel that dies or stops answering is
killed with everything it started (its groups, its process tree, every process of its user
id) and can be started again.
"""
import contextlib
import os
import queue
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from jupyter_client.blocking import BlockingKernelClient
from jupyter_client.connect import write_connection_file

from ... import plain
from . import cgroups, view
from .processes import end_processes, uid_in_use
from .wire import Answer, read_answer

BOOT = Path(__file__).with_name("boot.py")
UID_BASE, UID_SPAN = 61000, 4000       # unprivileged user ids for kernels
MEMORY = 8 * 2**30                     # address space of a kernel: TF and Keras fit in it
FILE_SIZE = 2 * 2**30                  # largest file a kernel may write
PROCESSES = 512                        # threads and processes of a kernel
CPUS = 1.0                             # CPU share of a kernel (its control group's quota)
NICE = 10                              # where there are no control groups: yield the CPU
INTERRUPT_GRACE = 3.0                  # seconds an interrupted kernel has to answer
AGENT = "_rnnlab_agent"                # the kernel's private copy of helpers.plain


class BoxError(RuntimeError):
    """The kernel could not be started, or cannot be isolated here (one line)."""


def prepare_release(folder: Path) -> Path:
    """Write a learner release and the kernel bootstrap into ``folder``, readable by all,
    writable by no kernel. Returns ``folder``.

    The grading copy holds no ready-made model that a graded function could return in place
    of its own: ``helpers.emojify.variants.emojify_variant`` (Emojifier-V2 with any recurrent
    layer) refuses to build there.
    """
    from .. import release

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    release.write(folder / "release")
    variants = folder / "release" / "helpers" / "emojify" / "variants.py"
    if variants.exists():
        with open(variants, "a", encoding="utf-8") as fh:
            fh.write("\n\ndef emojify_variant(*args, **kwargs):  # the grading copy only\n"
                     "    raise RuntimeError('emojify_variant is not available while grading: "
                     "Emojify_V2 builds its own layers')\n")
    shutil.copyfile(BOOT, folder / "kernel_boot.py")
    for path in [folder, *folder.rglob("*")]:
        if path.is_symlink():
            continue
        os.chmod(path, 0o755 if path.is_dir() else 0o644)
    os.chmod(folder, 0o711)
    return folder


@dataclass
class Limits:
    cell: float = 120.0          # seconds per notebook cell
    memory: int = MEMORY         # bytes of address space (and of the control group)
    network: bool = False        # allow the network (tests of this module only)
    start: float = 60.0          # seconds for the kernel to answer its first request


_TAKEN: set = set()


@dataclass
class Box:
    """One sandboxed kernel for one submission. Use as a context manager."""
    release: Path                      # folder written by prepare_release
    limits: Limits = field(default_factory=Limits)
    preload: tuple = ()                # modules imported before any learner code

    def __post_init__(self):
        self.release = Path(self.release)
        self.proc = self.client = None
        self.uid = None
        self.starts = 0
        self.groups: list = []
        self.shares = ""               # how the kernel's CPU, memory and processes are limited

    # ----- life cycle
    def __enter__(self):
        missing = view.missing_isolation()
        if missing:
            raise BoxError(missing)
        self.home = Path(tempfile.mkdtemp(prefix="box-", dir=self.release))
        os.chmod(self.home, 0o711)
        self.work = self.home / "work"                 # the kernel's own folder
        self.calls = self.home / "calls"               # requests (root) and answers (kernel)
        self.calls.mkdir(mode=0o711)
        self.root = self.home / "root"                 # where the kernel's view is built
        self.root.mkdir(mode=0o700)
        self.uid = self._free_uid()
        try:
            self.start()
        except BaseException:
            self.__exit__()
            raise
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

    def _groups(self) -> None:
        try:
            self.groups = cgroups.create(f"rnnlab-{secrets.token_hex(6)}", self.limits.memory,
                                         PROCESSES, CPUS)
            self.shares = f"control groups ({cgroups.available()}): {CPUS:g} CPU, " \
                          f"{self.limits.memory // 2**30} GiB, {PROCESSES} processes"
        except (cgroups.NoShares, OSError) as err:
            self.groups = []
            self.shares = (f"no control groups ({plain.one_line(err, 100)}): RLIMITs, nice "
                           f"{NICE} and the notebook's deadline")

    def start(self) -> None:
        """Start a fresh kernel (a clean working folder each time)."""
        self.stop()
        self.starts += 1
        shutil.rmtree(self.work, ignore_errors=True)
        for sub in ("", "home", "build", "ipc"):
            (self.work / sub).mkdir(mode=0o700, exist_ok=True)
        for path in [self.work, *self.work.rglob("*")]:
            os.chown(path, self.uid, self.uid)
        connection = self.home / "kernel.json"
        connection.unlink(missing_ok=True)
        write_connection_file(str(connection), ip=str(self.work / "ipc" / "k"), transport="ipc",
                              key=secrets.token_hex(16).encode())
        os.chmod(connection, 0o600)
        os.chmod(self.home, 0o711)  # write_connection_file may set the sticky bit
        self._groups()
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
            "RNNLAB_BOX_UID": str(self.uid), "RNNLAB_BOX_GID": str(self.uid),
            "RNNLAB_BOX_MEMORY": str(self.limits.memory), "RNNLAB_BOX_FSIZE": str(FILE_SIZE),
            "RNNLAB_BOX_NPROC": str(PROCESSES),
            "RNNLAB_BOX_CONNECTION": str(self.work / "kernel.json"),
            "RNNLAB_BOX_NETWORK": "allow" if self.limits.network else "deny",
            "RNNLAB_BOX_DROP": os.pathsep.join(_instructor_roots()),
            "RNNLAB_BOX_READ": os.pathsep.join(view.readable_paths(self.release)),
            "RNNLAB_BOX_WRITE": os.pathsep.join([str(self.work), str(self.calls), *view.DEVICES]),
            "RNNLAB_BOX_ROOT": str(self.root), "RNNLAB_BOX_TMP_SIZE": view.TMP_SIZE,
            "RNNLAB_BOX_CGROUPS": os.pathsep.join(str(g) for g in self.groups),
            "RNNLAB_BOX_NICE": "0" if self.groups else str(NICE),
        }
        # RNNLAB_BOX_DEBUG=1 shows the kernel's own stderr (start-up problems).
        with open(self.home / "boot.log", "wb") as log:
            self.proc = subprocess.Popen(
                [sys.executable, str(self.release / "kernel_boot.py"), str(connection)],
                cwd=str(self.work), env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                stderr=None if os.environ.get("RNNLAB_BOX_DEBUG") else log,
                start_new_session=True, close_fds=True)
        client = BlockingKernelClient(connection_file=str(connection))
        client.load_connection_file()
        client.start_channels(shell=True, iopub=False, stdin=False, hb=False, control=False)
        self.client = client
        msg_id = client.kernel_info()
        status = self._wait(msg_id, self.limits.start)
        if status in ("timeout", "died"):
            why = self._boot_error()
            self.stop()
            raise BoxError(f"the grading kernel did not start ({status}{': ' + why if why else ''})")

    def _boot_error(self) -> str:
        """The bootstrap's own one-line reason, when it gave one before dying."""
        if self.proc is None or self.proc.poll() is None:
            return ""
        with contextlib.suppress(Exception), open(self.home / "boot.log", "rb") as fh:
            lines = [line for line in fh.read(4096).decode(errors="replace").splitlines()
                     if line.startswith("kernel_boot:")]
            return plain.one_line(lines[-1].removeprefix("kernel_boot: "), 160) if lines else ""
        return ""

    def stop(self) -> None:
        if self.client is not None:
            with contextlib.suppress(Exception):
                self.client.stop_channels()
            self.client = None
        if self.proc is not None:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(self.proc.pid, signal.SIGKILL)
        cgroups.remove(self.groups)
        self.groups = []
        if self.proc is not None:
            end_processes(self.proc.pid, self.uid)
            with contextlib.suppress(Exception):
                self.proc.wait(timeout=10)
            self.proc = None
        elif self.uid is not None:
            end_processes(None, self.uid)

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
        """Before any learner code: import the probes and a private copy of
        ``helpers.plain`` that answers the calls. Learner code may replace either: the grader
        believes only the plain values that come back, checked (``wire.read_answer``)."""
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


def _instructor_roots() -> list[str]:
    """Folders that must not be on the kernel's ``sys.path`` (the editable install's)."""
    from ...paths import ROOT

    return sorted({str(ROOT.resolve()), str(Path(sys.prefix).resolve().parent)})
