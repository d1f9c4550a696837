"""What the README promises of each command holds: the targets exist and do what it says."""
import os
import re
import subprocess
import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def make_dry_run(target: str) -> str:
    """The commands `make <target>` would run (the install step is taken as done)."""
    run = subprocess.run(["make", "-n", "-o", ".venv/.installed", target], cwd=ROOT,
                         capture_output=True, text=True)
    assert run.returncode == 0, f"make {target}: {run.stderr.strip()}"
    return run.stdout


def test_every_make_target_the_readme_names_exists():
    named = set(re.findall(r"`make (\w[\w-]*)", README))
    assert {"lab", "test", "run", "release", "grade", "export", "execute", "bench"} <= named
    for target in sorted(named):
        make_dry_run(target)


def test_every_script_the_readme_names_exists():
    for script in re.findall(r"(scripts/\w+\.py|benchmarks/\w+\.py)", README):
        assert (ROOT / script).is_file(), f"README names {script}, which does not exist"


def test_make_test_is_what_ci_runs():
    assert "make test" in (ROOT / ".ci/run").read_text(encoding="utf-8")
    assert "--nbval" in make_dry_run("test")


def test_make_run_writes_executed_notebooks_and_their_figures(tmp_path):
    """`make run` = execute --all --out build/notebooks; figures land in build/figures/."""
    assert re.search(r"helpers\.instructor\.execute --all --out build/notebooks", make_dry_run("run"))
    nb = nbformat.v4.new_notebook(metadata={"kernelspec": {"name": "python3", "display_name": "Python 3",
                                                           "language": "python"}})
    nb.cells = [nbformat.v4.new_code_cell("import matplotlib\nmatplotlib.use('Agg')\n"
                                          "import matplotlib.pyplot as plt\n%matplotlib inline"),
                nbformat.v4.new_code_cell("plt.plot([0, 1], [1, 0]); plt.show()"),
                nbformat.v4.new_code_cell("print(6 * 7)")]
    source = tmp_path / "demo.ipynb"
    nbformat.write(nb, str(source))
    out = tmp_path / "build" / "notebooks"
    run = subprocess.run([sys.executable, "-m", "helpers.instructor.execute", str(source),
                          "--out", str(out)], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stdout + run.stderr[-2000:]
    executed = nbformat.read(str(out / "demo.ipynb"), as_version=4)
    assert executed.cells[2].outputs[0]["text"].strip() == "42"
    figures = sorted((tmp_path / "build" / "figures" / "demo").glob("*.png"))
    assert [f.name for f in figures] == ["cell01-0.png"]
    assert figures[0].read_bytes().startswith(b"\x89PNG")


def test_ci_runs_the_float_path_and_browser_tests_after_make_test():
    """The other float path's replay (tests/float_paths) and the browser test (tests/browser) are
    `make test-float-path` and `make test-browser`, which CI runs after `make test`."""
    lines = [line.strip() for line in (ROOT / ".ci/run").read_text(encoding="utf-8").splitlines()]
    assert lines.index("make test") < lines.index("make test-float-path") < lines.index("make test-browser")
    assert "pytest tests/browser" in make_dry_run("test-browser")
    assert "pytest tests/float_paths" in make_dry_run("test-float-path")
    assert "--ignore=tests/browser" in make_dry_run("test")
    assert "--ignore=tests/float_paths" in make_dry_run("test")


def make_help(lang: str) -> str:
    env = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MAKELEVEL", "MFLAGS")}
    env["RNNLAB_LANG"] = lang
    run = subprocess.run(["make", "--no-print-directory", "help"], cwd=ROOT, env=env,
                         capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    return run.stdout


def test_make_help_names_every_target_in_the_chosen_language():
    targets = set(re.findall(r"^(\w[\w-]*):", (ROOT / "Makefile").read_text(), re.M))
    english, chinese = make_help("en"), make_help("zh_CN")
    for text in (english, chinese):
        shown = set(re.findall(r"^make ([\w-]+)", text, re.M))
        assert shown and shown <= targets and {"lab", "test", "release", "grade"} <= shown
    assert "start JupyterLab" in english and not re.search(r"[\u4e00-\u9fff]", english)
    assert "启动 JupyterLab" in chinese and "start JupyterLab" not in chinese
