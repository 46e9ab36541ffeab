"""The project's own promises: one locked dependency list, a light import, a front door that lists its targets."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib

from analysis.paths import ROOT


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~;\[ ]", requirement, maxsplit=1)[0].lower().replace("_", "-")


def test_every_declared_dependency_is_pinned_in_the_lock() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    declared = {_name(r) for r in project["dependencies"]}
    declared |= {_name(r) for extra in project["optional-dependencies"].values() for r in extra}
    lock = (ROOT / "requirements.lock").read_text(encoding="utf-8")
    pinned = {_name(line) for line in lock.splitlines() if "==" in line and not line.startswith("#")}
    assert declared <= pinned, f"not in requirements.lock (run `make lock`): {sorted(declared - pinned)}"


def test_conda_environment_installs_the_same_lock() -> None:
    environment = (ROOT / "environment.yml").read_text(encoding="utf-8")
    assert "-r requirements.lock" in environment and "-e ." in environment


def test_make_help_lists_the_targets() -> None:
    shown = subprocess.run(["make", "-s", "help"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    for target in ("all", "test", "data", "lock"):
        assert re.search(rf"make {target}\b", shown)


def test_import_analysis_stays_light() -> None:
    code = "import sys, analysis, analysis.paths; print(' '.join(sorted(sys.modules)))"
    loaded = set(
        subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    )
    heavy = {"pandas", "numpy", "matplotlib", "sklearn", "pyarrow", "pandera", "seaborn"}
    assert not heavy & loaded
