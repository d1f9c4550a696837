"""Run notebooks headless with progress, for ``make run`` and for refreshing stored outputs.

    python -m helpers.instructor.execute --all --out build/notebooks   # the main job (make run)
    python -m helpers.instructor.execute notebooks/3_emojify.ipynb --inplace  # refresh one notebook

The kernel is this Python (the course's .venv), started in the notebook's own folder. With
``--out``, every figure a notebook shows is also saved as ``<out>/../figures/<notebook>/``
``cell<NN>-<k>.png``, the notebooks write their files under ``<out>/..`` (``RNNLAB_BUILD``),
and every MIDI file in ``<out>/../jazz/`` is then rendered to a WAV file beside it.
"""
import base64
import argparse
import os
import sys
import time
import uuid
from pathlib import Path

import nbformat
from jupyter_core.paths import jupyter_runtime_dir
from nbclient import NotebookClient
from traitlets.config import Config

from .course import NOTEBOOKS
from ..i18n import _
from ..paths import NOTEBOOKS as NB_DIR

# Level 3 also hides TensorFlow C++ "errors" such as the harmless use_unbounded_threadpool notice
# printed by every Keras fit in TF 2.21; Python exceptions still show in the notebooks.
QUIET_ENV = {"TF_CPP_MIN_LOG_LEVEL": "3", "PYTHONWARNINGS": "ignore", "PYDEVD_DISABLE_FILE_VALIDATION": "1"}


def kernel_config() -> Config:
    """The kernel talks to this process over local sockets (IPC) where the OS has them.

    No TCP port, and no "Kernel is running over TCP without encryption" warning at every
    start (``make lab`` does the same). The socket files get an absolute, unique name in
    Jupyter's runtime folder: the kernel runs in another folder, and runs may be parallel.
    """
    if os.name != "posix":
        return Config()
    runtime = Path(jupyter_runtime_dir())
    runtime.mkdir(parents=True, exist_ok=True)
    return Config({"KernelManager": {"transport": "ipc",
                                     "ip": str(runtime / f"rnnlab-{uuid.uuid4().hex[:16]}")}})


class ProgressClient(NotebookClient):
    """A NotebookClient that prints one line per code cell it runs."""

    label = ""

    async def async_execute_cell(self, cell, cell_index, *args, **kwargs):
        if cell.cell_type == "code":
            total = len(self.nb.cells)
            print(_("  {label} [{cell}/{total}] running ...").format(
                label=self.label, cell=cell_index + 1, total=total), flush=True)
        return await super().async_execute_cell(cell, cell_index, *args, **kwargs)


def run(nb: nbformat.NotebookNode, cwd: Path, timeout: int = 900, allow_errors: bool = False,
        progress: bool = True, label: str = "", env: dict | None = None) -> nbformat.NotebookNode:
    """Execute ``nb`` in place in a fresh ``python3`` kernel started in ``cwd``.

    Each cell may run ``timeout`` seconds (then it is interrupted); the kernel sees this
    process's environment, quietened, plus ``env``.
    """
    client = (ProgressClient if progress else NotebookClient)(
        nb, timeout=timeout, kernel_name="python3", allow_errors=allow_errors,
        interrupt_on_timeout=True, resources={"metadata": {"path": str(cwd)}}, config=kernel_config())
    client.label = label
    client.execute(env={**os.environ, **QUIET_ENV, **(env or {})})
    return nb


def execute(path: Path, timeout: int = 900, allow_errors: bool = False, progress: bool = True,
            cwd: Path | None = None, env: dict | None = None) -> nbformat.NotebookNode:
    """Read the notebook at ``path`` and run it (by default in its own folder), in the
    language it records (``RNNLAB_LANG``: a Chinese edition's notebook runs in Chinese)."""
    nb = nbformat.read(str(path), as_version=4)
    lang = nb.metadata.get("rnnlab", {}).get("language")
    env = {**({"RNNLAB_LANG": lang} if lang else {}), **(env or {})}
    return run(nb, cwd or Path(path).parent, timeout, allow_errors, progress, Path(path).name, env)


def write_audio(folder: Path) -> list[Path]:
    """Render every MIDI file in ``folder`` to a WAV file beside it (SoundFont, offline)."""
    from ..jazz.audio import render_folder

    if not folder.is_dir():
        return []
    return render_folder(folder)


def save_figures(nb: nbformat.NotebookNode, folder: Path) -> list[Path]:
    """Write every PNG output of the executed ``nb`` into ``folder``; return the files."""
    written = []
    for index, cell in enumerate(nb.cells):
        pictures = [o for o in cell.get("outputs", []) if "image/png" in o.get("data", {})]
        for k, output in enumerate(pictures):
            folder.mkdir(parents=True, exist_ok=True)
            path = folder / f"cell{index:02d}-{k}.png"
            path.write_bytes(base64.b64decode(output["data"]["image/png"]))
            written.append(path)
    return written


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="Execute course notebooks headless.")
    parser.add_argument("notebooks", nargs="*", type=Path)
    parser.add_argument("--all", action="store_true", help="every course notebook, in order")
    parser.add_argument("--out", type=Path, help="folder for the executed copies")
    parser.add_argument("--inplace", action="store_true", help="overwrite the notebooks' outputs")
    parser.add_argument("--timeout", type=int, default=900, help="seconds per cell")
    args = parser.parse_args(argv)
    paths = [NB_DIR / nb.file for nb in NOTEBOOKS] if args.all else args.notebooks
    if not paths or (args.out is None) == (not args.inplace):
        parser.error(_("give notebooks (or --all) and exactly one of --out / --inplace"))
    build = None if args.out is None else args.out.resolve().parent
    env = None if build is None else {"RNNLAB_BUILD": str(build)}
    for path in paths:
        start = time.perf_counter()
        print(_("{name}: executing").format(name=path.name), flush=True)
        nb = execute(path, timeout=args.timeout, env=env)
        target = path if args.inplace else args.out / path.name
        target.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(nb, str(target))
        print(_("{name}: done in {seconds:.0f} s -> {target}").format(
                  name=path.name, seconds=time.perf_counter() - start, target=target), flush=True)
        if args.out is not None:
            figures = save_figures(nb, args.out.parent / "figures" / path.stem)
            if figures:
                print(_("{name}: {n} figure(s) -> {folder}").format(
                    name=path.name, n=len(figures), folder=figures[0].parent), flush=True)
    if build is not None:
        wavs = write_audio(build / "jazz")
        if wavs:
            print(_("{n_wavs} WAV file(s) -> {parent}").format(
                      n_wavs=len(wavs), parent=wavs[0].parent), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
