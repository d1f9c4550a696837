"""The repository builds as a hub image (repo2docker's ``binder/`` files), checked without Docker.

What repo2docker does with ``binder/`` (and so BinderHub and Zero to JupyterHub images): a
Python of ``runtime.txt``, ``pip install -r binder/requirements.txt`` in the repository folder,
``binder/postBuild`` once, then ``binder/start <server command>`` at every start. Here:

- ``requirements.txt`` is parsed as pip reads it (``-r`` relative to the file): it installs
  exactly ``requirements/lab.lock`` in hash-checking mode, nothing else;
- the same three steps run on a copy of the repository in a fresh virtual environment that
  sees the course's .venv packages (a path file, the way ``--system-site-packages`` shows a
  base Python's): pip runs the real install
  command with ``--no-index`` and finds every locked version already there (so nothing is
  downloaded and the lock's versions are shown to be the ones the course runs on), postBuild
  installs the copy and writes its learner workspace, and start hands over, in the workspace,
  with the course's Jupyter settings, to the command it is given.

Not covered: a real image build (Docker), repo2docker's own base environment (its JupyterLab
and jupyterhub-singleuser, which the lock replaces or sits beside), and downloading the wheels.
"""
import json
import os
import re
import shutil
import subprocess
import sys
import venv
from pathlib import Path

from helpers.instructor import lock, nbcells
from helpers.instructor.course import NOTEBOOKS

ROOT = Path(__file__).resolve().parent.parent
BINDER = ROOT / "binder"
NOT_COPIED = {".git", ".venv", "build", "dist", "workspace", "__pycache__", ".pytest_cache"}
SHOW = ("import json, os, sys, helpers; print(json.dumps({'cwd': os.getcwd(), "
        "'config': os.environ['JUPYTER_CONFIG_PATH'], 'helpers': helpers.__file__, "
        "'python': sys.prefix}))")


def requirement_lines(path: Path) -> tuple[set[str], dict[str, str], list[Path]]:
    """(options, {name: version}, files) of a pip requirements file, following ``-r``."""
    options, pinned, files = set(), {}, [path]
    text = re.sub(r"\\\n", " ", path.read_text(encoding="utf-8"))
    for line in text.splitlines():
        line = line.strip()
        line = "" if line.startswith("#") else line.split(" #", 1)[0].strip()
        if line.startswith(("-r ", "--requirement ")):
            nested = (path.parent / line.split(maxsplit=1)[1]).resolve()
            more_options, more_pins, more_files = requirement_lines(nested)
            options |= more_options
            pinned.update(more_pins)
            files += more_files
        elif line.startswith("-"):
            options.add(line.split()[0])
        elif line:
            found = lock.PIN.match(line)
            assert found, f"{path.name}: {line!r} is not pinned with =="
            pinned[lock.normal(found.group(1))] = found.group(2)
    return options, pinned, files


def test_binder_requirements_are_exactly_the_lab_lock_with_hashes():
    options, pinned, files = requirement_lines(BINDER / "requirements.txt")
    assert files == [BINDER / "requirements.txt", lock.LAB_LOCK]
    assert pinned == lock.pins(lock.LAB_LOCK)
    assert options == {"--require-hashes"}


def test_binder_pins_the_python_the_lock_is_for_and_uses_no_other_build_files():
    major_minor = ".".join(lock.PYTHON_VERSION.split(".")[:2])
    assert (BINDER / "runtime.txt").read_text().strip() == f"python-{major_minor}"
    # with binder/ present repo2docker reads only binder/: a conda file there would win over pip
    assert sorted(p.name for p in BINDER.iterdir()) == ["postBuild", "requirements.txt",
                                                        "runtime.txt", "start"]
    assert all(os.access(BINDER / script, os.X_OK) for script in ("postBuild", "start"))


def copy_of_the_repository(target: Path) -> Path:
    shutil.copytree(ROOT, target, ignore=lambda folder, names: [n for n in names if n in NOT_COPIED])
    return target


def run(command, cwd, env, timeout=600):
    done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    assert done.returncode == 0, f"{command}: {done.stdout[-2000:]}{done.stderr[-3000:]}"
    return done.stdout


def test_the_build_steps_give_a_learner_workspace_in_a_fresh_environment(tmp_path):
    repo = copy_of_the_repository(tmp_path / "repo")
    env_dir = tmp_path / "env"
    venv.create(env_dir, with_pip=False)
    # the course .venv's packages show through, its pip included (as --system-site-packages
    # would show the base Python's), but not its own editable install of this worktree
    base = Path(sys.prefix) / "lib" / f"python{sys.version_info.major}.{sys.version_info.minor}" / "site-packages"
    (env_dir / "lib" / base.parent.name / "site-packages" / "course.pth").write_text(str(base) + "\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("VIRTUAL_ENV", "PYTHON", "JUPYTER"))}
    env.update(PATH=f"{env_dir / 'bin'}:{env['PATH']}", HOME=str(repo))

    # 1. requirements.txt, as repo2docker runs it (here: already satisfied, nothing fetched)
    installed = run(["python", "-m", "pip", "install", "--no-index", "-r", "binder/requirements.txt"],
                    repo, env)
    assert "Requirement already satisfied: tensorflow-cpu==" in installed
    # 2. postBuild: the course itself (editable) and the learner workspace
    run(["binder/postBuild"], repo, env)
    workspace = repo / "workspace"
    for nb in NOTEBOOKS:
        cells = nbcells.read(workspace / nb.file).cells
        assert not any(nbcells.BEGIN in c.source for c in cells), f"{nb.file} has solutions"
    assert (workspace / "helpers").is_dir() and not (workspace / "helpers" / "instructor").exists()
    # and the image keeps no solution anywhere: no instructor notebook, tooling or history
    left = [p.relative_to(repo) for p in repo.rglob("*") if p.is_file() and p.suffix in (".py", ".ipynb")
            and ("BEGIN SOLUTION" in p.read_text(errors="replace") or "instructor" in p.parts)]
    assert not left and not (repo / "notebooks").exists() and not (repo / ".git").exists(), left
    # 3. start, as the image's entry point: in the workspace, with the course's Jupyter settings
    shown = json.loads(run(["binder/start", "python", "-c", SHOW], repo, env))
    assert shown["cwd"] == str(workspace)
    assert shown["config"].split(":")[0] == str(repo / "jupyter-config")
    assert shown["python"] == str(env_dir)
    assert shown["helpers"] == str(workspace / "helpers" / "__init__.py")
    outside = run(["python", "-c", "import helpers; print(helpers.__file__)"], tmp_path, env)
    assert outside.strip() == str(repo / "helpers" / "__init__.py")  # postBuild's editable install


def test_start_copies_the_workspace_once_into_a_home_outside_the_course(tmp_path):
    """A hub with persistent homes: the course is built outside the home folder
    (``repo2docker --target-repo-dir``); the learner's copy is made once and then kept."""
    course, home = tmp_path / "course", tmp_path / "home"
    (course / "workspace").mkdir(parents=True)
    (course / "workspace" / "1.ipynb").write_text("as released")
    home.mkdir()
    shutil.copytree(BINDER, course / "binder")
    env = dict(os.environ, HOME=str(home))
    env.pop("JUPYTER_CONFIG_PATH", None)
    where = run([str(course / "binder" / "start"), "pwd"], tmp_path, env)
    assert where.strip() == str(home / "rnn-lab")
    (home / "rnn-lab" / "1.ipynb").write_text("the learner's edits")
    run([str(course / "binder" / "start"), "true"], tmp_path, env)
    assert (home / "rnn-lab" / "1.ipynb").read_text() == "the learner's edits"
