"""The lock files: exact versions, with hashes, that `make` installs (``requirements/*.lock``).

    python -m helpers.instructor.lock --upgrade   # re-resolve the newest versions (make upgrade)
    python -m helpers.instructor.lock --refresh   # re-resolve, keeping the locked versions

A resolver (uv's ``pip compile``, a pinned release of it installed under ``build/``) writes
``requirements/test.lock`` from pyproject.toml's dependencies and its ``test`` extra, then
``requirements/lab.lock`` (the dependencies only) constrained by it, so both agree. Locks are
for CPython ``PYTHON_VERSION`` on x86_64 Linux (manylinux 2.28), with every file's hash.
environment.yml's pip section is rewritten to pin the same versions of the direct
dependencies (a test keeps the three files in agreement).
"""
import argparse
import re
import subprocess
import sys
import tomllib
from pathlib import Path

from ..paths import BUILD, ROOT

UV = "uv==0.13.8"
PYTHON_VERSION = "3.11.7"
PLATFORM = "x86_64-manylinux_2_28"
LOCKS = ROOT / "requirements"
TEST_LOCK, LAB_LOCK = LOCKS / "test.lock", LOCKS / "lab.lock"
ENVIRONMENT = ROOT / "environment.yml"
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)", re.M)


def normal(name: str) -> str:
    """A package name as pip compares them (PEP 503)."""
    return re.sub(r"[-_.]+", "-", name).lower()


def requirement_name(requirement: str) -> str:
    return normal(re.split(r"[<>=!~ \[;]", requirement, maxsplit=1)[0])


def direct_dependencies() -> tuple[list[str], list[str]]:
    """pyproject.toml's dependencies and its ``test`` extra, as names."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return ([requirement_name(r) for r in project["dependencies"]],
            [requirement_name(r) for r in project["optional-dependencies"]["test"]])


def pins(path: Path) -> dict[str, str]:
    """``{name: version}`` of a lock file or of any text with ``name==version`` lines."""
    text = path.read_text(encoding="utf-8")
    return {normal(name): version for name, version in PIN.findall(text)}


def uv() -> Path:
    """The pinned resolver, installed once under build/."""
    target = BUILD / "uv"
    binary = target / "bin" / "uv"
    if not binary.exists():
        subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--target", str(target), UV],
                       check=True)
    return binary


def compile_lock(output: Path, *options: str) -> None:
    command = [str(uv()), "pip", "compile", "pyproject.toml", "--generate-hashes", "--quiet",
               "--python-version", PYTHON_VERSION, "--python-platform", PLATFORM,
               "-o", str(output.relative_to(ROOT)), *options]
    subprocess.run(command, cwd=ROOT, check=True)


def environment_yml() -> str:
    """environment.yml's text: conda's Python, then the direct dependencies at locked versions."""
    runtime, tests = direct_dependencies()
    locked = pins(TEST_LOCK)
    missing = [n for n in runtime + tests if n not in locked]
    if missing:
        raise SystemExit(f"lock: {TEST_LOCK.name} has no version for {', '.join(missing)}")
    major_minor = ".".join(PYTHON_VERSION.split(".")[:2])
    lines = ["# Conda environment for RNN Lab: the direct dependencies at the versions of",
             "# requirements/test.lock (written by `python -m helpers.instructor.lock`; a test keeps",
             "# them in agreement). For exactly the locked set, use `make install` instead.",
             "# conda env create -f environment.yml && conda activate rnn-lab && pip install -e . --no-deps",
             "name: rnn-lab", "channels:", "  - conda-forge", "dependencies:",
             f"  - python={major_minor}", "  - pip", "  - pip:"]
    lines += [f'      - "{n}=={locked[n]}"' for n in runtime]
    lines += ["      # the `test` extra of pyproject.toml (only `make test` needs these)"]
    lines += [f'      - "{n}=={locked[n]}"' for n in tests]
    return "\n".join(lines) + "\n"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument("--upgrade", action="store_true", help="the newest versions the ranges allow")
    mode.add_argument("--refresh", action="store_true", help="keep the locked versions")
    args = parser.parse_args(argv)
    LOCKS.mkdir(exist_ok=True)
    compile_lock(TEST_LOCK, "--extra", "test", *(["--upgrade"] if args.upgrade else []))
    compile_lock(LAB_LOCK, "-c", str(TEST_LOCK.relative_to(ROOT)))
    ENVIRONMENT.write_text(environment_yml(), encoding="utf-8")
    print(f"lock: wrote {TEST_LOCK.relative_to(ROOT)}, {LAB_LOCK.relative_to(ROOT)}, environment.yml")
    return 0


if __name__ == "__main__":
    sys.exit(main())
