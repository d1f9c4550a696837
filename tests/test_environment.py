"""The two install descriptions (pip's pyproject.toml and conda's environment.yml) agree.

pyproject.toml's ``dependencies`` are what ``make lab`` installs; its ``test`` extra holds what
only the tests need, installed by ``make test``. environment.yml (a development environment)
lists both.
"""
import re
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent


def pyproject():
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]


def pyproject_deps():
    return pyproject()["dependencies"]


def extra_deps():
    return pyproject()["optional-dependencies"]["test"]


def name(requirement):
    return re.split(r"[<>=!~ \[]", requirement, maxsplit=1)[0].lower().replace("_", "-")


def conda_pip_deps():
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    pip_sections = [d["pip"] for d in env["dependencies"] if isinstance(d, dict) and "pip" in d]
    assert len(pip_sections) == 1, "environment.yml needs exactly one pip: section"
    return pip_sections[0]


def test_environment_yml_lists_the_same_packages_as_pyproject():
    assert sorted(conda_pip_deps()) == sorted(pyproject_deps() + extra_deps())


def test_what_only_the_tests_need_is_a_test_extra_that_make_test_installs_and_make_lab_does_not():
    runtime, tests = {name(d) for d in pyproject_deps()}, {name(d) for d in extra_deps()}
    assert {"pytest", "nbval", "pytest-timeout"} <= tests and not runtime & tests
    makefile = (ROOT / "Makefile").read_text()
    install = re.search(r"^\$\(TEST_STAMP\):.*\n((?:\t.*\n)+)", makefile, re.M)
    assert install and '-e ".[test]"' in install.group(1)
    assert re.search(r"^test: \$\(TEST_STAMP\)", makefile, re.M)
    assert re.search(r"^lab: \$\(STAMP\)$", makefile, re.M)
    # the runtime (what learners get) never imports a test-only package
    modules = {"pytest", "nbval", "pytest_timeout", "yaml", "websocket"}
    for path in (ROOT / "helpers").rglob("*.py"):
        imported = set(re.findall(r"^\s*(?:import|from) (\w+)", path.read_text(encoding="utf-8"), re.M))
        assert not imported & modules, f"{path.relative_to(ROOT)} imports {imported & modules}"


def test_python_versions_agree():
    requires = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["requires-python"]
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    pythons = [d for d in env["dependencies"] if isinstance(d, str) and d.startswith("python")]
    assert pythons, "environment.yml pins no python"
    minimum = requires.removeprefix(">=")
    assert pythons[0].split("=", 1)[1].startswith(minimum)
