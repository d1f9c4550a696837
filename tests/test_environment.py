"""The install descriptions agree: pyproject.toml's ranges, the lock files, environment.yml.

pyproject.toml's ``dependencies`` are what ``make lab`` installs, at the versions of
``requirements/lab.lock``; its ``test`` extra holds what only the tests need, installed by
``make test`` from ``requirements/test.lock``. environment.yml (a conda environment) pins the
same versions of both.
"""
import re
import tomllib
from pathlib import Path

import yaml
from importlib import metadata
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.version import Version

from helpers.instructor import lock

ROOT = Path(__file__).resolve().parent.parent


def pyproject():
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]


def pyproject_deps():
    return pyproject()["dependencies"]


def extra_deps():
    return pyproject()["optional-dependencies"]["test"]


def name(requirement):
    return re.split(r"[<>=!~ \[]", requirement, maxsplit=1)[0].lower().replace("_", "-")


def test_environment_yml_pins_the_locked_versions_of_pyproject_s_packages():
    """environment.yml is what ``helpers.instructor.lock`` writes from the lock files."""
    assert (ROOT / "environment.yml").read_text() == lock.environment_yml(), \
        "environment.yml disagrees with requirements/test.lock: run `python -m helpers.instructor.lock --refresh`"
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    pip_sections = [d["pip"] for d in env["dependencies"] if isinstance(d, dict) and "pip" in d]
    assert len(pip_sections) == 1, "environment.yml needs exactly one pip: section"
    listed = {name(r): r.split("==")[1] for r in pip_sections[0]}
    assert sorted(listed) == sorted(name(d) for d in pyproject_deps() + extra_deps())
    assert all(lock.pins(lock.TEST_LOCK)[n] == v for n, v in listed.items())


def test_the_two_locks_agree_and_cover_pyproject():
    lab, test = lock.pins(lock.LAB_LOCK), lock.pins(lock.TEST_LOCK)
    assert {name(d) for d in pyproject_deps()} <= set(lab)
    assert {name(d) for d in pyproject_deps() + extra_deps()} <= set(test)
    assert not {n for n in lab if test.get(n) != lab[n]}, "lab.lock and test.lock pin different versions"
    for path in (lock.LAB_LOCK, lock.TEST_LOCK):
        text = path.read_text()
        entries = re.findall(r"^\S+==\S+ \\\n((?:\s+--hash=sha256:[0-9a-f]{64}(?: \\)?\n)+)", text, re.M)
        assert len(entries) == len(lock.pins(path)), f"{path.name}: every pin needs its hashes"
    for requirement in pyproject_deps() + extra_deps():
        version = test[name(requirement)]
        assert Requirement(requirement).specifier.contains(version, prereleases=True), (requirement, version)


def test_the_tests_run_in_the_locked_versions():
    """What `make test` installed is exactly requirements/test.lock."""
    wrong = {}
    for package, version in lock.pins(lock.TEST_LOCK).items():
        try:
            installed = metadata.version(package)
        except metadata.PackageNotFoundError:
            installed = None
        if installed is None or Version(installed) != Version(version):
            wrong[package] = (version, installed)
    assert not wrong, f"locked vs installed: {wrong}"


def test_what_only_the_tests_need_is_a_test_extra_that_make_test_installs_and_make_lab_does_not():
    runtime, tests = {name(d) for d in pyproject_deps()}, {name(d) for d in extra_deps()}
    assert {"pytest", "nbval", "pytest-timeout"} <= tests and not runtime & tests
    makefile = (ROOT / "Makefile").read_text()
    install = re.search(r"^\$\(TEST_STAMP\):.*\n((?:\t.*\n)+)", makefile, re.M)
    assert install and "--require-hashes -r requirements/test.lock" in install.group(1)
    assert '--no-deps --no-build-isolation -e ".[test]"' in install.group(1)
    lab_install = re.search(r"^\$\(STAMP\):.*\n((?:\t.*\n)+)", makefile, re.M).group(1)
    assert "--require-hashes -r requirements/lab.lock" in lab_install and "test.lock" not in lab_install
    assert re.search(r"^test: \$\(TEST_STAMP\)", makefile, re.M)
    assert re.search(r"^lab: \$\(STAMP\)$", makefile, re.M)
    # the runtime (what learners get) never imports a test-only package
    modules = {"pytest", "nbval", "pytest_timeout", "yaml", "websocket"}
    for path in (ROOT / "helpers").rglob("*.py"):
        imported = set(re.findall(r"^\s*(?:import|from) (\w+)", path.read_text(encoding="utf-8"), re.M))
        assert not imported & modules, f"{path.relative_to(ROOT)} imports {imported & modules}"


def test_python_versions_agree():
    requires = SpecifierSet(tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["requires-python"])
    assert requires.contains(lock.PYTHON_VERSION), "the locks are resolved for a Python pyproject refuses"
    for path in (lock.LAB_LOCK, lock.TEST_LOCK):
        assert f"--python-version {lock.PYTHON_VERSION}" in path.read_text().split("\n", 2)[1]
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    pythons = [d for d in env["dependencies"] if isinstance(d, str) and d.startswith("python")]
    assert pythons == [f"python={'.'.join(lock.PYTHON_VERSION.split('.')[:2])}"]
